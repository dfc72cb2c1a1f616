//! `cargo xtask test-bindings [--lang kotlin|swift|python]`: generates each language's
//! bindings, fetches its toolchain into the cache outside the repository when missing,
//! starts an emulator over HTTP and one over HTTPS (`--generate-tls`, for the TLS tests), and
//! runs that language's tests against them.

use anyhow::{Context, Result};

use crate::emulator_process::EmulatorProcess;
use crate::lang::BindingsContext;
use crate::lang::tls::TlsEmulator;
use crate::{bindings, lang, util};

pub fn run(chosen: &[String]) -> Result<()> {
    let langs = bindings::languages(chosen);
    let library = bindings::build_library()?;
    let emulator_binary = util::build_emulator(false)?;
    let tls_dir = util::target_dir().join("bindings-build").join("tls");
    for lang in &langs {
        util::step(&format!("{lang} bindings: generate, toolchain, tests"));
        let generated = bindings::generate(&library, lang)?;
        let emulator = EmulatorProcess::start(&emulator_binary, &[])?;
        let tls_emulator = TlsEmulator::start(&emulator_binary, &tls_dir)?;
        let build_dir = util::target_dir().join("bindings-build").join(lang);
        std::fs::create_dir_all(&build_dir).with_context(|| format!("cannot create {}", build_dir.display()))?;
        let context = BindingsContext {
            workspace: util::workspace_root(),
            library: library.clone(),
            generated,
            emulator_url: emulator.url.clone(),
            tls: tls_emulator.endpoint.clone(),
            cache: util::cache_dir(),
            build_dir,
        };
        match lang.as_str() {
            "python" => lang::python::test(&context),
            "kotlin" => lang::kotlin::test(&context),
            "swift" => lang::swift::test(&context),
            other => anyhow::bail!("no test runner for {other}"),
        }
        .with_context(|| format!("{lang} binding tests failed"))?;
    }
    Ok(())
}
