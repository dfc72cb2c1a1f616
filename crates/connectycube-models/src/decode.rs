//! Decoders of the response envelopes: the raw body in, a model or a [`Page`] out.
//!
//! Every decoder takes the raw body and returns `serde_json::Error` on anything it cannot read (bad JSON,
//! wrong shape, an error body); none panics, whatever the bytes.

use serde::Deserialize;
use serde_json::Value;

use crate::blob::Blob;
use crate::lenient;
use crate::page::Page;
use crate::session::Session;
use crate::user::User;

#[derive(Deserialize)]
struct UserEnvelope {
    user: User,
}

#[derive(Deserialize)]
struct SessionEnvelope {
    session: Session,
}

#[derive(Deserialize)]
struct BlobEnvelope {
    blob: Blob,
}

#[derive(Deserialize)]
struct V2Envelope {
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    limit: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    skip: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    total_entries: Option<u64>,
    items: Vec<Value>,
}

#[derive(Deserialize)]
struct V1Envelope {
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    current_page: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    per_page: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    total_entries: Option<u64>,
    items: Vec<Value>,
}

#[derive(Deserialize)]
struct OnlineEnvelope {
    users: Vec<Value>,
}

#[derive(Deserialize)]
struct CountEnvelope {
    count: Value,
}

/// A list item: a bare user (v2) or `{"user":{...}}` (v1); either is accepted in either list.
fn list_user(item: Value) -> Result<User, serde_json::Error> {
    match item {
        Value::Object(mut map) if !map.contains_key("id") && map.get("user").is_some_and(Value::is_object) => {
            serde_json::from_value(map.remove("user").unwrap_or(Value::Null))
        }
        other => serde_json::from_value(other),
    }
}

fn list_users(items: Vec<Value>) -> Result<Vec<User>, serde_json::Error> {
    items.into_iter().map(list_user).collect()
}

/// `{"user":{...}}` (sign-up, update, `GET /users/{id}`, `POST /login`).
pub fn decode_user(body: &[u8]) -> Result<User, serde_json::Error> {
    serde_json::from_slice::<UserEnvelope>(body).map(|e| e.user)
}

/// `{"session":{...}}` (`POST /session`, `GET /session`).
pub fn decode_session(body: &[u8]) -> Result<Session, serde_json::Error> {
    serde_json::from_slice::<SessionEnvelope>(body).map(|e| e.session)
}

/// `{"limit","skip","total_entries","items":[user,...]}` (`GET /users/v2`). Missing counters default to
/// `skip` 0, `limit` and `total_entries` from the items.
pub fn decode_users_v2(body: &[u8]) -> Result<Page<User>, serde_json::Error> {
    let e: V2Envelope = serde_json::from_slice(body)?;
    let items = list_users(e.items)?;
    let skip = e.skip.unwrap_or(0);
    Ok(Page {
        limit: e.limit.unwrap_or(items.len() as u64),
        total_entries: e.total_entries.unwrap_or(skip.saturating_add(items.len() as u64)),
        skip,
        items,
    })
}

/// `{"current_page"(1-based),"per_page","total_entries","items":[{"user":{..}}]}` (`GET /users`,
/// `/users/by_full_name`, `/users/by_tags`) → `skip = (current_page-1)*per_page`, `limit = per_page`.
pub fn decode_users_v1(body: &[u8]) -> Result<Page<User>, serde_json::Error> {
    let e: V1Envelope = serde_json::from_slice(body)?;
    let items = list_users(e.items)?;
    let limit = e.per_page.unwrap_or(items.len() as u64);
    let skip = e.current_page.unwrap_or(1).saturating_sub(1).saturating_mul(limit);
    Ok(Page {
        total_entries: e.total_entries.unwrap_or(skip.saturating_add(items.len() as u64)),
        skip,
        limit,
        items,
    })
}

/// `{"users":[...]}` (`GET /users/online`).
pub fn decode_online_users(body: &[u8]) -> Result<Vec<User>, serde_json::Error> {
    let e: OnlineEnvelope = serde_json::from_slice(body)?;
    list_users(e.users)
}

/// `{"count":N}` (`GET /users/online?count=true`); a numeric string is accepted too.
pub fn decode_count(body: &[u8]) -> Result<u64, serde_json::Error> {
    let e: CountEnvelope = serde_json::from_slice(body)?;
    lenient::value_u64(&e.count)
        .ok_or_else(|| <serde_json::Error as serde::de::Error>::custom(format!("invalid count: {}", e.count)))
}

/// `{"blob":{...}}` (`POST /blobs`, `GET /blobs/{id}`).
pub fn decode_blob(body: &[u8]) -> Result<Blob, serde_json::Error> {
    serde_json::from_slice::<BlobEnvelope>(body).map(|e| e.blob)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// v2 envelope (docs shape, rest-api.md §4.6).
    const V2: &str = r#"{"limit":10,"skip":20,"total_entries":22,"items":[
        {"id":51946,"full_name":"Diver","login":"diver","user_tags":"vip,accountant","created_at":"2018-12-06T09:21:41Z"},
        {"id":"51941","login":"d2","user_tags":["a"]}]}"#;

    /// v1 envelope (docs shape, rest-api.md §3.2): items wrapped in {"user":…}.
    const V1: &str = r#"{"current_page":2,"per_page":10,"total_entries":12,"items":[
        {"user":{"id":1,"login":"one"}},{"user":{"id":2,"login":"two","user_tags":"x"}}]}"#;

    #[test]
    fn v2_page() {
        let page = decode_users_v2(V2.as_bytes()).unwrap();
        assert_eq!((page.limit, page.skip, page.total_entries), (10, 20, 22));
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items[0].tags, ["vip", "accountant"]);
        assert_eq!(page.items[1].id, 51941);
        assert_eq!(page.page(), 2);
        assert!(!page.has_more());
        let more = decode_users_v2(br#"{"limit":1,"skip":0,"total_entries":2,"items":[{"id":1}]}"#).unwrap();
        assert!(more.has_more());
        let empty = decode_users_v2(br#"{"limit":100,"skip":0,"total_entries":0,"items":[]}"#).unwrap();
        assert!(empty.items.is_empty() && !empty.has_more());
    }

    #[test]
    fn v1_page() {
        let page = decode_users_v1(V1.as_bytes()).unwrap();
        assert_eq!((page.limit, page.skip, page.total_entries), (10, 10, 12));
        assert_eq!(page.page(), 1);
        assert_eq!(page.items[1].login.as_deref(), Some("two"));
        assert!(!page.has_more());
        let first =
            decode_users_v1(br#"{"current_page":1,"per_page":1,"total_entries":2,"items":[{"user":{"id":1}}]}"#)
                .unwrap();
        assert_eq!((first.skip, first.page()), (0, 0));
        assert!(first.has_more());
        let zero = decode_users_v1(br#"{"current_page":0,"per_page":0,"total_entries":0,"items":[]}"#).unwrap();
        assert_eq!((zero.skip, zero.limit, zero.page()), (0, 0, 0));
    }

    #[test]
    fn either_item_shape_in_either_list() {
        let page =
            decode_users_v2(br#"{"limit":2,"skip":0,"total_entries":2,"items":[{"user":{"id":1}},{"id":2}]}"#).unwrap();
        assert_eq!(page.items.iter().map(|u| u.id).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn online_users_and_count() {
        let users = decode_online_users(br#"{"users":[{"id":1},{"id":2,"full_name":"B"}]}"#).unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(decode_count(br#"{"count":17}"#).unwrap(), 17);
        assert_eq!(decode_count(br#"{"count":"17"}"#).unwrap(), 17);
        assert!(decode_count(br#"{"count":-1}"#).is_err());
        assert!(decode_count(br#"{"count":null}"#).is_err());
        assert!(decode_count(br#"{}"#).is_err());
    }

    #[test]
    fn page_map_keeps_counters() {
        let page = decode_users_v2(V2.as_bytes()).unwrap().map(|u| u.id);
        assert_eq!(page.items, [51946, 51941]);
        assert_eq!(page.total_entries, 22);
    }

    #[test]
    fn error_bodies_and_wrong_shapes_are_errors() {
        let bad: [&[u8]; 12] = [
            b"",
            b"[]",
            b"null",
            b"{}",
            b"<html><body>502 Bad Gateway</body></html>",
            br#"{"errors":["Token is required"]}"#,
            br#"{"items":{"id":1}}"#,
            br#"{"items":[{"id":"x"}]}"#,
            br#"{"items":[{"user":{"id":null}}]}"#,
            br#"{"items":[1,2]}"#,
            br#"{"limit":10,"items":[{"id":1}"#,
            b"\xff\xfe\x00garbage",
        ];
        for body in bad {
            let shown = String::from_utf8_lossy(body);
            assert!(decode_users_v2(body).is_err(), "v2 {shown}");
            assert!(decode_users_v1(body).is_err(), "v1 {shown}");
            assert!(decode_user(body).is_err(), "user {shown}");
            assert!(decode_session(body).is_err(), "session {shown}");
            assert!(decode_online_users(body).is_err(), "online {shown}");
            assert!(decode_count(body).is_err(), "count {shown}");
            assert!(decode_blob(body).is_err(), "blob {shown}");
        }
        assert!(decode_user(br#"{"user":{"id":1,"login":5}"#).is_err());
        assert!(decode_user(br#"{"user":[]}"#).is_err());
        assert!(decode_user(br#"{"user":"x"}"#).is_err());
    }

    /// Deterministic pseudo-random bytes and mutations of real bodies: every decoder returns, none panics.
    #[test]
    fn random_and_mutated_bodies_never_panic() {
        let seeds: [&[u8]; 3] = [
            V1.as_bytes(),
            V2.as_bytes(),
            br#"{"session":{"id":1,"token":"t","user":{"id":2}}}"#,
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..3000 {
            let body: Vec<u8> = if round % 3 == 0 {
                (0..next() % 64).map(|_| next() as u8).collect()
            } else {
                let mut body = seeds[(next() % 3) as usize].to_vec();
                for _ in 0..(next() % 4 + 1) {
                    let at = (next() as usize) % body.len();
                    match next() % 3 {
                        0 => body[at] = next() as u8,
                        1 => body.truncate(at),
                        _ => body.insert(at, b"{}[]\",:0-9e"[(next() % 11) as usize]),
                    }
                    if body.is_empty() {
                        break;
                    }
                }
                body
            };
            let _ = decode_users_v2(&body);
            let _ = decode_users_v1(&body);
            let _ = decode_user(&body);
            let _ = decode_session(&body);
            let _ = decode_online_users(&body);
            let _ = decode_count(&body);
            let _ = decode_blob(&body);
            let _ = crate::ErrorBody::parse(&body);
        }
    }
}
