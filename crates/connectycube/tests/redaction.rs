//! Secrets never reach the logs nor any `Debug`/`Display` output: a full flow against the
//! emulator with canary values (auth secret, auth key, passwords), every tracing event
//! captured at TRACE, then searched for the canaries and every session token seen.
//!
//! The subscriber is the process-wide default (this file is its own test binary and holds
//! a single test), so events from every thread are captured: the SDK renews sessions in
//! spawned tasks, which a thread-local `set_default` would miss on a multi-thread runtime.

#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing")]

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use connectycube::{
    ConnectyCube, Credentials, Error, NewUser, Pagination, SearchField, Upload, UserFields, UserSearch, UserUpdate,
};
use connectycube_emulator::{Emulator, EmulatorConfig};
use connectycube_transport::{
    HttpRequest, HttpResponse, Method, RequestBody, ReqwestTransport, Transport, TransportConfig,
};
use tracing_subscriber::fmt::MakeWriter;

const AUTH_SECRET: &str = "CANARY-SECRET-5a1d93e0c7";
const AUTH_KEY: &str = "CANARY-AUTHKEY-0e4b7f21";
const PASSWORD: &str = "CANARY-PASSWORD-3f9c2b8a";
const NEW_PASSWORD: &str = "CANARY-PASSWORD-NEW-7d41e6";
const WRONG_PASSWORD: &str = "CANARY-PASSWORD-WRONG-91ab";

/// Every canary shares this prefix: the log must not contain it at all.
const CANARY: &str = "CANARY";

/// The captured log: every formatted event, in order.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn install_subscriber() -> Captured {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_target(true)
        .with_thread_names(true)
        .with_writer(captured.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    captured
}

/// What the flow saw: tokens, and the `Debug`/`Display` renderings to search.
#[derive(Default)]
struct Seen {
    tokens: BTreeSet<String>,
    renderings: Vec<(String, String)>,
}

impl Seen {
    fn token_of(&mut self, cc: &ConnectyCube) {
        if let Some(token) = cc.auth().token() {
            assert!(!token.expose().is_empty());
            self.tokens.insert(token.expose().to_owned());
        }
        if let Some(session) = cc.session() {
            self.tokens.insert(session.token.expose().to_owned());
            self.debug("ActiveSession", &session);
        }
        self.debug("ConnectyCube", cc);
    }

    fn debug(&mut self, what: &str, value: &dyn std::fmt::Debug) {
        self.renderings.push((what.to_owned(), format!("{value:?}")));
        self.renderings
            .push((format!("{what} (pretty)"), format!("{value:#?}")));
    }

    fn error(&mut self, what: &str, error: &Error) {
        self.debug(what, error);
        self.renderings.push((format!("{what} (Display)"), error.to_string()));
    }
}

async fn control(http: &ReqwestTransport, base: &str, method: Method, path: &str, body: Option<&str>) -> HttpResponse {
    let mut request = HttpRequest::new(method, format!("{base}/__emulator/{path}"));
    if let Some(body) = body {
        request.body = RequestBody::Json(Bytes::from(body.to_owned()));
    }
    let response = http.send(request).await.unwrap();
    assert!(response.status.is_success(), "control {path}: {}", response.status);
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_secret_reaches_logs_or_debug_output() {
    let log = install_subscriber();
    let emulator = Emulator::start(EmulatorConfig {
        auth_key: AUTH_KEY.to_owned(),
        auth_secret: AUTH_SECRET.to_owned(),
        // Every session must be signed: proves the client signs with the canary secret.
        require_signature: true,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let base = emulator.url().to_owned();
    let http = ReqwestTransport::new(TransportConfig::default()).unwrap();
    let mut seen = Seen::default();

    let cc = ConnectyCube::builder(emulator.config().app_id, AUTH_KEY)
        .auth_secret(AUTH_SECRET)
        .api_endpoint(&base)
        .retain_credentials(true)
        .build()
        .unwrap();
    seen.debug("ConnectyCube (new)", &cc);

    // A sign-up refused locally (validation) and one refused by the server (duplicate).
    let mut bad = NewUser::with_login("redaction_user", PASSWORD);
    bad.fields.email = Some("not-an-address".into());
    seen.debug("NewUser (invalid)", &bad);
    let error = cc.users().sign_up(bad).await.unwrap_err();
    assert_eq!(error.code(), "invalid_input", "{error}");
    seen.error("Error (local validation)", &error);

    // Sign up.
    let mut new_user = NewUser::with_login("redaction_user", PASSWORD);
    new_user.fields.email = Some("redaction@example.com".into());
    new_user.fields.full_name = Some("Redaction Test".into());
    new_user.fields.tags = Some(vec!["redaction".into(), "canary-free".into()]);
    new_user.fields.custom_data = Some(r#"{"k":"v"}"#.into());
    seen.debug("NewUser", &new_user);
    let user = cc.users().sign_up(new_user.clone()).await.unwrap();
    let error = cc.users().sign_up(new_user).await.unwrap_err();
    assert_eq!(error.code(), "login_taken", "{error}");
    seen.error("Error (duplicate sign-up)", &error);

    // A signed user session.
    let credentials = Credentials::login("redaction_user", PASSWORD);
    seen.debug("Credentials", &credentials);
    let session = cc.auth().create_session(Some(credentials)).await.unwrap();
    assert_eq!(session.user_id, Some(user.id));
    seen.debug("ActiveSession (created)", &session);
    seen.token_of(&cc);

    // The server forgets the session (3 h later): the SDK renews it with the retained
    // credentials in a spawned task, re-signing once the server's clock is learnt.
    control(&http, &base, Method::POST, "clock", Some(r#"{"advance_secs":10800}"#)).await;
    let renewed = cc.users().get_by_login("redaction_user").await.unwrap();
    assert_eq!(renewed.id, user.id);
    let me = cc
        .users()
        .update(UserUpdate {
            fields: UserFields {
                website: Some("https://example.com".into()),
                ..UserFields::default()
            },
            ..UserUpdate::default()
        })
        .await
        .unwrap();
    assert_eq!(me.id, user.id);
    seen.token_of(&cc);

    // Update with a password change; first with a wrong current password.
    let wrong_old = UserUpdate::default().change_password(WRONG_PASSWORD, NEW_PASSWORD);
    seen.debug("UserUpdate (wrong old)", &wrong_old);
    let error = cc.users().update(wrong_old).await.unwrap_err();
    assert_eq!(error.code(), "validation", "{error}");
    seen.error("Error (wrong old password)", &error);
    let no_old = UserUpdate {
        fields: UserFields {
            password: Some(NEW_PASSWORD.into()),
            ..UserFields::default()
        },
        ..UserUpdate::default()
    };
    seen.debug("UserUpdate (no old)", &no_old);
    let error = cc.users().update(no_old).await.unwrap_err();
    assert_eq!(error.code(), "invalid_input", "{error}");
    seen.error("Error (password without the old one)", &error);
    let update = UserUpdate {
        fields: UserFields {
            full_name: Some("Redaction Test Updated".into()),
            tags: Some(vec!["redaction".into(), "updated".into()]),
            ..UserFields::default()
        },
        ..UserUpdate::default()
    }
    .change_password(PASSWORD, NEW_PASSWORD);
    seen.debug("UserUpdate", &update);
    let updated = cc.users().update(update).await.unwrap();
    assert_eq!(updated.full_name.as_deref(), Some("Redaction Test Updated"));
    seen.token_of(&cc);

    // Searches.
    let found = cc.users().get_by_login("redaction_user").await.unwrap();
    assert_eq!(found.id, user.id);
    let page = cc
        .users()
        .search(
            UserSearch::new()
                .is_in(SearchField::UserTags, ["redaction"])
                .paginate(Pagination::new(0, 1)),
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let error = cc
        .users()
        .search(UserSearch::new().start_with(SearchField::FullName, "Re"))
        .await
        .unwrap_err();
    seen.error("Error (invalid search)", &error);
    let error = cc.users().get_by_login("nobody_here").await.unwrap_err();
    seen.error("Error (not found)", &error);

    // Avatar upload and its private URL (which holds the token by design).
    let upload = Upload::new(&b"\x89PNG fake avatar bytes"[..], "avatar.png", "image/png");
    seen.debug("Upload", &upload);
    let (blob, with_avatar) = cc.storage().set_avatar(upload).await.unwrap();
    assert_eq!(with_avatar.avatar.as_deref(), Some(blob.uid.as_str()));
    seen.debug("Blob", &blob);
    let url = cc.storage().private_url(&blob.uid).unwrap();
    let token = cc.auth().token().unwrap();
    assert!(url.contains(token.expose()), "the private URL carries the token");
    seen.token_of(&cc);
    // A dropped connection on that URL: the transport error must not quote it.
    control(
        &http,
        &base,
        Method::POST,
        "faults",
        Some(r#"{"path_prefix":"/blobs","method":"GET","drop":true,"times":1}"#),
    )
    .await;
    let transport_error = http
        .send(HttpRequest::new(Method::GET, url.as_str()))
        .await
        .unwrap_err();
    seen.debug("TransportError (private URL)", &transport_error);
    seen.renderings.push((
        "TransportError (private URL, Display)".into(),
        transport_error.to_string(),
    ));
    let error = Error::from(transport_error);
    seen.error("Error (from a transport error)", &error);
    let response = http.send(HttpRequest::new(Method::GET, url.as_str())).await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.body.as_ref(), b"\x89PNG fake avatar bytes");
    seen.debug("HttpResponse", &response);

    // Wrong password: a new session and a sign-in, both refused.
    let wrong = Credentials::login("redaction_user", WRONG_PASSWORD);
    seen.debug("Credentials (wrong)", &wrong);
    let error = cc.auth().create_session(Some(wrong.clone())).await.unwrap_err();
    seen.error("Error (wrong password, session)", &error);
    let error = cc.auth().sign_in(wrong).await.unwrap_err();
    seen.error("Error (wrong password, sign-in)", &error);
    // The old password no longer works either.
    let error = cc
        .auth()
        .create_session(Some(Credentials::login("redaction_user", PASSWORD)))
        .await
        .unwrap_err();
    seen.error("Error (old password)", &error);
    seen.token_of(&cc);

    // Sign out, sign in again with the new password (on the same token), delete.
    cc.auth().sign_out().await.unwrap();
    seen.token_of(&cc);
    let back = cc
        .auth()
        .sign_in(Credentials::login("redaction_user", NEW_PASSWORD))
        .await
        .unwrap();
    assert_eq!(back.id, user.id);
    seen.token_of(&cc);
    cc.users().delete_me().await.unwrap();
    seen.token_of(&cc);
    let error = cc.users().update(UserUpdate::default()).await.unwrap_err();
    seen.error("Error (empty update)", &error);
    let error = cc
        .users()
        .update(UserUpdate {
            fields: UserFields {
                full_name: Some("Nobody".into()),
                ..UserFields::default()
            },
            ..UserUpdate::default()
        })
        .await
        .unwrap_err();
    seen.error("Error (no session)", &error);
    // An application session and its end.
    cc.auth().create_session(None).await.unwrap();
    seen.token_of(&cc);
    cc.auth().destroy_session().await.unwrap();
    seen.debug("ConnectyCube (end)", &cc);
    emulator.shutdown().await;

    // At least the user session, the renewed one and the last application session.
    assert!(seen.tokens.len() >= 3, "tokens seen: {}", seen.tokens.len());
    let text = log.text();
    assert!(
        text.contains("sending")
            && text.contains("POST")
            && text.contains("PUT")
            && text.contains("creating a session"),
        "the log does not show the SDK's requests:\n{text}"
    );
    assert!(text.contains("TRACE") || text.contains("DEBUG"), "{text}");

    let mut secrets: Vec<(&str, String)> = vec![
        ("canary prefix", CANARY.to_owned()),
        ("auth secret", AUTH_SECRET.to_owned()),
        ("auth key", AUTH_KEY.to_owned()),
        ("password", PASSWORD.to_owned()),
        ("new password", NEW_PASSWORD.to_owned()),
        ("wrong password", WRONG_PASSWORD.to_owned()),
    ];
    secrets.extend(seen.tokens.iter().map(|t| ("session token", t.clone())));
    let mut leaks = Vec::new();
    for (name, secret) in &secrets {
        for (n, line) in text.lines().enumerate() {
            if line.contains(secret.as_str()) {
                leaks.push(format!("log line {}: {name}: {line}", n + 1));
            }
        }
        for (what, rendering) in &seen.renderings {
            if rendering.contains(secret.as_str()) {
                leaks.push(format!("{what}: {name}: {rendering}"));
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}
