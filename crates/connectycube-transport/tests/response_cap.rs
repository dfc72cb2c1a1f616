//! Response bodies are capped while they stream: a server that announces or sends more
//! than the cap (an endless body included) ends the exchange with a typed error after at
//! most the cap has been read.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing, with its message")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use connectycube_transport::{HttpRequest, Method, ReqwestTransport, Transport, TransportConfig, TransportError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CAP: usize = 1024 * 1024;

fn capped() -> ReqwestTransport {
    ReqwestTransport::new(TransportConfig {
        max_response_bytes: CAP,
        ..TransportConfig::default()
    })
    .unwrap()
}

/// Serves one connection: reads the request head, writes `head`, then `body_chunk` over
/// and over (`endless`) or once. Counts the body bytes the client took before it closed.
async fn serve_once(head: &'static str, body_chunk: Vec<u8>, endless: bool) -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/session", listener.local_addr().unwrap());
    let written = Arc::new(AtomicU64::new(0));
    let counter = written.clone();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0; 4096];
        let _ = socket.read(&mut request).await;
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        loop {
            if socket.write_all(&body_chunk).await.is_err() {
                return;
            }
            counter.fetch_add(body_chunk.len() as u64, Ordering::Relaxed);
            if !endless {
                return;
            }
        }
    });
    (url, written)
}

fn chunk(size: usize) -> Vec<u8> {
    let mut framed = format!("{size:x}\r\n").into_bytes();
    framed.extend(std::iter::repeat_n(b'x', size));
    framed.extend_from_slice(b"\r\n");
    framed
}

#[tokio::test]
async fn an_endless_chunked_body_stops_at_the_cap() {
    let head = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    let (url, written) = serve_once(head, chunk(64 * 1024), true).await;
    let error = capped().send(HttpRequest::new(Method::POST, url)).await.unwrap_err();
    assert_eq!(error, TransportError::ResponseTooLarge { limit: CAP });
    assert_eq!(
        error.to_string(),
        "the server's answer is larger than the 1048576-byte limit"
    );
    assert!(!error.is_transient(), "a retry would read the same flood");
    // What the server managed to write is the cap plus what the socket buffers held when
    // the client hung up, not an unbounded amount.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let sent = written.load(Ordering::Relaxed);
    assert!(sent < 16 * CAP as u64, "the server wrote {sent} bytes");
}

#[tokio::test]
async fn an_announced_length_past_the_cap_is_refused_before_reading() {
    let head = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 300000000\r\n\r\n";
    let (url, _) = serve_once(head, b"{".to_vec(), false).await;
    let error = capped().send(HttpRequest::new(Method::POST, url)).await.unwrap_err();
    assert_eq!(error, TransportError::ResponseTooLarge { limit: CAP });
}

#[tokio::test]
async fn a_body_within_the_cap_arrives_whole_in_chunks_and_in_one_piece() {
    let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    let mut body = chunk(CAP / 2);
    body.extend(chunk(CAP / 2));
    body.extend_from_slice(b"0\r\n\r\n");
    let (url, _) = serve_once(head, body, false).await;
    let response = capped().send(HttpRequest::new(Method::GET, url)).await.unwrap();
    assert_eq!(response.body.len(), CAP);

    let head = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
    let (url, _) = serve_once(head, b"{}".to_vec(), false).await;
    let response = capped().send(HttpRequest::new(Method::GET, url)).await.unwrap();
    assert_eq!(&response.body[..], b"{}");
}

#[tokio::test]
async fn one_byte_past_the_cap_is_too_large() {
    let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    let mut body = chunk(CAP);
    body.extend(chunk(1));
    body.extend_from_slice(b"0\r\n\r\n");
    let (url, _) = serve_once(head, body, false).await;
    let error = capped().send(HttpRequest::new(Method::GET, url)).await.unwrap_err();
    assert_eq!(error, TransportError::ResponseTooLarge { limit: CAP });
}
