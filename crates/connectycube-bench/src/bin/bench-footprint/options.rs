//! What `bench-footprint` is asked for (`cargo xtask footprint` passes the user's flags on):
//! its flags and the clients it can measure.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Parser;

/// `cargo xtask footprint [OPTIONS]`: cold start, threads, resident memory and idle wake-ups of
/// the Rust SDK, the JS SDK and the FFI library via Python, over HTTPS → target/bench/footprint.md.
#[derive(Debug, Clone, Parser)]
#[command(name = "bench-footprint", override_usage = "cargo xtask footprint [OPTIONS]")]
pub struct Options {
    /// The HTTPS emulator's address (`https://127.0.0.1:PORT`).
    #[arg(long, hide = true)]
    pub url: String,
    /// The CA file the clients trust.
    #[arg(long, hide = true)]
    pub ca: PathBuf,
    /// The drivers xtask built (JSON, see the library's `driver` module).
    #[arg(long, hide = true)]
    pub drivers: Option<PathBuf>,
    /// Where footprint.md and footprint.json go.
    #[arg(long, hide = true, default_value = "target/bench")]
    pub out: PathBuf,
    /// Cold starts measured per client (after one unmeasured run).
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Sequential GET /users/{id} before the memory and idle figures.
    #[arg(long, default_value_t = 1_000)]
    pub calls: u64,
    /// The idle period whose context switches are counted.
    #[arg(long, default_value_t = 10.0)]
    pub idle_seconds: f64,
    #[arg(skip = 1.0)]
    pub settle_seconds: f64,
    /// The API host name the clients use: localhost (resolved through the system resolver as an
    /// app's api.connectycube.com is), 127.0.0.1 (no lookup) or ::1 (the emulator's certificate
    /// names all three).
    #[arg(long, default_value = "localhost")]
    pub host: String,
    #[arg(long, value_delimiter = ',', default_value = "rust,js,python")]
    pub clients: Vec<Client>,
    /// Fail when a target is missed.
    #[arg(long)]
    pub check: bool,
}

impl Options {
    pub fn validate(&self) -> Result<()> {
        if self.runs == 0 || self.clients.is_empty() {
            bail!("--runs must be at least 1 and --clients not empty");
        }
        if !(self.idle_seconds > 0.0 && self.idle_seconds.is_finite()) {
            bail!("--idle-seconds must be > 0");
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Client {
    Rust,
    Js,
    Python,
}

impl Client {
    pub const ALL: [Self; 3] = [Self::Rust, Self::Js, Self::Python];

    pub fn name(self) -> &'static str {
        match self {
            Self::Rust => "rust",
            Self::Js => "js",
            Self::Python => "python",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Rust => "Rust SDK",
            Self::Js => "JS SDK 6 (node)",
            Self::Python => "mobile library (FFI) via Python",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse() {
        let options = Options::try_parse_from([
            "x",
            "--url=u",
            "--ca=c",
            "--runs=3",
            "--clients",
            "rust,js",
            "--host",
            "127.0.0.1",
        ])
        .unwrap();
        assert_eq!(options.runs, 3);
        assert_eq!(options.clients, vec![Client::Rust, Client::Js]);
        assert_eq!(options.host, "127.0.0.1");
        assert_eq!(options.settle_seconds, 1.0);
        assert!(Options::try_parse_from(["x", "--url=u", "--ca=c", "--clients", "kotlin"]).is_err());
    }
}
