//! One error type for Swift (`ConnectycubeError`), Kotlin (`ConnectycubeException`, an
//! `Exception`) and Python. No field is called `message`: it collides with
//! `Throwable.message` in the generated Kotlin.
//!
//! What an error says and its machine code are decided here, once: `Display` is exported
//! (Kotlin `toString()`, Swift `description`), and so are `message()` and `code()`, which
//! Swift's `LocalizedError` and Python's `str()` call. No binding words an error itself.

use std::collections::{BTreeMap, HashMap};

/// Why a call failed. Every variant carries what the app can act on: the HTTP status and
/// the server's messages for answers, a reason for local failures.
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum ConnectycubeError {
    /// The server answered with an error status (400, 401 on sign-in, 429, 5xx…).
    #[error("the server answered {http_status_code}{}{}", colon(errors), errors.join("; "))]
    Response {
        http_status_code: i32,
        errors: Vec<String>,
        field_errors: HashMap<String, Vec<String>>,
    },
    /// The session expired (or never existed) and could not be renewed: sign in again.
    #[error("the session expired and could not be renewed; sign in again")]
    SessionExpired,
    /// 403, e.g. "Forbidden. Need user." for a write with an application session.
    #[error("forbidden{}{}", colon(errors), errors.join("; "))]
    Forbidden { http_status_code: i32, errors: Vec<String> },
    /// 404, or a lookup that found nobody.
    #[error("not found{}{}", colon(errors), errors.join("; "))]
    NotFound { http_status_code: i32, errors: Vec<String> },
    /// 422: the server refused the input; `field_errors` maps a field to its messages.
    #[error("validation failed{}{}", colon(errors), errors.join("; "))]
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
    #[error("ConnectyCube is not initialised: call doInit (Kotlin: init, Python: do_init) first")]
    NotInitialized,
    /// The call was cancelled.
    #[error("the request was cancelled")]
    Cancelled,
}

/// The `": "` before the server's messages, when it gave any.
fn colon(messages: &[String]) -> &'static str {
    if messages.is_empty() { "" } else { ": " }
}

#[uniffi::export]
impl ConnectycubeError {
    /// A stable machine code for logs, metrics and branching: the Rust SDK's
    /// (`connectycube::Error::code`, judged by the core from the same answer), and
    /// `not_initialized` for a call before `doInit`. `docs/errors.md` lists them all.
    pub fn code(&self) -> String {
        self.error_code().as_str().to_owned()
    }

    /// What happened, in words an app may log or show (never a secret).
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// The HTTP status the 1.x SDKs reported for this failure (Android
    /// `ResponseException.getHttpStatusCode()`, iOS `NSError.code`): the server's, and 401 for a
    /// session that expired and could not be renewed, which is what the server answered 1.x
    /// apps; none when no answer came (network, timeout, an argument refused, cancelled).
    pub fn legacy_status_code(&self) -> Option<i32> {
        match self {
            Self::Response { http_status_code, .. }
            | Self::Forbidden { http_status_code, .. }
            | Self::NotFound { http_status_code, .. }
            | Self::Validation { http_status_code, .. } => Some(*http_status_code),
            Self::RequestTooLarge { http_status_code, .. } => *http_status_code,
            Self::SessionExpired => Some(401),
            _ => None,
        }
    }

    /// The reasons the 1.x SDKs listed (Android `ResponseException.getErrors()`): the server's
    /// messages when it gave any, else this error's own words.
    pub fn reasons(&self) -> Vec<String> {
        let server = match self {
            Self::Response { errors, .. }
            | Self::Forbidden { errors, .. }
            | Self::NotFound { errors, .. }
            | Self::Validation { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        if server.is_empty() {
            vec![self.message()]
        } else {
            server
        }
    }
}

fn field_errors(fields: BTreeMap<String, Vec<String>>) -> HashMap<String, Vec<String>> {
    fields.into_iter().collect()
}

impl From<connectycube::Error> for ConnectycubeError {
    fn from(error: connectycube::Error) -> Self {
        use connectycube::Error as E;
        match error {
            E::Api {
                status,
                messages,
                fields,
            } => Self::Response {
                http_status_code: i32::from(status),
                errors: messages,
                field_errors: field_errors(fields),
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
            E::Validation { messages, fields } => Self::Validation {
                http_status_code: 422,
                errors: messages,
                field_errors: field_errors(fields),
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
            // `connectycube::Error` is `#[non_exhaustive]`, so Rust demands this arm; every
            // variant of today is matched above. A new core variant fails the tests: it is
            // missing from their list (`every_core_variant_is_mapped` reads the core's
            // source), and once listed, its code is not the core's while it lands here
            // (`codes_are_the_cores_and_messages_its_words`). Meanwhile it keeps its status
            // and words: an answer stays an answer, anything else is reported as not
            // delivered, never as a decode error.
            unknown => match unknown.status() {
                Some(status) => Self::Response {
                    http_status_code: i32::from(status),
                    errors: vec![unknown.to_string()],
                    field_errors: field_errors(unknown.field_errors().cloned().unwrap_or_default()),
                },
                None => Self::Network {
                    reason: unknown.to_string(),
                },
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

    /// One of each `connectycube::Error` variant of today, by name.
    fn every_core_error() -> Vec<(&'static str, connectycube::Error)> {
        use connectycube::Error as E;
        let fields = BTreeMap::from([("login".to_owned(), vec!["has already been taken".to_owned()])]);
        vec![
            (
                "Api",
                E::Api {
                    status: 401,
                    messages: vec!["Unauthorized".into()],
                    fields: BTreeMap::new(),
                },
            ),
            ("SessionExpired", E::SessionExpired),
            (
                "Forbidden",
                E::Forbidden {
                    messages: vec!["Forbidden. Need user.".into()],
                },
            ),
            ("NotFound", E::NotFound { messages: vec![] }),
            (
                "Validation",
                E::Validation {
                    messages: vec![],
                    fields,
                },
            ),
            (
                "Network",
                E::Network {
                    kind: connectycube::NetworkErrorKind::Connect,
                    message: "connection refused".into(),
                },
            ),
            ("Tls", E::Tls("unknown issuer".into())),
            (
                "RequestTooLarge",
                E::RequestTooLarge {
                    status: Some(414),
                    reason: "split it".into(),
                },
            ),
            ("ResponseTooLarge", E::ResponseTooLarge { limit: 4 }),
            ("Timeout", E::Timeout),
            ("Decode", E::Decode("expected a user".into())),
            ("InvalidInput", E::InvalidInput("login is empty".into())),
            ("Cancelled", E::Cancelled),
        ]
    }

    /// The variant names of `pub enum Error` in the core's source: the list above must name
    /// them all, so a new core error cannot reach apps through the fallback arm unnoticed.
    #[test]
    fn every_core_variant_is_mapped() {
        let source = include_str!("../../connectycube/src/error.rs");
        let body = source
            .split_once("pub enum Error {")
            .and_then(|(_, rest)| rest.split_once("\n}\n"))
            .map(|(body, _)| body)
            .expect("pub enum Error { … } in connectycube/src/error.rs");
        let declared: Vec<&str> = body
            .lines()
            .filter(|line| line.starts_with("    ") && !line.starts_with("     "))
            .map(str::trim)
            .filter(|line| line.starts_with(|c: char| c.is_ascii_uppercase()))
            .map(|line| line.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or(line))
            .collect();
        let mapped: Vec<&str> = every_core_error().iter().map(|(name, _)| *name).collect();
        assert_eq!(
            declared, mapped,
            "map the new core variant in From<connectycube::Error>"
        );
    }

    #[test]
    fn codes_are_the_cores_and_messages_its_words() {
        for (name, core) in every_core_error() {
            let ffi = ConnectycubeError::from(core.clone());
            assert_eq!(ffi.code(), core.code(), "{name}");
            assert_eq!(ffi.message(), ffi.to_string(), "{name}");
            let expected = core.to_string().replace("invalid input", "invalid argument");
            assert_eq!(ffi.message(), expected, "{name}");
        }
        assert_eq!(ConnectycubeError::NotInitialized.code(), "not_initialized");
    }

    #[test]
    fn the_status_and_reasons_the_1x_sdks_reported() {
        let statuses: Vec<(&str, Option<i32>)> = every_core_error()
            .into_iter()
            .map(|(name, core)| (name, ConnectycubeError::from(core).legacy_status_code()))
            .collect();
        assert_eq!(
            statuses,
            [
                ("Api", Some(401)),
                ("SessionExpired", Some(401)),
                ("Forbidden", Some(403)),
                ("NotFound", Some(404)),
                ("Validation", Some(422)),
                ("Network", None),
                ("Tls", None),
                ("RequestTooLarge", Some(414)),
                ("ResponseTooLarge", None),
                ("Timeout", None),
                ("Decode", None),
                ("InvalidInput", None),
                ("Cancelled", None),
            ]
        );
        let forbidden = ConnectycubeError::from(connectycube::Error::Forbidden {
            messages: vec!["Forbidden. Need user.".into()],
        });
        assert_eq!(forbidden.reasons(), ["Forbidden. Need user."]);
        let bare = ConnectycubeError::from(connectycube::Error::NotFound { messages: vec![] });
        assert_eq!(
            bare.reasons(),
            [bare.message()],
            "an answer without a message still says what happened"
        );
        assert_eq!(ConnectycubeError::Timeout.reasons(), ["the request timed out"]);
    }

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
        let network = ConnectycubeError::from(connectycube::Error::Network {
            kind: connectycube::NetworkErrorKind::Closed,
            message: "reset".into(),
        });
        assert_eq!(network, ConnectycubeError::Network { reason: "reset".into() });
    }
}
