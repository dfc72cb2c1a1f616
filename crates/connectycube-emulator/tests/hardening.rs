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
