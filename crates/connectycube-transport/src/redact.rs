//! Keeping secrets out of logs: URLs may carry a session token (`/blobs/{uid}?token=…`).

/// The URL with the values of `token` (and any `*token*`/`signature`/`password` query
/// parameter) replaced by `<redacted>`.
pub fn redact_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if is_secret_name(key) => format!("{key}=<redacted>"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{base}?{}", pairs.join("&"))
}

/// Header, parameter and log field names whose values are secrets.
pub fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "token",
        "password",
        "signature",
        "secret",
        "authkey",
        "auth_key",
        "authorization",
        "nonce",
    ]
    .iter()
    .any(|secret| name.contains(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_in_urls_are_redacted() {
        assert_eq!(
            redact_url("https://api.connectycube.com/blobs/abc?token=SECRET123&x=1"),
            "https://api.connectycube.com/blobs/abc?token=<redacted>&x=1"
        );
        assert_eq!(
            redact_url("http://h/users/v2?login=john"),
            "http://h/users/v2?login=john"
        );
        assert_eq!(redact_url("http://h/a"), "http://h/a");
    }
}
