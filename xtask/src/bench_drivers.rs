//! The drivers xtask builds for the measuring binaries of `crates/connectycube-bench` (they
//! need the toolchains xtask provisions): the `cargo xtask bench` clients `js` and our bindings
//! `kotlin`, `swift` and `python`, each called through its handwritten idiomatic layer by a
//! driver in `crates/connectycube-bench/drivers/` that follows the protocol of `bench-sdk`;
//! and the `cargo xtask footprint` clients `rust`, `js` and `python`.
//!
//! Every driver is built against the RELEASE FFI library (the bench is about release
//! performance) with the toolchains and the generated code the binding tests use
//! (`toolchain/`, `lang/`): uniffi output generated (and patched) from the release library into
//! `target/bench-drivers/generated/<lang>/`, then
//!
//! - `kotlin`: `KotlinDriver.kt`, the generated code (with the patch the tests and the
//!   Android module get) and `bindings/kotlin/src/main/kotlin` in one
//!   `kotlinc` call (npm's compiler, Debian's JNA) → `target/bench-drivers/kotlin/driver.jar`,
//!   run by `java` with `jna.library.path` at the release library;
//! - `swift`: copies of `bindings/swift` (with the generated sources installed as the tests do)
//!   and of `crates/connectycube-bench/drivers/SwiftDriver`, built with `swift build -c
//!   release` in the Debian trixie chroot; each run enters the chroot again (see [`CHROOT_SCRIPT`]);
//! - `python`: a copy of `bindings/python` with the generated module and the release library in
//!   the package directory, `python_driver.py` run with it on `PYTHONPATH`.
//!
//! A client whose toolchain cannot be set up is reported with the reason, not measured.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::{bindings, lang, toolchain, util};

/// The binding clients, in report order.
pub(crate) const CLIENTS: [&str; 3] = ["kotlin", "swift", "python"];
/// The driver scripts and sources.
pub(crate) const DRIVERS: &str = "crates/connectycube-bench/drivers";
const KOTLIN_MAIN_CLASS: &str = "com.connectycube.bench.KotlinDriverKt";
const SWIFT_PRODUCT: &str = "SwiftDriver";
/// Runs `"$@"` in the Swift chroot `$CC_CHROOT` with /proc and the `:`-separated directories
/// of `$CC_SHARED` mounted at the same paths inside. Meant for `unshare -m --propagation
/// private`: the mounts live in a mount namespace of their own, so they vanish with the process
/// and neither see nor disturb the mounts a concurrent `test-bindings --lang swift` makes in the
/// same chroot. The network namespace is the host's: the emulator on 127.0.0.1 is reachable.
const CHROOT_SCRIPT: &str = r#"set -e
mount -t proc proc "$CC_CHROOT/proc"
IFS=:
for dir in $CC_SHARED; do
  mkdir -p "$CC_CHROOT$dir"
  mount --bind "$dir" "$CC_CHROOT$dir"
done
unset IFS
exec chroot "$CC_CHROOT" "$@""#;

/// How to run a driver: the protocol's arguments are appended to `args`.
#[derive(Default)]
pub(crate) struct Launch {
    pub(crate) program: String,
    pub(crate) args: Vec<String>,
    pub(crate) env: Vec<(String, PathBuf)>,
    pub(crate) env_remove: Vec<&'static str>,
}

/// A `--drivers` entry (the `driver` module of `connectycube-bench` reads it): the launch, or
/// why there is none.
pub(crate) fn entry(name: &str, binding: bool, launch: Result<Launch>) -> Value {
    match launch {
        Ok(l) => json!({"name": name, "program": l.program, "args": l.args, "env": l.env,
                        "env_remove": l.env_remove, "binding": binding}),
        Err(error) => {
            eprintln!("warning: the {name} client cannot be measured: {error:#}");
            json!({"name": name, "binding": binding, "unavailable": format!("{error:#}")})
        }
    }
}

/// Writes the entries as the `--drivers` file `name` under `target/bench-drivers/`; its path.
pub(crate) fn write_entries(name: &str, entries: &[Value]) -> Result<PathBuf> {
    let dir = util::target_dir().join("bench-drivers");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(name);
    std::fs::write(&path, Value::from(entries.to_vec()).to_string())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// The official JS SDK's driver `script` (node, the SDK installed in the cache).
pub(crate) fn js(script: &str) -> Result<Launch> {
    let version = Command::new("node")
        .arg("--version")
        .output()
        .context("node is not installed")?;
    if !version.status.success() {
        bail!("node --version failed");
    }
    Ok(Launch {
        program: "node".to_owned(),
        args: vec![path_text(&util::workspace_root().join(DRIVERS).join(script))?],
        env: vec![("CONNECTYCUBE_JS_SDK_DIR".to_owned(), crate::js_compat::sdk_dir()?)],
        ..Launch::default()
    })
}

/// Builds the release FFI library (shared by every binding driver); its path.
pub(crate) fn release_library() -> Result<PathBuf> {
    util::cargo(&["build", "--release", "-p", "connectycube-ffi"])?;
    let library = util::target_dir().join("release").join(bindings::library_file_name());
    if !library.exists() {
        bail!("release FFI library not found at {}", library.display());
    }
    Ok(library)
}

/// Builds the driver of `client` against `library` (the release FFI library).
pub(crate) fn prepare(client: &str, library: &Path) -> Result<Launch> {
    let dir = util::target_dir().join("bench-drivers");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    match client {
        "kotlin" => kotlin(library, &dir),
        "swift" => swift(library, &dir),
        "python" => python(library, &dir),
        other => bail!("no bench driver for '{other}'"),
    }
}

/// The `cargo xtask footprint` driver of `client` (`rust`, `js`, `python`); `ca` is the
/// HTTPS emulator's CA file, trusted as an app would.
pub(crate) fn footprint(client: &str, ca: &Path) -> Result<Launch> {
    let dir = util::target_dir().join("footprint");
    match client {
        // Built with the other binaries of connectycube-bench (release).
        "rust" => Ok(Launch {
            program: path_text(&util::target_dir().join("release").join("footprint-driver"))?,
            args: vec!["--ca".to_owned(), path_text(ca)?],
            ..Launch::default()
        }),
        "js" => {
            let mut launch = js("footprint-driver.mjs")?;
            // How node trusts a private CA: read once at start.
            launch.env.push(("NODE_EXTRA_CA_CERTS".to_owned(), ca.to_path_buf()));
            Ok(launch)
        }
        "python" => {
            let python = lang::python::python();
            lang::python::check_python(&python)?;
            // The library as it ships (release-size: opt-level z, fat LTO, stripped); the
            // bindings are generated from the release build, which keeps the symbols
            // uniffi-bindgen reads (same interface, same checksums).
            let with_symbols = release_library()?;
            util::cargo(&["build", "-p", "connectycube-ffi", "--profile", "release-size"])?;
            let library = util::target_dir()
                .join("release-size")
                .join(bindings::library_file_name());
            let generated = bindings::generate_into(&with_symbols, "python", dir.join("generated").join("python"))?;
            let package_root = dir.join("python").join("connectycube-python");
            if package_root.exists() {
                std::fs::remove_dir_all(&package_root)
                    .with_context(|| format!("cannot empty {}", package_root.display()))?;
            }
            lang::python::copy_tree(&util::workspace_root().join("bindings/python"), &package_root)?;
            // The generated module loads the library from its own directory.
            let package = package_root.join("connectycube");
            lang::python::copy(&generated.join("connectycube_ffi.py"), &package)?;
            lang::python::copy(&library, &package)?;
            // Bytecode caching on, even where the environment turns it off: an installed
            // package starts from its .pyc files, which the unmeasured first run writes.
            let script = util::workspace_root().join(DRIVERS).join("footprint_driver.py");
            Ok(Launch {
                program: python,
                args: vec![path_text(&script)?, "--ca".to_owned(), path_text(ca)?],
                env: vec![("PYTHONPATH".to_owned(), package_root)],
                env_remove: vec!["PYTHONDONTWRITEBYTECODE"],
            })
        }
        other => bail!("no footprint driver for '{other}'"),
    }
}

fn library_dir(library: &Path) -> Result<&Path> {
    library.parent().context("the FFI library path has no parent directory")
}

fn path_text(path: &Path) -> Result<String> {
    path.to_str()
        .map(str::to_owned)
        .with_context(|| format!("{} is not UTF-8", path.display()))
}

fn kotlin(library: &Path, dir: &Path) -> Result<Launch> {
    toolchain::kotlin::ensure_java()?;
    let toolchain = toolchain::kotlin::toolchain(&util::cache_dir().join("kotlin"))?;
    let generated = bindings::generate_into(library, "kotlin", dir.join("generated").join("kotlin"))?;
    // kotlinc takes folders: the driver gets one of its own.
    let driver_src = dir.join("kotlin").join("src");
    copy_if_changed(
        &util::workspace_root().join(DRIVERS).join("KotlinDriver.kt"),
        &driver_src.join("KotlinDriver.kt"),
    )?;
    let sources = vec![
        generated,
        util::workspace_root().join("bindings/kotlin/src/main/kotlin"),
        util::workspace_root().join("bindings/kotlin/src/jvmMain/kotlin"),
        driver_src,
    ];
    let jar = dir.join("kotlin").join("driver.jar");
    toolchain::kotlin::compile(&toolchain, &sources, &jar)?;
    let mut classpath = vec![jar];
    classpath.extend(toolchain.runtime_classpath());
    let classpath = toolchain::kotlin::join_paths(&classpath)?
        .into_string()
        .map_err(|_| anyhow::anyhow!("the Kotlin classpath is not UTF-8"))?;
    Ok(Launch {
        program: "java".to_owned(),
        args: vec![
            format!("-Djna.library.path={}", path_text(library_dir(library)?)?),
            "-cp".to_owned(),
            classpath,
            KOTLIN_MAIN_CLASS.to_owned(),
        ],
        env: Vec::new(),
        ..Launch::default()
    })
}

fn python(library: &Path, dir: &Path) -> Result<Launch> {
    let python = lang::python::python();
    lang::python::check_python(&python)?;
    let generated = bindings::generate_into(library, "python", dir.join("generated").join("python"))?;
    let root = dir.join("python").join("connectycube-python");
    if root.exists() {
        std::fs::remove_dir_all(&root).with_context(|| format!("cannot empty {}", root.display()))?;
    }
    lang::python::copy_tree(&util::workspace_root().join("bindings/python"), &root)?;
    // The generated module loads the library from its own directory.
    let package = root.join("connectycube");
    lang::python::copy(&generated.join("connectycube_ffi.py"), &package)?;
    lang::python::copy(library, &package)?;
    Ok(Launch {
        program: python,
        args: vec![path_text(
            &util::workspace_root().join(DRIVERS).join("python_driver.py"),
        )?],
        env: vec![
            ("PYTHONPATH".to_owned(), root),
            ("PYTHONDONTWRITEBYTECODE".to_owned(), PathBuf::from("1")),
        ],
        ..Launch::default()
    })
}

fn swift(library: &Path, dir: &Path) -> Result<Launch> {
    if cfg!(target_os = "macos") {
        bail!("the Swift bench driver is built in a Debian chroot on Linux; not available on macOS yet");
    }
    let uid = Command::new("id").arg("-u").output().context("cannot run `id -u`")?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        bail!("needs root (the Swift toolchain lives in a Debian trixie chroot)");
    }
    let chroot = toolchain::swift::ensure_chroot(&util::cache_dir())?;
    let generated = bindings::generate_into(library, "swift", dir.join("generated").join("swift"))?;
    // Copies, written only where changed so SwiftPM rebuilds only what changed: the package
    // in the working tree is left to the binding tests (another build may be using it).
    let swift_dir = dir.join("swift");
    let package = swift_dir.join("ConnectyCube");
    mirror_tree(&util::workspace_root().join("bindings/swift"), &package)?;
    lang::swift::install_generated(&generated, &package)?;
    let driver_package = swift_dir.join(SWIFT_PRODUCT);
    mirror_tree(
        &util::workspace_root().join(DRIVERS).join("SwiftDriver"),
        &driver_package,
    )?;
    let scratch = swift_dir.join("build");

    let chroot_env = chroot_env(&chroot)?;
    util::step("swift build -c release (the Swift bench driver, in the trixie chroot)");
    let mut build = Command::new("unshare");
    build
        .args([
            "-m",
            "--propagation",
            "private",
            "sh",
            "-c",
            CHROOT_SCRIPT,
            "swift-build",
        ])
        .args(["swift", "build", "-c", "release", "--product", SWIFT_PRODUCT])
        .arg("--package-path")
        .arg(&driver_package)
        .arg("--scratch-path")
        .arg(&scratch)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")
        .env("HOME", "/root")
        .env("LANG", "C.UTF-8")
        .env("CONNECTYCUBE_SWIFT_PACKAGE", &package)
        .env("CONNECTYCUBE_FFI_LIB_DIR", library_dir(library)?);
    for (name, value) in &chroot_env {
        build.env(name, value);
    }
    // Its progress lines go to stderr: stdout is the report's.
    build.stdout(std::process::Stdio::from(std::io::stderr()));
    util::run(&mut build).context("swift build failed")?;
    let binary = scratch.join("release").join(SWIFT_PRODUCT);
    if !binary.exists() {
        bail!("swift build produced no {}", binary.display());
    }
    Ok(Launch {
        program: "unshare".to_owned(),
        args: vec![
            "-m".to_owned(),
            "--propagation".to_owned(),
            "private".to_owned(),
            "sh".to_owned(),
            "-c".to_owned(),
            CHROOT_SCRIPT.to_owned(),
            "swift-driver".to_owned(),
            path_text(&binary)?,
        ],
        env: chroot_env,
        ..Launch::default()
    })
}

/// `CC_CHROOT` and `CC_SHARED` for [`CHROOT_SCRIPT`]: the workspace and, when outside it, the
/// target directory (the driver, the release library and the SwiftPM scratch space).
fn chroot_env(chroot: &Path) -> Result<Vec<(String, PathBuf)>> {
    let workspace = util::workspace_root();
    let target = util::target_dir();
    let mut shared = vec![path_text(&workspace)?];
    if !target.starts_with(&workspace) {
        shared.push(path_text(&target)?);
    }
    if shared.iter().any(|p| p.contains(':') || !p.starts_with('/')) {
        bail!("the workspace and target paths must be absolute and free of ':' ({shared:?})");
    }
    Ok(vec![
        ("CC_CHROOT".to_owned(), chroot.to_path_buf()),
        ("CC_SHARED".to_owned(), PathBuf::from(shared.join(":"))),
    ])
}

/// Copies the tree `from` into `to`, writing only files whose content differs. Left out: dot
/// entries (`.build`, `.gitignore`…), Apple build products, and the generated files a test run
/// left in the package (`install_generated` writes this run's).
fn mirror_tree(from: &Path, to: &Path) -> Result<()> {
    let entries = std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
        let name = entry.file_name();
        let name_text = name.to_string_lossy();
        let generated = matches!(name_text.as_ref(), "Generated" | "ConnectyCubeFFI");
        if generated || name_text.starts_with('.') || name_text.ends_with(".xcframework") {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            mirror_tree(&path, &to.join(&name))?;
        } else {
            copy_if_changed(&path, &to.join(&name))?;
        }
    }
    Ok(())
}

fn copy_if_changed(from: &Path, to: &Path) -> Result<()> {
    let content = std::fs::read(from).with_context(|| format!("cannot read {}", from.display()))?;
    if std::fs::read(to).is_ok_and(|existing| existing == content) {
        return Ok(());
    }
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(to, content).with_context(|| format!("cannot write {}", to.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirror_writes_only_changes_and_skips_dot_entries() {
        let base = std::env::temp_dir().join(format!("bench-drivers-mirror-{}", std::process::id()));
        let (from, to) = (base.join("from"), base.join("to"));
        std::fs::create_dir_all(from.join("Sources")).unwrap();
        std::fs::create_dir_all(from.join(".build")).unwrap();
        std::fs::write(from.join("Sources/a.swift"), "a").unwrap();
        std::fs::write(from.join(".build/junk"), "x").unwrap();
        mirror_tree(&from, &to).unwrap();
        assert_eq!(std::fs::read_to_string(to.join("Sources/a.swift")).unwrap(), "a");
        assert!(!to.join(".build").exists());
        let before = std::fs::metadata(to.join("Sources/a.swift"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        mirror_tree(&from, &to).unwrap();
        let after = std::fs::metadata(to.join("Sources/a.swift"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after, "an unchanged file is not rewritten");
        std::fs::remove_dir_all(&base).unwrap();
    }
}
