//! The emulator's `POST /session` answer, read the same way by every load generator.

use anyhow::{Context, Result, anyhow};
use serde_json::Value;

/// The session token and the user id of a `POST /session` answer (with user credentials).
pub fn token_and_user(body: &[u8]) -> Result<(String, i64)> {
    let session: Value = serde_json::from_slice(body).context("POST /session: invalid JSON")?;
    let token = session
        .pointer("/session/token")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("POST /session: no session.token in {session}"))?;
    let user_id = session
        .pointer("/session/user_id")
        .and_then(Value::as_i64)
        .ok_or_else(|| anyhow!("POST /session: no session.user_id in {session}"))?;
    Ok((token.to_owned(), user_id))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_token_and_the_user() {
        let body = br#"{"session":{"token":"t","user_id":7}}"#;
        assert_eq!(super::token_and_user(body).unwrap(), ("t".to_owned(), 7));
        assert!(super::token_and_user(b"{}").is_err());
    }
}
