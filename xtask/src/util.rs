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

pub fn cargo(args: &[&str]) -> Result<()> {
    run(&mut cargo_command(args))
}

/// `cargo <args>` in the workspace, with the cargo that runs xtask; add to it, then [`run`] it.
pub fn cargo_command(args: &[&str]) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command.args(args).current_dir(workspace_root());
    without_cargo_run_env(&mut command);
    command
}

/// Removes from `command`'s environment what `cargo run` set for xtask (its CARGO_PKG_*,
/// CARGO_MANIFEST_*…). ring's build script reruns when CARGO_PKG_NAME or CARGO_MANIFEST_DIR
/// change, so a cargo started with xtask's values and the `cargo xtask` that built xtask
/// (without them) would each rebuild ring and everything over it, on every run.
pub fn without_cargo_run_env(command: &mut Command) {
    for (name, _) in std::env::vars_os() {
        let name_text = name.to_string_lossy();
        let set_by_cargo_run = name_text.starts_with("CARGO_PKG_")
            || name_text.starts_with("CARGO_MANIFEST_")
            || matches!(
                name_text.as_ref(),
                "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE"
            );
        if set_by_cargo_run {
            command.env_remove(&name);
        }
    }
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

/// Copies the file `from` to the path `to`.
pub fn copy_file(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    Ok(())
}
