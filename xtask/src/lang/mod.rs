//! One test runner per foreign language (build, run against the emulator), and what each is
//! given; the toolchains are in `toolchain/`, the patches of the generated code are applied by
//! `bindings.rs`.

pub mod kotlin;
pub mod python;
mod python_package;
pub mod swift;
pub mod tls;

use std::path::PathBuf;

use tls::TlsEndpoint;

/// What a language's test runner gets.
pub struct BindingsContext {
    pub workspace: PathBuf,
    /// The FFI cdylib (debug build).
    pub library: PathBuf,
    /// `target/bindings/<lang>/`, freshly generated.
    pub generated: PathBuf,
    /// `http://127.0.0.1:PORT` of an emulator with the default app (id 1, key
    /// `29WfrNWdvkhmX6V`, secret `SECRETsecret123`).
    pub emulator_url: String,
    /// A second emulator, serving HTTPS with a throwaway CA (`target/bindings-build/tls/`).
    pub tls: TlsEndpoint,
    /// Tool cache outside the repository (`util::cache_dir()`).
    pub cache: PathBuf,
    /// Scratch space for this language's build outputs (`target/bindings-build/<lang>/`).
    pub build_dir: PathBuf,
}
