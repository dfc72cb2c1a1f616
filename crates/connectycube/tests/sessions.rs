//! Session handling against the emulator: single-flight renewal on expiry (counted with
//! the emulator's stats), leader cancellation, failure fan-out, no downgrade, restore
//! hook, replay once, clock skew, the retry matrix, timeouts and the session store.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing, with its message")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use connectycube::{
    ConnectyCube, Credentials, Error, NetworkErrorKind, NewUser, RetryConfig, SessionRestore, SessionStore,
    StoredSession, Timeouts,
};
use connectycube_emulator::{Emulator, EmulatorConfig};
use parking_lot::Mutex;
use serde_json::{Value, json};

const AUTH_KEY: &str = "29WfrNWdvkhmX6V";
const AUTH_SECRET: &str = "SECRETsecret123";

struct Env {
    emulator: Emulator,
    http: reqwest::Client,
}

impl Env {
    async fn start() -> Self {
        Self::with(EmulatorConfig::default()).await
    }

    async fn with(config: EmulatorConfig) -> Self {
        // Plain reqwest clients need a process-wide provider in this workspace (see the transport docs).
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self {
            emulator: Emulator::start(config).await.unwrap(),
            http: reqwest::Client::new(),
        }
    }

    fn client(&self) -> connectycube::ConnectyCubeBuilder {
        ConnectyCube::builder(1, AUTH_KEY)
            .api_endpoint(self.emulator.url())
            .retry(RetryConfig {
                max_attempts: 3,
                base_delay: Duration::from_millis(5),
                max_delay: Duration::from_millis(50),
            })
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}/__emulator/{path}", self.emulator.url()));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert!(response.status().is_success(), "control {path}: {}", response.status());
        response.json().await.unwrap()
    }

    async fn advance(&self, secs: i64) {
        self.control(reqwest::Method::POST, "clock", Some(json!({"advance_secs": secs})))
            .await;
    }

    async fn fault(&self, rule: Value) {
        self.control(reqwest::Method::POST, "faults", Some(rule)).await;
    }

    async fn count(&self, route: &str) -> u64 {
        let stats = self.control(reqwest::Method::GET, "stats", None).await;
        stats["requests"][route].as_u64().unwrap_or(0)
    }
}

/// `n` concurrent `users().get(id)` calls, each in its own task; their results in order.
async fn concurrent_gets(cc: &ConnectyCube, id: u64, n: usize) -> Vec<connectycube::Result<connectycube::User>> {
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let cc = cc.clone();
            tokio::spawn(async move { cc.users().get(id).await })
        })
        .collect();
    let mut results = Vec::with_capacity(n);
    for call in calls {
        results.push(call.await.unwrap());
    }
    results
}

fn login() -> Credentials {
    Credentials::login("sessionuser", "password1")
}

/// A user session on a client that keeps its credentials; returns the user id.
async fn signed_in(cc: &ConnectyCube) -> u64 {
    let session = cc.auth().create_session(Some(login())).await.unwrap();
    session.user_id.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_calls_on_an_expired_session_make_one_post_session() {
    let env = Env::start().await;
    let cc = env.client().retain_credentials(true).build().unwrap();
    let me = signed_in(&cc).await;
    let old_token = cc.auth().token().unwrap();
    env.advance(2 * 3600 + 1).await;
    let before = env.count("POST /session").await;
    for result in concurrent_gets(&cc, me, 50).await {
        assert_eq!(result.unwrap().id, me);
    }
    assert_eq!(
        env.count("POST /session").await - before,
        1,
        "one renewal for fifty callers"
    );
    let session = cc.auth().active_session().unwrap();
    assert_ne!(session.token, old_token);
    assert_eq!(
        session.user_id,
        Some(me),
        "renewed as the same user, not an application session"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cancelled_leader_does_not_cancel_the_renewal_for_the_others() {
    let env = Env::start().await;
    let cc = env.client().retain_credentials(true).build().unwrap();
    let me = signed_in(&cc).await;
    env.advance(2 * 3600 + 1).await;
    env.fault(json!({"path_prefix": "/session", "method": "POST", "delay_ms": 400}))
        .await;
    let before = env.count("POST /session").await;
    let leader = {
        let cc = cc.clone();
        tokio::spawn(async move { cc.users().get(me).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await; // its 401 came back; the renewal waits on the delay
    leader.abort();
    assert!(leader.await.unwrap_err().is_cancelled());
    for result in concurrent_gets(&cc, me, 49).await {
        assert_eq!(result.unwrap().id, me);
    }
    assert_eq!(env.count("POST /session").await - before, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_renewal_fans_out_one_typed_error_without_a_storm() {
    let env = Env::start().await;
    let cc = env.client().retain_credentials(true).build().unwrap();
    let me = signed_in(&cc).await;
    env.advance(2 * 3600 + 1).await;
    env.fault(json!({"path_prefix": "/session", "method": "POST", "status": 503, "times": 100}))
        .await;
    let before = env.count("POST /session").await;
    for result in concurrent_gets(&cc, me, 20).await {
        let error = result.unwrap_err();
        assert_eq!(error.status(), Some(503), "{error:?}");
    }
    let posts = env.count("POST /session").await - before;
    assert!(
        posts <= 3,
        "bounded by the retry budget, not by the number of callers: {posts}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_application_session_never_replaces_a_user_session() {
    let env = Env::start().await;
    for round in 0..30 {
        let cc = env.client().build().unwrap();
        let app = {
            let cc = cc.clone();
            tokio::spawn(async move { cc.auth().create_session(None).await })
        };
        let user = {
            let cc = cc.clone();
            tokio::spawn(async move { cc.auth().create_session(Some(login())).await })
        };
        if round % 2 == 0 {
            tokio::task::yield_now().await;
        }
        app.await.unwrap().unwrap();
        user.await.unwrap().unwrap();
        assert!(cc.auth().active_session().unwrap().is_user_session(), "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_application_session_is_created_on_demand_once() {
    let env = Env::start().await;
    let creator = env.client().build().unwrap();
    let me = signed_in(&creator).await;
    let cc = env.client().build().unwrap();
    let before = env.count("POST /session").await;
    for result in concurrent_gets(&cc, me, 20).await {
        result.unwrap();
    }
    assert_eq!(env.count("POST /session").await - before, 1);
    assert!(!cc.auth().active_session().unwrap().is_user_session());
}

struct CountingRestore {
    calls: AtomicUsize,
    credentials: Option<Credentials>,
}

#[async_trait::async_trait]
impl SessionRestore for CountingRestore {
    async fn restore(&self) -> Option<Credentials> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.credentials.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_restore_hook_renews_an_expired_user_session_once() {
    let env = Env::start().await;
    let restore = Arc::new(CountingRestore {
        calls: AtomicUsize::new(0),
        credentials: Some(login()),
    });
    let cc = env.client().session_restore(restore.clone()).build().unwrap();
    let me = signed_in(&cc).await;
    env.advance(2 * 3600 + 1).await;
    for result in concurrent_gets(&cc, me, 10).await {
        result.unwrap();
    }
    assert_eq!(restore.calls.load(Ordering::SeqCst), 1);

    let giving_up = Arc::new(CountingRestore {
        calls: AtomicUsize::new(0),
        credentials: None,
    });
    let cc = env.client().session_restore(giving_up.clone()).build().unwrap();
    signed_in(&cc).await;
    env.advance(2 * 3600 + 1).await;
    assert_eq!(cc.users().get(me).await.unwrap_err(), Error::SessionExpired);
    assert_eq!(giving_up.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_way_to_renew_an_expired_user_session_is_session_expired() {
    let env = Env::start().await;
    // The app turned the kept sign-in off and gave no restore hook.
    let cc = env.client().retain_credentials(false).build().unwrap();
    let me = signed_in(&cc).await;
    env.advance(2 * 3600 + 1).await;
    let before = env.count("POST /session").await;
    assert_eq!(cc.users().get(me).await.unwrap_err(), Error::SessionExpired);
    assert_eq!(
        env.count("POST /session").await,
        before,
        "no silent downgrade to an application session"
    );
    // Signing in again works.
    cc.auth().create_session(Some(login())).await.unwrap();
    cc.users().get(me).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_token_is_renewed_once_and_the_call_replayed_once() {
    let env = Env::start().await;
    let creator = env.client().build().unwrap();
    let me = signed_in(&creator).await;
    let cc = env.client().build().unwrap();
    cc.auth()
        .set_session("0F726675CDA062035D7641DDEBE967B31BE9", None, None);
    assert_eq!(cc.users().get(me).await.unwrap().id, me);
    assert_eq!(env.count("GET /users/{id}").await, 2, "the 401, then the replay");

    // A server that keeps saying the session is gone: one renewal, one replay, then the error.
    let missing = json!({"errors": {"base": ["Required session does not exist"]}});
    env.fault(json!({"path_prefix": "/users", "method": "GET", "status": 401, "body": missing, "times": 10}))
        .await;
    let before_get = env.count("GET /users/{id}").await;
    let before_post = env.count("POST /session").await;
    assert_eq!(cc.users().get(me).await.unwrap_err(), Error::SessionExpired);
    assert_eq!(env.count("GET /users/{id}").await - before_get, 2);
    assert_eq!(env.count("POST /session").await - before_post, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_device_clock_costs_at_most_one_extra_signed_post_session() {
    for ahead in [false, true] {
        let env = Env::with(EmulatorConfig {
            require_signature: true,
            ..EmulatorConfig::default()
        })
        .await;
        let cc = env
            .client()
            .auth_secret(AUTH_SECRET)
            .device_clock_offset(Duration::from_secs(2 * 3600), ahead)
            .build()
            .unwrap();
        let session = cc.auth().create_session(Some(login())).await.unwrap();
        assert!(session.user_id.is_some());
        assert_eq!(
            env.count("POST /session").await,
            2,
            "ahead={ahead}: refused once, then corrected"
        );
        // The skew is known now: the next signed session takes one request.
        cc.auth().create_session(None).await.unwrap();
        assert_eq!(env.count("POST /session").await, 3);
    }
    // A correct clock signs right the first time; a wrong secret is not retried.
    let env = Env::with(EmulatorConfig {
        require_signature: true,
        ..EmulatorConfig::default()
    })
    .await;
    env.client()
        .auth_secret(AUTH_SECRET)
        .build()
        .unwrap()
        .auth()
        .create_session(None)
        .await
        .unwrap();
    assert_eq!(env.count("POST /session").await, 1);
    let wrong = env
        .client()
        .auth_secret("wrong")
        .build()
        .unwrap()
        .auth()
        .create_session(None)
        .await
        .unwrap_err();
    assert_eq!(wrong.messages(), ["Unexpected signature"]);
    assert_eq!(env.count("POST /session").await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_retry_matrix() {
    let env = Env::start().await;
    let cc = env.client().build().unwrap();
    let me = signed_in(&cc).await;
    let route = "GET /users/{id}";

    // Idempotent reads: retried on 503 up to the limit.
    env.fault(json!({"path_prefix": "/users", "method": "GET", "status": 503, "times": 2}))
        .await;
    let before = env.count(route).await;
    cc.users().get(me).await.unwrap();
    assert_eq!(env.count(route).await - before, 3);
    env.fault(json!({"path_prefix": "/users", "method": "GET", "status": 503, "times": 5}))
        .await;
    let before = env.count(route).await;
    assert_eq!(cc.users().get(me).await.unwrap_err().status(), Some(503));
    assert_eq!(env.count(route).await - before, 3);
    env.control(reqwest::Method::DELETE, "faults", None).await;
    // …and on dropped connections, and 429 honouring Retry-After.
    env.fault(json!({"path_prefix": "/users", "method": "GET", "drop": true, "times": 2}))
        .await;
    cc.users().get(me).await.unwrap();
    env.fault(json!({"path_prefix": "/users", "method": "GET", "status": 429, "headers": {"Retry-After": "0"}}))
        .await;
    cc.users().get(me).await.unwrap();

    // Not retried: other 4xx.
    let before = env.count(route).await;
    assert!(matches!(
        cc.users().get(999_999).await.unwrap_err(),
        Error::NotFound { .. }
    ));
    assert_eq!(env.count(route).await - before, 1);

    // Sign-up and password reset: never repeated once sent.
    for rule in [json!({"status": 503}), json!({"drop": true})] {
        let mut rule = rule;
        rule["path_prefix"] = json!("/users");
        rule["method"] = json!("POST");
        let dropped = rule.get("drop").is_some();
        env.fault(rule).await;
        let before = env.count("POST /users").await;
        let error = cc
            .users()
            .sign_up(NewUser::with_login("once_only", "password1"))
            .await
            .unwrap_err();
        if dropped {
            // The app can tell the server hung up mid-exchange (the account may exist).
            assert!(
                matches!(
                    &error,
                    Error::Network {
                        kind: NetworkErrorKind::Closed,
                        ..
                    }
                ),
                "{error:?}"
            );
        }
        assert_eq!(env.count("POST /users").await - before, 1);
        env.control(reqwest::Method::DELETE, "faults", None).await;
    }
    env.fault(json!({"path_prefix": "/users/password/reset", "status": 503}))
        .await;
    let before = env.count("GET /users/password/reset").await;
    assert!(cc.users().reset_password("someone@example.com").await.is_err());
    assert_eq!(env.count("GET /users/password/reset").await - before, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn timeouts_bound_attempts_and_operations() {
    let env = Env::start().await;
    let cc = env
        .client()
        .timeouts(Timeouts {
            connect: Duration::from_secs(2),
            attempt: Duration::from_millis(200),
            operation: Duration::from_millis(1500),
        })
        .build()
        .unwrap();
    let me = signed_in(&cc).await;
    env.fault(json!({"path_prefix": "/users", "method": "GET", "delay_ms": 5000, "times": 1}))
        .await;
    let started = Instant::now();
    cc.users().get(me).await.unwrap(); // the first attempt times out, the retry answers
    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "{:?}",
        started.elapsed()
    );
    env.fault(json!({"path_prefix": "/users", "method": "GET", "delay_ms": 5000, "times": 10}))
        .await;
    let started = Instant::now();
    assert_eq!(cc.users().get(me).await.unwrap_err(), Error::Timeout);
    assert!(
        started.elapsed() < Duration::from_millis(1600),
        "{:?}",
        started.elapsed()
    );
}

#[derive(Default)]
struct MemoryStore {
    saved: Mutex<Option<StoredSession>>,
    saves: AtomicUsize,
    clears: AtomicUsize,
}

impl SessionStore for MemoryStore {
    fn load(&self) -> Option<StoredSession> {
        self.saved.lock().clone()
    }
    fn save(&self, session: &StoredSession) {
        self.saves.fetch_add(1, Ordering::SeqCst);
        *self.saved.lock() = Some(session.clone());
    }
    fn clear(&self) {
        self.clears.fetch_add(1, Ordering::SeqCst);
        *self.saved.lock() = None;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_session_store_persists_and_resumes_without_a_network_call() {
    let env = Env::start().await;
    let store = Arc::new(MemoryStore::default());
    let cc = env.client().session_store(store.clone()).build().unwrap();
    let me = signed_in(&cc).await;
    assert_eq!(store.saves.load(Ordering::SeqCst), 1);
    let saved = store.load().unwrap();
    assert_eq!(saved.user_id, Some(me));
    assert!(saved.expires_at.is_some());
    assert!(
        !format!("{saved:?}").contains(saved.token.expose()),
        "Debug hides the token"
    );

    // A restart: the persisted session is used as it is.
    let before = env.count("POST /session").await;
    let restarted = env.client().session_store(store.clone()).build().unwrap();
    assert!(restarted.is_session_valid());
    assert_eq!(restarted.users().get(me).await.unwrap().id, me);
    assert_eq!(
        env.count("POST /session").await,
        before,
        "no new session on a cold start"
    );

    restarted.auth().destroy_session().await.unwrap();
    assert_eq!(store.clears.load(Ordering::SeqCst), 1);
    assert!(store.load().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn expiry_is_tracked_from_the_server_header() {
    let env = Env::start().await;
    let cc = env.client().build().unwrap();
    let me = signed_in(&cc).await;
    let first = cc.auth().active_session().unwrap().expires_at.unwrap();
    env.advance(3600).await;
    cc.users().get(me).await.unwrap();
    let extended = cc.auth().active_session().unwrap().expires_at.unwrap();
    let moved = (extended - first).whole_seconds();
    assert!((3590..=3610).contains(&moved), "sliding expiry moved by {moved} s");
    assert!(cc.is_session_valid());
}

/// The docs' promise: a password sign-in renews itself after the 2-hour expiry, with
/// nothing to opt into.
#[tokio::test(flavor = "multi_thread")]
async fn by_default_a_password_sign_in_renews_itself_after_expiry() {
    let env = Env::start().await;
    let cc = env.client().build().unwrap();
    let me = signed_in(&cc).await;
    env.advance(2 * 3600 + 1).await;
    let before = env.count("POST /session").await;
    assert_eq!(cc.users().get(me).await.unwrap().id, me);
    assert_eq!(env.count("POST /session").await - before, 1, "one renewal");
    assert_eq!(
        cc.auth().active_session().unwrap().user_id,
        Some(me),
        "still the user's"
    );
}

/// Tokens expire on their own: a token sign-in is not kept, and without a restore hook its
/// expiry is `SessionExpired`, never a sign-in with a stale token.
#[tokio::test(flavor = "multi_thread")]
async fn a_token_sign_in_is_not_kept_by_default() {
    let env = Env::start().await;
    env.control(
        reqwest::Method::POST,
        "identities",
        Some(json!({"provider": "custom", "token": "cidp-token-1", "uid": "ext-uid-1"})),
    )
    .await;
    let cc = env.client().build().unwrap();
    let session = cc
        .auth()
        .create_session(Some(Credentials::CustomIdentityProvider {
            token: "cidp-token-1".into(),
        }))
        .await
        .unwrap();
    env.advance(2 * 3600 + 1).await;
    let before = env.count("POST /session").await;
    assert_eq!(
        cc.users().get(session.user_id.unwrap()).await.unwrap_err(),
        Error::SessionExpired
    );
    assert_eq!(env.count("POST /session").await, before);
}

/// Signing out drops the kept sign-in: what follows is an application session.
#[tokio::test(flavor = "multi_thread")]
async fn signing_out_drops_the_kept_sign_in() {
    let env = Env::start().await;
    let cc = env.client().build().unwrap();
    let me = signed_in(&cc).await;
    cc.auth().sign_out().await.unwrap();
    env.advance(2 * 3600 + 1).await;
    assert_eq!(cc.users().get(me).await.unwrap().id, me);
    assert_eq!(cc.auth().active_session().unwrap().user_id, None, "not signed in again");
}

#[tokio::test(flavor = "multi_thread")]
async fn retained_credentials_follow_a_password_change() {
    let env = Env::start().await;
    let cc = env.client().retain_credentials(true).build().unwrap();
    signed_in(&cc).await;
    let change = connectycube::UserUpdate::default().change_password("password1", "password2");
    cc.users().update(change).await.unwrap();
    env.advance(3 * 3600).await;
    let website = connectycube::UserUpdate {
        fields: connectycube::UserFields {
            website: Some("https://example.com".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let user = cc.users().update(website).await.unwrap();
    assert_eq!(user.website.as_deref(), Some("https://example.com"));
}

#[tokio::test(flavor = "multi_thread")]
async fn dropping_a_call_closes_its_connection() {
    use tokio::io::AsyncReadExt;
    // A server that reads the request and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let cc = ConnectyCube::builder(1, AUTH_KEY).api_endpoint(url).build().unwrap();
    let call = tokio::spawn(async move { cc.auth().create_session(None).await });
    let (mut socket, _) = listener.accept().await.unwrap();
    let mut buffer = vec![0u8; 4096];
    let read = socket.read(&mut buffer).await.unwrap();
    assert!(String::from_utf8_lossy(&buffer[..read]).starts_with("POST /session"));
    call.abort();
    let started = Instant::now();
    let closed = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(_) => continue,
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the connection stayed open after the call was dropped");
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_never_answers_is_a_timeout_within_the_bound() {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Accept every connection, read, never answer.
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 4096];
                while matches!(socket.read(&mut buffer).await, Ok(n) if n > 0) {}
            });
        }
    });
    let cc = ConnectyCube::builder(1, AUTH_KEY)
        .api_endpoint(url)
        .timeouts(Timeouts {
            connect: Duration::from_secs(1),
            attempt: Duration::from_millis(300),
            operation: Duration::from_millis(800),
        })
        .retry(RetryConfig {
            max_attempts: 5,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
        })
        .build()
        .unwrap();
    let started = Instant::now();
    assert_eq!(cc.auth().create_session(None).await.unwrap_err(), Error::Timeout);
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(290) && elapsed < Duration::from_millis(1100),
        "{elapsed:?}"
    );
}
