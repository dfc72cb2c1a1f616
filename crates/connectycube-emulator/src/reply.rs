//! Successful answers: JSON, empty, raw bytes or a redirect, plus the session expiry
//! that becomes `CB-Token-ExpirationDate` (the Flutter SDK counts a session without it
//! as expired).

use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use hyper::{StatusCode, header};
use serde::Serialize;
use time::OffsetDateTime;

pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

pub struct Reply {
    status: StatusCode,
    body: Body,
    session_expires: Option<OffsetDateTime>,
}

enum Body {
    Empty,
    Data { content_type: String, data: Bytes },
    Redirect(String),
}

/// Carried to the response middleware, which writes the header on 2xx answers.
#[derive(Clone, Copy)]
pub struct SessionExpiry(pub OffsetDateTime);

impl Reply {
    pub fn json(status: StatusCode, value: &impl Serialize) -> Self {
        // Serialising our own value types and serde_json::Value cannot fail; an empty object
        // is still valid JSON should it ever happen.
        let data = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
        Self::data(status, JSON_CONTENT_TYPE, data)
    }

    /// `{"<key>": value}`, written directly so the value keeps its field order.
    pub fn wrapped(status: StatusCode, key: &str, value: &impl Serialize) -> Self {
        let mut data = Vec::with_capacity(768);
        data.extend_from_slice(b"{\"");
        data.extend_from_slice(key.as_bytes());
        data.extend_from_slice(b"\":");
        if serde_json::to_writer(&mut data, value).is_err() {
            data.truncate(key.len() + 4);
            data.extend_from_slice(b"null");
        }
        data.push(b'}');
        Self::data(status, JSON_CONTENT_TYPE, data)
    }

    pub fn ok(value: &impl Serialize) -> Self {
        Self::json(StatusCode::OK, value)
    }

    pub fn empty() -> Self {
        Self {
            status: StatusCode::OK,
            body: Body::Empty,
            session_expires: None,
        }
    }

    pub fn data(status: StatusCode, content_type: &str, data: impl Into<Bytes>) -> Self {
        Self {
            status,
            body: Body::Data {
                content_type: content_type.to_owned(),
                data: data.into(),
            },
            session_expires: None,
        }
    }

    pub fn redirect(location: String) -> Self {
        Self {
            status: StatusCode::MOVED_PERMANENTLY,
            body: Body::Redirect(location),
            session_expires: None,
        }
    }

    pub fn expires(mut self, at: Option<OffsetDateTime>) -> Self {
        self.session_expires = at;
        self
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = match self.body {
            Body::Empty => (self.status, [(header::CONTENT_LENGTH, "0")]).into_response(),
            Body::Data { content_type, data } => {
                (self.status, [(header::CONTENT_TYPE, content_type)], data).into_response()
            }
            Body::Redirect(location) => (self.status, [(header::LOCATION, location)]).into_response(),
        };
        if let Some(at) = self.session_expires {
            response.extensions_mut().insert(SessionExpiry(at));
        }
        response
    }
}
