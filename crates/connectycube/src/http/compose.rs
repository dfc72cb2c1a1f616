//! Building: an [`ApiRequest`] and the credential it carries become an [`HttpRequest`] —
//! URL with its encoded query, the ConnectyCube headers, the body. Nothing is sent here,
//! and what credential to carry was decided by the caller.

use bytes::Bytes;
use connectycube_models::{Secret, nest_params};
use connectycube_transport::{HeaderMap, HeaderName, HeaderValue, HttpRequest, RequestBody};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::request::{ApiRequest, Body, Target};
use crate::error::{Error, Result};

/// Characters left as they are in query keys and values; brackets stay literal in keys
/// (`id[in][]`), as the JS SDK sends them.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
const KEY: &AsciiSet = &VALUE.remove(b'[').remove(b']');

/// The longest request target the HTTP stack can carry (`http::Uri`). Servers often refuse
/// far shorter ones (8 KiB behind nginx) with a 414, which ends in the same error.
const MAX_URL_BYTES: usize = 65_534;

const SDK_HEADER: &str = concat!("Rust ", env!("CARGO_PKG_VERSION"));

// Header names parsed once, not on every call.
static CB_SDK: HeaderName = HeaderName::from_static("cb-sdk");
static API_VERSION: HeaderName = HeaderName::from_static("connectycube-rest-api-version");
static CB_TOKEN: HeaderName = HeaderName::from_static("cb-token");
static CB_AUTH_KEY: HeaderName = HeaderName::from_static("cb-authkey");
static ACCEPT: HeaderName = HeaderName::from_static("accept");

/// The credential one attempt carries.
pub(crate) enum Credential<'a> {
    None,
    /// A session's `CB-Token`; `None` when the token cannot be a header value (one the app
    /// set: tokens from the server are checked when the session is created).
    Token(Option<&'a HeaderValue>),
    /// `CB-AuthKey`: calls that work without a session.
    AuthKey(&'a Secret),
}

pub(crate) fn encode_query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", utf8_percent_encode(k, KEY), utf8_percent_encode(v, VALUE)))
        .collect::<Vec<_>>()
        .join("&")
}

/// One attempt of `request` against `endpoint`. `session_params` replaces the parameters of
/// a `POST /session` body (signed anew for every attempt by the caller).
pub(crate) fn compose(
    endpoint: &str,
    request: &ApiRequest,
    credential: Credential<'_>,
    session_params: Option<&[(String, String)]>,
) -> Result<HttpRequest> {
    let (mut url, external) = match &request.target {
        Target::Api(path) => (format!("{endpoint}{path}"), false),
        Target::External(url) => (url.as_str().to_owned(), true),
    };
    if !request.query.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&encode_query(&request.query));
    }
    if url.len() > MAX_URL_BYTES {
        return Err(Error::RequestTooLarge {
            status: None,
            reason: format!(
                "the URL would be {} bytes, more than HTTP can carry ({MAX_URL_BYTES}): split the lookup into smaller ones",
                url.len()
            ),
        });
    }
    let mut headers = HeaderMap::with_capacity(4);
    // The storage upload goes to the file host, which takes no ConnectyCube headers.
    if !external {
        headers.insert(CB_SDK.clone(), HeaderValue::from_static(SDK_HEADER));
        headers.insert(API_VERSION.clone(), HeaderValue::from_static("0.1.1"));
        headers.insert(ACCEPT.clone(), HeaderValue::from_static("application/json"));
        match credential {
            Credential::Token(token) => {
                let token = token.cloned().ok_or_else(|| {
                    Error::InvalidInput("the session token the app set holds characters a header cannot carry".into())
                })?;
                headers.insert(CB_TOKEN.clone(), token);
            }
            Credential::AuthKey(key) => {
                headers.insert(CB_AUTH_KEY.clone(), header_value(key.expose())?);
            }
            Credential::None => {}
        }
    }
    let body = match &request.body {
        Body::Empty => RequestBody::Empty,
        Body::Json(value) => RequestBody::Json(Bytes::from(value.to_string())),
        Body::SessionParams(pairs) => {
            let pairs = session_params.unwrap_or(pairs);
            RequestBody::Json(Bytes::from(nest_params(pairs).to_string()))
        }
        Body::Multipart(form) => RequestBody::Multipart(form.clone()),
    };
    let mut http = HttpRequest::new(request.method.clone(), url);
    http.headers = headers;
    http.body = body;
    Ok(http)
}

fn header_value(value: &str) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| Error::InvalidInput("the auth key holds characters a header cannot carry".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keys_keep_brackets_values_are_encoded() {
        let pairs = vec![
            ("id[in][]".to_owned(), "1".to_owned()),
            ("full_name[start_with]".to_owned(), "dive r".to_owned()),
            ("updated_at[gt]".to_owned(), "2019-11-06T09:21:41Z".to_owned()),
            ("email".to_owned(), "a+b@x.com".to_owned()),
        ];
        assert_eq!(
            encode_query(&pairs),
            "id[in][]=1&full_name[start_with]=dive%20r&updated_at[gt]=2019-11-06T09%3A21%3A41Z&email=a%2Bb%40x.com"
        );
    }
}
