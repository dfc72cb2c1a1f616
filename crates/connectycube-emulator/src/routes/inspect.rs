//! The control API's inspection views under `/__emulator/` — users, sessions, blobs and
//! their bytes, fault rules — and the run-time switches (`PATCH /__emulator/config`).
//! The web page (`ui.rs`) is built on these; scripts may use them too.
//!
//! Nothing here returns a password (the store keeps only salted hashes) or a whole
//! session token: a token is shown by its first characters only, see [`masked_token`].

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use hyper::{StatusCode, header};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::control::config_json;
use super::request::{Req, Segment};
use crate::error::ApiError;
use crate::reply::Reply;
use crate::state::App;
use crate::store::{Session, User};
use crate::timefmt::{iso_millis, iso_seconds};

/// Users per page of `GET /__emulator/users` unless `per_page` says otherwise.
const DEFAULT_PER_PAGE: usize = 20;
const MAX_PER_PAGE: usize = 100;
/// Characters of a session token the views show.
const TOKEN_SHOWN_CHARS: usize = 4;

/// Refuses parameters a view does not take, so a typo is a clear 400, not ignored.
fn only_params(req: &Req, allowed: &[&str]) -> Result<(), ApiError> {
    match req.params.0.keys().find(|key| !allowed.contains(&key.as_str())) {
        None => Ok(()),
        Some(key) if allowed.is_empty() => Err(ApiError::bad_request(format!(
            "unknown parameter '{key}': this view takes none"
        ))),
        Some(key) => Err(ApiError::bad_request(format!(
            "unknown parameter '{key}'; known: {}",
            allowed.join(", ")
        ))),
    }
}

/// A positive integer parameter, or its default when absent.
fn count_param(req: &Req, key: &str, default: usize, max: usize) -> Result<usize, ApiError> {
    let Some(text) = req.params.text(key) else {
        return Ok(default);
    };
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::bad_request(format!(
            "{key} must be an integer from 1 to {max}"
        ))),
    }
}

/// `PATCH /__emulator/config {"deny_users_v1_list": true, …}`: flips admin-panel
/// switches at run time, all or none; answers the settings as `GET` does.
pub async fn patch_config(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    app.switches
        .apply(&req.params.0)
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
    Ok(Reply::ok(&config_json(&app)))
}

/// Whether a user matches the page's search box: a case-insensitive part of the login,
/// email or full name, or the exact id.
fn matches(user: &User, needle: &str) -> bool {
    if needle.parse::<i64>().is_ok_and(|id| id == user.id) {
        return true;
    }
    [&user.login, &user.email, &user.full_name]
        .into_iter()
        .flatten()
        .any(|text| text.to_lowercase().contains(needle))
}

/// `GET /__emulator/users?q=&page=&per_page=`: live users, newest first, as the API
/// writes them, with the total for paging.
pub async fn users(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    only_params(&req, &["q", "page", "per_page"])?;
    let per_page = count_param(&req, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)?;
    let page = count_param(&req, "page", 1, usize::MAX)?;
    let needle = req.params.text("q").unwrap_or_default().trim().to_lowercase();
    let now = app.clock.now();
    let store = app.store(now);
    let mut found: Vec<&User> = store
        .users(now)
        .into_iter()
        .filter(|user| needle.is_empty() || matches(user, &needle))
        .collect();
    found.reverse();
    let shown: Vec<_> = found
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|user| user.view())
        .collect();
    Ok(Reply::ok(&json!({
        "total": found.len(),
        "page": page,
        "per_page": per_page,
        "users": shown,
    })))
}

/// What the views show of a session token: its first characters, enough to tell sessions
/// apart and to match one against a token in an app's log, never enough to use it. The
/// page is a screen others may see (a screenshot, a shared screen, a bug report), and the
/// control API has no authentication: the whole token stays with whoever created it.
pub fn masked_token(token: &str) -> String {
    let shown: String = token.chars().take(TOKEN_SHOWN_CHARS).collect();
    format!("{shown}…")
}

fn session_json(session: &Session, user: Option<&User>, now: OffsetDateTime) -> Value {
    let kind = match (session.user_id, session.guest) {
        (None, _) => "application",
        (Some(_), true) => "guest",
        (Some(_), false) => "user",
    };
    json!({
        "id": session.id,
        "token": masked_token(&session.token),
        "kind": kind,
        "user_id": session.user_id,
        "login": user.and_then(|u| u.login.as_deref()),
        "full_name": user.and_then(|u| u.full_name.as_deref()),
        "created_at": iso_millis(session.created_at),
        "expires_at": iso_millis(session.expires_at),
        "expired": session.expires_at <= now,
    })
}

/// `GET /__emulator/sessions`: every session, newest first, with its expiry in the
/// virtual clock. An expired session stays listed (`"expired": true`) until the
/// once-a-minute sweep of the next API request removes it.
pub async fn sessions(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    only_params(&req, &[])?;
    let now = app.clock.now();
    let store = app.store_unswept();
    let mut sessions: Vec<&Session> = store.all_sessions().collect();
    sessions.sort_unstable_by_key(|s| std::cmp::Reverse(s.id));
    let items: Vec<Value> = sessions
        .into_iter()
        .map(|s| session_json(s, s.user_id.and_then(|id| store.any_user(id)), now))
        .collect();
    Ok(Reply::ok(&json!({ "now": iso_millis(now), "sessions": items })))
}

fn bytes_path(id: i64) -> String {
    format!("/__emulator/blobs/{id}/bytes")
}

/// `GET /__emulator/blobs`: every blob, newest first, with its owner, the users whose
/// avatar it is, and where its bytes are once uploaded.
pub async fn blobs(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    only_params(&req, &[])?;
    let now = app.clock.now();
    let store = app.store(now);
    let users = store.users(now);
    let mut blobs: Vec<_> = store.all_blobs().collect();
    blobs.sort_unstable_by_key(|b| std::cmp::Reverse(b.id));
    let items: Vec<Value> = blobs
        .into_iter()
        .map(|blob| {
            let avatar_of: Vec<i64> = users
                .iter()
                .filter(|u| u.blob_id == Some(blob.id))
                .map(|u| u.id)
                .collect();
            json!({
                "id": blob.id,
                "uid": blob.uid,
                "name": blob.name,
                "content_type": blob.content_type,
                "size": blob.data.as_ref().map(|d| d.len()),
                "public": blob.public,
                "completed": blob.completed,
                "owner_id": blob.owner,
                "owner_login": store.user(blob.owner, now).and_then(|u| u.login.as_deref()),
                "avatar_of": avatar_of,
                "created_at": iso_seconds(blob.created_at),
                "bytes_url": blob.data.as_ref().map(|_| bytes_path(blob.id)),
            })
        })
        .collect();
    Ok(Reply::ok(&json!({ "blobs": items })))
}

/// `GET /__emulator/blobs/{id}/bytes`: the uploaded bytes with their content type, for the
/// page's previews. Sandboxed and never sniffed: an uploaded HTML or SVG file must not run
/// script in the page's origin, which can reach the whole control API.
pub async fn blob_bytes(State(app): State<App>, Segment(id): Segment) -> Result<Response, ApiError> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::bad_request(format!("blob id must be an integer, not '{id}'")))?;
    let now = app.clock.now();
    let store = app.store(now);
    let blob = store
        .blob(id)
        .ok_or_else(|| ApiError::not_found(format!("Blob {id} not found")))?;
    let data = blob
        .data
        .clone()
        .ok_or_else(|| ApiError::not_found(format!("Blob {id} has no uploaded bytes yet")))?;
    let content_type = header::HeaderValue::try_from(blob.content_type.as_str())
        .unwrap_or(header::HeaderValue::from_static("application/octet-stream"));
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                header::HeaderValue::from_static("nosniff"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                header::HeaderValue::from_static("sandbox"),
            ),
            (header::CACHE_CONTROL, header::HeaderValue::from_static("no-store")),
        ],
        data,
    )
        .into_response())
}

/// `GET /__emulator/faults`: the fault rules still armed, in the order they match.
pub async fn faults(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    only_params(&req, &[])?;
    let rules: Vec<Value> = app
        .faults
        .lock()
        .iter()
        .map(|rule| {
            json!({
                "path_prefix": rule.path_prefix,
                "method": rule.method,
                "times": rule.times,
                "status": rule.status,
                "delay_ms": rule.delay_ms,
                "drop": rule.drop,
                "body": rule.body,
                "headers": rule.headers,
            })
        })
        .collect();
    Ok(Reply::ok(&json!({ "faults": rules })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_token_keeps_four_characters() {
        assert_eq!(masked_token("0A1B2C3D4E5F"), "0A1B…");
        assert_eq!(masked_token("AB"), "AB…");
    }
}
