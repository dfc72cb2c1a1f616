//! Every export of the FFI crate against an in-process emulator, in Rust: what Swift, Kotlin
//! and Python get is decided here, so it is checked here once; each language's own suite
//! keeps what is about its idiom (threads, callbacks, cancellation, overloads, packaging).
//!
//! The crate builds no Rust library (see its Cargo.toml), so this suite is compiled into
//! the crate's unit-test binary (`src/lib.rs` includes it) rather than as `tests/*.rs`.
//! `ConnectyCube()` is one shared instance per process, as in the apps: the tests take
//! turns (`Turn`), each with its own emulator and a fresh `doInit`.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing, with its message")]

mod auth_state;
mod error_advice;
mod errors;
mod logging;
mod observer;
mod sessions;
mod storage;
mod users;

use std::sync::Arc;

use connectycube_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{Mutex, MutexGuard};

use crate::{ConnectyCube, ConnectycubeConfig, ConnectycubeUser};

pub(crate) const PASSWORD: &str = "supersecurepwd";

/// What a foreign listener or observer heard, in order; with `throw`, it fails every call
/// after recording, as one that throws would.
pub(crate) struct Recorder<T> {
    heard: parking_lot::Mutex<Vec<T>>,
    throw: bool,
}

impl<T> Default for Recorder<T> {
    fn default() -> Self {
        Self {
            heard: parking_lot::Mutex::new(Vec::new()),
            throw: false,
        }
    }
}

impl<T: Clone> Recorder<T> {
    pub fn throwing() -> Self {
        Self {
            throw: true,
            ..Self::default()
        }
    }

    /// The foreign callback's body: records the item, then succeeds or throws.
    pub fn record(&self, item: T, what: &str) -> Result<(), crate::CallbackError> {
        self.heard.lock().push(item);
        if self.throw {
            return Err(crate::CallbackError::Failed {
                reason: format!("the app's {what} threw"),
            });
        }
        Ok(())
    }

    /// What was heard once `count` items have arrived (or after 10 s). Waits without
    /// blocking: the callbacks are fed by tasks of the test's runtime.
    pub async fn wait_for(&self, count: usize) -> Vec<T> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.heard.lock().len() < count && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        self.heard.lock().clone()
    }

    pub fn heard(&self) -> Vec<T> {
        self.heard.lock().clone()
    }
}

/// Held by every test that drives the shared `ConnectyCube()` (`export_properties.rs` too).
pub(crate) static TURN: Mutex<()> = Mutex::const_new(());

/// One test's emulator and the shared `ConnectyCube()` pointed at it.
pub(crate) struct Turn {
    pub emulator: Emulator,
    pub cube: Arc<ConnectyCube>,
    _turn: MutexGuard<'static, ()>,
}

impl Turn {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// With the app's settings changed (the admin panel's switches).
    pub async fn start_with(configure: impl FnOnce(&mut EmulatorConfig)) -> Self {
        let turn = TURN.lock().await;
        let mut settings = EmulatorConfig::default();
        configure(&mut settings);
        let emulator = Emulator::start(settings).await.unwrap();
        let cube = ConnectyCube::new();
        cube.set_session_persistence(None);
        cube.set_session_restore_handler(None);
        cube.set_request_observer(None);
        let turn = Self {
            emulator,
            cube,
            _turn: turn,
        };
        turn.init(false);
        turn
    }

    /// `doInit` again with the emulator's app (a new client), the password sign-in kept to
    /// renew the session or not.
    pub fn init(&self, retain_credentials: bool) {
        self.cube
            .do_init(
                EmulatorConfig::DEFAULT_APP_ID.to_string(),
                EmulatorConfig::DEFAULT_AUTH_KEY.to_owned(),
                Some(ConnectycubeConfig {
                    retain_credentials,
                    ..config(self.emulator.url())
                }),
            )
            .unwrap();
    }

    /// Signs a user up (no session needed) and returns it.
    pub async fn sign_up(&self, login: &str) -> ConnectycubeUser {
        self.cube.sign_up(user(login, PASSWORD)).await.unwrap()
    }

    /// Signs a user up and opens a session for it.
    pub async fn signed_in(&self, login: &str) -> ConnectycubeUser {
        let created = self.sign_up(login).await;
        self.cube.create_session(Some(user(login, PASSWORD))).await.unwrap();
        created
    }

    /// A control call (`/__emulator/{path}`) or a plain GET of the emulator, as JSON.
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, bytes) = self.http(method, &format!("/__emulator/{path}"), body).await;
        assert!(status < 300, "{method} {path}: {status}");
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }

    /// Requests counted by the emulator since it started.
    pub async fn requests(&self) -> u64 {
        self.control("GET", "stats", None).await["total"].as_u64().unwrap()
    }

    /// A bare HTTP/1.1 request to the emulator: status and body. `path` may be a full URL
    /// of the emulator.
    pub async fn http(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Vec<u8>) {
        let path = path.strip_prefix(self.emulator.url()).unwrap_or(path);
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut stream = tokio::net::TcpStream::connect(self.emulator.local_addr())
            .await
            .unwrap();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(body.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&answer[..split]).to_string();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let mut content = answer[split + 4..].to_vec();
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            content = unchunk(&content);
        }
        (status, content)
    }
}

fn unchunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&body[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 4 + size..];
    }
    out
}

pub(crate) fn config(api_endpoint: &str) -> ConnectycubeConfig {
    ConnectycubeConfig {
        api_endpoint: api_endpoint.to_owned(),
        chat_endpoint: "chat.connectycube.com".into(),
        retain_credentials: false,
        trusted_root_certificates: vec![],
        certificate_pins: vec![],
        max_response_bytes: 4 * 1024 * 1024,
    }
}

pub(crate) fn user(login: &str, password: &str) -> ConnectycubeUser {
    ConnectycubeUser {
        login: Some(login.to_owned()),
        password: Some(password.to_owned()),
        ..Default::default()
    }
}
