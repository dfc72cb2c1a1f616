//! Randomised malformed requests: the emulator never panics, never answers 5xx for a
//! client's mistake, always answers JSON errors, and loses no data.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the test failing, with its message"
)]

mod common;

use common::*;
use proptest::prelude::*;
use serde_json::json;

const PATHS: &[&str] = &[
    "/session",
    "/session/list",
    "/session/1",
    "/login",
    "/users",
    "/users/v2",
    "/users/1",
    "/users/by_login",
    "/users/by_tags",
    "/users/phone",
    "/users/external/x",
    "/users/password/reset",
    "/users/online",
    "/blobs",
    "/blobs/1",
    "/blobs/1/complete",
    "/blobs/abc",
    "/s3/cb-shared-s3",
    "/nope",
];

#[derive(Debug, Clone)]
struct Hostile {
    method: &'static str,
    path: String,
    query: String,
    body: Vec<u8>,
    content_type: &'static str,
    with_token: bool,
}

fn hostile() -> impl Strategy<Value = Hostile> {
    let method = prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("DELETE"), Just("PATCH")];
    let path = (
        proptest::sample::select(PATHS),
        prop_oneof![Just(String::new()), Just(".json".to_owned()), "[a-z0-9%/.]{0,8}"],
    )
        .prop_map(|(p, suffix)| format!("{p}{suffix}"));
    let query = "[a-z_\\[\\]%=&0-9,]{0,40}";
    let body = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        "\\PC{0,80}".prop_map(String::into_bytes),
        Just(br#"{"user":{"login":["x"],"password":{"a":1}},"application_id":[1]}"#.to_vec()),
        Just(br#"{"user":"text","blob":5,"size":"big","email":null}"#.to_vec()),
        Just(b"user%5Blogin%5D=a&user[password]=&&==&%zz".to_vec()),
    ];
    let content_type = prop_oneof![
        Just("application/json"),
        Just("application/x-www-form-urlencoded"),
        Just("text/plain"),
        Just("")
    ];
    (method, path, query, body, content_type, any::<bool>()).prop_map(
        |(method, path, query, body, content_type, with_token)| Hostile {
            method,
            path,
            query,
            body,
            content_type,
            with_token,
        },
    )
}

#[test]
fn random_malformed_requests_never_hurt_the_emulator() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // The storm runs with another user's token: whatever it does (even legitimately deleting
    // that user), the survivor's account and session must come out untouched.
    let (s, survivor_token, user_id, token) = runtime.block_on(async {
        let s = start().await;
        let (survivor_token, id) = s.user_session("survivor", "password1").await;
        let (token, _) = s.user_session("stormer", "password1").await;
        (s, survivor_token, id, token)
    });
    let config = ProptestConfig {
        cases: 600,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(request in hostile())| {
        runtime.block_on(async {
            let url = format!("{}?{}", s.url(&request.path), request.query);
            let mut builder = s.http.request(reqwest::Method::from_bytes(request.method.as_bytes()).unwrap(), url);
            if !request.content_type.is_empty() {
                builder = builder.header("Content-Type", request.content_type);
            }
            if request.with_token {
                builder = builder.header("CB-Token", &token);
            }
            let response = s.send(builder.body(request.body.clone())).await;
            prop_assert!(response.status < 500, "{request:?} → {} {}", response.status, response.text);
            if response.status >= 400 {
                prop_assert!(response.json["errors"].is_object() || response.json["errors"].is_array(),
                    "{request:?} → {} {}", response.status, response.text);
            }
            Ok(())
        })?;
    });
    // Still serving, and the survivor's user and session are intact.
    runtime.block_on(async {
        let user = s.get(&format!("/users/{user_id}"), &survivor_token).await.expect(200);
        assert_eq!(user.json["user"]["login"], json!("survivor"));
        assert_eq!(user.json["user"]["full_name"], json!(null));
    });
}
