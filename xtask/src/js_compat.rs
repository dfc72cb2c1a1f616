//! `cargo xtask js-compat`: the official ConnectyCube JS SDK (npm `connectycube` 6.x, its node
//! build) run against the emulator, over HTTP and over HTTPS.
//!
//! 1. The SDK is installed with npm into a cache directory outside the repository
//!    (`<cache>/js-sdk-6`, see [`crate::util::cache_dir`]) and reused on later runs.
//!    `CONNECTYCUBE_JS_SDK_DIR` points at another install (a directory whose `node_modules`
//!    holds `connectycube`) and skips npm.
//! 2. The emulator starts on a free port; its first stdout line gives the URL.
//! 3. `node --test crates/connectycube-emulator/tests/js/compat.test.mjs` runs with
//!    `EMULATOR_URL` and `CONNECTYCUBE_JS_SDK_DIR`; its report goes to the inherited stdout,
//!    and a TAP copy goes to a temporary file that is read to make sure tests actually ran.
//! 4. The emulator is killed whatever happened.
//! 5. Steps 2–4 again over HTTPS: the emulator runs with `--generate-tls <target>/js-compat-tls`
//!    (a throwaway CA, reused across runs) and node trusts its CA through `NODE_EXTRA_CA_CERTS`,
//!    as an application would trust a private CA. The test then hands the SDK the address
//!    without a scheme (`endpoints.api`), its production form, so the SDK's own `https://` is
//!    what reaches the emulator.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::emulator_process::EmulatorProcess;
use crate::util;

/// The npm package and version range under test.
const SDK_PACKAGE: &str = "connectycube@6";
const SDK_MAJOR_PREFIX: &str = "\"version\": \"6.";
const TEST_FILE: &str = "crates/connectycube-emulator/tests/js/compat.test.mjs";

pub fn run(workspace: &Path, emulator: &Path) -> Result<()> {
    let test_file = workspace.join(TEST_FILE);
    if !test_file.is_file() {
        bail!("the JS compatibility test is missing: {}", test_file.display());
    }
    let sdk_dir = sdk_dir()?;

    let server = EmulatorProcess::start(emulator, &[])?;
    eprintln!("emulator at {}", server.url);
    let outcome = run_node(workspace, &test_file, &sdk_dir, &server.url, None);
    drop(server);
    let http = outcome.context("over HTTP")?;

    let tls_dir = util::target_dir().join("js-compat-tls");
    let server = EmulatorProcess::start_tls(emulator, &tls_dir, &[])?;
    let ca_file = server.ca_file.clone().context("the HTTPS emulator named no CA file")?;
    eprintln!("emulator at {} (CA {})", server.url, ca_file.display());
    let outcome = run_node(workspace, &test_file, &sdk_dir, &server.url, Some(&ca_file));
    drop(server);
    let https = outcome.context("over HTTPS")?;

    for (transport, counts) in [("HTTP", http), ("HTTPS", https)] {
        eprintln!(
            "JS SDK compatibility over {transport}: {} tests, {} passed, {} failed",
            counts.tests, counts.pass, counts.fail
        );
    }
    Ok(())
}

/// The directory whose `node_modules` holds the JS SDK 6.x: `CONNECTYCUBE_JS_SDK_DIR`, else
/// `<cache>/js-sdk-6`, npm-installed when missing. Shared with `cargo xtask bench`.
pub(crate) fn sdk_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CONNECTYCUBE_JS_SDK_DIR") {
        let dir = PathBuf::from(dir);
        if !installed_version_ok(&dir) {
            bail!(
                "CONNECTYCUBE_JS_SDK_DIR={} has no node_modules/connectycube 6.x",
                dir.display()
            );
        }
        return Ok(dir);
    }
    let dir = util::cache_dir().join("js-sdk-6");
    if installed_version_ok(&dir) {
        eprintln!("JS SDK already installed in {}", dir.display());
        return Ok(dir);
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    eprintln!("installing npm {SDK_PACKAGE} into {}", dir.display());
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    util::run(
        Command::new(npm)
            .arg("install")
            .arg("--prefix")
            .arg(&dir)
            .args(["--no-audit", "--no-fund", SDK_PACKAGE])
            .current_dir(&dir),
    )
    .context("npm install failed (are node and npm installed?)")?;
    if !installed_version_ok(&dir) {
        bail!(
            "npm install finished but {} has no connectycube 6.x",
            dir.join("node_modules").display()
        );
    }
    Ok(dir)
}

fn installed_version_ok(dir: &Path) -> bool {
    let manifest = dir.join("node_modules").join("connectycube").join("package.json");
    std::fs::read_to_string(manifest).is_ok_and(|text| text.contains(SDK_MAJOR_PREFIX))
}

/// What node's TAP summary says.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    tests: u64,
    pass: u64,
    fail: u64,
}

/// Runs the test file against `url`; `extra_ca` is a CA certificate node must trust.
fn run_node(workspace: &Path, test_file: &Path, sdk_dir: &Path, url: &str, extra_ca: Option<&Path>) -> Result<Counts> {
    let tap_file = std::env::temp_dir().join(format!("connectycube-js-compat-{}.tap", std::process::id()));
    let _ = std::fs::remove_file(&tap_file);
    let mut tap_destination = OsString::from("--test-reporter-destination=");
    tap_destination.push(tap_file.as_os_str());

    let mut node = Command::new("node");
    match extra_ca {
        Some(ca) => node.env("NODE_EXTRA_CA_CERTS", ca),
        None => node.env_remove("NODE_EXTRA_CA_CERTS"),
    };
    let status = node
        .arg("--test")
        // The readable report on the inherited stdout, a TAP copy for counting.
        .args(["--test-reporter=spec", "--test-reporter-destination=stdout"])
        .arg("--test-reporter=tap")
        .arg(&tap_destination)
        .arg(test_file)
        .env("EMULATOR_URL", url)
        .env("CONNECTYCUBE_JS_SDK_DIR", sdk_dir)
        .current_dir(workspace)
        .stdin(Stdio::null())
        .status()
        .context("cannot start node (is node ≥ 20 installed?)")?;

    let tap = std::fs::read_to_string(&tap_file);
    let _ = std::fs::remove_file(&tap_file);
    if !status.success() {
        bail!("the JS SDK compatibility test failed (node exited with {status})");
    }
    let tap = tap.with_context(|| format!("node wrote no TAP report to {}", tap_file.display()))?;
    let counts = parse_tap_summary(&tap);
    if counts.tests == 0 || counts.pass == 0 {
        bail!("node ran no JS compatibility test ({counts:?})");
    }
    if counts.fail > 0 {
        bail!("{} JS compatibility test(s) failed", counts.fail);
    }
    Ok(counts)
}

/// Reads the `# tests N`, `# pass N` and `# fail N` lines of node's TAP summary.
fn parse_tap_summary(tap: &str) -> Counts {
    let mut counts = Counts::default();
    for line in tap.lines() {
        let Some(rest) = line.trim().strip_prefix("# ") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(name), Some(value), None) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        let Ok(value) = value.parse::<u64>() else {
            continue;
        };
        match name {
            "tests" => counts.tests = value,
            "pass" => counts.pass = value,
            "fail" => counts.fail = value,
            _ => {}
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tap_summary() {
        let tap = "TAP version 13\n# Subtest: a\nok 1 - a\n1..1\n# tests 26\n# suites 0\n\
                   # pass 25\n# fail 1\n# cancelled 0\n# duration_ms 877.01\n";
        assert_eq!(
            parse_tap_summary(tap),
            Counts {
                tests: 26,
                pass: 25,
                fail: 1
            }
        );
        assert_eq!(parse_tap_summary("TAP version 13\n1..0\n"), Counts::default());
    }
}
