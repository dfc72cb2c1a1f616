//! Inputs that once hurt the emulator: a clock moved out of range, extreme signed
//! timestamps, a sign-up with a hundred thousand tags, fault rules with impossible
//! statuses. Each must be a clear answer, and the emulator must keep serving.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the test failing, with its message"
)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

/// 130,000 short tags, every tenth sent twice more in upper case: under the 1 MiB body limit.
fn many_tags() -> (String, usize) {
    let mut tags: Vec<String> = (0..130_000).map(|i| format!("t{i:x}")).collect();
    tags.extend((0..130_000).step_by(10).map(|i| format!("T{i:X}")));
    (tags.join(","), 130_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_up_with_130000_tags_does_not_stall_other_requests() {
    let s = start().await;
    let (token, me) = s.user_session("reader", "password1").await;
    let (tags, unique) = many_tags();
    let body = json!({"user": {"login": "tagger", "password": "password1", "tag_list": tags}});
    let http = s.http.clone();
    let url = s.url("/users");
    let writer_token = token.clone();
    let sign_up = tokio::spawn(async move {
        let response = http
            .post(url)
            .header("CB-Token", writer_token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json::<serde_json::Value>().await.unwrap())
    });
    // Reads keep being answered while the sign-up is sent, parsed and stored.
    let mut slowest = Duration::ZERO;
    let mut reads = 0;
    while !sign_up.is_finished() {
        let started = Instant::now();
        s.get(&format!("/users/{me}"), &token).await.expect(200);
        slowest = slowest.max(started.elapsed());
        reads += 1;
    }
    eprintln!("{reads} reads during the sign-up, slowest {slowest:?}");
    let (status, created) = sign_up.await.unwrap();
    assert_eq!(status, 201, "{created}");
    assert!(reads > 0);
    assert!(
        slowest < Duration::from_secs(2),
        "a read took {slowest:?} during the sign-up"
    );
    let stored = created["user"]["user_tags"].as_str().unwrap();
    assert_eq!(stored.split(',').count(), unique);
    assert!(stored.starts_with("t0,t1,t2,"));
}

/// A signed `POST /session` body with `timestamp` and `nonce` as given (numbers or text).
fn signed_session(timestamp: serde_json::Value, nonce: serde_json::Value) -> serde_json::Value {
    let mut body = json!({"application_id": APP_ID, "auth_key": AUTH_KEY, "nonce": nonce, "timestamp": timestamp});
    let signature = connectycube_emulator::sign_session_body(AUTH_SECRET, body.to_string().as_bytes()).unwrap();
    body["signature"] = json!(signature);
    body
}

#[tokio::test]
async fn extreme_signed_timestamps_are_invalid_not_a_crash() {
    let s = start().await;
    for timestamp in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
        for value in [json!(timestamp), json!(timestamp.to_string())] {
            let resp = s
                .call("POST", "/session", None, Some(signed_session(value, json!(1))))
                .await
                .expect(422);
            assert_eq!(resp.json, json!({"errors": {"timestamp": ["invalid timestamp"]}}));
        }
    }
    // Still serving.
    s.create_session(json!({})).await.expect(201);
}

#[test]
fn signed_sessions_with_any_timestamp_and_nonce_never_answer_5xx() {
    use proptest::prelude::*;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let s = runtime.block_on(start());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let number = prop_oneof![
        any::<i64>(),
        Just(i64::MIN),
        Just(i64::MAX),
        (-4000i64..4000).prop_map(move |d| now + d),
    ];
    let value = prop_oneof![
        number.clone().prop_map(|n| json!(n)),
        number.prop_map(|n| json!(n.to_string())),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        "\\PC{0,24}".prop_map(|text| json!(text)),
        Just(json!(null)),
        Just(json!(" 12 ")),
    ];
    let config = ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(timestamp in value.clone(), nonce in value)| {
        runtime.block_on(async {
            let body = signed_session(timestamp.clone(), nonce.clone());
            let resp = s.call("POST", "/session", None, Some(body)).await;
            prop_assert!(
                resp.status == 201 || resp.status == 422,
                "timestamp {timestamp}, nonce {nonce} → {} {}", resp.status, resp.text
            );
            Ok(())
        })?;
    });
}

#[tokio::test]
async fn clock_moves_are_bounded_and_the_emulator_keeps_serving() {
    let s = start().await;
    for advance in [400_000_000_000i64, -400_000_000_000, i64::MAX, i64::MIN] {
        let resp = s
            .call(
                "POST",
                "/__emulator/clock",
                None,
                Some(json!({"advance_secs": advance})),
            )
            .await
            .expect(400);
        let message = resp.json["errors"]["base"][0].as_str().unwrap();
        assert!(message.contains("3155760000"), "{message}");
    }
    // Not before 1970.
    let resp = s
        .call(
            "POST",
            "/__emulator/clock",
            None,
            Some(json!({"advance_secs": -3_000_000_000i64})),
        )
        .await
        .expect(400);
    assert!(resp.json["errors"]["base"][0].as_str().unwrap().contains("1970-01-01"));
    // The clock did not move, and every route still answers.
    let now = s.control("GET", "clock", None).await;
    let year: i32 = now["now"].as_str().unwrap()[..4].parse().unwrap();
    assert_eq!(year, time::OffsetDateTime::now_utc().year());
    let token = s.app_session().await;
    s.get("/users/v2?login=nobody", &token).await.expect(200);

    // Largest moves, up to the far end of the range: still a working emulator.
    let mut moves = 0;
    loop {
        let resp = s
            .call(
                "POST",
                "/__emulator/clock",
                None,
                Some(json!({"advance_secs": 3_155_760_000i64})),
            )
            .await;
        if resp.status == 400 {
            assert!(resp.text.contains("9000-01-01"), "{}", resp.text);
            break;
        }
        resp.expect(200);
        moves += 1;
    }
    assert!(moves > 60, "{moves}");
    let (token, id) = s.user_session("far_future", "password1").await;
    let resp = s.get(&format!("/users/{id}"), &token).await.expect(200);
    assert!(resp.header("date").is_some());
    assert!(resp.header("cb-token-expirationdate").unwrap().starts_with("89"));
}

#[tokio::test]
async fn fault_statuses_must_be_200_to_599() {
    let s = start().await;
    for status in [0, 100, 199, 600, 700, 999, 1000, 65535] {
        let rule = json!({"path_prefix": "/users", "status": status});
        let resp = s.call("POST", "/__emulator/faults", None, Some(rule)).await.expect(400);
        assert_eq!(
            resp.json,
            json!({"errors": {"base": ["status must be an HTTP status code from 200 to 599"]}}),
            "{status}"
        );
    }
    for status in [200, 599] {
        let rule = json!({"path_prefix": "/session", "status": status});
        s.control("POST", "faults", Some(rule)).await;
        assert_eq!(s.create_session(json!({})).await.status, status);
    }
    s.create_session(json!({})).await.expect(201);
}
