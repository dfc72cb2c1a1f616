//! The one seam between the SDK and the network.

use crate::error::TransportError;
use crate::request::{HttpRequest, HttpResponse};

/// Sends one HTTP exchange. Implementations must be cheap to share between tasks and
/// must stop work promptly when the returned future is dropped (that is how a caller cancels).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait::async_trait]
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and reads the whole answer. Any HTTP status is an `Ok` response;
    /// an `Err` says the exchange itself failed, and whether the server may have seen the
    /// request ([`TransportError::may_have_reached_server`]).
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;

    /// Whether `send` itself ends with [`TransportError::Timeout`] when the request's
    /// `timeout` passes. When `false` (the default, the safe answer for a transport that does
    /// not know) the caller runs a timer of its own around `send`.
    fn enforces_timeout(&self) -> bool {
        false
    }
}
