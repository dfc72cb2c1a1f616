//! [`Transport`] over `reqwest`: one shared client with a keep-alive connection pool,
//! connect and per-attempt timeouts, TLS by rustls (ring, bundled Mozilla roots plus the
//! app's extra roots and pins), response bodies read up to a cap.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::stream;
use http::header::CONTENT_TYPE;
use rand::Rng;

use crate::error::TransportError;
use crate::multipart::CHUNK;
use crate::request::{HttpRequest, HttpResponse, RequestBody};
use crate::resolve::ThreadResolver;
use crate::tls::{TlsOptions, client_config, describe};
use crate::transport::Transport;

/// The default cap on a response body. The largest answer of the API (a page of 100 users
/// with their custom data) is far below it; a hostile or broken server cannot make the app
/// hold more.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

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
    /// The largest response body read; a longer one (or an endless one) ends the exchange
    /// with [`TransportError::ResponseTooLarge`] once this many bytes arrived.
    pub max_response_bytes: usize,
    /// Extra roots and public-key pins.
    pub tls: TlsOptions,
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
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            tls: TlsOptions::default(),
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
    max_response_bytes: usize,
    in_flight: Arc<tokio::sync::Semaphore>,
}

impl ReqwestTransport {
    /// A transport with its own connection pool.
    ///
    /// # Errors
    ///
    /// [`TransportError::InvalidRequest`] when an extra root in the TLS options is not a
    /// usable certificate or the HTTP client cannot be built.
    pub fn new(config: TransportConfig) -> Result<Self, TransportError> {
        let tls = client_config(&config.tls).map_err(|e| TransportError::InvalidRequest(e.to_string()))?;
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
            .dns_resolver(Arc::new(ThreadResolver))
            .build()
            .map_err(|e| TransportError::InvalidRequest(e.without_url().to_string()))?;
        let in_flight = Arc::new(tokio::sync::Semaphore::new(config.max_in_flight.max(1)));
        Ok(Self {
            client,
            default_timeout: config.default_timeout,
            max_response_bytes: config.max_response_bytes,
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
        let body = read_capped(response, self.max_response_bytes).await?;
        Ok(HttpResponse { status, headers, body })
    }

    /// reqwest's per-request timeout covers connecting, sending and reading the body.
    fn enforces_timeout(&self) -> bool {
        true
    }
}

/// Reads the body as it streams in, counting: an announced or actual length past `limit`
/// ends the exchange there (dropping the response closes the connection), so an endless
/// body costs at most `limit` bytes of memory.
async fn read_capped(mut response: reqwest::Response, limit: usize) -> Result<Bytes, TransportError> {
    let too_large = || TransportError::ResponseTooLarge { limit };
    let announced = response.content_length();
    if announced.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    // The usual small answer arrives in one chunk and is kept as it is, without a copy.
    let mut first: Option<Bytes> = None;
    let mut rest = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        let received = first.as_ref().map_or(0, Bytes::len) + rest.len();
        if chunk.len() > limit - received {
            return Err(too_large());
        }
        match first.take() {
            None if rest.is_empty() => first = Some(chunk),
            earlier => {
                if let Some(earlier) = earlier {
                    rest.extend_from_slice(&earlier);
                }
                rest.extend_from_slice(&chunk);
            }
        }
    }
    Ok(first.unwrap_or_else(|| rest.freeze()))
}

/// Maps reqwest's error to what the caller needs to know: did the request leave, can a
/// retry help. The URL (which may hold a token) is dropped from the message.
fn classify(error: reqwest::Error) -> TransportError {
    let error = error.without_url();
    if let Some(tls) = tls_cause(&error) {
        return TransportError::Tls(describe(tls));
    }
    let detail = root_cause(&error);
    if error.is_builder() {
        return TransportError::InvalidRequest(detail);
    }
    if error.is_connect() {
        return TransportError::Connect(detail);
    }
    if error.is_timeout() {
        return TransportError::Timeout;
    }
    if closed_by_peer(&error) {
        return TransportError::Closed(detail);
    }
    TransportError::Io(detail)
}

/// Whether the chain shows the server ending the connection: hyper's incomplete message,
/// or a reset, abort, broken pipe or early end of stream from the socket.
fn closed_by_peer(error: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind;
    let mut source = Some(error);
    while let Some(current) = source {
        if current
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_incomplete_message)
        {
            return true;
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::BrokenPipe
                    | ErrorKind::UnexpectedEof
            )
        {
            return true;
        }
        source = next_cause(current);
    }
    false
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut source: &(dyn std::error::Error + 'static) = error;
    while let Some(next) = next_cause(source) {
        source = next;
    }
    source.to_string()
}

/// The rustls error behind a failure, if any.
fn tls_cause<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut source = Some(error);
    while let Some(current) = source {
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        source = next_cause(current);
    }
    None
}

/// The next error down the chain. `io::Error::source()` skips the error it wraps (it
/// answers that error's own source), which hides a rustls error inside an `io::Error`:
/// step into the wrapped error instead.
fn next_cause<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a (dyn std::error::Error + 'static)> {
    match error.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
        Some(inner) => Some(inner),
        None => error.source(),
    }
}
