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
    /// The application's id from the admin panel.
    pub app_id: u64,
    /// The application's auth key from the admin panel, sent when creating sessions and
    /// signing up; `Debug` and logs never show it.
    pub auth_key: Secret,
    /// When set, `POST /session` is signed (HMAC-SHA1, the legacy scheme some apps require).
    pub auth_secret: Option<Secret>,
    /// Base URL without a trailing slash.
    pub api_endpoint: String,
    /// Bounds on connecting, on one attempt and on a whole call.
    pub timeouts: Timeouts,
    /// How transient failures are retried.
    pub retry: RetryConfig,
    /// Keep the login or email and password of the signed-in user in memory to renew the
    /// session when it expires. On by default; token sign-ins are never kept.
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
/// `https://`, as the official SDKs do. Judged on the parsed URL — the one the transport
/// connects to — so `http://evil.example\@127.0.0.1` is `evil.example`, not loopback.
/// A user name or password in the endpoint is refused: it would travel to the server and
/// into every printed URL.
pub(crate) fn normalise_endpoint(endpoint: &str, allow_http: bool) -> Result<String> {
    let text = endpoint.trim();
    let with_scheme = if text.contains("://") {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    let url = url::Url::parse(&with_scheme).map_err(|e| invalid(&format!("{e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::InvalidInput(
            "an API endpoint must not hold a user name or password (user:password@)".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it has a query or fragment"));
    }
    let host = url.host().ok_or_else(|| invalid("it has no host"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_http || is_loopback(&host) => {}
        "http" => {
            return Err(Error::InvalidInput(format!(
                "plain HTTP is refused for {host}: use https:// (or allow plain HTTP explicitly for a test server)"
            )));
        }
        other => return Err(invalid(&format!("the scheme {other} is not http(s)"))),
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The endpoint text is not echoed: it may hold a password.
fn invalid(why: &str) -> Error {
    Error::InvalidInput(format!(
        "not an API endpoint URL ({why}); expected https://host[:port][/path]"
    ))
}

pub(crate) fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
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
        assert_eq!(
            normalise_endpoint("HTTPS://API.Example.com/api/", false).unwrap(),
            "https://api.example.com/api"
        );
    }

    #[test]
    fn the_loopback_exemption_is_judged_on_the_parsed_url() {
        // A backslash is a path separator to the URL parser: the host is evil.example.
        let error = normalise_endpoint("http://evil.example\\@127.0.0.1", false).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid input: plain HTTP is refused for evil.example: use https:// (or allow plain HTTP explicitly for a test server)"
        );
        for tricky in [
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example:80",
            "http://evil.example#@127.0.0.1",
            "http://evil.example?@127.0.0.1",
        ] {
            assert!(normalise_endpoint(tricky, false).is_err(), "{tricky}");
        }
    }

    #[test]
    fn userinfo_is_refused_and_never_echoed() {
        for endpoint in [
            "https://user:CANARY-PASSWORD@api.example.com",
            "http://user:CANARY-PASSWORD@127.0.0.1:8080",
            "https://CANARY-USER@api.example.com",
        ] {
            let error = normalise_endpoint(endpoint, true).unwrap_err();
            assert_eq!(error.code(), "invalid_input");
            assert!(!error.to_string().contains("CANARY"), "{error}");
        }
        let error = normalise_endpoint("https://CANARY-PASSWORD@", false).unwrap_err();
        assert!(!error.to_string().contains("CANARY"), "{error}");
    }
}
