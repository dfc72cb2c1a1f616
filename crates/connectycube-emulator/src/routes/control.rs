//! The test-control API under `/__emulator/` (`emulator-control.md`). Never needs a token.

use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use super::request::Req;
use crate::error::ApiError;
use crate::reply::Reply;
use crate::state::{App, ConnectionCounts, FaultRule};
use crate::store::Identity;
use crate::timefmt::iso_seconds;

fn body<T: for<'de> Deserialize<'de>>(req: &Req) -> Result<T, ApiError> {
    serde_json::from_value(Value::Object(req.params.0.clone()))
        .map_err(|e| ApiError::bad_request(format!("Invalid control request: {e}")))
}

pub async fn reset(State(app): State<App>) -> Reply {
    app.reset();
    Reply::ok(&json!({ "reset": true }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    advance_secs: i64,
}

pub async fn clock(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let Advance { advance_secs } = body(&req)?;
    let now = app
        .clock
        .advance(advance_secs)
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    Ok(Reply::ok(&json!({ "now": iso_seconds(now) })))
}

pub async fn now(State(app): State<App>) -> Reply {
    Reply::ok(&json!({ "now": iso_seconds(app.clock.now()) }))
}

pub async fn outbox(State(app): State<App>) -> Reply {
    let now = app.clock.now();
    Reply::ok(&app.store(now).outbox)
}

pub async fn add_fault(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let rule: FaultRule = body(&req)?;
    if !rule.path_prefix.starts_with('/') {
        return Err(ApiError::bad_request("path_prefix must start with '/'"));
    }
    if rule.status.is_none() && rule.delay_ms.is_none() && !rule.drop {
        return Err(ApiError::bad_request(
            "a fault needs at least one of status, delay_ms, drop",
        ));
    }
    // `StatusCode::from_u16` takes 100–999; an answer a client can read is 200–599.
    if rule.status.is_some_and(|s| !(200..=599).contains(&s)) {
        return Err(ApiError::bad_request(
            "status must be an HTTP status code from 200 to 599",
        ));
    }
    if rule.times == 0 {
        return Err(ApiError::bad_request("times must be at least 1"));
    }
    app.faults.lock().push(rule);
    Ok(Reply::ok(&json!({ "faults": app.faults.lock().len() })))
}

pub async fn clear_faults(State(app): State<App>) -> Reply {
    app.faults.lock().clear();
    Reply::ok(&json!({ "faults": 0 }))
}

pub async fn stats(State(app): State<App>) -> Reply {
    let requests = app.stats.lock().clone();
    let total: u64 = requests.values().sum();
    let counts = &app.connections;
    Reply::ok(&json!({
        "requests": requests,
        "total": total,
        "connections": ConnectionCounts::get(&counts.accepted),
        "tls_handshakes": {
            "completed": ConnectionCounts::get(&counts.tls_completed),
            "failed": ConnectionCounts::get(&counts.tls_failed),
        },
    }))
}

const PROVIDERS: &[&str] = &["facebook", "twitter", "firebase_phone", "firebase_email", "custom"];

pub async fn add_identity(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let identity: Identity = body(&req)?;
    if !PROVIDERS.contains(&identity.provider.as_str()) {
        return Err(ApiError::bad_request(format!(
            "provider must be one of {}",
            PROVIDERS.join(", ")
        )));
    }
    if identity.token.is_empty() || identity.uid.is_empty() {
        return Err(ApiError::bad_request("token and uid cannot be blank"));
    }
    let now = app.clock.now();
    let key = (identity.provider.clone(), identity.token.clone());
    app.store(now).identities.insert(key, identity);
    Ok(Reply::ok(&json!({ "registered": true })))
}

/// The app's settings, so tests started against an unknown emulator can sign requests;
/// the switches as they are now (`PATCH` changes them).
pub async fn config(State(app): State<App>) -> Reply {
    Reply::ok(&config_json(&app))
}

/// What `GET` and `PATCH /__emulator/config` answer.
pub fn config_json(app: &App) -> Value {
    let c = &app.config;
    let mut settings = json!({
        "app_id": c.app_id,
        "auth_key": c.auth_key,
        "auth_secret": c.auth_secret,
    });
    if let Some(settings) = settings.as_object_mut() {
        settings.extend(app.switches.to_json());
    }
    settings
}
