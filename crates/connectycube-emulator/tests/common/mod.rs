//! Test harness: an in-process emulator on an ephemeral port and a plain HTTP client,
//! so every test crosses a real socket.
#![allow(dead_code)] // each test binary uses a different subset of these helpers

use connectycube_emulator::{Emulator, EmulatorConfig};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

pub const APP_ID: u64 = EmulatorConfig::DEFAULT_APP_ID;
pub const AUTH_KEY: &str = EmulatorConfig::DEFAULT_AUTH_KEY;
pub const AUTH_SECRET: &str = EmulatorConfig::DEFAULT_AUTH_SECRET;

/// Workspace builds compile reqwest with `rustls-no-provider` (the SDK's choice): a plain
/// `reqwest::Client` then needs a process-wide crypto provider. Installing it twice is harmless.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub struct Server {
    pub emulator: Emulator,
    pub http: reqwest::Client,
}

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    /// The body as JSON; `Null` when empty or not JSON.
    pub json: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        self
    }
}

pub async fn start() -> Server {
    start_with(|_| {}).await
}

pub async fn start_with(configure: impl FnOnce(&mut EmulatorConfig)) -> Server {
    install_crypto_provider();
    let mut config = EmulatorConfig::default();
    configure(&mut config);
    let emulator = Emulator::start(config).await.expect("emulator starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    Server { emulator, http }
}

/// An emulator serving HTTPS with `pki`'s certificate, and a client that trusts its CA.
pub async fn start_https(pki: &connectycube_emulator::TestPki) -> Server {
    start_https_with(pki, |_| {}).await
}

pub async fn start_https_with(
    pki: &connectycube_emulator::TestPki,
    configure: impl FnOnce(&mut EmulatorConfig),
) -> Server {
    let mut server = start_with(|config| {
        config.tls = Some(pki.server.clone());
        configure(config);
    })
    .await;
    server.http = https_client(&pki.ca_cert_pem);
    server
}

/// A client that trusts only the CA in `ca_pem` (and follows no redirects).
pub fn https_client(ca_pem: &str) -> reqwest::Client {
    install_crypto_provider();
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("CA PEM");
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .tls_certs_only([ca])
        .build()
        .expect("client")
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.url())
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Resp {
        let response = request.send().await.expect("request reaches the emulator");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            text,
            json,
        }
    }

    /// A JSON call; `token` goes into `CB-Token`.
    pub async fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Resp {
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.header("CB-Token", token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call("GET", path, Some(token), None).await
    }

    /// `POST /session` with the app's credentials merged into `extra`.
    pub async fn create_session(&self, extra: Value) -> Resp {
        let mut body = json!({ "application_id": APP_ID, "auth_key": AUTH_KEY });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        self.call("POST", "/session", None, Some(body)).await
    }

    pub async fn app_session(&self) -> String {
        let resp = self.create_session(json!({})).await.expect(201);
        resp.json["session"]["token"].as_str().expect("token").to_owned()
    }

    /// A user session (the user is created on the fly); returns (token, user id).
    pub async fn user_session(&self, login: &str, password: &str) -> (String, i64) {
        let resp = self
            .create_session(json!({ "user": { "login": login, "password": password } }))
            .await
            .expect(201);
        let token = resp.json["session"]["token"].as_str().expect("token").to_owned();
        let id = resp.json["session"]["user_id"].as_i64().expect("user id");
        (token, id)
    }

    pub async fn sign_up(&self, token: &str, user: Value) -> Value {
        let resp = self
            .call("POST", "/users", Some(token), Some(json!({ "user": user })))
            .await
            .expect(201);
        resp.json["user"].clone()
    }

    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let resp = self.call(method, &format!("/__emulator/{path}"), None, body).await;
        assert_eq!(resp.status, 200, "control call {path} failed: {}", resp.text);
        resp.json
    }

    pub async fn advance_clock(&self, secs: i64) {
        self.control("POST", "clock", Some(json!({ "advance_secs": secs })))
            .await;
    }

    pub async fn stat(&self, route: &str) -> u64 {
        let stats = self.control("GET", "stats", None).await;
        stats["requests"][route].as_u64().unwrap_or(0)
    }
}

/// `{"errors":{"base":["Required session does not exist"]}}`, byte for byte what the JS
/// SDK's session-expired hook matches.
pub fn session_missing() -> Value {
    json!({ "errors": { "base": ["Required session does not exist"] } })
}
