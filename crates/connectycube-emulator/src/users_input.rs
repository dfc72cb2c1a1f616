//! Reading a `user` object from sign-up and update bodies: which fields are writable,
//! their types, and the validation rules (login 3–70 characters per the FAQ; the rest
//! are the emulator's documented choices).

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::params::{list_items, scalar_text};
use crate::store::User;

pub const LOGIN_LEN: std::ops::RangeInclusive<usize> = 3..=70;
pub const PASSWORD_MIN_LEN: usize = 8;

pub fn validate_login(login: &str) -> Result<String, ApiError> {
    let len = login.chars().count();
    if len < *LOGIN_LEN.start() {
        return Err(ApiError::invalid(
            "login",
            format!("is too short (minimum is {} characters)", LOGIN_LEN.start()),
        ));
    }
    if len > *LOGIN_LEN.end() {
        return Err(ApiError::invalid(
            "login",
            format!("is too long (maximum is {} characters)", LOGIN_LEN.end()),
        ));
    }
    Ok(login.to_owned())
}

pub fn validate_email(email: &str) -> Result<String, ApiError> {
    let email = email.trim();
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
    }) && !email.contains(char::is_whitespace);
    if valid {
        Ok(email.to_owned())
    } else {
        Err(ApiError::invalid("email", "is invalid"))
    }
}

pub fn validate_password(password: &str) -> Result<String, ApiError> {
    if password.chars().count() < PASSWORD_MIN_LEN {
        return Err(ApiError::invalid(
            "password",
            format!("is too short (minimum is {PASSWORD_MIN_LEN} characters)"),
        ));
    }
    Ok(password.to_owned())
}

/// The `user` object of a body; 422 when missing or not an object.
pub fn user_object(params: &crate::params::Params) -> Result<&Map<String, Value>, ApiError> {
    match params.get("user") {
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(ApiError::invalid("user", "must be an object")),
        None => Err(ApiError::invalid("user", "cannot be blank")),
    }
}

/// A string field's new value: `None` = leave, `Some(None)` = clear (null or ""), `Some(Some(s))` = set.
fn text(fields: &Map<String, Value>, name: &str) -> Result<Option<Option<String>>, ApiError> {
    match fields.get(name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(value @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => {
            Ok(Some(scalar_text(value).filter(|s| !s.is_empty())))
        }
        Some(_) => Err(ApiError::invalid(name, "must be a string")),
    }
}

fn integer(fields: &Map<String, Value>, name: &str) -> Result<Option<Option<i64>>, ApiError> {
    match fields.get(name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(value) => match scalar_text(value) {
            Some(t) if t.trim().is_empty() => Ok(Some(None)),
            Some(t) => t
                .trim()
                .parse()
                .map(|n| Some(Some(n)))
                .map_err(|_| ApiError::invalid(name, "is not a number")),
            None => Err(ApiError::invalid(name, "is not a number")),
        },
    }
}

fn normalise_website(site: String) -> String {
    if site.contains("://") {
        site
    } else {
        format!("http://{site}")
    }
}

/// Applies every writable field present in `fields` to `user`. Read-only fields that
/// clients echo back (`id`, `created_at`, `guest`, …) are ignored. Passwords are handled
/// by the caller, because sign-up and update treat them differently.
pub fn apply_profile(user: &mut User, fields: &Map<String, Value>) -> Result<(), ApiError> {
    if let Some(login) = text(fields, "login")? {
        user.login = match login {
            Some(login) => Some(validate_login(&login)?),
            None => return Err(ApiError::invalid("login", "cannot be blank")),
        };
    }
    if let Some(email) = text(fields, "email")? {
        user.email = email.map(|e| validate_email(&e)).transpose()?;
    }
    if let Some(full_name) = text(fields, "full_name")? {
        user.full_name = full_name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    }
    if let Some(website) = text(fields, "website")? {
        user.website = website.map(normalise_website);
    }
    let plain: [(&str, &mut Option<String>); 6] = [
        ("phone", &mut user.phone),
        ("custom_data", &mut user.custom_data),
        ("avatar", &mut user.avatar),
        ("external_id", &mut user.external_id),
        ("facebook_id", &mut user.facebook_id),
        ("twitter_id", &mut user.twitter_id),
    ];
    for (name, slot) in plain {
        if let Some(value) = text(fields, name)? {
            *slot = value;
        }
    }
    let numbers: [(&str, &mut Option<i64>); 3] = [
        ("external_user_id", &mut user.external_user_id),
        ("blob_id", &mut user.blob_id),
        ("timezone", &mut user.timezone),
    ];
    for (name, slot) in numbers {
        if let Some(value) = integer(fields, name)? {
            *slot = value;
        }
    }
    // `tag_list` is the documented write name; `user_tags` (the read name) is accepted too.
    for name in ["tag_list", "user_tags"] {
        match fields.get(name) {
            None => {}
            Some(Value::Object(_)) => {
                return Err(ApiError::invalid(name, "must be an array or a comma-separated string"));
            }
            Some(value) => {
                let mut tags: Vec<String> = Vec::new();
                for tag in list_items(value) {
                    if !tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
                        tags.push(tag);
                    }
                }
                user.tags = tags;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn apply(value: Value) -> Result<User, ApiError> {
        let mut user = User::new(time::OffsetDateTime::UNIX_EPOCH);
        apply_profile(&mut user, value.as_object().unwrap())?;
        Ok(user)
    }

    #[test]
    fn tags_from_array_or_comma_string() {
        assert_eq!(
            apply(json!({"tag_list": ["iphone", "apple"]})).unwrap().tags,
            ["iphone", "apple"]
        );
        assert_eq!(
            apply(json!({"tag_list": "iphone, apple,,apple"})).unwrap().tags,
            ["iphone", "apple"]
        );
    }

    #[test]
    fn wrong_types_are_field_errors() {
        let error = apply(json!({"timezone": "abc"})).unwrap_err();
        assert_eq!(error.body, json!({"errors": {"timezone": ["is not a number"]}}));
        assert!(apply(json!({"full_name": {"a": 1}})).is_err());
        assert!(apply(json!({"login": "ab"})).is_err());
        assert!(apply(json!({"email": "not-an-email"})).is_err());
    }

    #[test]
    fn normalises_like_the_service() {
        let user = apply(json!({"full_name": "Dacia Kail ", "website": "pavalli.com.au", "timezone": "180", "id": 5}))
            .unwrap();
        assert_eq!(user.full_name.as_deref(), Some("Dacia Kail"));
        assert_eq!(user.website.as_deref(), Some("http://pavalli.com.au"));
        assert_eq!(user.timezone, Some(180));
        assert_eq!(user.id, 0, "read-only fields are ignored");
    }
}
