//! ConnectyCube for Rust: sessions, users and the storage avatars need.
//!
//! ```no_run
//! # async fn demo() -> Result<(), connectycube::Error> {
//! use connectycube::{ConnectyCube, Credentials, NewUser};
//! let cc = ConnectyCube::builder(1, "29WfrNWdvkhmX6V").build()?;
//! cc.users().sign_up(NewUser::with_login("marvin18", "supersecurepwd")).await?;
//! cc.auth().create_session(Some(Credentials::Login { login: "marvin18".into(), password: "supersecurepwd".into() })).await?;
//! let found = cc.users().get_by_login("marvin18").await?;
//! # Ok(()) }
//! ```
//!
//! Where things happen, one way down: `connectycube.rs` (the client apps hold and its
//! builder) → `api/` (one handle per area) → `client.rs` (what the handles share, the loop
//! that runs a call) → `session/` (the shared session, creation, signing, clock skew) →
//! `http/` (build, send, retry decisions) → the transport. `error.rs` and `config.rs` are
//! used by all (`xtask/tests/module_graph.rs` keeps it so).
//!
//! Sessions are handled for you: an application session is created when a call needs one;
//! concurrent calls share one creation; an expired user session is renewed through a
//! [`SessionRestore`] or the password sign-in kept in memory (on by default), never replaced
//! by an application session;
//! a 401 "Required session does not exist" renews once and replays once.
//!
//! Runnable examples, each against an emulator it starts inside its own process
//! (`cargo run -p connectycube --example NAME`): `quickstart` (the whole users flow),
//! `restore_session` (a [`SessionStore`] resumes a session at start), `search_users` (paging
//! and sorting), `avatar_upload` ([`Upload::on_progress`]), `auth_state` (following
//! [`AuthClient::states`] through expiry and renewal).

#![deny(missing_docs)]

mod api;
mod client;
mod config;
mod connectycube;
mod error;
mod error_code;
mod http;
mod observer;
mod session;

#[cfg(test)]
mod date_properties;
#[cfg(test)]
mod unit_tests;

pub use api::{AuthClient, StorageClient, Upload, UsersClient, content_type_for};
pub use config::{Config, DEFAULT_API_ENDPOINT, RetryConfig, Timeouts};
pub use connectycube::{ConnectyCube, ConnectyCubeBuilder};
pub use error::{Error, NetworkErrorKind, Result};
pub use error_code::{ERROR_CODES, ErrorCode, ErrorCodeInfo, error_codes_markdown};
pub use observer::{RequestEvent, RequestObserver};
pub use session::auth_state::{AuthChangeReason, AuthFailure, AuthState, AuthStateKind, AuthStateStream};
pub use session::{ActiveSession, SessionRestore, SessionStore, StoredSession};

pub use connectycube_models::{
    Blob, Credentials, FilterOp, FilterType, NewUser, Order, Page, Pagination, SearchField, SearchValue, Secret,
    Session, Sorter, User, UserFields, UserFilter, UserOrder, UserSearch, UserUpdate,
};
pub use connectycube_transport::{ProgressFn, Transport};
