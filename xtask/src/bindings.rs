//! `cargo xtask bindings [--lang kotlin|swift|python]`: builds the FFI library and
//! generates the foreign-language code into `target/bindings/<lang>/`.

use std::path::PathBuf;

use anyhow::{Result, bail};

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
pub fn generate(library: &std::path::Path, lang: &str) -> Result<PathBuf> {
    generate_into(library, lang, util::target_dir().join("bindings").join(lang))
}

/// Generates bindings for `lang` into `out` (emptied first) and returns it; the Kotlin is
/// patched (`lang::kotlin::patch_generated`).
pub fn generate_into(library: &std::path::Path, lang: &str, out: PathBuf) -> Result<PathBuf> {
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
    util::cargo(&[
        "run",
        "--quiet",
        "-p",
        "xtask",
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
    // Every Kotlin output (tests, bench, Android, `cargo xtask bindings`) gets the same
    // checked patches: what ships is what is tested.
    if lang == "kotlin" {
        crate::lang::kotlin::patch_generated(&out)?;
    }
    Ok(out)
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
