//! `Req`: the parts of a request every handler reads — headers and the merged
//! parameters of query string and body — with bounded body size and clear errors.

use axum::extract::{FromRequest, Request};
use http_body_util::{BodyExt, Limited};
use hyper::{HeaderMap, StatusCode, header};

use crate::error::ApiError;
use crate::params::{Params, ParamsError};
use crate::state::App;

/// API bodies are small JSON or forms; anything larger is refused before it is read whole.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The `Content-Length` a request declares, if any and valid.
pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

pub struct Req {
    pub headers: HeaderMap,
    pub params: Params,
}

impl FromRequest<App> for Req {
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &App) -> Result<Self, ApiError> {
        let (parts, body) = request.into_parts();
        let too_large = || {
            ApiError::base(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("Request body is larger than {MAX_BODY_BYTES} bytes"),
            )
        };
        // Refused before reading; the server drains what the client still sends.
        if declared_length(&parts.headers).is_some_and(|n| n > MAX_BODY_BYTES as u64) {
            return Err(too_large());
        }
        let query = Params::from_query(parts.uri.query().unwrap_or(""));
        let bytes = Limited::new(body, MAX_BODY_BYTES).collect().await.map_err(|error| {
            if error.is::<http_body_util::LengthLimitError>() {
                too_large()
            } else {
                ApiError::bad_request("Request body could not be read")
            }
        })?;
        let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let body = Params::from_body(content_type, &bytes.to_bytes()).map_err(|error| match error {
            ParamsError::MalformedJson(detail) => ApiError::bad_request(format!("Malformed JSON body: {detail}")),
            ParamsError::NotAnObject => ApiError::bad_request("JSON body must be an object"),
        })?;
        Ok(Self {
            headers: parts.headers,
            params: query.merge(body),
        })
    }
}

/// The path's one parameter (`/users/{id}`), percent-decoded once by axum. Invalid UTF-8
/// there would be a plain-text 400 from axum's `Path`; here it is a JSON 404, as every
/// answer must be JSON.
pub struct Segment(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Segment {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut hyper::http::request::Parts, state: &S) -> Result<Self, ApiError> {
        let params = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::base(StatusCode::NOT_FOUND, "Not found"))?;
        Ok(Self(
            params
                .iter()
                .next()
                .map_or_else(String::new, |(_, value)| value.to_owned()),
        ))
    }
}
