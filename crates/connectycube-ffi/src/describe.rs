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
fn record(f: &mut Formatter<'_>, name: &str, fields: &[(&str, &dyn Display)]) -> fmt::Result {
    write!(f, "{name}(")?;
    for (i, (field, value)) in fields.iter().enumerate() {
        let separator = if i == 0 { "" } else { ", " };
        write!(f, "{separator}{field}={value}")?;
    }
    f.write_str(")")
}

/// An optional value: itself, or `null`.
struct Opt<'a, T>(&'a Option<T>);

impl<T: Display> Display for Opt<'_, T> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(value) => value.fmt(f),
            None => f.write_str("null"),
        }
    }
}

/// A secret: `<redacted>` when set, `null` when not.
struct Secret<'a>(&'a Option<String>);

impl Display for Secret<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "<redacted>" } else { "null" })
    }
}

/// A list: `[a, b]`.
struct List<'a>(&'a [String]);

impl Display for List<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.0.join(", "))
    }
}

impl Display for ConnectycubeUser {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        record(
            f,
            "ConnectycubeUser",
            &[
                ("id", &self.id),
                ("createdAt", &Opt(&self.created_at)),
                ("updatedAt", &Opt(&self.updated_at)),
                ("fullName", &Opt(&self.full_name)),
                ("email", &Opt(&self.email)),
                ("login", &Opt(&self.login)),
                ("phone", &Opt(&self.phone)),
                ("website", &Opt(&self.website)),
                ("isGuest", &self.is_guest),
                ("lastRequestAt", &Opt(&self.last_request_at)),
                ("externalId", &Opt(&self.external_id)),
                ("externalUserId", &Opt(&self.external_user_id)),
                ("twitterId", &Opt(&self.twitter_id)),
                ("faceBookId", &Opt(&self.face_book_id)),
                ("blobId", &Opt(&self.blob_id)),
                ("tags", &Opt(&self.tags)),
                ("password", &Secret(&self.password)),
                ("oldPassword", &Secret(&self.old_password)),
                ("customData", &Opt(&self.custom_data)),
                ("avatar", &Opt(&self.avatar)),
                ("timezone", &Opt(&self.timezone)),
            ],
        )
    }
}

impl Display for ConnectycubeSession {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        record(
            f,
            "ConnectycubeSession",
            &[
                ("id", &self.id),
                ("createdAt", &Opt(&self.created_at)),
                ("updatedAt", &Opt(&self.updated_at)),
                ("token", &Secret(&self.token)),
                ("applicationId", &Opt(&self.application_id)),
                ("userId", &Opt(&self.user_id)),
                ("tokenExpirationDate", &Opt(&self.token_expiration_date)),
                ("user", &Opt(&self.user)),
            ],
        )
    }
}

impl Display for ConnectycubeConfig {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        record(
            f,
            "ConnectycubeConfig",
            &[
                ("apiEndpoint", &without_userinfo(&self.api_endpoint)),
                ("chatEndpoint", &without_userinfo(&self.chat_endpoint)),
                ("retainCredentials", &self.retain_credentials),
                ("trustedRootCertificates", &self.trusted_root_certificates.len()),
                ("certificatePins", &List(&self.certificate_pins)),
                ("maxResponseBytes", &self.max_response_bytes),
            ],
        )
    }
}

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
