//! The client under any `Date`, `CB-Token-ExpirationDate` and saved expiry: no value can
//! panic, overflow or poison it, and a client that saw a bad answer works again on the
//! next good one. (Through the FFI a panic here would crash an iOS app: non-throwing
//! exports such as `isActiveSessionValid()` reach this code.)

use std::sync::Arc;

use bytes::Bytes;
use connectycube_transport::{
    HeaderMap, HeaderValue, HttpRequest, HttpResponse, StatusCode, Transport, TransportError,
};
use proptest::prelude::*;
use time::OffsetDateTime;

use crate::{ConnectyCube, SessionStore, StoredSession};

/// Answers `POST /session` and every other call with the given headers.
struct Headers {
    date: Option<String>,
    expiry: Option<String>,
}

#[async_trait::async_trait]
impl Transport for Headers {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut headers = HeaderMap::new();
        for (name, value) in [("date", &self.date), ("cb-token-expirationdate", &self.expiry)] {
            if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.insert(name, value);
            }
        }
        let body = if request.url.ends_with("/session") {
            r#"{"session":{"id":9,"token":"TOKEN","application_id":1,"user_id":null}}"#
        } else {
            r#"{"user":{"id":5}}"#
        };
        Ok(HttpResponse {
            status: StatusCode::OK,
            headers,
            body: Bytes::from_static(body.as_bytes()),
        })
    }
}

struct Saved(Option<OffsetDateTime>);

impl SessionStore for Saved {
    fn load(&self) -> Option<StoredSession> {
        Some(StoredSession {
            token: "SAVED".into(),
            expires_at: self.0,
            user_id: None,
        })
    }
    fn save(&self, _: &StoredSession) {}
    fn clear(&self) {}
}

fn client(transport: Headers, saved: Option<Option<OffsetDateTime>>) -> ConnectyCube {
    let mut builder = ConnectyCube::builder(1, "KEY")
        .auth_secret("SECRET")
        .api_endpoint("https://api.example.com")
        .transport(Arc::new(transport));
    if let Some(expiry) = saved {
        builder = builder.session_store(Arc::new(Saved(expiry)));
    }
    builder.build().unwrap()
}

fn any_date() -> impl Strategy<Value = OffsetDateTime> {
    let min = OffsetDateTime::new_utc(time::Date::MIN, time::Time::MIDNIGHT).unix_timestamp();
    let max = OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT).unix_timestamp();
    (min..=max).prop_map(|secs| OffsetDateTime::from_unix_timestamp(secs).unwrap())
}

/// Header texts: well-formed dates anywhere in the representable range, the extremes, and
/// noise.
fn any_header() -> impl Strategy<Value = Option<String>> {
    let http_date = any_date().prop_map(|at| {
        let format = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        at.format(&format).unwrap_or_default()
    });
    let expiry = any_date().prop_map(|at| {
        let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
        at.format(&format).unwrap_or_default()
    });
    proptest::option::of(prop_oneof![
        http_date,
        expiry,
        Just("Fri, 31 Dec 9999 23:59:59 GMT".to_owned()),
        Just("-9999-01-01 00:00:00 UTC".to_owned()),
        Just("9999-12-31 23:59:59 UTC".to_owned()),
        "[ -~]{0,40}",
    ])
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_header_value_panics_or_poisons_the_client(
        date in any_header(),
        expiry in any_header(),
        saved in proptest::option::of(proptest::option::of(any_date())),
        injected in proptest::option::of(any_date()),
    ) {
        runtime().block_on(async {
            let hostile = client(Headers { date: date.clone(), expiry: expiry.clone() }, saved);
            let _ = hostile.is_session_valid();
            let _ = hostile.session();
            // A signed session: its timestamp comes from the skewed clock.
            prop_assert!(hostile.auth().create_session(None).await.is_ok());
            prop_assert!(hostile.users().get(5).await.is_ok());
            // The server's expiry is believed only within bounds, so a session it just
            // created is live whatever the header said.
            prop_assert!(hostile.is_session_valid(), "date {:?} expiry {:?}", date, expiry);
            let _ = hostile.session();
            let _ = hostile.storage().private_url("uid");
            hostile.auth().set_session("INJECTED", injected, None);
            let _ = hostile.is_session_valid();
            let _ = hostile.session();
            prop_assert!(hostile.users().get(5).await.is_ok());
            Ok(())
        })?;
    }
}

#[test]
fn a_bad_date_is_undone_by_the_next_good_answer() {
    runtime().block_on(async {
        let cc = client(
            Headers {
                date: Some("Fri, 31 Dec 9999 23:59:59 GMT".into()),
                expiry: Some("-9999-01-01 00:00:00 UTC".into()),
            },
            None,
        );
        cc.auth().create_session(None).await.unwrap();
        assert!(cc.is_session_valid());
        let expires = cc.session().unwrap().expires_at.unwrap();
        let from_now = expires - OffsetDateTime::now_utc();
        assert!(
            (from_now - time::Duration::hours(2)).abs() < time::Duration::minutes(1),
            "{from_now}"
        );
    });
}

#[test]
fn a_saved_expiry_too_far_ahead_is_not_valid_forever() {
    let forever = OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT);
    let cc = client(
        Headers {
            date: None,
            expiry: None,
        },
        Some(Some(forever)),
    );
    assert!(!cc.is_session_valid());
    cc.auth().set_session("X", Some(forever), None);
    assert!(!cc.is_session_valid());
    let soon = OffsetDateTime::now_utc() + time::Duration::hours(1);
    cc.auth().set_session("X", Some(soon), None);
    assert!(cc.is_session_valid());
}
