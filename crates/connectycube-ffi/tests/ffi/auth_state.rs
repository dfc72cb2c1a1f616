//! Who is signed in, through the exports every language builds on: a listener hears the
//! current state first, then the documented sequence of a session's life; a throwing
//! listener keeps listening; `cancel()` stops it; `doInit` gives it the new client's states.

use std::sync::Arc;

use serde_json::json;

use super::{PASSWORD, Turn, user};
use crate::{AuthChangeReason as Reason, AuthState, AuthStateKind as Kind, AuthStateListener, CallbackError};

type Recorder = super::Recorder<AuthState>;

impl AuthStateListener for Recorder {
    fn on_auth_state_changed(&self, state: AuthState) -> Result<(), CallbackError> {
        self.record(state, "listener")
    }
}

/// The (kind, user, reason) of the states heard, once `count` have arrived.
async fn states_of(recorder: &Recorder, count: usize) -> Vec<(Kind, Option<i32>, Reason)> {
    let states = recorder.wait_for(count).await;
    states.iter().map(|s| (s.kind, s.user_id, s.reason)).collect()
}

#[tokio::test]
async fn a_listener_hears_a_session_life_in_order() {
    let turn = Turn::start().await;
    // The default config: a password sign-in is kept to renew the session.
    turn.init(true);
    let heard = Arc::new(Recorder::default());
    let throwing = Arc::new(Recorder::throwing());
    let subscription = turn.cube.add_auth_state_listener(heard.clone());
    let _kept = turn.cube.add_auth_state_listener(throwing.clone());

    let me = turn.sign_up("marvin18").await.id;
    turn.cube
        .create_session(Some(user("marvin18", PASSWORD)))
        .await
        .unwrap();
    turn.control("POST", "clock", Some(json!({"advance_secs": 7201}))).await;
    turn.cube.get_user_by_id(me).await.unwrap();
    turn.cube
        .update_user(crate::ConnectycubeUser {
            password: Some("brand-new-pass".into()),
            old_password: Some(PASSWORD.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    turn.cube.sign_out().await.unwrap();
    turn.cube.destroy_session().await.unwrap();

    let expected = [
        (Kind::NoSession, None, Reason::Initial),
        (Kind::SignedIn, Some(me), Reason::SignedIn),
        (Kind::NoSession, None, Reason::Expired),
        (Kind::SignedIn, Some(me), Reason::Renewed),
        (Kind::SignedIn, Some(me), Reason::PasswordChanged),
        (Kind::AppSession, None, Reason::SignedOut),
        (Kind::NoSession, None, Reason::Destroyed),
    ];
    assert_eq!(states_of(&heard, expected.len()).await, expected);
    assert_eq!(
        states_of(&throwing, expected.len()).await,
        expected,
        "a listener that throws keeps listening"
    );
    assert_eq!(turn.cube.auth_state().kind, Kind::NoSession);

    // Cancelled: nothing more arrives.
    subscription.cancel();
    turn.cube.create_session(None).await.unwrap();
    assert_eq!(
        throwing.wait_for(expected.len() + 1).await.len(),
        expected.len() + 1,
        "the other still hears"
    );
    assert_eq!(heard.heard().len(), expected.len(), "nothing after cancel()");

    // doInit makes a new client: the listeners follow it from its first state, after every
    // state the old client reported (here one reported just before, not yet delivered).
    let again = Arc::new(Recorder::default());
    turn.cube.add_auth_state_listener(again.clone());
    assert_eq!(states_of(&again, 1).await, [(Kind::AppSession, None, Reason::Initial)]);
    turn.cube.destroy_session().await.unwrap();
    turn.init(false);
    assert_eq!(
        states_of(&again, 3).await,
        [
            (Kind::AppSession, None, Reason::Initial),
            (Kind::NoSession, None, Reason::Destroyed),
            (Kind::NoSession, None, Reason::Initial),
        ]
    );
}

struct GiveUp;

impl crate::SessionRestoreHandler for GiveUp {
    fn restore(&self) -> Result<Option<crate::ConnectycubeUser>, CallbackError> {
        Ok(None)
    }
}

#[tokio::test]
async fn a_failed_renewal_carries_its_code() {
    let turn = Turn::start().await;
    turn.cube.set_session_restore_handler(Some(Arc::new(GiveUp)));
    turn.init(false);
    let me = turn.signed_in("strict01").await.id;
    let heard = Arc::new(Recorder::default());
    turn.cube.add_auth_state_listener(heard.clone());
    turn.control("POST", "clock", Some(json!({"advance_secs": 7201}))).await;
    turn.cube.get_user_by_id(me).await.unwrap_err();
    assert_eq!(
        states_of(&heard, 3).await,
        [
            (Kind::SignedIn, Some(me), Reason::Initial),
            (Kind::NoSession, None, Reason::Expired),
            (Kind::NoSession, None, Reason::RenewalFailed),
        ]
    );
    let failed = heard.heard()[2].clone();
    assert_eq!(failed.error_code.as_deref(), Some("session_expired"));
    assert!(failed.error_message.is_some_and(|m| !m.is_empty()));
}
