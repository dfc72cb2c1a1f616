//! Error answers, in the exact bodies the real service sends (`rest-api.md` §1.5).
//!
//! The service uses two shapes: `{"errors":["..."]}` and `{"errors":{"field":["..."]}}`.
//! Each constructor below names which one a case uses, because clients match on it
//! (the JS SDK's session-expired hook fires only on the `base` object shape).

use axum::response::{IntoResponse, Response};
use hyper::StatusCode;
use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
}

impl ApiError {
    /// `{"errors":["<message>"]}`
    pub fn list(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            body: json!({ "errors": [message.into()] }),
        }
    }

    /// `{"errors":{"base":["<message>"]}}`
    pub fn base(status: StatusCode, message: impl Into<String>) -> Self {
        Self::field(status, "base", message)
    }

    /// `{"errors":{"<field>":["<message>"]}}`
    pub fn field(status: StatusCode, field: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: json!({ "errors": { field: [message.into()] } }),
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::field(StatusCode::UNPROCESSABLE_ENTITY, field, message)
    }

    pub fn session_missing() -> Self {
        Self::base(StatusCode::UNAUTHORIZED, "Required session does not exist")
    }

    pub fn token_required() -> Self {
        Self::list(StatusCode::UNAUTHORIZED, "Token is required")
    }

    pub fn unauthorized() -> Self {
        Self::list(StatusCode::UNAUTHORIZED, "Unauthorized")
    }

    pub fn need_user() -> Self {
        Self::base(StatusCode::FORBIDDEN, "Forbidden. Need user.")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::base(StatusCode::FORBIDDEN, message)
    }

    pub fn unexpected_signature() -> Self {
        Self::list(StatusCode::UNPROCESSABLE_ENTITY, "Unexpected signature")
    }

    pub fn invalid_timestamp() -> Self {
        Self::field(StatusCode::UNPROCESSABLE_ENTITY, "timestamp", "invalid timestamp")
    }

    pub fn user_not_found() -> Self {
        Self::list(StatusCode::NOT_FOUND, "User not found")
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::list(StatusCode::NOT_FOUND, message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::base(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        crate::reply::Reply::json(self.status, &self.body).into_response()
    }
}
