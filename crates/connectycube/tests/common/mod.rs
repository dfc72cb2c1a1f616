//! Shared harness of the SDK's integration tests: an in-process emulator on an ephemeral
//! port, SDK clients pointed at it, and a plain `reqwest` client for the emulator's
//! control API (`/__emulator/…`) and for raw requests that check what the server holds.
//! Every test crosses a real socket.
// Each test binary compiles this module and uses a different subset of the helpers.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, reason = "test harness: a panic is the test failing")]

pub mod users;

use std::sync::Arc;

use connectycube::ConnectyCube;
use connectycube_emulator::{Emulator, EmulatorConfig};
use serde_json::{Value, json};

pub const APP_ID: u64 = EmulatorConfig::DEFAULT_APP_ID;
pub const AUTH_KEY: &str = EmulatorConfig::DEFAULT_AUTH_KEY;

/// A running emulator and a raw HTTP client for it. Dropping it stops the emulator.
pub struct Harness {
    pub emulator: Emulator,
    pub http: reqwest::Client,
}

/// A raw answer: status and body (JSON `Null` when empty or not JSON).
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub json: Value,
    pub bytes: Vec<u8>,
}

impl Harness {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(configure: impl FnOnce(&mut EmulatorConfig)) -> Self {
        let mut config = EmulatorConfig::default();
        configure(&mut config);
        let emulator = Emulator::start(config).await.expect("the emulator starts");
        // reqwest is built with `rustls-no-provider` (the transport's choice): hand it a
        // TLS config, although everything here is plain HTTP on loopback.
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .unwrap();
        Self { emulator, http }
    }

    /// A fresh SDK client for the emulator's default app.
    pub fn client(&self) -> ConnectyCube {
        ConnectyCube::builder(APP_ID, AUTH_KEY)
            .api_endpoint(self.emulator.url())
            .build()
            .expect("the client builds")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.url())
    }

    /// A raw request; `token` goes into `CB-Token`, `body` as JSON.
    pub async fn raw(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Raw {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.header("CB-Token", token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        Self::read(request).await
    }

    /// GET of an absolute URL (file URLs the SDK built), without any header.
    pub async fn fetch(&self, url: &str) -> Raw {
        Self::read(self.http.get(url)).await
    }

    async fn read(request: reqwest::RequestBuilder) -> Raw {
        let response = request.send().await.expect("the request reaches the emulator");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("a body").to_vec();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Raw { status, json, bytes }
    }

    /// `POST /session` outside the SDK; `user` is the `user` object (or `None` for an app
    /// session). Returns the session object.
    pub async fn raw_session(&self, user: Option<Value>) -> Value {
        let mut body = json!({ "application_id": APP_ID, "auth_key": AUTH_KEY });
        if let Some(user) = user {
            body["user"] = user;
        }
        let answer = self.raw("POST", "/session", None, Some(body)).await;
        assert_eq!(answer.status, 201, "raw POST /session: {:?}", answer.json);
        answer.json["session"].clone()
    }

    /// A user session by login created outside the SDK (the user is created on the fly):
    /// (token, session id, user id).
    pub async fn raw_login(&self, login: &str, password: &str) -> (String, u64, u64) {
        let session = self
            .raw_session(Some(json!({ "login": login, "password": password })))
            .await;
        (
            session["token"].as_str().unwrap().to_owned(),
            session["id"].as_u64().unwrap(),
            session["user_id"].as_u64().unwrap(),
        )
    }

    /// Whether the server still accepts `token` (`GET /session` with it).
    pub async fn token_alive(&self, token: &str) -> bool {
        self.raw("GET", "/session", Some(token), None).await.status == 200
    }

    /// A control call; panics unless it answers 200.
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let answer = self.raw(method, &format!("/__emulator/{path}"), None, body).await;
        assert_eq!(answer.status, 200, "control call {path} failed: {:?}", answer.json);
        answer.json
    }

    /// `POST /__emulator/identities`.
    pub async fn register_identity(&self, identity: Value) {
        self.control("POST", "identities", Some(identity)).await;
    }

    /// Moves the emulator's clock (sessions expire by it).
    pub async fn advance_clock(&self, secs: i64) {
        self.control("POST", "clock", Some(json!({ "advance_secs": secs })))
            .await;
    }

    /// `{"POST /session": 3, …}` since the start (or the last reset).
    pub async fn stats(&self) -> Value {
        self.control("GET", "stats", None).await["requests"].clone()
    }

    /// How many requests the route (`"POST /session"`, `"GET /users/{id}"`) has seen.
    pub async fn count(&self, route: &str) -> u64 {
        self.stats().await[route].as_u64().unwrap_or(0)
    }

    /// Every API request the emulator has seen (control calls excluded).
    pub async fn total_requests(&self) -> u64 {
        self.control("GET", "stats", None).await["total"].as_u64().unwrap_or(0)
    }

    /// Password-reset mails, oldest first.
    pub async fn outbox(&self) -> Vec<Value> {
        self.control("GET", "outbox", None)
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}
