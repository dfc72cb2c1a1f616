//! HTTP for the emulator page's test — chromedriver's WebDriver and the emulator's API —
//! through the workspace's own transport (`connectycube-transport`), on a runtime of its
//! own: xtask is synchronous.

use anyhow::{Context, Result};
use bytes::Bytes;
use connectycube_transport::{
    HeaderName, HeaderValue, HttpRequest, HttpResponse, Method, RequestBody, ReqwestTransport, Transport,
    TransportConfig,
};
use serde_json::Value;

pub use connectycube_transport::{FilePart, MultipartBody};

pub struct PlainHttp {
    runtime: tokio::runtime::Runtime,
    transport: ReqwestTransport,
}

impl PlainHttp {
    pub fn new() -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start a runtime for HTTP")?;
        // reqwest's client registers with the runtime it is built on.
        let transport = runtime
            .block_on(async { ReqwestTransport::new(TransportConfig::default()) })
            .context("cannot build the HTTP client")?;
        Ok(Self { runtime, transport })
    }

    /// One request; a 4xx or 5xx is an answer, not an error.
    pub fn send(&self, method: &str, url: &str, headers: &[(&str, &str)], body: RequestBody) -> Result<HttpResponse> {
        let mut request = HttpRequest::new(
            Method::from_bytes(method.as_bytes()).with_context(|| format!("bad method {method}"))?,
            url,
        );
        for (name, value) in headers {
            request.headers.insert(
                HeaderName::from_bytes(name.as_bytes()).with_context(|| format!("bad header name {name}"))?,
                HeaderValue::from_str(value).with_context(|| format!("bad value of header {name}"))?,
            );
        }
        request.body = body;
        self.runtime
            .block_on(self.transport.send(request))
            .with_context(|| format!("{method} {url}"))
    }

    /// A request with a JSON body, or none.
    pub fn send_json(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<HttpResponse> {
        let body = body.map_or(RequestBody::Empty, |b| RequestBody::Json(Bytes::from(b.to_string())));
        self.send(method, url, headers, body)
    }
}

/// The answer's body as JSON.
pub fn body_json(answer: &HttpResponse) -> Result<Value> {
    serde_json::from_slice(&answer.body).with_context(|| {
        format!(
            "not JSON ({}): {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        )
    })
}
