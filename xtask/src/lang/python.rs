//! The python binding tests: `bindings/python` is installed with `pip install` into a venv
//! under `target/bindings-build/python/` (see [`python_package`]), and `run_tests.py` runs
//! every test with the venv's interpreter against the emulator, importing the installed
//! package. Python needs nothing beyond itself and its `venv` module; pip fetches the build
//! backend from PyPI once.
//!
//! [`copy_tree`] and [`copy`] serve the bench and footprint drivers, which put a release
//! library and its generated module beside a copy of the package instead.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::{BindingsContext, python_package};
use crate::util;

/// The interpreter; `PYTHON` overrides it.
pub(crate) fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Oldest Python the generated module runs on (it uses `dict[str, …]` annotations).
const MINIMUM: (u32, u32) = (3, 9);

pub fn test(context: &BindingsContext) -> Result<()> {
    let python = python();
    let version = check_python(&python)?;
    util::step(&format!(
        "python {version}: pip install ./bindings/python into a venv, unittest on the installed package"
    ));

    let source = context.workspace.join("bindings").join("python");
    let venv = context.build_dir.join("venv");
    let started = std::time::Instant::now();
    let backend = python_package::install(&python, &source, &venv)?;
    eprintln!(
        "python: pip install ./bindings/python ({backend}, dev profile) took {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let summary = context.build_dir.join("summary.txt");
    if summary.exists() {
        std::fs::remove_file(&summary).with_context(|| format!("cannot remove {}", summary.display()))?;
    }
    // Run from the build dir, where no `connectycube` folder is: run_tests.py keeps its own
    // folder (the source package) off sys.path, so the tests import the installed package.
    let status = Command::new(python_package::venv_python(&venv))
        .arg(source.join("run_tests.py"))
        .current_dir(&context.build_dir)
        .env("CONNECTYCUBE_API_ENDPOINT", &context.emulator_url)
        .envs(context.tls.env())
        .env("CONNECTYCUBE_TEST_SUMMARY", &summary)
        .env_remove("PYTHONPATH")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        .status()
        .with_context(|| format!("cannot start the venv's python in {}", venv.display()))?;

    let line = std::fs::read_to_string(&summary)
        .with_context(|| format!("the python tests wrote no summary ({status}); see the output above"))?;
    let line = line.trim();
    // run_tests.py has printed the line for CI already.
    let (passed, failed) = parse_summary(line).with_context(|| format!("unexpected summary line '{line}'"))?;
    if passed + failed == 0 {
        bail!("no python test ran");
    }
    if failed > 0 || !status.success() {
        bail!("{failed} python test(s) failed ({status})");
    }
    Ok(())
}

/// `python3` is present and recent enough; returns its `major.minor`.
pub(crate) fn check_python(python: &str) -> Result<String> {
    let output = Command::new(python)
        .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        .output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        Ok(output) => bail!("{python} failed: {}", String::from_utf8_lossy(&output.stderr).trim()),
        Err(error) => bail!(
            "{python} not found ({error}): install Python {}.{} or newer (Debian: apt-get install python3), \
             or point PYTHON at an interpreter",
            MINIMUM.0,
            MINIMUM.1
        ),
    };
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let parsed = version
        .split_once('.')
        .and_then(|(major, minor)| Some((major.parse::<u32>().ok()?, minor.parse::<u32>().ok()?)));
    match parsed {
        Some(found) if found >= MINIMUM => Ok(version),
        _ => bail!(
            "{python} is Python {version}; the bindings need {}.{} or newer",
            MINIMUM.0,
            MINIMUM.1
        ),
    }
}

/// `python: N passed, M failed` → `(N, M)`.
fn parse_summary(line: &str) -> Option<(u64, u64)> {
    let rest = line.strip_prefix("python: ")?;
    let (passed, failed) = rest.split_once(", ")?;
    let passed = passed.strip_suffix(" passed")?.parse().ok()?;
    let failed = failed.strip_suffix(" failed")?.parse().ok()?;
    Some((passed, failed))
}

/// Copies `from` into the directory `to`, keeping its name.
pub(crate) fn copy(from: &Path, to: &Path) -> Result<()> {
    let Some(name) = from.file_name() else {
        bail!("{} names no file", from.display());
    };
    std::fs::copy(from, to.join(name))
        .with_context(|| format!("cannot copy {} into {}", from.display(), to.display()))?;
    Ok(())
}

/// Copies a source tree, leaving out caches, build outputs and generated files a developer
/// may have dropped into the package directory (the fresh ones are copied afterwards).
pub(crate) fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let entries = std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        let skipped = matches!(
            name_str.as_ref(),
            "__pycache__" | "build" | "dist" | "connectycube_ffi.py"
        ) || name_str.ends_with(".egg-info")
            || name_str.ends_with(".pyc")
            || name_str.starts_with("libconnectycube_ffi.");
        if skipped {
            continue;
        }
        let path = entry.path();
        let target = to.join(&name);
        let kind = entry
            .file_type()
            .with_context(|| format!("cannot stat {}", path.display()))?;
        if kind.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)
                .with_context(|| format!("cannot copy {} to {}", path.display(), target.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_summary;

    #[test]
    fn summary_line() {
        assert_eq!(parse_summary("python: 51 passed, 0 failed"), Some((51, 0)));
        assert_eq!(parse_summary("python: 3 passed, 2 failed"), Some((3, 2)));
        assert_eq!(parse_summary("kotlin: 3 passed, 2 failed"), None);
        assert_eq!(parse_summary("python: many passed"), None);
    }
}
