//! Sessions through the exports: application, user (login, email), guest; the session
//! manager's view; expiry without and with retained credentials; persistence.

use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::json;

use super::{PASSWORD, Turn, config, user};
use crate::{
    CallbackError, ConnectycubeError, ConnectycubeSession, ConnectycubeSessionManager, ConnectycubeUser,
    SessionPersistence,
};

#[tokio::test]
async fn an_application_session_then_a_user_session_then_sign_out() {
    let turn = Turn::start().await;
    let manager = ConnectycubeSessionManager::new();
    assert!(!manager.is_active_session_valid(), "nothing before the first call");

    let app = turn.cube.create_session(None).await.unwrap();
    assert!(app.token.as_deref().is_some_and(|t| !t.is_empty()));
    assert_eq!(app.user_id, None);
    assert!(manager.is_active_session_valid());
    assert_eq!(manager.get_token(), app.token);
    assert!(manager.get_token_expiration_date().is_some());

    let created = turn.sign_up("marvin18").await;
    let session = turn
        .cube
        .create_session(Some(user("marvin18", PASSWORD)))
        .await
        .unwrap();
    assert_eq!(session.user_id, Some(created.id));
    assert_eq!(turn.cube.get_session().await.unwrap().user_id, Some(created.id));
    assert_eq!(manager.active_session().unwrap().user_id, Some(created.id));

    turn.cube.sign_out().await.unwrap();
    turn.cube.destroy_session().await.unwrap();
    assert!(!manager.is_active_session_valid());
}

#[tokio::test]
async fn sign_in_by_email_and_as_a_guest() {
    let turn = Turn::start().await;
    let mut with_email = user("amigo", PASSWORD);
    with_email.email = Some("amigo@example.com".into());
    let created = turn.cube.sign_up(with_email).await.unwrap();
    let by_email = ConnectycubeUser {
        email: Some("amigo@example.com".into()),
        password: Some(PASSWORD.into()),
        ..Default::default()
    };
    assert_eq!(turn.cube.sign_in(by_email).await.unwrap().id, created.id);

    let guest = ConnectycubeUser {
        is_guest: true,
        full_name: Some("Guest Marvin".into()),
        ..Default::default()
    };
    let session = turn.cube.create_session(Some(guest)).await.unwrap();
    let me = session.user.expect("a guest session carries its user");
    assert!(me.is_guest);
    assert_eq!(me.full_name.as_deref(), Some("Guest Marvin"));
}

#[tokio::test]
async fn an_expired_user_session_is_session_expired_unless_credentials_are_retained() {
    let turn = Turn::start().await;
    let me = turn.signed_in("expiring").await;
    turn.control("POST", "clock", Some(json!({"advance_secs": 7201}))).await;
    let error = turn.cube.get_user_by_id(me.id).await.unwrap_err();
    assert_eq!(error, ConnectycubeError::SessionExpired);
    assert_eq!(error.code(), "session_expired");

    let mut retained = config(turn.emulator.url());
    retained.retain_credentials = true;
    turn.cube
        .do_init(
            "1".into(),
            connectycube_emulator::EmulatorConfig::DEFAULT_AUTH_KEY.into(),
            Some(retained),
        )
        .unwrap();
    turn.cube
        .create_session(Some(user("expiring", PASSWORD)))
        .await
        .unwrap();
    turn.control("POST", "clock", Some(json!({"advance_secs": 7201}))).await;
    assert_eq!(
        turn.cube.get_user_by_id(me.id).await.unwrap().id,
        me.id,
        "renewed by itself"
    );
}

#[derive(Default)]
struct Saved(Mutex<Option<ConnectycubeSession>>);

impl SessionPersistence for Saved {
    fn load(&self) -> Result<Option<ConnectycubeSession>, CallbackError> {
        Ok(self.0.lock().clone())
    }
    fn save(&self, session: ConnectycubeSession) -> Result<(), CallbackError> {
        *self.0.lock() = Some(session);
        Ok(())
    }
    fn clear(&self) -> Result<(), CallbackError> {
        *self.0.lock() = None;
        Ok(())
    }
}

#[tokio::test]
async fn a_persisted_session_is_loaded_at_the_next_init_and_manager_writes_take_effect() {
    let turn = Turn::start().await;
    let saved = Arc::new(Saved::default());
    turn.cube.set_session_persistence(Some(saved.clone()));
    let endpoint = config(turn.emulator.url());
    let key = connectycube_emulator::EmulatorConfig::DEFAULT_AUTH_KEY.to_owned();
    turn.cube
        .do_init("1".into(), key.clone(), Some(endpoint.clone()))
        .unwrap();
    let me = turn.signed_in("kept").await;
    let stored = saved.0.lock().clone().expect("the session was saved");
    assert_eq!(stored.user_id, Some(me.id));

    turn.cube.do_init("1".into(), key, Some(endpoint)).unwrap();
    let manager = ConnectycubeSessionManager::new();
    assert_eq!(manager.get_token(), stored.token, "loaded at init");
    assert_eq!(turn.cube.get_user_by_id(me.id).await.unwrap().id, me.id);

    manager.delete_active_session();
    assert_eq!(manager.get_token(), None);
    manager.save_active_session(stored.clone());
    assert_eq!(manager.get_token(), stored.token);
    manager.set_token("a-token-from-elsewhere".into());
    assert_eq!(manager.get_token().as_deref(), Some("a-token-from-elsewhere"));
}
