//! Report helpers: number formats, the machine and commit a figure was measured on, and
//! writing a report's Markdown and JSON under `target/bench/` (or another directory).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

/// The workspace root (this crate lives in `crates/connectycube-bench`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Where cargo puts build outputs (`CARGO_TARGET_DIR` or `target/`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

pub fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "MISS" }
}

/// `12345.6` → `12,346`.
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Microseconds, as ms from 10 ms on.
pub fn micros(value: f64) -> String {
    if value >= 10_000.0 {
        format!("{:.1} ms", value / 1000.0)
    } else {
        format!("{value:.0} µs")
    }
}

/// Milliseconds, one decimal below 100.
pub fn millis(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0} ms")
    } else {
        format!("{value:.1} ms")
    }
}

/// The checked-out commit (absent outside a git checkout).
pub fn git_commit() -> Option<String> {
    git(&["rev-parse", "--short", "HEAD"]).map(|head| head.trim().to_owned())
}

/// How many tracked files differ from the commit (others may edit the checkout meanwhile).
pub fn changed_files() -> usize {
    git(&["status", "--porcelain", "--untracked-files=no"]).map_or(0, |s| s.lines().count())
}

fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .current_dir(workspace_root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

/// CPU, cores, memory, kernel and OS, for a report's first line.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map_or("unknown CPU".to_owned(), |(_, name)| name.trim().to_owned());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| crate::measure::status_field(&m, "MemTotal:"))
        .map_or_else(
            || "? GiB".to_owned(),
            |kb| format!("{:.0} GiB", kb as f64 / 1024.0 / 1024.0),
        );
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").map_or(String::new(), |k| k.trim().to_owned());
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            let name = text.lines().find_map(|l| l.strip_prefix("PRETTY_NAME="))?;
            Some(name.trim_matches('"').to_owned())
        })
        .unwrap_or_else(|| "unknown OS".to_owned());
    format!(
        "{cpu}, {} cores, {memory}, Linux {kernel} ({os})",
        crate::measure::cores()
    )
}

/// `program arg`'s first output line (`node --version`), or `program ?`.
pub fn version(program: &str, arg: &str) -> String {
    Command::new(program)
        .arg(arg)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            let text = if o.stdout.is_empty() { o.stderr } else { o.stdout };
            String::from_utf8_lossy(&text).trim().to_owned()
        })
        .unwrap_or_else(|| format!("{program} ?"))
}

/// Writes `<dir>/<name>.md` and `<dir>/<name>.json` (pretty) and returns their paths.
pub fn write(dir: &Path, name: &str, markdown: &str, json: &serde_json::Value) -> Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let md_path = dir.join(format!("{name}.md"));
    std::fs::write(&md_path, markdown).with_context(|| format!("cannot write {}", md_path.display()))?;
    let json_path = dir.join(format!("{name}.json"));
    let text = serde_json::to_string_pretty(json).context("cannot encode the report")?;
    std::fs::write(&json_path, text + "\n").with_context(|| format!("cannot write {}", json_path.display()))?;
    Ok((md_path, json_path))
}

/// The report on stdout (progress goes to stderr), so a closed pipe is an error, not a panic.
pub fn print(markdown: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(markdown.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// A binary's exit: success, or the error (with its causes) on stderr and status 1.
pub fn exit(binary: &str, result: Result<()>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{binary}: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// A step's heading on stderr.
pub fn step(title: &str) {
    eprintln!("\n==> {title}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(12.0), "12");
        assert_eq!(micros(250.0), "250 µs");
        assert_eq!(micros(12_345.0), "12.3 ms");
        assert_eq!(millis(5.25), "5.2 ms");
        assert_eq!(millis(150.0), "150 ms");
    }
}
