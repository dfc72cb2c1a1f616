//! Interfaces the app implements in Swift, Kotlin or Python, and their adapters to the
//! SDK's Rust traits.

use std::sync::Arc;

use connectycube::{Credentials, SessionRestore, SessionStore, StoredSession};

use crate::records::{ConnectycubeSession, ConnectycubeUser, credentials_from_user, epoch_millis, from_epoch_millis};

/// Persists the session across app restarts (keychain, encrypted preferences). The token
/// is the only secret it receives: never a password.
#[uniffi::export(with_foreign)]
pub trait SessionPersistence: Send + Sync {
    /// The session saved last time, if any (called once, by `doInit`).
    fn load(&self) -> Option<ConnectycubeSession>;
    /// Called when the token or its user changes.
    fn save(&self, session: ConnectycubeSession);
    /// Called when the session ends.
    fn clear(&self);
}

/// Renews an expired user session: return the user to sign in with (login or email and
/// password, or a CIdP token in `login`), or nothing to give up. Called at most once per
/// renewal however many calls wait, on a background thread.
#[uniffi::export(with_foreign)]
pub trait SessionRestoreHandler: Send + Sync {
    fn restore(&self) -> Option<ConnectycubeUser>;
}

/// Upload progress, in percent (0 to 100).
#[uniffi::export(with_foreign)]
pub trait UploadProgressListener: Send + Sync {
    fn on_progress(&self, percent: i32);
}

pub(crate) struct PersistenceAdapter(pub Arc<dyn SessionPersistence>);

impl SessionStore for PersistenceAdapter {
    fn load(&self) -> Option<StoredSession> {
        let session = self.0.load()?;
        Some(StoredSession {
            token: session.token?.into(),
            expires_at: session.token_expiration_date.and_then(from_epoch_millis),
            user_id: session
                .user_id
                .and_then(|id| u64::try_from(id).ok())
                .filter(|id| *id > 0),
        })
    }

    fn save(&self, session: &StoredSession) {
        self.0.save(ConnectycubeSession {
            token: Some(session.token.expose().to_owned()),
            token_expiration_date: session.expires_at.map(epoch_millis),
            user_id: session.user_id.and_then(|id| i32::try_from(id).ok()),
            ..ConnectycubeSession::default()
        });
    }

    fn clear(&self) {
        self.0.clear();
    }
}

pub(crate) struct RestoreAdapter(pub Arc<dyn SessionRestoreHandler>);

#[async_trait::async_trait]
impl SessionRestore for RestoreAdapter {
    async fn restore(&self) -> Option<Credentials> {
        let handler = self.0.clone();
        // Foreign code may block (a dialog, a keychain read): keep it off the async workers.
        let user = tokio::task::spawn_blocking(move || handler.restore()).await.ok()??;
        credentials_from_user(&user).ok()
    }
}
