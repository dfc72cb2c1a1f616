//! Restore a saved session at start: the first run signs in and the SDK saves the session
//! through the app's [`SessionStore`]; the next run builds its client from the saved state
//! and is signed in at once, without a new `POST /session` (no password needed).
//!
//! ```sh
//! cargo run -p connectycube --example restore_session
//! ```
//!
//! The store here is a JSON file, readable by its owner only. A real app keeps the token
//! where it keeps secrets (the keychain, encrypted preferences): it signs requests as
//! the user until it expires.

#![allow(clippy::print_stdout, reason = "an example prints its steps")]

mod common;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use common::{BoxError, Playground, ensure, unique_suffix};
use connectycube::{
    AuthChangeReason, AuthStateKind, Credentials, NewUser, RequestEvent, SessionStore, StoredSession, UserFields,
    UserUpdate,
};
use serde_json::json;
use time::OffsetDateTime;

/// Saves the session as `{"token", "expires_at" (Unix seconds), "user_id"}`.
struct FileStore {
    path: PathBuf,
}

impl FileStore {
    fn read(&self) -> Result<Option<StoredSession>, BoxError> {
        let text = match std::fs::read(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let saved: serde_json::Value = serde_json::from_slice(&text)?;
        let token = saved["token"].as_str().ok_or("the saved session has no token")?;
        let expires_at = match saved["expires_at"].as_i64() {
            Some(secs) => Some(OffsetDateTime::from_unix_timestamp(secs)?),
            None => None,
        };
        Ok(Some(StoredSession {
            token: token.into(),
            expires_at,
            user_id: saved["user_id"].as_u64(),
        }))
    }

    fn write(&self, session: &StoredSession) -> Result<(), BoxError> {
        let saved = json!({
            "token": session.token.expose(),
            "expires_at": session.expires_at.map(OffsetDateTime::unix_timestamp),
            "user_id": session.user_id,
        });
        // Written beside, then renamed over: a crash never leaves half a file.
        let partial = self.path.with_extension("partial");
        write_private(&partial, &serde_json::to_vec(&saved)?)?;
        std::fs::rename(&partial, &self.path)?;
        Ok(())
    }
}

/// The SDK calls these from its own tasks and cannot act on a failure, so a failure is
/// reported here: the worst outcome is signing in again at the next start.
impl SessionStore for FileStore {
    fn load(&self) -> Option<StoredSession> {
        self.read()
            .inspect_err(|e| eprintln!("could not read the saved session: {e}"))
            .ok()
            .flatten()
    }

    fn save(&self, session: &StoredSession) {
        if let Err(e) = self.write(session) {
            eprintln!("could not save the session: {e}");
        }
    }

    fn clear(&self) {
        if let Err(e) = std::fs::remove_file(&self.path)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            eprintln!("could not remove the saved session: {e}");
        }
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

async fn run(emulator: &Playground, saved_at: &Path) -> Result<(), BoxError> {
    let suffix = unique_suffix();
    let login = format!("restore_{suffix}");
    let password = format!("pwd-{suffix}");
    let store = || {
        Arc::new(FileStore {
            path: saved_at.to_owned(),
        })
    };

    // First run: sign up and sign in. The SDK hands the new session to the store.
    let first_run = emulator.builder().session_store(store()).build()?;
    let me = first_run
        .users()
        .sign_up(NewUser::with_login(&login, password.as_str()))
        .await?
        .id;
    first_run
        .auth()
        .create_session(Some(Credentials::login(&login, password.as_str())))
        .await?;
    ensure(saved_at.exists(), || "signing in saved nothing".into())?;
    println!(
        "first run   signed in as user {me}; session saved to {}",
        saved_at.display()
    );
    drop(first_run); // the app quits

    // Next start: the client loads the saved session when it is built.
    let sessions_before = emulator.requests_to("POST /session").await?;
    let routes = Arc::new(Mutex::new(Vec::new()));
    let heard = routes.clone();
    let next_run = emulator
        .builder()
        .session_store(store())
        .request_observer(move |event: &RequestEvent| {
            if let Ok(mut routes) = heard.lock() {
                routes.push(event.method_and_route());
            }
        })
        .build()?;
    let state = next_run.auth().state();
    println!("next run    state at start: {:?}, user {:?}", state.kind, state.user_id);
    ensure(
        state.kind == AuthStateKind::Restoring && state.user_id == Some(me),
        || format!("the saved session was not loaded: {state:?}"),
    )?;

    // A call only a signed-in user may make; its answer confirms the saved session.
    let mut states = next_run.auth().states();
    let update = UserUpdate {
        fields: UserFields {
            full_name: Some("Restored Session".into()),
            ..UserFields::default()
        },
        ..UserUpdate::default()
    };
    let updated = next_run.users().update(update).await?;
    let confirmed = std::iter::from_fn(|| states.try_next()).last();
    let sessions_after = emulator.requests_to("POST /session").await?;
    let sent = routes.lock().map(|r| r.clone()).unwrap_or_default();
    println!(
        "next run    updated user {} ({:?}) with requests {sent:?}",
        updated.id,
        updated.full_name.as_deref().unwrap_or("")
    );
    println!(
        "next run    state now: {:?}; POST /session on the server: {sessions_before} before, {sessions_after} after",
        confirmed.as_ref().map(|s| (s.kind, s.reason))
    );
    ensure(updated.id == me, || {
        format!("the update changed user {}, not {me}", updated.id)
    })?;
    ensure(sessions_after == sessions_before, || {
        format!("{} new POST /session", sessions_after - sessions_before)
    })?;
    ensure(sent == ["PUT /users/{id}"], || format!("the next run sent {sent:?}"))?;
    ensure(
        confirmed.is_some_and(|s| s.kind == AuthStateKind::SignedIn && s.reason == AuthChangeReason::Restored),
        || "the state did not become SignedIn (Restored)".into(),
    )?;

    // Ending the session clears the store: the start after this one signs in afresh.
    next_run.auth().destroy_session().await?;
    println!("next run    session destroyed; saved file left: {}", saved_at.exists());
    ensure(!saved_at.exists(), || "destroying the session left it saved".into())?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let saved_at = std::env::temp_dir().join(format!("connectycube-session-{}.json", std::process::id()));
    let result = Playground::run_example(async |emulator| run(emulator, &saved_at).await).await;
    // Whatever happened, the example leaves no token behind.
    let _ = std::fs::remove_file(&saved_at);
    common::exit_code("restore_session", result)
}
