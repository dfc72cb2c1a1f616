//! The Kotlin toolchain, fetched once into the cache outside the repository and reused:
//! - `kotlinc` from the npm package `kotlin-compiler` (JetBrains' JVM compiler, which ships
//!   `kotlinx-coroutines-core-jvm`); Maven Central is not reachable, so no Gradle here.
//! - JNA 5.13 from Debian (`libjna-java` + `libjna-jni`), made self-contained by putting the
//!   native `libjnidispatch.so` into the jar as a classpath resource.
//! - a JDK from Debian when running as root on a machine without one.
//!
//! And the one `kotlinc` call that compiles a set of source folders (each call costs ~5 s of
//! start-up), skipped when no input changed since the last successful compile; then `javac`
//! for Java sources that call the compiled Kotlin.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::util;

/// The `kotlin-compiler` npm package version (2.3.21 and 2.4.20 were checked end to end).
const KOTLIN_VERSION: &str = "2.4.20";
/// Debian bookworm's JNA; uniffi 0.32's Kotlin needs JNA ≥ 5.12.
const JNA_VERSION: &str = "5.13";

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
        if works("java") && works("javac") {
            return Ok(());
        }
    }
    bail!("the Kotlin tests need a JDK 17+ (`java` and `javac` on PATH): apt-get install openjdk-17-jdk-headless")
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

/// Every `.kt` file under `dir` (recursively).
pub(crate) fn kotlin_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    files_with_extension(dir, "kt", out)
}

/// Every file under `dir` (recursively) whose name ends in `.{extension}`.
fn files_with_extension(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            files_with_extension(&path, extension, out)?;
        } else if path.extension().is_some_and(|e| e == extension) {
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

/// Compiles every `.java` file under `dir` with `javac` into `classes` (emptied first), against
/// the Kotlin output `kotlin_jar` and its runtime (stdlib, coroutines, JNA).
pub(crate) fn compile_java(toolchain: &Toolchain, dir: &Path, kotlin_jar: &Path, classes: &Path) -> Result<()> {
    let mut files = Vec::new();
    files_with_extension(dir, "java", &mut files)?;
    files.sort();
    if classes.exists() {
        std::fs::remove_dir_all(classes).with_context(|| format!("cannot empty {}", classes.display()))?;
    }
    std::fs::create_dir_all(classes).with_context(|| format!("cannot create {}", classes.display()))?;
    if files.is_empty() {
        return Ok(());
    }
    util::step(&format!("javac: {} files", files.len()));
    let mut classpath = vec![kotlin_jar.to_path_buf()];
    classpath.extend(toolchain.runtime_classpath());
    util::run(
        Command::new("javac")
            .arg("-nowarn")
            .arg("--release")
            .arg("17")
            .arg("-encoding")
            .arg("UTF-8")
            .arg("-cp")
            .arg(join_paths(&classpath)?)
            .arg("-d")
            .arg(classes)
            .args(&files),
    )
    .context("javac failed")
}

pub(crate) fn join_paths(paths: &[PathBuf]) -> Result<std::ffi::OsString> {
    std::env::join_paths(paths).context("a classpath entry contains the path separator")
}
