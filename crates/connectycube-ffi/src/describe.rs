//! How the records that carry a secret print, in every language: this is the one place that
//! decides it. `Display` and `Debug` are exported (`#[uniffi::export(Debug, Display)]`), so
//! Kotlin's `toString()`, Swift's `description`/`debugDescription` and Python's
//! `str()`/`repr()` call these. The form is the Kotlin data class's, with the names the
//! official SDKs document: `ConnectycubeUser(id=7, login=marvin18, …, password=<redacted>)`.
//! An absent value prints `null`; a set secret `<redacted>`; an endpoint without its
//! `user:password@`; PEM texts as their number (long, and they say nothing in a log).

use std::fmt::{self, Display, Formatter};

use crate::records::{ConnectycubeConfig, ConnectycubeSession, ConnectycubeUser};

/// `Name(a=1, b=null)`.
fn record(f: &mut Formatter<'_>, name: &str, fields: &[(&str, String)]) -> fmt::Result {
    write!(f, "{name}(")?;
    for (i, (field, value)) in fields.iter().enumerate() {
        let separator = if i == 0 { "" } else { ", " };
        write!(f, "{separator}{}={value}", camel_case(field))?;
    }
    f.write_str(")")
}

/// `face_book_id` → `faceBookId`: the name uniffi gives the field in Kotlin and Swift (and
/// the official SDKs' spelling).
fn camel_case(field: &str) -> String {
    let mut words = field.split('_');
    let mut name = words.next().unwrap_or_default().to_owned();
    for word in words {
        let mut chars = word.chars();
        name.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        name.push_str(chars.as_str());
    }
    name
}

/// A value as it is.
fn plain(value: &impl Display) -> String {
    value.to_string()
}

/// An optional value: itself, or `null`.
fn opt(value: &Option<impl Display>) -> String {
    value.as_ref().map_or_else(|| "null".to_owned(), ToString::to_string)
}

/// A secret: `<redacted>` when set, `null` when not.
fn secret(value: &Option<String>) -> String {
    (if value.is_some() { "<redacted>" } else { "null" }).to_owned()
}

/// An endpoint without its `user:password@`.
fn endpoint(value: &str) -> String {
    without_userinfo(value)
}

/// PEM texts: only their number.
fn count(values: &[String]) -> String {
    values.len().to_string()
}

/// `[a, b]`.
fn list(values: &[String]) -> String {
    format!("[{}]", values.join(", "))
}

/// `impl Display` printing each field, in declaration order, through the function named.
macro_rules! described {
    ($record:ident { $($field:ident: $shown:ident),* $(,)? }) => {
        impl Display for $record {
            fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
                record(f, stringify!($record), &[$((stringify!($field), $shown(&self.$field))),*])
            }
        }
    };
}

#[rustfmt::skip] // one line per record's fields reads better than one per field
described!(ConnectycubeUser {
    id: plain, created_at: opt, updated_at: opt, full_name: opt, email: opt, login: opt, phone: opt,
    website: opt, is_guest: plain, last_request_at: opt, external_id: opt, external_user_id: opt,
    twitter_id: opt, face_book_id: opt, blob_id: opt, tags: opt, password: secret, old_password: secret,
    custom_data: opt, avatar: opt, timezone: opt,
});

#[rustfmt::skip]
described!(ConnectycubeSession {
    id: plain, created_at: opt, updated_at: opt, token: secret, application_id: opt, user_id: opt,
    token_expiration_date: opt, user: opt,
});

#[rustfmt::skip]
described!(ConnectycubeConfig {
    api_endpoint: endpoint, chat_endpoint: endpoint, retain_credentials: plain,
    trusted_root_certificates: count, certificate_pins: list, max_response_bytes: plain,
});

/// `Debug` prints what `Display` prints: a Rust log and a Python `repr()` or Swift
/// `debugDescription` show the same redacted text.
macro_rules! debug_as_display {
    ($($record:ty),*) => {$(
        impl fmt::Debug for $record {
            fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
                Display::fmt(self, f)
            }
        }
    )*};
}

debug_as_display!(ConnectycubeUser, ConnectycubeSession, ConnectycubeConfig);

/// `scheme://user:password@host/…` → `scheme://<redacted>@host/…`. Whatever sits before the
/// last `@` of the authority is treated as userinfo, as lenient URL parsers do.
pub(crate) fn without_userinfo(endpoint: &str) -> String {
    let (scheme, rest) = endpoint.split_once("://").unwrap_or(("", endpoint));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rfind('@') {
        Some(at) => {
            let prefix = if scheme.is_empty() {
                String::new()
            } else {
                format!("{scheme}://")
            };
            format!("{prefix}<redacted>@{}{path}", &authority[at + 1..])
        }
        None => endpoint.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_print_every_field_with_secrets_redacted() {
        let user = ConnectycubeUser {
            id: 7,
            login: Some("marvin18".into()),
            password: Some("CANARY-1".into()),
            ..Default::default()
        };
        assert_eq!(
            user.to_string(),
            "ConnectycubeUser(id=7, createdAt=null, updatedAt=null, fullName=null, email=null, login=marvin18, \
             phone=null, website=null, isGuest=false, lastRequestAt=null, externalId=null, externalUserId=null, \
             twitterId=null, faceBookId=null, blobId=null, tags=null, password=<redacted>, oldPassword=null, \
             customData=null, avatar=null, timezone=null)"
        );
        let session = ConnectycubeSession {
            token: Some("CANARY-2".into()),
            user_id: Some(7),
            user: Some(user.clone()),
            ..Default::default()
        };
        let text = session.to_string();
        assert!(text.starts_with("ConnectycubeSession(id=0, createdAt=null, updatedAt=null, token=<redacted>, "));
        assert!(text.contains("userId=7, tokenExpirationDate=null, user=ConnectycubeUser(id=7, "));
        assert_eq!(
            format!("{session:?}"),
            text,
            "Debug (repr, debugDescription) is the same text"
        );
        assert!(!format!("{session} {user:?}").contains("CANARY"));
    }

    #[test]
    fn configs_print_without_userinfo_or_pem_text() {
        let config = ConnectycubeConfig {
            api_endpoint: "https://user:CANARY@host".into(),
            chat_endpoint: "wss://user:CANARY@chat.host/ws?x=1".into(),
            retain_credentials: false,
            trusted_root_certificates: vec!["-----BEGIN CERTIFICATE-----\nCANARY".into(); 2],
            certificate_pins: vec!["sha256/AAAA".into(), "sha256/BBBB".into()],
            max_response_bytes: 4_194_304,
        };
        assert_eq!(
            config.to_string(),
            "ConnectycubeConfig(apiEndpoint=https://<redacted>@host, chatEndpoint=wss://<redacted>@chat.host/ws?x=1, \
             retainCredentials=false, trustedRootCertificates=2, certificatePins=[sha256/AAAA, sha256/BBBB], \
             maxResponseBytes=4194304)"
        );
        assert_eq!(format!("{config:?}"), config.to_string());
    }
}
