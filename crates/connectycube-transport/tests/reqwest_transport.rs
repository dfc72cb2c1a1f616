//! `ReqwestTransport` against the emulator over real sockets: exchanges, error
//! classification, timeouts, multipart upload with progress, redaction.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing, with its message")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use connectycube_emulator::{Emulator, EmulatorConfig};
use connectycube_transport::{
    FilePart, HeaderValue, HttpRequest, Method, MultipartBody, RequestBody, ReqwestTransport, Transport,
    TransportConfig, TransportError,
};

fn transport() -> ReqwestTransport {
    ReqwestTransport::new(TransportConfig::default()).unwrap()
}

async fn post_json(
    t: &ReqwestTransport,
    url: String,
    body: &str,
    token: Option<&str>,
) -> connectycube_transport::HttpResponse {
    let mut request = HttpRequest::new(Method::POST, url);
    request.body = RequestBody::Json(Bytes::copy_from_slice(body.as_bytes()));
    if let Some(token) = token {
        request
            .headers
            .insert("CB-Token", HeaderValue::from_str(token).unwrap());
    }
    t.send(request).await.unwrap()
}

fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).unwrap()
}

async fn user_token(t: &ReqwestTransport, base: &str) -> String {
    let body =
        r#"{"application_id":1,"auth_key":"29WfrNWdvkhmX6V","user":{"login":"transport","password":"password1"}}"#;
    let response = post_json(t, format!("{base}/session"), body, None).await;
    assert_eq!(response.status, 201);
    json(&response.body)["session"]["token"].as_str().unwrap().to_owned()
}

async fn control(t: &ReqwestTransport, base: &str, path: &str, body: &str) {
    let response = post_json(t, format!("{base}/__emulator/{path}"), body, None).await;
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
}

#[tokio::test]
async fn statuses_are_responses_not_errors() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let t = transport();
    let token = user_token(&t, emulator.url()).await;
    let mut request = HttpRequest::new(Method::GET, format!("{}/session", emulator.url()));
    request
        .headers
        .insert("CB-Token", HeaderValue::from_str(&token).unwrap());
    let response = t.send(request).await.unwrap();
    assert_eq!(response.status, 200);
    assert!(response.header("cb-token-expirationdate").is_some());
    let response = t
        .send(HttpRequest::new(Method::GET, format!("{}/session", emulator.url())))
        .await
        .unwrap();
    assert_eq!(response.status, 401);
    assert_eq!(
        json(&response.body),
        serde_json::json!({"errors": ["Token is required"]})
    );
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error_that_never_reached_the_server() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = transport()
        .send(HttpRequest::new(
            Method::GET,
            format!("http://127.0.0.1:{port}/blobs/x?token=CANARY-TOKEN"),
        ))
        .await
        .unwrap_err();
    assert!(matches!(error, TransportError::Connect(_)), "{error:?}");
    assert!(!error.may_have_reached_server());
    assert!(!format!("{error} {error:?}").contains("CANARY"), "{error:?}");
}

#[tokio::test]
async fn a_dropped_connection_is_a_closed_error_that_may_have_reached_the_server() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let t = transport();
    control(
        &t,
        emulator.url(),
        "faults",
        r#"{"path_prefix":"/session","drop":true}"#,
    )
    .await;
    let error = t
        .send(HttpRequest::new(Method::GET, format!("{}/session", emulator.url())))
        .await
        .unwrap_err();
    assert!(matches!(error, TransportError::Closed(_)), "{error:?}");
    assert!(error.may_have_reached_server() && error.is_transient());
}

#[tokio::test]
async fn the_attempt_timeout_bounds_a_slow_answer() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let t = transport();
    control(
        &t,
        emulator.url(),
        "faults",
        r#"{"path_prefix":"/session","delay_ms":5000}"#,
    )
    .await;
    let mut request = HttpRequest::new(Method::GET, format!("{}/session", emulator.url()));
    request.timeout = Some(Duration::from_millis(300));
    let started = Instant::now();
    let error = t.send(request).await.unwrap_err();
    assert_eq!(error, TransportError::Timeout);
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn multipart_upload_reports_progress_to_the_end() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let t = transport();
    let token = user_token(&t, emulator.url()).await;
    let created = post_json(
        &t,
        format!("{}/blobs", emulator.url()),
        r#"{"blob":{"content_type":"image/jpeg","name":"me.jpg","public":false}}"#,
        Some(&token),
    )
    .await;
    assert_eq!(created.status, 201);
    let params = json(&created.body)["blob"]["blob_object_access"]["params"]
        .as_str()
        .unwrap()
        .to_owned();
    let (url, query) = params.split_once('?').unwrap();
    let fields = query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            let decode = |s: &str| percent_decode(s);
            (decode(k), decode(v))
        })
        .collect();
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let sent = Arc::new(AtomicU64::new(0));
    let total = Arc::new(AtomicU64::new(0));
    let (sent_in, total_in) = (sent.clone(), total.clone());
    let mut request = HttpRequest::new(Method::POST, url);
    request.body = RequestBody::Multipart(MultipartBody {
        fields,
        file: FilePart {
            field_name: "file".into(),
            file_name: "me.jpg".into(),
            content_type: "image/jpeg".into(),
            data: Bytes::from(data.clone()),
            progress: Some(Arc::new(move |s, t| {
                sent_in.store(s, Ordering::SeqCst);
                total_in.store(t, Ordering::SeqCst);
            })),
        },
    });
    let response = t.send(request).await.unwrap();
    assert_eq!(response.status, 201, "{}", String::from_utf8_lossy(&response.body));
    assert!(total.load(Ordering::SeqCst) > data.len() as u64);
    assert_eq!(sent.load(Ordering::SeqCst), total.load(Ordering::SeqCst));
    let uid = json(&created.body)["blob"]["uid"].as_str().unwrap().to_owned();
    let file = t
        .send(HttpRequest::new(
            Method::GET,
            format!("{}/blobs/{uid}?token={token}", emulator.url()),
        ))
        .await
        .unwrap();
    assert_eq!(file.status, 200);
    assert_eq!(file.body.as_ref(), data.as_slice());
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_and_so_connections_are_bounded() {
    use std::sync::atomic::AtomicUsize;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A keep-alive HTTP server that answers every request after 20 ms and counts connections.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/x", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 8192];
                while let Ok(n) = socket.read(&mut buffer).await {
                    if n == 0 {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    if socket
                        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
    });
    let transport = Arc::new(
        ReqwestTransport::new(TransportConfig {
            max_in_flight: 8,
            ..TransportConfig::default()
        })
        .unwrap(),
    );
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let transport = transport.clone();
            let url = url.clone();
            tokio::spawn(async move { transport.send(HttpRequest::new(Method::GET, url)).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().status, 200);
    }
    let opened = connections.load(Ordering::SeqCst);
    assert!(opened <= 8, "{opened} connections for 200 calls with 8 in flight");
}

#[tokio::test]
async fn host_names_are_looked_up_and_an_unknown_one_never_reached_a_server() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let port = emulator.local_addr().port();
    let t = transport();
    let response = t
        .send(HttpRequest::new(
            Method::GET,
            format!("http://localhost:{port}/session"),
        ))
        .await
        .unwrap();
    assert_eq!(response.status, 401, "answered through the name");
    let error = t
        .send(HttpRequest::new(Method::GET, "http://no-such-host.invalid/session"))
        .await
        .unwrap_err();
    assert!(matches!(error, TransportError::Connect(_)), "{error:?}");
    assert!(!error.may_have_reached_server());
}
