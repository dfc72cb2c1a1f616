//! Every server message the SDK gives a code of its own, produced by the emulator with the
//! switch (or the user's action) that produces it on the real service, and read the way an
//! app reads it: code, retryable, sign in, hint. And `docs/errors.md` is what the table in
//! `src/error_code.rs` generates.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing")]

mod common;

use std::time::Duration;

use common::Harness;
use common::users::{PASSWORD, new_user, signed_in};
use connectycube::{Credentials, Error, ErrorCode, NewUser, UserFields, error_codes_markdown};
use connectycube_emulator::EmulatorConfig;
use serde_json::json;

/// What an app reads of an error: its code, whether to offer a retry, whether to show the
/// sign-in screen; and the hint, which must mention `hint_mentions`.
fn assert_reads(error: &Error, code: &str, retryable: bool, needs_sign_in: bool, hint_mentions: &str) {
    assert_eq!(error.code(), code, "{error:?}");
    assert_eq!(error.error_code(), ErrorCode::from_name(code).unwrap());
    assert_eq!(error.is_retryable(), retryable, "{code}: retryable");
    assert_eq!(error.needs_sign_in(), needs_sign_in, "{code}: needs sign-in");
    assert!(
        error.hint().contains(hint_mentions),
        "{code}: the hint {:?} does not mention {hint_mentions:?}",
        error.hint()
    );
}

#[test]
fn the_committed_table_is_the_generated_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/errors.md");
    let generated = error_codes_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/errors.md differs from the table in crates/connectycube/src/error_code.rs; \
         regenerate it: UPDATE_DOCS=1 cargo test -p connectycube --test error_codes"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn need_user_after_the_session_was_signed_out_elsewhere() {
    let h = Harness::start().await;
    let (first, me) = signed_in(&h, "marvin18").await;
    // A second client given the same token, as an app hands a saved session over.
    let second = h.client();
    let token = first.auth().token().unwrap();
    second.auth().set_session(token, None, Some(me.id));
    // Signing out keeps the token as an application session on the server.
    first.auth().sign_out().await.unwrap();
    let error = second
        .users()
        .update(common::users::full_name("Marvin"))
        .await
        .unwrap_err();
    assert_eq!(error.messages(), ["Forbidden. Need user."]);
    assert_eq!(error.status(), Some(403));
    assert_reads(&error, "user_session_required", false, true, "Sign a user in");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_user_when_the_app_does_not_create_users_at_sign_in() {
    let h = Harness::start_with(|c| c.deny_session_without_user = true).await;
    let error = h
        .client()
        .auth()
        .create_session(Some(Credentials::login("nobody01", PASSWORD)))
        .await
        .unwrap_err();
    assert_eq!(
        (error.status(), error.messages()),
        (Some(404), &["User not found".to_owned()][..])
    );
    assert_reads(&error, "unknown_user", false, false, "sign-up");
    // A lookup's "User not found" stays a plain not_found.
    let lookup = h.client().users().get(999_999).await.unwrap_err();
    assert!(matches!(lookup, Error::NotFound { .. }), "{lookup:?}");
    assert_reads(&lookup, "not_found", false, false, "nothing was found");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_the_custom_identity_provider_rejects() {
    let h = Harness::start_with(|c| c.custom_identity_provider = true).await;
    let error = h
        .client()
        .auth()
        .create_session(Some(Credentials::login("expired-external-token", "any")))
        .await
        .unwrap_err();
    assert!(
        error.messages()[0].starts_with("Custom Identity Provider responded with an error"),
        "{error:?}"
    );
    assert_reads(&error, "identity_provider_rejected", false, true, "fresh token");
}

#[tokio::test(flavor = "multi_thread")]
async fn password_reset_switched_off_in_the_admin_panel() {
    let h = Harness::start_with(|c| c.disable_password_reset = true).await;
    let error = h
        .client()
        .users()
        .reset_password("someone@example.com")
        .await
        .unwrap_err();
    assert_eq!(error.messages(), ["Reset password by email is disabled"]);
    assert_reads(&error, "password_reset_disabled", false, false, "admin panel");
    assert!(h.outbox().await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_v1_list_forbidden_keeps_the_settings_url() {
    let h = Harness::start_with(|c| c.deny_users_v1_list = true).await;
    let cc = h.client();
    #[allow(deprecated, reason = "the deprecated v1 list is what the admin panel switch refuses")]
    let error = cc.users().list_v1(&[], None, 1, 10).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("https://admin.connectycube.com/apps/1/service/users/settings"),
        "the server's message names the page to change: {error}"
    );
    assert_reads(&error, "users_list_disabled", false, false, "v2 search");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signature_made_with_the_wrong_auth_secret() {
    let h = Harness::start_with(|c| c.require_signature = true).await;
    let cc = connectycube::ConnectyCube::builder(common::APP_ID, common::AUTH_KEY)
        .api_endpoint(h.emulator.url())
        .auth_secret("not-the-apps-secret")
        .build()
        .unwrap();
    let error = cc.auth().create_session(None).await.unwrap_err();
    assert_eq!(error.messages(), ["Unexpected signature"]);
    assert_reads(&error, "signature_rejected", false, false, "auth secret");
    // Unsigned, where the app requires a signature: the same answer.
    let error = h.client().auth().create_session(None).await.unwrap_err();
    assert_reads(&error, "signature_rejected", false, false, "date and time");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_clock_too_wrong_to_correct() {
    let h = Harness::start_with(|c| c.require_signature = true).await;
    // A clock a century ahead: the server's Date is not believed that far off (a reset
    // clock must not poison the client), so the timestamp cannot be corrected.
    let century = Duration::from_secs(101 * 365 * 24 * 3600);
    let cc = connectycube::ConnectyCube::builder(common::APP_ID, common::AUTH_KEY)
        .api_endpoint(h.emulator.url())
        .auth_secret(EmulatorConfig::DEFAULT_AUTH_SECRET)
        .device_clock_offset(century, true)
        .build()
        .unwrap();
    let error = cc.auth().create_session(None).await.unwrap_err();
    assert_eq!(error.field_errors().unwrap()["timestamp"], ["invalid timestamp"]);
    assert_reads(&error, "invalid_timestamp", false, false, "date and time");
    assert_eq!(h.count("POST /session").await, 2, "signed again once, then reported");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_taken_login_or_email_is_a_field_error() {
    let h = Harness::start().await;
    let cc = h.client();
    let mut first = new_user("marvin18", UserFields::default());
    first.fields.email = Some("marvin@example.com".into());
    cc.users().sign_up(first).await.unwrap();

    let error = cc
        .users()
        .sign_up(new_user("marvin18", UserFields::default()))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Validation { .. }), "{error:?}");
    assert_eq!(error.field_errors().unwrap()["login"], ["must be unique"]);
    assert_eq!(error.messages(), ["login must be unique"]);
    assert_reads(&error, "login_taken", false, false, "another login");

    let mut same_email = new_user("marvin19", UserFields::default());
    same_email.fields.email = Some("marvin@example.com".into());
    let error = cc.users().sign_up(same_email).await.unwrap_err();
    assert_eq!(error.field_errors().unwrap()["email"], ["must be unique"]);
    assert!(!error.field_errors().unwrap().contains_key("login"));
    assert_reads(&error, "email_taken", false, false, "another email");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_is_its_own_code() {
    let h = Harness::start().await;
    signed_in(&h, "marvin18").await;
    let cc = h.client();
    let error = cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", "wrong-password")))
        .await
        .unwrap_err();
    assert_eq!(
        (error.status(), error.messages()),
        (Some(401), &["Invalid password".to_owned()][..])
    );
    assert_reads(&error, "invalid_credentials", false, true, "password");
    // The same through POST /login, on an application session.
    cc.auth().create_session(None).await.unwrap();
    let error = cc
        .auth()
        .sign_in(Credentials::login("nobody01", PASSWORD))
        .await
        .unwrap_err();
    assert_reads(&error, "invalid_credentials", false, true, "password");
}

#[tokio::test(flavor = "multi_thread")]
async fn transient_failures_are_retryable_after_the_sdks_own_attempts() {
    let h = Harness::start().await;
    let (cc, me) = signed_in(&h, "marvin18").await;
    let before = h.count("GET /users/{id}").await;
    h.control(
        "POST",
        "faults",
        Some(json!({"path_prefix": "/users", "method": "GET", "status": 503, "times": 3})),
    )
    .await;
    let error = cc.users().get(me.id).await.unwrap_err();
    assert_reads(&error, "server_error", true, false, "Try again later");
    assert_eq!(
        h.count("GET /users/{id}").await - before,
        3,
        "the SDK made its 3 attempts first"
    );
    cc.users().get(me.id).await.unwrap();

    h.control(
        "POST",
        "faults",
        Some(json!({"path_prefix": "/users", "method": "GET", "status": 429, "times": 3, "headers": {"Retry-After": "0"}})),
    )
    .await;
    let error = cc.users().get(me.id).await.unwrap_err();
    assert_reads(&error, "rate_limited", true, false, "Wait");

    // Sign-up is not repeated by the SDK, yet the failure is transient: the app may retry
    // (checking first, as the hint says).
    h.control(
        "POST",
        "faults",
        Some(json!({"path_prefix": "/users", "method": "POST", "status": 502, "times": 1})),
    )
    .await;
    let error = cc
        .users()
        .sign_up(NewUser::with_login("unlucky1", PASSWORD))
        .await
        .unwrap_err();
    assert_reads(&error, "server_error", true, false, "check before repeating");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_is_gone_is_a_retryable_network_error() {
    let h = Harness::start().await;
    let url = h.emulator.url().to_owned();
    drop(h);
    let cc = connectycube::ConnectyCube::builder(common::APP_ID, common::AUTH_KEY)
        .api_endpoint(url)
        .retry(connectycube::RetryConfig {
            max_attempts: 2,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(10),
        })
        .build()
        .unwrap();
    let error = cc.users().get(1).await.unwrap_err();
    assert_reads(&error, "network", true, false, "connection");
}
