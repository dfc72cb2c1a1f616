//! Which servers the transport trusts: the bundled Mozilla roots plus the app's extra roots
//! (a corporate proxy, a staging server), optionally narrowed by public-key pins in
//! OkHttp's `sha256/BASE64` form.
//!
//! Pins are checked by the certificate verifier, which rustls runs on every full handshake;
//! TLS session resumption is switched off when pins are set, so no connection skips it.

use std::sync::Arc;

use base64::Engine as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{Resumption, verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, Error as TlsError, OtherError, RootCertStore, SignatureScheme};

/// What the app adds to the default trust: extra root certificates and key pins.
#[derive(Clone, Default)]
pub struct TlsOptions {
    /// Trusted as well as the bundled Mozilla roots.
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// When not empty, a server must present a certificate (its own or an intermediate's)
    /// whose public key matches one of these.
    pub pins: Vec<SpkiPin>,
}

impl TlsOptions {
    /// Adds every certificate of a PEM text (`-----BEGIN CERTIFICATE-----` blocks) as a root.
    /// Refuses a text with no certificate or a block that does not decode.
    pub fn add_roots_pem(&mut self, pem: &[u8]) -> Result<usize, TlsConfigError> {
        let mut added = 0;
        // Checked now, so a bad root is an error when the client is built, not a
        // handshake failure later.
        let mut check = RootCertStore::empty();
        for certificate in CertificateDer::pem_slice_iter(pem) {
            let certificate = certificate.map_err(|e| TlsConfigError(format!("unreadable PEM certificate: {e}")))?;
            check
                .add(certificate.clone())
                .map_err(|e| TlsConfigError(format!("not a usable root certificate: {e}")))?;
            self.extra_roots.push(certificate);
            added += 1;
        }
        if added == 0 {
            return Err(TlsConfigError(
                "no PEM certificate found (expected -----BEGIN CERTIFICATE-----)".into(),
            ));
        }
        Ok(added)
    }
}

impl std::fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsOptions")
            .field("extra_roots", &self.extra_roots.len())
            .field("pins", &self.pins)
            .finish()
    }
}

/// A refused TLS setting (a bad PEM text or pin).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TlsConfigError(String);

/// The SHA-256 of a certificate's DER-encoded SubjectPublicKeyInfo (HPKP, OkHttp's
/// `CertificatePinner`): it survives certificate renewals that keep the key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SpkiPin([u8; 32]);

impl SpkiPin {
    /// Reads `sha256/BASE64` (the form `openssl … | base64` and OkHttp print).
    pub fn parse(text: &str) -> Result<Self, TlsConfigError> {
        let text = text.trim();
        let encoded = text
            .strip_prefix("sha256/")
            .ok_or_else(|| TlsConfigError("a pin must read sha256/BASE64 (only SHA-256 pins are supported)".into()))?;
        let digest = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| TlsConfigError("a pin's sha256/ part is not valid base64".into()))?;
        let digest: [u8; 32] = digest
            .try_into()
            .map_err(|_| TlsConfigError("a pin's sha256/ part must decode to 32 bytes".into()))?;
        Ok(Self(digest))
    }

    /// The pin of a DER certificate's public key.
    pub fn of_certificate(certificate: &CertificateDer<'_>) -> Result<Self, TlsConfigError> {
        let parsed = ParsedCertificate::try_from(certificate)
            .map_err(|e| TlsConfigError(format!("unreadable certificate: {e}")))?;
        let spki = parsed.subject_public_key_info();
        let digest = ring::digest::digest(&ring::digest::SHA256, spki.as_ref());
        let mut pin = [0; 32];
        pin.copy_from_slice(digest.as_ref());
        Ok(Self(pin))
    }
}

impl std::fmt::Display for SpkiPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sha256/{}", base64::engine::general_purpose::STANDARD.encode(self.0))
    }
}

// A pin is public (it is the hash of a public key), so it prints as the app wrote it.
impl std::fmt::Debug for SpkiPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// The rustls client configuration for these options.
pub(crate) fn client_config(options: &TlsOptions) -> Result<rustls::ClientConfig, TlsConfigError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for root in &options.extra_roots {
        roots
            .add(root.clone())
            .map_err(|e| TlsConfigError(format!("not a usable root certificate: {e}")))?;
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsConfigError(e.to_string()))?;
    // rustls's own verifier without revocation lists; its builder would link the CRL
    // parser (≈ 15 KB) for lists the SDK never has.
    if options.pins.is_empty() {
        return Ok(builder.with_root_certificates(roots).with_no_client_auth());
    }
    let verifier = PinningVerifier {
        roots: Arc::new(roots),
        pins: options.pins.clone(),
        provider,
    };
    let mut config = builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.resumption = Resumption::disabled();
    Ok(config)
}

/// The standard verification (chain to a trusted root, validity dates, host name), then
/// the pins. A pin never makes an untrusted chain acceptable.
#[derive(Debug)]
struct PinningVerifier {
    roots: Arc<RootCertStore>,
    pins: Vec<SpkiPin>,
    provider: Arc<CryptoProvider>,
}

/// The verification failure a pin mismatch ends in; its text is what the app reads.
#[derive(Debug)]
pub(crate) struct PinMismatch;

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the server's public key matches none of the pinned keys")
    }
}

impl std::error::Error for PinMismatch {}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        let certificate = ParsedCertificate::try_from(end_entity)?;
        verify_server_cert_signed_by_trust_anchor(
            &certificate,
            &self.roots,
            intermediates,
            now,
            self.provider.signature_verification_algorithms.all,
        )?;
        verify_server_name(&certificate, server_name)?;
        let pinned = std::iter::once(end_entity)
            .chain(intermediates)
            .filter_map(|certificate| SpkiPin::of_certificate(certificate).ok())
            .any(|pin| self.pins.contains(&pin));
        if pinned {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(TlsError::InvalidCertificate(CertificateError::Other(OtherError(
                Arc::new(PinMismatch),
            ))))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// A TLS failure, in words an app developer can act on.
pub(crate) fn describe(error: &TlsError) -> String {
    match error {
        TlsError::InvalidCertificate(certificate) => match certificate {
            // A CA of the same name but another key fails on the signature.
            CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                "the server's certificate is not signed by a trusted root (add the CA with the extra root certificates setting if this server is yours)".into()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "the server's certificate is not valid for this host name".into()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "the server's certificate has expired".into()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "the server's certificate is not valid yet (is the device clock right?)".into()
            }
            CertificateError::Revoked => "the server's certificate was revoked".into(),
            CertificateError::Other(other) if other.0.downcast_ref::<PinMismatch>().is_some() => PinMismatch.to_string(),
            other => format!("the server's certificate was refused: {}", TlsError::InvalidCertificate(other.clone())),
        },
        other => format!("the TLS handshake failed: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_read_and_print_in_the_okhttp_form() {
        let text = "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        let pin = SpkiPin::parse(text).unwrap();
        assert_eq!(pin.to_string(), text);
        assert_eq!(format!("{pin:?}"), text);
        for bad in [
            "",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "sha1/AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "sha256/not base64!",
            "sha256/AAAA",
        ] {
            assert!(SpkiPin::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roots_must_be_pem_certificates() {
        let mut options = TlsOptions::default();
        assert!(options.add_roots_pem(b"").is_err());
        assert!(options.add_roots_pem(b"not a certificate").is_err());
        let garbage = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(options.add_roots_pem(garbage).is_err());
        assert!(options.extra_roots.is_empty());
    }
}
