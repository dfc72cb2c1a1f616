//! Request observers: one event per call to a route, for app analytics.
//!
//! What an event is: one call the SDK made to one route — `GET /users/{id}`, `POST /login`,
//! and also the `POST /session` the SDK makes by itself to create a session on demand or
//! to renew one. Its `attempts` are the HTTP requests the call sent to that route (retries
//! after a 503, the replay after a renewal), so summing `attempts` per route gives what the
//! server counted. A call that waited for the SDK to create or renew a session says so
//! with `session_renewed`; the `POST /session` itself is its own event, just before. An
//! upload is three events: `POST /blobs`, `POST {upload_url}` (the file, sent to the
//! storage address the server handed out — not the API server, which does not count it),
//! and `PUT /blobs/{id}/complete`.
//!
//! The route is the template the call was built from (`/users/{id}`), never the path sent:
//! no id, token, login, email or query value reaches an observer.

use std::sync::Arc;
use std::time::Duration;

use connectycube_transport::Method;
use parking_lot::RwLock;
use tokio::time::Instant;

use crate::error::Error;

/// One call to one route, as it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestEvent {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The route template: `/users/{id}`, `/users/v2`, `/session`; `{upload_url}` for a
    /// file sent to the storage address.
    pub route: &'static str,
    /// The status of the last answer, when the last attempt got one (also when the call
    /// failed with it, e.g. 404 with `error_code` `not_found`).
    pub http_status: Option<u16>,
    /// The error's stable code ([`Error::code`]) when the call failed; `cancelled` when the
    /// caller dropped the call before it ended.
    pub error_code: Option<&'static str>,
    /// HTTP requests sent to the route for this call (0 when it failed before sending).
    pub attempts: u32,
    /// From the start of the call to its end, waiting for a session and retries included.
    pub duration: Duration,
    /// The call waited for a session the SDK created or renewed for it (on demand, after
    /// an expiry, or after the server dropped the session).
    pub session_renewed: bool,
}

impl RequestEvent {
    /// `GET /users/{id}`.
    pub fn method_and_route(&self) -> String {
        format!("{} {}", self.method, self.route)
    }
}

/// Hears one [`RequestEvent`] per call to a route. It runs on the task that made the call,
/// when the call ends and before its result is returned: keep it short (hand the event to
/// a channel for anything slow). A panic in it is caught and logged; the call's result is
/// unchanged. Any `Fn(&RequestEvent) + Send + Sync` is an observer.
pub trait RequestObserver: Send + Sync + 'static {
    /// Called once when a call to a route ends, successful or not.
    fn on_request(&self, event: &RequestEvent);
}

impl<F: Fn(&RequestEvent) + Send + Sync + 'static> RequestObserver for F {
    fn on_request(&self, event: &RequestEvent) {
        self(event);
    }
}

/// The client's one observer, replaceable at any time; a call reports to the observer set
/// when it ends.
#[derive(Default)]
pub(crate) struct ObserverSlot(RwLock<Option<Arc<dyn RequestObserver>>>);

impl ObserverSlot {
    pub fn set(&self, observer: Option<Arc<dyn RequestObserver>>) {
        *self.0.write() = observer;
    }

    fn emit(&self, event: impl FnOnce() -> RequestEvent) {
        // Cloned out of the lock: an observer that sets another observer does not deadlock.
        let Some(observer) = self.0.read().clone() else { return };
        let event = event();
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| observer.on_request(&event))).is_err() {
            tracing::warn!(
                route = event.route,
                "a request observer panicked; the call is unaffected"
            );
        }
    }
}

/// What a call did so far; reported when it is finished, or as `cancelled` when the call's
/// future is dropped first.
pub(crate) struct CallRecord<'a> {
    slot: &'a ObserverSlot,
    method: &'static str,
    route: &'static str,
    started: Instant,
    attempts: u32,
    last_status: Option<u16>,
    session_renewed: bool,
    finished: bool,
}

impl<'a> CallRecord<'a> {
    pub fn start(slot: &'a ObserverSlot, method: &Method, route: &'static str, started: Instant) -> Self {
        Self {
            slot,
            method: method_name(method),
            route,
            started,
            attempts: 0,
            last_status: None,
            session_renewed: false,
            finished: false,
        }
    }

    /// An attempt is being sent (counted from here: a call dropped while it is in flight
    /// may have reached the server).
    pub fn sending(&mut self) {
        self.attempts += 1;
        self.last_status = None;
    }

    /// The attempt was not sent after all (the deadline had passed).
    pub fn not_sent(&mut self) {
        self.attempts = self.attempts.saturating_sub(1);
    }

    pub fn answered(&mut self, status: u16) {
        self.last_status = Some(status);
    }

    pub fn session_renewed(&mut self) {
        self.session_renewed = true;
    }

    pub fn finish(mut self, error: Option<&Error>) {
        self.finished = true;
        self.report(error.map(Error::code));
    }

    fn report(&self, error_code: Option<&'static str>) {
        self.slot.emit(|| RequestEvent {
            method: self.method,
            route: self.route,
            http_status: self.last_status,
            error_code,
            attempts: self.attempts,
            duration: self.started.elapsed(),
            session_renewed: self.session_renewed,
        });
    }
}

impl Drop for CallRecord<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.report(Some(Error::Cancelled.code()));
        }
    }
}

/// The SDK sends only these; `http::Method` has no `'static` name for the others.
fn method_name(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        _ => "OTHER",
    }
}
