//! HTTPS: the server's certificate chain and key ([`TlsIdentity`]), and a throwaway test
//! PKI ([`TestPki`]) — a fresh CA and a server certificate it signs — for tests of any
//! crate and for `--generate-tls`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use connectycube_emulator::{Emulator, EmulatorConfig, tls::TestPki};
//! let pki = TestPki::generate()?;
//! let config = EmulatorConfig { tls: Some(pki.server.clone()), ..EmulatorConfig::default() };
//! let emulator = Emulator::start(config).await?;   // https://127.0.0.1:PORT
//! // Clients trust `pki.ca_cert_pem`.
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use time::{Duration, OffsetDateTime};
use tokio_rustls::TlsAcceptor;

/// What a server presents: its certificate chain (leaf first) and private key, both PEM.
#[derive(Clone)]
pub struct TlsIdentity {
    /// The server certificate, then any intermediates, as PEM.
    pub cert_chain_pem: String,
    /// The server certificate's private key, as PEM (PKCS#8, PKCS#1 or SEC1).
    pub private_key_pem: String,
}

impl std::fmt::Debug for TlsIdentity {
    // The key never appears in Debug output (the config is logged at start-up).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let certificates = CertificateDer::pem_slice_iter(self.cert_chain_pem.as_bytes()).count();
        f.debug_struct("TlsIdentity")
            .field("cert_chain_pem", &format_args!("<{certificates} certificate(s)>"))
            .field("private_key_pem", &"<redacted>")
            .finish()
    }
}

impl TlsIdentity {
    /// Checks that the chain and key parse and belong together, as the server needs them.
    pub fn validate(&self) -> Result<(), TlsError> {
        acceptor(self).map(|_| ())
    }
}

/// Why a certificate could not be made, read or used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsError(String);

impl TlsError {
    fn new(context: &str, error: impl std::fmt::Display) -> Self {
        Self(format!("{context}: {error}"))
    }
}

impl std::fmt::Display for TlsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TlsError {}

/// The server certificate a [`TestPki`] issues.
#[derive(Clone, Debug)]
pub struct CertOptions {
    /// Names and addresses the certificate is valid for (IP addresses become IP SANs).
    pub hosts: Vec<String>,
    /// Start of the certificate's validity.
    pub not_before: OffsetDateTime,
    /// End of the certificate's validity (in the past for an expired-certificate test).
    pub not_after: OffsetDateTime,
}

impl Default for CertOptions {
    /// `localhost`, `127.0.0.1` and `::1`, from a day ago to a year from now.
    fn default() -> Self {
        let now = OffsetDateTime::now_utc();
        Self {
            hosts: ["localhost", "127.0.0.1", "::1"].map(str::to_owned).to_vec(),
            not_before: now - Duration::days(1),
            not_after: now + Duration::days(365),
        }
    }
}

/// A throwaway CA and a server certificate it signed. Every call makes a new CA, so a
/// test can make a second one that its client does not trust. The CA's key is dropped:
/// nothing else can ever be signed by it.
#[derive(Clone, Debug)]
pub struct TestPki {
    /// The CA certificate clients trust, as PEM.
    pub ca_cert_pem: String,
    /// The server certificate the CA signed, with its key: what the emulator presents.
    pub server: TlsIdentity,
}

impl TestPki {
    /// A fresh CA and a server certificate for the default [`CertOptions`].
    pub fn generate() -> Result<Self, TlsError> {
        Self::generate_with(&CertOptions::default())
    }

    /// A fresh CA and a server certificate as `options` say: for other hosts, expired, …
    /// The CA itself is valid now, so only the server certificate is at fault.
    pub fn generate_with(options: &CertOptions) -> Result<Self, TlsError> {
        let now = OffsetDateTime::now_utc();
        let ca_key = KeyPair::generate().map_err(|e| TlsError::new("CA key", e))?;
        let mut ca = CertificateParams::default();
        ca.distinguished_name
            .push(DnType::CommonName, "connectycube-emulator test CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        ca.not_before = options.not_before.min(now - Duration::days(1));
        ca.not_after = options.not_after.max(now + Duration::days(3650));
        let ca_cert = ca
            .self_signed(&ca_key)
            .map_err(|e| TlsError::new("CA certificate", e))?;
        let issuer = Issuer::new(ca, ca_key);

        let key = KeyPair::generate().map_err(|e| TlsError::new("server key", e))?;
        let mut server = CertificateParams::new(options.hosts.clone()).map_err(|e| TlsError::new("server names", e))?;
        let common_name = options.hosts.first().map_or("connectycube-emulator", String::as_str);
        server.distinguished_name.push(DnType::CommonName, common_name);
        server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        server.use_authority_key_identifier_extension = true;
        server.not_before = options.not_before;
        server.not_after = options.not_after;
        let cert = server
            .signed_by(&key, &issuer)
            .map_err(|e| TlsError::new("server certificate", e))?;
        Ok(Self {
            ca_cert_pem: ca_cert.pem(),
            server: TlsIdentity {
                cert_chain_pem: cert.pem(),
                private_key_pem: key.serialize_pem(),
            },
        })
    }

    /// `--generate-tls DIR`: the PKI in `DIR/ca.pem`, `DIR/cert.pem` and `DIR/key.pem` when
    /// all three exist, else a new one for `options` written there (the key readable by its
    /// owner only). The flag says whether it was generated.
    pub fn load_or_generate(dir: &Path, options: &CertOptions) -> Result<(Self, bool), TlsError> {
        let [ca, cert, key] = Self::files(dir);
        if ca.is_file() && cert.is_file() && key.is_file() {
            let read = |path: &Path| {
                std::fs::read_to_string(path).map_err(|e| TlsError::new(&format!("cannot read {}", path.display()), e))
            };
            let pki = Self {
                ca_cert_pem: read(&ca)?,
                server: TlsIdentity {
                    cert_chain_pem: read(&cert)?,
                    private_key_pem: read(&key)?,
                },
            };
            return Ok((pki, false));
        }
        let pki = Self::generate_with(options)?;
        let write = |path: &Path, text: &str, private: bool| {
            write_file(path, text, private).map_err(|e| TlsError::new(&format!("cannot write {}", path.display()), e))
        };
        std::fs::create_dir_all(dir).map_err(|e| TlsError::new(&format!("cannot create {}", dir.display()), e))?;
        write(&key, &pki.server.private_key_pem, true)?;
        write(&cert, &pki.server.cert_chain_pem, false)?;
        write(&ca, &pki.ca_cert_pem, false)?;
        Ok((pki, true))
    }

    /// `DIR/ca.pem`, `DIR/cert.pem`, `DIR/key.pem`.
    pub fn files(dir: &Path) -> [PathBuf; 3] {
        ["ca.pem", "cert.pem", "key.pem"].map(|name| dir.join(name))
    }
}

fn write_file(path: &Path, text: &str, private: bool) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        // `mode` applies only to a new file; an old one may have been readable.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        return file.write_all(text.as_bytes());
    }
    let _ = private;
    options.open(path)?.write_all(text.as_bytes())
}

/// The acceptor for an identity: rustls on ring, TLS 1.2 and 1.3, ALPN `http/1.1`.
pub(crate) fn acceptor(identity: &TlsIdentity) -> Result<TlsAcceptor, TlsError> {
    let chain = CertificateDer::pem_slice_iter(identity.cert_chain_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::new("certificate chain PEM", e))?;
    if chain.is_empty() {
        return Err(TlsError("certificate chain PEM: no certificate in it".to_owned()));
    }
    let key = PrivateKeyDer::from_pem_slice(identity.private_key_pem.as_bytes())
        .map_err(|e| TlsError::new("private key PEM", e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::new("TLS versions", e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| TlsError::new("certificate and key", e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_identity_is_usable_and_its_key_stays_out_of_debug() {
        let pki = TestPki::generate().unwrap();
        assert!(pki.ca_cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        pki.server.validate().unwrap();
        let debug = format!("{:?}", pki.server);
        assert!(!debug.contains("PRIVATE KEY"), "{debug}");
        assert!(debug.contains("<1 certificate(s)>"), "{debug}");
        assert_ne!(TestPki::generate().unwrap().ca_cert_pem, pki.ca_cert_pem);
    }

    #[test]
    fn a_wrong_key_or_garbage_is_an_error() {
        let a = TestPki::generate().unwrap();
        let b = TestPki::generate().unwrap();
        let mismatched = TlsIdentity {
            cert_chain_pem: a.server.cert_chain_pem.clone(),
            private_key_pem: b.server.private_key_pem,
        };
        assert!(mismatched.validate().is_err());
        let garbage = TlsIdentity {
            cert_chain_pem: "not a certificate".to_owned(),
            private_key_pem: a.server.private_key_pem,
        };
        assert!(garbage.validate().unwrap_err().to_string().contains("no certificate"));
    }
}
