//! `cargo xtask android`: the Kotlin module's native libraries and generated code for Android.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{bindings, util};

/// The ABIs an Android app ships: phones (arm64-v8a, armeabi-v7a) and the emulator (x86_64).
const ANDROID_ABIS: &[&str] = &["arm64-v8a", "armeabi-v7a", "x86_64"];
/// The Rust targets of those ABIs, for the hint when one is missing.
const ANDROID_RUST_TARGETS: &[&str] = &[
    "aarch64-linux-android",
    "armv7-linux-androideabi",
    "x86_64-linux-android",
];

/// `cargo xtask android`: cargo-ndk → `bindings/kotlin/src/main/jniLibs/<abi>/`, the Kotlin
/// generated into the module (`build/generated/source/uniffi/`, a source folder of the
/// module's `build.gradle.kts`), then `./gradlew assembleRelease` when the module has a
/// Gradle wrapper.
pub fn package_android() -> Result<()> {
    let workspace = util::workspace_root();
    let module = workspace.join("bindings").join("kotlin");
    check_android_tools()?;

    let jni_libs = module.join("src").join("main").join("jniLibs");
    util::step(&format!(
        "cargo ndk ({}) → {}",
        ANDROID_ABIS.join(", "),
        jni_libs.display()
    ));
    let jni_libs_arg = jni_libs.to_string_lossy().into_owned();
    let mut cargo_args = vec!["ndk"];
    for abi in ANDROID_ABIS {
        cargo_args.extend(["-t", abi]);
    }
    cargo_args.extend([
        "-o",
        &jni_libs_arg,
        "build",
        "-p",
        "connectycube-ffi",
        "--profile",
        "release-size",
    ]);
    util::cargo(&cargo_args).with_context(|| {
        format!(
            "cargo ndk failed; the Rust targets may be missing: rustup target add {}",
            ANDROID_RUST_TARGETS.join(" ")
        )
    })?;

    // Library mode reads the metadata of any build of the crate; the arm64 one is at hand.
    let library = jni_libs.join("arm64-v8a").join("libconnectycube_ffi.so");
    if !library.exists() {
        bail!("cargo ndk produced no {}", library.display());
    }
    util::step("generating the Kotlin bindings into the module");
    // Generated with the records' redacting toString(), as the tests use them.
    let generated = bindings::generate(&library, "kotlin")?;
    let destination = module.join("build").join("generated").join("source").join("uniffi");
    if destination.exists() {
        std::fs::remove_dir_all(&destination)?;
    }
    copy_dir(&generated, &destination)?;
    eprintln!("generated Kotlin: {}", destination.display());

    let gradlew = module.join("gradlew");
    if gradlew.exists() {
        util::step("./gradlew assembleRelease");
        util::run(Command::new(&gradlew).arg("assembleRelease").current_dir(&module))?;
        eprintln!("AAR: {}", module.join("build/outputs/aar").display());
    } else {
        eprintln!(
            "no Gradle wrapper in {}: the native libraries and the Kotlin sources are in place; \
             open the module in Android Studio or run `gradle wrapper` there, then `./gradlew assembleRelease`",
            module.display()
        );
    }
    Ok(())
}

fn check_android_tools() -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let has_cargo_ndk = Command::new(cargo)
        .args(["ndk", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    let ndk = ["ANDROID_NDK_HOME", "ANDROID_NDK_ROOT"]
        .iter()
        .find_map(|var| std::env::var_os(var).filter(|v| Path::new(v).is_dir()));
    let mut missing = Vec::new();
    if !has_cargo_ndk {
        missing.push("cargo-ndk (`cargo install cargo-ndk`)".to_owned());
    }
    if ndk.is_none() {
        missing.push(
            "the Android NDK (e.g. `sdkmanager \"ndk;27.2.12479018\"`), with ANDROID_NDK_HOME or ANDROID_NDK_ROOT \
             set to its folder"
                .to_owned(),
        );
    }
    if !missing.is_empty() {
        bail!(
            "`cargo xtask android` needs {}; also the Rust targets: rustup target add {}",
            missing.join(" and "),
            ANDROID_RUST_TARGETS.join(" ")
        );
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let path = entry?.path();
        let target = to.join(path.file_name().context("a directory entry without a name")?);
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).with_context(|| format!("cannot copy {}", path.display()))?;
        }
    }
    Ok(())
}
