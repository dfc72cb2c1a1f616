//! Hostile input: every response decoder, fed arbitrary bytes or arbitrary JSON, returns
//! a value or a typed error — never a panic.

use connectycube_models::{
    ErrorBody, UploadForm, decode_blob, decode_count, decode_online_users, decode_session, decode_user,
    decode_users_v1, decode_users_v2,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn decode_all(bytes: &[u8]) {
    let _ = decode_user(bytes);
    let _ = decode_session(bytes);
    let _ = decode_users_v1(bytes);
    let _ = decode_users_v2(bytes);
    let _ = decode_online_users(bytes);
    let _ = decode_count(bytes);
    let _ = decode_blob(bytes);
    let _ = ErrorBody::parse(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = UploadForm::parse(text);
        let _ = connectycube_models::date::parse_expiration_header(text);
        let _ = connectycube_models::date::parse_http_date(text);
    }
}

/// Arbitrary JSON, biased towards the keys the decoders look for.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("user".to_owned()),
        Just("session".to_owned()),
        Just("items".to_owned()),
        Just("errors".to_owned()),
        Just("id".to_owned()),
        Just("token".to_owned()),
        Just("user_tags".to_owned()),
        Just("created_at".to_owned()),
        Just("total_entries".to_owned()),
        Just("blob".to_owned()),
        "[a-z_]{1,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        let bytes = serde_json::to_vec(&value).unwrap_or_default();
        decode_all(&bytes);
        for wrapper in ["user", "session", "blob"] {
            let wrapped = serde_json::to_vec(&serde_json::json!({ wrapper: value.clone() })).unwrap_or_default();
            decode_all(&wrapped);
        }
        let list = serde_json::to_vec(&serde_json::json!({ "items": [value.clone()], "total_entries": 1 })).unwrap_or_default();
        decode_all(&list);
        let errors = serde_json::to_vec(&serde_json::json!({ "errors": value })).unwrap_or_default();
        decode_all(&errors);
    }
}
