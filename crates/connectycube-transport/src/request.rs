//! The request and response values the SDK and its transports exchange.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

use crate::multipart::MultipartBody;
use crate::redact::{is_secret_name, redact_url};

/// One HTTP request, fully built: the transport adds nothing but connection handling.
#[derive(Clone)]
pub struct HttpRequest {
    /// The HTTP method; the SDK decides from it (and the call) whether a retry is safe.
    pub method: Method,
    /// Absolute URL, query string included.
    pub url: String,
    /// Headers sent as they are; the body's `Content-Type` is added from [`RequestBody`].
    /// `Debug` shows the values of secret headers (tokens, keys) as `<redacted>`.
    pub headers: HeaderMap,
    /// What is sent after the headers.
    pub body: RequestBody,
    /// Bound on this attempt: sending, waiting and reading the body. `None` means the
    /// transport's own default.
    pub timeout: Option<Duration>,
}

/// The body of an [`HttpRequest`], which also decides its `Content-Type`. `Debug` shows
/// only the kind and the length, since bodies carry passwords.
#[derive(Clone, Default)]
pub enum RequestBody {
    /// No body (the default), no `Content-Type`.
    #[default]
    Empty,
    /// Sent with `Content-Type: application/json`.
    Json(Bytes),
    /// Sent with `Content-Type: application/x-www-form-urlencoded`.
    Form(Bytes),
    /// Sent as `multipart/form-data` with a random boundary, streamed in chunks that
    /// report progress (see [`FilePart::progress`](crate::FilePart::progress)).
    Multipart(MultipartBody),
}

impl HttpRequest {
    /// A request with no headers, an empty body and the transport's default timeout.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            headers: HeaderMap::new(),
            body: RequestBody::Empty,
            timeout: None,
        }
    }
}

impl RequestBody {
    /// The body's length in bytes; for a multipart body, the file's length only (the
    /// form's fields and boundaries are not counted).
    pub fn len(&self) -> usize {
        match self {
            Self::Empty => 0,
            Self::Json(bytes) | Self::Form(bytes) => bytes.len(),
            Self::Multipart(multipart) => multipart.file.data.len(),
        }
    }

    /// Whether [`len`](Self::len) is 0.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

// Bodies carry passwords and headers carry tokens: Debug shows their shape, never their values.
impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &redact_url(&self.url))
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl std::fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("Empty"),
            Self::Json(bytes) => write!(f, "Json({} bytes)", bytes.len()),
            Self::Form(bytes) => write!(f, "Form({} bytes)", bytes.len()),
            Self::Multipart(m) => write!(
                f,
                "Multipart({} fields, file {} bytes)",
                m.fields.len(),
                m.file.data.len()
            ),
        }
    }
}

/// Header names with values, secret values replaced.
pub(crate) struct RedactedHeaders<'a>(pub &'a HeaderMap);

impl std::fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if is_secret_name(name.as_str()) {
                map.entry(&name.as_str(), &"<redacted>");
            } else {
                map.entry(&name.as_str(), &value.to_str().unwrap_or("<binary>"));
            }
        }
        map.finish()
    }
}

/// One HTTP response, body read in full.
#[derive(Clone)]
pub struct HttpResponse {
    /// The HTTP status as the server sent it; a 4xx or 5xx is a response, not an error.
    pub status: StatusCode,
    /// The response headers; `Debug` shows secret ones as `<redacted>`.
    pub headers: HeaderMap,
    /// The whole body, at most the transport's cap
    /// ([`TransportConfig::max_response_bytes`](crate::TransportConfig::max_response_bytes)).
    pub body: Bytes,
}

impl HttpResponse {
    /// The first value of header `name` (case-insensitive), or `None` when it is absent or
    /// not visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl std::fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &format_args!("{} bytes", self.body.len()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_tokens_or_bodies() {
        let mut request = HttpRequest::new(Method::POST, "http://h/blobs/x?token=CANARY-TOKEN");
        request
            .headers
            .insert("CB-Token", http::HeaderValue::from_static("CANARY-TOKEN"));
        request
            .headers
            .insert("CB-AuthKey", http::HeaderValue::from_static("CANARY-KEY"));
        request
            .headers
            .insert("Accept", http::HeaderValue::from_static("application/json"));
        request.body = RequestBody::Json(Bytes::from_static(br#"{"password":"CANARY-PASSWORD"}"#));
        let debug = format!("{request:?}");
        assert!(!debug.contains("CANARY"), "{debug}");
        assert!(
            debug.contains("application/json") && debug.contains("cb-token"),
            "{debug}"
        );
    }
}
