//! The HTTP layer of the ConnectyCube SDK.
//!
//! The SDK talks to the network only through [`Transport`]: one method that sends an
//! [`HttpRequest`] and returns an [`HttpResponse`] or a [`TransportError`]. HTTP status
//! codes are not errors here — a 401 is a response; deciding what it means is the SDK's
//! job. Transport errors say whether the request may have reached the server, which is
//! what decides if a non-idempotent call may be retried.
//!
//! [`ReqwestTransport`] is the implementation apps use: it reads answers up to a cap and
//! trusts the bundled Mozilla roots plus [`TlsOptions`] (extra roots, key pins);
//! `MockTransport` (feature `mock`) is for unit tests of the layers above.

mod error;
mod multipart;
mod redact;
mod request;
mod reqwest_transport;
mod resolve;
mod tls;

pub use error::TransportError;
pub use multipart::{FilePart, MultipartBody, ProgressFn};
pub use redact::redact_url;
pub use request::{HttpRequest, HttpResponse, RequestBody};
pub use reqwest_transport::{DEFAULT_MAX_RESPONSE_BYTES, ReqwestTransport, TransportConfig};
pub use tls::{SpkiPin, TlsConfigError, TlsOptions};

pub use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};

/// Sends one HTTP exchange. Implementations must be cheap to share between tasks and
/// must stop work promptly when the returned future is dropped (that is how a caller cancels).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait::async_trait]
pub trait Transport: Send + Sync + 'static {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;

    /// Whether `send` itself ends with [`TransportError::Timeout`] when the request's
    /// `timeout` passes. When `false` (the default, the safe answer for a transport that does
    /// not know) the caller runs a timer of its own around `send`.
    fn enforces_timeout(&self) -> bool {
        false
    }
}
