//! What `cargo xtask footprint` is asked for: its flags and the clients it can measure.

use anyhow::{Result, anyhow, bail};

use crate::util;

const USAGE: &str = "usage: cargo xtask footprint [--runs N] [--calls N] [--idle-seconds S] [--host H]
       [--clients rust,js,python] [--check]
  --runs N          cold starts measured per client (after one unmeasured run), default 20
  --calls N         sequential GET /users/{id} before the memory and idle figures, default 1000
  --idle-seconds S  the idle period whose context switches are counted, default 10
  --host H          the API host name the clients use: localhost (default, resolved through the system
                    resolver as an app's api.connectycube.com is), 127.0.0.1 (no lookup) or ::1
  --check           fail when a target is missed";

#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) runs: usize,
    pub(crate) calls: u64,
    pub(crate) idle_seconds: f64,
    pub(crate) settle_seconds: f64,
    /// The host in the API address the clients are given (the emulator's certificate names
    /// localhost, 127.0.0.1 and ::1).
    pub(crate) host: String,
    pub(crate) clients: Vec<Client>,
    pub(super) check: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            runs: 20,
            calls: 1_000,
            idle_seconds: 10.0,
            settle_seconds: 1.0,
            host: "localhost".to_owned(),
            clients: Client::ALL.to_vec(),
            check: false,
        }
    }
}

impl Options {
    pub(super) fn parse(args: &[String]) -> Result<Self> {
        let mut options = Self::default();
        let mut flags = util::Flags::new(args, USAGE);
        while let Some(flag) = flags.next_flag() {
            match flag.as_str() {
                "--runs" => options.runs = flags.number()?,
                "--calls" => options.calls = flags.number()?,
                "--idle-seconds" => options.idle_seconds = flags.number()?,
                "--host" => options.host = flags.value()?,
                "--clients" => {
                    options.clients = flags
                        .value()?
                        .split(',')
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(Client::parse)
                        .collect::<Result<_>>()?;
                }
                "--check" => options.check = true,
                _ => return Err(flags.unknown()),
            }
        }
        if options.runs == 0 || options.clients.is_empty() {
            bail!("--runs must be at least 1 and --clients not empty\n{USAGE}");
        }
        if !(options.idle_seconds > 0.0 && options.idle_seconds.is_finite()) {
            bail!("--idle-seconds must be > 0\n{USAGE}");
        }
        Ok(options)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Client {
    Rust,
    Js,
    Python,
}

impl Client {
    pub(super) const ALL: [Self; 3] = [Self::Rust, Self::Js, Self::Python];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Rust => "rust",
            Self::Js => "js",
            Self::Python => "python",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Rust => "Rust SDK",
            Self::Js => "JS SDK 6 (node)",
            Self::Python => "mobile library (FFI) via Python",
        }
    }

    fn parse(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.name() == text)
            .ok_or_else(|| anyhow!("unknown client '{text}' (rust, js, python)"))
    }
}
