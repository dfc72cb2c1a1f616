//! Sending a call: take a session, compose headers, sign, send with a per-attempt timeout,
//! then decide — done, renew the session and replay once, correct the clock and re-sign
//! once, back off and retry, or fail with a typed error. The whole call is bounded by the
//! operation deadline: each attempt's timeout is cut to what is left of it, so an attempt
//! runs one timer, not two. Dropping the call's future cancels the request in flight.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use connectycube_models::{ErrorBody, nest_params};
use connectycube_transport::{
    HeaderMap, HeaderName, HeaderValue, HttpRequest, HttpResponse, RequestBody, TransportError, redact_url,
};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rand::Rng;
use tokio::time::Instant;

use super::request::{ApiRequest, Auth, Body, Repeat, Target};
use super::retry::{backoff, retry_after, retryable_status};
use crate::client::Inner;
use crate::error::{Error, Result};
use crate::session::SessionRef;
use crate::session::signing::sign;

/// What a successful call returns: the answer and the session it was made with.
pub(crate) struct Answer {
    pub response: HttpResponse,
    pub session: Option<SessionRef>,
}

/// Characters left as they are in query keys and values; brackets stay literal in keys
/// (`id[in][]`), as the JS SDK sends them.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
const KEY: &AsciiSet = &VALUE.remove(b'[').remove(b']');

pub(crate) fn encode_query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", utf8_percent_encode(k, KEY), utf8_percent_encode(v, VALUE)))
        .collect::<Vec<_>>()
        .join("&")
}

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

impl Inner {
    pub(crate) async fn execute(self: &Arc<Self>, request: ApiRequest) -> Result<Answer> {
        let deadline = Instant::now() + self.config.timeouts.operation;
        self.run(request, deadline).await
    }

    async fn run(self: &Arc<Self>, request: ApiRequest, deadline: Instant) -> Result<Answer> {
        let max_attempts = self.config.retry.max_attempts.max(1);
        let mut failed_attempts = 0;
        let mut renewed = false;
        let mut resigned = false;
        loop {
            let session = match request.auth {
                Auth::None => None,
                Auth::SessionOrAuthKey => self.sessions.live(self.clock.server_now(), self.expiry_margin()),
                // A timer only when the session is not at hand (the future is ready at once
                // otherwise and the timer is never registered).
                Auth::Session(need) => Some(
                    tokio::time::timeout_at(deadline, self.sessions.ensure(self, need))
                        .await
                        .map_err(|_| Error::Timeout)??,
                ),
                Auth::CurrentOnly => Some(
                    self.sessions
                        .live(self.clock.server_now(), time::Duration::ZERO)
                        .ok_or(Error::SessionExpired)?,
                ),
            };
            let mut http = self.compose(&request, session.as_ref())?;
            let timeout = attempt_timeout(self.config.timeouts.attempt, deadline)?;
            http.timeout = Some(timeout);
            tracing::debug!(method = %request.method, url = %redact_url(&http.url), attempt = failed_attempts + 1, "sending");
            let outcome = if self.transport.enforces_timeout() {
                self.transport.send(http).await
            } else {
                tokio::time::timeout(timeout, self.transport.send(http))
                    .await
                    .unwrap_or(Err(TransportError::Timeout))
            };
            let response = match outcome {
                Ok(response) => response,
                Err(error) => {
                    failed_attempts += 1;
                    let repeatable = request.repeat == Repeat::Safe || !error.may_have_reached_server();
                    tracing::debug!(%error, attempt = failed_attempts, "transport failure");
                    if error.is_transient() && repeatable && failed_attempts < max_attempts {
                        sleep_before(deadline, backoff(&self.config.retry, failed_attempts, None)).await?;
                        continue;
                    }
                    if Instant::now() >= deadline {
                        return Err(Error::Timeout);
                    }
                    return Err(error.into());
                }
            };
            self.clock.observe_date(response.header("date"));
            let status = response.status.as_u16();
            tracing::debug!(status, "answered");
            if response.status.is_success() {
                if let (Some(session), Some(expires)) = (&session, self.expiry_of(&response)) {
                    self.sessions.extend(&session.token, expires);
                }
                return Ok(Answer { response, session });
            }
            let error_body = ErrorBody::parse(&response.body).unwrap_or_default();
            if status == 401 && error_body.is_session_missing() && !renewed && request.auth != Auth::CurrentOnly {
                if let Some(session) = &session {
                    // The server dropped the token: renew once and replay once.
                    renewed = true;
                    self.sessions.invalidate(&session.token);
                    tracing::debug!("session gone on the server; renewing once");
                    continue;
                }
            }
            if status == 422
                && error_body.is_invalid_timestamp()
                && matches!(request.body, Body::SessionParams(_))
                && !resigned
            {
                // The device clock is off: the `Date` of this answer corrected it; re-sign once.
                resigned = true;
                tracing::debug!(
                    skew_secs = self.clock.skew().whole_seconds(),
                    "timestamp refused; re-signing once"
                );
                continue;
            }
            failed_attempts += 1;
            if retryable_status(status) && request.repeat == Repeat::Safe && failed_attempts < max_attempts {
                let asked = retry_after(response.header("retry-after"), self.clock.server_now());
                let wait = backoff(&self.config.retry, failed_attempts, asked);
                // A wait past the deadline could not end in time: the server's answer is
                // the better error than a timeout.
                if sleep_before(deadline, wait).await.is_ok() {
                    continue;
                }
            }
            return Err(Error::from_status(status, &response.body));
        }
    }

    /// `CB-Token-ExpirationDate` when believable, or two hours from the server's now (the
    /// documented sliding lifetime).
    pub(crate) fn expiry_of(&self, response: &HttpResponse) -> Option<time::OffsetDateTime> {
        let given = response.header("cb-token-expirationdate").and_then(|text| {
            self.expiry_header
                .get(text, connectycube_models::date::parse_expiration_header)
                .0
        });
        self.clock.expiry_from_server(given)
    }

    fn compose(&self, request: &ApiRequest, session: Option<&SessionRef>) -> Result<HttpRequest> {
        let (mut url, external) = match &request.target {
            Target::Api(path) => (format!("{}{}", self.config.api_endpoint, path), false),
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
            match (session, request.auth) {
                (Some(session), _) => {
                    // Tokens from the server are checked when the session is created; only
                    // one the app set can fail here.
                    let token = session.token_header.clone().ok_or_else(|| {
                        Error::InvalidInput(
                            "the session token the app set holds characters a header cannot carry".into(),
                        )
                    })?;
                    headers.insert(CB_TOKEN.clone(), token);
                }
                (None, Auth::SessionOrAuthKey) => {
                    headers.insert(CB_AUTH_KEY.clone(), header_value(self.config.auth_key.expose())?);
                }
                _ => {}
            }
        }
        let body = match &request.body {
            Body::Empty => RequestBody::Empty,
            Body::Json(value) => RequestBody::Json(Bytes::from(value.to_string())),
            Body::SessionParams(pairs) => RequestBody::Json(Bytes::from(self.session_body(pairs).to_string())),
            Body::Multipart(form) => RequestBody::Multipart(form.clone()),
        };
        let mut http = HttpRequest::new(request.method.clone(), url);
        http.headers = headers;
        http.body = body;
        Ok(http)
    }

    /// The body of one `POST /session` attempt; signed with a fresh nonce and the
    /// server's time when an auth secret is configured.
    fn session_body(&self, pairs: &[(String, String)]) -> serde_json::Value {
        let mut pairs = pairs.to_vec();
        if let Some(secret) = &self.config.auth_secret {
            pairs.push(("nonce".into(), rand::rng().random_range(1..i32::MAX as u32).to_string()));
            pairs.push(("timestamp".into(), self.clock.server_now().unix_timestamp().to_string()));
            let signature = sign(secret.expose(), &pairs);
            pairs.push(("signature".into(), signature));
        }
        nest_params(&pairs)
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

/// Waits before a retry; a wait that would end past the deadline fails the call now, as
/// the retry could not finish in time anyway.
async fn sleep_before(deadline: Instant, wait: Duration) -> Result<()> {
    if Instant::now() + wait >= deadline {
        return Err(Error::Timeout);
    }
    tokio::time::sleep(wait).await;
    Ok(())
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
