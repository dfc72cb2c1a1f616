//! When the emulator saves to its data directory (`persist.rs` holds how): before a write's
//! answer goes out, once a second for what reads changed, and at shutdown.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::state::{App, AppState};

/// How soon a change made by a read (a session's sliding expiry) reaches the disk.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Saves the state on a blocking thread (fsync must not stall the async workers).
pub async fn save(app: &App) -> std::io::Result<()> {
    if app.persister.is_none() {
        return Ok(());
    }
    let app = app.clone();
    tokio::task::spawn_blocking(move || save_now(&app))
        .await
        .map_err(std::io::Error::other)?
}

fn save_now(app: &AppState) -> std::io::Result<()> {
    let Some(persister) = &app.persister else {
        return Ok(());
    };
    persister.save_with(|last_changes, last_clock_offset_ms| {
        let clock_offset_ms = app.clock.offset_ms();
        let store = app.store(app.clock.now());
        // Read under the store's lock: every change counted is in the copy, and no other.
        let changes = app.changes.load(Ordering::Relaxed);
        if changes == last_changes && clock_offset_ms == last_clock_offset_ms {
            return None;
        }
        Some((store.snapshot(), changes, clock_offset_ms))
    })
}

/// Whether a request's success must be on disk before it is answered: every method that
/// writes, and the one GET that does (a password reset fills the outbox).
pub fn request_writes(method: &hyper::Method, route: Option<&str>) -> bool {
    !matches!(
        *method,
        hyper::Method::GET | hyper::Method::HEAD | hyper::Method::OPTIONS
    ) || route == Some("/users/password/reset")
}

/// Saves before a write's answer goes out; a failed save answers 500 instead, as the
/// change is not durable.
pub async fn before_answering(app: &App, response: &mut axum::response::Response) {
    if let Err(error) = save(app).await {
        tracing::error!(%error, "cannot save the emulator's state to the data directory");
        *response = axum::response::IntoResponse::into_response(crate::error::ApiError::base(
            hyper::StatusCode::INTERNAL_SERVER_ERROR,
            format!("The emulator could not save its state: {error}"),
        ));
    }
}

/// Saves what reads changed, once a second, for as long as the emulator lives.
pub fn spawn_flusher(app: &App) {
    if app.persister.is_none() {
        return;
    }
    let app: Weak<AppState> = Arc::downgrade(app);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(FLUSH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(app) = app.upgrade() else { break };
            if let Err(error) = save(&app).await {
                tracing::error!(%error, "cannot save the emulator's state to the data directory");
            }
        }
    });
}
