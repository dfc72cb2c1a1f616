//! [`Transport`] over `reqwest`: one shared client with a keep-alive connection pool,
//! connect and per-attempt timeouts, TLS by rustls (ring, bundled Mozilla roots).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream;
use http::header::CONTENT_TYPE;
use rand::Rng;

use crate::multipart::CHUNK;
use crate::{HttpRequest, HttpResponse, RequestBody, Transport, TransportError};

/// Connection settings of [`ReqwestTransport`].
#[derive(Clone, Debug)]
pub struct TransportConfig {
    /// Bound on establishing a connection (DNS, TCP, TLS).
    pub connect_timeout: Duration,
    /// Bound on one exchange when the request sets none.
    pub default_timeout: Duration,
    /// How long an idle pooled connection is kept for reuse.
    pub pool_idle_timeout: Duration,
    /// Idle connections kept per host.
    pub pool_max_idle_per_host: usize,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Requests in flight at once; more wait their turn. reqwest opens a new connection for
    /// every concurrent request and has no cap of its own, so this bounds the connections.
    pub max_in_flight: usize,
}

impl Default for TransportConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            default_timeout: Duration::from_secs(30),
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 64,
            user_agent: concat!("connectycube-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_in_flight: 64,
        }
    }
}

/// The transport apps use. Cheap to clone: clones share one connection pool.
///
/// reqwest is built with `rustls-no-provider` and this transport hands it a ready TLS
/// configuration (ring, Mozilla roots), so no process-wide state is touched. Another
/// `reqwest::Client` built in the same process *without* its own TLS feature then needs
/// `rustls::crypto::ring::default_provider().install_default()` first.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    default_timeout: Duration,
    in_flight: Arc<tokio::sync::Semaphore>,
}

impl ReqwestTransport {
    pub fn new(config: TransportConfig) -> Result<Self, TransportError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TransportError::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(config.pool_idle_timeout)
            .pool_max_idle_per_host(config.pool_max_idle_per_host)
            .tcp_nodelay(true)
            .user_agent(config.user_agent)
            // The SDK decides what a redirect means (a blob download answers 301).
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(|e| TransportError::InvalidRequest(e.without_url().to_string()))?;
        let in_flight = Arc::new(tokio::sync::Semaphore::new(config.max_in_flight.max(1)));
        Ok(Self {
            client,
            default_timeout: config.default_timeout,
            in_flight,
        })
    }
}

#[async_trait::async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        // Held until the body is read; dropping this future gives the permit back.
        let _permit = self
            .in_flight
            .acquire()
            .await
            .map_err(|_| TransportError::Io("transport closed".into()))?;
        let timeout = request.timeout.unwrap_or(self.default_timeout);
        let mut builder = self
            .client
            .request(request.method, &request.url)
            .headers(request.headers)
            .timeout(timeout);
        builder = match request.body {
            RequestBody::Empty => builder,
            RequestBody::Json(bytes) => builder.header(CONTENT_TYPE, "application/json").body(bytes),
            RequestBody::Form(bytes) => builder
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(bytes),
            RequestBody::Multipart(multipart) => {
                let boundary = format!("cc-rs-{:016x}", rand::rng().random::<u64>());
                let (head, file, tail, content_type) = multipart.encode(&boundary);
                let total = (head.len() + file.len() + tail.len()) as u64;
                let progress = multipart.file.progress.clone();
                let mut chunks = vec![head];
                let mut offset = 0;
                while offset < file.len() {
                    let end = (offset + CHUNK).min(file.len());
                    chunks.push(file.slice(offset..end));
                    offset = end;
                }
                chunks.push(tail);
                let mut sent = 0u64;
                let body = stream::iter(chunks.into_iter().map(move |chunk: Bytes| {
                    sent += chunk.len() as u64;
                    if let Some(progress) = &progress {
                        progress(sent, total);
                    }
                    Ok::<Bytes, std::io::Error>(chunk)
                }));
                builder
                    .header(CONTENT_TYPE, content_type)
                    .header(http::header::CONTENT_LENGTH, total)
                    .body(reqwest::Body::wrap_stream(body))
            }
        };
        let mut response = builder.send().await.map_err(classify)?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await.map_err(classify)?;
        Ok(HttpResponse { status, headers, body })
    }

    /// reqwest's per-request timeout covers connecting, sending and reading the body.
    fn enforces_timeout(&self) -> bool {
        true
    }
}

/// Maps reqwest's error to what the caller needs to know: did the request leave, can a
/// retry help. The URL (which may hold a token) is dropped from the message.
fn classify(error: reqwest::Error) -> TransportError {
    let error = error.without_url();
    let detail = root_cause(&error);
    if error.is_builder() {
        return TransportError::InvalidRequest(detail);
    }
    if is_tls(&error) {
        return TransportError::Tls(detail);
    }
    if error.is_connect() {
        return TransportError::Connect(detail);
    }
    if error.is_timeout() {
        return TransportError::Timeout;
    }
    TransportError::Io(detail)
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut source: &(dyn std::error::Error + 'static) = error;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

fn is_tls(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(error);
    while let Some(current) = source {
        if current.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        source = current.source();
    }
    false
}
