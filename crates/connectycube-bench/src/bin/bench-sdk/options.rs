//! The flags of `bench-sdk` (`cargo xtask bench` passes the user's on) and the cells they ask for.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Parser;
use connectycube_bench::driver::Launch;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    Get,
    Session,
    Signup,
}

impl Scenario {
    pub const ALL: [Self; 3] = [Self::Get, Self::Session, Self::Signup];

    pub fn name(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Session => "session",
            Self::Signup => "signup",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Get => "GET /users/{id} (user session token)",
            Self::Session => "POST /session (application session)",
            Self::Signup => "POST /users sign-up (CB-AuthKey, unique login per call)",
        }
    }
}

/// One measurement: sequential latency, or throughput at a number of calls in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Sequential,
    Throughput(usize),
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sequential => "sequential",
            Self::Throughput(_) => "throughput",
        }
    }

    pub fn concurrency(self) -> usize {
        match self {
            Self::Sequential => 1,
            Self::Throughput(c) => c,
        }
    }
}

/// `cargo xtask bench [OPTIONS]`: raw reqwest, the Rust SDK, the JS SDK and the Kotlin/Swift/Python
/// bindings against the emulator → target/bench/bench.md.
#[derive(Debug, Clone, Parser)]
#[command(name = "bench-sdk", override_usage = "cargo xtask bench [OPTIONS]")]
pub struct Options {
    /// The emulator's address (`http://127.0.0.1:PORT`).
    #[arg(long, hide = true)]
    pub url: String,
    /// The emulator's process id, for its CPU time.
    #[arg(long, hide = true)]
    pub emulator_pid: u32,
    /// The drivers xtask built (JSON, see the library's `driver` module).
    #[arg(long, hide = true)]
    pub drivers: Option<PathBuf>,
    /// Where bench.md and bench.json go.
    #[arg(long, hide = true, default_value = "target/bench")]
    pub out: PathBuf,
    /// Measured seconds per throughput cell.
    #[arg(long, default_value_t = 3.0)]
    pub seconds: f64,
    /// Warm-up seconds before each throughput cell.
    #[arg(long, default_value_t = 1.0)]
    pub warmup: f64,
    /// Measured calls per sequential cell.
    #[arg(long, default_value_t = 10_000)]
    pub requests: u64,
    /// Warm-up calls before each sequential cell.
    #[arg(long, default_value_t = 1_000)]
    pub warmup_requests: u64,
    /// Calls in flight of the throughput cells.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64,256")]
    pub concurrency: Vec<usize>,
    #[arg(long, value_delimiter = ',', default_value = "get,session,signup")]
    pub scenarios: Vec<Scenario>,
    /// Only these clients (default: raw, sdk, js, kotlin, swift, python and every --driver).
    #[arg(long, value_delimiter = ',')]
    pub clients: Option<Vec<String>>,
    /// An extra client: COMMAND (split on spaces) follows the driver protocol of
    /// crates/connectycube-bench/src/bin/bench-sdk/main.rs; e.g. --driver py='python3 bench.py'.
    #[arg(long, value_name = "NAME=COMMAND", value_parser = Launch::parse)]
    pub driver: Vec<Launch>,
    /// Tokio worker threads of the in-process clients.
    #[arg(long, default_value_t = 2)]
    pub client_threads: usize,
    /// Raw and Rust SDK cells are measured N times (alternating); the best counts.
    #[arg(long, default_value_t = 2)]
    pub rounds: usize,
    /// Skip the 1,000 concurrent calls on one client.
    #[arg(long = "no-burst", action = clap::ArgAction::SetFalse)]
    pub burst: bool,
    /// Skip the mobile footprint section (`cargo xtask footprint`, for sdk, js and python), which
    /// xtask runs after this.
    #[arg(long)]
    pub no_footprint: bool,
    /// Fail when a target (of the footprint too) is missed.
    #[arg(long)]
    pub check: bool,
}

impl Options {
    pub fn validate(&self) -> Result<()> {
        let valid_seconds = self.seconds > 0.0 && self.seconds.is_finite();
        let valid_warmup = self.warmup >= 0.0 && self.warmup.is_finite();
        if !(valid_seconds && valid_warmup) {
            bail!("--seconds must be > 0 and --warmup >= 0");
        }
        if self.requests == 0 || self.client_threads == 0 || self.rounds == 0 || self.concurrency.contains(&0) {
            bail!("--requests, --client-threads, --rounds and every --concurrency must be at least 1");
        }
        if self.scenarios.is_empty() {
            bail!("--scenarios is empty");
        }
        let built_in = ["raw", "sdk", "js", "kotlin", "swift", "python"];
        if let Some(driver) = self.driver.iter().find(|d| built_in.contains(&d.name.as_str())) {
            bail!("--driver: '{}' is not a free client name", driver.name);
        }
        Ok(())
    }

    pub fn wants(&self, client: &str) -> bool {
        self.clients
            .as_ref()
            .is_none_or(|clients| clients.iter().any(|c| c == client))
    }

    pub fn modes(&self) -> Vec<Mode> {
        std::iter::once(Mode::Sequential)
            .chain(self.concurrency.iter().map(|&c| Mode::Throughput(c)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_lists_and_drivers() {
        let options = Options::try_parse_from([
            "bench-sdk",
            "--url=http://127.0.0.1:1",
            "--emulator-pid=1",
            "--seconds=1",
            "--concurrency",
            "1,64",
            "--clients",
            "raw,sdk",
            "--driver",
            "py=python3 x.py",
        ])
        .unwrap();
        assert_eq!(options.concurrency, vec![1, 64]);
        assert!(options.wants("sdk") && !options.wants("js"));
        assert_eq!(options.driver[0].program, PathBuf::from("python3"));
        assert!(options.burst && options.validate().is_ok());
        assert_eq!(
            options.modes(),
            vec![Mode::Sequential, Mode::Throughput(1), Mode::Throughput(64)]
        );
    }
}
