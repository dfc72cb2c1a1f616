//! Retry decisions: after each attempt, [`decide`] says what comes next — done, renew the
//! session and replay once, re-sign once, retry after a delay, or fail — from the outcome
//! and the call's history alone. Backoff is exponential with full jitter (AWS's "standard"
//! mode); a server's `Retry-After` wins.

use std::time::Duration;

use connectycube_models::ErrorBody;
use connectycube_transport::{HttpResponse, TransportError};
use rand::Rng;

use super::request::{ApiRequest, Auth, Body, Repeat};
use crate::config::RetryConfig;
use crate::error::Error;

/// What to do after an attempt.
#[derive(Debug, PartialEq)]
pub(crate) enum Decision {
    /// A success: return the answer.
    Done,
    /// The server no longer knows the session the attempt carried: forget it, take a new
    /// one and replay (once per call).
    RenewSession,
    /// The server refused the signature's timestamp; its `Date` corrected the clock:
    /// sign again and replay (once per call).
    ReSign,
    /// Wait `after`, then try again; a wait that cannot end before the deadline fails
    /// with `otherwise` instead.
    Retry {
        after: Duration,
        otherwise: Error,
    },
    Fail(Error),
}

/// What a call is, as far as retrying goes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Call {
    pub repeat: Repeat,
    pub auth: Auth,
    /// The attempt carried a session token.
    pub carried_session: bool,
    /// A `POST /session`: a refused timestamp is worth one replay, signed anew with the
    /// clock the refusal's `Date` corrected.
    pub signed_session: bool,
}

impl Call {
    /// `request`, whose attempt carried a session or not.
    pub fn of(request: &ApiRequest, carried_session: bool) -> Self {
        Self {
            repeat: request.repeat,
            auth: request.auth,
            carried_session,
            signed_session: matches!(request.body, Body::SessionParams(_)),
        }
    }
}

/// What a call has been through so far.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Tries {
    failed: u32,
    renewed: bool,
    resigned: bool,
}

impl Tries {
    /// Attempts that failed so far.
    pub fn failed(&self) -> u32 {
        self.failed
    }
}

/// The one place retries are decided. `outcome` is the attempt's transport result;
/// `server_now` reads an HTTP-date `Retry-After`; `past_deadline` turns a final transport
/// failure into a timeout (the deadline, not the network, ended the call); `rng` draws the
/// backoff's jitter. Nothing else is read or changed but `tries`.
pub(crate) fn decide(
    outcome: Result<&HttpResponse, &TransportError>,
    call: Call,
    tries: &mut Tries,
    config: &RetryConfig,
    server_now: time::OffsetDateTime,
    past_deadline: bool,
    rng: &mut impl Rng,
) -> Decision {
    let max_attempts = config.max_attempts.max(1);
    let response = match outcome {
        Ok(response) => response,
        Err(error) => {
            tries.failed += 1;
            let repeatable = call.repeat == Repeat::Safe || !error.may_have_reached_server();
            if error.is_transient() && repeatable && tries.failed < max_attempts {
                let after = backoff(config, tries.failed, None, rng);
                tracing::warn!(%error, attempt = tries.failed, wait_ms = after.as_millis(), "retrying after a transport failure");
                return Decision::Retry {
                    after,
                    otherwise: Error::Timeout,
                };
            }
            return Decision::Fail(if past_deadline {
                Error::Timeout
            } else {
                error.clone().into()
            });
        }
    };
    if response.status.is_success() {
        return Decision::Done;
    }
    let status = response.status.as_u16();
    let error_body = ErrorBody::parse(&response.body).unwrap_or_default();
    if status == 401
        && error_body.is_session_missing()
        && call.carried_session
        && call.auth != Auth::CurrentOnly
        && !tries.renewed
    {
        tries.renewed = true;
        return Decision::RenewSession;
    }
    if status == 422 && error_body.is_invalid_timestamp() && call.signed_session && !tries.resigned {
        tries.resigned = true;
        return Decision::ReSign;
    }
    tries.failed += 1;
    let error = Error::from_status(status, &response.body, call.signed_session);
    if retryable_status(status) && call.repeat == Repeat::Safe && tries.failed < max_attempts {
        let asked = retry_after(response.header("retry-after"), server_now);
        // A wait past the deadline could not end in time: the server's answer is the
        // better error than a timeout.
        let after = backoff(config, tries.failed, asked, rng);
        tracing::warn!(
            status,
            attempt = tries.failed,
            wait_ms = after.as_millis(),
            "retrying after the server's answer"
        );
        return Decision::Retry {
            after,
            otherwise: error,
        };
    }
    Decision::Fail(error)
}

/// Statuses worth another attempt: rate limiting and server-side trouble (the codes
/// `rate_limited` and `server_error`, which the error table calls retryable).
pub(crate) fn retryable_status(status: u16) -> bool {
    status == 429 || crate::error_code::is_server_trouble(status)
}

/// How long to wait after the `failed`-th attempt (1-based): a random time up to
/// `base * 2^(failed-1)`, capped; a server's `Retry-After` wins when present, capped too.
pub(crate) fn backoff(
    config: &RetryConfig,
    failed: u32,
    retry_after: Option<Duration>,
    rng: &mut impl Rng,
) -> Duration {
    if let Some(wait) = retry_after {
        return wait.min(config.max_delay);
    }
    let exponent = failed.saturating_sub(1).min(20);
    let ceiling = config.base_delay.saturating_mul(1 << exponent).min(config.max_delay);
    let millis = ceiling.as_millis() as u64;
    if millis == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(rng.random_range(0..=millis))
}

/// `Retry-After` in either form (RFC 9110 §10.2.3): delay seconds, or an HTTP-date read
/// against the server's now. A date already past means no wait; unreadable means absent.
pub(crate) fn retry_after(value: Option<&str>, server_now: time::OffsetDateTime) -> Option<Duration> {
    let value = value?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = connectycube_models::date::parse_http_date(value)?;
    Some(Duration::try_from(at - server_now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use connectycube_transport::{HeaderMap, HeaderValue, StatusCode};

    use super::*;

    const NOW: time::OffsetDateTime = time::macros::datetime!(2026-12-01 10:00:00 UTC);

    fn config() -> RetryConfig {
        RetryConfig {
            max_attempts: 3,
            base_delay: Duration::ZERO,
            max_delay: Duration::from_secs(20),
        }
    }

    fn answer(status: u16, body: &str, retry_after: Option<&'static str>) -> HttpResponse {
        let mut headers = HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert("retry-after", HeaderValue::from_static(value));
        }
        HttpResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    fn call(repeat: Repeat) -> Call {
        Call {
            repeat,
            auth: Auth::Session(crate::http::request::Need::Any),
            carried_session: true,
            signed_session: false,
        }
    }

    /// `decide` with the test's retry settings, within the deadline.
    fn judge(outcome: Result<&HttpResponse, &TransportError>, call: Call, tries: &mut Tries) -> Decision {
        decide(outcome, call, tries, &config(), NOW, false, &mut rand::rng())
    }

    /// `decide` for a first attempt that ended past the deadline.
    fn judge_late(outcome: Result<&HttpResponse, &TransportError>, call: Call) -> Decision {
        decide(
            outcome,
            call,
            &mut Tries::default(),
            &config(),
            NOW,
            true,
            &mut rand::rng(),
        )
    }

    fn retry(after: Duration, otherwise: Error) -> Decision {
        Decision::Retry { after, otherwise }
    }

    #[test]
    fn transport_failures_retry_when_they_never_left_or_the_call_is_safe() {
        let refused = TransportError::Connect("refused".into());
        let reset = TransportError::Io("reset".into());
        let tls = TransportError::Tls("untrusted".into());
        let (safe, unsafe_call) = (call(Repeat::Safe), call(Repeat::OnlyIfNotSent));
        let fresh = || Tries::default();
        let network = |d: &Decision| matches!(d, Decision::Fail(Error::Network { .. }));
        assert_eq!(
            judge(Err(&refused), unsafe_call, &mut fresh()),
            retry(Duration::ZERO, Error::Timeout)
        );
        assert!(network(&judge(Err(&reset), unsafe_call, &mut fresh())));
        assert_eq!(
            judge(Err(&reset), safe, &mut fresh()),
            retry(Duration::ZERO, Error::Timeout)
        );
        // The third failure of three attempts fails.
        let mut tries = fresh();
        judge(Err(&refused), unsafe_call, &mut tries);
        judge(Err(&refused), unsafe_call, &mut tries);
        assert!(network(&judge(Err(&refused), unsafe_call, &mut tries)));
        // A wait cannot end past the deadline: the retry says so, and a final failure there
        // is a timeout.
        assert_eq!(
            judge_late(Err(&refused), unsafe_call),
            retry(Duration::ZERO, Error::Timeout)
        );
        assert_eq!(judge_late(Err(&tls), safe), Decision::Fail(Error::Timeout));
        assert!(matches!(
            judge(Err(&tls), safe, &mut fresh()),
            Decision::Fail(Error::Tls(_))
        ));
    }

    /// The loop retries a call safe to repeat exactly when the error's code is retryable
    /// (`docs/errors.md`), and an unsafe call never when it is not.
    #[test]
    fn the_loop_retries_what_the_error_table_calls_retryable() {
        let bodies = [
            "",
            r#"{"errors":["Forbidden. Need user."]}"#,
            r#"{"errors":["Invalid password"]}"#,
        ];
        for status in 400..=599 {
            for body in bodies {
                let answer = answer(status, body, None);
                let error = Error::from_status(status, body.as_bytes(), false);
                let safe = judge(Ok(&answer), call(Repeat::Safe), &mut Tries::default());
                assert_eq!(
                    matches!(safe, Decision::Retry { .. }),
                    error.is_retryable(),
                    "{status} {body}: {safe:?} for {}",
                    error.code()
                );
                let once = judge(Ok(&answer), call(Repeat::OnlyIfNotSent), &mut Tries::default());
                assert!(
                    !matches!(once, Decision::Retry { .. }) || error.is_retryable(),
                    "{status}"
                );
            }
        }
        let transport = [
            TransportError::Connect("refused".into()),
            TransportError::Io("reset".into()),
            TransportError::Closed("closed".into()),
            TransportError::Timeout,
            TransportError::Tls("untrusted".into()),
            TransportError::ResponseTooLarge { limit: 1 },
            TransportError::InvalidRequest("bad header".into()),
        ];
        for failure in transport {
            let error = Error::from(failure.clone());
            let safe = judge(Err(&failure), call(Repeat::Safe), &mut Tries::default());
            assert_eq!(
                matches!(safe, Decision::Retry { .. }),
                error.is_retryable(),
                "{failure:?}"
            );
        }
    }

    #[test]
    fn a_missing_session_renews_once_and_only_with_a_session_to_renew() {
        let gone = answer(401, r#"{"errors":{"base":["Required session does not exist"]}}"#, None);
        let safe = call(Repeat::Safe);
        let mut tries = Tries::default();
        assert_eq!(judge(Ok(&gone), safe, &mut tries), Decision::RenewSession);
        assert_eq!(
            judge(Ok(&gone), safe, &mut tries),
            Decision::Fail(Error::SessionExpired)
        );
        let current_only = Call {
            auth: Auth::CurrentOnly,
            ..safe
        };
        let without = Call {
            carried_session: false,
            ..safe
        };
        for call in [current_only, without] {
            assert_eq!(
                judge(Ok(&gone), call, &mut Tries::default()),
                Decision::Fail(Error::SessionExpired)
            );
        }
    }

    #[test]
    fn a_refused_timestamp_re_signs_a_session_request_once() {
        let refused = answer(422, r#"{"errors":{"timestamp":["invalid timestamp"]}}"#, None);
        let as_error = Decision::Fail(Error::from_status(422, &refused.body, false));
        assert_eq!(judge(Ok(&refused), call(Repeat::Safe), &mut Tries::default()), as_error);
        let signed = Call {
            signed_session: true,
            ..call(Repeat::Safe)
        };
        let mut tries = Tries::default();
        assert_eq!(judge(Ok(&refused), signed, &mut tries), Decision::ReSign);
        assert_eq!(judge(Ok(&refused), signed, &mut tries), as_error);
    }

    #[test]
    fn statuses_retry_for_safe_calls_honouring_retry_after() {
        let busy = answer(503, "", Some("7"));
        let mut tries = Tries::default();
        let unavailable = Error::from_status(503, b"", false);
        assert_eq!(
            judge(Ok(&busy), call(Repeat::Safe), &mut tries),
            retry(Duration::from_secs(7), unavailable.clone())
        );
        assert_eq!(tries.failed(), 1);
        assert_eq!(
            judge(Ok(&busy), call(Repeat::OnlyIfNotSent), &mut Tries::default()),
            Decision::Fail(unavailable)
        );
        let bad = answer(400, r#"{"errors":["bad"]}"#, None);
        assert!(matches!(
            judge(Ok(&bad), call(Repeat::Safe), &mut Tries::default()),
            Decision::Fail(Error::Api { status: 400, .. })
        ));
        let ok = answer(200, "{}", None);
        assert_eq!(
            judge(Ok(&ok), call(Repeat::Safe), &mut Tries::default()),
            Decision::Done
        );
    }

    #[test]
    fn full_jitter_stays_within_bounds() {
        let config = RetryConfig {
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(20),
        };
        for failed in 1..=8u32 {
            let ceiling = Duration::from_secs(1 << (failed - 1)).min(Duration::from_secs(20));
            for _ in 0..200 {
                assert!(backoff(&config, failed, None, &mut rand::rng()) <= ceiling);
            }
        }
        assert_eq!(
            backoff(&config, 1, Some(Duration::from_secs(3)), &mut rand::rng()),
            Duration::from_secs(3)
        );
        assert_eq!(
            backoff(&config, 1, Some(Duration::from_secs(3600)), &mut rand::rng()),
            Duration::from_secs(20)
        );
    }

    #[test]
    fn retry_after_in_both_forms() {
        let now = time::macros::datetime!(2026-12-01 10:00:00 UTC);
        assert_eq!(retry_after(Some(" 7 "), now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after(Some("Tue, 01 Dec 2026 10:00:05 GMT"), now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            retry_after(Some("Tue, 01 Dec 2026 09:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        // Far past any deadline: the caller's deadline decides, not this parser.
        let far = retry_after(Some("Fri, 31 Dec 9999 23:59:59 GMT"), now).unwrap();
        assert!(far > Duration::from_secs(1_000 * 365 * 24 * 3600));
        assert_eq!(retry_after(Some("soon"), now), None);
        assert_eq!(retry_after(Some("-5"), now), None);
        assert_eq!(retry_after(None, now), None);
    }

    #[test]
    fn which_statuses_retry() {
        for status in [429, 500, 502, 503, 504] {
            assert!(retryable_status(status));
        }
        for status in [400, 401, 403, 404, 422, 501] {
            assert!(!retryable_status(status));
        }
    }
}
