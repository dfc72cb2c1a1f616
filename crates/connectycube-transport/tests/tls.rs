//! TLS as the transport judges it, against a local HTTPS server with throwaway
//! certificates: the bundled roots do not trust it, an extra root does; a wrong host name,
//! an expired certificate or a pin mismatch each end in `TransportError::Tls` with words
//! an app developer can act on, after one handshake.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing, with its message")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use connectycube_transport::{
    HttpRequest, Method, ReqwestTransport, SpkiPin, TlsOptions, Transport, TransportConfig, TransportError,
};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

struct Pki {
    ca_pem: String,
    cert: CertificateDer<'static>,
    key: KeyPair,
}

fn pki(hosts: &[&str], expired: bool) -> Pki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let mut params = CertificateParams::new(hosts.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>()).unwrap();
    let now = time::OffsetDateTime::now_utc();
    if expired {
        params.not_before = now - time::Duration::days(30);
        params.not_after = now - time::Duration::days(1);
    } else {
        params.not_before = now - time::Duration::days(1);
        params.not_after = now + time::Duration::days(30);
    }
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &ca).unwrap();
    Pki {
        ca_pem: ca.pem(),
        cert: cert.der().clone(),
        key,
    }
}

/// An HTTPS server answering `200 {}` to every request; counts TCP connections (each one
/// is one handshake attempt).
async fn https_server(pki: &Pki) -> (String, Arc<AtomicU64>) {
    let key = PrivateKeyDer::from_pem_slice(pki.key.serialize_pem().as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![pki.cert.clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicU64::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            counter.fetch_add(1, Ordering::Relaxed);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let mut request = vec![0; 4096];
                let _ = tls.read(&mut request).await;
                let _ = tls
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (format!("https://localhost:{port}/session"), connections)
}

fn transport(tls: TlsOptions) -> ReqwestTransport {
    ReqwestTransport::new(TransportConfig {
        tls,
        ..TransportConfig::default()
    })
    .unwrap()
}

fn trusting(pki: &Pki) -> TlsOptions {
    let mut tls = TlsOptions::default();
    assert_eq!(tls.add_roots_pem(pki.ca_pem.as_bytes()).unwrap(), 1);
    tls
}

async fn tls_error(transport: &ReqwestTransport, url: &str) -> String {
    match transport.send(HttpRequest::new(Method::GET, url)).await {
        Err(TransportError::Tls(reason)) => reason,
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_extra_root_makes_the_server_trusted() {
    let pki = pki(&["localhost"], false);
    let (url, _) = https_server(&pki).await;
    let response = transport(trusting(&pki))
        .send(HttpRequest::new(Method::GET, &url))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(&response.body[..], b"{}");
}

#[tokio::test]
async fn an_untrusted_ca_is_a_tls_error_after_one_handshake() {
    let pki = pki(&["localhost"], false);
    let (url, connections) = https_server(&pki).await;
    let error = transport(TlsOptions::default())
        .send(HttpRequest::new(Method::GET, &url))
        .await
        .unwrap_err();
    assert!(matches!(error, TransportError::Tls(_)), "{error:?}");
    assert!(!error.is_transient(), "a certificate does not fix itself");
    assert!(!error.may_have_reached_server());
    assert!(error.to_string().contains("not signed by a trusted root"), "{error}");
    assert_eq!(connections.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn a_wrong_host_name_is_a_tls_error() {
    let pki = pki(&["other.example"], false);
    let (url, _) = https_server(&pki).await;
    let reason = tls_error(&transport(trusting(&pki)), &url).await;
    assert!(reason.contains("not valid for this host name"), "{reason}");
}

#[tokio::test]
async fn an_expired_certificate_is_a_tls_error() {
    let pki = pki(&["localhost"], true);
    let (url, _) = https_server(&pki).await;
    let reason = tls_error(&transport(trusting(&pki)), &url).await;
    assert!(reason.contains("has expired"), "{reason}");
}

#[tokio::test]
async fn pins_accept_the_pinned_key_and_refuse_any_other() {
    let pki = pki(&["localhost"], false);
    let (url, connections) = https_server(&pki).await;
    let right = SpkiPin::of_certificate(&pki.cert).unwrap();
    let wrong = SpkiPin::parse("sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").unwrap();

    let mut tls = trusting(&pki);
    tls.pins = vec![wrong, right];
    let response = transport(tls).send(HttpRequest::new(Method::GET, &url)).await.unwrap();
    assert_eq!(response.status, 200);

    let mut tls = trusting(&pki);
    tls.pins = vec![wrong];
    let pinned = transport(tls);
    let before = connections.load(Ordering::Relaxed);
    let reason = tls_error(&pinned, &url).await;
    assert_eq!(reason, "the server's public key matches none of the pinned keys");
    assert_eq!(connections.load(Ordering::Relaxed), before + 1);
    // Checked on every new connection, not once per transport.
    let reason = tls_error(&pinned, &url).await;
    assert_eq!(reason, "the server's public key matches none of the pinned keys");
}

#[tokio::test]
async fn a_pin_never_makes_an_untrusted_chain_acceptable() {
    let pki = pki(&["localhost"], false);
    let (url, _) = https_server(&pki).await;
    let tls = TlsOptions {
        pins: vec![SpkiPin::of_certificate(&pki.cert).unwrap()],
        ..TlsOptions::default()
    };
    let reason = tls_error(&transport(tls), &url).await;
    assert!(reason.contains("not signed by a trusted root"), "{reason}");
}
