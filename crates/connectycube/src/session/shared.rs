//! [`SharedSession`]: the one session a client's calls share, and how it is renewed.
//!
//! Rules, each one a bug of the official SDKs (`reliability.md` §1):
//! - **Single-flight**: however many calls find the session missing or expired, one
//!   `POST /session` runs; the others wait for its result. It runs in its own task, so a
//!   caller that is cancelled does not cancel it for the others.
//! - **No downgrade**: an application session never replaces a live user session.
//! - **Renew like for like**: once a user signed in, renewal must produce a user session
//!   (through the app's [`SessionRestore`] or retained credentials); otherwise calls fail
//!   with `SessionExpired` instead of silently continuing without the user.

use std::sync::Arc;

use connectycube_models::{Credentials, Secret, User};
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use parking_lot::Mutex;
use time::OffsetDateTime;

use super::auth_state::{AuthChangeReason, AuthFailure, AuthState, AuthStateKind, AuthStateStream, AuthStates};
use super::clock::Clock;
use super::create::SessionFactory;
use super::{ActiveSession, SessionRef, SessionRestore, SessionStore, StoredSession};
use crate::error::{Error, Result};
use crate::http::request::Need;

type Renewal = Shared<BoxFuture<'static, Result<SessionRef>>>;

/// A failed renewal answers the callers of the same wave for this long instead of each
/// starting another: N waiting calls must not turn one outage into N request storms.
const FAILURE_HOLD: std::time::Duration = std::time::Duration::from_secs(1);

/// A session the server forgets this long or more before its known expiry was ended on
/// purpose, not expired: more than clock rounding and the server's own delays.
const EARLY_END_SLACK: time::Duration = time::Duration::minutes(1);

/// The session slot (current session, renewal in flight, last failure), the app's store
/// and restore hook, and the clock that says what is still live.
pub(crate) struct SharedSession {
    slot: Mutex<Slot>,
    clock: Arc<Clock>,
    /// A session this close to its expiry is renewed before a call uses it.
    margin: time::Duration,
    store: Option<Arc<dyn SessionStore>>,
    restore: Option<Arc<dyn SessionRestore>>,
    retain_credentials: bool,
}

/// The session in use. Calls take `handle` (a reference count); the profile and the expiry,
/// which change without a new token, live beside it.
struct Current {
    handle: SessionRef,
    expires_at: Option<OffsetDateTime>,
    user: Option<User>,
}

impl Current {
    fn new(session: ActiveSession) -> Self {
        Self {
            handle: SessionRef::new(session.token, session.user_id, session.session_id),
            expires_at: session.expires_at,
            user: session.user,
        }
    }

    fn snapshot(&self) -> ActiveSession {
        ActiveSession {
            token: self.handle.token.clone(),
            expires_at: self.expires_at,
            user_id: self.handle.user_id,
            user: self.user.clone(),
            session_id: self.handle.session_id,
        }
    }

    fn is_user_session(&self) -> bool {
        self.handle.is_user_session()
    }

    /// The auth state this session stands for.
    fn state(&self, reason: AuthChangeReason) -> AuthState {
        let kind = match (&self.handle.user_id, &self.user) {
            (None, _) => AuthStateKind::AppSession,
            (Some(_), Some(user)) if user.is_guest == Some(true) => AuthStateKind::Guest,
            (Some(_), _) => AuthStateKind::SignedIn,
        };
        AuthState::new(kind, self.handle.user_id, reason)
    }

    fn is_live(&self, server_now: OffsetDateTime, margin: time::Duration) -> bool {
        // Unknown expiry (an injected token): assume live; a 401 will tell otherwise.
        self.expires_at
            .is_none_or(|at| at.checked_sub(margin).is_some_and(|renew_at| renew_at > server_now))
    }
}

/// Where a session being installed comes from: a call of the app, or a renewal.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Call,
    Renewal,
}

struct Slot {
    current: Option<Current>,
    /// Who is signed in, for observers; changed only together with `current`.
    auth: AuthStates,
    /// A user signed in and has not signed out: renewals must bring a user back.
    user_expected: bool,
    /// The last user session's credentials, only when the app opted in.
    credentials: Option<Credentials>,
    renewal: Option<Renewal>,
    /// The last renewal's error, shared with latecomers for `FAILURE_HOLD`.
    failure: Option<(std::time::Instant, Error)>,
}

impl SharedSession {
    pub fn new(
        store: Option<Arc<dyn SessionStore>>,
        restore: Option<Arc<dyn SessionRestore>>,
        retain_credentials: bool,
        clock: Arc<Clock>,
        margin: time::Duration,
    ) -> Self {
        let mut slot = Slot {
            current: None,
            auth: AuthStates::new(AuthState::new(
                AuthStateKind::NoSession,
                None,
                AuthChangeReason::Initial,
            )),
            user_expected: false,
            credentials: None,
            renewal: None,
            failure: None,
        };
        // Cold start: resume the persisted session without a network call.
        if let Some(stored) = store.as_ref().and_then(|s| s.load()) {
            slot.user_expected = stored.user_id.is_some();
            let handle = SessionRef::new(stored.token, stored.user_id, None);
            // A token a header cannot carry (a damaged store) would fail every call: a new
            // session is created (or, for a user, restored) instead.
            if handle.token_header.is_some() {
                let current = Current {
                    handle,
                    expires_at: clock.expiry_from_app(stored.expires_at),
                    user: None,
                };
                // Restoring until an answer confirms it; a saved session already past its
                // expiry is stale, and the state says so from the start.
                if current.is_live(clock.server_now(), time::Duration::ZERO) {
                    slot.auth = AuthStates::new(AuthState::new(
                        AuthStateKind::Restoring,
                        current.handle.user_id,
                        AuthChangeReason::Initial,
                    ));
                }
                slot.current = Some(current);
            } else {
                tracing::warn!("the saved session token cannot be sent in a header; it is not used");
            }
        }
        Self {
            slot: Mutex::new(slot),
            clock,
            margin,
            store,
            restore,
            retain_credentials,
        }
    }

    /// The current session if it has not expired.
    pub fn live(&self) -> Option<SessionRef> {
        self.live_with(time::Duration::ZERO)
    }

    /// The current session if a call may still use it: live beyond the renewal margin.
    pub fn usable(&self) -> Option<SessionRef> {
        self.live_with(self.margin)
    }

    fn live_with(&self, margin: time::Duration) -> Option<SessionRef> {
        let server_now = self.clock.server_now();
        let slot = self.slot.lock();
        slot.current
            .as_ref()
            .filter(|c| c.is_live(server_now, margin))
            .map(|c| c.handle.clone())
    }

    pub fn current(&self) -> Option<ActiveSession> {
        self.slot.lock().current.as_ref().map(Current::snapshot)
    }

    /// Who is signed in now.
    pub fn auth_state(&self) -> AuthState {
        self.slot.lock().auth.current().clone()
    }

    /// The states from now on, the current one first.
    pub fn auth_states(&self) -> AuthStateStream {
        self.slot.lock().auth.subscribe()
    }

    /// A live session that satisfies `need`, creating or renewing one through `factory`
    /// when needed; `true` with it when the caller waited for a creation or renewal.
    pub async fn ensure(self: &Arc<Self>, factory: Arc<dyn SessionFactory>, need: Need) -> Result<(SessionRef, bool)> {
        // Two rounds: a renewal that finished just before we looked may already hold
        // what we need; a second renewal is never started by the same call.
        for _ in 0..2 {
            let renewal = {
                let mut slot = self.slot.lock();
                if let Some(current) = slot
                    .current
                    .as_ref()
                    .filter(|c| c.is_live(self.clock.server_now(), self.margin))
                    && (need == Need::Any || current.is_user_session())
                {
                    return Ok((current.handle.clone(), false));
                }
                match &slot.renewal {
                    Some(renewal) => renewal.clone(),
                    None if slot.failure.as_ref().is_some_and(|(at, _)| at.elapsed() < FAILURE_HOLD) => {
                        return Err(slot.failure.as_ref().map_or(Error::SessionExpired, |(_, e)| e.clone()));
                    }
                    None => {
                        let plan = self.plan(&slot, need)?;
                        let renewal = spawn_renewal(self.clone(), factory.clone(), plan);
                        slot.renewal = Some(renewal.clone());
                        renewal
                    }
                }
            };
            let session = renewal.await?;
            if need == Need::Any || session.is_user_session() {
                return Ok((session, true));
            }
        }
        Err(Error::SessionExpired)
    }

    /// How to get a session now: an application session, unless a user is expected.
    fn plan(&self, slot: &Slot, need: Need) -> Result<Plan> {
        if !slot.user_expected && need == Need::Any {
            return Ok(Plan::App);
        }
        if let Some(restore) = &self.restore {
            return Ok(Plan::Restore(restore.clone()));
        }
        match &slot.credentials {
            Some(credentials) => Ok(Plan::Credentials(credentials.clone())),
            None => Err(Error::SessionExpired),
        }
    }

    /// Installs a session the server just created. An application session never replaces
    /// a live user session: it is returned to its caller but the user's stays active.
    /// Answers the handle calls made with `session` use.
    pub fn install(&self, session: ActiveSession, credentials: Option<&Credentials>, origin: Origin) -> SessionRef {
        let server_now = self.clock.server_now();
        let mut slot = self.slot.lock();
        if !session.is_user_session()
            && slot
                .current
                .as_ref()
                .is_some_and(|c| c.is_user_session() && c.is_live(server_now, time::Duration::ZERO))
        {
            tracing::debug!("kept the user session: an application session does not replace it");
            return SessionRef::new(session.token, session.user_id, session.session_id);
        }
        slot.failure = None;
        slot.user_expected = session.is_user_session();
        slot.credentials = match credentials {
            Some(c) if self.retain_credentials && session.is_user_session() => {
                Some(c.clone()).filter(Credentials::is_password)
            }
            _ if session.is_user_session() => slot.credentials.take().filter(|_| self.retain_credentials),
            _ => None,
        };
        self.save(&session);
        let current = Current::new(session);
        let handle = current.handle.clone();
        let reason = match (origin, current.is_user_session()) {
            (_, false) => AuthChangeReason::Created,
            (Origin::Renewal, true) => AuthChangeReason::Renewed,
            (Origin::Call, true) => AuthChangeReason::SignedIn,
        };
        slot.auth.change(current.state(reason));
        slot.current = Some(current);
        handle
    }

    /// The session's user changed without a new token (`POST /login`, `DELETE /login`).
    pub fn set_user(&self, token: &Secret, user: Option<User>, credentials: Option<&Credentials>) {
        let mut slot = self.slot.lock();
        let Some(current) = slot.current.as_mut().filter(|c| &c.handle.token == token) else {
            return;
        };
        let user_id = user.as_ref().map(|u| u.id);
        current.handle = SessionRef::new(token.clone(), user_id, current.handle.session_id);
        current.user = user;
        let snapshot = current.snapshot();
        let state = current.state(if user_id.is_some() {
            AuthChangeReason::SignedIn
        } else {
            AuthChangeReason::SignedOut
        });
        slot.auth.change(state);
        slot.user_expected = snapshot.is_user_session();
        slot.credentials = credentials
            .filter(|c| self.retain_credentials && snapshot.is_user_session() && c.is_password())
            .cloned();
        self.save(&snapshot);
    }

    /// The signed-in user changed their password: retained credentials follow, or the
    /// next renewal would sign in with the old one.
    pub fn password_changed(&self, new_password: &Secret) {
        let mut slot = self.slot.lock();
        if let Some(Credentials::Login { password, .. } | Credentials::Email { password, .. }) =
            slot.credentials.as_mut()
        {
            *password = new_password.clone();
        }
        let state = AuthState {
            reason: AuthChangeReason::PasswordChanged,
            ..slot.auth.current().clone()
        };
        slot.auth.change(state);
    }

    /// Updates the known user of the session (after a profile update).
    pub fn refresh_user(&self, user: &User) {
        let mut slot = self.slot.lock();
        if let Some(current) = slot.current.as_mut().filter(|c| c.handle.user_id == Some(user.id)) {
            current.user = Some(user.clone());
        }
    }

    /// A successful answer to a call made with `token` moves its expiry.
    pub fn extend(&self, token: &Secret, expires_at: OffsetDateTime) {
        let mut slot = self.slot.lock();
        let restoring = slot.auth.current().kind == AuthStateKind::Restoring;
        let Some(current) = slot.current.as_mut().filter(|c| &c.handle.token == token) else {
            return;
        };
        current.expires_at = Some(expires_at);
        // Every successful call passes here: the state is touched only once, to end `Restoring`.
        if restoring {
            let restored = current.state(AuthChangeReason::Restored);
            slot.auth.change(restored);
        }
    }

    /// The server no longer knows `token`: forget it (a renewal follows). A user session
    /// the server ended well before its expiry was ended on purpose (signed out from
    /// another device, or by the app's backend): the kept sign-in goes with it, since
    /// signing back in by itself would undo that. An expired one renews as promised.
    pub fn invalidate(&self, token: &Secret) {
        let server_now = self.clock.server_now();
        let mut slot = self.slot.lock();
        let Some(current) = slot.current.as_ref().filter(|c| &c.handle.token == token) else {
            return;
        };
        let ended_early = current.handle.user_id.is_some()
            && current
                .expires_at
                .is_some_and(|expiry| expiry > server_now.saturating_add(EARLY_END_SLACK));
        if ended_early {
            tracing::debug!("the server ended the user session before its expiry: the kept sign-in is dropped");
            slot.credentials = None;
        }
        slot.current = None;
        slot.auth.change(AuthState::new(
            AuthStateKind::NoSession,
            None,
            AuthChangeReason::Expired,
        ));
    }

    /// The session ended for good: destroyed, the user signed out with no session left, or
    /// the user deleted (`reason`).
    pub fn clear(&self, reason: AuthChangeReason) {
        let mut slot = self.slot.lock();
        slot.auth.change(AuthState::new(AuthStateKind::NoSession, None, reason));
        slot.current = None;
        slot.user_expected = false;
        slot.credentials = None;
        slot.failure = None;
        if let Some(store) = &self.store {
            store.clear();
        }
    }

    /// Installs a token the app already has (from its own storage or backend).
    pub fn inject(&self, session: ActiveSession) {
        let mut slot = self.slot.lock();
        slot.failure = None;
        slot.user_expected = session.is_user_session();
        slot.credentials = None;
        self.save(&session);
        let current = Current::new(session);
        slot.auth.change(current.state(AuthChangeReason::Created));
        slot.current = Some(current);
    }

    fn save(&self, session: &ActiveSession) {
        if let Some(store) = &self.store {
            store.save(&StoredSession {
                token: session.token.clone(),
                expires_at: session.expires_at,
                user_id: session.user_id,
            });
        }
    }

    fn finish_renewal(&self, result: &Result<SessionRef>) {
        let server_now = self.clock.server_now();
        let mut slot = self.slot.lock();
        slot.renewal = None;
        slot.failure = result.as_ref().err().map(|e| (std::time::Instant::now(), e.clone()));
        if let Err(error) = result {
            // A session still live (a renewal ahead of its expiry) stays what it is.
            let mut state = slot
                .current
                .as_ref()
                .filter(|c| c.is_live(server_now, time::Duration::ZERO))
                .map_or_else(
                    || AuthState::new(AuthStateKind::NoSession, None, AuthChangeReason::RenewalFailed),
                    |c| c.state(AuthChangeReason::RenewalFailed),
                );
            state.failure = Some(AuthFailure {
                code: error.code(),
                message: error.to_string(),
            });
            slot.auth.change(state);
        }
    }
}

enum Plan {
    App,
    Restore(Arc<dyn SessionRestore>),
    Credentials(Credentials),
}

/// Starts the one renewal in its own task and shares its result.
fn spawn_renewal(shared: Arc<SharedSession>, factory: Arc<dyn SessionFactory>, plan: Plan) -> Renewal {
    let task = tokio::spawn(async move {
        let result = renew(&shared, factory, plan).await;
        shared.finish_renewal(&result);
        result
    });
    async move {
        match task.await {
            Ok(result) => result,
            Err(join) if join.is_cancelled() => Err(Error::Cancelled),
            Err(_) => Err(Error::Cancelled),
        }
    }
    .boxed()
    .shared()
}

async fn renew(shared: &SharedSession, factory: Arc<dyn SessionFactory>, plan: Plan) -> Result<SessionRef> {
    let credentials = match plan {
        Plan::App => None,
        Plan::Credentials(credentials) => Some(credentials),
        Plan::Restore(restore) => match restore.restore().await {
            Some(credentials) => Some(credentials),
            None => return Err(Error::SessionExpired),
        },
    };
    tracing::debug!(
        kind = credentials.as_ref().map_or("app", Credentials::kind),
        "creating a session"
    );
    let created = factory.create_session(credentials.clone()).await;
    match created {
        Ok(session) => Ok(shared.install(session, credentials.as_ref(), Origin::Renewal)),
        // A user session that cannot be re-created is an expired session to the caller.
        Err(Error::Api { status: 401, .. }) | Err(Error::NotFound { .. }) if credentials.is_some() => {
            Err(Error::SessionExpired)
        }
        Err(error) => Err(error),
    }
}
