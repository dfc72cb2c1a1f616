//! What an error means for the app, in every language: `isRetryable()`, `needsSignIn()`,
//! `hint()`, and the code they come from. None of it is decided here: an answer is handed
//! back to the core (`connectycube::Error::error_code`) as the core error it came from, and
//! each code's row of the core's table (`connectycube::ERROR_CODES`, `docs/errors.md`) says
//! the rest, so Rust and every binding read the same table.

use connectycube::{Error as CoreError, ErrorCode};

use crate::error::ConnectycubeError;

impl ConnectycubeError {
    /// The core's code for this error: answers are judged by the core from the same status,
    /// messages and fields; every other variant is one code.
    pub(crate) fn error_code(&self) -> ErrorCode {
        let fields = |map: &std::collections::HashMap<String, Vec<String>>| map.clone().into_iter().collect();
        let answer = match self {
            Self::Response {
                http_status_code,
                errors,
                field_errors,
            } => CoreError::Api {
                status: u16::try_from(*http_status_code).unwrap_or(0),
                messages: errors.clone(),
                fields: fields(field_errors),
            },
            Self::Forbidden { errors, .. } => CoreError::Forbidden {
                messages: errors.clone(),
            },
            Self::NotFound { errors, .. } => CoreError::NotFound {
                messages: errors.clone(),
            },
            Self::Validation {
                errors, field_errors, ..
            } => CoreError::Validation {
                messages: errors.clone(),
                fields: fields(field_errors),
            },
            Self::SessionExpired => return ErrorCode::SessionExpired,
            Self::Network { .. } => return ErrorCode::Network,
            Self::Tls { .. } => return ErrorCode::Tls,
            Self::RequestTooLarge { .. } => return ErrorCode::RequestTooLarge,
            Self::ResponseTooLarge { .. } => return ErrorCode::ResponseTooLarge,
            Self::Timeout => return ErrorCode::Timeout,
            Self::Decode { .. } => return ErrorCode::Decode,
            Self::InvalidArgument { .. } => return ErrorCode::InvalidInput,
            Self::NotInitialized => return ErrorCode::NotInitialized,
            Self::Cancelled => return ErrorCode::Cancelled,
        };
        answer.error_code()
    }
}

#[uniffi::export]
impl ConnectycubeError {
    /// Whether the same call can succeed later without anything changing (a transient
    /// failure). The SDK has already retried what was safe to repeat.
    pub fn is_retryable(&self) -> bool {
        self.error_code().info().retryable
    }

    /// Whether the user must sign in (again) before the call can succeed.
    pub fn needs_sign_in(&self) -> bool {
        self.error_code().info().needs_sign_in
    }

    /// What to do about it, in a sentence for the app's developer.
    pub fn hint(&self) -> String {
        self.error_code().info().hint.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The server's known answers as the core decodes them, and a plain one of each kind.
    fn answers() -> Vec<CoreError> {
        let taken = BTreeMap::from([("login".to_owned(), vec!["must be unique".to_owned()])]);
        let clock = BTreeMap::from([("timestamp".to_owned(), vec!["invalid timestamp".to_owned()])]);
        let api = |status: u16, message: &str| CoreError::Api {
            status,
            messages: vec![message.to_owned()],
            fields: BTreeMap::new(),
        };
        let validation = |message: &str| CoreError::Validation {
            messages: vec![message.to_owned()],
            fields: BTreeMap::new(),
        };
        vec![
            api(401, "Invalid password"),
            api(401, "Token is required"),
            api(404, "User not found"),
            api(429, "Too Many Requests"),
            api(503, "Service Unavailable"),
            api(400, "Bad Request"),
            CoreError::Forbidden {
                messages: vec!["Forbidden. Need user.".into()],
            },
            CoreError::Forbidden {
                messages: vec!["Users retrieving forbidden in admin panel, application settings. Setup it here https://admin.connectycube.com/apps/1/service/users/settings".into()],
            },
            CoreError::Forbidden { messages: vec![] },
            CoreError::NotFound {
                messages: vec!["User not found".into()],
            },
            CoreError::Validation {
                messages: vec!["login must be unique".into()],
                fields: taken,
            },
            CoreError::Validation {
                messages: vec!["timestamp invalid timestamp".into()],
                fields: clock,
            },
            validation("Unexpected signature"),
            validation("Reset password by email is disabled"),
            validation("Custom Identity Provider responded with an error = \"Token invalid\". Status code = 404"),
            validation("is odd"),
            CoreError::SessionExpired,
            CoreError::Timeout,
            CoreError::Cancelled,
        ]
    }

    #[test]
    fn every_language_reads_the_cores_code_retry_sign_in_and_hint() {
        let mut codes = Vec::new();
        for core in answers() {
            let ffi = ConnectycubeError::from(core.clone());
            assert_eq!(ffi.code(), core.code(), "{core:?}");
            assert_eq!(ffi.is_retryable(), core.is_retryable(), "{core:?}");
            assert_eq!(ffi.needs_sign_in(), core.needs_sign_in(), "{core:?}");
            assert_eq!(ffi.hint(), core.hint(), "{core:?}");
            codes.push(core.code());
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 18, "the answers above cover 18 codes: {codes:?}");
        let early = ConnectycubeError::NotInitialized;
        assert_eq!(early.code(), "not_initialized");
        assert!(!early.is_retryable() && !early.needs_sign_in());
        assert!(early.hint().contains("doInit"));
    }
}
