//! The SDK over TLS against the emulator serving HTTPS with throwaway certificates: the
//! whole documented flow when the app trusts the CA (or pins the key), and a typed `Tls`
//! error after exactly one handshake — no retry, no plain-HTTP fallback — for an untrusted
//! CA, a wrong host name, an expired certificate and a pin mismatch.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing, with its message")]

use std::sync::Arc;
use std::time::Duration;

use connectycube::{ConnectyCube, Credentials, Error, NewUser, RetryConfig, Upload, UserFields, UserUpdate};
use connectycube_emulator::tls::{CertOptions, TestPki};
use connectycube_emulator::{Emulator, EmulatorConfig};
use connectycube_transport::SpkiPin;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde_json::Value;

async fn https_emulator(pki: &TestPki) -> Emulator {
    Emulator::start(EmulatorConfig {
        tls: Some(pki.server.clone()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap()
}

/// A raw client that trusts `pki`'s CA, for the control API and for reading files.
fn raw(pki: &TestPki) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(pki.ca_cert_pem.as_bytes()) {
        roots.add(certificate.unwrap()).unwrap();
    }
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .build()
        .unwrap()
}

/// The emulator's counters, read by a client that verifies nothing: the certificate may be
/// one no client should accept (that is the test), and the control API is ours.
async fn stats(emulator: &Emulator) -> Value {
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAnything))
        .with_no_client_auth();
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .build()
        .unwrap();
    let url = format!("{}/__emulator/stats", emulator.url());
    http.get(url).send().await.unwrap().json().await.unwrap()
}

#[derive(Debug)]
struct AcceptAnything;

impl rustls::client::danger::ServerCertVerifier for AcceptAnything {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Retries on, so a test would see them if a TLS failure were retried.
fn client(emulator: &Emulator) -> connectycube::ConnectyCubeBuilder {
    ConnectyCube::builder(1, EmulatorConfig::DEFAULT_AUTH_KEY)
        .api_endpoint(emulator.url())
        .retry(RetryConfig {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(100),
        })
}

fn pin_of(pki: &TestPki) -> String {
    let certificate = CertificateDer::pem_slice_iter(pki.server.cert_chain_pem.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    SpkiPin::of_certificate(&certificate).unwrap().to_string()
}

#[tokio::test]
async fn the_documented_flow_over_tls() {
    let pki = TestPki::generate().unwrap();
    let emulator = https_emulator(&pki).await;
    assert!(emulator.url().starts_with("https://"));
    let cc = client(&emulator)
        .add_root_certificates_pem(&pki.ca_cert_pem)
        .retain_credentials(true)
        .build()
        .unwrap();

    let created = cc
        .users()
        .sign_up(NewUser::with_login("tls_user", "password1"))
        .await
        .unwrap();
    let session = cc
        .auth()
        .create_session(Some(Credentials::login("tls_user", "password1")))
        .await
        .unwrap();
    assert_eq!(session.user_id, Some(created.id));
    let update = UserUpdate {
        fields: UserFields {
            full_name: Some("Over TLS".into()),
            ..UserFields::default()
        },
        ..UserUpdate::default()
    };
    assert_eq!(
        cc.users().update(update).await.unwrap().full_name.as_deref(),
        Some("Over TLS")
    );
    assert_eq!(cc.users().get_by_login("tls_user").await.unwrap().id, created.id);

    // The upload address the emulator hands out is https too: the file goes over TLS.
    let image = vec![42u8; 10_000];
    let (blob, user) = cc
        .storage()
        .set_avatar(Upload::new(image.clone(), "me.png", "image/png"))
        .await
        .unwrap();
    assert_eq!(user.avatar.as_deref(), Some(blob.uid.as_str()));
    let private = cc.storage().private_url(&blob.uid).unwrap();
    assert!(private.starts_with("https://"), "{private}");
    let bytes = raw(&pki).get(private).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), image.as_slice());

    cc.auth().sign_out().await.unwrap();
    cc.auth().destroy_session().await.unwrap();
    let stats = stats(&emulator).await;
    assert_eq!(stats["tls_handshakes"]["failed"], 0, "{stats}");
}

#[tokio::test]
async fn a_pinned_key_is_accepted() {
    let pki = TestPki::generate().unwrap();
    let emulator = https_emulator(&pki).await;
    let cc = client(&emulator)
        .add_root_certificates_pem(&pki.ca_cert_pem)
        .pin_public_key("sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        .pin_public_key(pin_of(&pki))
        .build()
        .unwrap();
    cc.auth().create_session(None).await.unwrap();
}

/// One call against a certificate the client refuses: a `Tls` error, one TCP connection,
/// one failed handshake, no HTTP request.
async fn refused_once(cc: &ConnectyCube, emulator: &Emulator) -> String {
    let error = cc.auth().create_session(None).await.unwrap_err();
    let Error::Tls(reason) = &error else {
        panic!("expected a TLS error, got {error:?}");
    };
    assert_eq!(error.code(), "tls");
    let stats = stats(emulator).await;
    assert_eq!(stats["tls_handshakes"]["failed"], 1, "{stats}");
    // Ours plus the control API's one: no retry, no second try over plain HTTP.
    assert_eq!(stats["connections"], 2, "{stats}");
    assert_eq!(stats["total"], 0, "{stats}");
    reason.clone()
}

#[tokio::test]
async fn an_untrusted_ca_is_a_tls_error_after_one_handshake() {
    let pki = TestPki::generate().unwrap();
    let emulator = https_emulator(&pki).await;
    let cc = client(&emulator).build().unwrap();
    let reason = refused_once(&cc, &emulator).await;
    assert!(reason.contains("not signed by a trusted root"), "{reason}");
}

#[tokio::test]
async fn another_ca_than_the_servers_is_not_enough() {
    let pki = TestPki::generate().unwrap();
    let emulator = https_emulator(&pki).await;
    let other = TestPki::generate().unwrap();
    let cc = client(&emulator)
        .add_root_certificates_pem(&other.ca_cert_pem)
        .build()
        .unwrap();
    let reason = refused_once(&cc, &emulator).await;
    assert!(reason.contains("not signed by a trusted root"), "{reason}");
}

/// The reason a client trusting the CA gives for refusing a server certificate issued with
/// `options`.
async fn refusal_of(options: CertOptions) -> String {
    let pki = TestPki::generate_with(&options).unwrap();
    let emulator = https_emulator(&pki).await;
    let cc = client(&emulator)
        .add_root_certificates_pem(&pki.ca_cert_pem)
        .build()
        .unwrap();
    refused_once(&cc, &emulator).await
}

#[tokio::test]
async fn a_wrong_host_name_is_a_tls_error_after_one_handshake() {
    let reason = refusal_of(CertOptions {
        hosts: vec!["api.other.example".into()],
        ..CertOptions::default()
    })
    .await;
    assert!(reason.contains("not valid for this host name"), "{reason}");
}

#[tokio::test]
async fn an_expired_certificate_is_a_tls_error_after_one_handshake() {
    let now = time::OffsetDateTime::now_utc();
    let reason = refusal_of(CertOptions {
        not_before: now - time::Duration::days(30),
        not_after: now - time::Duration::days(1),
        ..CertOptions::default()
    })
    .await;
    assert!(reason.contains("has expired"), "{reason}");
}

#[tokio::test]
async fn a_pin_mismatch_is_a_tls_error_after_one_handshake() {
    let pki = TestPki::generate().unwrap();
    let emulator = https_emulator(&pki).await;
    let other = TestPki::generate().unwrap();
    let cc = client(&emulator)
        .add_root_certificates_pem(&pki.ca_cert_pem)
        .pin_public_key(pin_of(&other))
        .build()
        .unwrap();
    let reason = refused_once(&cc, &emulator).await;
    assert_eq!(reason, "the server's public key matches none of the pinned keys");
}

#[test]
fn bad_tls_settings_are_refused_when_the_client_is_built() {
    for pem in [
        "not a certificate",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ] {
        let error = ConnectyCube::builder(1, "key")
            .add_root_certificates_pem(pem)
            .build()
            .unwrap_err();
        assert_eq!(error.code(), "invalid_input");
        assert!(error.to_string().contains("extra root certificates"), "{error}");
    }
    let error = ConnectyCube::builder(1, "key")
        .pin_public_key("md5/abc")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("public-key pin"), "{error}");
}
