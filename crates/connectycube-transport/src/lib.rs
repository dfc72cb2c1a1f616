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

#![deny(missing_docs)]

mod error;
mod multipart;
mod redact;
mod request;
mod reqwest_transport;
mod resolve;
mod tls;
mod transport;

pub use error::TransportError;
pub use multipart::{FilePart, MultipartBody, ProgressFn};
pub use redact::{is_secret_name, redact_url};
pub use request::{HttpRequest, HttpResponse, RequestBody};
pub use reqwest_transport::{DEFAULT_MAX_RESPONSE_BYTES, ReqwestTransport, TransportConfig};
pub use tls::{SpkiPin, TlsConfigError, TlsOptions};
#[cfg(feature = "mock")]
pub use transport::MockTransport;
pub use transport::Transport;

pub use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
