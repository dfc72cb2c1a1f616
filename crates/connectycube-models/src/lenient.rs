//! Tolerant readers for fields whose wire type varies between server versions and SDKs
//! (ids as numbers or numeric strings, tags as a comma string or an array, and so on).
//!
//! Required fields fail on a value that cannot mean what they need; optional fields read such a
//! value as `None`, so one odd field never makes a whole user or session unreadable.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};
use serde_json::{Number, Value};

fn number_u64(n: &Number) -> Option<u64> {
    n.as_u64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
            .map(|f| f as u64)
    })
}

fn number_i64(n: &Number) -> Option<i64> {
    n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= i64::MIN as f64 && *f <= i64::MAX as f64)
            .map(|f| f as i64)
    })
}

/// A `u64` out of a number or a numeric string.
pub(crate) fn value_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => number_u64(n),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An `i64` out of a number or a numeric string.
pub(crate) fn value_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => number_i64(n),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Required id: a non-negative integer, as a number or a numeric string.
pub(crate) fn u64_required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let value = Value::deserialize(deserializer)?;
    value_u64(&value).ok_or_else(|| D::Error::custom(format!("expected an id (integer), got {value}")))
}

/// Optional integer; unreadable → `None`.
pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    Ok(value_u64(&Value::deserialize(deserializer)?))
}

/// Optional user id where `0` (older servers' "no user") also means `None`.
pub(crate) fn opt_u64_nonzero<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    Ok(opt_u64(deserializer)?.filter(|id| *id != 0))
}

/// Optional signed integer; unreadable → `None`.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    Ok(value_i64(&Value::deserialize(deserializer)?))
}

/// Optional `i32`; unreadable or out of range → `None`.
pub(crate) fn opt_i32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i32>, D::Error> {
    Ok(value_i64(&Value::deserialize(deserializer)?).and_then(|n| i32::try_from(n).ok()))
}

/// Optional text: strings as-is, numbers and booleans in decimal/`true`, arrays and objects as
/// compact JSON, `null` → `None`.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    })
}

/// Optional boolean: `true`/`false`, `1`/`0`, and those as strings; anything else → `None`.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Bool(b) => Some(b),
        Value::Number(n) => match n.as_u64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

/// Splits tags the way the server stores them: comma-separated, trimmed, empties dropped.
pub(crate) fn split_tags<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    items
        .into_iter()
        .flat_map(|item| item.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `user_tags`: a comma-separated string (docs), a JSON array (JS 6 types) or `null`.
pub(crate) fn tags<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(s) => split_tags([s.as_str()]),
        Value::Array(items) => {
            let texts: Vec<String> = items
                .into_iter()
                .filter_map(|item| match item {
                    Value::String(s) => Some(s),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect();
            split_tags(texts.iter().map(String::as_str))
        }
        _ => Vec::new(),
    })
}

/// Writes tags the way the server does: a comma-separated string, or `null` when there are none.
pub(crate) fn serialize_tags<S: Serializer>(tags: &[String], serializer: S) -> Result<S::Ok, S::Error> {
    if tags.is_empty() {
        serializer.serialize_none()
    } else {
        serializer.serialize_str(&tags.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_numeric_strings() {
        assert_eq!(value_u64(&json!(5)), Some(5));
        assert_eq!(value_u64(&json!("  42 ")), Some(42));
        assert_eq!(value_u64(&json!(3.0)), Some(3));
        assert_eq!(value_u64(&json!(3.5)), None);
        assert_eq!(value_u64(&json!(-1)), None);
        assert_eq!(value_u64(&json!("x")), None);
        assert_eq!(value_u64(&json!(null)), None);
        assert_eq!(value_u64(&json!(1e300)), None);
        assert_eq!(value_i64(&json!(-180)), Some(-180));
        assert_eq!(value_i64(&json!("-180")), Some(-180));
        assert_eq!(value_i64(&json!(true)), None);
    }

    #[test]
    fn tag_splitting() {
        assert_eq!(split_tags([" vip, accountant ,,", "x"]), ["vip", "accountant", "x"]);
        assert!(split_tags([""]).is_empty());
    }
}
