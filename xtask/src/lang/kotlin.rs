//! The Kotlin bindings: JVM tests against the emulator (`cargo xtask test-bindings --lang kotlin`)
//! and the Android packaging (`cargo xtask android`).
//!
//! Toolchain (fetched once into the cache outside the repository, reused afterwards):
//! - `kotlinc` from the npm package `kotlin-compiler` (JetBrains' JVM compiler, which ships
//!   `kotlinx-coroutines-core-jvm`); Maven Central is not reachable, so no Gradle here.
//! - JNA 5.13 from Debian (`libjna-java` + `libjna-jni`), made self-contained by putting the
//!   native `libjnidispatch.so` into the jar as a classpath resource.
//!
//! The generated code, the handwritten layer (its JVM part: `src/main/kotlin`, not
//! `src/androidMain`) and the tests are compiled in ONE `kotlinc` call (each call costs ~5 s
//! of start-up), skipped when no input changed since the last successful compile.
//!
//! Coroutine wake-ups keep their native threads attached to the JVM
//! (`kotlin/callback_threads.rs`, applied by `bindings::generate_into`). Records print
//! through the Rust `Display` uniffi exports, so their `toString()` needs no patch.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::test_bindings::BindingsContext;
use crate::{bindings, util};

mod callback_threads;

/// The checked patch of the generated Kotlin: coroutine wake-ups without a JVM thread
/// attach each (`callback_threads.rs`).
pub fn patch_generated(dir: &Path) -> Result<()> {
    callback_threads::apply(dir)
}

/// The `kotlin-compiler` npm package version (2.3.21 and 2.4.20 were checked end to end).
const KOTLIN_VERSION: &str = "2.4.20";
/// Debian bookworm's JNA; uniffi 0.32's Kotlin needs JNA ≥ 5.12.
const JNA_VERSION: &str = "5.13";
/// The test runner's main class (`bindings/kotlin/src/test/kotlin/com/connectycube/test/TestMain.kt`).
const MAIN_CLASS: &str = "com.connectycube.test.TestMainKt";
/// A hung test run (a lost callback, a deadlock) fails after this long.
const RUN_TIMEOUT: Duration = Duration::from_secs(300);
/// The line the test runner ends with: `kotlin: N passed, N failed`.
const SUMMARY_PREFIX: &str = "kotlin: ";

/// The fetched toolchain.
pub(crate) struct Toolchain {
    kotlinc: PathBuf,
    lib: PathBuf,
    jna: PathBuf,
}

impl Toolchain {
    fn jar(&self, name: &str) -> PathBuf {
        self.lib.join(name)
    }

    /// What the compiled tests need besides themselves.
    pub(crate) fn runtime_classpath(&self) -> Vec<PathBuf> {
        vec![
            self.jna.clone(),
            self.jar("kotlinx-coroutines-core-jvm.jar"),
            self.jar("kotlin-stdlib.jar"),
        ]
    }
}

pub fn test(context: &BindingsContext) -> Result<()> {
    let module = context.workspace.join("bindings").join("kotlin");
    let started = Instant::now();
    ensure_java()?;
    let toolchain = toolchain(&context.cache.join("kotlin"))?;
    eprintln!("kotlin toolchain ready in {:.1} s", started.elapsed().as_secs_f64());

    let sources = vec![
        context.generated.clone(),
        module.join("src").join("main").join("kotlin"),
        module.join("src").join("test").join("kotlin"),
    ];
    for dir in &sources {
        if !dir.is_dir() {
            bail!("Kotlin sources missing: {}", dir.display());
        }
    }
    let jar = context.build_dir.join("tests.jar");
    let compile_started = Instant::now();
    compile(&toolchain, &sources, &jar)?;
    eprintln!("kotlin compile step: {:.1} s", compile_started.elapsed().as_secs_f64());

    let library_dir = context
        .library
        .parent()
        .context("the FFI library path has no parent directory")?;
    let mut classpath = vec![jar];
    classpath.extend(toolchain.runtime_classpath());
    let run_started = Instant::now();
    let mut child = Command::new("java")
        .arg(format!("-Djna.library.path={}", library_dir.display()))
        .arg("-cp")
        .arg(join_paths(&classpath)?)
        .arg(MAIN_CLASS)
        .env("CONNECTYCUBE_API_ENDPOINT", &context.emulator_url)
        .envs(context.tls.env())
        .current_dir(&context.build_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start java")?;
    // The runner's lines are echoed as they come; the last summary line is kept.
    let stdout = child.stdout.take().context("no stdout pipe")?;
    let reader = std::thread::spawn(move || {
        let mut summary = None;
        for line in BufReader::new(stdout).lines().map_while(std::io::Result::ok) {
            eprintln!("{line}");
            if line.starts_with(SUMMARY_PREFIX) {
                summary = Some(line);
            }
        }
        summary
    });
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if run_started.elapsed() > RUN_TIMEOUT {
            // Only the child this function started.
            let _ = child.kill();
            let _ = child.wait();
            bail!("the Kotlin tests did not finish within {} s", RUN_TIMEOUT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let summary = reader
        .join()
        .map_err(|_| anyhow::anyhow!("the output reader thread panicked"))?;
    eprintln!("kotlin tests ran in {:.1} s", run_started.elapsed().as_secs_f64());
    match summary {
        Some(_) if status.success() => Ok(()),
        Some(line) => bail!("{line} (java exited with {status})"),
        None => bail!("the Kotlin test runner printed no summary line (java exited with {status})"),
    }
}

/// Fails with what to install when there is no JDK; installs one from Debian when running as
/// root on a machine without it (CI's fresh Debian 12).
pub(crate) fn ensure_java() -> Result<()> {
    let works = |tool: &str| {
        Command::new(tool)
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if works("java") && works("javac") {
        return Ok(());
    }
    if is_root() {
        util::step("installing a JDK (openjdk-17-jdk-headless) from Debian");
        apt_get(&["install", "-y", "--no-install-recommends", "openjdk-17-jdk-headless"])?;
        if works("java") {
            return Ok(());
        }
    }
    bail!("the Kotlin tests need a JDK 17+ (`java` and `jar` on PATH): apt-get install openjdk-17-jdk-headless")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `apt-get ARGS`, retried once after `apt-get update` (a fresh machine has no package lists).
fn apt_get_in(dir: &Path, args: &[&str]) -> Result<()> {
    let attempt = || {
        Command::new("apt-get")
            .args(args)
            .current_dir(dir)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    };
    if attempt() {
        return Ok(());
    }
    eprintln!(
        "apt-get {} failed; running apt-get update and trying again",
        args.join(" ")
    );
    util::run(Command::new("apt-get").arg("update"))?;
    if attempt() {
        return Ok(());
    }
    bail!("apt-get {} failed", args.join(" "))
}

fn apt_get(args: &[&str]) -> Result<()> {
    apt_get_in(&std::env::temp_dir(), args)
}

/// The compiler and JNA, fetched into `cache` when missing.
pub(crate) fn toolchain(cache: &Path) -> Result<Toolchain> {
    std::fs::create_dir_all(cache).with_context(|| format!("cannot create {}", cache.display()))?;
    let home = cache.join(format!("kotlinc-{KOTLIN_VERSION}"));
    let kotlinc = home.join("bin").join("kotlinc");
    if kotlinc.exists() {
        eprintln!("kotlinc {KOTLIN_VERSION} already in {}", home.display());
    } else {
        fetch_kotlinc(cache, &home)?;
    }
    let lib = home.join("lib");
    for jar in ["kotlinx-coroutines-core-jvm.jar", "kotlin-stdlib.jar"] {
        if !lib.join(jar).exists() {
            bail!(
                "{jar} missing from {}: delete that folder to fetch it again",
                lib.display()
            );
        }
    }
    let jna = cache.join(format!("jna-{JNA_VERSION}.jar"));
    if jna.exists() {
        eprintln!("JNA {JNA_VERSION} already at {}", jna.display());
    } else {
        fetch_jna(cache, &jna)?;
    }
    Ok(Toolchain { kotlinc, lib, jna })
}

/// A scratch folder in the cache, emptied first.
fn scratch(cache: &Path, name: &str) -> Result<PathBuf> {
    let dir = cache.join(format!(".{name}.partial"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

fn fetch_kotlinc(cache: &Path, home: &Path) -> Result<()> {
    util::step(&format!(
        "fetching kotlinc {KOTLIN_VERSION} (npm kotlin-compiler) into {}",
        home.display()
    ));
    let work = scratch(cache, "kotlinc")?;
    util::run(
        Command::new("npm")
            .args(["pack", "--silent", &format!("kotlin-compiler@{KOTLIN_VERSION}")])
            .current_dir(&work),
    )
    .context("npm pack kotlin-compiler failed (is npm installed and the npm registry reachable?)")?;
    let tarball = work.join(format!("kotlin-compiler-{KOTLIN_VERSION}.tgz"));
    let unpacked = work.join("kotlinc");
    std::fs::create_dir_all(&unpacked)?;
    util::run(
        Command::new("tar")
            .arg("xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(&unpacked)
            .arg("--strip-components=1"),
    )?;
    if !unpacked.join("bin").join("kotlinc").exists() {
        bail!("the kotlin-compiler package has no bin/kotlinc");
    }
    // Moved into place only when complete, so an interrupted fetch is never taken as a toolchain.
    std::fs::rename(&unpacked, home).with_context(|| format!("cannot move kotlinc to {}", home.display()))?;
    std::fs::remove_dir_all(&work)?;
    Ok(())
}

fn fetch_jna(cache: &Path, target: &Path) -> Result<()> {
    util::step(&format!(
        "fetching JNA {JNA_VERSION} (Debian libjna-java, libjna-jni) into {}",
        target.display()
    ));
    let work = scratch(cache, "jna")?;
    apt_get_in(&work, &["download", "libjna-java", "libjna-jni"])?;
    let root = work.join("root");
    let mut debs = 0;
    for entry in std::fs::read_dir(&work)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "deb") {
            util::run(Command::new("dpkg-deb").arg("-x").arg(&path).arg(&root))?;
            debs += 1;
        }
    }
    if debs != 2 {
        bail!("expected 2 .deb files from apt-get download, found {debs}");
    }
    let debian_jar = root.join("usr/share/java/jna.jar");
    if !debian_jar.exists() {
        bail!("libjna-java has no /usr/share/java/jna.jar");
    }
    let native = find_file(&root.join("usr/lib"), "libjnidispatch.system.so")?
        .context("libjna-jni has no libjnidispatch.system.so")?;
    // JNA looks for its dispatch library as the resource com/sun/jna/<os-arch>/libjnidispatch.so.
    let resource_dir = work.join("resource").join("com/sun/jna").join(jna_platform()?);
    std::fs::create_dir_all(&resource_dir)?;
    std::fs::copy(&native, resource_dir.join("libjnidispatch.so"))?;
    let jar = work.join("jna.jar");
    std::fs::copy(&debian_jar, &jar)?;
    util::run(
        Command::new("jar")
            .arg("uf")
            .arg(&jar)
            .arg("-C")
            .arg(work.join("resource"))
            .arg("com"),
    )
    .context("`jar` (from the JDK) failed")?;
    std::fs::rename(&jar, target).with_context(|| format!("cannot move the JNA jar to {}", target.display()))?;
    std::fs::remove_dir_all(&work)?;
    Ok(())
}

/// JNA's name for this platform.
fn jna_platform() -> Result<&'static str> {
    match std::env::consts::ARCH {
        "x86_64" => Ok("linux-x86-64"),
        "aarch64" => Ok("linux-aarch64"),
        other => bail!("no JNA platform name known for {other}"),
    }
}

fn find_file(dir: &Path, name: &str) -> Result<Option<PathBuf>> {
    if !dir.is_dir() {
        return Ok(None);
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if let Some(found) = find_file(&path, name)? {
                return Ok(Some(found));
            }
        } else if path.file_name().is_some_and(|n| n == name) {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// Every `.kt` file under `dir`, sorted.
/// Applies `patch` to the one generated `.kt` file under `dir` that contains `marker` (what
/// the patch expects, named in the error when there is not exactly one such file).
fn patch_the_file_with(dir: &Path, marker: &str, what: &str, patch: impl Fn(&str) -> Result<String>) -> Result<()> {
    let mut files = Vec::new();
    kotlin_files(dir, &mut files)?;
    let mut patched = 0;
    for file in files {
        let source = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
        if !source.contains(marker) {
            continue;
        }
        let source = patch(&source).with_context(|| format!("in {}", file.display()))?;
        std::fs::write(&file, source).with_context(|| format!("cannot write {}", file.display()))?;
        patched += 1;
    }
    if patched != 1 {
        bail!(
            "expected one generated Kotlin file with {what} under {}, found {patched}",
            dir.display()
        );
    }
    Ok(())
}

fn kotlin_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            kotlin_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "kt") {
            out.push(path);
        }
    }
    Ok(())
}

/// Compiles every source folder in one `kotlinc` call into `jar`, unless a jar built from the
/// same sources (by content) with the same compiler is already there.
pub(crate) fn compile(toolchain: &Toolchain, sources: &[PathBuf], jar: &Path) -> Result<()> {
    let mut files = Vec::new();
    for dir in sources {
        kotlin_files(dir, &mut files)?;
    }
    files.sort();
    let mut hasher = DefaultHasher::new();
    KOTLIN_VERSION.hash(&mut hasher);
    JNA_VERSION.hash(&mut hasher);
    for file in &files {
        file.hash(&mut hasher);
        std::fs::read(file)
            .with_context(|| format!("cannot read {}", file.display()))?
            .hash(&mut hasher);
    }
    let fingerprint = format!("{:016x}", hasher.finish());
    let stamp = jar.with_extension("jar.inputs");
    if jar.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == fingerprint) {
        eprintln!(
            "kotlin sources unchanged since the last compile: reusing {}",
            jar.display()
        );
        return Ok(());
    }
    // A failed compile must not leave a stamp that a later run would trust.
    let _ = std::fs::remove_file(&stamp);
    util::step(&format!("kotlinc: {} files in one call", files.len()));
    let classpath = join_paths(&[toolchain.jna.clone(), toolchain.jar("kotlinx-coroutines-core-jvm.jar")])?;
    let mut command = Command::new(&toolchain.kotlinc);
    command
        .arg("-nowarn")
        .arg("-jvm-target")
        .arg("17")
        .args(sources)
        .arg("-cp")
        .arg(classpath)
        .arg("-d")
        .arg(jar);
    util::run(&mut command).context("kotlinc failed")?;
    std::fs::write(&stamp, fingerprint)?;
    Ok(())
}

pub(crate) fn join_paths(paths: &[PathBuf]) -> Result<std::ffi::OsString> {
    std::env::join_paths(paths).context("a classpath entry contains the path separator")
}

// ------------------------------------------------------------------ Android packaging

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
pub fn package_android(args: &[String]) -> Result<()> {
    if let Some(arg) = args.first() {
        bail!("`cargo xtask android` takes no arguments (got '{arg}')");
    }
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
