//! Requests over a limit get an answer the client can read: a body too large is a 413
//! that arrives even while (or after) the client writes the whole body, a request target
//! too long is a 414, and uploads are refused before their file is read.
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

/// Reads from a raw connection until the answer's head is complete (or the time is up).
async fn read_head(stream: &mut TcpStream, within: Duration) -> String {
    let mut answer = Vec::new();
    let deadline = Instant::now() + within;
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let mut chunk = [0u8; 4096];
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => answer.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_10_mb_json_body_is_a_413_the_client_reads() {
    let s = start().await;
    let token = s.app_session().await;
    let big = "x".repeat(10 * 1024 * 1024);
    let body = json!({"user": {"login": "big_one", "password": "password1", "custom_data": big}});
    // reqwest writes the whole body (with a Content-Length) before it looks for the answer.
    let resp = s
        .send(s.http.post(s.url("/users")).header("CB-Token", &token).json(&body))
        .await
        .expect(413);
    assert_eq!(
        resp.json,
        json!({"errors": {"base": ["Request body is larger than 1048576 bytes"]}})
    );
    assert_eq!(resp.header("connection"), Some("close"));
    s.sign_up(&token, json!({"login": "small_one", "password": "password1"}))
        .await;
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_a_413_after_the_client_wrote_it_all() {
    let s = start().await;
    let mut stream = TcpStream::connect(s.emulator.local_addr()).await.unwrap();
    stream
        .write_all(b"POST /users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        .await
        .unwrap();
    let chunk = vec![b'{'; 256 * 1024];
    for _ in 0..12 {
        stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await
            .unwrap();
        stream.write_all(&chunk).await.unwrap();
        stream.write_all(b"\r\n").await.unwrap();
    }
    stream.write_all(b"0\r\n\r\n").await.unwrap();
    let head = read_head(&mut stream, Duration::from_secs(5)).await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(head.to_ascii_lowercase().contains("connection: close"), "{head}");
}

/// What nginx's lingering close gives a client that writes its whole body before it
/// reads: every write succeeds and the 413 is there to read afterwards.
#[tokio::test]
async fn a_client_that_writes_10_mb_before_reading_still_reads_the_413() {
    let s = start().await;
    let mut stream = TcpStream::connect(s.emulator.local_addr()).await.unwrap();
    let size = 10 * 1024 * 1024;
    let head = format!(
        "POST /users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..size / chunk.len() {
        stream.write_all(&chunk).await.expect("the server reads the whole body");
    }
    let head = read_head(&mut stream, Duration::from_secs(5)).await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_the_body_is_sent() {
    let s = start().await;
    let mut stream = TcpStream::connect(s.emulator.local_addr()).await.unwrap();
    stream
        .write_all(
            b"POST /users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
              Content-Length: 104857600\r\n\r\n{\"user\":",
        )
        .await
        .unwrap();
    let head = read_head(&mut stream, Duration::from_secs(5)).await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(head.to_ascii_lowercase().contains("connection: close"), "{head}");
}

#[tokio::test]
async fn a_request_target_over_8_kib_is_a_json_414() {
    let s = start().await;
    let token = s.app_session().await;
    let ids: Vec<String> = (1_000_000..1_002_000).map(|i| i.to_string()).collect();
    let resp = s
        .get(&format!("/users/v2?id[in]={}", ids.join(",")), &token)
        .await
        .expect(414);
    assert_eq!(resp.json, json!({"errors": {"base": ["Request-URI Too Large"]}}));
    // Just under the limit is served.
    let resp = s.get(&format!("/users/v2?login={}", "a".repeat(8000)), &token).await;
    assert_eq!(resp.status, 200, "{}", resp.text);
    let resp = s.get(&format!("/users/{}.json", "9".repeat(8200)), &token).await;
    assert_eq!(resp.status, 414, "{}", resp.text);
}

/// The head and the first parts of an upload form declaring `length` bytes in all: the
/// policy fields, then the start of the file.
fn upload_start(key: &str, signature: &str, length: usize) -> Vec<u8> {
    let mut body = String::new();
    for (name, value) in [("key", key), ("x-amz-signature", signature)] {
        body.push_str(&format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n");
    let mut bytes = format!(
        "POST /s3/cb-shared-s3 HTTP/1.1\r\nHost: localhost\r\n\
         Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {length}\r\n\r\n{body}"
    )
    .into_bytes();
    bytes.extend(std::iter::repeat_n(b'#', 16 * 1024));
    bytes
}

#[tokio::test]
async fn a_forged_upload_is_refused_before_its_file_is_read() {
    let s = start().await;
    let (token, _) = s.user_session("uploader", "password1").await;
    let body = json!({"blob": {"content_type": "image/png", "name": "a.png"}});
    let blob = s.call("POST", "/blobs", Some(&token), Some(body)).await.expect(201);
    let uid = blob.json["blob"]["uid"].as_str().unwrap();

    // 20 MiB declared, 16 KiB of the file sent: the 403 comes without the rest.
    let mut stream = TcpStream::connect(s.emulator.local_addr()).await.unwrap();
    stream
        .write_all(&upload_start(uid, "forged", 20 * 1024 * 1024))
        .await
        .unwrap();
    let head = read_head(&mut stream, Duration::from_secs(3)).await;
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");

    // A declared length over the limit: a 413 before any of the file.
    let mut stream = TcpStream::connect(s.emulator.local_addr()).await.unwrap();
    stream
        .write_all(&upload_start(uid, "forged", 40 * 1024 * 1024)[..200])
        .await
        .unwrap();
    let head = read_head(&mut stream, Duration::from_secs(3)).await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(head.to_ascii_lowercase().contains("connection: close"), "{head}");
}

/// The `x-amz-signature` of a blob's upload address.
fn upload_signature(blob: &serde_json::Value) -> String {
    let params = blob["blob_object_access"]["params"].as_str().unwrap();
    let encoded = params.split("x-amz-signature=").nth(1).unwrap();
    encoded.split('&').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_file_over_32_mib_is_a_413_even_without_a_declared_length() {
    let s = start().await;
    let (token, _) = s.user_session("big_uploader", "password1").await;
    let body = json!({"blob": {"content_type": "image/png", "name": "a.png"}});
    let blob = s.call("POST", "/blobs", Some(&token), Some(body)).await.expect(201);
    let blob = &blob.json["blob"];
    let uid = blob["uid"].as_str().unwrap();
    let form_start = String::from_utf8(upload_start(uid, &upload_signature(blob), 0)).unwrap();
    let (_, parts) = form_start.split_once("\r\n\r\n").unwrap();
    let parts = parts.trim_end_matches('#');

    let mut stream = TcpStream::connect(s.emulator.local_addr()).await.unwrap();
    stream
        .write_all(
            b"POST /s3/cb-shared-s3 HTTP/1.1\r\nHost: localhost\r\n\
              Content-Type: multipart/form-data; boundary=XyZ\r\nTransfer-Encoding: chunked\r\n\r\n",
        )
        .await
        .unwrap();
    let mut send_chunk = async |data: &[u8]| {
        stream.write_all(format!("{:x}\r\n", data.len()).as_bytes()).await?;
        stream.write_all(data).await?;
        stream.write_all(b"\r\n").await
    };
    send_chunk(parts.as_bytes()).await.unwrap();
    let file_chunk = vec![b'#'; 1024 * 1024];
    for _ in 0..32 {
        send_chunk(&file_chunk).await.unwrap();
    }
    send_chunk(b"#\r\n--XyZ--\r\n").await.unwrap();
    stream.write_all(b"0\r\n\r\n").await.unwrap();
    let head = read_head(&mut stream, Duration::from_secs(5)).await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
}
