//! Sessions through `cc.auth()` against the in-process emulator: every way to create one,
//! sign in and out on a session, inspect, destroy, delete, inject.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing")]

mod common;

use common::Harness;
use connectycube::{Credentials, Error};
use serde_json::json;

const PASSWORD: &str = "supersecurepwd";

#[tokio::test(flavor = "multi_thread")]
async fn app_session_has_a_token_and_no_user() {
    let h = Harness::start().await;
    let cc = h.client();
    assert!(cc.auth().active_session().is_none());
    assert!(cc.auth().token().is_none());
    assert!(!cc.is_session_valid());

    let session = cc.auth().create_session(None).await.unwrap();
    assert!(!session.token.is_empty());
    assert_eq!(session.user_id, None);
    assert!(session.user.is_none());
    assert!(!session.is_user_session());
    assert!(session.session_id.is_some());
    assert!(
        session.expires_at.is_some(),
        "the expiry comes from CB-Token-ExpirationDate"
    );
    assert!(cc.is_session_valid());
    assert!(cc.auth().is_session_valid());
    assert_eq!(cc.auth().active_session(), Some(session.clone()));
    assert_eq!(cc.session(), Some(session.clone()));
    assert_eq!(cc.auth().token().unwrap().expose(), session.token.expose());
    // The server knows the token as an application session.
    let on_server = h.raw("GET", "/session", Some(session.token.expose()), None).await;
    assert_eq!(on_server.status, 200);
    assert!(on_server.json["session"]["user_id"].is_null());
    assert_eq!(h.count("POST /session").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn user_session_by_login_creates_the_user_on_first_use() {
    let h = Harness::start().await;
    let cc = h.client();
    let session = cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", PASSWORD)))
        .await
        .unwrap();
    let user = session.user.clone().expect("a user session carries its user");
    assert_eq!(user.login.as_deref(), Some("marvin18"));
    assert_eq!(session.user_id, Some(user.id));
    assert!(session.is_user_session());
    assert!(cc.is_session_valid());
    assert_eq!(cc.auth().active_session().unwrap().user_id, Some(user.id));

    // Signing in again reaches the same user.
    let again = h
        .client()
        .auth()
        .create_session(Some(Credentials::login("marvin18", PASSWORD)))
        .await
        .unwrap();
    assert_eq!(again.user_id, Some(user.id));
    assert_ne!(again.token, session.token, "every session has its own token");
}

#[tokio::test(flavor = "multi_thread")]
async fn user_session_by_email() {
    let h = Harness::start().await;
    let cc = h.client();
    let session = cc
        .auth()
        .create_session(Some(Credentials::email("dacia_k@example.com", PASSWORD)))
        .await
        .unwrap();
    let user = session.user.unwrap();
    assert_eq!(user.email.as_deref(), Some("dacia_k@example.com"));
    assert_eq!(session.user_id, Some(user.id));

    let again = h
        .client()
        .auth()
        .create_session(Some(Credentials::email("dacia_k@example.com", PASSWORD)))
        .await
        .unwrap();
    assert_eq!(again.user_id, Some(user.id));
}

#[tokio::test(flavor = "multi_thread")]
async fn guest_session_creates_a_guest_user() {
    let h = Harness::start().await;
    let cc = h.client();
    let session = cc
        .auth()
        .create_session(Some(Credentials::Guest {
            full_name: Some("Olof Shodger".into()),
        }))
        .await
        .unwrap();
    let user = session.user.unwrap();
    assert_eq!(user.is_guest, Some(true));
    assert_eq!(user.full_name.as_deref(), Some("Olof Shodger"));
    assert_eq!(session.user_id, Some(user.id));
    // The guest is a real user of the app: others can look it up.
    let found = h.client().users().get(user.id).await.unwrap();
    assert_eq!(found.is_guest, Some(true));
}

#[tokio::test(flavor = "multi_thread")]
async fn custom_identity_provider_token_signs_in_as_the_external_user() {
    let h = Harness::start().await;
    h.register_identity(
        json!({"provider": "custom", "token": "cidp-token-1", "uid": "ext-uid-1", "full_name": "Ext User"}),
    )
    .await;
    let cc = h.client();
    let session = cc
        .auth()
        .create_session(Some(Credentials::CustomIdentityProvider {
            token: "cidp-token-1".into(),
        }))
        .await
        .unwrap();
    let user = session.user.unwrap();
    assert_eq!(user.external_id.as_deref(), Some("ext-uid-1"));
    assert_eq!(user.full_name.as_deref(), Some("Ext User"));
    // The same token later reaches the same user.
    let again = h
        .client()
        .auth()
        .create_session(Some(Credentials::CustomIdentityProvider {
            token: "cidp-token-1".into(),
        }))
        .await
        .unwrap();
    assert_eq!(again.user_id, Some(user.id));
}

#[tokio::test(flavor = "multi_thread")]
async fn facebook_and_twitter_sessions() {
    let h = Harness::start().await;
    h.register_identity(
        json!({"provider": "facebook", "token": "fb-access", "uid": "91234409", "full_name": "Face Book"}),
    )
    .await;
    h.register_identity(
        json!({"provider": "twitter", "token": "tw-token", "secret": "tw-secret", "uid": "83510562734"}),
    )
    .await;

    let facebook = h
        .client()
        .auth()
        .create_session(Some(Credentials::Facebook {
            access_token: "fb-access".into(),
        }))
        .await
        .unwrap();
    let fb_user = facebook.user.unwrap();
    assert_eq!(fb_user.facebook_id.as_deref(), Some("91234409"));
    assert_eq!(fb_user.full_name.as_deref(), Some("Face Book"));
    assert_eq!(facebook.user_id, Some(fb_user.id));

    let twitter = h
        .client()
        .auth()
        .create_session(Some(Credentials::Twitter {
            access_token: "tw-token".into(),
            access_token_secret: "tw-secret".into(),
        }))
        .await
        .unwrap();
    let tw_user = twitter.user.unwrap();
    assert_eq!(tw_user.twitter_id.as_deref(), Some("83510562734"));
    assert_ne!(tw_user.id, fb_user.id);

    // A wrong Twitter secret is refused like an unknown token.
    let error = h
        .client()
        .auth()
        .create_session(Some(Credentials::Twitter {
            access_token: "tw-token".into(),
            access_token_secret: "wrong".into(),
        }))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401), "{error:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn firebase_phone_and_email_sessions() {
    let h = Harness::start().await;
    h.register_identity(json!({"provider": "firebase_phone", "token": "fb-phone-id-token", "uid": "+15550001111", "project_id": "my-project"}))
        .await;
    h.register_identity(json!({"provider": "firebase_email", "token": "fb-email-id-token", "uid": "firebase-uid-7", "email": "fire@example.com", "project_id": "my-project"}))
        .await;

    let phone = h
        .client()
        .auth()
        .create_session(Some(Credentials::FirebasePhone {
            project_id: "my-project".into(),
            access_token: "fb-phone-id-token".into(),
        }))
        .await
        .unwrap();
    let phone_user = phone.user.unwrap();
    assert_eq!(phone_user.phone.as_deref(), Some("+15550001111"));

    let email = h
        .client()
        .auth()
        .create_session(Some(Credentials::FirebaseEmail {
            project_id: "my-project".into(),
            access_token: "fb-email-id-token".into(),
        }))
        .await
        .unwrap();
    let email_user = email.user.unwrap();
    assert_eq!(email_user.email.as_deref(), Some("fire@example.com"));
    assert_ne!(email_user.id, phone_user.id);

    // The token of another Firebase project is refused.
    let error = h
        .client()
        .auth()
        .create_session(Some(Credentials::FirebasePhone {
            project_id: "other-project".into(),
            access_token: "fb-phone-id-token".into(),
        }))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401), "{error:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_provider_token_is_refused_with_401() {
    let h = Harness::start().await;
    let cc = h.client();
    let error = cc
        .auth()
        .create_session(Some(Credentials::Facebook {
            access_token: "nobody-registered-this".into(),
        }))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401), "{error:?}");
    assert!(matches!(error, Error::Api { status: 401, .. }), "{error:?}");
    assert!(
        cc.auth().active_session().is_none(),
        "a refused sign-in installs nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_is_an_api_401_with_the_servers_message() {
    let h = Harness::start().await;
    h.raw_login("marvin18", PASSWORD).await;
    let cc = h.client();
    let error = cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", "not-the-password")))
        .await
        .unwrap_err();
    match &error {
        Error::Api { status, messages, .. } => {
            assert_eq!(*status, 401);
            assert_eq!(messages, &["Invalid password".to_owned()]);
        }
        other => panic!("expected Error::Api 401, got {other:?}"),
    }
    assert_eq!(error.code(), "invalid_credentials");
    assert!(error.to_string().contains("Invalid password"), "{error}");
    assert!(cc.auth().active_session().is_none());
    // The password is not echoed anywhere in the error.
    assert!(!format!("{error:?}").contains("not-the-password"));
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_upgrades_the_app_session_and_keeps_the_token() {
    let h = Harness::start().await;
    let (_, _, user_id) = h.raw_login("marvin18", PASSWORD).await;
    let cc = h.client();
    let app = cc.auth().create_session(None).await.unwrap();
    assert_eq!(app.user_id, None);

    let user = cc
        .auth()
        .sign_in(Credentials::login("marvin18", PASSWORD))
        .await
        .unwrap();
    assert_eq!(user.id, user_id);
    assert_eq!(user.login.as_deref(), Some("marvin18"));
    let now = cc.auth().active_session().unwrap();
    assert_eq!(now.user_id, Some(user_id));
    assert_eq!(now.user.as_ref().map(|u| u.id), Some(user_id));
    assert_eq!(now.token, app.token, "POST /login keeps the token");
    assert_eq!(h.count("POST /login").await, 1);
    // The server sees the token as a user session now.
    let on_server = h.raw("GET", "/session", Some(app.token.expose()), None).await;
    assert_eq!(on_server.json["session"]["user_id"].as_u64(), Some(user_id));
    // And user-only calls work on it.
    let updated = cc
        .users()
        .update(connectycube::UserUpdate {
            fields: connectycube::UserFields {
                full_name: Some("Marvin".into()),
                ..Default::default()
            },
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(updated.full_name.as_deref(), Some("Marvin"));
    assert_eq!(
        h.count("POST /session").await,
        2,
        "the raw one and the app session, nothing more"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_without_a_session_creates_one_first() {
    let h = Harness::start().await;
    h.raw_login("marvin18", PASSWORD).await;
    let cc = h.client();
    let user = cc
        .auth()
        .sign_in(Credentials::login("marvin18", PASSWORD))
        .await
        .unwrap();
    assert_eq!(cc.auth().active_session().unwrap().user_id, Some(user.id));
    assert_eq!(
        h.count("POST /session").await,
        2,
        "the raw session and the SDK's app session"
    );
    assert_eq!(h.count("POST /login").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_with_a_wrong_password_keeps_the_app_session() {
    let h = Harness::start().await;
    h.raw_login("marvin18", PASSWORD).await;
    let cc = h.client();
    let app = cc.auth().create_session(None).await.unwrap();
    let error = cc
        .auth()
        .sign_in(Credentials::login("marvin18", "wrong-password"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401), "{error:?}");
    let now = cc.auth().active_session().unwrap();
    assert_eq!(now.token, app.token);
    assert_eq!(now.user_id, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_with_facebook_on_an_app_session() {
    let h = Harness::start().await;
    h.register_identity(json!({"provider": "facebook", "token": "fb-access", "uid": "555"}))
        .await;
    let cc = h.client();
    cc.auth().create_session(None).await.unwrap();
    let user = cc
        .auth()
        .sign_in(Credentials::Facebook {
            access_token: "fb-access".into(),
        })
        .await
        .unwrap();
    assert_eq!(user.facebook_id.as_deref(), Some("555"));
    assert_eq!(cc.auth().active_session().unwrap().user_id, Some(user.id));
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_out_drops_the_user_and_keeps_the_token() {
    let h = Harness::start().await;
    let cc = h.client();
    let session = cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", PASSWORD)))
        .await
        .unwrap();
    cc.auth().sign_out().await.unwrap();
    let now = cc.auth().active_session().unwrap();
    assert_eq!(now.user_id, None);
    assert!(now.user.is_none());
    assert_eq!(now.token, session.token);
    assert!(cc.is_session_valid());
    let on_server = h.raw("GET", "/session", Some(session.token.expose()), None).await;
    assert_eq!(on_server.status, 200);
    assert!(on_server.json["session"]["user_id"].is_null());
    // User-only calls now fail locally instead of running as nobody.
    let error = cc
        .users()
        .update(connectycube::UserUpdate {
            fields: connectycube::UserFields {
                full_name: Some("x".into()),
                ..Default::default()
            },
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(error, Error::SessionExpired);
    // Reads still work on the application session.
    cc.users().get(session.user_id.unwrap()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_out_without_a_session_is_a_no_op() {
    let h = Harness::start().await;
    let cc = h.client();
    cc.auth().sign_out().await.unwrap();
    assert!(cc.auth().active_session().is_none());
    assert_eq!(h.total_requests().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn get_session_returns_the_servers_view() {
    let h = Harness::start().await;
    let cc = h.client();
    let active = cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", PASSWORD)))
        .await
        .unwrap();
    let session = cc.auth().get_session().await.unwrap();
    assert_eq!(session.token, active.token);
    assert_eq!(Some(session.id), active.session_id);
    assert_eq!(session.user_id, active.user_id);
    assert_eq!(session.application_id, Some(common::APP_ID));
    assert!(session.has_user());
    assert_eq!(session.user.as_ref().and_then(|u| u.login.as_deref()), Some("marvin18"));

    // Without any session, get_session creates an application session first.
    let fresh = h.client();
    let app = fresh.auth().get_session().await.unwrap();
    assert_eq!(app.user_id, None);
    assert!(!app.has_user());
    assert_eq!(fresh.auth().token().unwrap(), app.token);
}

#[tokio::test(flavor = "multi_thread")]
async fn destroy_session_ends_it_here_and_on_the_server() {
    let h = Harness::start().await;
    let cc = h.client();
    let session = cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", PASSWORD)))
        .await
        .unwrap();
    assert!(h.token_alive(session.token.expose()).await);
    cc.auth().destroy_session().await.unwrap();
    assert!(cc.auth().active_session().is_none());
    assert!(cc.auth().token().is_none());
    assert!(!cc.is_session_valid());
    assert!(!h.token_alive(session.token.expose()).await, "the old token is dead");
    let dead = h.raw("GET", "/users/1", Some(session.token.expose()), None).await;
    assert_eq!(dead.status, 401);
    assert_eq!(h.count("DELETE /session").await, 1);
    // Destroying again (nothing left) sends nothing.
    cc.auth().destroy_session().await.unwrap();
    assert_eq!(h.count("DELETE /session").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_session_ends_another_session_of_the_same_user() {
    let h = Harness::start().await;
    let (other_token, other_id, user_id) = h.raw_login("marvin18", PASSWORD).await;
    let cc = h.client();
    let mine = cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", PASSWORD)))
        .await
        .unwrap();
    assert_eq!(mine.user_id, Some(user_id));
    assert_ne!(mine.session_id, Some(other_id));

    cc.auth().delete_session(other_id).await.unwrap();
    assert!(!h.token_alive(&other_token).await, "the other device's token is dead");
    assert!(h.token_alive(mine.token.expose()).await, "this device's token lives on");
    assert_eq!(cc.auth().active_session().unwrap().token, mine.token);

    // An id that is none of the user's sessions.
    let error = cc.auth().delete_session(1).await.unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_other_sessions_keeps_only_this_one() {
    let h = Harness::start().await;
    let (first, _, _) = h.raw_login("marvin18", PASSWORD).await;
    let (second, _, _) = h.raw_login("marvin18", PASSWORD).await;
    let (stranger, _, _) = h.raw_login("someone_else", PASSWORD).await;
    let cc = h.client();
    let mine = cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", PASSWORD)))
        .await
        .unwrap();
    cc.auth().delete_other_sessions().await.unwrap();
    assert!(!h.token_alive(&first).await);
    assert!(!h.token_alive(&second).await);
    assert!(h.token_alive(mine.token.expose()).await);
    assert!(h.token_alive(&stranger).await, "other users' sessions are untouched");
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_other_sessions_needs_a_user() {
    let h = Harness::start().await;
    let cc = h.client();
    cc.auth().create_session(None).await.unwrap();
    let error = cc.auth().delete_other_sessions().await.unwrap_err();
    assert_eq!(error, Error::SessionExpired);
    assert_eq!(h.count("DELETE /session/list").await, 0, "refused before sending");
}

#[tokio::test(flavor = "multi_thread")]
async fn set_session_uses_a_token_obtained_elsewhere() {
    let h = Harness::start().await;
    let (token, _, user_id) = h.raw_login("marvin18", PASSWORD).await;
    let cc = h.client();
    cc.auth().set_session(token.clone(), None, Some(user_id));
    assert_eq!(cc.auth().token().unwrap().expose(), token);
    assert!(cc.is_session_valid(), "an unknown expiry is trusted");
    let active = cc.auth().active_session().unwrap();
    assert_eq!(active.user_id, Some(user_id));
    assert_eq!(active.expires_at, None);

    // Reads and user writes go out with the injected token; no session is created.
    let me = cc.users().get(user_id).await.unwrap();
    assert_eq!(me.login.as_deref(), Some("marvin18"));
    let updated = cc
        .users()
        .update(connectycube::UserUpdate {
            fields: connectycube::UserFields {
                full_name: Some("Injected".into()),
                ..Default::default()
            },
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(updated.full_name.as_deref(), Some("Injected"));
    assert_eq!(h.count("POST /session").await, 1, "only the raw one");
    let session = cc.auth().get_session().await.unwrap();
    assert_eq!(session.token.expose(), token);
    assert!(
        cc.auth().active_session().unwrap().expires_at.is_some(),
        "a successful call teaches the expiry"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn set_session_with_an_app_token() {
    let h = Harness::start().await;
    let (_, _, user_id) = h.raw_login("marvin18", PASSWORD).await;
    let app = h.raw_session(None).await;
    let token = app["token"].as_str().unwrap().to_owned();
    let cc = h.client();
    cc.auth().set_session(token.as_str(), None, None);
    let user = cc.users().get(user_id).await.unwrap();
    assert_eq!(user.id, user_id);
    assert_eq!(cc.auth().token().unwrap().expose(), token);
    assert_eq!(h.count("POST /session").await, 2, "the two raw sessions only");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_app_session_does_not_replace_a_live_user_session() {
    let h = Harness::start().await;
    let cc = h.client();
    let user = cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", PASSWORD)))
        .await
        .unwrap();
    let app = cc.auth().create_session(None).await.unwrap();
    assert_eq!(app.user_id, None);
    assert_ne!(app.token, user.token);
    let active = cc.auth().active_session().unwrap();
    assert_eq!(active.token, user.token);
    assert_eq!(active.user_id, user.user_id);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_user_session_replaces_the_previous_one() {
    let h = Harness::start().await;
    let cc = h.client();
    let first = cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", PASSWORD)))
        .await
        .unwrap();
    let second = cc
        .auth()
        .create_session(Some(Credentials::login("zaphod42", PASSWORD)))
        .await
        .unwrap();
    assert_ne!(first.user_id, second.user_id);
    let active = cc.auth().active_session().unwrap();
    assert_eq!(active.token, second.token);
    assert_eq!(active.user_id, second.user_id);
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_as_a_guest_is_refused_before_sending() {
    let h = Harness::start().await;
    let cc = h.client();
    let error = cc
        .auth()
        .sign_in(Credentials::Guest {
            full_name: Some("Olof".into()),
        })
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    assert_eq!(
        h.total_requests().await,
        0,
        "nothing is sent for a sign-in that cannot work"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_the_current_session_by_id_forgets_it() {
    let h = Harness::start().await;
    let cc = h.client();
    let mine = cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", PASSWORD)))
        .await
        .unwrap();
    cc.auth().delete_session(mine.session_id.unwrap()).await.unwrap();
    assert!(!h.token_alive(mine.token.expose()).await);
    assert!(
        cc.auth().active_session().is_none(),
        "the client must not keep a token it just ended"
    );
    assert!(!cc.is_session_valid());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_ended_from_another_device_fails_as_session_expired() {
    let h = Harness::start().await;
    // Both keep their sign-in (the default): it renews an expired session, but a session
    // ended on purpose is not signed back in behind the user's back.
    let phone = h.client();
    let laptop = h.client();
    for cc in [&phone, &laptop] {
        cc.auth()
            .create_session(Some(Credentials::login("marvin18", PASSWORD)))
            .await
            .unwrap();
    }
    laptop.auth().delete_other_sessions().await.unwrap();
    let posts = h.count("POST /session").await;

    // The phone's next call finds its token gone long before its expiry; it reports the
    // session's end instead of signing in again or carrying on as an application session.
    let error = phone.auth().get_session().await.unwrap_err();
    assert_eq!(error, Error::SessionExpired);
    assert_eq!(
        h.count("POST /session").await,
        posts,
        "no application session in its place"
    );
    assert!(!phone.is_session_valid());
    laptop.auth().get_session().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn destroying_a_session_the_server_already_dropped_creates_nothing() {
    let h = Harness::start().await;
    let app = h.raw_session(None).await;
    let token = app["token"].as_str().unwrap().to_owned();
    h.raw("DELETE", "/session", Some(&token), None).await;
    let cc = h.client();
    cc.auth().set_session(token.as_str(), None, None);
    cc.auth().destroy_session().await.unwrap();
    assert!(cc.auth().active_session().is_none());
    assert_eq!(
        h.count("POST /session").await,
        1,
        "only the raw session: nothing created to be destroyed"
    );
    assert_eq!(h.count("DELETE /session").await, 2, "the raw delete and one attempt");
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_and_sign_in_in_one_call() {
    let h = Harness::start().await;
    let cc = h.client();
    let (user, session) = cc
        .auth()
        .sign_up_and_sign_in(connectycube::NewUser::with_login("both_at_once", "password1"))
        .await
        .unwrap();
    assert_eq!(session.user_id, Some(user.id));
    assert_eq!(cc.auth().active_session().unwrap().user_id, Some(user.id));
    let error = cc
        .auth()
        .sign_up_and_sign_in(connectycube::NewUser::default())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "invalid_input");
}
