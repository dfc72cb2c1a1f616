//! Client settings and their defaults.

use std::time::Duration;

use connectycube_models::Secret;

use crate::error::{Error, Result};

/// The public API endpoint.
pub const DEFAULT_API_ENDPOINT: &str = "https://api.connectycube.com";

/// Bounds on time. reqwest has none by default; an SDK must.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a connection (DNS, TCP, TLS). Default 10 s (mobile networks).
    pub connect: Duration,
    /// One attempt: sending, waiting, reading the answer. Default 30 s.
    pub attempt: Duration,
    /// A whole call, retries and session renewal included. Default 60 s.
    pub operation: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            attempt: Duration::from_secs(30),
            operation: Duration::from_secs(60),
        }
    }
}

/// Retries of transient failures (connect errors; for idempotent calls also timeouts,
/// broken connections, 429 and 5xx), with exponential backoff and full jitter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    /// Attempts in all, the first included. Default 3; 1 disables retries.
    pub max_attempts: u32,
    /// Backoff base: attempt n waits a random time up to `base_delay * 2^(n-1)`. Default 1 s.
    pub base_delay: Duration,
    /// Backoff cap (also caps a server's `Retry-After`). Default 20 s.
    pub max_delay: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(20),
        }
    }
}

/// Everything the client was built with.
#[derive(Clone)]
pub struct Config {
    pub app_id: u64,
    pub auth_key: Secret,
    /// When set, `POST /session` is signed (HMAC-SHA1, the legacy scheme some apps require).
    pub auth_secret: Option<Secret>,
    /// Base URL without a trailing slash.
    pub api_endpoint: String,
    pub timeouts: Timeouts,
    pub retry: RetryConfig,
    /// Keep the credentials of the last user session in memory to renew it when it
    /// expires. Off by default: apps opt in (or provide a `SessionRestore`).
    pub retain_credentials: bool,
    /// Treat a session as expired this long before the server's expiry, so a call does not
    /// race the deadline.
    pub expiry_margin: Duration,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("app_id", &self.app_id)
            .field("auth_key", &self.auth_key)
            .field("auth_secret", &self.auth_secret.as_ref().map(|_| "<redacted>"))
            .field("api_endpoint", &self.api_endpoint)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("retain_credentials", &self.retain_credentials)
            .finish()
    }
}

/// Checks and normalises an API endpoint: `https://` only, except loopback addresses
/// (so a local emulator works) or when plain HTTP is explicitly allowed. A bare host gets
/// `https://`, as the official SDKs do.
pub(crate) fn normalise_endpoint(endpoint: &str, allow_http: bool) -> Result<String> {
    let endpoint = endpoint.trim();
    let endpoint = if endpoint.contains("://") {
        endpoint.to_owned()
    } else {
        format!("https://{endpoint}")
    };
    let endpoint = endpoint.trim_end_matches('/').to_owned();
    let (scheme, rest) = endpoint.split_once("://").ok_or_else(|| invalid(&endpoint))?;
    let authority = rest.split('/').next().unwrap_or("");
    let host = host_of(authority);
    if host.is_empty() || rest.contains(['?', '#', ' ']) {
        return Err(invalid(&endpoint));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(endpoint),
        "http" if allow_http || is_loopback(host) => Ok(endpoint),
        "http" => Err(Error::InvalidInput(format!(
            "plain HTTP is refused for {host}: use https:// (or allow plain HTTP explicitly for a test server)"
        ))),
        _ => Err(invalid(&endpoint)),
    }
}

fn invalid(endpoint: &str) -> Error {
    Error::InvalidInput(format!("not an API endpoint URL: {endpoint}"))
}

fn host_of(authority: &str) -> &str {
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_only_but_loopback() {
        assert_eq!(
            normalise_endpoint("https://api.example.com/", false).unwrap(),
            "https://api.example.com"
        );
        assert_eq!(
            normalise_endpoint("api.example.com", false).unwrap(),
            "https://api.example.com"
        );
        for local in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "http://127.4.5.6",
        ] {
            assert!(normalise_endpoint(local, false).is_ok(), "{local}");
        }
        assert!(normalise_endpoint("http://api.example.com", false).is_err());
        assert!(normalise_endpoint("http://10.0.0.2:8080", false).is_err());
        assert!(normalise_endpoint("http://10.0.0.2:8080", true).is_ok());
        assert!(normalise_endpoint("ftp://x", true).is_err());
        assert!(normalise_endpoint("https://", false).is_err());
    }
}
