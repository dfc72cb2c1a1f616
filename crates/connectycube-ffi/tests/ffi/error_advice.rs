//! What an app reads of an error through the exports — code, `is_retryable()`,
//! `needs_sign_in()`, `hint()` — for answers of the emulator that the apps meet: the ones
//! the bindings' own tests show too, and the admin-panel switches they cannot set.

use serde_json::json;

use super::{PASSWORD, Turn, user};
use crate::{ConnectycubeError, ConnectycubeSession, ConnectycubeSessionManager, ConnectycubeUser};

fn assert_reads(error: &ConnectycubeError, code: &str, retryable: bool, needs_sign_in: bool, hint_mentions: &str) {
    assert_eq!(error.code(), code, "{error:?}");
    assert_eq!(error.is_retryable(), retryable, "{code}: retryable");
    assert_eq!(error.needs_sign_in(), needs_sign_in, "{code}: needs sign-in");
    assert!(error.hint().contains(hint_mentions), "{code}: {}", error.hint());
}

#[tokio::test]
async fn need_user_wrong_password_taken_login_and_a_transient_failure() {
    let turn = Turn::start().await;
    let me = turn.signed_in("marvin18").await;

    // A session saved as the user's that the server holds as signed out.
    let token = ConnectycubeSessionManager::new().get_token().unwrap();
    turn.cube.sign_out().await.unwrap();
    ConnectycubeSessionManager::new().save_active_session(ConnectycubeSession {
        token: Some(token),
        user_id: Some(me.id),
        ..Default::default()
    });
    let update = ConnectycubeUser {
        full_name: Some("Marvin".into()),
        ..Default::default()
    };
    let need_user = turn.cube.update_user(update).await.unwrap_err();
    assert!(
        matches!(need_user, ConnectycubeError::Forbidden { .. }),
        "{need_user:?}"
    );
    assert_reads(&need_user, "user_session_required", false, true, "Sign a user in");

    let wrong = turn
        .cube
        .create_session(Some(user("marvin18", "wrong-password")))
        .await
        .unwrap_err();
    assert!(matches!(
        wrong,
        ConnectycubeError::Response {
            http_status_code: 401,
            ..
        }
    ));
    assert_reads(&wrong, "invalid_credentials", false, true, "password");

    let taken = turn.cube.sign_up(user("marvin18", PASSWORD)).await.unwrap_err();
    match &taken {
        ConnectycubeError::Validation {
            field_errors, errors, ..
        } => {
            assert_eq!(field_errors["login"], ["must be unique"]);
            assert_eq!(errors, &["login must be unique"]);
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_reads(&taken, "login_taken", false, false, "another login");

    let rule = json!({"path_prefix": "/users", "method": "GET", "status": 503, "times": 3});
    turn.control("POST", "faults", Some(rule)).await;
    let unavailable = turn.cube.get_user_by_id(me.id).await.unwrap_err();
    assert!(matches!(
        unavailable,
        ConnectycubeError::Response {
            http_status_code: 503,
            ..
        }
    ));
    assert_reads(&unavailable, "server_error", true, false, "Try again later");
}

#[tokio::test]
async fn admin_panel_switches() {
    let turn = Turn::start_with(|c| {
        c.disable_password_reset = true;
        c.deny_session_without_user = true;
        c.deny_users_v1_list = true;
    })
    .await;
    let reset = turn
        .cube
        .reset_password("someone@example.com".into())
        .await
        .unwrap_err();
    assert_reads(&reset, "password_reset_disabled", false, false, "admin panel");
    let unknown = turn
        .cube
        .create_session(Some(user("nobody01", PASSWORD)))
        .await
        .unwrap_err();
    assert_eq!(unknown.legacy_status_code(), Some(404));
    assert_reads(&unknown, "unknown_user", false, false, "sign-up");
    let list = turn.cube.get_users_v1(vec![], None, 1, 10).await.unwrap_err();
    assert!(
        list.message()
            .contains("https://admin.connectycube.com/apps/1/service/users/settings"),
        "{}",
        list.message()
    );
    assert_reads(&list, "users_list_disabled", false, false, "v2 search");
}
