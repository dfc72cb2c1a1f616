//! The user object, sign-up and update input, and local validation.

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::lenient;
use crate::secret::Secret;

/// Login length the server accepts (FAQ: 3–70 characters).
pub const LOGIN_LEN: std::ops::RangeInclusive<usize> = 3..=70;
/// Shortest password accepted locally (the server's rule, as far as it is known).
pub const PASSWORD_MIN_LEN: usize = 8;

/// A ConnectyCube user as the server returns it.
///
/// Decoding is tolerant because server generations and SDKs disagree on types: every field but `id` is
/// optional (missing, `null` and unreadable values become `None`); unknown fields are ignored; integers
/// may arrive as numbers or numeric strings; `facebook_id`/`twitter_id` as strings or numbers;
/// `user_tags` as a comma-separated string, a JSON array or `null`; dates as RFC 3339 with or without
/// fractional seconds.
///
/// Encoding writes the server's own shape, so a user round-trips: `user_tags` as a comma-separated string
/// (`null` when there are none) and dates as RFC 3339.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// Numeric user id.
    #[serde(deserialize_with = "lenient::u64_required")]
    pub id: u64,
    /// The backend's object id (`_id`, newer servers only).
    #[serde(rename = "_id", default, deserialize_with = "lenient::opt_string")]
    pub object_id: Option<String>,
    /// Login (3–70 characters).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub login: Option<String>,
    /// E-mail address.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub email: Option<String>,
    /// Display name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub full_name: Option<String>,
    /// Phone number (guests get `""`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub phone: Option<String>,
    /// Website; the server may normalise it to `http://…`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub website: Option<String>,
    /// Application data; clients usually store JSON text here.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub custom_data: Option<String>,
    /// Tags (`user_tags` on the wire), trimmed, empties dropped.
    #[serde(
        rename = "user_tags",
        default,
        deserialize_with = "lenient::tags",
        serialize_with = "lenient::serialize_tags"
    )]
    pub tags: Vec<String>,
    /// Avatar: a blob UID or any URL.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub avatar: Option<String>,
    /// Deprecated blob id of the avatar.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub blob_id: Option<u64>,
    /// External id (string form, current).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub external_id: Option<String>,
    /// Deprecated numeric external id.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub external_user_id: Option<u64>,
    /// Facebook id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub facebook_id: Option<String>,
    /// Twitter id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub twitter_id: Option<String>,
    /// UTC offset in minutes.
    #[serde(default, deserialize_with = "lenient::opt_i32")]
    pub timezone: Option<i32>,
    /// `true` for guest users (newer servers only).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_guest: Option<bool>,
    /// Creation time.
    #[serde(default, with = "crate::date::opt_serde")]
    pub created_at: Option<OffsetDateTime>,
    /// Last profile change.
    #[serde(default, with = "crate::date::opt_serde")]
    pub updated_at: Option<OffsetDateTime>,
    /// Last API request of this user.
    #[serde(default, with = "crate::date::opt_serde")]
    pub last_request_at: Option<OffsetDateTime>,
}

/// A field that the local checks rejected, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// The wire name of the field (`login`, `password`, …), or `user`/`params` for the whole input.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl ValidationError {
    /// Builds an error for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Fields of a profile, for sign-up and update.
///
/// Serializes to the inner object of the wire's `{"user":{...}}`, skipping `None` fields; tags are written
/// as `tag_list`, a JSON array of strings (trimmed, empties dropped; `Some(vec![])` writes `[]`).
/// `Debug` shows the password as `<redacted>`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserFields {
    /// Login (3–70 characters).
    pub login: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// New password.
    pub password: Option<Secret>,
    /// Display name.
    pub full_name: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Application data (usually JSON text).
    pub custom_data: Option<String>,
    /// Tags; replaces the whole list.
    pub tags: Option<Vec<String>>,
    /// Avatar: a blob UID or a URL.
    pub avatar: Option<String>,
    /// Deprecated blob id of the avatar.
    pub blob_id: Option<u64>,
    /// External id (string form).
    pub external_id: Option<String>,
    /// Deprecated numeric external id.
    pub external_user_id: Option<u64>,
    /// Facebook id.
    pub facebook_id: Option<String>,
    /// Twitter id.
    pub twitter_id: Option<String>,
    /// UTC offset in minutes.
    pub timezone: Option<i32>,
}

impl UserFields {
    /// The inner object of `{"user":{...}}`, without `None` fields.
    pub fn to_json(&self) -> Value {
        Value::Object(self.to_map())
    }

    fn to_map(&self) -> Map<String, Value> {
        let mut map = Map::new();
        let mut text = |key: &str, value: Option<&str>| {
            if let Some(v) = value {
                map.insert(key.to_owned(), Value::String(v.to_owned()));
            }
        };
        text("login", self.login.as_deref());
        text("email", self.email.as_deref());
        text("password", self.password.as_ref().map(Secret::expose));
        text("full_name", self.full_name.as_deref());
        text("phone", self.phone.as_deref());
        text("website", self.website.as_deref());
        text("custom_data", self.custom_data.as_deref());
        text("avatar", self.avatar.as_deref());
        text("external_id", self.external_id.as_deref());
        text("facebook_id", self.facebook_id.as_deref());
        text("twitter_id", self.twitter_id.as_deref());
        if let Some(tags) = &self.tags {
            let list = lenient::split_tags(tags.iter().map(String::as_str));
            map.insert("tag_list".to_owned(), json!(list));
        }
        if let Some(v) = self.blob_id {
            map.insert("blob_id".to_owned(), json!(v));
        }
        if let Some(v) = self.external_user_id {
            map.insert("external_user_id".to_owned(), json!(v));
        }
        if let Some(v) = self.timezone {
            map.insert("timezone".to_owned(), json!(v));
        }
        map
    }

    /// `true` when no field is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Checks the set fields that can be checked locally (login length, e-mail shape, password length).
    fn validate_present(&self) -> Result<(), ValidationError> {
        if let Some(login) = &self.login {
            let len = login.chars().count();
            if !LOGIN_LEN.contains(&len) {
                return Err(ValidationError::new(
                    "login",
                    format!(
                        "must be {}..={} characters long (is {len})",
                        LOGIN_LEN.start(),
                        LOGIN_LEN.end()
                    ),
                ));
            }
        }
        if let Some(email) = &self.email
            && !looks_like_email(email)
        {
            return Err(ValidationError::new("email", "is not an e-mail address"));
        }
        if let Some(password) = &self.password {
            let len = password.expose().chars().count();
            if len < PASSWORD_MIN_LEN {
                return Err(ValidationError::new(
                    "password",
                    format!("is too short (minimum is {PASSWORD_MIN_LEN} characters)"),
                ));
            }
        }
        Ok(())
    }
}

fn looks_like_email(email: &str) -> bool {
    let email = email.trim();
    matches!(email.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty())
}

impl Serialize for UserFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_map().serialize(serializer)
    }
}

/// Sign-up input: the server requires a login or an e-mail, and a password. `Debug` redacts the password.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewUser {
    /// Everything sent in `{"user":{...}}`.
    pub fields: UserFields,
}

impl NewUser {
    /// Sign-up with a login.
    pub fn with_login(login: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self {
            fields: UserFields {
                login: Some(login.into()),
                password: Some(password.into()),
                ..UserFields::default()
            },
        }
    }

    /// Sign-up with an e-mail address.
    pub fn with_email(email: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self {
            fields: UserFields {
                email: Some(email.into()),
                password: Some(password.into()),
                ..UserFields::default()
            },
        }
    }

    /// Checks what can be checked locally (login or email present, password present, login 3..=70 chars,
    /// password >= 8 chars, email contains '@') and says which field is wrong, so a bad sign-up fails
    /// before a request is spent on it.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let f = &self.fields;
        if f.login.is_none() && f.email.is_none() {
            return Err(ValidationError::new("login", "login or email is required"));
        }
        match &f.password {
            None => return Err(ValidationError::new("password", "is required")),
            Some(p) if p.is_empty() => return Err(ValidationError::new("password", "cannot be blank")),
            Some(_) => {}
        }
        f.validate_present()
    }

    /// `{"user": {...}}`
    pub fn to_body(&self) -> Value {
        json!({ "user": self.fields.to_json() })
    }
}

/// Profile update: any subset of fields; a password change needs both the new and the current password.
/// `Debug` redacts both passwords.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserUpdate {
    /// The fields to change.
    pub fields: UserFields,
    /// Current password; required by the server to change the password.
    pub old_password: Option<Secret>,
}

impl UserUpdate {
    /// Sets `password` and `old_password` together.
    #[must_use]
    pub fn change_password(mut self, old: impl Into<Secret>, new: impl Into<Secret>) -> Self {
        self.old_password = Some(old.into());
        self.fields.password = Some(new.into());
        self
    }

    /// Rejects an empty update, a new password without the current one (and the reverse), and set fields
    /// that fail the local checks of [`NewUser::validate`].
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.fields.is_empty() && self.old_password.is_none() {
            return Err(ValidationError::new("user", "nothing to update"));
        }
        match (&self.fields.password, &self.old_password) {
            (Some(_), None) => {
                return Err(ValidationError::new(
                    "old_password",
                    "is required to change the password",
                ));
            }
            (None, Some(_)) => {
                return Err(ValidationError::new(
                    "password",
                    "is required when old_password is given",
                ));
            }
            (Some(_), Some(old)) if old.is_empty() => {
                return Err(ValidationError::new("old_password", "cannot be blank"));
            }
            _ => {}
        }
        self.fields.validate_present()
    }

    /// `{"user": {..., "old_password": "..."}}`
    pub fn to_body(&self) -> Value {
        let mut map = self.fields.to_map();
        if let Some(old) = &self.old_password {
            map.insert("old_password".to_owned(), Value::String(old.expose().to_owned()));
        }
        json!({ "user": map })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    /// `POST /users` response, real, in server key order (rest-api.md §3.1).
    const SIGNUP: &str = r#"{"user":{"_id":"64e89099303009002ea4ce86","id":10484542,"created_at":"2023-08-25T11:29:29Z",
 "updated_at":"2023-08-25T11:29:29Z","login":"aaaaaaaa","full_name":"aaaaaaaa","last_request_at":null,
 "timezone":null,"email":null,"phone":null,"website":null,"twitter_id":null,"external_user_id":null,
 "facebook_id":null,"custom_data":null,"user_tags":null,"avatar":null,"external_id":null,"is_guest":null}}"#;

    fn user(json: &str) -> User {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn decodes_real_signup_response() {
        let u = crate::decode_user(SIGNUP.as_bytes()).unwrap();
        assert_eq!(
            u,
            User {
                id: 10484542,
                object_id: Some("64e89099303009002ea4ce86".into()),
                login: Some("aaaaaaaa".into()),
                full_name: Some("aaaaaaaa".into()),
                created_at: Some(datetime!(2023-08-25 11:29:29 UTC)),
                updated_at: Some(datetime!(2023-08-25 11:29:29 UTC)),
                ..User::default()
            }
        );
    }

    #[test]
    fn decodes_docs_guest_user() {
        let u = user(
            r#"{"id":52,"login":"guest_login_4f2a9d1c","full_name":"Olof Shodger","phone":"","is_guest":true,
               "created_at":"2023-08-29T10:42:37Z","user_tags":""}"#,
        );
        assert_eq!(u.phone.as_deref(), Some(""));
        assert_eq!(u.is_guest, Some(true));
        assert!(u.tags.is_empty());
    }

    #[test]
    fn tags_from_string_array_or_null() {
        assert_eq!(
            user(r#"{"id":1,"user_tags":"vip,accountant"}"#).tags,
            ["vip", "accountant"]
        );
        assert_eq!(
            user(r#"{"id":1,"user_tags":" vip , ,accountant,"}"#).tags,
            ["vip", "accountant"]
        );
        assert_eq!(
            user(r#"{"id":1,"user_tags":["vip"," accountant",""]}"#).tags,
            ["vip", "accountant"]
        );
        assert!(user(r#"{"id":1,"user_tags":null}"#).tags.is_empty());
        assert!(user(r#"{"id":1}"#).tags.is_empty());
        assert!(user(r#"{"id":1,"user_tags":{"a":1}}"#).tags.is_empty());
    }

    #[test]
    fn ids_and_numbers_as_strings() {
        let u = user(
            r#"{"id":"10551474","blob_id":"77","external_user_id":12,"facebook_id":91234409,
               "twitter_id":"83510562734","timezone":"180","is_guest":"false","unknown":{"x":[1]}}"#,
        );
        assert_eq!(u.id, 10551474);
        assert_eq!(u.blob_id, Some(77));
        assert_eq!(u.external_user_id, Some(12));
        assert_eq!(u.facebook_id.as_deref(), Some("91234409"));
        assert_eq!(u.twitter_id.as_deref(), Some("83510562734"));
        assert_eq!(u.timezone, Some(180));
        assert_eq!(u.is_guest, Some(false));
    }

    #[test]
    fn odd_optional_values_become_none() {
        let u = user(r#"{"id":3,"blob_id":"abc","timezone":99999999999,"created_at":"yesterday","is_guest":"maybe"}"#);
        assert_eq!(
            (u.blob_id, u.timezone, u.created_at, u.is_guest),
            (None, None, None, None)
        );
        let u = user(r#"{"id":3,"custom_data":{"uuid":"x"},"created_at":1690886495}"#);
        assert_eq!(u.custom_data.as_deref(), Some(r#"{"uuid":"x"}"#));
        assert_eq!(u.created_at, Some(datetime!(2023-08-01 10:41:35 UTC)));
    }

    #[test]
    fn id_is_required_and_must_be_an_integer() {
        for bad in [
            r#"{}"#,
            r#"{"id":null}"#,
            r#"{"id":"abc"}"#,
            r#"{"id":-5}"#,
            r#"{"id":1.5}"#,
            r#"[]"#,
            r#"{"id":1"#,
        ] {
            assert!(serde_json::from_str::<User>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn user_round_trips_through_its_own_encoding() {
        let u = User {
            id: 9,
            login: Some("john".into()),
            tags: vec!["vip".into(), "accountant".into()],
            timezone: Some(-60),
            created_at: Some(datetime!(2021-06-04 10:10:53.908 UTC)),
            updated_at: Some(datetime!(2021-06-04 10:10:53 UTC)),
            ..User::default()
        };
        let v = serde_json::to_value(&u).unwrap();
        assert_eq!(v["user_tags"], "vip,accountant");
        assert_eq!(v["created_at"], "2021-06-04T10:10:53.908Z");
        assert_eq!(v["updated_at"], "2021-06-04T10:10:53Z");
        assert_eq!(v["last_request_at"], Value::Null);
        assert_eq!(v["_id"], Value::Null);
        assert_eq!(serde_json::from_value::<User>(v).unwrap(), u);
        let empty = serde_json::to_value(User::default()).unwrap();
        assert_eq!(empty["user_tags"], Value::Null);
    }

    #[test]
    fn fields_to_json_skips_none_and_writes_tag_list() {
        let fields = UserFields {
            full_name: Some("X".into()),
            tags: Some(vec!["a".into(), " b ".into(), "".into()]),
            timezone: Some(180),
            external_user_id: Some(7),
            blob_id: Some(8),
            ..UserFields::default()
        };
        assert_eq!(
            fields.to_json(),
            json!({"full_name":"X","tag_list":["a","b"],"timezone":180,"external_user_id":7,"blob_id":8})
        );
        assert_eq!(serde_json::to_value(&fields).unwrap(), fields.to_json());
        assert_eq!(UserFields::default().to_json(), json!({}));
        assert!(UserFields::default().is_empty());
    }

    #[test]
    fn new_user_body_and_validation() {
        let u = NewUser::with_login("Dacia", "petU4or!");
        assert_eq!(u.validate(), Ok(()));
        assert_eq!(u.to_body(), json!({"user":{"login":"Dacia","password":"petU4or!"}}));
        let e = NewUser::with_email("dacia_k@domain.com", "petU4or!");
        assert_eq!(e.validate(), Ok(()));
        assert_eq!(
            e.to_body(),
            json!({"user":{"email":"dacia_k@domain.com","password":"petU4or!"}})
        );

        let field = |u: NewUser| u.validate().unwrap_err().field;
        assert_eq!(field(NewUser::default()), "login");
        assert_eq!(
            field(NewUser {
                fields: UserFields {
                    login: Some("john".into()),
                    ..UserFields::default()
                }
            }),
            "password"
        );
        assert_eq!(field(NewUser::with_login("jo", "12345678")), "login");
        assert_eq!(field(NewUser::with_login("j".repeat(71), "12345678")), "login");
        assert_eq!(NewUser::with_login("j".repeat(70), "12345678").validate(), Ok(()));
        assert_eq!(NewUser::with_login("ééé", "12345678").validate(), Ok(()));
        assert_eq!(field(NewUser::with_login("john", "1234567")), "password");
        assert_eq!(field(NewUser::with_login("john", "")), "password");
        assert_eq!(field(NewUser::with_email("john.example.com", "12345678")), "email");
        assert_eq!(field(NewUser::with_email("@example.com", "12345678")), "email");
        let err = NewUser::with_login("jo", "12345678").validate().unwrap_err();
        assert!(err.to_string().starts_with("login: "), "{err}");
    }

    #[test]
    fn update_body_and_validation() {
        let up = UserUpdate {
            fields: UserFields {
                full_name: Some("X".into()),
                tags: Some(vec!["a".into(), "b".into()]),
                ..UserFields::default()
            },
            ..UserUpdate::default()
        }
        .change_password("oldpass11", "newpass22");
        assert_eq!(up.validate(), Ok(()));
        assert_eq!(
            up.to_body(),
            json!({"user":{"full_name":"X","password":"newpass22","old_password":"oldpass11","tag_list":["a","b"]}})
        );

        assert_eq!(UserUpdate::default().validate().unwrap_err().field, "user");
        let mut only_new = UserUpdate::default();
        only_new.fields.password = Some("newpass22".into());
        assert_eq!(only_new.validate().unwrap_err().field, "old_password");
        let only_old = UserUpdate {
            old_password: Some("oldpass11".into()),
            ..UserUpdate::default()
        };
        assert_eq!(only_old.validate().unwrap_err().field, "password");
        let blank_old = UserUpdate::default().change_password("", "newpass22");
        assert_eq!(blank_old.validate().unwrap_err().field, "old_password");
        let short = UserUpdate::default().change_password("oldpass11", "short");
        assert_eq!(short.validate().unwrap_err().field, "password");
        let mut bad_login = UserUpdate::default();
        bad_login.fields.login = Some("ab".into());
        assert_eq!(bad_login.validate().unwrap_err().field, "login");
        let mut avatar = UserUpdate::default();
        avatar.fields.avatar = Some("uid".into());
        assert_eq!(avatar.validate(), Ok(()));
        assert_eq!(avatar.to_body(), json!({"user":{"avatar":"uid"}}));
    }

    #[test]
    fn debug_never_shows_passwords() {
        let new_user = NewUser::with_login("john", "CANARY-new-pw-1");
        let update = UserUpdate::default().change_password("CANARY-old-pw-2", "CANARY-new-pw-3");
        for text in [
            format!("{new_user:?}"),
            format!("{update:?}"),
            format!("{:?}", update.fields),
        ] {
            assert!(!text.contains("CANARY"), "{text}");
            assert!(text.contains("<redacted>"), "{text}");
        }
        assert!(format!("{new_user:?}").contains("john"));
    }
}
