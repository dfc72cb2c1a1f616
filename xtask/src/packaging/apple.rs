//! `cargo xtask apple [--profile NAME]`: the Swift package's binary target for Apple
//! platforms, built on macOS with Xcode.

use std::fs;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::lang::swift::{install_generated, package_dir};
use crate::{bindings, util};

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
    util::copy_file(&generated.join("ConnectyCubeFFI.h"), &headers.join("ConnectyCubeFFI.h"))?;
    util::copy_file(
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
