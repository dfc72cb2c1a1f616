//! One error type for every call, with a stable machine code.
//!
//! Variants exist where a caller would act differently: sign in again
//! ([`Error::SessionExpired`]), show field messages ([`Error::Validation`]), offer a retry
//! ([`Error::Network`], [`Error::Timeout`]), report a bug ([`Error::Decode`]). Messages carry
//! the server's words but never a token, password, signature or secret.

use std::collections::BTreeMap;

use connectycube_models::ErrorBody;
use connectycube_transport::TransportError;

use crate::error_code::{self, ErrorCode};

/// Why a call failed. [`Error::code`] is its stable machine code; [`Error::is_retryable`],
/// [`Error::needs_sign_in`] and [`Error::hint`] say what to do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status not covered by a more specific variant
    /// (400, 401 on sign-in, 429, 5xx, …).
    #[error("the server answered {status}{}", join_messages(messages))]
    Api {
        /// The HTTP status.
        status: u16,
        /// The server's messages, in its order (none when the body held none).
        messages: Vec<String>,
        /// Messages per input field, when the server named fields.
        fields: BTreeMap<String, Vec<String>>,
    },
    /// No usable session: it expired or was never created, and could not be renewed
    /// (no restore hook, no retained credentials, or they failed). Sign in again.
    #[error("the session expired and could not be renewed; sign in again")]
    SessionExpired,
    /// 403: not allowed, e.g. a write with an application session ("Forbidden. Need user.").
    #[error("forbidden{}", join_messages(messages))]
    Forbidden {
        /// The server's messages.
        messages: Vec<String>,
    },
    /// 404, or a lookup that found nobody.
    #[error("not found{}", join_messages(messages))]
    NotFound {
        /// The server's messages (`User not found` for a lookup that found nobody).
        messages: Vec<String>,
    },
    /// 422: the server refused the input; `fields` maps a field to its messages.
    #[error("validation failed{}", join_messages(messages))]
    Validation {
        /// The server's messages, in its order.
        messages: Vec<String>,
        /// Messages per input field (`login`, `email`, …), also for a field the server
        /// named only inside a message (`"login must be unique"`).
        fields: BTreeMap<String, Vec<String>>,
    },
    /// The request could not be delivered or the answer not received. `kind` says which
    /// (a connect failure never reached the server; a broken exchange may have); `message`
    /// is the transport's description, which never holds a URL, header or body.
    #[error("network error: {message}")]
    Network {
        /// Where the exchange broke, which says whether the server may have seen it.
        kind: NetworkErrorKind,
        /// What the transport reported.
        message: String,
    },
    /// The server's certificate was refused (untrusted CA, wrong host name, expired, pin
    /// mismatch) or the TLS handshake failed. Never retried and never downgraded to plain
    /// HTTP: it will not fix itself, and the network may be hostile.
    #[error("TLS error: {0}")]
    Tls(String),
    /// The request is larger than the server takes: a URL too long (too many values in one
    /// lookup: split it; 414) or a body over the server's limit (413). `status` is `None`
    /// when the SDK refused it before sending.
    #[error("the request is too large for the server: {reason}")]
    RequestTooLarge {
        /// 413 or 414; `None` when the SDK refused it before sending.
        status: Option<u16>,
        /// What was too large, and what to do.
        reason: String,
    },
    /// The server's answer is longer than the client reads (`max_response_bytes`): a broken
    /// or hostile server, or a limit set too low.
    #[error("the server's answer is larger than the {limit}-byte limit")]
    ResponseTooLarge {
        /// The cap in bytes (the builder's `max_response_bytes`).
        limit: usize,
    },
    /// An attempt or the whole operation ran out of time.
    #[error("the request timed out")]
    Timeout,
    /// The server's answer was not what the API documents.
    #[error("could not decode the server's answer: {0}")]
    Decode(String),
    /// The call's arguments were refused before anything was sent.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The work was cancelled (the runtime shut down or a shared task was aborted).
    #[error("the request was cancelled")]
    Cancelled,
}

/// What part of the exchange failed, for [`Error::Network`]. TLS failures are
/// [`Error::Tls`] and running out of time is [`Error::Timeout`], as an app acts on each
/// differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetworkErrorKind {
    /// No connection could be made (DNS, refused, unreachable): the request never left, so
    /// retrying any call is safe.
    Connect,
    /// Sending or receiving failed once connected (a read or write error, a bad body): the
    /// server may have received the request.
    Io,
    /// The server (or a proxy on the way) closed or reset the connection before the whole
    /// answer arrived: the server may have received the request.
    Closed,
}

impl NetworkErrorKind {
    /// A stable name for logs and the bindings.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Io => "io",
            Self::Closed => "closed",
        }
    }

    /// Whether the request may have reached the server.
    pub fn may_have_reached_server(self) -> bool {
        matches!(self, Self::Io | Self::Closed)
    }
}

fn join_messages(messages: &[String]) -> String {
    if messages.is_empty() {
        String::new()
    } else {
        format!(": {}", messages.join("; "))
    }
}

impl Error {
    /// A stable code for logs, metrics and the foreign-language bindings: [`Self::error_code`]'s text.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// What kind of failure this is, for branching: the variant, narrowed by the server's
    /// known messages (`docs/errors.md` lists every code).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Self::Api {
                status,
                messages,
                fields,
            } => match status {
                429 => ErrorCode::RateLimited,
                // The retry loop repeats these statuses by the same function.
                status if error_code::is_server_trouble(*status) => ErrorCode::ServerError,
                401 if error_code::is_refused_sign_in(messages) => ErrorCode::InvalidCredentials,
                // Only a sign-in's 404 is an `Api` error (see `from_status`).
                404 if error_code::is_unknown_user(messages) => ErrorCode::UnknownUser,
                _ => error_code::known_message(messages, fields).unwrap_or(ErrorCode::Api),
            },
            Self::SessionExpired => ErrorCode::SessionExpired,
            Self::Forbidden { messages } => {
                error_code::known_message(messages, &BTreeMap::new()).unwrap_or(ErrorCode::Forbidden)
            }
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::Validation { messages, fields } => {
                error_code::known_message(messages, fields).unwrap_or(ErrorCode::Validation)
            }
            Self::Network { .. } => ErrorCode::Network,
            Self::Tls(_) => ErrorCode::Tls,
            Self::RequestTooLarge { .. } => ErrorCode::RequestTooLarge,
            Self::ResponseTooLarge { .. } => ErrorCode::ResponseTooLarge,
            Self::Timeout => ErrorCode::Timeout,
            Self::Decode(_) => ErrorCode::Decode,
            Self::InvalidInput(_) => ErrorCode::InvalidInput,
            Self::Cancelled => ErrorCode::Cancelled,
        }
    }

    /// Whether the same call can succeed later without anything changing. The SDK has
    /// already retried what was safe to repeat; see `docs/errors.md` for each code.
    pub fn is_retryable(&self) -> bool {
        self.error_code().info().retryable
    }

    /// Whether the user must sign in (again) before the call can succeed.
    pub fn needs_sign_in(&self) -> bool {
        self.error_code().info().needs_sign_in
    }

    /// What to do about it, in a sentence for the app's developer (never shown as the
    /// server's words, which [`Self::messages`] keeps).
    pub fn hint(&self) -> &'static str {
        self.error_code().info().hint
    }

    /// The HTTP status behind the error, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            Self::SessionExpired => Some(401),
            Self::Forbidden { .. } => Some(403),
            Self::NotFound { messages } if !messages.is_empty() => Some(404),
            Self::Validation { .. } => Some(422),
            Self::RequestTooLarge { status, .. } => *status,
            _ => None,
        }
    }

    /// The server's messages (empty for local errors).
    pub fn messages(&self) -> &[String] {
        match self {
            Self::Api { messages, .. }
            | Self::Forbidden { messages }
            | Self::NotFound { messages }
            | Self::Validation { messages, .. } => messages,
            _ => &[],
        }
    }

    /// Per-field messages of a 422 (or another status carrying them).
    pub fn field_errors(&self) -> Option<&BTreeMap<String, Vec<String>>> {
        match self {
            Self::Api { fields, .. } | Self::Validation { fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// An error answer, by status and decoded body; `sign_in` for the answer to a
    /// `POST /session`, whose 404 refuses a sign-in rather than reporting a lookup.
    pub(crate) fn from_status(status: u16, body: &[u8], sign_in: bool) -> Self {
        let parsed = ErrorBody::parse(body).unwrap_or_default();
        let ErrorBody { messages, mut fields } = parsed.clone();
        match status {
            401 if parsed.is_session_missing() => Self::SessionExpired,
            403 => Self::Forbidden { messages },
            404 if sign_in && !messages.is_empty() => Self::Api {
                status,
                messages,
                fields,
            },
            404 => Self::NotFound {
                messages: if messages.is_empty() {
                    vec!["Not found".into()]
                } else {
                    messages
                },
            },
            422 => {
                error_code::fields_named_in_base(&messages, &mut fields);
                Self::Validation { messages, fields }
            }
            413 | 414 => Self::RequestTooLarge {
                status: Some(status),
                reason: format!(
                    "{}{}",
                    if status == 413 {
                        "the server refused a body this large (413)"
                    } else {
                        "the server refused a URL this long (414): split the lookup into smaller ones"
                    },
                    join_messages(&messages)
                ),
            },
            _ => Self::Api {
                status,
                messages,
                fields,
            },
        }
    }

    pub(crate) fn decode(error: &serde_json::Error) -> Self {
        // serde_json's message can quote parts of the body (which may hold a token): keep
        // only the category and position.
        let category = match error.classify() {
            serde_json::error::Category::Io => "I/O",
            serde_json::error::Category::Syntax => "malformed JSON",
            serde_json::error::Category::Data => "unexpected shape",
            serde_json::error::Category::Eof => "truncated JSON",
        };
        Self::Decode(format!("{category} at line {} column {}", error.line(), error.column()))
    }
}

impl From<TransportError> for Error {
    fn from(error: TransportError) -> Self {
        match error {
            TransportError::Timeout => Self::Timeout,
            TransportError::InvalidRequest(detail) => Self::InvalidInput(detail),
            TransportError::Tls(reason) => Self::Tls(reason),
            TransportError::ResponseTooLarge { limit } => Self::ResponseTooLarge { limit },
            TransportError::Connect(_) => Self::Network {
                kind: NetworkErrorKind::Connect,
                message: error.to_string(),
            },
            TransportError::Io(_) => Self::Network {
                kind: NetworkErrorKind::Io,
                message: error.to_string(),
            },
            TransportError::Closed(_) => Self::Network {
                kind: NetworkErrorKind::Closed,
                message: error.to_string(),
            },
        }
    }
}

/// The result of every SDK call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_what_callers_act_on() {
        let expired = Error::from_status(
            401,
            br#"{"errors":{"base":["Required session does not exist"]}}"#,
            false,
        );
        assert_eq!(expired, Error::SessionExpired);
        let bad_password = Error::from_status(401, br#"{"errors":["Invalid password"]}"#, false);
        assert_eq!(bad_password.status(), Some(401));
        assert_eq!(bad_password.messages(), ["Invalid password"]);
        assert_eq!(bad_password.code(), "invalid_credentials");
        let need_user = Error::from_status(403, br#"{"errors":{"base":["Forbidden. Need user."]}}"#, false);
        assert_eq!(need_user.code(), "user_session_required");
        let invalid = Error::from_status(422, br#"{"errors":{"login":["is too short"]}}"#, false);
        assert_eq!(invalid.field_errors().unwrap()["login"], ["is too short"]);
        let too_large = Error::from_status(413, br#"{"errors":{"base":["Request Entity Too Large"]}}"#, false);
        assert_eq!(too_large.code(), "request_too_large");
        assert_eq!(too_large.status(), Some(413));
        assert_eq!(
            too_large.to_string(),
            "the request is too large for the server: the server refused a body this large (413): Request Entity Too Large"
        );
        assert_eq!(Error::from_status(414, b"", false).status(), Some(414));
        let html = Error::from_status(502, b"<html>bad gateway</html>", false);
        assert_eq!(html.status(), Some(502));
        assert!(html.to_string().contains("502"));
    }

    #[test]
    fn codes_narrow_by_status_and_known_message() {
        let code = |status, body: &str, sign_in| Error::from_status(status, body.as_bytes(), sign_in).error_code();
        assert_eq!(code(429, "", false), ErrorCode::RateLimited);
        for status in [500, 502, 503, 504] {
            assert_eq!(
                code(status, r#"{"errors":["Forbidden. Need user."]}"#, false),
                ErrorCode::ServerError
            );
        }
        assert_eq!(code(501, "", false), ErrorCode::Api);
        assert_eq!(code(401, r#"{"errors":["Token is required"]}"#, false), ErrorCode::Api);
        assert_eq!(
            code(401, r#"{"errors":["Unauthorized"]}"#, true),
            ErrorCode::InvalidCredentials
        );
        // A lookup's 404 says "User not found" too: only a sign-in's is `unknown_user`.
        let users_404 = r#"{"errors":["User not found"]}"#;
        assert_eq!(code(404, users_404, false), ErrorCode::NotFound);
        assert_eq!(code(404, users_404, true), ErrorCode::UnknownUser);
        assert_eq!(Error::from_status(404, users_404.as_bytes(), true).status(), Some(404));
        assert_eq!(code(404, "", true), ErrorCode::NotFound);
        assert_eq!(
            code(
                403,
                r#"{"errors":{"base":["Users retrieving forbidden in admin panel, application settings. Setup it here https://admin.connectycube.com/apps/1/service/users/settings"]}}"#,
                false
            ),
            ErrorCode::UsersListDisabled
        );
        assert_eq!(code(403, r#"{"errors":["Not yours"]}"#, false), ErrorCode::Forbidden);
        assert_eq!(
            code(422, r#"{"errors":["Unexpected signature"]}"#, true),
            ErrorCode::SignatureRejected
        );
        assert_eq!(
            code(422, r#"{"errors":{"timestamp":["invalid timestamp"]}}"#, true),
            ErrorCode::InvalidTimestamp
        );
        assert_eq!(
            code(
                422,
                r#"{"errors":{"base":["Reset password by email is disabled"]}}"#,
                false
            ),
            ErrorCode::PasswordResetDisabled
        );
        assert_eq!(
            code(422, r#"{"errors":{"login":["is too short"]}}"#, false),
            ErrorCode::Validation
        );
        let taken = Error::from_status(422, br#"{"errors":{"base":["email must be unique"]}}"#, false);
        assert_eq!(taken.code(), "email_taken");
        assert_eq!(taken.field_errors().unwrap()["email"], ["must be unique"]);
        assert_eq!(taken.messages(), ["email must be unique"]);
        assert!(!taken.is_retryable() && !taken.needs_sign_in());
        assert!(Error::SessionExpired.needs_sign_in());
        assert!(Error::Timeout.is_retryable());
        assert_eq!(Error::Timeout.hint(), ErrorCode::Timeout.info().hint);
    }

    #[test]
    fn network_errors_keep_what_broke() {
        let refused = Error::from(TransportError::Connect("connection refused".into()));
        assert_eq!(
            refused,
            Error::Network {
                kind: NetworkErrorKind::Connect,
                message: "could not connect to the server: connection refused".into()
            }
        );
        assert_eq!(refused.code(), "network");
        assert_eq!(
            refused.to_string(),
            "network error: could not connect to the server: connection refused"
        );
        let reset = Error::from(TransportError::Io("connection reset".into()));
        assert!(matches!(
            reset,
            Error::Network {
                kind: NetworkErrorKind::Io,
                ..
            }
        ));
        let closed = Error::from(TransportError::Closed(
            "connection closed before message completed".into(),
        ));
        assert!(matches!(
            closed,
            Error::Network {
                kind: NetworkErrorKind::Closed,
                ..
            }
        ));
        assert_eq!(closed.code(), "network");
        assert!(NetworkErrorKind::Io.may_have_reached_server());
        assert!(NetworkErrorKind::Closed.may_have_reached_server());
        assert!(!NetworkErrorKind::Connect.may_have_reached_server());
        assert_eq!(NetworkErrorKind::Connect.as_str(), "connect");
    }

    #[test]
    fn decode_errors_do_not_quote_the_body() {
        let error = serde_json::from_str::<u64>(r#""TOKEN-CANARY""#).unwrap_err();
        let error = Error::decode(&error);
        assert!(!error.to_string().contains("CANARY"), "{error}");
    }
}
