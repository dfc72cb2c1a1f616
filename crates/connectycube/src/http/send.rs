//! Sending: one attempt through the [`Transport`], bounded by its timeout cut to what is
//! left of the operation's deadline, so an attempt runs one timer (the transport's, or one
//! here for a transport that does not enforce it). Dropping the future cancels the request.

use std::sync::Arc;
use std::time::Duration;

use connectycube_transport::{HttpRequest, HttpResponse, Transport, TransportError};
use tokio::time::Instant;

use crate::error::{Error, Result};

/// The transport and how long one attempt may take.
pub(crate) struct Sender {
    transport: Arc<dyn Transport>,
    attempt: Duration,
}

impl Sender {
    pub fn new(transport: Arc<dyn Transport>, attempt: Duration) -> Self {
        Self { transport, attempt }
    }

    /// Sends one attempt. `Err` (outer) when the deadline has already passed: nothing is sent.
    pub async fn send(
        &self,
        mut http: HttpRequest,
        deadline: Instant,
    ) -> Result<std::result::Result<HttpResponse, TransportError>> {
        let timeout = attempt_timeout(self.attempt, deadline)?;
        http.timeout = Some(timeout);
        Ok(if self.transport.enforces_timeout() {
            self.transport.send(http).await
        } else {
            tokio::time::timeout(timeout, self.transport.send(http))
                .await
                .unwrap_or(Err(TransportError::Timeout))
        })
    }
}

/// The attempt's bound: its own timeout, cut to what is left of the operation.
fn attempt_timeout(attempt: Duration, deadline: Instant) -> Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(Error::Timeout);
    }
    Ok(attempt.min(left))
}

/// Waits before a retry; a wait that would end past the deadline fails now, as the retry
/// could not finish in time anyway.
pub(crate) async fn sleep_before(deadline: Instant, wait: Duration) -> Result<()> {
    if Instant::now() + wait >= deadline {
        return Err(Error::Timeout);
    }
    tokio::time::sleep(wait).await;
    Ok(())
}
