//! Sessions: the token every call needs, how it is created, tracked, renewed, persisted.
//!
//! - `shared.rs` — [`shared::SharedSession`], the one session of a client: single-flight
//!   creation, renewal through [`SessionRestore`] or retained credentials, no downgrade,
//!   [`SessionStore`];
//! - `auth_state.rs` — who is signed in, as states every subscriber sees in order;
//! - `create.rs` — `POST /session`: the request, and the session its answer holds;
//! - `signing.rs` — signs it: the legacy HMAC-SHA1 session signature;
//! - `clock.rs` — server time from `Date` headers (signature timestamps), and which dates
//!   and expiries are believable.

pub(crate) mod auth_state;
pub(crate) mod clock;
pub(crate) mod create;
pub(crate) mod shared;
pub(crate) mod signing;

use std::sync::Arc;

use connectycube_models::{Credentials, Secret, User};
use connectycube_transport::HeaderValue;
use time::OffsetDateTime;

/// The session a client currently uses. `Debug` never shows the token.
#[derive(Clone, Debug, PartialEq)]
pub struct ActiveSession {
    /// The session token sent as `CB-Token` (read it with [`Secret::expose`]).
    pub token: Secret,
    /// When the server will drop the token (server time), from `CB-Token-ExpirationDate`
    /// and pushed forward by every successful call. `None` when unknown.
    pub expires_at: Option<OffsetDateTime>,
    /// The signed-in user; `None` for an application session.
    pub user_id: Option<u64>,
    /// The user as last returned by the server, when known.
    pub user: Option<User>,
    /// The server's session id, when known.
    pub session_id: Option<u64>,
}

impl ActiveSession {
    /// Whether a user is signed in on this session (it is not an application session).
    pub fn is_user_session(&self) -> bool {
        self.user_id.is_some()
    }
}

/// What one call takes of the session: cloned by reference count on every call (never the
/// user profile), with the `CB-Token` header value built once per session.
#[derive(Clone)]
pub(crate) struct SessionRef(Arc<SessionIdentity>);

pub(crate) struct SessionIdentity {
    pub token: Secret,
    /// `None` when the token holds characters a header cannot carry (reported per call).
    pub token_header: Option<HeaderValue>,
    pub user_id: Option<u64>,
    pub session_id: Option<u64>,
}

impl SessionRef {
    pub fn new(token: Secret, user_id: Option<u64>, session_id: Option<u64>) -> Self {
        let token_header = HeaderValue::from_str(token.expose()).ok().map(|mut value| {
            value.set_sensitive(true);
            value
        });
        Self(Arc::new(SessionIdentity {
            token,
            token_header,
            user_id,
            session_id,
        }))
    }

    pub fn is_user_session(&self) -> bool {
        self.user_id.is_some()
    }
}

impl std::ops::Deref for SessionRef {
    type Target = SessionIdentity;

    fn deref(&self) -> &SessionIdentity {
        &self.0
    }
}

/// What an app may persist to resume a session after a restart: the token, never a
/// password.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredSession {
    /// The session token. Store it as the secret it is (keychain, encrypted preferences).
    pub token: Secret,
    /// When the server drops the token (server time). A session loaded after this is not
    /// used: an application session is created anew, a user session renewed through the
    /// [`SessionRestore`] (without one, calls fail with `SessionExpired` until the user signs
    /// in again).
    pub expires_at: Option<OffsetDateTime>,
    /// The signed-in user; `None` for an application session.
    pub user_id: Option<u64>,
}

/// Persistence the app provides (keychain, encrypted preferences…). The SDK never writes
/// to disk itself. `save` is called when the token or its user changes, `clear` when the
/// session ends, `load` once when the client is built.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use connectycube::{SessionStore, StoredSession};
///
/// /// Keeps the session in memory; an app would write it to its keychain instead.
/// #[derive(Default)]
/// struct MemoryStore(Mutex<Option<StoredSession>>);
///
/// impl SessionStore for MemoryStore {
///     fn load(&self) -> Option<StoredSession> {
///         self.0.lock().ok()?.clone()
///     }
///     fn save(&self, session: &StoredSession) {
///         if let Ok(mut slot) = self.0.lock() {
///             *slot = Some(session.clone());
///         }
///     }
///     fn clear(&self) {
///         if let Ok(mut slot) = self.0.lock() {
///             *slot = None;
///         }
///     }
/// }
///
/// let store = Arc::new(MemoryStore::default());
/// let cc = connectycube::ConnectyCube::builder(1, "auth-key").session_store(store).build()?;
/// assert!(cc.session().is_none());
/// # Ok::<(), connectycube::Error>(())
/// ```
pub trait SessionStore: Send + Sync {
    /// The saved session, if any. Called once, when the client is built; it must not block
    /// for long.
    fn load(&self) -> Option<StoredSession>;
    /// Saves `session`, replacing the one before.
    fn save(&self, session: &StoredSession);
    /// Forgets the saved session (it was destroyed or can no longer be used).
    fn clear(&self);
}

/// Renews a user session that expired, like Flutter's `onSessionRestore`: the app returns
/// the credentials to sign in with (asking the user, a refresh from its own backend…), or
/// `None` to give up (the call then fails with `SessionExpired`). Called at most once per
/// renewal, however many calls are waiting.
#[async_trait::async_trait]
pub trait SessionRestore: Send + Sync {
    /// The credentials to sign the same user in again, or `None` to give up.
    async fn restore(&self) -> Option<Credentials>;
}
