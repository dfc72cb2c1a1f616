//! Who is signed in right now, as a sequence of states: the one source every observer of
//! the session reads (the Rust stream, the FFI listeners, the 1.x session listeners).
//!
//! The states change under the session slot's lock, where the session itself changes, so
//! every subscriber sees every change once and in the order it happened. A new subscriber
//! first gets the current state with reason [`AuthChangeReason::Initial`].

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::mpsc;

/// What kind of session the client holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthStateKind {
    /// No session: nothing created yet, destroyed, or one that could not be renewed.
    NoSession,
    /// A session saved by the app was loaded at start and no answer has confirmed it yet.
    Restoring,
    /// An application session: no user.
    AppSession,
    /// A guest user's session.
    Guest,
    /// A user's session.
    SignedIn,
}

/// Why the state changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthChangeReason {
    /// The state when the subscription started.
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
    /// The session was destroyed (or forgotten).
    Destroyed,
    /// The server no longer accepts the session; a renewal may follow.
    Expired,
    /// A renewal failed; [`AuthState::failure`] says why.
    RenewalFailed,
    /// The signed-in user deleted their account.
    UserDeleted,
    /// The signed-in user changed their password (the session stays).
    PasswordChanged,
}

/// Why a renewal failed: the error's stable code and its words (never a secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthFailure {
    /// The renewal error's stable code ([`Error::code`](crate::Error::code)), e.g.
    /// `invalid_credentials`.
    pub code: &'static str,
    /// The renewal error's message.
    pub message: String,
}

/// One state of the session: its kind, its user and why it is so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthState {
    /// What kind of session the client holds now.
    pub kind: AuthStateKind,
    /// The user of the session; `None` without a user.
    pub user_id: Option<u64>,
    /// What made the state change.
    pub reason: AuthChangeReason,
    /// Set with [`AuthChangeReason::RenewalFailed`].
    pub failure: Option<AuthFailure>,
}

impl AuthState {
    pub(crate) fn new(kind: AuthStateKind, user_id: Option<u64>, reason: AuthChangeReason) -> Self {
        Self {
            kind,
            user_id,
            reason,
            failure: None,
        }
    }
}

/// The current state and the subscribers' queues. Lives inside the session slot.
pub(crate) struct AuthStates {
    current: AuthState,
    subscribers: Vec<mpsc::UnboundedSender<AuthState>>,
}

impl AuthStates {
    pub fn new(initial: AuthState) -> Self {
        Self {
            current: initial,
            subscribers: Vec::new(),
        }
    }

    pub fn current(&self) -> &AuthState {
        &self.current
    }

    /// A new subscriber, whose first item is the current state with reason `Initial`.
    pub fn subscribe(&mut self) -> AuthStateStream {
        let (sender, receiver) = mpsc::unbounded_channel();
        let first = AuthState {
            reason: AuthChangeReason::Initial,
            ..self.current.clone()
        };
        // The receiver is alive: this send cannot fail.
        let _ = sender.send(first);
        self.subscribers.push(sender);
        AuthStateStream { receiver }
    }

    /// Records a change and queues it for every subscriber; subscribers that went away are
    /// dropped. Nothing is queued when nobody listens.
    pub fn change(&mut self, state: AuthState) {
        // The user's id stays out of the log: the kind and reason say what an app developer
        // follows, and a failed renewal's code says why.
        tracing::info!(
            kind = ?state.kind,
            reason = ?state.reason,
            failure = state.failure.as_ref().map(|f| f.code),
            "session state changed"
        );
        self.subscribers
            .retain(|subscriber| subscriber.send(state.clone()).is_ok());
        self.current = state;
    }
}

/// The session's states, as a [`futures_util::Stream`]: the current one first, then every
/// change in order. Dropping it unsubscribes.
pub struct AuthStateStream {
    receiver: mpsc::UnboundedReceiver<AuthState>,
}

impl AuthStateStream {
    /// The next state; `None` once the client is gone.
    pub async fn next(&mut self) -> Option<AuthState> {
        self.receiver.recv().await
    }

    /// The next state if one is already queued.
    pub fn try_next(&mut self) -> Option<AuthState> {
        self.receiver.try_recv().ok()
    }
}

impl futures_util::Stream for AuthStateStream {
    type Item = AuthState;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<AuthState>> {
        self.receiver.poll_recv(cx)
    }
}

impl std::fmt::Debug for AuthStateStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthStateStream").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscriber_gets_the_current_state_first_then_every_change_in_order() {
        let mut states = AuthStates::new(AuthState::new(
            AuthStateKind::NoSession,
            None,
            AuthChangeReason::Initial,
        ));
        states.change(AuthState::new(
            AuthStateKind::AppSession,
            None,
            AuthChangeReason::Created,
        ));
        let mut early = states.subscribe();
        states.change(AuthState::new(
            AuthStateKind::SignedIn,
            Some(7),
            AuthChangeReason::SignedIn,
        ));
        let mut late = states.subscribe();
        states.change(AuthState::new(
            AuthStateKind::AppSession,
            None,
            AuthChangeReason::SignedOut,
        ));

        let reasons = |stream: &mut AuthStateStream| {
            std::iter::from_fn(|| stream.try_next())
                .map(|s| (s.kind, s.reason))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            reasons(&mut early),
            [
                (AuthStateKind::AppSession, AuthChangeReason::Initial),
                (AuthStateKind::SignedIn, AuthChangeReason::SignedIn),
                (AuthStateKind::AppSession, AuthChangeReason::SignedOut),
            ]
        );
        assert_eq!(
            reasons(&mut late),
            [
                (AuthStateKind::SignedIn, AuthChangeReason::Initial),
                (AuthStateKind::AppSession, AuthChangeReason::SignedOut),
            ]
        );
    }

    #[test]
    fn a_dropped_subscriber_is_forgotten() {
        let mut states = AuthStates::new(AuthState::new(
            AuthStateKind::NoSession,
            None,
            AuthChangeReason::Initial,
        ));
        drop(states.subscribe());
        states.change(AuthState::new(
            AuthStateKind::AppSession,
            None,
            AuthChangeReason::Created,
        ));
        assert!(states.subscribers.is_empty());
    }
}
