//! Bad input never hurts the emulator: malformed bodies, huge bodies, unknown routes,
//! garbage on the socket, concurrent writers. Always a clear 4xx JSON error, and the
//! data stays consistent.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the test failing, with its message"
)]

mod common;

use std::collections::HashSet;

use common::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn malformed_and_oversized_bodies_get_json_errors() {
    let s = start().await;
    let post = |body: Vec<u8>, content_type: &'static str| {
        s.send(
            s.http
                .post(s.url("/session"))
                .header("Content-Type", content_type)
                .body(body),
        )
    };
    let resp = post(b"{\"application_id\": 1,".to_vec(), "application/json")
        .await
        .expect(400);
    assert!(
        resp.json["errors"]["base"][0]
            .as_str()
            .unwrap()
            .starts_with("Malformed JSON body")
    );
    post(b"[1,2,3]".to_vec(), "application/json").await.expect(400);
    post(vec![0xff, 0xfe, 0x00], "application/json").await.expect(400);
    let huge = vec![b'a'; 2 * 1024 * 1024];
    let resp = post(huge, "application/x-www-form-urlencoded").await.expect(413);
    assert!(resp.json["errors"]["base"].is_array());
    // Wrong types.
    let resp = s.create_session(json!({"user": "john"})).await.expect(422);
    assert_eq!(resp.json, json!({"errors": {"user": ["must be an object"]}}));
    let resp = s
        .create_session(json!({"user": {"login": ["a"], "password": {"x": 1}}}))
        .await
        .expect(422);
    assert_eq!(resp.json, json!({"errors": {"login": ["must be a string"]}}));
    let resp = s
        .create_session(json!({"provider": "facebook", "keys": {"token": 5}}))
        .await
        .expect(401);
    assert_eq!(
        resp.json,
        json!({"errors": ["Unauthorized"]}),
        "a number is a (wrong) token, not a crash"
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_are_json_errors() {
    let s = start().await;
    let resp = s.call("GET", "/nope", None, None).await.expect(404);
    assert_eq!(resp.json, json!({"errors": {"base": ["Not found"]}}));
    let resp = s.call("PATCH", "/session", None, None).await.expect(405);
    assert!(resp.json["errors"]["base"].is_array());
    let preflight = s.call("OPTIONS", "/users/v2", None, None).await.expect(200);
    assert!(preflight.header("access-control-allow-methods").is_some());
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
}

/// Found by the hostile-requests property test: invalid UTF-8 in a path parameter.
#[tokio::test]
async fn invalid_utf8_in_a_path_parameter_is_a_json_404() {
    let s = start().await;
    let token = s.app_session().await;
    for path in ["/users/v2%8a", "/users/%ff%fe", "/blobs/%c3", "/session/%80"] {
        let resp = s.call("GET", path, Some(&token), None).await;
        let resp = if path.starts_with("/session") {
            s.call("DELETE", path, Some(&token), None).await
        } else {
            resp
        };
        assert_eq!(resp.status, 404, "{path}: {}", resp.text);
        assert!(
            resp.json["errors"].is_object() || resp.json["errors"].is_array(),
            "{path}: {}",
            resp.text
        );
    }
}

#[tokio::test]
async fn hostile_query_strings_are_harmless() {
    let s = start().await;
    let token = s.app_session().await;
    for query in [
        "id[in][][][]=1",
        "id=%ZZ",
        "%5B%5D=1",
        "id[=1",
        "id]=1",
        "id[in]=&login=",
        "limit=99999999999999999999&id=1",
        "id[in][0][x]=1&id[in][0][x]=2",
        "sort_asc[]=id&id=1",
    ] {
        let resp = s.get(&format!("/users/v2?{query}"), &token).await;
        assert!(
            resp.status == 200 || resp.status == 422,
            "{query}: {} {}",
            resp.status,
            resp.text
        );
        assert!(resp.json.is_object(), "{query}: {}", resp.text);
    }
    // Beyond 8 KiB a request target is refused with a JSON 414 (tests/limits.rs).
    let long = format!("/users/v2?login={}", "a".repeat(60_000));
    let resp = s.get(&long, &token).await.expect(414);
    assert!(resp.json["errors"]["base"].is_array(), "{}", resp.text);
}

#[tokio::test]
async fn garbage_on_the_socket_does_not_stop_the_server() {
    let s = start().await;
    for garbage in [
        &b"\x00\x01\x02\x03 not http\r\n\r\n"[..],
        b"GET / HTTP/9.9\r\n\r\n",
        b"POST /session HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
    ] {
        let mut stream = tokio::net::TcpStream::connect(s.emulator.local_addr()).await.unwrap();
        stream.write_all(garbage).await.unwrap();
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), stream.read_to_end(&mut answer)).await;
    }
    s.create_session(json!({})).await.expect(201);
}

#[tokio::test]
async fn concurrent_sign_ups_keep_logins_unique_and_lose_nothing() {
    let s = start().await;
    let token = s.app_session().await;
    let same: Vec<_> = (0..40)
        .map(|_| {
            s.call(
                "POST",
                "/users",
                Some(&token),
                Some(json!({"user": {"login": "contended", "password": "password1"}})),
            )
        })
        .collect();
    let statuses: Vec<u16> = futures_join(same).await.into_iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 422).count(), 39, "{statuses:?}");

    let distinct: Vec<_> = (0..100)
        .map(|i| {
            s.call(
                "POST",
                "/users",
                Some(&token),
                Some(json!({"user": {"login": format!("writer{i}"), "password": "password1"}})),
            )
        })
        .collect();
    let ids: HashSet<i64> = futures_join(distinct)
        .await
        .into_iter()
        .map(|r| r.expect(201).json["user"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 100, "every writer got its own user");
    let listed = s
        .get("/users/v2?login[start_with]=writer&limit=100", &token)
        .await
        .expect(200);
    let _ = listed;
    let resp = s
        .get("/users?per_page=100&filter[]=string+login+ne+contended", &token)
        .await
        .expect(200);
    assert_eq!(resp.json["total_entries"], json!(100));
}

/// Runs the futures concurrently on this task (no extra dependency needed).
async fn futures_join<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(|o| o.expect("all ready")).collect()
}

/// A path parameter is percent-decoded exactly once: `%2541` is the text `%41`.
#[tokio::test]
async fn path_parameters_are_decoded_once() {
    let s = start().await;
    let (token, id) = s.user_session("external_once", "password1").await;
    let body = Some(json!({"user": {"external_id": "x=%41 ü"}}));
    s.call("PUT", &format!("/users/{id}"), Some(&token), body)
        .await
        .expect(200);
    s.get("/users/external/x%3D%2541%20%C3%BC", &token).await.expect(200);
    s.get("/users/external/x%3DA%20%C3%BC", &token).await.expect(404);
}
