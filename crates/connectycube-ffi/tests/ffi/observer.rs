//! The request observer through the exports every language builds on: events arrive off
//! the call path with each call's route template, status or error code, attempts and the
//! renewal flag; summed per route they are what the emulator counted; the observer stays
//! through `doInit`; one that throws hears every event all the same; `None` removes it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::{PASSWORD, Turn, user};
use crate::{CallbackError, RequestEvent, RequestObserver};

type Recorder = super::Recorder<RequestEvent>;

impl RequestObserver for Recorder {
    fn on_request(&self, event: RequestEvent) -> Result<(), CallbackError> {
        self.record(event, "observer")
    }
}

/// (`"GET /users/{id}"`, status, error code, attempts, session renewed).
type Step = (String, Option<i32>, Option<String>, i32, bool);

fn steps(events: &[RequestEvent]) -> Vec<Step> {
    events
        .iter()
        .map(|e| {
            (
                format!("{} {}", e.method, e.route),
                e.http_status,
                e.error_code.clone(),
                e.attempts,
                e.session_renewed,
            )
        })
        .collect()
}

fn step(route: &str, status: i32, code: Option<&str>, attempts: i32, renewed: bool) -> Step {
    (
        route.to_owned(),
        Some(status),
        code.map(str::to_owned),
        attempts,
        renewed,
    )
}

async fn server_counts(turn: &Turn) -> BTreeMap<String, u64> {
    turn.control("GET", "stats", None).await["requests"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(route, n)| (route.clone(), n.as_u64().unwrap()))
        .collect()
}

fn per_route(events: &[RequestEvent]) -> BTreeMap<String, u64> {
    let mut counted = BTreeMap::new();
    for event in events {
        *counted.entry(format!("{} {}", event.method, event.route)).or_default() +=
            u64::try_from(event.attempts).unwrap();
    }
    counted
}

#[tokio::test]
async fn events_match_the_server_counts_and_follow_do_init() {
    let turn = Turn::start().await;
    let heard = Arc::new(Recorder::default());
    turn.cube.set_request_observer(Some(heard.clone()));
    // A new client after the observer was set: it reports to the same observer.
    turn.init(true);
    let me = turn.sign_up("observed_login").await.id;
    turn.cube
        .create_session(Some(user("observed_login", PASSWORD)))
        .await
        .unwrap();
    turn.cube.get_user_by_id(me).await.unwrap();
    turn.control("POST", "clock", Some(json!({"advance_secs": 7201}))).await;
    turn.cube.get_user_by_login("observed_login".into()).await.unwrap();
    let missing = turn.cube.get_user_by_id(me + 1000).await.unwrap_err();
    assert_eq!(missing.code(), "not_found");
    turn.cube.sign_out().await.unwrap();

    let events = heard.wait_for(7).await;
    assert_eq!(
        steps(&events),
        [
            step("POST /users", 201, None, 1, false),
            step("POST /session", 201, None, 1, false),
            step("GET /users/{id}", 200, None, 1, false),
            step("POST /session", 201, None, 1, false),
            step("GET /users/v2", 200, None, 2, true),
            step("GET /users/{id}", 404, Some("not_found"), 1, false),
            step("DELETE /login", 200, None, 1, false),
        ]
    );
    assert_eq!(per_route(&events), server_counts(&turn).await);
    let token_free = events
        .iter()
        .all(|e| !format!("{e:?}").contains("observed_login") && !format!("{e:?}").contains(PASSWORD));
    assert!(token_free, "{events:?}");
    turn.cube.set_request_observer(None);
}

#[tokio::test]
async fn an_observer_that_throws_hears_every_event_and_none_removes_it() {
    let turn = Turn::start().await;
    let throwing = Arc::new(Recorder::throwing());
    turn.cube.set_request_observer(Some(throwing.clone()));
    let me = turn.signed_in("observed_login").await.id;
    turn.cube.get_user_by_id(me).await.unwrap();
    assert_eq!(throwing.wait_for(3).await.len(), 3);

    turn.cube.set_request_observer(None);
    turn.cube.get_user_by_id(me).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let routes: Vec<String> = throwing.heard().iter().map(|e| e.route.clone()).collect();
    assert_eq!(routes, ["/users", "/session", "/users/{id}"]);
}
