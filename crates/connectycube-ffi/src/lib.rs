//! The uniffi facade of the ConnectyCube SDK, in the shapes of the official new SDKs
//! (`sdk-shapes.md` §1.1, §3): `ConnectyCube().doInit(…)`, `signUp(user:)`,
//! `getUsersByIds(ids:pagination:sorter:)`, `ConnectycubeUser`, `PagedUsersResult`…
//!
//! No business logic lives here: each export converts its arguments (`records.rs`), calls
//! the `connectycube` crate, and converts the result or error back (`error.rs`).

uniffi::setup_scaffolding!();

mod auth_state;
mod callbacks;
mod client;
mod constants;
mod describe;
mod error;
mod error_advice;
mod logging;
mod observer;
mod records;
mod session_manager;

#[cfg(test)]
mod export_properties;
// The suite over the emulator: in tests/ for its size, compiled here (no Rust library to link).
#[cfg(test)]
#[path = "../tests/ffi/mod.rs"]
mod ffi_suite;

pub use auth_state::{AuthChangeReason, AuthState, AuthStateKind, AuthStateListener, AuthStateSubscription};
pub use callbacks::{CallbackError, SessionPersistence, SessionRestoreHandler, UploadProgressListener};
pub use client::{ConnectyCube, get_private_url_for_uid, get_public_url_for_uid};
pub use constants::{SdkConstant, sdk_constants};
pub use error::ConnectycubeError;
pub use logging::{ConnectycubeLogLevel, ConnectycubeLogger, ConnectycubeSettings};
pub use observer::{RequestEvent, RequestObserver};
pub use records::{
    ConnectycubeConfig, ConnectycubeFile, ConnectycubeSession, ConnectycubeUser, PagedUsersResult, ParamValue,
    RequestPagination, RequestSorter,
};
pub use session_manager::ConnectycubeSessionManager;
