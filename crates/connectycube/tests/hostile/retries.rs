//! What the SDK repeats, and what it never does: `Retry-After` in both forms, never past the
//! deadline; redirects are not followed; a dripping answer is cut by the deadline; a server
//! that drops every token costs at most two sessions a call; sign-up is sent once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use connectycube::{Error, NewUser, Timeouts};

use crate::client;
use crate::server::{HostileServer, Reply, session};

fn http_date(at: std::time::SystemTime) -> String {
    httpdate::fmt_http_date(at)
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let calls = AtomicUsize::new(0);
    let server = HostileServer::start(move |request| {
        if request.is("POST", "/session") {
            return Reply::json(201, &[], &session("T"));
        }
        if calls.fetch_add(1, Ordering::Relaxed) == 0 {
            // Two seconds after the server's own Date: full-jitter backoff would wait at
            // most 10 ms here.
            let now = std::time::SystemTime::now();
            let date = http_date(now);
            let later = http_date(now + Duration::from_secs(2));
            Reply::json(
                503,
                &[("Date", &date), ("Retry-After", &later)],
                r#"{"errors":["busy"]}"#,
            )
        } else {
            Reply::json(200, &[], r#"{"user":{"id":5}}"#)
        }
    })
    .await;
    let cc = client(&server.url).build().unwrap();
    cc.users().get(5).await.unwrap();
    let gets: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.is("GET", "/users/5"))
        .collect();
    assert_eq!(gets.len(), 2);
    let waited = gets[1].at - gets[0].at;
    assert!(waited >= Duration::from_millis(900), "waited {waited:?}");
}

#[tokio::test]
async fn a_retry_after_past_the_deadline_returns_the_servers_answer_at_once() {
    let server = HostileServer::start(|request| {
        if request.is("POST", "/session") {
            return Reply::json(201, &[], &session("T"));
        }
        let later = http_date(std::time::SystemTime::now() + Duration::from_secs(3600));
        Reply::json(429, &[("Retry-After", &later)], r#"{"errors":["slow down"]}"#)
    })
    .await;
    let cc = client(&server.url)
        .retry(connectycube::RetryConfig {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(60),
        })
        .timeouts(Timeouts {
            connect: Duration::from_secs(5),
            attempt: Duration::from_secs(5),
            operation: Duration::from_secs(20),
        })
        .build()
        .unwrap();
    let started = Instant::now();
    let error = cc.users().get(5).await.unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.messages(), ["slow down"]);
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(server.count("GET", "/users/5"), 1);
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed() {
    let elsewhere = HostileServer::start(|_| Reply::json(200, &[], r#"{"user":{"id":5}}"#)).await;
    let location = format!("{}/steal", elsewhere.url);
    let server = HostileServer::start(move |request| {
        if request.is("POST", "/session") {
            return Reply::json(201, &[], &session("T"));
        }
        Reply::json(302, &[("Location", &location)], "{}")
    })
    .await;
    let cc = client(&server.url).build().unwrap();
    let error = cc.users().get(5).await.unwrap_err();
    assert_eq!(error.status(), Some(302));
    assert!(elsewhere.requests().is_empty(), "the token went elsewhere");
}

#[tokio::test]
async fn a_dripping_answer_is_cut_by_the_deadline() {
    let server = HostileServer::start(|request| {
        if request.is("POST", "/session") {
            return Reply::json(201, &[], &session("T"));
        }
        let body = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n{}",
            " ".repeat(100_000)
        );
        Reply::Drip {
            bytes: body.into_bytes(),
            every: Duration::from_millis(50),
        }
    })
    .await;
    let cc = client(&server.url)
        .timeouts(Timeouts {
            connect: Duration::from_secs(1),
            attempt: Duration::from_millis(700),
            operation: Duration::from_secs(2),
        })
        .build()
        .unwrap();
    let started = Instant::now();
    assert_eq!(cc.users().get(5).await.unwrap_err(), Error::Timeout);
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_server_that_drops_every_token_costs_at_most_two_sessions_a_call() {
    let server = HostileServer::start(|request| {
        if request.is("POST", "/session") {
            return Reply::json(201, &[], &session("T"));
        }
        Reply::json(401, &[], r#"{"errors":{"base":["Required session does not exist"]}}"#)
    })
    .await;
    let cc = client(&server.url).build().unwrap();
    for call in 1..=3 {
        assert!(cc.users().get(5).await.is_err());
        assert!(server.count("POST", "/session") <= 2 * call, "call {call}");
        assert!(server.count("GET", "/users/5") <= 2 * call, "call {call}");
    }
}

#[tokio::test]
async fn sign_up_is_sent_once_whatever_comes_back() {
    for reply in ["garbage", "503", "drip", "hangup"] {
        let server = HostileServer::start(move |_| match reply {
            "garbage" => Reply::Raw(b"\x00\x01 not http at all".to_vec()),
            "503" => Reply::json(503, &[], r#"{"errors":["down"]}"#),
            "drip" => Reply::Drip {
                bytes: b"HTTP/1.1 201 Created\r\nContent-Length: 5000\r\n\r\n".to_vec(),
                every: Duration::from_millis(100),
            },
            _ => Reply::Hangup,
        })
        .await;
        let cc = client(&server.url)
            .timeouts(Timeouts {
                connect: Duration::from_secs(1),
                attempt: Duration::from_secs(1),
                operation: Duration::from_secs(3),
            })
            .build()
            .unwrap();
        let result = cc.users().sign_up(NewUser::with_login("once_only", "password1")).await;
        assert!(result.is_err(), "{reply}");
        assert_eq!(server.count("POST", "/users"), 1, "{reply}");
    }
}
