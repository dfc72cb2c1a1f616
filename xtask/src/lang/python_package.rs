//! `pip install ./bindings/python` into a venv under `target/`, as a user installs the package:
//! the build backend its pyproject.toml names (maturin) builds the FFI library and generates the
//! module, and the binding tests then import what pip installed.
//!
//! The venv is made once and reused: the backend is installed into it from its
//! `[build-system] requires` (pip contacts no index when it is already satisfied), and the
//! package is built with `--no-build-isolation`, so a rerun fetches nothing. The build uses the
//! `dev` profile in the workspace's target dir: it reuses the library `cargo test` built instead
//! of paying minutes for the release profile a user's `pip install` gets.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::util;

/// The venv's interpreter.
pub(crate) fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// Makes the venv `venv` with `python` unless it exists, installs the package's build
/// requirements and then the package (`source`) into it; returns the build backend's version line.
pub(crate) fn install(python: &str, source: &Path, venv: &Path) -> Result<String> {
    let interpreter = venv_python(venv);
    if !interpreter.exists() {
        util::run(Command::new(python).args(["-m", "venv"]).arg(venv)).with_context(|| {
            format!("cannot make a venv with {python} (Debian's system Python needs the python3-venv package)")
        })?;
    }
    let pyproject = source.join("pyproject.toml");
    let manifest =
        std::fs::read_to_string(&pyproject).with_context(|| format!("cannot read {}", pyproject.display()))?;
    let requirements = build_requirements(&manifest);
    if requirements.is_empty() {
        bail!("{} names no [build-system] requires", pyproject.display());
    }
    util::run(pip(&interpreter).args(["install", "--quiet"]).args(&requirements))
        .context("cannot install the build backend into the venv")?;
    let backend = backend_version(&interpreter)?;
    util::run(
        pip(&interpreter)
            .args([
                "install",
                "--quiet",
                "--no-build-isolation",
                "--no-deps",
                "--force-reinstall",
            ])
            .arg(source)
            .env("MATURIN_PEP517_ARGS", "--profile dev"),
    )
    .context("pip install ./bindings/python failed")?;
    Ok(backend)
}

/// `python -m pip` of the venv, with the venv's scripts first on PATH: maturin's backend runs
/// the `maturin` command, which pip's build isolation would have put there (an activated venv
/// does the same).
fn pip(interpreter: &Path) -> Command {
    let mut command = Command::new(interpreter);
    command
        .args(["-m", "pip"])
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    // As `util::cargo_command` does: maturin's cargo then reuses what xtask's built.
    util::without_cargo_run_env(&mut command);
    if let Some(scripts) = interpreter.parent() {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let paths = std::iter::once(scripts.to_path_buf()).chain(std::env::split_paths(&path));
        if let Ok(joined) = std::env::join_paths(paths) {
            command.env("PATH", joined);
        }
    }
    command
}

/// `maturin x.y.z`, for the log: which backend built what the tests ran.
fn backend_version(interpreter: &Path) -> Result<String> {
    let output = Command::new(interpreter)
        .args(["-m", "maturin", "--version"])
        .output()
        .context("cannot run maturin from the venv")?;
    if !output.status.success() {
        bail!(
            "maturin --version failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The requirement strings of pyproject.toml's `[build-system] requires = [...]` (one line).
fn build_requirements(pyproject: &str) -> Vec<String> {
    let mut in_build_system = false;
    for line in pyproject.lines().map(str::trim) {
        if line.starts_with('[') {
            in_build_system = line == "[build-system]";
            continue;
        }
        let Some(list) = line.strip_prefix("requires").map(str::trim_start) else {
            continue;
        };
        if !in_build_system {
            continue;
        }
        if let Some(list) = list.strip_prefix('=') {
            // Between each pair of quotes: a requirement may hold commas (`maturin>=1.10,<2`).
            return list.split('"').skip(1).step_by(2).map(str::to_owned).collect();
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::build_requirements;

    #[test]
    fn requirements_of_the_build_system_table_only() {
        let pyproject = "[project]\nrequires = [\"no\"]\n\n[build-system]\n# the backend\nrequires = [\"maturin>=1.10,<2\", \"tomli\"]\nbuild-backend = \"maturin\"\n";
        assert_eq!(build_requirements(pyproject), ["maturin>=1.10,<2", "tomli"]);
        assert!(build_requirements("[project]\nname = \"x\"\n").is_empty());
    }

    /// maturin generates the Python module without uniffi.toml (it reads only a uniffi.toml in
    /// the crate's own folder), so the wheel would silently differ from what `cargo xtask
    /// bindings` generates if this section said anything but maturin's defaults: the library
    /// named after the crate's `[lib]`.
    #[test]
    fn uniffi_toml_python_section_is_what_maturin_does_anyway() {
        let root = crate::util::workspace_root();
        let config = std::fs::read_to_string(root.join("uniffi.toml")).unwrap_or_default();
        let section: Vec<&str> = config
            .lines()
            .skip_while(|line| line.trim() != "[crates.connectycube_ffi.bindings.python]")
            .skip(1)
            .take_while(|line| !line.trim_start().starts_with('['))
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect();
        assert_eq!(section, ["cdylib_name = \"connectycube_ffi\""]);
        assert!(
            !root.join("crates/connectycube-ffi/uniffi.toml").exists(),
            "maturin passes a crate-folder uniffi.toml to uniffi-bindgen: the premise above no longer holds"
        );
        let manifest = std::fs::read_to_string(root.join("crates/connectycube-ffi/Cargo.toml")).unwrap_or_default();
        assert!(
            manifest.contains("\nname = \"connectycube_ffi\"\n"),
            "the FFI crate's [lib] name changed"
        );
    }

    #[test]
    fn the_package_names_its_backend() {
        let path = crate::util::workspace_root().join("bindings/python/pyproject.toml");
        let pyproject = std::fs::read_to_string(path).unwrap_or_default();
        let requirements = build_requirements(&pyproject);
        assert!(
            requirements.iter().any(|r| r.starts_with("maturin")),
            "{requirements:?}"
        );
    }
}
