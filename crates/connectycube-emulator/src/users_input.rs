//! Reading a `user` object from sign-up and update bodies: which fields are writable,
//! their types, and the validation rules (login 3–70 characters per the FAQ; the rest
//! are the emulator's documented choices).

use std::collections::HashSet;

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

/// A field's new value: `None` = leave, `Some(None)` = clear, `Some(Some(v))` = set.
type Change<T> = Option<Option<T>>;

fn set<T>(slot: &mut Option<T>, change: Change<T>) {
    if let Some(value) = change {
        *slot = value;
    }
}

/// Every writable field of a `user` object, read and validated without the store, so
/// that the work (a long tag list, say) happens before the global lock is taken.
/// Read-only fields that clients echo back (`id`, `created_at`, `guest`, …) are ignored.
/// Passwords are left to the caller, because sign-up and update treat them differently.
#[derive(Debug, Default)]
pub struct ProfileInput {
    /// A login can be changed, never cleared.
    login: Option<String>,
    email: Change<String>,
    full_name: Change<String>,
    website: Change<String>,
    phone: Change<String>,
    custom_data: Change<String>,
    avatar: Change<String>,
    external_id: Change<String>,
    facebook_id: Change<String>,
    twitter_id: Change<String>,
    external_user_id: Change<i64>,
    blob_id: Change<i64>,
    timezone: Change<i64>,
    tags: Option<Vec<String>>,
}

impl ProfileInput {
    pub fn read(fields: &Map<String, Value>) -> Result<Self, ApiError> {
        let login = match text(fields, "login")? {
            None => None,
            Some(Some(login)) => Some(validate_login(&login)?),
            Some(None) => return Err(ApiError::invalid("login", "cannot be blank")),
        };
        let email = text(fields, "email")?
            .map(|email| email.map(|e| validate_email(&e)).transpose())
            .transpose()?;
        let full_name =
            text(fields, "full_name")?.map(|name| name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()));
        let website = text(fields, "website")?.map(|site| site.map(normalise_website));
        Ok(Self {
            login,
            email,
            full_name,
            website,
            phone: text(fields, "phone")?,
            custom_data: text(fields, "custom_data")?,
            avatar: text(fields, "avatar")?,
            external_id: text(fields, "external_id")?,
            facebook_id: text(fields, "facebook_id")?,
            twitter_id: text(fields, "twitter_id")?,
            external_user_id: integer(fields, "external_user_id")?,
            blob_id: integer(fields, "blob_id")?,
            timezone: integer(fields, "timezone")?,
            tags: tags(fields)?,
        })
    }

    /// Whether the input sets a login or an email (sign-up needs one of them).
    pub fn names_the_user(&self) -> bool {
        self.login.is_some() || matches!(self.email, Some(Some(_)))
    }

    pub fn apply(self, user: &mut User) {
        if let Some(login) = self.login {
            user.login = Some(login);
        }
        set(&mut user.email, self.email);
        set(&mut user.full_name, self.full_name);
        set(&mut user.website, self.website);
        set(&mut user.phone, self.phone);
        set(&mut user.custom_data, self.custom_data);
        set(&mut user.avatar, self.avatar);
        set(&mut user.external_id, self.external_id);
        set(&mut user.facebook_id, self.facebook_id);
        set(&mut user.twitter_id, self.twitter_id);
        set(&mut user.external_user_id, self.external_user_id);
        set(&mut user.blob_id, self.blob_id);
        set(&mut user.timezone, self.timezone);
        if let Some(tags) = self.tags {
            user.tags = tags;
        }
    }
}

/// `tag_list` is the documented write name; `user_tags` (the read name) is accepted too,
/// and wins when both are sent. Tags are de-duplicated without (ASCII) case, first
/// spelling kept, in one pass: a sign-up may carry a hundred thousand of them.
fn tags(fields: &Map<String, Value>) -> Result<Option<Vec<String>>, ApiError> {
    let mut result = None;
    for name in ["tag_list", "user_tags"] {
        match fields.get(name) {
            None => {}
            Some(Value::Object(_)) => {
                return Err(ApiError::invalid(name, "must be an array or a comma-separated string"));
            }
            Some(value) => {
                let mut seen = HashSet::new();
                let tags = list_items(value)
                    .into_iter()
                    .filter(|tag| seen.insert(tag.to_ascii_lowercase()))
                    .collect();
                result = Some(tags);
            }
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn apply(value: Value) -> Result<User, ApiError> {
        let mut user = User::new(time::OffsetDateTime::UNIX_EPOCH);
        ProfileInput::read(value.as_object().unwrap())?.apply(&mut user);
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
    fn a_hundred_thousand_tags_are_deduplicated_without_case() {
        let mut sent: Vec<String> = (0..130_000).map(|i| format!("t{i:x}")).collect();
        // Every tenth tag comes back in upper case; those are duplicates.
        for i in (0..130_000).step_by(10) {
            sent.push(format!("T{i:X}"));
        }
        let user = apply(json!({ "tag_list": sent.join(",") })).unwrap();
        assert_eq!(user.tags.len(), 130_000);
        assert_eq!(user.tags[..3], ["t0", "t1", "t2"]);
        assert_eq!(user.tags.last().map(String::as_str), Some("t1fbcf"));
        let user = apply(json!({ "tag_list": ["Vip", "vip", "VIP", "acc"] })).unwrap();
        assert_eq!(user.tags, ["Vip", "acc"], "the first spelling is kept");
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
