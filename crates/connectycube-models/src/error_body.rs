//! The server's error bodies.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// Message of an expired or unknown token (401).
pub const SESSION_MISSING: &str = "Required session does not exist";
/// Message of a user-only action under an application session (403).
pub const NEED_USER: &str = "Forbidden. Need user.";
/// Message of a signed `POST /session` whose timestamp is too far from server time (422, key `timestamp`).
pub const INVALID_TIMESTAMP: &str = "invalid timestamp";

/// The most messages kept of one list (the body's, or one field's); the rest are counted in a
/// last message `"… and N more"`. A hostile or broken server cannot turn one answer into an
/// error the app cannot print.
pub const MAX_MESSAGES: usize = 32;
/// The most fields kept of an object-shaped body.
pub const MAX_FIELDS: usize = 32;
/// The longest message kept, in bytes; a longer one is cut (at a character boundary) and ends in `…`.
pub const MAX_MESSAGE_BYTES: usize = 1024;

/// The server's error bodies: `{"errors":["msg",...]}` or `{"errors":{"field":["msg",...]}}` (field "base" = general).
///
/// `messages` holds the array items, or for the object shape the `base` messages as-is followed by
/// `"<field> <message>"` for the other fields (in key order); `fields` holds the object's non-`base` keys
/// as-is (empty for the array shape). Both are bounded: at most 32 messages and 32 fields,
/// each message at most 1 KiB.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorBody {
    /// Every message, readable on its own.
    pub messages: Vec<String>,
    /// Field-keyed messages (`password` → `["cannot be blank"]`), without `base`.
    pub fields: BTreeMap<String, Vec<String>>,
}

fn texts(value: &Value) -> Vec<String> {
    let items = match value {
        Value::Array(items) => items.as_slice(),
        other => std::slice::from_ref(other),
    };
    bounded(items.iter().filter_map(text))
}

/// At most [`MAX_MESSAGES`] messages, each at most [`MAX_MESSAGE_BYTES`], and a count of the rest.
fn bounded(messages: impl Iterator<Item = String>) -> Vec<String> {
    let mut kept = Vec::new();
    let mut more = 0usize;
    for message in messages {
        if kept.len() < MAX_MESSAGES {
            kept.push(shortened(message));
        } else {
            more += 1;
        }
    }
    if more > 0 {
        kept.push(format!("… and {more} more"));
    }
    kept
}

fn shortened(mut message: String) -> String {
    if message.len() > MAX_MESSAGE_BYTES {
        let mut end = MAX_MESSAGE_BYTES;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push('…');
    }
    message
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b)
}

impl ErrorBody {
    /// None when the body is not one of the two shapes (empty, HTML, other JSON). Never panics on any bytes.
    ///
    /// Tolerated on top: a bare string (`{"errors":"msg"}`) and single strings instead of arrays inside
    /// the object shape.
    pub fn parse(body: &[u8]) -> Option<Self> {
        let value: Value = serde_json::from_slice(body).ok()?;
        let errors = value.get("errors")?;
        match errors {
            Value::Array(_) | Value::String(_) => Some(Self {
                messages: texts(errors),
                fields: BTreeMap::new(),
            }),
            Value::Object(map) => {
                let mut messages = map.get("base").map(texts).unwrap_or_default();
                let mut fields = BTreeMap::new();
                let mut more_fields = 0usize;
                for (field, value) in map.iter().filter(|(k, _)| k.as_str() != "base") {
                    if fields.len() == MAX_FIELDS {
                        more_fields += 1;
                        continue;
                    }
                    let field = shortened(field.clone());
                    let list = texts(value);
                    messages.extend(list.iter().map(|m| format!("{field} {m}")));
                    fields.insert(field, list);
                }
                let mut messages = bounded(messages.into_iter());
                if more_fields > 0 {
                    messages.push(format!("… and {more_fields} more fields"));
                }
                Some(Self { messages, fields })
            }
            _ => None,
        }
    }

    /// `true` for "Required session does not exist": the token expired or is unknown.
    pub fn is_session_missing(&self) -> bool {
        self.messages.iter().any(|m| same(m, SESSION_MISSING))
    }

    /// `true` for `{"timestamp":["invalid timestamp"]}`: the device clock is off.
    pub fn is_invalid_timestamp(&self) -> bool {
        self.fields
            .get("timestamp")
            .is_some_and(|list| list.iter().any(|m| same(m, INVALID_TIMESTAMP)))
    }

    /// `true` for "Forbidden. Need user.": the action needs a user session.
    pub fn is_need_user(&self) -> bool {
        self.messages.iter().any(|m| same(m, NEED_USER))
    }

    /// The messages of one field (`base` lives in `messages`, not here).
    pub fn field(&self, name: &str) -> &[String] {
        self.fields.get(name).map_or(&[], Vec::as_slice)
    }
}

impl fmt::Display for ErrorBody {
    /// The messages joined with `"; "`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.messages.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> ErrorBody {
        ErrorBody::parse(body.as_bytes()).unwrap()
    }

    #[test]
    fn every_documented_body() {
        let b = parse(r#"{"errors":{"base":["Required session does not exist"]}}"#);
        assert_eq!(b.messages, ["Required session does not exist"]);
        assert!(b.fields.is_empty());
        assert!(b.is_session_missing() && !b.is_need_user() && !b.is_invalid_timestamp());

        for msg in [
            "Token is required",
            "Unauthorized",
            "Invalid password",
            "User not found",
            "Unexpected signature",
        ] {
            let b = parse(&format!(r#"{{"errors":["{msg}"]}}"#));
            assert_eq!(b.messages, [msg]);
            assert!(b.fields.is_empty());
            assert!(!b.is_session_missing() && !b.is_need_user() && !b.is_invalid_timestamp());
        }

        let b = parse(r#"{"errors":{"base":["Forbidden. Need user."]}}"#);
        assert!(b.is_need_user() && !b.is_session_missing());

        let b = parse(r#"{"errors":{"timestamp":["invalid timestamp"]}}"#);
        assert!(b.is_invalid_timestamp());
        assert_eq!(b.messages, ["timestamp invalid timestamp"]);
        assert_eq!(b.field("timestamp"), ["invalid timestamp"]);

        let cidp = r#"Custom Identity Provider responded with an error = \"Token invalid\". Status code = 404"#;
        let b = parse(&format!(r#"{{"errors":{{"base":["{cidp}"]}}}}"#));
        assert_eq!(
            b.messages,
            [r#"Custom Identity Provider responded with an error = "Token invalid". Status code = 404"#]
        );

        let b = parse(r#"{"errors":{"password":["cannot be blank"]}}"#);
        assert_eq!(b.messages, ["password cannot be blank"]);
        assert_eq!(b.field("password"), ["cannot be blank"]);
        assert!(b.field("login").is_empty());

        for msg in [
            "login must be unique",
            "email must be unique",
            "Reset password by email is disabled",
        ] {
            let b = parse(&format!(r#"{{"errors":{{"base":["{msg}"]}}}}"#));
            assert_eq!(b.messages, [msg]);
        }

        let b = parse(
            r#"{"errors":{"base":["Users retrieving forbidden in admin panel, application settings. Setup it here https://admin.connectycube.com/apps/230/service/users/settings"]}}"#,
        );
        assert!(b.messages[0].starts_with("Users retrieving forbidden"));
    }

    #[test]
    fn mixed_object_shape() {
        let b = parse(r#"{"errors":{"login":["is too short"],"base":["General"],"email":"is invalid","x":[1,null]}}"#);
        assert_eq!(b.messages, ["General", "email is invalid", "login is too short", "x 1"]);
        assert_eq!(b.fields.len(), 3);
        assert_eq!(b.field("email"), ["is invalid"]);
        assert_eq!(b.to_string(), "General; email is invalid; login is too short; x 1");
        let b = parse(r#"{"errors":"Something"}"#);
        assert_eq!(b.messages, ["Something"]);
        let b = parse(r#"{"errors":[]}"#);
        assert!(b.messages.is_empty());
    }

    #[test]
    fn a_flood_of_messages_is_bounded() {
        let many: Vec<String> = (0..100_000).map(|i| format!("message {i}")).collect();
        let b = parse(&serde_json::json!({ "errors": many }).to_string());
        assert_eq!(b.messages.len(), MAX_MESSAGES + 1);
        assert_eq!(b.messages[0], "message 0");
        assert_eq!(b.messages[MAX_MESSAGES], "… and 99968 more");
        assert!(b.to_string().len() < 2_000);

        let long = "é".repeat(10_000);
        let b = parse(&serde_json::json!({ "errors": [long] }).to_string());
        assert!(b.messages[0].len() <= MAX_MESSAGE_BYTES + '…'.len_utf8());
        assert!(b.messages[0].ends_with('…'));

        let fields: serde_json::Map<String, serde_json::Value> = (0..1_000)
            .map(|i| (format!("f{i:04}"), serde_json::json!(vec!["bad"; 100])))
            .collect();
        let b = parse(&serde_json::json!({ "errors": fields }).to_string());
        assert_eq!(b.fields.len(), MAX_FIELDS);
        assert!(b.fields.values().all(|list| list.len() == MAX_MESSAGES + 1));
        assert_eq!(b.messages.len(), MAX_MESSAGES + 2);
        assert_eq!(b.messages.last().unwrap(), "… and 968 more fields");
    }

    #[test]
    fn not_an_error_body() {
        for body in [
            &b""[..],
            b"Invalid regular expression",
            b"<html><body>Internal Server Error</body></html>",
            b"[]",
            b"null",
            br#"{"error":"x"}"#,
            br#"{"errors":null}"#,
            br#"{"errors":5}"#,
            br#"{"errors":["x"]"#,
            b"\x00\xff\xfe",
            br#"["errors"]"#,
        ] {
            assert_eq!(ErrorBody::parse(body), None, "{}", String::from_utf8_lossy(body));
        }
    }
}
