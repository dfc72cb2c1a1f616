//! HTTPS over real sockets: the flows over TLS with a client that trusts the test CA,
//! every URL handed out is `https`, and a client that refuses the certificate shows up as
//! one failed handshake in the stats.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the test failing, with its message"
)]

mod common;

use common::*;
use connectycube_emulator::{CertOptions, Emulator, EmulatorConfig, TestPki, TlsIdentity};
use serde_json::{Value, json};

#[tokio::test]
async fn sessions_users_and_avatars_over_https() {
    let pki = TestPki::generate().unwrap();
    let s = start_https(&pki).await;
    assert!(
        s.emulator.url().starts_with("https://127.0.0.1:"),
        "{}",
        s.emulator.url()
    );
    let (token, id) = s.user_session("secure", "password1").await;
    s.get(&format!("/users/{id}.json"), &token).await.expect(200);

    let body = json!({"blob": {"content_type": "image/png", "name": "a.png"}});
    let blob = s.call("POST", "/blobs", Some(&token), Some(body)).await.expect(201);
    let blob = &blob.json["blob"];
    let uid = blob["uid"].as_str().unwrap();
    let params = blob["blob_object_access"]["params"].as_str().unwrap();
    assert!(
        params.starts_with(&format!("{}/s3/cb-shared-s3?", s.emulator.url())),
        "{params}"
    );

    let (address, query) = params.split_once('?').unwrap();
    let mut form = reqwest::multipart::Form::new();
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap();
        let v = percent_encoding::percent_decode_str(v).decode_utf8().unwrap();
        form = form.text(k.to_owned(), v.into_owned());
    }
    form = form.part("file", reqwest::multipart::Part::bytes(b"PNG!".to_vec()));
    let upload = s.send(s.http.post(address).multipart(form)).await.expect(201);
    let location = format!("<Location>{}/s3/cb-shared-s3/{uid}</Location>", s.emulator.url());
    assert!(upload.text.contains(&location), "{}", upload.text);

    let blob_id = blob["id"].as_i64().unwrap();
    s.call(
        "PUT",
        &format!("/blobs/{blob_id}/complete"),
        Some(&token),
        Some(json!({"blob": {"size": 4}})),
    )
    .await
    .expect(200);
    let object = s.get(&format!("/blobs/{uid}/object"), &token).await.expect(200);
    let read_url = object.json["blob_object_access"]["params"].as_str().unwrap().to_owned();
    assert!(read_url.starts_with("https://"), "{read_url}");
    let redirect = s.get(&format!("/blobs/{uid}/download"), &token).await.expect(301);
    assert!(redirect.header("location").unwrap().starts_with("https://"));
    let bytes = s.send(s.http.get(&read_url)).await.expect(200);
    assert_eq!(bytes.text, "PNG!");

    // The Host a client used is the host of the URLs it gets back.
    let via_localhost = s.emulator.url().replace("127.0.0.1", "localhost");
    let resp = s
        .send(
            s.http
                .post(format!("{via_localhost}/blobs"))
                .header("CB-Token", &token)
                .json(&json!({"blob": {"content_type": "image/png", "name": "b.png"}})),
        )
        .await
        .expect(201);
    let params = resp.json["blob"]["blob_object_access"]["params"].as_str().unwrap();
    assert!(params.starts_with(&format!("{via_localhost}/s3/")), "{params}");
}

/// `GET /__emulator/stats` through `s.http`'s one pooled connection (opened before).
async fn connection_stats(s: &Server) -> Value {
    let stats = s.control("GET", "stats", None).await;
    json!({"connections": stats["connections"], "tls_handshakes": stats["tls_handshakes"]})
}

#[tokio::test]
async fn a_client_that_refuses_the_certificate_is_one_failed_handshake() {
    let pki = TestPki::generate().unwrap();
    let s = start_https(&pki).await;
    s.control("POST", "reset", None).await;
    assert_eq!(
        connection_stats(&s).await,
        json!({"connections": 0, "tls_handshakes": {"completed": 0, "failed": 0}})
    );
    // A client that trusts another CA.
    let stranger = https_client(&TestPki::generate().unwrap().ca_cert_pem);
    let error = stranger.get(s.url("/__emulator/clock")).send().await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    assert_eq!(
        connection_stats(&s).await,
        json!({"connections": 1, "tls_handshakes": {"completed": 0, "failed": 1}})
    );
    // A plain-HTTP client gets nothing either.
    let plain = reqwest::Client::new();
    let http_url = s.url("/__emulator/clock").replace("https://", "http://");
    assert!(plain.get(http_url).send().await.is_err());
    let stats = connection_stats(&s).await;
    assert_eq!(stats["tls_handshakes"], json!({"completed": 0, "failed": 2}), "{stats}");
    // A trusting client: one more completed handshake.
    let friend = https_client(&pki.ca_cert_pem);
    friend.get(s.url("/__emulator/clock")).send().await.unwrap();
    let stats = connection_stats(&s).await;
    assert_eq!(stats["tls_handshakes"], json!({"completed": 1, "failed": 2}), "{stats}");
}

#[tokio::test]
async fn expired_and_misnamed_certificates_are_refused_by_clients() {
    let now = time::OffsetDateTime::now_utc();
    let expired = CertOptions {
        not_before: now - time::Duration::days(30),
        not_after: now - time::Duration::days(1),
        ..CertOptions::default()
    };
    let misnamed = CertOptions {
        hosts: vec!["other.example".to_owned()],
        ..CertOptions::default()
    };
    for options in [expired, misnamed] {
        let pki = TestPki::generate_with(&options).unwrap();
        let s = start_https(&pki).await;
        let error = s.http.get(s.url("/__emulator/clock")).send().await.unwrap_err();
        assert!(error.is_connect(), "{options:?}: {error:?}");
    }
}

#[tokio::test]
async fn an_unusable_identity_is_an_error_at_start() {
    let pki = TestPki::generate().unwrap();
    let other = TestPki::generate().unwrap();
    for tls in [
        TlsIdentity {
            cert_chain_pem: pki.server.cert_chain_pem.clone(),
            private_key_pem: other.server.private_key_pem.clone(),
        },
        TlsIdentity {
            cert_chain_pem: String::new(),
            private_key_pem: pki.server.private_key_pem.clone(),
        },
    ] {
        let config = EmulatorConfig {
            tls: Some(tls),
            ..EmulatorConfig::default()
        };
        let error = Emulator::start(config).await.err().unwrap();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{error}");
    }
}

#[tokio::test]
async fn a_handshake_that_never_finishes_is_cut_off_by_the_header_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let pki = TestPki::generate().unwrap();
    let s = start_https_with(&pki, |c| c.header_read_timeout = std::time::Duration::from_millis(500)).await;
    s.control("POST", "reset", None).await;
    let mut silent = tokio::net::TcpStream::connect(s.emulator.local_addr()).await.unwrap();
    let mut partial = tokio::net::TcpStream::connect(s.emulator.local_addr()).await.unwrap();
    // The first bytes of a TLS record header: a ClientHello that never comes.
    partial.write_all(&[0x16, 0x03, 0x01]).await.unwrap();
    for stream in [&mut silent, &mut partial] {
        let mut sink = Vec::new();
        let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read_to_end(&mut sink)).await;
        assert!(read.is_ok(), "the connection was held for 5 s");
    }
    let stats = connection_stats(&s).await;
    assert_eq!(
        stats,
        json!({"connections": 2, "tls_handshakes": {"completed": 0, "failed": 1}}),
        "a bare connect is no handshake"
    );
}
