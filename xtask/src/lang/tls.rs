//! The HTTPS emulator the bindings' TLS tests run against: `connectycube-emulator
//! --generate-tls DIR` (a throwaway CA and a server certificate for 127.0.0.1, kept in DIR and
//! reused), its address, the CA file a test trusts, and the pin of the server's key.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use connectycube_transport::SpkiPin;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::emulator_process::EmulatorProcess;

/// What a language's TLS tests are given (as `CONNECTYCUBE_TLS_*` variables, [`Self::env`]).
#[derive(Clone, Debug)]
pub struct TlsEndpoint {
    /// `https://127.0.0.1:PORT`
    pub url: String,
    /// The PEM of the CA that signed the emulator's certificate.
    pub ca_file: PathBuf,
    /// `sha256/BASE64` of the server certificate's public key.
    pub pin: String,
}

impl TlsEndpoint {
    /// The variables the tests read.
    pub fn env(&self) -> [(&'static str, String); 3] {
        [
            ("CONNECTYCUBE_TLS_API_ENDPOINT", self.url.clone()),
            ("CONNECTYCUBE_TLS_CA_CERT", self.ca_file.to_string_lossy().into_owned()),
            ("CONNECTYCUBE_TLS_PIN", self.pin.clone()),
        ]
    }
}

/// The emulator serving HTTPS, killed on drop.
pub struct TlsEmulator {
    _process: EmulatorProcess,
    pub endpoint: TlsEndpoint,
}

impl TlsEmulator {
    /// Starts `binary --port 0 --generate-tls dir` and waits for its address and CA file.
    pub fn start(binary: &Path, dir: &Path) -> Result<Self> {
        let process = EmulatorProcess::start_tls(binary, dir, &[])?;
        let ca_file = process.ca_file.clone().context("the HTTPS emulator named no CA file")?;
        let pin = pin_of_first_certificate(&dir.join("cert.pem"))?;
        Ok(Self {
            endpoint: TlsEndpoint {
                url: process.url.clone(),
                ca_file,
                pin,
            },
            _process: process,
        })
    }
}

/// `sha256/BASE64` of the public key of the first certificate in a PEM file.
pub fn pin_of_first_certificate(pem_file: &Path) -> Result<String> {
    let certificate = CertificateDer::from_pem_file(pem_file)
        .with_context(|| format!("no PEM certificate in {}", pem_file.display()))?;
    let pin = SpkiPin::of_certificate(&certificate).with_context(|| format!("in {}", pem_file.display()))?;
    Ok(pin.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A self-signed P-256 certificate (`openssl req -x509 -newkey ec`) and the pin of its key,
    /// computed apart (`openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl
    /// dgst -sha256 -binary | base64`).
    const CERTIFICATE: &str = "-----BEGIN CERTIFICATE-----
MIIBfTCCASOgAwIBAgIUaqnc4PQyN9fwLG5rea0o+zp3baQwCgYIKoZIzj0EAwIw
EzERMA8GA1UEAwwIcGluLnRlc3QwIBcNMjYxMjAxMDUzMzM2WhgPMjEyNjExMDcw
NTMzMzZaMBMxETAPBgNVBAMMCHBpbi50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEviEOa1m5mNVFGYiTDQk8A5vOO0QNhl88h6+XjZbsYUXU+fApHwp/NZg1
xqtu05P62cRXKENAhks8H82f5keKaKNTMFEwHQYDVR0OBBYEFLcLIDnaJLoN6YcY
ynlQGyxhQ0CWMB8GA1UdIwQYMBaAFLcLIDnaJLoN6YcYynlQGyxhQ0CWMA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAPWZqbx3dh3kXD4ZlN3zXmqb
FU/ve+4vRzh1FuBjSp32AiB89srBcriwNHN+vzgpepUwiX1PQzWbHHQvtVuNsxE2
6g==
-----END CERTIFICATE-----
";
    const PIN: &str = "sha256/vjM0fnFXbhn+VbT9xAsAjkFJVNLxL+wku/lSgoEq4yw=";

    #[test]
    fn the_pin_is_the_hash_of_the_first_certificates_key() {
        let dir = std::env::temp_dir().join(format!("xtask-pin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("cert.pem");
        std::fs::write(&file, CERTIFICATE).unwrap();
        let pin = pin_of_first_certificate(&file);
        std::fs::write(&file, "not a certificate").unwrap();
        let refused = pin_of_first_certificate(&file);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(pin.unwrap(), PIN);
        assert!(refused.is_err());
    }
}
