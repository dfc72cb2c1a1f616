//! What the examples share: an emulator started in this process, a client builder pointed
//! at it, the few calls of its control API (`/__emulator/…`) an example uses to show what
//! happened on the server side, and a `main` that turns an error into a failed exit.
//!
//! The emulator comes from the `connectycube-emulator` crate (a dev-dependency here), so
//! `cargo run -p connectycube --example NAME` needs nothing running beforehand. In an app,
//! `ConnectyCube::builder(app_id, auth_key)` alone targets `https://api.connectycube.com`.

#![allow(dead_code, reason = "each example uses a part of this module")]

pub mod sample_png;

use std::error::Error as StdError;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use connectycube::{ConnectyCube, ConnectyCubeBuilder};
use connectycube_emulator::{Emulator, EmulatorConfig};
use connectycube_transport::{
    HttpRequest, HttpResponse, Method, RequestBody, ReqwestTransport, Transport, TransportConfig, redact_url,
};
use serde_json::Value;

/// Any error, with its causes.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// An in-process emulator and a plain HTTP client for its control API.
pub struct Playground {
    emulator: Emulator,
    http: ReqwestTransport,
}

impl Playground {
    /// Starts an emulator on a free loopback port, with its default application.
    pub async fn start() -> Result<Self, BoxError> {
        let emulator = Emulator::start(EmulatorConfig::default())
            .await
            .map_err(|e| format!("could not start the emulator: {e}"))?;
        let http = ReqwestTransport::new(TransportConfig::default())?;
        Ok(Self { emulator, http })
    }

    /// The emulator's address, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        self.emulator.url()
    }

    /// A client builder for the emulator's application: the same builder an app starts from,
    /// with the endpoint pointed at the emulator.
    pub fn builder(&self) -> ConnectyCubeBuilder {
        let config = self.emulator.config();
        ConnectyCube::builder(config.app_id, config.auth_key.as_str()).api_endpoint(self.url())
    }

    /// A GET of any address (a blob's download URL, a control route), answered in full.
    pub async fn get(&self, url: &str) -> Result<HttpResponse, BoxError> {
        let response = self.http.send(HttpRequest::new(Method::GET, url)).await?;
        if !response.status.is_success() {
            // A download address carries the session token: it is printed redacted.
            return Err(format!("GET {} answered {}", redact_url(url), response.status).into());
        }
        Ok(response)
    }

    /// One call of the control API, its JSON answer.
    async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value, BoxError> {
        let mut request = HttpRequest::new(method.clone(), format!("{}{path}", self.url()));
        if let Some(body) = body {
            request.body = RequestBody::Json(Bytes::from(serde_json::to_vec(&body)?));
        }
        let response = self.http.send(request).await?;
        if !response.status.is_success() {
            return Err(format!("{method} {path} answered {}", response.status).into());
        }
        Ok(serde_json::from_slice(&response.body)?)
    }

    /// Moves the emulator's clock forward (sessions expire by it); returns its new time.
    pub async fn advance_clock(&self, secs: u64) -> Result<String, BoxError> {
        let answer = self
            .control(
                Method::POST,
                "/__emulator/clock",
                Some(serde_json::json!({ "advance_secs": secs })),
            )
            .await?;
        Ok(answer["now"].as_str().unwrap_or("?").to_owned())
    }

    /// How many requests the emulator has answered on a route, e.g. `POST /session`.
    pub async fn requests_to(&self, route: &str) -> Result<u64, BoxError> {
        let stats = self.control(Method::GET, "/__emulator/stats", None).await?;
        Ok(stats["requests"][route].as_u64().unwrap_or(0))
    }

    /// Stops the emulator.
    pub async fn shutdown(self) {
        self.emulator.shutdown().await;
    }

    /// Starts an emulator, runs `example` against it, and stops it whatever the outcome.
    pub async fn run_example(example: impl AsyncFnOnce(&Playground) -> Result<(), BoxError>) -> Result<(), BoxError> {
        let emulator = Playground::start().await?;
        println!("emulator    {}", emulator.url());
        let result = example(&emulator).await;
        emulator.shutdown().await;
        result
    }
}

/// Fails with `message` when `condition` is false: what makes each example a test.
pub fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), BoxError> {
    if condition { Ok(()) } else { Err(message().into()) }
}

/// A suffix that keeps the logins of separate runs apart.
pub fn unique_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{:x}{:x}", nanos % 0xFFFF_FFFF_FFFF, std::process::id())
}

/// The process's exit: success, or the error and its causes on stderr and a failure code.
pub fn exit_code(example: &str, result: Result<(), BoxError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{example} failed: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}
