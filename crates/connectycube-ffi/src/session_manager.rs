//! `ConnectycubeSessionManager`: the local session of the shared `ConnectyCube`, without
//! network calls.

use std::sync::Arc;

use crate::client::shared;
use crate::records::{ConnectycubeSession, from_epoch_millis};

/// The session the SDK holds. `ConnectycubeSessionManager()` is the shared instance.
#[derive(uniffi::Object)]
pub struct ConnectycubeSessionManager;

#[uniffi::export]
impl ConnectycubeSessionManager {
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self)
    }

    /// Whether a session is held and live by its known expiry.
    pub fn is_active_session_valid(&self) -> bool {
        shared().sdk().is_ok_and(|sdk| sdk.is_session_valid())
    }

    /// The session held, if any.
    pub fn active_session(&self) -> Option<ConnectycubeSession> {
        let session = shared().sdk().ok()?.session()?;
        ConnectycubeSession::try_from(session).ok()
    }

    pub fn get_token(&self) -> Option<String> {
        Some(shared().sdk().ok()?.auth().token()?.expose().to_owned())
    }

    /// Expiry of the token, epoch milliseconds.
    pub fn get_token_expiration_date(&self) -> Option<i64> {
        self.active_session()?.token_expiration_date
    }

    /// Uses a token obtained elsewhere (an app backend, storage).
    pub fn set_token(&self, token: String) {
        if let Ok(sdk) = shared().sdk() {
            sdk.auth().set_session(token, None, None);
        }
    }

    /// Uses a session obtained elsewhere: its token, expiry and user id.
    pub fn save_active_session(&self, session: ConnectycubeSession) {
        let (Ok(sdk), Some(token)) = (shared().sdk(), session.token) else {
            return;
        };
        let expires = session.token_expiration_date.map(from_epoch_millis);
        let user_id = session
            .user_id
            .and_then(|id| u64::try_from(id).ok())
            .filter(|id| *id > 0);
        sdk.auth().set_session(token, expires, user_id);
    }

    /// Forgets the session locally (it stays valid on the server until it expires).
    pub fn delete_active_session(&self) {
        if let Ok(sdk) = shared().sdk() {
            sdk.auth().forget_session();
        }
    }
}
