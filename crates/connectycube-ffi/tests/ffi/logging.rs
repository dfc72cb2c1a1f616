//! Logs through `ConnectycubeSettings` and a logger the app sets, as every language gets
//! them: a full flow with canary secrets (auth key, auth secret, passwords, and every session
//! token the flow saw) at the most verbose level logs what an app developer follows and no
//! secret; with debug off nothing is queued; `Info` keeps the session's life and drops the
//! requests; a logger that calls back into the SDK, or throws, does not stop it; turning
//! debug off hands over the queued lines first.

use std::sync::Arc;
use std::time::{Duration, Instant};

use connectycube_emulator::{Emulator, EmulatorConfig};
use parking_lot::Mutex;
use serde_json::json;

use super::{TURN, Turn, config, user};
use crate::logging::counts;
use crate::{
    CallbackError, ConnectyCube, ConnectycubeConfig, ConnectycubeLogLevel as Level, ConnectycubeLogger,
    ConnectycubeSessionManager, ConnectycubeSettings, ConnectycubeUser,
};

const AUTH_KEY: &str = "CANARY-AUTHKEY-51c0e2";
const AUTH_SECRET: &str = "CANARY-SECRET-9b7d14";
const PASSWORD: &str = "CANARY-PASSWORD-2e8f6a";
const NEW_PASSWORD: &str = "CANARY-PASSWORD-NEW-c4a1";
const WRONG_PASSWORD: &str = "CANARY-PASSWORD-WRONG-77d3";
/// Every canary starts so: no line may contain it.
const CANARY: &str = "CANARY";

#[derive(Default)]
struct Capture {
    lines: Mutex<Vec<(Level, String, String)>>,
    /// Reads the SDK's state on every line, as a logger adding context would.
    calls_back: bool,
    /// Fails every call, as a logger that throws would.
    throws: bool,
}

impl ConnectycubeLogger for Capture {
    fn log(&self, level: Level, target: String, message: String) -> Result<(), CallbackError> {
        if self.calls_back {
            let _ = ConnectyCube::new().auth_state();
            let _ = ConnectycubeSettings::new().debug_enabled();
        }
        self.lines.lock().push((level, target, message));
        if self.throws {
            return Err(CallbackError::Failed {
                reason: "the app's logger threw".into(),
            });
        }
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> Vec<String> {
        self.lines
            .lock()
            .iter()
            .map(|(level, target, message)| format!("{level:?} {target}: {message}"))
            .collect()
    }
}

/// Waits until every queued line reached the logger.
async fn all_delivered() {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (queued, delivered) = counts();
        if delivered >= queued || Instant::now() > deadline {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Logging as the test wants it, back to the defaults (off, `Debug`, stderr) when dropped,
/// also when the test fails.
#[must_use]
struct Logging;

impl Logging {
    fn set(enabled: bool, level: Level, logger: Arc<Capture>) -> Self {
        let settings = ConnectycubeSettings::new();
        settings.set_level(level);
        settings.set_logger(Some(logger));
        settings.set_debug_enabled(enabled);
        Self
    }
}

impl Drop for Logging {
    fn drop(&mut self) {
        let settings = ConnectycubeSettings::new();
        settings.set_debug_enabled(false);
        settings.set_logger(None);
        settings.set_level(Level::Debug);
    }
}

/// The shared `ConnectyCube()` on an emulator whose auth key and secret are canaries, every
/// session signed, the password kept to renew.
async fn canary_turn() -> Turn {
    let turn = TURN.lock().await;
    let emulator = Emulator::start(EmulatorConfig {
        auth_key: AUTH_KEY.to_owned(),
        auth_secret: AUTH_SECRET.to_owned(),
        require_signature: true,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let cube = ConnectyCube::new();
    cube.set_session_persistence(None);
    cube.set_session_restore_handler(None);
    cube.do_init_with_secret(
        emulator.config().app_id.to_string(),
        AUTH_KEY.to_owned(),
        AUTH_SECRET.to_owned(),
        Some(ConnectycubeConfig {
            retain_credentials: true,
            ..config(emulator.url())
        }),
    )
    .unwrap();
    Turn {
        emulator,
        cube,
        _turn: turn,
    }
}

/// Sign up, a refused sign-in, sign in, a 503 retried, expiry and renewal, a password change,
/// sign out, destroy. Returns every session token seen.
async fn full_flow(turn: &Turn) -> Vec<String> {
    let cube = &turn.cube;
    let mut tokens = Vec::new();
    let me = cube.sign_up(user("logged_user", PASSWORD)).await.unwrap().id;
    let refused = cube.create_session(Some(user("logged_user", WRONG_PASSWORD))).await;
    assert!(refused.is_err());
    let session = cube.create_session(Some(user("logged_user", PASSWORD))).await.unwrap();
    tokens.extend(session.token);
    turn.control(
        "POST",
        "faults",
        Some(json!({"path_prefix": "/users", "method": "GET", "times": 1, "status": 503})),
    )
    .await;
    cube.get_user_by_id(me).await.unwrap();
    cube.get_user_by_login("logged_user".into()).await.unwrap();
    turn.control("POST", "clock", Some(json!({"advance_secs": 7201}))).await;
    cube.get_user_by_id(me).await.unwrap();
    tokens.extend(ConnectycubeSessionManager::new().get_token());
    cube.update_user(ConnectycubeUser {
        password: Some(NEW_PASSWORD.into()),
        old_password: Some(PASSWORD.into()),
        ..Default::default()
    })
    .await
    .unwrap();
    cube.sign_out().await.unwrap();
    tokens.extend(ConnectycubeSessionManager::new().get_token());
    cube.destroy_session().await.unwrap();
    assert!(!tokens.is_empty());
    tokens
}

fn assert_no_secret(lines: &[String], tokens: &[String]) {
    for line in lines {
        assert!(!line.contains(CANARY), "a canary in: {line}");
        // Nor personal values: a request is logged by its route, not its URL.
        assert!(!line.contains("logged_user"), "a login in: {line}");
        for token in tokens {
            assert!(!line.contains(token.as_str()), "a session token in: {line}");
        }
    }
}

fn has(lines: &[String], parts: &[&str]) -> bool {
    lines.iter().any(|line| parts.iter().all(|part| line.contains(part)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_trace_a_full_flow_logs_what_happened_and_no_secret() {
    let turn = canary_turn().await;
    let capture = Arc::new(Capture {
        calls_back: true,
        ..Capture::default()
    });
    let _logging = Logging::set(true, Level::Trace, capture.clone());

    // A logger reading the SDK's state from inside `log` must not hang the flow, though the
    // session's state changes are logged under the session's lock.
    let tokens = tokio::time::timeout(Duration::from_secs(30), full_flow(&turn))
        .await
        .expect("the flow hung");
    // The last line of defence: a field named as a secret never shows its value.
    tracing::debug!(
        token = "CANARY-TOKEN-FIELD",
        ratio = -2.5f64,
        big = u128::MAX,
        "a line with a token field"
    );
    all_delivered().await;
    let lines = capture.text();

    assert_no_secret(&lines, &tokens);
    for expected in [
        &[
            "Info connectycube::",
            "session state changed",
            "kind=SignedIn",
            "reason=SignedIn",
        ][..],
        &["Info", "kind=NoSession", "reason=Expired"],
        &["Info", "kind=SignedIn", "reason=Renewed"],
        &["Info", "kind=SignedIn", "reason=PasswordChanged"],
        &["Info", "kind=AppSession", "reason=SignedOut"],
        &["Info", "kind=NoSession", "reason=Destroyed"],
        &["Debug connectycube::", "creating a session", "kind=login"],
        &["Debug connectycube::", "sending", "method=GET", "/users/"],
        &["Debug", "answered", "status=200"],
        &[
            "Warn connectycube::",
            "retrying after the server's answer",
            "status=503",
            "attempt=1",
        ],
        &[
            "Debug connectycube_ffi::",
            "a line with a token field token=<redacted> ratio=-2.500 big=>18446744073709551615",
        ],
    ] {
        assert!(
            has(&lines, expected),
            "no line with {expected:?} in:\n{}",
            lines.join("\n")
        );
    }
    for line in &lines {
        let target = line.split_whitespace().nth(1).unwrap_or_default();
        assert!(target.starts_with("connectycube"), "a line of another crate: {line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_debug_off_nothing_is_logged() {
    let turn = canary_turn().await;
    let capture = Arc::new(Capture::default());
    let _logging = Logging::set(false, Level::Trace, capture.clone());
    assert!(!ConnectycubeSettings::new().debug_enabled());
    let (queued, _) = counts();

    full_flow(&turn).await;
    tracing::error!("an error line with debug off");
    all_delivered().await;
    let lines = capture.text();
    let (queued_after, _) = counts();

    assert_eq!(queued_after, queued, "lines were formatted and queued");
    assert!(lines.is_empty(), "{lines:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn info_keeps_the_session_life_and_drops_the_requests() {
    let turn = canary_turn().await;
    let capture = Arc::new(Capture::default());
    let _logging = Logging::set(true, Level::Info, capture.clone());

    let tokens = full_flow(&turn).await;
    all_delivered().await;
    let heard = capture.lines.lock().clone();
    let lines = capture.text();

    assert_no_secret(&lines, &tokens);
    assert!(has(&lines, &["reason=Renewed"]), "{lines:?}");
    assert!(has(&lines, &["Warn", "status=503"]), "{lines:?}");
    assert!(
        heard.iter().all(|(level, _, _)| *level <= Level::Info),
        "a line above Info: {lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logger_that_throws_loses_its_line_only() {
    let turn = Turn::start().await;
    let capture = Arc::new(Capture {
        throws: true,
        ..Capture::default()
    });
    let _logging = Logging::set(true, Level::Debug, capture.clone());

    turn.signed_in("thrower").await;
    all_delivered().await;
    let first = capture.lines.lock().len();
    turn.cube.destroy_session().await.unwrap();
    all_delivered().await;
    let later = capture.lines.lock().len();

    assert!(first > 0);
    assert!(later > first, "the logger heard nothing after it threw");
}

/// Slow on purpose: lines queue up behind it.
struct SlowLogger(Capture);

impl ConnectycubeLogger for SlowLogger {
    fn log(&self, level: Level, target: String, message: String) -> Result<(), CallbackError> {
        std::thread::sleep(Duration::from_millis(2));
        self.0.log(level, target, message)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turning_debug_off_returns_once_the_queued_lines_reached_the_logger() {
    let _turn = TURN.lock().await;
    let slow = Arc::new(SlowLogger(Capture::default()));
    let settings = ConnectycubeSettings::new();
    settings.set_logger(Some(slow.clone()));
    settings.set_debug_enabled(true);
    for n in 0..100 {
        tracing::debug!(n, "a queued line");
    }
    settings.set_debug_enabled(false);
    let heard = slow.0.lines.lock().len();
    settings.set_logger(None);
    assert_eq!(heard, 100, "lines still queued when debug was off");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_settings_are_one_shared_instance_off_at_debug_by_default() {
    let _turn = TURN.lock().await;
    let settings = ConnectycubeSettings::new();
    assert!(Arc::ptr_eq(&settings, &ConnectycubeSettings::new()));
    assert!(!settings.debug_enabled());
    assert_eq!(settings.level(), Level::Debug);
    settings.set_level(Level::Warn);
    assert_eq!(ConnectycubeSettings::new().level(), Level::Warn);
    settings.set_level(Level::Debug);
}
