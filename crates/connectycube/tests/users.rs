//! Users through `cc.users()` against the in-process emulator: sign-up, profile, password,
//! deletion, reset. Lookups, searches and lists are in `user_lookups.rs`.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing")]

mod common;

use common::Harness;
use common::users::{PASSWORD, full_name, new_user, signed_in};
use connectycube::{Credentials, Error, NewUser, UserFields, UserUpdate};

// ---------------------------------------------------------------------------------------
// Sign-up

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_without_a_session_uses_the_auth_key_and_creates_no_session() {
    let h = Harness::start().await;
    let cc = h.client();
    let user = cc
        .users()
        .sign_up(new_user(
            "marvin18",
            UserFields {
                email: Some("marvin@example.com".into()),
                full_name: Some("Marvin Android".into()),
                phone: Some("+4915112345678".into()),
                website: Some("https://marvin.example.com".into()),
                tags: Some(vec!["robot".into(), " paranoid ".into()]),
                custom_data: Some(r#"{"brain":"planet-sized"}"#.into()),
                external_id: Some("m-18".into()),
                ..UserFields::default()
            },
        ))
        .await
        .unwrap();
    assert!(user.id > 0);
    assert_eq!(user.login.as_deref(), Some("marvin18"));
    assert_eq!(user.email.as_deref(), Some("marvin@example.com"));
    assert_eq!(user.full_name.as_deref(), Some("Marvin Android"));
    assert_eq!(user.phone.as_deref(), Some("+4915112345678"));
    assert_eq!(user.website.as_deref(), Some("https://marvin.example.com"));
    assert_eq!(user.tags, ["robot", "paranoid"]);
    assert_eq!(user.custom_data.as_deref(), Some(r#"{"brain":"planet-sized"}"#));
    assert_eq!(user.external_id.as_deref(), Some("m-18"));
    assert!(user.created_at.is_some());

    assert_eq!(h.count("POST /users").await, 1);
    assert_eq!(
        h.count("POST /session").await,
        0,
        "sign-up with the auth key creates no session"
    );
    assert!(cc.auth().active_session().is_none());

    // The new account signs in with its password.
    let session = h
        .client()
        .auth()
        .create_session(Some(Credentials::login("marvin18", PASSWORD)))
        .await
        .unwrap();
    assert_eq!(session.user_id, Some(user.id));
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_with_a_session_uses_it() {
    let h = Harness::start().await;
    let cc = h.client();
    let app = cc.auth().create_session(None).await.unwrap();
    let user = cc
        .users()
        .sign_up(NewUser::with_email("dacia_k@example.com", PASSWORD))
        .await
        .unwrap();
    assert_eq!(user.email.as_deref(), Some("dacia_k@example.com"));
    assert_eq!(h.count("POST /session").await, 1, "no second session");
    // The session is still the application session: signing up does not sign in.
    let active = cc.auth().active_session().unwrap();
    assert_eq!(active.token, app.token);
    assert_eq!(active.user_id, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_login_is_a_validation_error() {
    let h = Harness::start().await;
    let users = h.client().users();
    users.sign_up(NewUser::with_login("marvin18", PASSWORD)).await.unwrap();
    let error = users
        .sign_up(NewUser::with_login("marvin18", "anotherpassword"))
        .await
        .unwrap_err();
    match &error {
        Error::Validation { messages, .. } => {
            assert!(messages.iter().any(|m| m == "login must be unique"), "{messages:?}");
        }
        other => panic!("expected Error::Validation, got {other:?}"),
    }
    assert_eq!(error.status(), Some(422));
    assert_eq!(error.code(), "login_taken");
    assert_eq!(h.count("POST /users").await, 2, "a refused sign-up is not repeated");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_sign_up_is_refused_locally_without_a_request() {
    let h = Harness::start().await;
    let users = h.client().users();
    let no_password = NewUser {
        fields: UserFields {
            login: Some("marvin18".into()),
            ..UserFields::default()
        },
    };
    let error = users.sign_up(no_password).await.unwrap_err();
    assert!(
        matches!(&error, Error::InvalidInput(m) if m.contains("password")),
        "{error:?}"
    );
    let short_login = users.sign_up(NewUser::with_login("jo", PASSWORD)).await.unwrap_err();
    assert!(matches!(short_login, Error::InvalidInput(_)), "{short_login:?}");
    let no_login = users.sign_up(NewUser::default()).await.unwrap_err();
    assert!(matches!(no_login, Error::InvalidInput(_)), "{no_login:?}");
    assert_eq!(error.status(), None);
    assert_eq!(h.total_requests().await, 0, "nothing reached the server");
}

// ---------------------------------------------------------------------------------------
// Profile, password, deletion, reset

#[tokio::test(flavor = "multi_thread")]
async fn update_changes_profile_fields_and_tags() {
    let h = Harness::start().await;
    let (cc, me) = signed_in(&h, "marvin18").await;
    let updated = cc
        .users()
        .update(UserUpdate {
            fields: UserFields {
                full_name: Some("Marvin the Android".into()),
                phone: Some("+100200".into()),
                website: Some("https://hhgttg.example".into()),
                custom_data: Some("{\"mood\":\"low\"}".into()),
                tags: Some(vec!["robot".into(), "depressed".into()]),
                ..UserFields::default()
            },
            ..UserUpdate::default()
        })
        .await
        .unwrap();
    assert_eq!(updated.id, me.id);
    assert_eq!(updated.full_name.as_deref(), Some("Marvin the Android"));
    assert_eq!(updated.phone.as_deref(), Some("+100200"));
    assert_eq!(updated.website.as_deref(), Some("https://hhgttg.example"));
    assert_eq!(updated.custom_data.as_deref(), Some("{\"mood\":\"low\"}"));
    assert_eq!(updated.tags, ["robot", "depressed"]);
    assert_eq!(updated.login.as_deref(), Some("marvin18"), "untouched fields stay");
    // The session's copy of the user follows.
    let session_user = cc.auth().active_session().unwrap().user.unwrap();
    assert_eq!(session_user.full_name.as_deref(), Some("Marvin the Android"));
    // Others see the change.
    let seen = h.client().users().get(me.id).await.unwrap();
    assert_eq!(seen.tags, ["robot", "depressed"]);
    assert_eq!(seen.full_name.as_deref(), Some("Marvin the Android"));

    // Tags replace the whole list; an empty list clears them.
    let cleared = cc
        .users()
        .update(UserUpdate {
            fields: UserFields {
                tags: Some(vec![]),
                ..UserFields::default()
            },
            ..UserUpdate::default()
        })
        .await
        .unwrap();
    assert!(cleared.tags.is_empty(), "{:?}", cleared.tags);
}

#[tokio::test(flavor = "multi_thread")]
async fn update_to_a_taken_login_is_a_validation_error() {
    let h = Harness::start().await;
    h.client()
        .users()
        .sign_up(NewUser::with_login("taken01", PASSWORD))
        .await
        .unwrap();
    let (cc, _) = signed_in(&h, "marvin18").await;
    let mut update = UserUpdate::default();
    update.fields.login = Some("taken01".into());
    let error = cc.users().update(update).await.unwrap_err();
    assert!(
        matches!(&error, Error::Validation { messages, .. } if messages.iter().any(|m| m == "login must be unique")),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn password_change_takes_effect() {
    let h = Harness::start().await;
    let (cc, me) = signed_in(&h, "marvin18").await;
    cc.users()
        .update(UserUpdate::default().change_password(PASSWORD, "brand-new-pass"))
        .await
        .unwrap();

    let with_new = h
        .client()
        .auth()
        .create_session(Some(Credentials::login("marvin18", "brand-new-pass")))
        .await
        .unwrap();
    assert_eq!(with_new.user_id, Some(me.id));
    let with_old = h
        .client()
        .auth()
        .create_session(Some(Credentials::login("marvin18", PASSWORD)))
        .await
        .unwrap_err();
    assert!(matches!(with_old, Error::Api { status: 401, .. }), "{with_old:?}");

    // A wrong current password is refused by the server, field by field.
    let error = cc
        .users()
        .update(UserUpdate::default().change_password("not-the-password", "another-pass-1"))
        .await
        .unwrap_err();
    let fields = error.field_errors().unwrap();
    assert!(fields.contains_key("old_password"), "{error:?}");
    assert!(matches!(error, Error::Validation { .. }));
}

#[tokio::test(flavor = "multi_thread")]
async fn update_without_a_user_session_is_session_expired() {
    let h = Harness::start().await;
    // No session at all: nothing is sent.
    let cc = h.client();
    let error = cc.users().update(full_name("Nobody")).await.unwrap_err();
    assert_eq!(error, Error::SessionExpired);
    assert_eq!(h.total_requests().await, 0);

    // An application session is not enough either.
    cc.auth().create_session(None).await.unwrap();
    let error = cc.users().update(full_name("Nobody")).await.unwrap_err();
    assert_eq!(error, Error::SessionExpired);
    assert_eq!(h.count("PUT /users/{id}").await, 0);

    // An invalid update is refused locally before the session is even looked at.
    let error = cc.users().update(UserUpdate::default()).await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_me_removes_the_account_and_ends_the_session() {
    let h = Harness::start().await;
    let (cc, me) = signed_in(&h, "marvin18").await;
    let token = cc.auth().token().unwrap();
    cc.users().delete_me().await.unwrap();
    assert!(cc.auth().active_session().is_none());
    assert!(!h.token_alive(token.expose()).await);

    let other = h.client().users();
    let error = other.get(me.id).await.unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
    assert_eq!(error.status(), Some(404));
    let error = other.get_by_login("marvin18").await.unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
    // The login is free again.
    other.sign_up(NewUser::with_login("marvin18", PASSWORD)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_by_external_id_removes_the_signed_in_user() {
    let h = Harness::start().await;
    let created = h
        .client()
        .users()
        .sign_up(new_user(
            "marvin18",
            UserFields {
                external_id: Some("ext-42".into()),
                ..UserFields::default()
            },
        ))
        .await
        .unwrap();
    let (cc, me) = signed_in(&h, "marvin18").await;
    assert_eq!(me.id, created.id);
    assert!(matches!(
        cc.users().delete_by_external_id("a/b").await,
        Err(Error::InvalidInput(_))
    ));
    cc.users().delete_by_external_id("ext-42").await.unwrap();
    assert!(cc.auth().active_session().is_none());
    let error = h.client().users().get_by_external_id("ext-42").await.unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
    assert!(matches!(
        h.client().users().get(me.id).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_by_external_id_of_someone_else_is_forbidden() {
    let h = Harness::start().await;
    let victim = h
        .client()
        .users()
        .sign_up(new_user(
            "victim01",
            UserFields {
                external_id: Some("ext-victim".into()),
                ..UserFields::default()
            },
        ))
        .await
        .unwrap();
    let (cc, _) = signed_in(&h, "marvin18").await;
    let error = cc.users().delete_by_external_id("ext-victim").await.unwrap_err();
    assert!(matches!(error, Error::Forbidden { .. }), "{error:?}");
    assert!(
        cc.auth().active_session().is_some(),
        "a refused delete keeps the session"
    );
    h.client().users().get(victim.id).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_password_sends_the_mail() {
    let h = Harness::start().await;
    let user = h
        .client()
        .users()
        .sign_up(NewUser::with_email("dacia_k@example.com", PASSWORD))
        .await
        .unwrap();
    let cc = h.client();
    cc.users().reset_password("dacia_k@example.com").await.unwrap();
    let outbox = h.outbox().await;
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    assert_eq!(outbox[0]["to"], "dacia_k@example.com");
    assert_eq!(outbox[0]["user_id"].as_u64(), Some(user.id));
    assert_eq!(h.count("GET /users/password/reset").await, 1);

    // An unknown address answers the same and sends nothing.
    cc.users().reset_password("nobody@example.com").await.unwrap();
    assert_eq!(h.outbox().await.len(), 1);
    // Not an address at all: refused locally.
    let before = h.total_requests().await;
    let error = cc.users().reset_password("not-an-address").await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    assert_eq!(h.total_requests().await, before);
}
