//! Connection limits over real sockets: a request head that never completes is cut off,
//! an idle keep-alive connection is closed, a slow answer is not, and at most
//! `max_connections` connections are served at once.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the test failing, with its message"
)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const REQUEST: &[u8] = b"GET /__emulator/clock HTTP/1.1\r\nHost: localhost\r\n\r\n";

/// How long until the server closes `stream` (reading and discarding what it sends), or
/// `None` if it is still open after `within`.
async fn closed_after(stream: &mut TcpStream, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut sink = [0u8; 4096];
    loop {
        let left = within.checked_sub(started.elapsed())?;
        match tokio::time::timeout(left, stream.read(&mut sink)).await {
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
            Err(_) => return None,
        }
    }
}

/// Reads one answer's head from a keep-alive connection; `None` if none comes in time.
async fn answer_head(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut answer = Vec::new();
    let deadline = Instant::now() + within;
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let mut chunk = [0u8; 1024];
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => answer.extend_from_slice(&chunk[..n]),
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn half_sent_request_heads_are_closed_after_the_header_timeout() {
    let s = start_with(|c| c.header_read_timeout = Duration::from_millis(800)).await;
    let mut streams = Vec::new();
    for i in 0..100 {
        let mut stream = TcpStream::connect(s.emulator.local_addr()).await.unwrap();
        let half: &[u8] = match i % 3 {
            0 => b"GET /users/v2?login=a HT",
            1 => b"POST /session HTTP/1.1\r\nHost: localhost\r\nContent-Ty",
            // Nothing at all.
            _ => b"",
        };
        stream.write_all(half).await.unwrap();
        streams.push(stream);
    }
    for stream in &mut streams {
        let closed = closed_after(stream, Duration::from_secs(5)).await;
        assert!(closed.is_some(), "a half-sent request was held for 5 s");
    }
    // A head sent slowly but in time is answered.
    let mut slow = TcpStream::connect(s.emulator.local_addr()).await.unwrap();
    for part in REQUEST.chunks(REQUEST.len() / 3 + 1) {
        slow.write_all(part).await.unwrap();
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let head = answer_head(&mut slow, Duration::from_secs(2)).await.unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    s.create_session(json!({})).await.expect(201);
}

#[tokio::test]
async fn idle_keep_alive_connections_close_and_slow_answers_do_not() {
    let s = start_with(|c| {
        c.header_read_timeout = Duration::from_millis(500);
        c.idle_timeout = Duration::from_millis(1500);
    })
    .await;
    let mut stream = TcpStream::connect(s.emulator.local_addr()).await.unwrap();
    stream.write_all(REQUEST).await.unwrap();
    answer_head(&mut stream, Duration::from_secs(2)).await.unwrap();
    // Idle, not a late head: the idle timeout applies, not the header one.
    let closed = closed_after(&mut stream, Duration::from_secs(5)).await.unwrap();
    assert!(closed >= Duration::from_millis(1200), "closed after {closed:?}");

    // An answer slower than both timeouts is still delivered.
    s.control(
        "POST",
        "faults",
        Some(json!({"path_prefix": "/session", "delay_ms": 2500})),
    )
    .await;
    s.create_session(json!({})).await.expect(201);
}

#[tokio::test]
async fn the_connection_cap_holds_and_frees() {
    let cap = 4;
    let s = start_with(|c| c.max_connections = cap).await;
    s.control("POST", "reset", None).await;
    let mut held = Vec::new();
    for _ in 0..cap - 1 {
        let mut stream = TcpStream::connect(s.emulator.local_addr()).await.unwrap();
        stream.write_all(REQUEST).await.unwrap();
        assert!(answer_head(&mut stream, Duration::from_secs(2)).await.is_some());
        held.push(stream);
    }
    // reqwest's pooled connection is the cap-th.
    let stats = s.control("GET", "stats", None).await;
    assert_eq!(stats["connections"], json!(cap - 1), "{stats}");
    assert_eq!(stats["tls_handshakes"], json!({"completed": 0, "failed": 0}));

    let mut waiting = TcpStream::connect(s.emulator.local_addr()).await.unwrap();
    waiting.write_all(REQUEST).await.unwrap();
    assert!(
        answer_head(&mut waiting, Duration::from_millis(700)).await.is_none(),
        "a connection over the cap was served"
    );
    drop(held.pop());
    let head = answer_head(&mut waiting, Duration::from_secs(3)).await;
    assert!(head.is_some_and(|h| h.starts_with("HTTP/1.1 200")));
    let stats = s.control("GET", "stats", None).await;
    assert_eq!(stats["connections"], json!(cap), "{stats}");
}

#[tokio::test]
async fn shutdown_does_not_wait_for_stalled_clients() {
    let pki = connectycube_emulator::TestPki::generate().unwrap();
    for tls in [None, Some(pki.server)] {
        let s = start_with(|c| c.tls = tls).await;
        let addr = s.emulator.local_addr();
        let _silent = TcpStream::connect(addr).await.unwrap();
        let mut half = TcpStream::connect(addr).await.unwrap();
        half.write_all(b"GET /users/v2 HT").await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let started = Instant::now();
        s.emulator.shutdown().await;
        // The grace period is for requests in flight; these have none.
        assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    }
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish() {
    let s = start().await;
    s.control(
        "POST",
        "faults",
        Some(json!({"path_prefix": "/session", "delay_ms": 500})),
    )
    .await;
    let http = s.http.clone();
    let url = s.url("/session");
    let body = json!({"application_id": APP_ID, "auth_key": AUTH_KEY});
    let in_flight = tokio::spawn(async move { http.post(url).json(&body).send().await });
    tokio::time::sleep(Duration::from_millis(150)).await;
    s.emulator.shutdown().await;
    let answer = in_flight.await.unwrap().expect("the answer arrives");
    assert_eq!(answer.status(), 201);
}
