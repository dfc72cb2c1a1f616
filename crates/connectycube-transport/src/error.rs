//! What can go wrong below HTTP. Messages never carry URLs, headers or bodies, so no
//! token or password can leak through an error.

/// A failure to complete an HTTP exchange (as opposed to an HTTP error status).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No connection could be made (DNS, refused, unreachable, connect timeout): the
    /// request never left, so any call may be retried.
    #[error("could not connect to the server: {0}")]
    Connect(String),
    /// The attempt ran out of time after the connection was made; the server may have
    /// received the request.
    #[error("the server did not answer in time")]
    Timeout,
    /// TLS handshake or certificate failure. Never retried: it will not fix itself.
    #[error("TLS failure: {0}")]
    Tls(String),
    /// Sending or receiving failed once connected (a bad body, a read or write error);
    /// the server may have received the request.
    #[error("the connection failed: {0}")]
    Io(String),
    /// The server closed or reset the connection before the whole answer arrived (a
    /// restart, a proxy or load balancer dropping it); the server may have received the
    /// request.
    #[error("the server closed the connection: {0}")]
    Closed(String),
    /// The request could not be built (bad URL, bad header value). A programming error.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The answer's body is longer than the transport reads (a broken or hostile server);
    /// reading stopped at the cap.
    #[error("the server's answer is larger than the {limit}-byte limit")]
    ResponseTooLarge {
        /// The cap in bytes ([`TransportConfig::max_response_bytes`](crate::TransportConfig::max_response_bytes)).
        limit: usize,
    },
}

impl TransportError {
    /// Whether the server may have seen the request. Calls that are not idempotent
    /// (sign-up, password reset) are retried only when this is `false`.
    pub fn may_have_reached_server(&self) -> bool {
        matches!(
            self,
            Self::Timeout | Self::Io(_) | Self::Closed(_) | Self::ResponseTooLarge { .. }
        )
    }

    /// Whether retrying can help at all.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Connect(_) | Self::Timeout | Self::Io(_) | Self::Closed(_))
    }
}
