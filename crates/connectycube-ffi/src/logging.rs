//! Logs where platform developers look: the SDK's `tracing` events, filtered and formatted
//! here, handed to a `ConnectycubeLogger` the app (or its language's layer) sets through the
//! shared `ConnectycubeSettings`. Each language's ready default (java.util.logging, Python's
//! `logging`, stderr) is such a logger; with none set, lines go to stderr.
//!
//! What every language gets alike, decided here:
//! - **Off by default.** Until debug is turned on no subscriber exists; once installed, the
//!   level each call site may pass is cached by `tracing` itself (its interest cache and global
//!   level, rebuilt when the settings change), so with debug off an event costs one atomic
//!   load and nothing is formatted or crosses the FFI.
//! - **Only the SDK's own events** (targets `connectycube…`), at every level: the HTTP stack's
//!   (hyper-util's `tracing` events; reqwest's and rustls's `log` records are compiled out and
//!   no `log` logger exists) would put URLs, TLS details and connection chatter in the app's
//!   log without a way to prove no secret passes.
//! - **Redacted.** The SDK's events carry no secret (its `Secret` type, tokens and errors print
//!   `<redacted>` or nothing); as a last line, a field whose name says secret (`token`,
//!   `password`, `signature`, `auth_key`, …) is printed as `<redacted>` whatever its value.
//! - **Never in the way.** Lines are queued (at most [`QUEUE_LINES`]; past that they are
//!   counted and dropped, and the count is logged) and the logger is called on one thread of
//!   its own, in order. The thread that emitted an event never waits for the app's logger, so
//!   a logger that calls back into the SDK (reads the auth state) cannot deadlock it, even for
//!   events emitted under the SDK's locks; an event emitted by the logger's own thread while
//!   it logs is dropped, so a logger cannot feed itself. A logger that throws loses that line
//!   only; turning debug off waits (briefly) for the queued lines, so none reaches the logger
//!   afterwards.

use std::cell::Cell;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use parking_lot::RwLock;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

use crate::callbacks::CallbackError;

/// Lines waiting for the logger at most; a logger slower than the SDK loses lines, never
/// slows a call.
const QUEUE_LINES: u64 = 1024;

/// How long turning debug off waits for the queued lines to reach the logger.
const DRAIN_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// How verbose the log is: a line passes when its level is this one or more severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
pub enum ConnectycubeLogLevel {
    /// Failures the SDK could not handle.
    Error,
    /// Trouble the SDK handled: a retried call, a callback that threw, a saved session refused.
    Warn,
    /// The session's life: created, signed in, renewed, expired, signed out, destroyed.
    Info,
    /// Each request and answer (method, route template, attempt, status), renewals, re-signing.
    Debug,
    /// Everything the SDK emits.
    Trace,
}

impl ConnectycubeLogLevel {
    fn of(level: Level) -> Self {
        match level {
            Level::ERROR => Self::Error,
            Level::WARN => Self::Warn,
            Level::INFO => Self::Info,
            Level::DEBUG => Self::Debug,
            _ => Self::Trace,
        }
    }

    fn filter(self) -> LevelFilter {
        match self {
            Self::Error => LevelFilter::ERROR,
            Self::Warn => LevelFilter::WARN,
            Self::Info => LevelFilter::INFO,
            Self::Debug => LevelFilter::DEBUG,
            Self::Trace => LevelFilter::TRACE,
        }
    }
}

/// Receives the SDK's log lines, one call per line, in order, on a thread of the SDK's (never
/// the thread that made the call being logged). `target` is the SDK module that wrote it
/// (`connectycube::client`); `message` is one line, without the level or target.
#[uniffi::export(with_foreign)]
pub trait ConnectycubeLogger: Send + Sync {
    fn log(&self, level: ConnectycubeLogLevel, target: String, message: String) -> Result<(), CallbackError>;
}

/// The SDK's settings, one shared instance (`ConnectycubeSettings()` returns it, as the
/// official SDKs' `ConnectycubeSettings` is one object): debug logging, its level, the logger.
#[derive(uniffi::Object)]
pub struct ConnectycubeSettings {
    _shared: (),
}

#[uniffi::export]
impl ConnectycubeSettings {
    /// The shared instance.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        static SHARED: OnceLock<Arc<ConnectycubeSettings>> = OnceLock::new();
        SHARED.get_or_init(|| Arc::new(Self { _shared: () })).clone()
    }

    /// Whether the SDK logs (off by default).
    pub fn debug_enabled(&self) -> bool {
        STATE.enabled.load(Ordering::Relaxed)
    }

    /// Turns logging on or off. On, lines at [`Self::level`] or more severe reach the logger.
    /// Off, it returns once the lines already queued have reached the logger (waiting a second
    /// at most), so an app that turns it off before it exits, or a test, has every line, and
    /// the logger is not called afterwards.
    pub fn set_debug_enabled(&self, enabled: bool) {
        if enabled {
            install();
        }
        STATE.enabled.store(enabled, Ordering::Relaxed);
        tracing::callsite::rebuild_interest_cache();
        if !enabled {
            drain(DRAIN_WAIT);
        }
    }

    /// The most verbose level logged while debug is on (`Debug` unless set).
    pub fn level(&self) -> ConnectycubeLogLevel {
        level_from(STATE.level.load(Ordering::Relaxed))
    }

    pub fn set_level(&self, level: ConnectycubeLogLevel) {
        STATE.level.store(level as u8, Ordering::Relaxed);
        tracing::callsite::rebuild_interest_cache();
    }

    /// Where lines go; `None` for stderr. Takes effect from the next line.
    pub fn set_logger(&self, logger: Option<Arc<dyn ConnectycubeLogger>>) {
        *STATE.logger.write() = logger;
    }
}

/// The settings the subscriber reads: plain atomics on the hot path.
struct State {
    enabled: AtomicBool,
    level: AtomicU8,
    logger: RwLock<Option<Arc<dyn ConnectycubeLogger>>>,
    /// Lines a full queue turned away since the logger last heard about it.
    dropped: AtomicU64,
    /// Lines queued and lines handed to the logger (or found undeliverable), for tests.
    queued: AtomicU64,
    delivered: AtomicU64,
}

static STATE: State = State {
    enabled: AtomicBool::new(false),
    level: AtomicU8::new(ConnectycubeLogLevel::Debug as u8),
    logger: RwLock::new(None),
    dropped: AtomicU64::new(0),
    queued: AtomicU64::new(0),
    delivered: AtomicU64::new(0),
};

fn level_from(value: u8) -> ConnectycubeLogLevel {
    use ConnectycubeLogLevel as L;
    [L::Error, L::Warn, L::Info, L::Debug, L::Trace]
        .into_iter()
        .find(|level| *level as u8 == value)
        .unwrap_or(L::Debug)
}

/// What passes now: nothing while debug is off.
fn current_filter() -> LevelFilter {
    if STATE.enabled.load(Ordering::Relaxed) {
        level_from(STATE.level.load(Ordering::Relaxed)).filter()
    } else {
        LevelFilter::OFF
    }
}

fn is_sdk_target(target: &str) -> bool {
    target.starts_with("connectycube")
}

/// One line on its way to the logger.
struct Line {
    level: ConnectycubeLogLevel,
    target: &'static str,
    message: String,
}

/// Installs the subscriber and starts the logger's thread, once per process. Before this
/// runs (debug never turned on), `tracing` has no subscriber and every call site is off.
fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        // tokio's channel (linked already) bounded by the counts below, rather than std's.
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        let started = std::thread::Builder::new()
            .name("connectycube-log".into())
            .spawn(move || deliver(receiver));
        if started.is_ok() {
            // Fails only if another subscriber was set in this library's copy of `tracing`,
            // which nothing else here does; the SDK then stays silent.
            let _ = tracing::subscriber::set_global_default(ForeignLog { sender });
        }
    });
}

thread_local! {
    /// Set on the logger's thread while the app's logger runs.
    static IN_LOGGER: Cell<bool> = const { Cell::new(false) };
}

/// The logger's thread: each line to the app's logger (stderr when none), in order.
fn deliver(mut receiver: UnboundedReceiver<Line>) {
    while let Some(line) = receiver.blocking_recv() {
        let dropped = STATE.dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            let note = Line {
                level: ConnectycubeLogLevel::Warn,
                target: "connectycube_ffi::logging",
                message: format!("{dropped} log lines were dropped: the logger is slower than the SDK"),
            };
            hand_over(note);
        }
        hand_over(line);
        STATE.delivered.fetch_add(1, Ordering::Release);
    }
}

fn hand_over(line: Line) {
    let logger = STATE.logger.read().clone();
    IN_LOGGER.with(|flag| flag.set(true));
    match logger {
        // A logger that throws (an `Err` here) loses this line; the next one is delivered all
        // the same, and there is nowhere left to report its failure. No `catch_unwind`: a
        // runtime that ends a thread inside a callback (Python's finalisation exits threads
        // waiting for its lock by a forced unwind) would abort the process through it.
        Some(logger) => {
            let _ = logger.log(line.level, line.target.to_owned(), line.message);
        }
        None => eprintln!("{:?} {}: {}", line.level, line.target, line.message),
    }
    IN_LOGGER.with(|flag| flag.set(false));
}

/// Waits until every line queued so far was handed to the logger, `wait` at most; at once on
/// the logger's own thread (it would wait for itself).
fn drain(wait: std::time::Duration) {
    if IN_LOGGER.with(Cell::get) {
        return;
    }
    let queued = STATE.queued.load(Ordering::Acquire);
    let deadline = std::time::Instant::now() + wait;
    while STATE.delivered.load(Ordering::Acquire) < queued && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// The `tracing` subscriber: filters in Rust, formats one line, queues it.
struct ForeignLog {
    sender: UnboundedSender<Line>,
}

impl Subscriber for ForeignLog {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        // Cached by `tracing` per call site, rebuilt whenever the settings change.
        if self.enabled(metadata) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(current_filter())
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.is_event() && *metadata.level() <= current_filter() && is_sdk_target(metadata.target())
    }

    fn event(&self, event: &Event<'_>) {
        if IN_LOGGER.with(Cell::get) {
            return;
        }
        let waiting = STATE
            .queued
            .load(Ordering::Acquire)
            .saturating_sub(STATE.delivered.load(Ordering::Acquire));
        if waiting >= QUEUE_LINES {
            STATE.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let metadata = event.metadata();
        let mut line = LineFormat::default();
        event.record(&mut line);
        let line = Line {
            level: ConnectycubeLogLevel::of(*metadata.level()),
            target: metadata.target(),
            message: line.finish(),
        };
        if self.sender.send(line).is_ok() {
            STATE.queued.fetch_add(1, Ordering::Release);
        }
    }

    // The SDK opens no spans and the filter lets none through; these keep `tracing` whole.
    fn new_span(&self, _span: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

/// The message, then ` name=value` per field; values of secret-named fields redacted.
#[derive(Default)]
struct LineFormat {
    message: String,
    fields: String,
}

impl LineFormat {
    fn finish(mut self) -> String {
        if self.message.is_empty() {
            return self.fields.trim_start().to_owned();
        }
        self.message.push_str(&self.fields);
        self.message
    }
}

impl Visit for LineFormat {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        // Writing to a String cannot fail.
        let _ = if field.name() == "message" {
            write!(self.message, "{value:?}")
        } else if connectycube_transport::is_secret_name(field.name()) {
            write!(self.fields, " {}=<redacted>", field.name())
        } else {
            write!(self.fields, " {}={value:?}", field.name())
        };
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        // Plain text without Debug's quotes and escapes, as `%value` fields print.
        self.record_debug(field, &format_args!("{value}"));
    }

    // The defaults of the three below print through `Debug`, which links core's float printer
    // (about 15 KB) and 128-bit integer printing into the mobile library for fields the SDK's
    // events do not have.
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.record_debug(field, &format_args!("{}", Thousandths(value)));
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        match u64::try_from(value) {
            Ok(value) => self.record_u64(field, value),
            Err(_) => self.record_debug(field, &format_args!(">{}", u64::MAX)),
        }
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        match i64::try_from(value) {
            Ok(value) => self.record_i64(field, value),
            Err(_) => self.record_debug(
                field,
                &format_args!("{}", if value < 0 { "<i64::MIN" } else { ">i64::MAX" }),
            ),
        }
    }
}

/// A float to three decimals, printed with integer arithmetic only.
struct Thousandths(f64);

impl std::fmt::Display for Thousandths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value = self.0;
        if value.is_nan() {
            return f.write_str("NaN");
        }
        let sign = if value.is_sign_negative() && value != 0.0 {
            "-"
        } else {
            ""
        };
        // Saturates for magnitudes past what a u64 holds (and for infinities).
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "the magnitude, rounded; saturating is the wanted bound"
        )]
        let scaled = (value.abs() * 1000.0).round() as u64;
        write!(f, "{sign}{}.{:03}", scaled / 1000, scaled % 1000)
    }
}

/// Lines queued and lines delivered since the process started (tests wait on these).
#[cfg(test)]
pub(crate) fn counts() -> (u64, u64) {
    (
        STATE.queued.load(Ordering::Acquire),
        STATE.delivered.load(Ordering::Acquire),
    )
}
