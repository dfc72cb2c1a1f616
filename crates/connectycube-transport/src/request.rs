//! The request and response values the SDK and its transports exchange.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

use crate::multipart::MultipartBody;
use crate::redact::{is_secret_name, redact_url};

/// One HTTP request, fully built: the transport adds nothing but connection handling.
#[derive(Clone)]
pub struct HttpRequest {
    pub method: Method,
    /// Absolute URL, query string included.
    pub url: String,
    pub headers: HeaderMap,
    pub body: RequestBody,
    /// Bound on this attempt: sending, waiting and reading the body. `None` means the
    /// transport's own default.
    pub timeout: Option<Duration>,
}

#[derive(Clone, Default)]
pub enum RequestBody {
    #[default]
    Empty,
    /// Sent with `Content-Type: application/json`.
    Json(Bytes),
    /// Sent with `Content-Type: application/x-www-form-urlencoded`.
    Form(Bytes),
    Multipart(MultipartBody),
}

impl HttpRequest {
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
    pub fn len(&self) -> usize {
        match self {
            Self::Empty => 0,
            Self::Json(bytes) | Self::Form(bytes) => bytes.len(),
            Self::Multipart(multipart) => multipart.file.data.len(),
        }
    }

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
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl HttpResponse {
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
