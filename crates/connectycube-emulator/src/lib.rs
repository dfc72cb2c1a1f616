//! A local ConnectyCube server for the "Authentication and Users" REST API (sessions,
//! users, and the storage avatars need), faithful to the wire contract in
//! `shared/spec/rest-api.md`, with a test-control API under `/__emulator/`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use connectycube_emulator::{Emulator, EmulatorConfig};
//! let emulator = Emulator::start(EmulatorConfig::default()).await?;
//! println!("serving on {}", emulator.url());
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Where to look: `routes/` holds one file per API area, `store.rs` the state,
//! `search.rs` the query languages, `signature.rs` the session signature,
//! `params.rs` how bodies and query strings are read, `persist.rs` and `store/snapshot.rs`
//! what `--data-dir` keeps and how.

#![deny(missing_docs)]

mod auth;
mod clock;
mod config;
mod connection;
mod error;
mod params;
mod persist;
mod reply;
mod routes;
mod saving;
mod search;
mod server;
mod signature;
mod state;
mod store;
mod switches;
mod timefmt;
pub mod tls;
mod users_input;

pub use config::EmulatorConfig;
pub use persist::DataDirError;
pub use server::Emulator;
pub use tls::{CertOptions, TestPki, TlsError, TlsIdentity};

/// Computes a session signature as clients must (`rest-api.md` §6): HMAC-SHA1 of the
/// sorted `name=value` pairs of a JSON or form body, `signature` excluded. For tests and
/// tools that drive the emulator with signed requests.
pub fn sign_session_body(auth_secret: &str, body: &[u8]) -> Option<String> {
    let params = params::Params::from_body(None, body).ok()?;
    Some(signature::sign(auth_secret, &signature::string_to_sign(&params)))
}
