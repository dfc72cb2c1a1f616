//! The request observer against the in-process emulator: the events of a whole flow add up
//! to what the server counted per route, each with its status or error code, attempts and
//! whether it waited for a renewed session; no secret or personal value is in any event; a
//! panicking observer breaks nothing; a dropped call is reported; an upload is three events.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing")]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use common::Harness;
use common::users::{PASSWORD, full_name, new_user};
use connectycube::{
    ConnectyCube, Credentials, RequestEvent, SearchField, SessionRestore, Upload, UserFields, UserSearch,
};
use parking_lot::Mutex;
use serde_json::json;

const LOGIN: &str = "observed_login_canary";
const EMAIL: &str = "observed.canary@example.org";
const FULL_NAME: &str = "Observed Canary Person";

/// A client whose observer keeps every event.
fn observed(h: &Harness) -> (ConnectyCube, Arc<Mutex<Vec<RequestEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let cc = ConnectyCube::builder(common::APP_ID, common::AUTH_KEY)
        .api_endpoint(h.emulator.url())
        .request_observer(move |event: &RequestEvent| sink.lock().push(event.clone()))
        .build()
        .unwrap();
    (cc, events)
}

/// (`"GET /users/{id}"`, status, error code, attempts, session renewed).
type Step = (String, Option<u16>, Option<&'static str>, u32, bool);

fn steps(events: &[RequestEvent]) -> Vec<Step> {
    events
        .iter()
        .map(|e| {
            (
                e.method_and_route(),
                e.http_status,
                e.error_code,
                e.attempts,
                e.session_renewed,
            )
        })
        .collect()
}

fn step(route: &str, status: Option<u16>, code: Option<&'static str>, attempts: u32, renewed: bool) -> Step {
    (route.to_owned(), status, code, attempts, renewed)
}

/// Attempts summed per route, as the emulator's stats name routes.
fn per_route(events: &[RequestEvent], upload_route: &str) -> BTreeMap<String, u64> {
    let mut counted = BTreeMap::new();
    for event in events {
        let route = event.route.replace("{upload_url}", upload_route);
        *counted.entry(format!("{} {route}", event.method)).or_default() += u64::from(event.attempts);
    }
    counted
}

async fn server_counts(h: &Harness) -> BTreeMap<String, u64> {
    h.stats()
        .await
        .as_object()
        .unwrap()
        .iter()
        .map(|(route, n)| (route.clone(), n.as_u64().unwrap()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flow_reports_what_the_server_counted() {
    let h = Harness::start().await;
    let (cc, events) = observed(&h);
    let mut tokens = Vec::new();

    let me = cc
        .users()
        .sign_up(new_user(
            LOGIN,
            UserFields {
                email: Some(EMAIL.into()),
                ..UserFields::default()
            },
        ))
        .await
        .unwrap()
        .id;
    cc.auth().sign_in(Credentials::login(LOGIN, PASSWORD)).await.unwrap();
    tokens.push(cc.session().unwrap().token.expose().to_owned());
    cc.users().get(me).await.unwrap();
    assert_eq!(cc.users().get_by_login(LOGIN).await.unwrap().id, me);
    cc.users().update(full_name(FULL_NAME)).await.unwrap();
    // Past the expiry on the server's clock: the next call meets a 401, renews, replays.
    h.advance_clock(2 * 3600 + 1).await;
    cc.users().get(me).await.unwrap();
    tokens.push(cc.session().unwrap().token.expose().to_owned());
    h.control(
        "POST",
        "faults",
        Some(json!({ "path_prefix": "/users/v2", "method": "GET", "times": 1, "status": 503 })),
    )
    .await;
    let page = cc
        .users()
        .search(UserSearch::new().eq(SearchField::FullName, FULL_NAME))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let missing = cc.users().get(me + 1000).await.unwrap_err();
    assert_eq!(missing.code(), "not_found");
    cc.auth().sign_out().await.unwrap();

    let events = events.lock().clone();
    assert_eq!(
        steps(&events),
        [
            step("POST /users", Some(201), None, 1, false),
            // Signing in with no session: the application session first, then the login on it.
            step("POST /session", Some(201), None, 1, false),
            step("POST /login", Some(202), None, 1, false),
            step("GET /users/{id}", Some(200), None, 1, false),
            step("GET /users/v2", Some(200), None, 1, false),
            step("PUT /users/{id}", Some(200), None, 1, false),
            // The renewal the expired session caused is its own event, before the call's.
            step("POST /session", Some(201), None, 1, false),
            step("GET /users/{id}", Some(200), None, 2, true),
            step("GET /users/v2", Some(200), None, 2, false),
            step("GET /users/{id}", Some(404), Some("not_found"), 1, false),
            step("DELETE /login", Some(200), None, 1, false),
        ]
    );
    assert_eq!(per_route(&events, "/unused"), server_counts(&h).await);

    let personal = [PASSWORD, LOGIN, EMAIL, FULL_NAME, "observed", "canary"];
    for event in &events {
        let printed = format!("{event:?}");
        for value in personal.iter().copied().chain(tokens.iter().map(String::as_str)) {
            assert!(!printed.contains(value), "{value:?} in {printed}");
        }
        // Ids are numbers: every segment of a route is a name (`v2`) or a `{placeholder}`.
        assert!(
            event
                .route
                .split('/')
                .skip(1)
                .all(|segment| segment.starts_with('{')
                    || segment.chars().next().is_some_and(|c| c.is_ascii_alphabetic())),
            "an id in {}",
            event.route
        );
        assert!(event.duration > Duration::ZERO && event.duration < Duration::from_secs(30));
    }
}

struct SignInAgain;

#[async_trait::async_trait]
impl SessionRestore for SignInAgain {
    async fn restore(&self) -> Option<Credentials> {
        Some(Credentials::login(LOGIN, PASSWORD))
    }
}

/// A profile update on a session the client knows has expired renews it before the request
/// is built (to learn the user's id): the update's event still says it waited for a renewal.
#[tokio::test(flavor = "multi_thread")]
async fn an_update_that_renews_first_says_so() {
    let h = Harness::start().await;
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let cc = ConnectyCube::builder(common::APP_ID, common::AUTH_KEY)
        .api_endpoint(h.emulator.url())
        .session_restore(Arc::new(SignInAgain))
        .request_observer(move |event: &RequestEvent| sink.lock().push(event.clone()))
        .build()
        .unwrap();
    let (token, _, me) = h.raw_login(LOGIN, PASSWORD).await;
    let an_hour_ago = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    cc.auth().set_session(token, Some(an_hour_ago), Some(me));
    cc.users().update(full_name(FULL_NAME)).await.unwrap();
    assert_eq!(
        steps(&events.lock()),
        [
            step("POST /session", Some(201), None, 1, false),
            step("PUT /users/{id}", Some(200), None, 1, true),
        ]
    );
}

/// A panicking observer is caught: every call still answers, and the observer that
/// replaces it hears the next calls; with none set, nothing is reported.
#[tokio::test(flavor = "multi_thread")]
async fn a_panicking_observer_breaks_nothing_and_can_be_replaced() {
    let h = Harness::start().await;
    let panics = Arc::new(Mutex::new(0));
    let counted = panics.clone();
    let cc = ConnectyCube::builder(common::APP_ID, common::AUTH_KEY)
        .api_endpoint(h.emulator.url())
        .request_observer(move |_: &RequestEvent| {
            *counted.lock() += 1;
            panic!("observer bug");
        })
        .build()
        .unwrap();
    let me = cc
        .users()
        .sign_up(new_user(LOGIN, UserFields::default()))
        .await
        .unwrap()
        .id;
    cc.auth()
        .create_session(Some(Credentials::login(LOGIN, PASSWORD)))
        .await
        .unwrap();
    assert_eq!(cc.users().get(me).await.unwrap().id, me);
    assert_eq!(*panics.lock(), 3);

    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = heard.clone();
    cc.set_request_observer(Some(Arc::new(move |e: &RequestEvent| {
        sink.lock().push(e.method_and_route())
    })));
    cc.users().get(me).await.unwrap();
    cc.set_request_observer(None);
    cc.users().get(me).await.unwrap();
    assert_eq!(*heard.lock(), ["GET /users/{id}"]);
    assert_eq!(*panics.lock(), 3);
}

/// A call dropped while its request is in flight is reported as `cancelled`, with the
/// attempt the server may have seen counted.
#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_call_is_reported_as_cancelled() {
    let h = Harness::start().await;
    let (cc, events) = observed(&h);
    cc.auth().create_session(None).await.unwrap();
    h.control(
        "POST",
        "faults",
        Some(json!({ "path_prefix": "/users/", "method": "GET", "times": 1, "delay_ms": 3000 })),
    )
    .await;
    let dropped = tokio::time::timeout(Duration::from_millis(300), cc.users().get(1)).await;
    assert!(dropped.is_err(), "the call was still waiting");
    assert_eq!(
        steps(&events.lock()),
        [
            step("POST /session", Some(201), None, 1, false),
            step("GET /users/{id}", None, Some("cancelled"), 1, false),
        ]
    );
    assert_eq!(h.count("GET /users/{id}").await, 1);
}

/// An upload is three calls: the blob, the file to the storage address, the completion.
#[tokio::test(flavor = "multi_thread")]
async fn an_upload_is_three_events() {
    let h = Harness::start().await;
    let (cc, events) = observed(&h);
    cc.users()
        .sign_up(new_user(LOGIN, UserFields::default()))
        .await
        .unwrap();
    cc.auth()
        .create_session(Some(Credentials::login(LOGIN, PASSWORD)))
        .await
        .unwrap();
    cc.storage()
        .upload(Upload::new(&b"\x89PNG observed bytes"[..], "a.png", "image/png"))
        .await
        .unwrap();
    let events = events.lock().clone();
    let routes: Vec<String> = events.iter().map(RequestEvent::method_and_route).collect();
    assert_eq!(
        routes,
        [
            "POST /users",
            "POST /session",
            "POST /blobs",
            "POST {upload_url}",
            "PUT /blobs/{id}/complete"
        ]
    );
    assert!(events.iter().all(|e| e.error_code.is_none() && e.attempts == 1));
    // The emulator plays the storage host too, at its upload path.
    assert_eq!(per_route(&events, "/s3/cb-shared-s3"), server_counts(&h).await);
}
