//! The Swift bindings: `cargo xtask test-bindings --lang swift` runs the SwiftPM package in
//! `bindings/swift` (XCTest) against the emulator, and `cargo xtask apple` builds the
//! XCFramework its Apple targets link.
//!
//! On Linux, Swift comes from Debian trixie's `swiftlang` (no Swift download site is
//! reachable from CI): a `debootstrap` chroot kept in the cache outside the repository. The
//! workspace (and the target directory, when outside it) is bind-mounted into the chroot at
//! the same path, so paths agree inside and out; the chroot shares the host's network, so the
//! emulator on 127.0.0.1 is reachable. For the run, the HTTPS emulator's CA is the chroot's
//! only trusted root (`/etc/ssl/certs`), for the tests' `URLSession` reads of its control API.
//! Needs root.
//!
//! The generated Swift is copied into the package (git-ignored) with one patch: uniffi 0.32's
//! `uniffiRustCallAsync` ignores Task cancellation; `bindings/swift/Patches/` holds the
//! replacement that frees (drops) the Rust future when the Task is cancelled.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::test_bindings::BindingsContext;
use crate::{bindings, util};

const SUITE: &str = "trixie";
const CHROOT_PACKAGES: &[&str] = &["swiftlang", "libc6-dev"];
const FALLBACK_MIRROR: &str = "http://deb.debian.org/debian";
/// Written last into a complete chroot.
const READY_MARKER: &str = ".connectycube-swift-ready";
/// Set to store a zstd tarball of a new chroot next to it (for CI caches that keep one file).
const TARBALL_ENV: &str = "CONNECTYCUBE_SWIFT_TARBALL";
const ASYNC_PATCH: &str = include_str!("../../../bindings/swift/Patches/uniffiRustCallAsync.swift");

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
    copy(ca_file, &dir.join("ca-certificates.crt"))?;
    Ok(dir)
}

/// `cargo xtask apple [--profile NAME]`: static libraries for iOS, the iOS simulator and
/// macOS, then `bindings/swift/ConnectyCubeFFI.xcframework` and the generated Swift in the
/// package, as its `Package.swift` expects.
pub fn package_apple(profile: &str) -> Result<()> {
    if !cfg!(target_os = "macos") {
        bail!("`cargo xtask apple` needs macOS with Xcode (xcodebuild, lipo); this machine is not macOS");
    }
    let xcode = Command::new("xcodebuild").arg("-version").output();
    if !xcode.as_ref().is_ok_and(|o| o.status.success()) {
        bail!("`cargo xtask apple` needs Xcode: `xcodebuild -version` failed (install Xcode, run xcode-select)");
    }

    const TARGETS: &[&str] = &[
        "aarch64-apple-ios",
        "aarch64-apple-ios-sim",
        "x86_64-apple-ios",
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
    ];
    util::step("rust targets");
    let mut rustup = Command::new("rustup");
    rustup.args(["target", "add"]).args(TARGETS);
    util::run(&mut rustup).context("`rustup target add` failed (the Apple targets are needed)")?;

    util::step(&format!("static libraries ({profile})"));
    let mut build = vec!["build", "-p", "connectycube-ffi", "--lib", "--profile", profile];
    for target in TARGETS {
        build.extend(["--target", target]);
    }
    util::cargo(&build)?;
    let target_dir = util::target_dir();
    let lib = |triple: &str| target_dir.join(triple).join(profile).join("libconnectycube_ffi.a");

    let apple = target_dir.join("apple");
    if apple.exists() {
        fs::remove_dir_all(&apple).with_context(|| format!("cannot clear {}", apple.display()))?;
    }
    fs::create_dir_all(&apple)?;
    let simulator = apple.join("ios-simulator").join("libconnectycube_ffi.a");
    let macos = apple.join("macos").join("libconnectycube_ffi.a");
    for (output, inputs) in [
        (&simulator, [lib("aarch64-apple-ios-sim"), lib("x86_64-apple-ios")]),
        (&macos, [lib("aarch64-apple-darwin"), lib("x86_64-apple-darwin")]),
    ] {
        if let Some(parent) = output.parent() {
            fs::create_dir_all(parent)?;
        }
        util::run(
            Command::new("lipo")
                .arg("-create")
                .args(inputs)
                .arg("-output")
                .arg(output),
        )?;
    }

    util::step("Swift sources and the FFI header");
    let library = bindings::build_library()?;
    let generated = bindings::generate(&library, "swift")?;
    let package = package_dir(&util::workspace_root());
    install_generated(&generated, &package)?;
    let headers = apple.join("headers");
    fs::create_dir_all(&headers)?;
    copy(&generated.join("ConnectyCubeFFI.h"), &headers.join("ConnectyCubeFFI.h"))?;
    copy(
        &generated.join("ConnectyCubeFFI.modulemap"),
        &headers.join("module.modulemap"),
    )?;

    util::step("XCFramework");
    let xcframework = package.join("ConnectyCubeFFI.xcframework");
    if xcframework.exists() {
        fs::remove_dir_all(&xcframework).with_context(|| format!("cannot remove {}", xcframework.display()))?;
    }
    let mut create = Command::new("xcodebuild");
    create.arg("-create-xcframework");
    for library in [lib("aarch64-apple-ios"), simulator, macos] {
        create.arg("-library").arg(library).arg("-headers").arg(&headers);
    }
    create.arg("-output").arg(&xcframework);
    util::run(&mut create)?;
    eprintln!("{}", xcframework.display());
    Ok(())
}

fn package_dir(workspace: &Path) -> PathBuf {
    workspace.join("bindings").join("swift")
}

/// Copies the generated files into the package (git-ignored): the Swift source, patched for
/// Task cancellation, into the `ConnectyCube` target; the header and module map into the
/// `ConnectyCubeFFI` system-library target (Linux).
pub(crate) fn install_generated(generated: &Path, package: &Path) -> Result<()> {
    let source = read(&generated.join("ConnectyCube.swift"))?;
    let swift = patch_async_cancellation(&source)?;
    write_if_changed(
        &package.join("Sources/ConnectyCube/Generated/ConnectyCube.swift"),
        swift.as_bytes(),
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

/// Swaps uniffi's `uniffiRustCallAsync` and `uniffiFutureContinuationCallback` for the
/// cancellable ones in `bindings/swift/Patches/`. Refuses generated code of another shape
/// (a uniffi upgrade): review the patch then.
fn patch_async_cancellation(source: &str) -> Result<String> {
    const START: &str = "fileprivate func uniffiRustCallAsync<F, T>(";
    const CALLBACK: &str = "fileprivate func uniffiFutureContinuationCallback(";
    let changed = || {
        anyhow::anyhow!(
            "the generated Swift's async machinery is not the one bindings/swift/Patches/uniffiRustCallAsync.swift \
             replaces (uniffi upgraded?): review the patch"
        )
    };
    let start = source.find(START).ok_or_else(changed)?;
    let callback = start + source[start..].find(CALLBACK).ok_or_else(changed)?;
    let end = callback + source[callback..].find("\n}\n").ok_or_else(changed)? + "\n}\n".len();
    let original = &source[start..end];
    let expected = [
        "withUnsafeContinuation",
        "uniffiContinuationHandleMap.insert(obj: $0)",
        "freeFunc(rustFuture)",
        "} while pollResult != UNIFFI_RUST_FUTURE_POLL_READY",
    ];
    if expected.iter().any(|e| !original.contains(e)) || source[end..].contains(START) {
        return Err(changed());
    }
    Ok(format!("{}{}{}", &source[..start], ASYNC_PATCH, &source[end..]))
}

// ---------------------------------------------------------------- the chroot

/// The trixie chroot with Swift, created (or restored from its tarball) when missing.
pub(crate) fn ensure_chroot(cache: &Path) -> Result<PathBuf> {
    let base = cache.join(format!("swift-{SUITE}"));
    let root = base.join("root");
    if root.join(READY_MARKER).exists() {
        return Ok(root);
    }
    fs::create_dir_all(&base).with_context(|| format!("cannot create {}", base.display()))?;
    let partial = base.join("root.partial");
    remove_chroot(&partial)?;
    remove_chroot(&root)?;
    let tarball = base.join("root.tar.zst");
    let started = Instant::now();
    if tarball.exists() {
        util::step(&format!("Swift chroot: restoring {}", tarball.display()));
        fs::create_dir_all(&partial)?;
        let restored = util::run(
            Command::new("tar")
                .arg("--zstd")
                .arg("-xpf")
                .arg(&tarball)
                .arg("-C")
                .arg(&partial),
        );
        if restored.is_err() || !partial.join(READY_MARKER).exists() {
            eprintln!("the tarball did not restore a complete chroot; building a new one");
            remove_chroot(&partial)?;
            let _ = fs::remove_file(&tarball);
        }
    }
    if !partial.join(READY_MARKER).exists() {
        build_chroot(&partial)?;
    }
    fs::rename(&partial, &root).with_context(|| format!("cannot move the chroot to {}", root.display()))?;
    eprintln!(
        "Swift chroot ready in {:.0} s: {}",
        started.elapsed().as_secs_f64(),
        root.display()
    );
    if std::env::var_os(TARBALL_ENV).is_some() && !tarball.exists() {
        util::step(&format!("Swift chroot: storing {}", tarball.display()));
        let stored = util::run(
            Command::new("tar")
                .arg("-I")
                .arg("zstd -3 -T0")
                .arg("-cpf")
                .arg(&tarball)
                .arg("-C")
                .arg(&root)
                .arg("."),
        );
        if let Err(error) = stored {
            eprintln!("warning: no tarball of the Swift chroot ({error:#})");
            let _ = fs::remove_file(&tarball);
        }
    }
    Ok(root)
}

fn build_chroot(root: &Path) -> Result<()> {
    util::step(&format!(
        "Swift chroot: debootstrap {SUITE} (once; ~530 MB of packages)"
    ));
    ensure_debootstrap()?;
    let mirror = debian_mirror();
    util::run(
        Command::new("debootstrap")
            .args(["--variant=minbase", SUITE])
            .arg(root)
            .arg(&mirror),
    )
    .with_context(|| format!("debootstrap {SUITE} from {mirror} failed"))?;
    if Path::new("/etc/resolv.conf").exists() {
        copy(Path::new("/etc/resolv.conf"), &root.join("etc/resolv.conf"))?;
    }
    util::step(&format!("Swift chroot: apt-get install {}", CHROOT_PACKAGES.join(" ")));
    let chroot = |args: &[&str]| -> Result<()> {
        util::run(
            Command::new("chroot")
                .arg(root)
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .env("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"),
        )
    };
    chroot(&["apt-get", "update"])?;
    let mut install = vec!["apt-get", "install", "-y", "--no-install-recommends"];
    install.extend(CHROOT_PACKAGES);
    chroot(&install)?;
    chroot(&["apt-get", "clean"])?;
    fs::write(
        root.join(READY_MARKER),
        format!("{SUITE}: {}\n", CHROOT_PACKAGES.join(" ")),
    )?;
    Ok(())
}

fn ensure_debootstrap() -> Result<()> {
    if Command::new("debootstrap").arg("--version").output().is_ok() {
        return Ok(());
    }
    let install = || {
        util::run(
            Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends", "debootstrap"])
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )
    };
    if install().is_err() {
        util::run(Command::new("apt-get").arg("update"))?;
        install().context("cannot install debootstrap with apt-get")?;
    }
    Ok(())
}

/// The machine's own Debian mirror (deb822 `URIs:` of the first source).
fn debian_mirror() -> String {
    fs::read_to_string("/etc/apt/sources.list.d/debian.sources")
        .ok()
        .and_then(|sources| {
            sources.lines().find_map(|line| {
                let mut words = line.split_whitespace();
                (words.next() == Some("URIs:")).then(|| words.next().map(str::to_owned))?
            })
        })
        .unwrap_or_else(|| FALLBACK_MIRROR.to_owned())
}

/// Removes a (partial) chroot, after unmounting whatever a killed run left mounted in it;
/// refuses while anything stays mounted (a bind-mounted workspace must never be deleted).
fn remove_chroot(root: &Path) -> Result<()> {
    if !root.exists() {
        return Ok(());
    }
    unmount_all_under(root);
    if !mounts_under(root).is_empty() {
        bail!(
            "{} still has mounts ({:?}); unmount them before it can be removed",
            root.display(),
            mounts_under(root)
        );
    }
    fs::remove_dir_all(root).with_context(|| format!("cannot remove {}", root.display()))
}

/// Mount points at or under `path`, deepest first (from /proc/self/mounts).
fn mounts_under(path: &Path) -> Vec<PathBuf> {
    let Ok(table) = fs::read_to_string("/proc/self/mounts") else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = table
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1))
        .map(|point| PathBuf::from(point.replace("\\040", " ")))
        .filter(|point| point.starts_with(path))
        .collect();
    found.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    found.dedup();
    found
}

fn unmount_all_under(path: &Path) {
    for point in mounts_under(path) {
        unmount(&point);
    }
}

fn unmount(point: &Path) {
    let status = Command::new("umount").arg(point).status();
    if !status.is_ok_and(|s| s.success()) {
        // Busy (a process still inside): detach it now, freed when the process ends.
        let lazy = Command::new("umount").arg("-l").arg(point).status();
        if !lazy.is_ok_and(|s| s.success()) {
            eprintln!("warning: cannot unmount {}", point.display());
        }
    }
}

/// /proc, the shared directories (at their own paths) and the overlays (a host folder over
/// a path inside) mounted in the chroot; unmounted on drop, whatever happened in between.
struct Mounts {
    root: PathBuf,
}

impl Mounts {
    fn new(root: &Path, shared: &[PathBuf], overlays: &[(PathBuf, &str)]) -> Result<Self> {
        // Left over by a killed run: start clean.
        unmount_all_under(root);
        let mounts = Mounts {
            root: root.to_path_buf(),
        };
        let proc = root.join("proc");
        fs::create_dir_all(&proc)?;
        util::run(Command::new("mount").args(["-t", "proc", "proc"]).arg(&proc))?;
        for path in shared {
            fs::create_dir_all(path).with_context(|| format!("cannot create {}", path.display()))?;
            let inside = root.join(path.strip_prefix("/").unwrap_or(path));
            fs::create_dir_all(&inside).with_context(|| format!("cannot create {}", inside.display()))?;
            util::run(Command::new("mount").arg("--bind").arg(path).arg(&inside))?;
        }
        for (source, inside) in overlays {
            let inside = root.join(inside);
            fs::create_dir_all(&inside).with_context(|| format!("cannot create {}", inside.display()))?;
            util::run(Command::new("mount").arg("--bind").arg(source).arg(&inside))?;
        }
        Ok(mounts)
    }
}

impl Drop for Mounts {
    fn drop(&mut self) {
        unmount_all_under(&self.root);
        let left = mounts_under(&self.root);
        if !left.is_empty() {
            eprintln!("warning: still mounted in the Swift chroot: {left:?}");
        }
    }
}

// ---------------------------------------------------------------- helpers

fn require_root() -> Result<()> {
    let uid = Command::new("id").arg("-u").output().context("cannot run `id -u`")?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        bail!("the Swift binding tests need root (debootstrap, chroot and mount build and enter the Swift chroot)");
    }
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

fn copy(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patch_replaces_the_async_call_and_its_callback() {
        let generated = "head\nfileprivate func uniffiRustCallAsync<F, T>(\n    let x = withUnsafeContinuation {\n        \
                         uniffiContinuationHandleMap.insert(obj: $0)\n    }\n    freeFunc(rustFuture)\n    \
                         } while pollResult != UNIFFI_RUST_FUTURE_POLL_READY\n}\n\n// comment\n\
                         fileprivate func uniffiFutureContinuationCallback(handle: UInt64) {\n    print(\"x\")\n}\n\
                         public func tail() {}\n";
        let patched = patch_async_cancellation(generated).unwrap();
        assert!(patched.starts_with("head\n"));
        assert!(patched.ends_with("public func tail() {}\n"));
        assert!(patched.contains("withTaskCancellationHandler"));
        assert!(!patched.contains("print(\"x\")"));
        assert!(patch_async_cancellation("no async here").is_err());
    }

    #[test]
    fn the_mirror_falls_back_to_debian() {
        assert!(debian_mirror().starts_with("http"));
    }
}
