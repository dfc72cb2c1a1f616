//! Interfaces the app implements in Swift, Kotlin or Python, and their adapters to the
//! SDK's Rust traits.

use std::sync::Arc;

use connectycube::{Credentials, SessionRestore, SessionStore, StoredSession};

use crate::records::{ConnectycubeSession, ConnectycubeUser, credentials_from_user, epoch_millis, from_epoch_millis};

/// What a foreign callback reports when it fails. Foreign exceptions the callback did
/// not declare arrive here too, instead of aborting the call.
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum CallbackError {
    #[error("callback failed: {reason}")]
    Failed { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for CallbackError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed { reason: error.reason }
    }
}

/// Persists the session across app restarts (keychain, encrypted preferences). The token
/// is the only secret it receives: never a password. A failing `load` counts as no stored
/// session; a failing `save` or `clear` is logged and the call goes on.
#[uniffi::export(with_foreign)]
pub trait SessionPersistence: Send + Sync {
    /// The session saved last time, if any (called once, by `doInit`).
    fn load(&self) -> Result<Option<ConnectycubeSession>, CallbackError>;
    /// Called when the token or its user changes.
    fn save(&self, session: ConnectycubeSession) -> Result<(), CallbackError>;
    /// Called when the session ends.
    fn clear(&self) -> Result<(), CallbackError>;
}

/// Renews an expired user session: return the user to sign in with (login or email and
/// password, or a CIdP token in `login`), or nothing to give up. Called at most once per
/// renewal however many calls wait, on a background thread.
#[uniffi::export(with_foreign)]
pub trait SessionRestoreHandler: Send + Sync {
    fn restore(&self) -> Result<Option<ConnectycubeUser>, CallbackError>;
}

/// Upload progress, in percent (0 to 100).
#[uniffi::export(with_foreign)]
pub trait UploadProgressListener: Send + Sync {
    fn on_progress(&self, percent: i32) -> Result<(), CallbackError>;
}

pub(crate) struct PersistenceAdapter(pub Arc<dyn SessionPersistence>);

impl SessionStore for PersistenceAdapter {
    fn load(&self) -> Option<StoredSession> {
        let session = match self.0.load() {
            Ok(session) => session?,
            Err(error) => {
                tracing_warn(&error);
                return None;
            }
        };
        Some(StoredSession {
            token: session.token?.into(),
            expires_at: session.token_expiration_date.map(from_epoch_millis),
            user_id: session
                .user_id
                .and_then(|id| u64::try_from(id).ok())
                .filter(|id| *id > 0),
        })
    }

    fn save(&self, session: &StoredSession) {
        let result = self.0.save(ConnectycubeSession {
            token: Some(session.token.expose().to_owned()),
            token_expiration_date: session.expires_at.map(epoch_millis),
            user_id: session.user_id.and_then(|id| i32::try_from(id).ok()),
            ..ConnectycubeSession::default()
        });
        if let Err(error) = result {
            tracing_warn(&error);
        }
    }

    fn clear(&self) {
        if let Err(error) = self.0.clear() {
            tracing_warn(&error);
        }
    }
}

pub(crate) struct RestoreAdapter(pub Arc<dyn SessionRestoreHandler>);

#[async_trait::async_trait]
impl SessionRestore for RestoreAdapter {
    async fn restore(&self) -> Option<Credentials> {
        let handler = self.0.clone();
        // Foreign code may block (a dialog, a keychain read): keep it off the async workers.
        // A failing handler gives up, like one that returns nothing.
        let user = tokio::task::spawn_blocking(move || handler.restore())
            .await
            .ok()?
            .ok()??;
        credentials_from_user(&user).ok()
    }
}

/// A foreign callback failed; the SDK carries on (and never logs the callback's data).
pub(crate) fn tracing_warn(error: &CallbackError) {
    tracing::warn!(%error, "a callback failed");
}
