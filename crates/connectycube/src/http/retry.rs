//! Retry decisions and backoff: exponential with full jitter (AWS's "standard" mode).

use std::time::Duration;

use rand::Rng;

use crate::config::RetryConfig;

/// Statuses worth another attempt: rate limiting and server-side trouble.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// How long to wait after the `failed`-th attempt (1-based): a random time up to
/// `base * 2^(failed-1)`, capped; a server's `Retry-After` (seconds) wins when present,
/// capped too.
pub(crate) fn backoff(config: &RetryConfig, failed: u32, retry_after: Option<&str>) -> Duration {
    if let Some(seconds) = retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
        return Duration::from_secs(seconds).min(config.max_delay);
    }
    let exponent = failed.saturating_sub(1).min(20);
    let ceiling = config.base_delay.saturating_mul(1 << exponent).min(config.max_delay);
    let millis = ceiling.as_millis() as u64;
    if millis == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(rand::rng().random_range(0..=millis))
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
        assert_eq!(backoff(&config, 1, Some("3")), Duration::from_secs(3));
        assert_eq!(backoff(&config, 1, Some("3600")), Duration::from_secs(20));
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
