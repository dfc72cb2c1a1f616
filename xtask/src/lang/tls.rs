//! The HTTPS emulator the bindings' TLS tests run against: `connectycube-emulator
//! --generate-tls DIR` (a throwaway CA and a server certificate for 127.0.0.1, kept in DIR and
//! reused), its address, the CA file a test trusts, and the pin of the server's key.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use connectycube_transport::SpkiPin;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

const LISTENING: &str = "connectycube-emulator listening on https://";
const CA_LINE: &str = "CA certificate: ";
const READY_TIMEOUT: Duration = Duration::from_secs(30);

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
    child: Child,
    pub endpoint: TlsEndpoint,
}

impl TlsEmulator {
    /// Starts `binary --port 0 --generate-tls dir` and waits for its address and CA file.
    pub fn start(binary: &Path, dir: &Path) -> Result<Self> {
        let mut child = Command::new(binary)
            .args(["--port", "0", "--generate-tls"])
            .arg(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let Some(stdout) = child.stdout.take() else {
            kill(&mut child);
            bail!("the HTTPS emulator's stdout was not captured");
        };
        // A thread hands over the lines up to the CA file's, then drains the rest so the
        // emulator never blocks on a full pipe; the channel gives a timeout.
        let (lines, received) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut line = String::new();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        let last = line.starts_with(CA_LINE);
                        if lines.send(line).is_err() || last {
                            break;
                        }
                    }
                }
            }
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let (mut url, mut ca_file) = (None, None);
        while url.is_none() || ca_file.is_none() {
            let line = match received.recv_timeout(READY_TIMEOUT) {
                Ok(line) => line,
                Err(_) => {
                    kill(&mut child);
                    bail!(
                        "the HTTPS emulator did not print its address and CA file within {READY_TIMEOUT:?} \
                         (an emulator without --generate-tls?)"
                    );
                }
            };
            let line = line.trim_end();
            if let Some(address) = line.strip_prefix(LISTENING) {
                url = Some(format!("https://{}", address.trim_end_matches('/')));
            } else if let Some(path) = line.strip_prefix(CA_LINE) {
                ca_file = Some(PathBuf::from(path));
            }
        }
        let (Some(url), Some(ca_file)) = (url, ca_file) else {
            unreachable!("the loop ends only with both");
        };
        let pin = match pin_of_first_certificate(&dir.join("cert.pem")) {
            Ok(pin) => pin,
            Err(error) => {
                kill(&mut child);
                return Err(error);
            }
        };
        Ok(Self {
            child,
            endpoint: TlsEndpoint { url, ca_file, pin },
        })
    }
}

impl Drop for TlsEmulator {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

fn kill(child: &mut Child) {
    // Either may fail if it already exited; there is nothing more to do then.
    let _ = child.kill();
    let _ = child.wait();
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
