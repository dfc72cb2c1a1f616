//! The request observer for every language alike: a `RequestEvent` record per call to a
//! route, handed to the one `RequestObserver` the app sets with
//! `ConnectyCube.setRequestObserver`. What an event is (one per call to a route; the SDK's
//! own `POST /session` as its own event; an upload as three) is the core's
//! (`connectycube/src/observer.rs`); this file only carries it across.
//!
//! The observer is called off the call path: the call queues its event and returns, and one
//! task per observer on the SDK's runtime hands the events to it in order, one at a time, on
//! the blocking pool. A slow observer delays only its own later events; past
//! `QUEUED_EVENTS` waiting, new events are dropped (and logged) rather than held. An
//! observer that throws is logged and hears the next event. The observer belongs to the
//! shared `ConnectyCube`, not to one client: it stays through `doInit`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use parking_lot::RwLock;
use tokio::sync::mpsc;

use crate::auth_state::sdk_runtime;
use crate::callbacks::{CallbackError, tracing_warn};

/// Events waiting for a slow observer before new ones are dropped.
const QUEUED_EVENTS: usize = 4096;

/// One call to one route, as it ended.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RequestEvent {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: String,
    /// The route template (`/users/{id}`, `/users/v2`, `/session`; `{upload_url}` for a file
    /// sent to the storage address): never an id, token or query value.
    pub route: String,
    /// The status of the last answer, when the last attempt got one.
    pub http_status: Option<i32>,
    /// The error's stable code when the call failed (`not_found`, `network`, `cancelled`…).
    pub error_code: Option<String>,
    /// HTTP requests sent to the route for this call. (Signed here and in `duration_ms`, as
    /// Java has no unsigned types.)
    pub attempts: i32,
    pub duration_ms: i64,
    /// The call waited for a session the SDK created or renewed for it.
    pub session_renewed: bool,
}

impl From<&connectycube::RequestEvent> for RequestEvent {
    fn from(event: &connectycube::RequestEvent) -> Self {
        Self {
            method: event.method.to_owned(),
            route: event.route.to_owned(),
            http_status: event.http_status.map(i32::from),
            error_code: event.error_code.map(str::to_owned),
            attempts: i32::try_from(event.attempts).unwrap_or(i32::MAX),
            duration_ms: i64::try_from(event.duration.as_millis()).unwrap_or(i64::MAX),
            session_renewed: event.session_renewed,
        }
    }
}

/// Hears one event per call to a route, on a background thread, in the order calls ended.
#[uniffi::export(with_foreign)]
pub trait RequestObserver: Send + Sync {
    fn on_request(&self, event: RequestEvent) -> Result<(), CallbackError>;
}

/// The observer of the shared `ConnectyCube`, installed on every client `doInit` makes:
/// holds the queue of the observer set now, if any.
#[derive(Default)]
pub(crate) struct ObserverRelay {
    queue: RwLock<Option<Queue>>,
}

/// An observer's queue: tokio's unbounded channel (the auth state's listeners link it
/// already; the bounded one would add its semaphore to the library) and a count that bounds it.
struct Queue {
    sender: mpsc::UnboundedSender<RequestEvent>,
    waiting: Arc<AtomicUsize>,
}

impl ObserverRelay {
    /// Replaces the observer; the one before still hears the events already queued for it.
    pub fn set(&self, observer: Option<Arc<dyn RequestObserver>>) {
        *self.queue.write() = observer.map(deliver_to);
    }

    /// What a client reports to.
    pub fn for_client(self: &Arc<Self>) -> impl connectycube::RequestObserver {
        let relay = self.clone();
        move |event: &connectycube::RequestEvent| relay.queue_event(event)
    }

    fn queue_event(&self, event: &connectycube::RequestEvent) {
        let queue = self.queue.read();
        let Some(queue) = queue.as_ref() else { return };
        if queue.waiting.fetch_add(1, Ordering::AcqRel) >= QUEUED_EVENTS {
            queue.waiting.fetch_sub(1, Ordering::AcqRel);
            tracing::warn!(
                route = event.route,
                "the request observer is behind; an event was dropped"
            );
            return;
        }
        // Fails only once the runtime is gone, and the event with it.
        let _ = queue.sender.send(RequestEvent::from(event));
    }
}

/// Starts the task that feeds `observer` and answers its queue.
fn deliver_to(observer: Arc<dyn RequestObserver>) -> Queue {
    let (sender, mut events) = mpsc::unbounded_channel();
    let waiting = Arc::new(AtomicUsize::new(0));
    let taken = waiting.clone();
    sdk_runtime().spawn(async move {
        while let Some(event) = events.recv().await {
            taken.fetch_sub(1, Ordering::AcqRel);
            let observer = observer.clone();
            match tokio::task::spawn_blocking(move || observer.on_request(event)).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing_warn(&error),
                Err(join) if join.is_panic() => tracing::warn!("a request observer panicked"),
                Err(_) => {}
            }
        }
    });
    Queue { sender, waiting }
}
