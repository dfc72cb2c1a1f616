//! `cargo xtask bindings [--lang kotlin|swift|python]`: builds the FFI library and
//! generates the foreign-language code into `target/bindings/<lang>/`, patched (see [`patch`]);
//! every other command generates through [`generate_into`] too.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::lang::{kotlin, swift};
use crate::util;

pub const LANGUAGES: &[&str] = &["kotlin", "swift", "python"];

/// The languages asked for (all when none).
pub fn languages(chosen: &[String]) -> Vec<String> {
    if chosen.is_empty() {
        LANGUAGES.iter().map(|l| (*l).to_owned()).collect()
    } else {
        chosen.to_vec()
    }
}

/// The debug cdylib, built.
pub fn build_library() -> Result<PathBuf> {
    util::cargo(&["build", "-p", "connectycube-ffi"])?;
    let library = util::target_dir().join("debug").join(library_file_name());
    if !library.exists() {
        bail!("FFI library not found at {}", library.display());
    }
    Ok(library)
}

pub fn library_file_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "libconnectycube_ffi.dylib"
    } else {
        "libconnectycube_ffi.so"
    }
}

/// Generates bindings for `lang` into `target/bindings/<lang>/` and returns that folder.
pub fn generate(library: &Path, lang: &str) -> Result<PathBuf> {
    generate_into(library, lang, util::target_dir().join("bindings").join(lang))
}

/// Generates bindings for `lang` into `out` (emptied first), patched ([`patch`]); returns `out`.
pub fn generate_into(library: &Path, lang: &str, out: PathBuf) -> Result<PathBuf> {
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    std::fs::create_dir_all(&out)?;
    let config = util::workspace_root().join("uniffi.toml");
    let (library, out_arg, config) = (
        library.to_string_lossy().into_owned(),
        out.to_string_lossy().into_owned(),
        config.to_string_lossy().into_owned(),
    );
    // Without `-p`, as maturin runs it (`pip install ./bindings/python`): one build of the
    // binary, with the workspace's features, serves both.
    util::cargo(&[
        "run",
        "--quiet",
        "--bin",
        "uniffi-bindgen",
        "--",
        "generate",
        "--library",
        &library,
        "--language",
        lang,
        "--out-dir",
        &out_arg,
        "--config",
        &config,
        "--no-format",
    ])?;
    patch(lang, &out)?;
    Ok(out)
}

/// The one place uniffi's generated code is patched, so every output (`cargo xtask bindings`,
/// the binding tests, the bench and footprint drivers, `android`, `apple`) is the code the
/// tests ran. Each patch checks the shape it expects and fails on another (a uniffi upgrade);
/// its module names the upstream issue and when to remove it.
fn patch(lang: &str, out: &Path) -> Result<()> {
    match lang {
        // uniffi-rs#2410: JNA attaches and detaches a wake-up's native thread per call.
        "kotlin" => kotlin::callback_threads::apply(out),
        // uniffi-rs#2771: a cancelled Task does not drop its Rust future.
        "swift" => {
            let file = out.join("ConnectyCube.swift");
            let source = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let patched = swift::async_calls::patch_async_cancellation(&source)?;
            std::fs::write(&file, patched).with_context(|| format!("cannot write {}", file.display()))
        }
        _ => Ok(()),
    }
}

pub fn run(chosen: &[String]) -> Result<()> {
    let langs = languages(chosen);
    let library = build_library()?;
    for lang in &langs {
        let out = generate(&library, lang)?;
        eprintln!("{lang}: {}", out.display());
    }
    Ok(())
}
