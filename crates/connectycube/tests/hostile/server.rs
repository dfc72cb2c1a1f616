//! A small server that answers as a broken network or an attacker would: any bytes, a
//! body that never ends, an answer that drips, a hang-up. It records every request it
//! reads, so a test can count what the SDK sent. Plain HTTP, or HTTPS with a throwaway CA.
#![allow(dead_code, reason = "each test file uses a different subset of the helpers")]
#![allow(clippy::unwrap_used, reason = "test harness: a panic is the test failing")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Request {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is(&self, method: &str, path: &str) -> bool {
        self.method == method && self.path() == path
    }
}

/// What the server does with a request.
pub enum Reply {
    /// These bytes, then the connection closes.
    Raw(Vec<u8>),
    /// A head announcing a chunked body, then `chunk` again and again until the client hangs up.
    Endless { head: String, chunk: Vec<u8> },
    /// These bytes one at a time, `every` apart.
    Drip { bytes: Vec<u8>, every: Duration },
    /// The connection closes without an answer.
    Hangup,
}

impl Reply {
    /// A JSON answer with extra headers; `Connection: close` so every request is a new
    /// connection the server can count.
    pub fn json(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        let mut head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body.as_bytes());
        Self::Raw(bytes)
    }

    pub fn endless() -> Self {
        let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
        chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
        chunk.extend_from_slice(b"\r\n");
        Self::Endless {
            head: "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".into(),
            chunk,
        }
    }
}

/// A `POST /session` answer for an application session with this token.
pub fn session(token: &str) -> String {
    format!(
        r#"{{"session":{{"id":7,"application_id":1,"token":{},"user_id":null}}}}"#,
        serde_json::json!(token)
    )
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

pub struct HostileServer {
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    connections: Arc<AtomicUsize>,
    /// Body bytes written by `Endless` answers.
    pub flooded: Arc<AtomicUsize>,
}

impl HostileServer {
    pub async fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_with(None, handler).await
    }

    /// HTTPS with this server certificate chain and key (PEM); the URL names `localhost`.
    pub async fn start_tls(
        identity: &connectycube_emulator::tls::TlsIdentity,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Self {
        use rustls::pki_types::pem::PemObject;
        let chain = rustls::pki_types::CertificateDer::pem_slice_iter(identity.cert_chain_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(identity.private_key_pem.as_bytes()).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        Self::start_with(Some(tokio_rustls::TlsAcceptor::from(Arc::new(config))), handler).await
    }

    async fn start_with(
        tls: Option<tokio_rustls::TlsAcceptor>,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let url = match tls {
            Some(_) => format!("https://localhost:{port}"),
            None => format!("http://127.0.0.1:{port}"),
        };
        let server = Self {
            url,
            requests: Arc::default(),
            connections: Arc::default(),
            flooded: Arc::default(),
        };
        let handler: Arc<Handler> = Arc::new(handler);
        let (requests, connections, flooded) = (
            server.requests.clone(),
            server.connections.clone(),
            server.flooded.clone(),
        );
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                connections.fetch_add(1, Ordering::Relaxed);
                let (handler, requests, flooded, tls) =
                    (handler.clone(), requests.clone(), flooded.clone(), tls.clone());
                tokio::spawn(async move {
                    match tls {
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(socket).await {
                                serve(stream, &*handler, &requests, &flooded).await;
                            }
                        }
                        None => serve(socket, &*handler, &requests, &flooded).await,
                    }
                });
            }
        });
        server
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().clone()
    }

    pub fn count(&self, method: &str, path: &str) -> usize {
        self.requests.lock().iter().filter(|r| r.is(method, path)).count()
    }

    /// TCP connections accepted (over HTTPS, one per handshake attempt).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    handler: &Handler,
    requests: &Mutex<Vec<Request>>,
    flooded: &AtomicUsize,
) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    requests.lock().push(request.clone());
    match handler(&request) {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Endless { head, chunk } => {
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            while stream.write_all(&chunk).await.is_ok() {
                flooded.fetch_add(chunk.len(), Ordering::Relaxed);
            }
        }
        Reply::Drip { bytes, every } => {
            for byte in bytes {
                if stream.write_all(&[byte]).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
                tokio::time::sleep(every).await;
            }
        }
        Reply::Hangup => {}
    }
}

/// Reads one request: the head up to the blank line, then `Content-Length` bytes of body.
async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Request> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let (method, target) = (request_line.next()?.to_owned(), request_line.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Some(Request {
        method,
        target,
        headers,
        body,
        at: Instant::now(),
    })
}
