//! Who is signed in, for every language alike: `AuthState` records and the
//! `AuthStateListener` apps register with `ConnectyCube.addAuthStateListener`. Each
//! language's idiomatic form (Kotlin `StateFlow`, Swift `AsyncStream`, Python `async for`,
//! the 1.x session listeners) is built on this one contract.
//!
//! A listener hears the current state first (reason `Initial`), then every change once and
//! in order. Its calls run one at a time on a background thread of the SDK's blocking pool,
//! never on the thread that drives the network, so a slow listener delays only its own
//! later states. A listener that throws is logged and keeps listening. `doInit` starts a new
//! client: each registered listener then hears that client's states, from its `Initial`, once
//! it has heard every state the old client reported.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

use parking_lot::Mutex;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::callbacks::{CallbackError, tracing_warn};

/// What kind of session the SDK holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum AuthStateKind {
    /// No session: none created yet, destroyed, or one that could not be renewed.
    NoSession,
    /// A session saved by the app was loaded at start; no answer has confirmed it yet.
    Restoring,
    /// An application session: no user.
    AppSession,
    /// A guest user's session.
    Guest,
    /// A user's session.
    SignedIn,
}

/// Why the state changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum AuthChangeReason {
    /// The state when the listener was added.
    Initial,
    /// A session was created (an application session, or one the app handed over).
    Created,
    /// A user signed in.
    SignedIn,
    /// An expired user session was replaced by a new one for the same user.
    Renewed,
    /// A saved session was confirmed by the server's answer.
    Restored,
    /// The user signed out; the session continues without a user.
    SignedOut,
    /// The session was destroyed.
    Destroyed,
    /// The server no longer accepts the session; a renewal may follow.
    Expired,
    /// A renewal failed: `errorCode` and `errorMessage` say why.
    RenewalFailed,
    /// The signed-in user deleted their account.
    UserDeleted,
    /// The signed-in user changed their password (the session stays).
    PasswordChanged,
}

/// One state of the session.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AuthState {
    pub kind: AuthStateKind,
    /// The signed-in user (or guest), when there is one.
    pub user_id: Option<i32>,
    pub reason: AuthChangeReason,
    /// With `RenewalFailed`: the error's stable code (`"session_expired"`, `"network"`, …).
    pub error_code: Option<String>,
    /// With `RenewalFailed`: the error's words (never a secret).
    pub error_message: Option<String>,
}

impl From<connectycube::AuthState> for AuthState {
    fn from(state: connectycube::AuthState) -> Self {
        use connectycube::{AuthChangeReason as R, AuthStateKind as K};
        let kind = match state.kind {
            K::NoSession => AuthStateKind::NoSession,
            K::Restoring => AuthStateKind::Restoring,
            K::AppSession => AuthStateKind::AppSession,
            K::Guest => AuthStateKind::Guest,
            K::SignedIn => AuthStateKind::SignedIn,
        };
        let reason = match state.reason {
            R::Initial => AuthChangeReason::Initial,
            R::Created => AuthChangeReason::Created,
            R::SignedIn => AuthChangeReason::SignedIn,
            R::Renewed => AuthChangeReason::Renewed,
            R::Restored => AuthChangeReason::Restored,
            R::SignedOut => AuthChangeReason::SignedOut,
            R::Destroyed => AuthChangeReason::Destroyed,
            R::Expired => AuthChangeReason::Expired,
            R::RenewalFailed => AuthChangeReason::RenewalFailed,
            R::UserDeleted => AuthChangeReason::UserDeleted,
            R::PasswordChanged => AuthChangeReason::PasswordChanged,
        };
        Self {
            kind,
            // Ids beyond i32 are not issued by the service; such an id reads as none.
            user_id: state.user_id.and_then(|id| i32::try_from(id).ok()),
            reason,
            error_code: state.failure.as_ref().map(|f| f.code.to_owned()),
            error_message: state.failure.map(|f| f.message),
        }
    }
}

/// Hears the session's states: the current one first, then every change in order.
#[uniffi::export(with_foreign)]
pub trait AuthStateListener: Send + Sync {
    fn on_auth_state_changed(&self, state: AuthState) -> Result<(), CallbackError>;
}

/// The listeners registered on the shared `ConnectyCube`, each with the task that feeds it
/// from the current client.
#[derive(Default)]
pub(crate) struct AuthListeners {
    next_id: u64,
    entries: Vec<Entry>,
}

struct Entry {
    id: u64,
    listener: Arc<dyn AuthStateListener>,
    /// Set by `cancel()`: no later state is handed to the listener.
    cancelled: Arc<AtomicBool>,
    /// Tells the current task that a new client took over.
    handover: Arc<Notify>,
    task: Option<JoinHandle<()>>,
}

impl AuthListeners {
    /// Registers a listener and, when a client exists, starts feeding it.
    pub fn add(&mut self, listener: Arc<dyn AuthStateListener>, client: Option<&connectycube::ConnectyCube>) -> u64 {
        self.next_id += 1;
        let mut entry = Entry {
            id: self.next_id,
            listener,
            cancelled: Arc::new(AtomicBool::new(false)),
            handover: Arc::new(Notify::new()),
            task: None,
        };
        if let Some(client) = client {
            entry.task = Some(feed(client, &entry, None));
        }
        self.entries.push(entry);
        self.next_id
    }

    /// Stops and forgets a listener; nothing is delivered to it afterwards.
    pub fn remove(&mut self, id: u64) {
        self.entries.retain(|entry| {
            if entry.id == id {
                entry.cancelled.store(true, Ordering::SeqCst);
                if let Some(task) = &entry.task {
                    task.abort();
                }
            }
            entry.id != id
        });
    }

    /// A new client replaced the old one: every listener follows the new one, after the
    /// states the old one had already reported (a state is never lost to a `doInit`).
    pub fn follow(&mut self, client: &connectycube::ConnectyCube) {
        for entry in &mut self.entries {
            let previous = entry.task.take();
            entry.handover.notify_one();
            entry.handover = Arc::new(Notify::new());
            entry.task = Some(feed(client, entry, previous));
        }
    }
}

/// One task per listener, on the SDK's runtime: after the `previous` task (the old client's)
/// has delivered what it had, it waits for each state and hands it to the listener on the
/// blocking pool, one call at a time, so states arrive in order. Told of a handover, it
/// delivers what is already queued and ends.
fn feed(client: &connectycube::ConnectyCube, entry: &Entry, previous: Option<JoinHandle<()>>) -> JoinHandle<()> {
    // Subscribed now, so the new client's first state is the one at this moment.
    let mut states = client.auth().states();
    let listener = entry.listener.clone();
    let cancelled = entry.cancelled.clone();
    let handover = entry.handover.clone();
    sdk_runtime().spawn(async move {
        if let Some(previous) = previous {
            // Its end, whichever way (done, aborted), is all that matters here.
            let _ = previous.await;
        }
        loop {
            let state = tokio::select! {
                biased;
                state = states.next() => state,
                () = handover.notified() => {
                    while let Some(state) = states.try_next() {
                        deliver(&listener, &cancelled, state).await;
                    }
                    return;
                }
            };
            match state {
                Some(state) => deliver(&listener, &cancelled, state).await,
                None => return,
            }
        }
    })
}

/// Hands one state to the listener on the blocking pool, unless it was cancelled; a
/// listener that throws or panics is logged and hears the next state all the same.
async fn deliver(listener: &Arc<dyn AuthStateListener>, cancelled: &Arc<AtomicBool>, state: connectycube::AuthState) {
    if cancelled.load(Ordering::SeqCst) {
        return;
    }
    let listener = listener.clone();
    let state = AuthState::from(state);
    match tokio::task::spawn_blocking(move || listener.on_auth_state_changed(state)).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing_warn(&error),
        Err(join) if join.is_panic() => tracing::warn!("an auth state listener panicked"),
        Err(_) => {}
    }
}

/// The runtime the SDK's calls run on (uniffi's tokio runtime), reached from a plain call.
pub(crate) fn sdk_runtime() -> tokio::runtime::Handle {
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        return handle;
    }
    // An async block without an await completes on its first poll; polled inside uniffi's
    // compatibility layer, it sees the runtime that layer drives.
    let mut probe = std::pin::pin!(uniffi::deps::async_compat::Compat::new(async {
        tokio::runtime::Handle::current()
    }));
    loop {
        if let Poll::Ready(handle) = probe.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            return handle;
        }
    }
}

/// A registered listener; `cancel()` removes it. Dropping this object does not: a listener
/// stays until cancelled, as the official SDKs' listeners do.
#[derive(uniffi::Object)]
pub struct AuthStateSubscription {
    id: u64,
    listeners: Arc<Mutex<AuthListeners>>,
}

impl AuthStateSubscription {
    pub(crate) fn new(id: u64, listeners: Arc<Mutex<AuthListeners>>) -> Arc<Self> {
        Arc::new(Self { id, listeners })
    }
}

#[uniffi::export]
impl AuthStateSubscription {
    /// Stops the listener: no state is delivered to it once this returns (one already being
    /// delivered finishes).
    pub fn cancel(&self) {
        self.listeners.lock().remove(self.id);
    }
}
