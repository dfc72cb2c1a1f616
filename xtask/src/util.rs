//! Small helpers shared by the xtask commands.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where tools fetched at test time live: outside the repository, reused across runs.
/// `CONNECTYCUBE_CACHE` overrides it.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CONNECTYCUBE_CACHE") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("connectycube-rs")
}

/// A step's heading, with the time since xtask started: CI logs then show where its
/// minutes go.
pub fn step(title: &str) {
    static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let elapsed = STARTED.get_or_init(std::time::Instant::now).elapsed().as_secs();
    eprintln!("\n==> [{}m{:02}s] {title}", elapsed / 60, elapsed % 60);
}

/// Runs this xtask command again from a release build of xtask (`cargo xtask` builds it in
/// debug): what measures speed must not measure its own debug build.
pub fn rerun_in_release(command: &str, args: &[String]) -> Result<()> {
    let mut cargo_args = vec![
        "run",
        "--release",
        "--quiet",
        "-p",
        "xtask",
        "--bin",
        "xtask",
        "--",
        command,
    ];
    cargo_args.extend(args.iter().map(String::as_str));
    cargo(&cargo_args)
}

pub fn cargo(args: &[&str]) -> Result<()> {
    run(&mut cargo_command(args))
}

/// `cargo <args>` in the workspace, with the cargo that runs xtask; add to it, then [`run`] it.
pub fn cargo_command(args: &[&str]) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command.args(args).current_dir(workspace_root());
    command
}

pub fn run(command: &mut Command) -> Result<()> {
    let status = command.status().with_context(|| format!("cannot start {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed with {status}");
    }
    Ok(())
}

/// Where cargo puts build outputs (`CARGO_TARGET_DIR` or `target/`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Builds the emulator binary and returns its path.
pub fn build_emulator(release: bool) -> Result<PathBuf> {
    let mut args = vec!["build", "-p", "connectycube-emulator", "--bin", "connectycube-emulator"];
    if release {
        args.push("--release");
    }
    cargo(&args)?;
    let binary = target_dir()
        .join(if release { "release" } else { "debug" })
        .join("connectycube-emulator");
    if !binary.exists() {
        bail!("emulator binary not found at {}", binary.display());
    }
    Ok(binary)
}

/// A number given to a command-line flag, with the flag named in the error.
pub fn parse_number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T> {
    text.parse()
        .map_err(|_| anyhow::anyhow!("{flag}: '{text}' is not a valid number"))
}

/// The `--flag value` / `--flag=value` arguments of one command, read one flag at a time; the
/// command's usage text goes into every error.
pub struct Flags<'a> {
    args: std::slice::Iter<'a, String>,
    usage: &'static str,
    flag: String,
    inline: Option<String>,
}

impl<'a> Flags<'a> {
    pub fn new(args: &'a [String], usage: &'static str) -> Self {
        Self {
            args: args.iter(),
            usage,
            flag: String::new(),
            inline: None,
        }
    }

    /// The next flag (its name only; its value, if it takes one, comes from [`Self::value`]).
    pub fn next_flag(&mut self) -> Option<String> {
        let arg = self.args.next()?;
        (self.flag, self.inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
            _ => (arg.clone(), None),
        };
        Some(self.flag.clone())
    }

    /// The current flag's value: after `=`, or the next argument.
    pub fn value(&mut self) -> Result<String> {
        match self.inline.take().or_else(|| self.args.next().cloned()) {
            Some(value) => Ok(value),
            None => bail!("{} needs a value\n{}", self.flag, self.usage),
        }
    }

    /// The current flag's value as a number.
    pub fn number<T: std::str::FromStr>(&mut self) -> Result<T> {
        let value = self.value()?;
        parse_number(&self.flag, &value)
    }

    /// The error for a flag the command does not know (or `--help`: the usage).
    pub fn unknown(&self) -> anyhow::Error {
        match self.flag.as_str() {
            "--help" | "-h" => anyhow::anyhow!("{}", self.usage),
            other => anyhow::anyhow!("unknown argument '{other}'\n{}", self.usage),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_take_values_inline_or_next_and_name_the_flag_in_errors() {
        let args: Vec<String> = ["--seconds=2.5", "--check", "--workers", "8", "--x=1", "--n"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let mut flags = Flags::new(&args, "usage");
        assert_eq!(flags.next_flag().as_deref(), Some("--seconds"));
        assert_eq!(flags.number::<f64>().unwrap(), 2.5);
        assert_eq!(flags.next_flag().as_deref(), Some("--check"));
        assert_eq!(flags.next_flag().as_deref(), Some("--workers"));
        assert_eq!(flags.number::<u64>().unwrap(), 8);
        assert_eq!(flags.next_flag().as_deref(), Some("--x"));
        assert!(flags.unknown().to_string().contains("unknown argument '--x'"));
        assert_eq!(flags.next_flag().as_deref(), Some("--n"));
        assert!(flags.value().unwrap_err().to_string().contains("--n needs a value"));
        assert_eq!(flags.next_flag(), None);
    }
}
