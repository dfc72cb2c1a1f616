//! Answers no real server sends: endless or huge bodies, floods of messages, dates and
//! expiries out of reason, a token with CR/LF.

use connectycube::Error;

use crate::client;
use crate::server::{HostileServer, Reply, session};

#[tokio::test]
async fn an_endless_body_ends_in_a_typed_error_at_the_cap() {
    let server = HostileServer::start(|_| Reply::endless()).await;
    let cc = client(&server.url).max_response_bytes(256 * 1024).build().unwrap();
    let error = cc.auth().create_session(None).await.unwrap_err();
    assert_eq!(error, Error::ResponseTooLarge { limit: 256 * 1024 });
    assert_eq!(error.code(), "response_too_large");
    // A retry would read the same flood: one request, not three.
    assert_eq!(server.count("POST", "/session"), 1);
    assert!(cc.session().is_none());
}

#[tokio::test]
async fn an_announced_300_mb_answer_is_refused_before_reading() {
    let server = HostileServer::start(|_| {
        Reply::Raw(b"HTTP/1.1 201 Created\r\nContent-Length: 300000000\r\n\r\n{\"session\":".to_vec())
    })
    .await;
    let cc = client(&server.url).build().unwrap();
    let error = cc.auth().create_session(None).await.unwrap_err();
    assert_eq!(error, Error::ResponseTooLarge { limit: 4 * 1024 * 1024 });
}

#[tokio::test]
async fn a_flood_of_error_messages_is_a_bounded_error() {
    let messages: Vec<String> = (0..100_000).map(|i| format!("field {i} is wrong")).collect();
    let body = serde_json::json!({ "errors": messages }).to_string();
    assert!(body.len() > 2_000_000);
    let server = HostileServer::start(move |_| Reply::json(422, &[], &body)).await;
    let cc = client(&server.url).build().unwrap();
    let error = cc.auth().create_session(None).await.unwrap_err();
    assert_eq!(error.code(), "validation");
    assert_eq!(error.messages().len(), 33);
    assert_eq!(error.messages()[32], "… and 99968 more");
    assert!(error.to_string().len() < 2_000, "{} bytes", error.to_string().len());
}

/// `POST /session` answers with these headers; everything else is a user.
fn dated(date: &'static str, expiry: &'static str, token: &'static str) -> impl Fn(&crate::server::Request) -> Reply {
    move |request| {
        let headers = [("Date", date), ("CB-Token-ExpirationDate", expiry)];
        if request.is("POST", "/session") {
            Reply::json(201, &headers, &session(token))
        } else {
            Reply::json(200, &headers, r#"{"user":{"id":5,"login":"x"}}"#)
        }
    }
}

#[tokio::test]
async fn dates_out_of_reason_neither_panic_nor_stop_the_client() {
    for (date, expiry) in [
        ("Fri, 31 Dec 9999 23:59:59 GMT", "9999-12-31 23:59:59 UTC"),
        ("Mon, 01 Jan 0001 00:00:00 GMT", "-9999-01-01 00:00:00 UTC"),
        ("not a date", "not a date either"),
    ] {
        let server = HostileServer::start(dated(date, expiry, "GOOD")).await;
        // Signed: the signature's timestamp comes from the server-corrected clock.
        let cc = client(&server.url).auth_secret("SECRET").build().unwrap();
        cc.auth().create_session(None).await.unwrap();
        assert!(cc.is_session_valid(), "{date} / {expiry}");
        cc.users().get(5).await.unwrap();
        cc.users().get(5).await.unwrap();
        assert_eq!(server.count("POST", "/session"), 1, "{date} / {expiry}");
        let signed = &server.requests()[0];
        let body: serde_json::Value = serde_json::from_slice(&signed.body).unwrap();
        let timestamp = body["timestamp"].as_str().unwrap().parse::<i64>().unwrap();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        assert!(
            (timestamp - now).abs() < 60,
            "the absurd Date was ignored: {timestamp} vs {now}"
        );
    }
}

#[tokio::test]
async fn a_token_no_header_can_carry_is_refused_at_creation() {
    let server = HostileServer::start(|request| {
        let token = if request.is("POST", "/session") && request.body.windows(5).any(|w| w == b"\"bad\"") {
            "EVIL\r\nX-Injected: 1"
        } else {
            "GOOD"
        };
        if request.is("POST", "/session") {
            Reply::json(201, &[], &session(token))
        } else {
            Reply::json(200, &[], r#"{"user":{"id":5}}"#)
        }
    })
    .await;
    let cc = client(&server.url).build().unwrap();
    let error = cc
        .auth()
        .create_session(Some(connectycube::Credentials::login("bad", "password1")))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "decode");
    assert!(
        error.to_string().contains("holds characters a header cannot carry"),
        "{error}"
    );
    assert!(cc.session().is_none(), "not installed");
    // The client is not jammed: the next call makes a session with a good token and uses it.
    cc.users().get(5).await.unwrap();
    let last = server.requests().pop().unwrap();
    assert_eq!(last.header("CB-Token"), Some("GOOD"));
}
