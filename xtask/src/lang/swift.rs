//! The Swift binding tests: `cargo xtask test-bindings --lang swift` runs the SwiftPM package
//! in `bindings/swift` (XCTest) against the emulator, in the Debian chroot of
//! `toolchain/swift.rs`. For the run, the HTTPS emulator's CA is the chroot's only trusted
//! root (`/etc/ssl/certs`), for the tests' `URLSession` reads of its control API.
//!
//! The generated Swift (patched by `bindings::generate_into`, `swift/async_calls.rs`) is
//! copied into the package (git-ignored), here and by `cargo xtask apple`.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use super::BindingsContext;
use crate::toolchain::swift::{Mounts, ensure_chroot, require_root};
use crate::util;

pub(crate) mod async_calls;

pub fn test(context: &BindingsContext) -> Result<()> {
    if cfg!(target_os = "macos") {
        bail!("the Swift binding tests run on Linux (a Debian chroot); on macOS use `cargo xtask apple` and Xcode");
    }
    require_root()?;
    let package = package_dir(&context.workspace);
    install_generated(&context.generated, &package)?;
    let root = ensure_chroot(&context.cache)?;

    let library_dir = context
        .library
        .parent()
        .context("the FFI library has no parent directory")?
        .to_path_buf();
    let mut shared = vec![context.workspace.clone()];
    let tls_dir = context
        .tls
        .ca_file
        .parent()
        .context("the CA file has no parent directory")?
        .to_path_buf();
    for path in [&library_dir, &context.build_dir, &context.generated, &tls_dir] {
        if !shared.iter().any(|s| path.starts_with(s)) {
            shared.push(path.clone());
        }
    }
    let system_certs = system_certs_trusting(&context.tls.ca_file, &context.build_dir)?;
    let mounts = Mounts::new(&root, &shared, &[(system_certs, SYSTEM_CERTS)])?;

    util::step("swift test (in the trixie chroot)");
    let started = Instant::now();
    let mut command = Command::new("chroot");
    command
        .arg(&root)
        .args(["swift", "test", "--disable-swift-testing", "--package-path"])
        .arg(&package)
        .arg("--scratch-path")
        .arg(&context.build_dir)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")
        .env("HOME", "/root")
        .env("LANG", "C.UTF-8")
        .env("CONNECTYCUBE_API_ENDPOINT", &context.emulator_url)
        .envs(context.tls.env())
        .env("CONNECTYCUBE_FFI_LIB_DIR", &library_dir);
    let outcome = run_relaying(&mut command);
    drop(mounts);
    let (success, summary) = outcome?;
    eprintln!("\nswift test: {:.1} s", started.elapsed().as_secs_f64());
    for line in &summary {
        eprintln!("  {line}");
    }
    if !success {
        bail!("swift test failed");
    }
    Ok(())
}

/// Where the chroot's libcurl (under `URLSession`) looks for trusted roots: the bundle
/// `ca-certificates.crt` there, and the folder itself.
const SYSTEM_CERTS: &str = "etc/ssl/certs";

/// A folder holding `ca.pem` as `ca-certificates.crt`, mounted over the chroot's
/// `/etc/ssl/certs` for the run: the TLS tests read the HTTPS emulator's control API with
/// `URLSession`, which on Linux trusts only libcurl's bundle (swift-corelibs-foundation reads
/// no CA setting outside Android). The chroot has no CA bundle of its own to hide.
fn system_certs_trusting(ca_file: &Path, build_dir: &Path) -> Result<PathBuf> {
    let dir = build_dir.join("system-certs");
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    util::copy_file(ca_file, &dir.join("ca-certificates.crt"))?;
    Ok(dir)
}

/// The Swift package.
pub(crate) fn package_dir(workspace: &Path) -> PathBuf {
    workspace.join("bindings").join("swift")
}

/// Copies the generated files into the package (git-ignored): the Swift source into the
/// `ConnectyCube` target; the header and module map into the
/// `ConnectyCubeFFI` system-library target (Linux).
pub(crate) fn install_generated(generated: &Path, package: &Path) -> Result<()> {
    write_if_changed(
        &package.join("Sources/ConnectyCube/Generated/ConnectyCube.swift"),
        read(&generated.join("ConnectyCube.swift"))?.as_bytes(),
    )?;
    let ffi = package.join("Sources/ConnectyCubeFFI");
    write_if_changed(
        &ffi.join("ConnectyCubeFFI.h"),
        read(&generated.join("ConnectyCubeFFI.h"))?.as_bytes(),
    )?;
    write_if_changed(
        &ffi.join("module.modulemap"),
        read(&generated.join("ConnectyCubeFFI.modulemap"))?.as_bytes(),
    )?;
    Ok(())
}

/// Runs `command`, relaying its stdout line by line; returns success and XCTest's summary
/// lines ("Executed N tests, with M failures…", failures).
fn run_relaying(command: &mut Command) -> Result<(bool, Vec<String>)> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot start {command:?}"))?;
    let mut summary = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        let mut out = std::io::stdout().lock();
        for line in BufReader::new(stdout).lines() {
            let line = line.context("cannot read swift test's output")?;
            writeln!(out, "{line}").context("cannot write to stdout")?;
            let trimmed = line.trim();
            if trimmed.starts_with("Executed ") || trimmed.contains(": error: ") || trimmed.ends_with("' failed") {
                summary.push(trimmed.to_owned());
            }
        }
    }
    let status = child.wait().context("swift test did not finish")?;
    // The last "Executed" line is the whole run's.
    if let Some(last) = summary.iter().rposition(|l| l.starts_with("Executed ")) {
        let total = summary.remove(last);
        summary.retain(|l| !l.starts_with("Executed "));
        summary.push(total);
    }
    Ok((status.success(), summary))
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes only when the content differs, so SwiftPM does not rebuild unchanged sources.
fn write_if_changed(path: &Path, content: &[u8]) -> Result<()> {
    if fs::read(path).is_ok_and(|existing| existing == content) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    fs::write(path, content).with_context(|| format!("cannot write {}", path.display()))
}
