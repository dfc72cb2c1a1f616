//! One error type for Swift (`ConnectycubeError`), Kotlin (`ConnectycubeException`, an
//! `Exception`) and Python. No field is called `message`: it collides with
//! `Throwable.message` in the generated Kotlin.

use std::collections::HashMap;

/// Why a call failed. Every variant carries what the app can act on: the HTTP status and
/// the server's messages for answers, a reason for local failures.
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum ConnectycubeError {
    /// The server answered with an error status (400, 401 on sign-in, 429, 5xx…).
    #[error("the server answered {http_status_code}: {}", errors.join("; "))]
    Response {
        http_status_code: i32,
        errors: Vec<String>,
        field_errors: HashMap<String, Vec<String>>,
    },
    /// The session expired (or never existed) and could not be renewed: sign in again.
    #[error("the session expired and could not be renewed; sign in again")]
    SessionExpired,
    /// 403, e.g. "Forbidden. Need user." for a write with an application session.
    #[error("forbidden: {}", errors.join("; "))]
    Forbidden { http_status_code: i32, errors: Vec<String> },
    /// 404, or a lookup that found nobody.
    #[error("not found: {}", errors.join("; "))]
    NotFound { http_status_code: i32, errors: Vec<String> },
    /// 422: the server refused the input; `field_errors` maps a field to its messages.
    #[error("validation failed: {}", errors.join("; "))]
    Validation {
        http_status_code: i32,
        errors: Vec<String>,
        field_errors: HashMap<String, Vec<String>>,
    },
    /// The request could not be delivered or the answer not received.
    #[error("network error: {reason}")]
    Network { reason: String },
    /// The server's certificate was refused (untrusted CA, wrong host name, expired, a pin
    /// that does not match) or the TLS handshake failed. Never retried.
    #[error("TLS error: {reason}")]
    Tls { reason: String },
    /// The request is larger than the server takes: too long a URL (split the lookup; 414)
    /// or too large a body (413). `httpStatusCode` is absent when it was refused before sending.
    #[error("the request is too large for the server: {reason}")]
    RequestTooLarge {
        http_status_code: Option<i32>,
        reason: String,
    },
    /// The server's answer is longer than `maxResponseBytes` of the config.
    #[error("the server's answer is larger than the {limit_bytes}-byte limit")]
    ResponseTooLarge { limit_bytes: i64 },
    /// An attempt or the whole call ran out of time.
    #[error("the request timed out")]
    Timeout,
    /// The server's answer was not what the API documents.
    #[error("could not decode the server's answer: {reason}")]
    Decode { reason: String },
    /// The arguments were refused before anything was sent.
    #[error("invalid argument: {reason}")]
    InvalidArgument { reason: String },
    /// `doInit` has not been called.
    #[error("ConnectyCube is not initialised: call doInit first")]
    NotInitialized,
    /// The call was cancelled.
    #[error("the request was cancelled")]
    Cancelled,
}

impl From<connectycube::Error> for ConnectycubeError {
    fn from(error: connectycube::Error) -> Self {
        use connectycube::Error as E;
        let fields = |f: &std::collections::BTreeMap<String, Vec<String>>| f.clone().into_iter().collect();
        match error {
            E::Api {
                status,
                messages,
                fields: f,
            } => Self::Response {
                http_status_code: i32::from(status),
                errors: messages,
                field_errors: fields(&f),
            },
            E::SessionExpired => Self::SessionExpired,
            E::Forbidden { messages } => Self::Forbidden {
                http_status_code: 403,
                errors: messages,
            },
            E::NotFound { messages } => Self::NotFound {
                http_status_code: 404,
                errors: messages,
            },
            E::Validation { messages, fields: f } => Self::Validation {
                http_status_code: 422,
                errors: messages,
                field_errors: fields(&f),
            },
            E::Network { message, .. } => Self::Network { reason: message },
            E::Tls(reason) => Self::Tls { reason },
            E::RequestTooLarge { status, reason } => Self::RequestTooLarge {
                http_status_code: status.map(i32::from),
                reason,
            },
            E::ResponseTooLarge { limit } => Self::ResponseTooLarge {
                limit_bytes: i64::try_from(limit).unwrap_or(i64::MAX),
            },
            E::Timeout => Self::Timeout,
            E::Decode(reason) => Self::Decode { reason },
            E::InvalidInput(reason) => Self::InvalidArgument { reason },
            E::Cancelled => Self::Cancelled,
            other => Self::Decode {
                reason: other.to_string(),
            },
        }
    }
}

pub(crate) fn invalid(reason: impl Into<String>) -> ConnectycubeError {
    ConnectycubeError::InvalidArgument { reason: reason.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_and_size_errors_keep_their_own_variants_and_words() {
        let tls = ConnectycubeError::from(connectycube::Error::Tls(
            "the server's public key matches none of the pinned keys".into(),
        ));
        assert_eq!(
            tls.to_string(),
            "TLS error: the server's public key matches none of the pinned keys"
        );
        assert!(matches!(tls, ConnectycubeError::Tls { .. }));
        let too_long = ConnectycubeError::from(connectycube::Error::RequestTooLarge {
            status: Some(414),
            reason: "split it".into(),
        });
        assert_eq!(
            too_long,
            ConnectycubeError::RequestTooLarge {
                http_status_code: Some(414),
                reason: "split it".into()
            }
        );
        let flood = ConnectycubeError::from(connectycube::Error::ResponseTooLarge { limit: 4 });
        assert_eq!(flood, ConnectycubeError::ResponseTooLarge { limit_bytes: 4 });
        assert_eq!(flood.to_string(), "the server's answer is larger than the 4-byte limit");
    }
}
