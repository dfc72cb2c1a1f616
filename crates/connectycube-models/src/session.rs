//! The session object of `POST /session` and `GET /session`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::lenient;
use crate::secret::Secret;
use crate::user::User;

/// A session as the server returns it (the inner object of `{"session":{...}}`).
///
/// `user_id` is `None` for an application (user-less) session: current servers send `null`, older ones
/// `0`. `Debug` shows the token as `<redacted>`. `Serialize` (e.g. for a session store) writes the real
/// token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Session id (equal to the user id for user sessions on the current backend).
    #[serde(deserialize_with = "lenient::u64_required")]
    pub id: u64,
    /// The `CB-Token` value.
    pub token: Secret,
    /// Application id.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub application_id: Option<u64>,
    /// The user of a user session; `None` for an application session (`null` or `0` on the wire).
    #[serde(default, deserialize_with = "lenient::opt_u64_nonzero")]
    pub user_id: Option<u64>,
    /// The nonce of the request that created the session.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub nonce: Option<i64>,
    /// The client timestamp of the request that created the session.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub ts: Option<i64>,
    /// Creation time.
    #[serde(default, with = "crate::date::opt_serde")]
    pub created_at: Option<OffsetDateTime>,
    /// Last change.
    #[serde(default, with = "crate::date::opt_serde")]
    pub updated_at: Option<OffsetDateTime>,
    /// The full user, included for user sessions.
    #[serde(default)]
    pub user: Option<User>,
}

impl Session {
    /// `true` for a session bound to a user (it can write on the user's behalf).
    pub fn has_user(&self) -> bool {
        self.user_id.is_some() || self.user.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode_session;
    use time::macros::datetime;

    /// App session, real, 2021 (rest-api.md §2.1).
    const APP_SESSION: &str = r#"{"session":{"created_at":"2021-06-04T10:10:53.908Z","updated_at":"2021-06-04T10:10:53.908Z",
 "application_id":4711,"token":"0F726675CDA062035D7641DDEBE967B31BE9","nonce":2813375062,
 "ts":1622801451,"user_id":null,"id":811829532}}"#;

    /// User session, real, 2023 (rest-api.md §2.1; elided values filled in).
    const USER_SESSION: &str = r#"{"session":{"created_at":"2023-09-15T13:43:31.535Z","updated_at":"2023-09-15T13:43:31.535Z",
 "application_id":7266,"token":"B2DD223AA552DE03E3A4C7003C29118313DD","nonce":1711007748,
 "ts":1694785408,"user_id":10551474,"id":10551474,
 "user":{"_id":"64edcb9d303009002ea5fcce","id":10551474,"created_at":"2023-08-29T10:42:37Z",
  "updated_at":"2023-09-15T13:39:09Z","last_request_at":"2023-09-15T13:39:09Z","login":"Richa",
  "email":"richa@example.com","full_name":"Richa Shah","phone":"9016804343","custom_data":"{uuid: 1}",
  "avatar":"https://example.com/1693305744031191.jpg","external_id":"a014ef63-0000","timezone":null,"website":null,
  "twitter_id":null,"external_user_id":null,"facebook_id":null,"user_tags":null,"is_guest":null}}}"#;

    /// Older server (2020): `user_id: 0`, hex token, no milliseconds, extra `device_id`.
    const OLD_SESSION: &str = r#"{"session":{"application_id":1,"created_at":"2020-05-01T10:00:00Z","device_id":null,
 "id":123,"nonce":111,"token":"7a02225b540c7df2ece64b9d83142325c1000df6","ts":1588327200,
 "updated_at":"2020-05-01T10:00:00Z","user_id":0}}"#;

    #[test]
    fn app_session() {
        let s = decode_session(APP_SESSION.as_bytes()).unwrap();
        assert_eq!(s.id, 811829532);
        assert_eq!(s.token.expose(), "0F726675CDA062035D7641DDEBE967B31BE9");
        assert_eq!(s.application_id, Some(4711));
        assert_eq!(s.user_id, None);
        assert_eq!(s.nonce, Some(2813375062));
        assert_eq!(s.ts, Some(1622801451));
        assert_eq!(s.created_at, Some(datetime!(2021-06-04 10:10:53.908 UTC)));
        assert_eq!(s.user, None);
        assert!(!s.has_user());
    }

    #[test]
    fn user_session_with_full_user() {
        let s = decode_session(USER_SESSION.as_bytes()).unwrap();
        assert_eq!(s.user_id, Some(10551474));
        assert!(s.has_user());
        let u = s.user.unwrap();
        assert_eq!(u.id, 10551474);
        assert_eq!(u.object_id.as_deref(), Some("64edcb9d303009002ea5fcce"));
        assert_eq!(u.login.as_deref(), Some("Richa"));
        assert_eq!(u.full_name.as_deref(), Some("Richa Shah"));
        assert_eq!(u.last_request_at, Some(datetime!(2023-09-15 13:39:09 UTC)));
        assert_eq!(u.custom_data.as_deref(), Some("{uuid: 1}"));
        assert_eq!(u.timezone, None);
        assert!(u.tags.is_empty());
    }

    #[test]
    fn older_server_user_id_zero_means_none() {
        let s = decode_session(OLD_SESSION.as_bytes()).unwrap();
        assert_eq!(s.user_id, None);
        assert_eq!(s.created_at, Some(datetime!(2020-05-01 10:00:00 UTC)));
        let s = decode_session(br#"{"session":{"id":"5","token":"t","user_id":"0"}}"#).unwrap();
        assert_eq!((s.id, s.user_id), (5, None));
    }

    #[test]
    fn bad_sessions_are_errors() {
        for bad in [
            &br#"{"session":{"id":1}}"#[..],
            br#"{"session":{"token":"t"}}"#,
            br#"{"session":{"id":1,"token":5}}"#,
            br#"{"session":null}"#,
            br#"{"user":{"id":1}}"#,
            br#"[]"#,
            b"",
            b"<html>",
        ] {
            assert!(decode_session(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn debug_redacts_token_and_serialize_round_trips() {
        let s = decode_session(USER_SESSION.as_bytes()).unwrap();
        let text = format!("{s:?}");
        assert!(!text.contains("B2DD223AA552DE03E3A4C7003C29118313DD"), "{text}");
        assert!(text.contains("<redacted>"));
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["token"], "B2DD223AA552DE03E3A4C7003C29118313DD");
        assert_eq!(serde_json::from_value::<Session>(json).unwrap(), s);
    }
}
