//! Errors through the exports: every kind the apps branch on, with its code and words;
//! `doInit` refusals; no canary secret in any error text.

use serde_json::json;

use super::{PASSWORD, Turn, config, user};
use crate::{ConnectycubeConfig, ConnectycubeError, ConnectycubeSession, ConnectycubeSessionManager, ConnectycubeUser};

const CANARY: &str = "CANARY-7f3a9c";

fn assert_no_canary(error: &ConnectycubeError) {
    let text = format!("{error} {error:?} {}", error.message());
    assert!(!text.contains(CANARY), "{text}");
    assert!(!error.message().is_empty());
}

#[tokio::test]
async fn answers_map_to_their_variants_and_codes() {
    let turn = Turn::start().await;
    turn.sign_up("victim").await;

    let wrong = turn
        .cube
        .create_session(Some(user("victim", CANARY)))
        .await
        .unwrap_err();
    assert!(
        matches!(&wrong, ConnectycubeError::Response { http_status_code: 401, errors, .. } if !errors.is_empty()),
        "{wrong:?}"
    );
    assert_eq!(wrong.code(), "invalid_credentials");
    if let ConnectycubeError::Response { errors, .. } = &wrong {
        assert_eq!(
            wrong.message(),
            format!("the server answered 401: {}", errors.join("; "))
        );
    }
    assert_no_canary(&wrong);

    let taken = turn.cube.sign_up(user("victim", CANARY)).await.unwrap_err();
    assert!(
        matches!(&taken, ConnectycubeError::Validation { http_status_code: 422, errors, .. } if errors == &["login must be unique"]),
        "{taken:?}"
    );
    assert_eq!(taken.code(), "login_taken");
    assert_no_canary(&taken);

    // Field errors arrive by field.
    let body = json!({"errors": {"email": ["has already been taken"], "login": ["is reserved"]}});
    let rule = json!({"path_prefix": "/users", "method": "POST", "status": 422, "body": body, "times": 1});
    turn.control("POST", "faults", Some(rule)).await;
    let reserved = turn.cube.sign_up(user("reserved", PASSWORD)).await.unwrap_err();
    assert!(
        reserved.message().starts_with("validation failed"),
        "{}",
        reserved.message()
    );
    match reserved {
        ConnectycubeError::Validation { field_errors, .. } => {
            assert_eq!(field_errors["email"], ["has already been taken"]);
            assert_eq!(field_errors["login"], ["is reserved"]);
        }
        other => panic!("expected a validation error, got {other:?}"),
    }

    turn.cube.create_session(None).await.unwrap();
    let update = ConnectycubeUser {
        full_name: Some("x".into()),
        ..Default::default()
    };
    let no_user = turn.cube.update_user(update).await.unwrap_err();
    assert_eq!(
        no_user,
        ConnectycubeError::SessionExpired,
        "a user write needs a user session"
    );
    assert_eq!(
        no_user.message(),
        "the session expired and could not be renewed; sign in again"
    );

    // Another user's account, refused by the server itself.
    let mut other = user("other", PASSWORD);
    other.external_id = Some("ext-other".into());
    turn.cube.sign_up(other).await.unwrap();
    turn.cube.create_session(Some(user("victim", PASSWORD))).await.unwrap();
    let theirs = turn
        .cube
        .delete_user_by_external_id("ext-other".into())
        .await
        .unwrap_err();
    assert!(
        matches!(
            theirs,
            ConnectycubeError::Forbidden {
                http_status_code: 403,
                ..
            }
        ),
        "{theirs:?}"
    );

    let rule = json!({"path_prefix": "/users", "method": "GET", "status": 403, "body": {"errors": ["Forbidden. Need user."]}, "times": 1});
    turn.control("POST", "faults", Some(rule)).await;
    let forbidden = turn.cube.get_user_by_login("victim".into()).await.unwrap_err();
    assert!(
        matches!(
            forbidden,
            ConnectycubeError::Forbidden {
                http_status_code: 403,
                ..
            }
        ),
        "{forbidden:?}"
    );
    assert_eq!(
        (forbidden.code().as_str(), forbidden.message().as_str()),
        ("user_session_required", "forbidden: Forbidden. Need user.")
    );

    turn.control(
        "POST",
        "faults",
        Some(json!({"path_prefix": "/users", "method": "POST", "status": 500})),
    )
    .await;
    let failed = turn.cube.sign_up(user("unlucky", PASSWORD)).await.unwrap_err();
    assert!(
        matches!(
            failed,
            ConnectycubeError::Response {
                http_status_code: 500,
                ..
            }
        ),
        "{failed:?}"
    );
}

#[tokio::test]
async fn a_rejected_canary_token_and_a_wrong_old_password_never_show_the_secret() {
    let turn = Turn::start().await;
    let me = turn.signed_in("forgetful").await;
    let change = ConnectycubeUser {
        password: Some(format!("{CANARY}-new")),
        old_password: Some(format!("{CANARY}-old")),
        ..Default::default()
    };
    let refused = turn.cube.update_user(change).await.unwrap_err();
    assert!(
        matches!(&refused, ConnectycubeError::Validation { field_errors, .. } if field_errors.contains_key("old_password")),
        "{refused:?}"
    );
    assert_no_canary(&refused);

    ConnectycubeSessionManager::new().save_active_session(ConnectycubeSession {
        token: Some(CANARY.into()),
        user_id: Some(me.id),
        ..Default::default()
    });
    let expired = turn.cube.get_user_by_id(me.id).await.unwrap_err();
    assert_eq!(expired, ConnectycubeError::SessionExpired);
    assert_no_canary(&expired);

    let social = turn
        .cube
        .create_session_using_social_provider("facebook".into(), CANARY.into(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            social,
            ConnectycubeError::Response {
                http_status_code: 401,
                ..
            }
        ),
        "{social:?}"
    );
    assert_no_canary(&social);
}

#[tokio::test]
async fn init_and_arguments_are_refused_before_anything_is_sent() {
    let turn = Turn::start().await;
    let key = || connectycube_emulator::EmulatorConfig::DEFAULT_AUTH_KEY.to_owned();
    let refusals = [
        turn.cube.do_init("not-a-number".into(), key(), None).unwrap_err(),
        turn.cube.do_init("1".into(), key(), Some(config(""))).unwrap_err(),
        turn.cube.do_init("1".into(), key(), Some(config(" "))).unwrap_err(),
        turn.cube
            .do_init("1".into(), key(), Some(config(&format!("https://user:{CANARY}@host"))))
            .unwrap_err(),
        turn.cube
            .do_init("1".into(), key(), Some(config("http://api.example.com")))
            .unwrap_err(),
        turn.cube
            .do_init(
                "1".into(),
                key(),
                Some(ConnectycubeConfig {
                    max_response_bytes: 0,
                    ..config(turn.emulator.url())
                }),
            )
            .unwrap_err(),
    ];
    for error in &refusals {
        assert!(matches!(error, ConnectycubeError::InvalidArgument { .. }), "{error:?}");
        assert_eq!(error.code(), "invalid_input");
        assert_no_canary(error);
    }
    assert!(
        refusals[3].message().contains("user:password@"),
        "{}",
        refusals[3].message()
    );

    turn.cube
        .do_init("1".into(), key(), Some(config(turn.emulator.url())))
        .unwrap();
    let short_login = turn.cube.sign_up(user("ab", PASSWORD)).await.unwrap_err();
    assert!(
        matches!(&short_login, ConnectycubeError::InvalidArgument { reason } if reason.contains("login")),
        "{short_login:?}"
    );
    let short = turn.cube.sign_up(user("shortpass", "123")).await.unwrap_err();
    assert!(
        matches!(&short, ConnectycubeError::InvalidArgument { reason } if reason.contains("password")),
        "{short:?}"
    );
    assert!(
        turn.cube
            .create_session(Some(ConnectycubeUser {
                full_name: Some("nobody".into()),
                ..Default::default()
            }))
            .await
            .is_err()
    );
    assert!(
        turn.cube
            .create_session_using_social_provider("myspace".into(), "t".into(), None)
            .await
            .is_err()
    );
    let negative = turn.cube.get_user_by_id(-1).await;
    assert!(
        matches!(negative, Err(ConnectycubeError::InvalidArgument { .. })),
        "{negative:?}"
    );
    assert_eq!(turn.requests().await, 0, "nothing was sent");
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error() {
    let turn = Turn::start().await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let key = connectycube_emulator::EmulatorConfig::DEFAULT_AUTH_KEY.to_owned();
    turn.cube
        .do_init("1".into(), key, Some(config(&format!("http://{closed}"))))
        .unwrap();
    let error = turn.cube.create_session(None).await.unwrap_err();
    assert!(
        matches!(&error, ConnectycubeError::Network { reason } if !reason.is_empty()),
        "{error:?}"
    );
    assert_eq!(error.code(), "network");
}

#[tokio::test]
async fn a_wrong_auth_key_is_a_401_and_a_user_write_without_a_session_is_session_expired() {
    let turn = Turn::start().await;
    let update = ConnectycubeUser {
        full_name: Some("Nobody".into()),
        ..Default::default()
    };
    let no_session = turn.cube.update_user(update).await.unwrap_err();
    assert_eq!(no_session, ConnectycubeError::SessionExpired);
    assert_eq!(
        no_session.message(),
        "the session expired and could not be renewed; sign in again"
    );

    turn.cube
        .do_init("1".into(), "wrong-key".into(), Some(config(turn.emulator.url())))
        .unwrap();
    let refused = turn.cube.create_session(None).await.unwrap_err();
    assert!(
        matches!(
            refused,
            ConnectycubeError::Response {
                http_status_code: 401,
                ..
            }
        ),
        "{refused:?}"
    );
}
