//! Retry decisions and backoff: exponential with full jitter (AWS's "standard" mode).

use std::time::Duration;

use rand::Rng;

use crate::config::RetryConfig;

/// Statuses worth another attempt: rate limiting and server-side trouble.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// How long to wait after the `failed`-th attempt (1-based): a random time up to
/// `base * 2^(failed-1)`, capped; a server's `Retry-After` wins when present, capped too.
pub(crate) fn backoff(config: &RetryConfig, failed: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(wait) = retry_after {
        return wait.min(config.max_delay);
    }
    let exponent = failed.saturating_sub(1).min(20);
    let ceiling = config.base_delay.saturating_mul(1 << exponent).min(config.max_delay);
    let millis = ceiling.as_millis() as u64;
    if millis == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(rand::rng().random_range(0..=millis))
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
    use super::*;

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
                assert!(backoff(&config, failed, None) <= ceiling);
            }
        }
        assert_eq!(
            backoff(&config, 1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            backoff(&config, 1, Some(Duration::from_secs(3600))),
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
