//! The records Swift, Kotlin and Python see, named and shaped as in the official new SDKs
//! (`sdk-shapes.md` §3.4), and their conversions to and from the SDK's types.

use std::collections::HashMap;

use connectycube::{
    ActiveSession, Blob, Credentials, NewUser, Order, Page, Pagination, SearchField, Session, Sorter, User, UserFields,
    UserUpdate,
};
use time::OffsetDateTime;

use crate::error::{ConnectycubeError, invalid};

/// A user. Every field has a default, so `ConnectycubeUser()` then setting fields works,
/// as with the official SDKs. `tags` is comma-joined, as there. Prints without passwords
/// (`describe.rs`).
#[derive(Clone, Default, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct ConnectycubeUser {
    #[uniffi(default = 0)]
    pub id: i32,
    #[uniffi(default = None)]
    pub created_at: Option<String>,
    #[uniffi(default = None)]
    pub updated_at: Option<String>,
    #[uniffi(default = None)]
    pub full_name: Option<String>,
    #[uniffi(default = None)]
    pub email: Option<String>,
    #[uniffi(default = None)]
    pub login: Option<String>,
    #[uniffi(default = None)]
    pub phone: Option<String>,
    #[uniffi(default = None)]
    pub website: Option<String>,
    /// A guest user (a session for one, with `fullName`).
    #[uniffi(default = false)]
    pub is_guest: bool,
    #[uniffi(default = None)]
    pub last_request_at: Option<String>,
    /// The server's `external_id` (a string; the official SDKs announce the same move).
    #[uniffi(default = None)]
    pub external_id: Option<String>,
    /// The deprecated numeric `external_user_id`.
    #[uniffi(default = None)]
    pub external_user_id: Option<i64>,
    #[uniffi(default = None)]
    pub twitter_id: Option<String>,
    /// Facebook id (the official SDKs spell it `faceBookId`).
    #[uniffi(default = None)]
    pub face_book_id: Option<String>,
    #[uniffi(default = None)]
    pub blob_id: Option<String>,
    /// Tags, comma-separated (`"iphone,apple"`).
    #[uniffi(default = None)]
    pub tags: Option<String>,
    /// Write-only: sign-up, sign-in, password change.
    #[uniffi(default = None)]
    pub password: Option<String>,
    /// The current password, needed with `password` to change it.
    #[uniffi(default = None)]
    pub old_password: Option<String>,
    #[uniffi(default = None)]
    pub custom_data: Option<String>,
    /// A file UID or a URL.
    #[uniffi(default = None)]
    pub avatar: Option<String>,
    /// Minutes from UTC.
    #[uniffi(default = None)]
    pub timezone: Option<i32>,
}

/// A session. `tokenExpirationDate` is epoch milliseconds. Prints without the token
/// (`describe.rs`).
#[derive(Clone, Default, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct ConnectycubeSession {
    #[uniffi(default = 0)]
    pub id: i32,
    #[uniffi(default = None)]
    pub created_at: Option<String>,
    #[uniffi(default = None)]
    pub updated_at: Option<String>,
    #[uniffi(default = None)]
    pub token: Option<String>,
    #[uniffi(default = None)]
    pub application_id: Option<i32>,
    #[uniffi(default = None)]
    pub user_id: Option<i32>,
    #[uniffi(default = None)]
    pub token_expiration_date: Option<i64>,
    #[uniffi(default = None)]
    pub user: Option<ConnectycubeUser>,
}

/// Custom endpoints (enterprise servers, a local emulator) and connection settings.
/// `https://` is added to an API endpoint without a scheme. Prints without an endpoint's
/// `user:password@` and with PEM texts as their number (`describe.rs`).
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct ConnectycubeConfig {
    pub api_endpoint: String,
    #[uniffi(default = "chat.connectycube.com")]
    pub chat_endpoint: String,
    /// Keep the signed-in user's login or email and password in memory (never persisted) so
    /// an expired session renews itself, as the official SDKs promise. On by default.
    #[uniffi(default = true)]
    pub retain_credentials: bool,
    /// Root certificates (PEM texts) trusted as well as the bundled Mozilla roots: a
    /// corporate proxy's or a staging server's CA.
    #[uniffi(default = [])]
    pub trusted_root_certificates: Vec<String>,
    /// Public-key pins, `sha256/BASE64` (OkHttp's form): a server must present a
    /// certificate with one of these keys, on every new connection. Pin a backup key too.
    #[uniffi(default = [])]
    pub certificate_pins: Vec<String>,
    /// The largest answer read, in bytes (default 4 MiB).
    #[uniffi(default = 4194304)]
    pub max_response_bytes: i32,
}

/// A 0-based page: `offset = page * itemsPerPage`, `limit = itemsPerPage` (1…100).
#[derive(Clone, Copy, Debug, PartialEq, uniffi::Record)]
pub struct RequestPagination {
    pub page: i32,
    pub items_per_page: i32,
}

/// Sorting by a field: `sortType` is `OrderType.ASC` (`"asc"`) or `OrderType.DESC` (`"desc"`).
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct RequestSorter {
    pub field_name: String,
    pub sort_type: String,
    #[uniffi(default = None)]
    pub field_type: Option<String>,
}

/// One page of users.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct PagedUsersResult {
    /// 0-based page number.
    pub page: i32,
    pub per_page: i32,
    pub total_entries: i32,
    pub skip: i32,
    pub limit: i32,
    pub items: Vec<ConnectycubeUser>,
}

/// A stored file.
#[derive(Clone, Debug, Default, PartialEq, uniffi::Record)]
pub struct ConnectycubeFile {
    #[uniffi(default = 0)]
    pub id: i32,
    #[uniffi(default = None)]
    pub uid: Option<String>,
    #[uniffi(default = None)]
    pub content_type: Option<String>,
    #[uniffi(default = None)]
    pub name: Option<String>,
    #[uniffi(default = 0)]
    pub size: i64,
    #[uniffi(default = false)]
    pub is_public: bool,
    #[uniffi(default = None)]
    pub created_at: Option<String>,
    #[uniffi(default = None)]
    pub updated_at: Option<String>,
}

/// A value of a `getUsers(params:)` search parameter. Each language turns its own values
/// into these as they are; which of them a search takes is decided here ([`param_pairs`]).
#[derive(Clone, Debug, PartialEq, uniffi::Enum)]
pub enum ParamValue {
    Str {
        value: String,
    },
    Int {
        value: i64,
    },
    Bool {
        value: bool,
    },
    StrList {
        values: Vec<String>,
    },
    IntList {
        values: Vec<i64>,
    },
    /// A floating-point number (Kotlin `Double`, Swift `Double`, Python `float`): taken
    /// when it is a whole number, refused otherwise.
    Float {
        value: f64,
    },
    /// A list of any values: taken when all are text or all are whole numbers.
    AnyList {
        values: Vec<ParamValue>,
    },
}

// ---------------------------------------------------------------- conversions

fn date(value: Option<OffsetDateTime>) -> Option<String> {
    value.map(connectycube_models::date::format_rfc3339)
}

pub(crate) fn epoch_millis(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(if at.year() < 1970 { i64::MIN } else { i64::MAX })
}

/// Epoch milliseconds from the app, any `i64`: a value past the dates the SDK can hold is
/// taken as the nearest one it can (year ±9999), never as "unknown" — so ±2⁶³ ms reads as
/// long past or far ahead, and the SDK's rules for an expiry out of reason apply.
pub(crate) fn from_epoch_millis(millis: i64) -> OffsetDateTime {
    let nanos = i128::from(millis) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(if millis < 0 {
        OffsetDateTime::new_utc(time::Date::MIN, time::Time::MIDNIGHT)
    } else {
        OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT)
    })
}

pub(crate) fn id32(id: u64) -> Result<i32, ConnectycubeError> {
    i32::try_from(id).map_err(|_| ConnectycubeError::Decode {
        reason: format!("id {id} does not fit in 32 bits"),
    })
}

pub(crate) fn id64(id: i32, what: &str) -> Result<u64, ConnectycubeError> {
    u64::try_from(id).map_err(|_| invalid(format!("{what} must not be negative")))
}

impl TryFrom<User> for ConnectycubeUser {
    type Error = ConnectycubeError;

    fn try_from(user: User) -> Result<Self, Self::Error> {
        Ok(Self {
            id: id32(user.id)?,
            created_at: date(user.created_at),
            updated_at: date(user.updated_at),
            full_name: user.full_name,
            email: user.email,
            login: user.login,
            phone: user.phone,
            website: user.website,
            is_guest: user.is_guest.unwrap_or(false),
            last_request_at: date(user.last_request_at),
            external_id: user.external_id,
            external_user_id: user.external_user_id.and_then(|id| i64::try_from(id).ok()),
            twitter_id: user.twitter_id,
            face_book_id: user.facebook_id,
            blob_id: user.blob_id.map(|id| id.to_string()),
            tags: (!user.tags.is_empty()).then(|| user.tags.join(",")),
            password: None,
            old_password: None,
            custom_data: user.custom_data,
            avatar: user.avatar,
            timezone: user.timezone,
        })
    }
}

fn tags_of(tags: &Option<String>) -> Option<Vec<String>> {
    tags.as_ref().map(|t| {
        t.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    })
}

/// The writable profile fields of a user record.
fn fields_of(user: &ConnectycubeUser) -> Result<UserFields, ConnectycubeError> {
    Ok(UserFields {
        login: user.login.clone(),
        email: user.email.clone(),
        password: user.password.clone().map(Into::into),
        full_name: user.full_name.clone(),
        phone: user.phone.clone(),
        website: user.website.clone(),
        custom_data: user.custom_data.clone(),
        tags: tags_of(&user.tags),
        avatar: user.avatar.clone(),
        blob_id: user
            .blob_id
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|_| invalid("blobId must be a number"))?,
        external_id: user.external_id.clone(),
        external_user_id: user
            .external_user_id
            .map(u64::try_from)
            .transpose()
            .map_err(|_| invalid("externalUserId must not be negative"))?,
        facebook_id: user.face_book_id.clone(),
        twitter_id: user.twitter_id.clone(),
        timezone: user.timezone,
    })
}

pub(crate) fn new_user(user: &ConnectycubeUser) -> Result<NewUser, ConnectycubeError> {
    Ok(NewUser {
        fields: fields_of(user)?,
    })
}

pub(crate) fn user_update(user: &ConnectycubeUser) -> Result<UserUpdate, ConnectycubeError> {
    Ok(UserUpdate {
        fields: fields_of(user)?,
        old_password: user.old_password.clone().map(Into::into),
    })
}

/// The credentials a user record stands for, as the official SDKs read it: a guest
/// (`isGuest` + `fullName`), login or email + password, or a CIdP token in `login`.
pub(crate) fn credentials_from_user(user: &ConnectycubeUser) -> Result<Credentials, ConnectycubeError> {
    if user.is_guest {
        return Ok(Credentials::Guest {
            full_name: user.full_name.clone(),
        });
    }
    match (&user.login, &user.email, &user.password) {
        (Some(login), _, Some(password)) => Ok(Credentials::login(login.clone(), password.clone())),
        (None, Some(email), Some(password)) => Ok(Credentials::email(email.clone(), password.clone())),
        (Some(token), _, None) => Ok(Credentials::CustomIdentityProvider {
            token: token.clone().into(),
        }),
        _ => Err(invalid(
            "a user session needs login or email with a password, a CIdP token in login, or isGuest",
        )),
    }
}

impl TryFrom<ActiveSession> for ConnectycubeSession {
    type Error = ConnectycubeError;

    fn try_from(session: ActiveSession) -> Result<Self, Self::Error> {
        Ok(Self {
            id: session.session_id.map(id32).transpose()?.unwrap_or(0),
            token: Some(session.token.expose().to_owned()),
            user_id: session.user_id.map(id32).transpose()?,
            token_expiration_date: session.expires_at.map(epoch_millis),
            user: session.user.map(ConnectycubeUser::try_from).transpose()?,
            ..Self::default()
        })
    }
}

impl TryFrom<Session> for ConnectycubeSession {
    type Error = ConnectycubeError;

    fn try_from(session: Session) -> Result<Self, Self::Error> {
        Ok(Self {
            id: id32(session.id)?,
            created_at: date(session.created_at),
            updated_at: date(session.updated_at),
            token: Some(session.token.expose().to_owned()),
            application_id: session.application_id.map(id32).transpose()?,
            user_id: session.user_id.map(id32).transpose()?,
            token_expiration_date: None,
            user: session.user.map(ConnectycubeUser::try_from).transpose()?,
        })
    }
}

impl TryFrom<Page<User>> for PagedUsersResult {
    type Error = ConnectycubeError;

    fn try_from(page: Page<User>) -> Result<Self, Self::Error> {
        let number = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
        Ok(Self {
            page: number(page.page()),
            per_page: number(page.limit),
            total_entries: number(page.total_entries),
            skip: number(page.skip),
            limit: number(page.limit),
            items: page
                .items
                .into_iter()
                .map(ConnectycubeUser::try_from)
                .collect::<Result<_, _>>()?,
        })
    }
}

impl TryFrom<Blob> for ConnectycubeFile {
    type Error = ConnectycubeError;

    fn try_from(blob: Blob) -> Result<Self, Self::Error> {
        Ok(Self {
            id: id32(blob.id)?,
            uid: Some(blob.uid),
            content_type: blob.content_type,
            name: blob.name,
            size: blob.size.and_then(|s| i64::try_from(s).ok()).unwrap_or(0),
            is_public: blob.public.unwrap_or(false),
            created_at: date(blob.created_at),
            updated_at: date(blob.updated_at),
        })
    }
}

pub(crate) fn pagination(value: Option<RequestPagination>) -> Result<Option<Pagination>, ConnectycubeError> {
    value
        .map(|p| {
            let page = u32::try_from(p.page).map_err(|_| invalid("page must not be negative"))?;
            let items = u32::try_from(p.items_per_page).map_err(|_| invalid("itemsPerPage must be positive"))?;
            Ok(Pagination::new(page, items))
        })
        .transpose()
}

pub(crate) fn sorter(value: Option<RequestSorter>) -> Result<Option<Sorter>, ConnectycubeError> {
    value
        .map(|s| {
            let field = SearchField::parse(&s.field_name)
                .ok_or_else(|| invalid(format!("cannot sort by '{}'", s.field_name)))?;
            let order = match s.sort_type.to_ascii_lowercase().as_str() {
                "asc" => Order::Asc,
                "desc" => Order::Desc,
                other => {
                    return Err(invalid(format!(
                        "sortType must be \"asc\" or \"desc\", not \"{other}\""
                    )));
                }
            };
            Ok(Sorter { field, order })
        })
        .transpose()
}

/// `getUsers(params:)` parameters as query pairs; lists become repeated pairs.
///
/// The policy, the same for every language: a value is text, a whole number or a boolean;
/// a number with a fraction (or NaN, ∞) is refused, naming the parameter, rather than sent
/// as text the server would read differently (or silently rounded); a list holds only text
/// or only whole numbers. Whether the field takes that value is the search's to judge next.
pub(crate) fn param_pairs(params: HashMap<String, ParamValue>) -> Result<Vec<(String, String)>, ConnectycubeError> {
    let mut keys: Vec<_> = params.into_iter().collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    let mut pairs = Vec::new();
    for (key, value) in keys {
        match value {
            ParamValue::Str { value } => pairs.push((key, value)),
            ParamValue::Int { value } => pairs.push((key, value.to_string())),
            ParamValue::Bool { value } => pairs.push((key, value.to_string())),
            ParamValue::Float { value } => {
                let whole = whole_number(&key, value)?;
                pairs.push((key, whole.to_string()));
            }
            ParamValue::StrList { values } => pairs.extend(values.into_iter().map(|v| (key.clone(), v))),
            ParamValue::IntList { values } => pairs.extend(values.into_iter().map(|v| (key.clone(), v.to_string()))),
            ParamValue::AnyList { values } => {
                let texts = list_texts(&key, values)?;
                pairs.extend(texts.into_iter().map(|v| (key.clone(), v)));
            }
        }
    }
    Ok(pairs)
}

/// `value` as an integer when it is a whole number that fits one.
fn whole_number(key: &str, value: f64) -> Result<i64, ConnectycubeError> {
    // 2^63 is exact in f64; every whole f64 below it in magnitude converts exactly.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if value.is_finite() && value.fract() == 0.0 && (-LIMIT..LIMIT).contains(&value) {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "whole and within i64 range, checked above"
        )]
        Ok(value as i64)
    } else {
        // The value itself is not printed: formatting an f64 would link core's float printer
        // (≈ 15 KB of the mobile library) for one message.
        Err(invalid(format!(
            "getUsers parameter '{key}': a number must be whole (a search value is text, a whole number or a boolean)"
        )))
    }
}

/// The texts of a list that holds only text or only whole numbers.
fn list_texts(key: &str, values: Vec<ParamValue>) -> Result<Vec<String>, ConnectycubeError> {
    let all_text = values.iter().all(|v| matches!(v, ParamValue::Str { .. }));
    let all_numbers = values
        .iter()
        .all(|v| matches!(v, ParamValue::Int { .. } | ParamValue::Float { .. }));
    if !all_text && !all_numbers {
        return Err(invalid(format!(
            "getUsers parameter '{key}': a list holds only text or only whole numbers"
        )));
    }
    values
        .into_iter()
        .map(|value| match value {
            ParamValue::Int { value } => Ok(value.to_string()),
            ParamValue::Float { value } => whole_number(key, value).map(|n| n.to_string()),
            ParamValue::Str { value } => Ok(value),
            // Neither all text nor all numbers was refused above.
            _ => Err(invalid(format!("getUsers parameter '{key}': not a list value"))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_record_stands_for_the_credentials_the_official_sdks_read_from_it() {
        let login = ConnectycubeUser {
            login: Some("amigo".into()),
            password: Some("secret12".into()),
            ..Default::default()
        };
        assert!(matches!(credentials_from_user(&login), Ok(Credentials::Login { .. })));
        let email = ConnectycubeUser {
            email: Some("a@b.co".into()),
            password: Some("secret12".into()),
            ..Default::default()
        };
        assert!(matches!(credentials_from_user(&email), Ok(Credentials::Email { .. })));
        let guest = ConnectycubeUser {
            is_guest: true,
            full_name: Some("G".into()),
            ..Default::default()
        };
        assert!(matches!(credentials_from_user(&guest), Ok(Credentials::Guest { .. })));
        let cidp = ConnectycubeUser {
            login: Some("eyJ.token".into()),
            ..Default::default()
        };
        assert!(matches!(
            credentials_from_user(&cidp),
            Ok(Credentials::CustomIdentityProvider { .. })
        ));
        assert!(credentials_from_user(&ConnectycubeUser::default()).is_err());
    }

    #[test]
    fn user_fields_round_trip_and_tags_are_comma_joined() {
        let record = ConnectycubeUser {
            login: Some("amigo".into()),
            tags: Some("iphone, apple".into()),
            blob_id: Some("12".into()),
            face_book_id: Some("fb".into()),
            ..Default::default()
        };
        let fields = fields_of(&record).unwrap();
        assert_eq!(fields.tags, Some(vec!["iphone".to_owned(), "apple".to_owned()]));
        assert_eq!(fields.blob_id, Some(12));
        assert_eq!(fields.facebook_id.as_deref(), Some("fb"));
        let user = User {
            id: 7,
            tags: vec!["iphone".into(), "apple".into()],
            ..Default::default()
        };
        let back = ConnectycubeUser::try_from(user).unwrap();
        assert_eq!(back.tags.as_deref(), Some("iphone,apple"));
        assert!(
            fields_of(&ConnectycubeUser {
                blob_id: Some("x".into()),
                ..Default::default()
            })
            .is_err()
        );
    }

    #[test]
    fn params_become_query_pairs_and_bad_paging_is_refused() {
        let mut params = HashMap::new();
        params.insert("id[in]".to_owned(), ParamValue::IntList { values: vec![1, 2] });
        params.insert("login".to_owned(), ParamValue::Str { value: "x".into() });
        assert_eq!(
            param_pairs(params).unwrap(),
            vec![
                ("id[in]".to_owned(), "1".to_owned()),
                ("id[in]".to_owned(), "2".to_owned()),
                ("login".to_owned(), "x".to_owned())
            ]
        );
        assert!(
            pagination(Some(RequestPagination {
                page: -1,
                items_per_page: 10
            }))
            .is_err()
        );
        assert!(
            sorter(Some(RequestSorter {
                field_name: "id".into(),
                sort_type: "up".into(),
                field_type: None
            }))
            .is_err()
        );
        assert!(
            sorter(Some(RequestSorter {
                field_name: "id".into(),
                sort_type: "ASC".into(),
                field_type: None
            }))
            .is_ok()
        );
    }

    #[test]
    fn errors_keep_status_and_messages() {
        let error = ConnectycubeError::from(connectycube::Error::Api {
            status: 401,
            messages: vec!["Invalid password".into()],
            fields: Default::default(),
        });
        assert_eq!(
            error,
            ConnectycubeError::Response {
                http_status_code: 401,
                errors: vec!["Invalid password".into()],
                field_errors: HashMap::new()
            }
        );
        assert!(error.to_string().contains("401"));
    }

    fn pairs_of(key: &str, value: ParamValue) -> Result<Vec<(String, String)>, ConnectycubeError> {
        param_pairs(HashMap::from([(key.to_owned(), value)]))
    }

    /// The one parameter policy every language gets (they pass their values through).
    #[test]
    fn whole_numbers_pass_and_fractions_or_mixed_lists_are_refused_by_name() {
        let pair = |v: &str| vec![("id".to_owned(), v.to_owned())];
        assert_eq!(pairs_of("id", ParamValue::Float { value: 7.0 }).unwrap(), pair("7"));
        assert_eq!(pairs_of("id", ParamValue::Float { value: -0.0 }).unwrap(), pair("0"));
        for bad in [1.5, f64::NAN, f64::INFINITY, 1e19] {
            let error = pairs_of("id", ParamValue::Float { value: bad }).unwrap_err();
            assert!(matches!(error, ConnectycubeError::InvalidArgument { .. }), "{bad}");
            assert!(error.to_string().contains("parameter 'id'"), "{error}");
        }
        let list = |values: Vec<ParamValue>| pairs_of("id[in]", ParamValue::AnyList { values });
        let numbers = list(vec![ParamValue::Int { value: 1 }, ParamValue::Float { value: 2.0 }]).unwrap();
        assert_eq!(
            numbers,
            vec![
                ("id[in]".to_owned(), "1".to_owned()),
                ("id[in]".to_owned(), "2".to_owned())
            ]
        );
        assert_eq!(list(vec![]).unwrap(), vec![]);
        for bad in [
            vec![ParamValue::Int { value: 1 }, ParamValue::Str { value: "a".into() }],
            vec![ParamValue::Float { value: 1.5 }],
            vec![ParamValue::Bool { value: true }],
            vec![ParamValue::AnyList { values: vec![] }],
        ] {
            let error = list(bad.clone()).unwrap_err();
            assert!(error.to_string().contains("parameter 'id[in]'"), "{bad:?}: {error}");
        }
    }
}
