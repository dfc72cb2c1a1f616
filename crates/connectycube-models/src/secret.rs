//! [`Secret`]: a string that never shows up in logs.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What `Debug` and `Display` print instead of a secret value.
pub const REDACTED: &str = "<redacted>";

/// A secret string (password, token, auth secret, signature).
///
/// `Debug` and `Display` print `<redacted>`, so a secret inside any derived `Debug` output (sessions,
/// credentials, sign-up input) stays out of logs. `Serialize` writes the real value because the wire
/// needs it; `Deserialize` reads a plain string. Read the value on purpose with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// The real value; call it only where the value must leave the process (request bodies, signatures).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `true` when the value is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&String> for Secret {
    fn from(s: &String) -> Self {
        Self(s.clone())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("canary-7f3a");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(<redacted>)");
        assert_eq!(s.expose(), "canary-7f3a");
        assert!(!s.is_empty());
        assert!(Secret::default().is_empty());
    }

    #[test]
    fn serde_uses_the_real_value() {
        let s = Secret::from("p@ss \"word\"");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#""p@ss \"word\"""#);
        let back: Secret = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert!(serde_json::from_str::<Secret>("12").is_err());
        assert_eq!(Secret::from(String::from("x")), Secret::new("x"));
    }
}
