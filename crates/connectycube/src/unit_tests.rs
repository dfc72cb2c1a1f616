//! Unit tests of the client over a mocked transport: what goes on the wire (headers,
//! signed session bodies), single-flight with a counting transport, no downgrade,
//! redaction. The HTTP behaviour against a real server is in `tests/`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use connectycube_transport::{
    HeaderMap, HeaderValue, HttpRequest, HttpResponse, MockTransport, RequestBody, StatusCode, Transport,
    TransportError,
};
use hmac::{Hmac, Mac};

use crate::{ConnectyCube, Credentials, NewUser};

const AUTH_KEY: &str = "AK-CANARY-KEY";
const SECRET: &str = "SECRET-CANARY";

fn response(status: u16, body: &str) -> HttpResponse {
    let mut headers = HeaderMap::new();
    headers.insert(
        "cb-token-expirationdate",
        HeaderValue::from_static("2099-01-01 00:00:00 UTC"),
    );
    HttpResponse {
        status: StatusCode::from_u16(status).unwrap(),
        headers,
        body: Bytes::copy_from_slice(body.as_bytes()),
    }
}

fn session_body(token: &str, user_id: Option<u64>) -> String {
    let user = user_id.map_or(String::new(), |id| format!(r#","user":{{"id":{id},"login":"john"}}"#));
    let user_id = user_id.map_or("null".to_owned(), |id| id.to_string());
    format!(r#"{{"session":{{"id":9,"token":"{token}","application_id":1,"user_id":{user_id}{user}}}}}"#)
}

fn json_body(request: &HttpRequest) -> serde_json::Value {
    match &request.body {
        RequestBody::Json(bytes) => serde_json::from_slice(bytes).unwrap(),
        other => panic!("not JSON: {other:?}"),
    }
}

/// A mock that, like most custom transports, leaves timeouts to the caller.
fn mock_transport() -> MockTransport {
    let mut mock = MockTransport::new();
    mock.expect_enforces_timeout().return_const(false);
    mock
}

fn client(transport: impl Transport) -> ConnectyCube {
    ConnectyCube::builder(1, AUTH_KEY)
        .api_endpoint("https://api.example.com")
        .transport(Arc::new(transport))
        .build()
        .unwrap()
}

#[tokio::test]
async fn session_calls_carry_the_token_and_sdk_headers() {
    let mut mock = mock_transport();
    mock.expect_send()
        .withf(|r| r.url == "https://api.example.com/session" && r.method == "POST")
        .times(1)
        .returning(|_| Ok(response(201, &session_body("TOKEN-CANARY", None))));
    mock.expect_send()
        .withf(|r| r.url == "https://api.example.com/users/5")
        .times(1)
        .returning(|r| {
            assert_eq!(r.headers["cb-token"], "TOKEN-CANARY");
            assert!(r.headers["cb-sdk"].to_str().unwrap().starts_with("Rust "));
            assert_eq!(r.headers["connectycube-rest-api-version"], "0.1.1");
            assert!(r.headers.get("cb-authkey").is_none());
            assert!(r.timeout.is_some(), "every attempt is bounded");
            Ok(response(200, r#"{"user":{"id":5}}"#))
        });
    let cc = client(mock);
    assert_eq!(cc.users().get(5).await.unwrap().id, 5);
}

#[tokio::test]
async fn sign_up_without_a_session_uses_the_auth_key_and_creates_no_session() {
    let mut mock = mock_transport();
    mock.expect_send().times(1).returning(|r| {
        assert_eq!(r.url, "https://api.example.com/users");
        assert_eq!(r.headers["cb-authkey"], AUTH_KEY);
        assert!(r.headers.get("cb-token").is_none());
        let body = json_body(&r);
        assert_eq!(body["user"]["login"], "marvin18");
        assert_eq!(body["user"]["password"], "supersecurepwd");
        Ok(response(201, r#"{"user":{"id":7,"login":"marvin18"}}"#))
    });
    let cc = client(mock);
    let user = cc
        .users()
        .sign_up(NewUser::with_login("marvin18", "supersecurepwd"))
        .await
        .unwrap();
    assert_eq!(user.id, 7);
    assert!(cc.session().is_none());
}

/// An independent HMAC-SHA1 over the sorted pairs of the body that was sent.
fn expected_signature(body: &serde_json::Value) -> String {
    let mut pairs = Vec::new();
    for (key, value) in body.as_object().unwrap() {
        match value {
            serde_json::Value::Object(inner) => {
                for (name, v) in inner {
                    pairs.push(format!("{key}[{name}]={}", v.as_str().unwrap()));
                }
            }
            v if key != "signature" => pairs.push(format!("{key}={}", v.as_str().unwrap())),
            _ => {}
        }
    }
    pairs.sort();
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(pairs.join("&").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn signed_sessions_carry_a_fresh_nonce_timestamp_and_signature() {
    let nonces = Arc::new(parking_lot::Mutex::new(Vec::new()));
    let seen = nonces.clone();
    let mut mock = mock_transport();
    mock.expect_send().times(2).returning(move |r| {
        let body = json_body(&r);
        assert_eq!(body["application_id"], "1");
        assert_eq!(body["auth_key"], AUTH_KEY);
        assert_eq!(body["user"]["login"], "john");
        let timestamp: i64 = body["timestamp"].as_str().unwrap().parse().unwrap();
        assert!((timestamp - time::OffsetDateTime::now_utc().unix_timestamp()).abs() < 5);
        assert_eq!(body["signature"], expected_signature(&body));
        seen.lock().push(body["nonce"].as_str().unwrap().to_owned());
        Ok(response(201, &session_body("T1", Some(3))))
    });
    let cc = ConnectyCube::builder(1, AUTH_KEY)
        .auth_secret(SECRET)
        .api_endpoint("https://api.example.com")
        .transport(Arc::new(mock))
        .build()
        .unwrap();
    for _ in 0..2 {
        cc.auth()
            .create_session(Some(Credentials::login("john", "11111111")))
            .await
            .unwrap();
    }
    let nonces = nonces.lock();
    assert_ne!(nonces[0], nonces[1], "a nonce is never reused");
}

/// A transport that answers `POST /session` slowly and counts it.
struct SlowSessions {
    sessions: AtomicUsize,
}

#[async_trait::async_trait]
impl Transport for SlowSessions {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.url.ends_with("/session") {
            let n = self.sessions.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            let user = request.body.len() > 60; // a body with user credentials
            return Ok(response(201, &session_body(&format!("T{n}"), user.then_some(3))));
        }
        Ok(response(200, r#"{"user":{"id":5}}"#))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_session_creation() {
    let transport = Arc::new(SlowSessions {
        sessions: AtomicUsize::new(0),
    });
    let cc = ConnectyCube::builder(1, AUTH_KEY)
        .api_endpoint("https://api.example.com")
        .transport(transport.clone())
        .build()
        .unwrap();
    let calls: Vec<_> = (0..32)
        .map(|_| {
            let cc = cc.clone();
            tokio::spawn(async move { cc.users().get(5).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(transport.sessions.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_session_created_meanwhile_does_not_replace_the_user_session() {
    let transport = Arc::new(SlowSessions {
        sessions: AtomicUsize::new(0),
    });
    let cc = ConnectyCube::builder(1, AUTH_KEY)
        .api_endpoint("https://api.example.com")
        .transport(transport)
        .build()
        .unwrap();
    // A read starts an application session; a sign-in lands while it is in flight.
    let read = {
        let cc = cc.clone();
        tokio::spawn(async move { cc.users().get(5).await })
    };
    let user = cc
        .auth()
        .create_session(Some(Credentials::login("john", "11111111")))
        .await
        .unwrap();
    read.await.unwrap().unwrap();
    assert_eq!(cc.session().unwrap().token, user.token);
    assert!(cc.session().unwrap().is_user_session());
}

#[test]
fn the_client_debug_shows_no_secret() {
    let cc = ConnectyCube::builder(1, AUTH_KEY)
        .auth_secret(SECRET)
        .api_endpoint("https://api.example.com")
        .transport(Arc::new(mock_transport()))
        .build()
        .unwrap();
    let debug = format!("{cc:?} {:?}", cc.config());
    assert!(!debug.contains("CANARY"), "{debug}");
    assert!(debug.contains("api.example.com"));
}

#[tokio::test]
async fn network_errors_are_typed_and_never_retried_for_sign_up_once_sent() {
    let mut mock = mock_transport();
    mock.expect_send()
        .times(1)
        .returning(|_| Err(TransportError::Io("connection reset".into())));
    let cc = client(mock);
    let error = cc
        .users()
        .sign_up(NewUser::with_login("marvin18", "supersecurepwd"))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "network");
    assert!(
        matches!(
            error,
            crate::Error::Network {
                kind: crate::NetworkErrorKind::Io,
                ..
            }
        ),
        "{error:?}"
    );
    let mut mock = mock_transport();
    mock.expect_send()
        .times(3)
        .returning(|_| Err(TransportError::Connect("refused".into())));
    let cc = ConnectyCube::builder(1, AUTH_KEY)
        .api_endpoint("https://api.example.com")
        .retry(crate::RetryConfig {
            max_attempts: 3,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
        })
        .transport(Arc::new(mock))
        .build()
        .unwrap();
    // A connect failure provably never left: even a sign-up is retried.
    let error = cc
        .users()
        .sign_up(NewUser::with_login("marvin18", "supersecurepwd"))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "network");
    assert!(
        matches!(
            error,
            crate::Error::Network {
                kind: crate::NetworkErrorKind::Connect,
                ..
            }
        ),
        "{error:?}"
    );
}

/// A transport whose every answer takes a random 0–3 ms, so concurrent calls interleave
/// differently each time.
struct Jittery;

#[async_trait::async_trait]
impl Transport for Jittery {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let delay = rand::random_range(0..3_000u64);
        tokio::time::sleep(Duration::from_micros(delay)).await;
        if request.url.ends_with("/session") {
            let user = request.body.len() > 60;
            let token = format!("T{delay}{}", if user { "U" } else { "A" });
            return Ok(response(201, &session_body(&token, user.then_some(3))));
        }
        Ok(response(200, r#"{"user":{"id":5}}"#))
    }
}

/// 1,000 randomised interleavings of an application-session creation (explicit, or on
/// demand by a read) with a sign-in: the user session always wins (flutter-samples#93).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_downgrade_over_a_thousand_random_interleavings() {
    for round in 0..1000 {
        let cc = ConnectyCube::builder(1, AUTH_KEY)
            .api_endpoint("https://api.example.com")
            .transport(Arc::new(Jittery))
            .build()
            .unwrap();
        let app = {
            let cc = cc.clone();
            tokio::spawn(async move {
                if round % 2 == 0 {
                    cc.auth().create_session(None).await.map(drop)
                } else {
                    cc.users().get(5).await.map(drop)
                }
            })
        };
        let user = {
            let cc = cc.clone();
            tokio::spawn(async move {
                cc.auth()
                    .create_session(Some(Credentials::login("john", "11111111")))
                    .await
            })
        };
        let user = user.await.unwrap().unwrap();
        app.await.unwrap().unwrap();
        let active = cc.session().unwrap();
        assert!(
            active.is_user_session(),
            "round {round}: downgraded to {:?}",
            active.token
        );
        assert_eq!(active.token, user.token, "round {round}");
    }
}

/// Answers nothing, ever, and says nothing about timeouts.
struct NeverAnswers;

#[async_trait::async_trait]
impl Transport for NeverAnswers {
    async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
        std::future::pending().await
    }
}

#[tokio::test]
async fn a_transport_that_does_not_enforce_timeouts_is_still_bounded() {
    let cc = ConnectyCube::builder(1, AUTH_KEY)
        .api_endpoint("https://api.example.com")
        .timeouts(crate::Timeouts {
            attempt: Duration::from_millis(100),
            operation: Duration::from_millis(250),
            ..crate::Timeouts::default()
        })
        .retry(crate::RetryConfig {
            max_attempts: 10,
            base_delay: Duration::from_millis(1),
            ..crate::RetryConfig::default()
        })
        .transport(Arc::new(NeverAnswers))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = cc.auth().create_session(None).await.unwrap_err();
    assert!(matches!(error, crate::Error::Timeout), "{error:?}");
    let elapsed = started.elapsed();
    // Attempts of 100 ms are retried, but never past the 250 ms operation bound.
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(450), "{elapsed:?}");
}
