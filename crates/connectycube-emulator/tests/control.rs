//! The test-control API (`emulator-control.md`): reset, clock, outbox, faults, stats,
//! identities, config.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the test failing, with its message"
)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

#[tokio::test]
async fn reset_wipes_everything_and_clock_moves_time() {
    let s = start().await;
    let (token, id) = s.user_session("before_reset", "password1").await;
    let moved = s.control("POST", "clock", Some(json!({"advance_secs": 3600}))).await;
    let now = moved["now"].as_str().unwrap();
    assert!(now.ends_with('Z') && now.len() == 20, "{now}");
    let resp = s.get(&format!("/users/{id}"), &token).await.expect(200);
    let date = httpdate::parse_http_date(resp.header("date").unwrap()).unwrap();
    let ahead = date.duration_since(std::time::SystemTime::now()).unwrap_or_default();
    assert!(
        ahead > Duration::from_secs(3500),
        "Date follows the virtual clock: {ahead:?}"
    );
    s.control("POST", "reset", None).await;
    assert_eq!(s.control("GET", "stats", None).await["total"], json!(0));
    s.get("/session", &token).await.expect(401);
    let now_after = s.control("GET", "clock", None).await;
    assert!(now_after["now"].as_str().unwrap() < now, "reset returns to real time");
    let bad = s
        .call("POST", "/__emulator/clock", None, Some(json!({"advance": 1})))
        .await
        .expect(400);
    assert!(bad.json["errors"]["base"][0].as_str().unwrap().contains("advance_secs"));
}

#[tokio::test]
async fn status_faults_hit_the_next_n_matching_requests() {
    let s = start().await;
    let (token, id) = s.user_session("faulty", "password1").await;
    s.control(
        "POST",
        "faults",
        Some(json!({"path_prefix": "/users", "status": 503, "times": 2})),
    )
    .await;
    let path = format!("/users/{id}");
    for _ in 0..2 {
        let resp = s.get(&path, &token).await.expect(503);
        assert_eq!(resp.json, json!({"errors": {"base": ["Service Unavailable"]}}));
        assert!(resp.header("date").is_some());
    }
    s.get(&path, &token).await.expect(200);
    // Method filter, custom body and headers (a 429 with Retry-After).
    s.control(
        "POST",
        "faults",
        Some(
            json!({"path_prefix": "/users", "method": "PUT", "status": 429, "headers": {"Retry-After": "1"},
                    "body": {"errors": ["Too Many Requests"]}}),
        ),
    )
    .await;
    s.get(&path, &token).await.expect(200);
    let resp = s
        .call("PUT", &path, Some(&token), Some(json!({"user": {}})))
        .await
        .expect(429);
    assert_eq!(resp.header("retry-after"), Some("1"));
    assert_eq!(resp.json, json!({"errors": ["Too Many Requests"]}));
    // A rule on the `.json` form catches the bare path too; DELETE clears rules.
    s.control(
        "POST",
        "faults",
        Some(json!({"path_prefix": "/session.json", "status": 500, "times": 5})),
    )
    .await;
    s.create_session(json!({})).await.expect(500);
    s.control("DELETE", "faults", None).await;
    s.create_session(json!({})).await.expect(201);
}

#[tokio::test]
async fn delay_and_drop_faults() {
    let s = start().await;
    let token = s.app_session().await;
    s.control(
        "POST",
        "faults",
        Some(json!({"path_prefix": "/session", "delay_ms": 300})),
    )
    .await;
    let started = Instant::now();
    s.get("/session", &token).await.expect(200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    s.control("POST", "faults", Some(json!({"path_prefix": "/session", "drop": true})))
        .await;
    let error = s
        .http
        .get(s.url("/session"))
        .header("CB-Token", &token)
        .send()
        .await
        .expect_err("no answer");
    assert!(!error.is_status(), "{error}");
    s.get("/session", &token).await.expect(200);
}

#[tokio::test]
async fn stats_count_routes_by_documented_path() {
    let s = start().await;
    let (token, id) = s.user_session("counted", "password1").await;
    s.get(&format!("/users/{id}"), &token).await;
    s.get(&format!("/users/{id}.json"), &token).await;
    s.get("/users/v2.json?id=1", &token).await;
    s.get("/users/v2?id=1", &token).await;
    let stats = s.control("GET", "stats", None).await;
    assert_eq!(stats["requests"]["POST /session"], json!(1));
    assert_eq!(stats["requests"]["GET /users/{id}"], json!(2));
    assert_eq!(stats["requests"]["GET /users/v2"], json!(2));
    assert_eq!(stats["total"], json!(5), "control calls are not counted: {stats}");
}

#[tokio::test]
async fn invalid_control_requests_are_refused() {
    let s = start().await;
    for body in [
        json!({"path_prefix": "users", "status": 503}),
        json!({"path_prefix": "/users"}),
        json!({"path_prefix": "/users", "status": 42}),
        json!({"path_prefix": "/users", "status": 503, "times": 0}),
        json!({"path_prefix": "/users", "status": 503, "unknown": true}),
    ] {
        let resp = s.call("POST", "/__emulator/faults", None, Some(body.clone())).await;
        assert_eq!(resp.status, 400, "{body}");
    }
    let resp = s
        .call(
            "POST",
            "/__emulator/identities",
            None,
            Some(json!({"provider": "myspace", "token": "t", "uid": "u"})),
        )
        .await;
    resp.expect(400);
    s.call(
        "POST",
        "/__emulator/identities",
        None,
        Some(json!({"provider": "facebook"})),
    )
    .await
    .expect(400);
    let config = s.control("GET", "config", None).await;
    assert_eq!(config["auth_key"], AUTH_KEY);
}
