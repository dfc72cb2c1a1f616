//! One client connection: its timeouts (a request head must arrive in time, an idle
//! keep-alive connection is closed), and the request bodies a handler did not read,
//! drained so that the client reads the answer instead of a reset connection; and what a
//! request carries from its connection to the handlers (its kill switch, its path as sent).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use parking_lot::Mutex;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

/// Closes the connection a request arrived on (the `drop` fault).
#[derive(Clone)]
pub struct ConnectionKill(pub Arc<Notify>);

/// The request path as sent, before `.json` was taken off.
#[derive(Clone)]
pub struct OriginalPath(pub String);

/// A request body left unread is drained up to this much…
pub const MAX_DRAIN_BYTES: u64 = 64 * 1024 * 1024;
/// …or for this long, whichever ends first; then the connection is closed. nginx's
/// lingering close does the same, so a client that writes its whole body reads a 413.
pub const MAX_DRAIN_TIME: Duration = Duration::from_secs(10);

/// Where a connection is, for its timeouts.
#[derive(Clone, Copy, Debug)]
enum Phase {
    /// Waiting for the next request since this instant; no byte of it has arrived.
    Idle(Instant),
    /// A request head has been coming since this instant (or the connection opened then).
    Head(Instant),
    /// A request is being handled or its answer written.
    Busy,
}

/// Why the watchdog closed a connection.
#[derive(Debug)]
pub enum Expired {
    HeadTimeout,
    IdleTimeout,
}

/// The phase of one connection, shared by its socket, its service and its watchdog.
pub struct Activity {
    phase: Mutex<Phase>,
    /// An unread request body is being drained: its bytes are no new request, and the
    /// drain has its own bounds.
    draining: AtomicBool,
    /// Any byte has arrived on the connection.
    received: AtomicBool,
    header_read_timeout: Duration,
    idle_timeout: Duration,
}

impl Activity {
    /// A new connection: its first request head is due within the header timeout.
    pub fn new(header_read_timeout: Duration, idle_timeout: Duration) -> Arc<Self> {
        Arc::new(Self {
            phase: Mutex::new(Phase::Head(Instant::now())),
            draining: AtomicBool::new(false),
            received: AtomicBool::new(false),
            header_read_timeout,
            idle_timeout,
        })
    }

    fn bytes_arrived(&self) {
        self.received.store(true, Ordering::Relaxed);
        if self.draining.load(Ordering::Relaxed) {
            return;
        }
        let mut phase = self.phase.lock();
        if let Phase::Idle(_) = *phase {
            *phase = Phase::Head(Instant::now());
        }
    }

    pub fn received_any(&self) -> bool {
        self.received.load(Ordering::Relaxed)
    }

    /// A request is being handled or answered, or its unread body drained.
    pub fn is_busy(&self) -> bool {
        self.draining.load(Ordering::Relaxed) || matches!(*self.phase.lock(), Phase::Busy)
    }

    /// A request head was read in full.
    pub fn request_started(&self) {
        *self.phase.lock() = Phase::Busy;
    }

    fn answer_written(&self) {
        *self.phase.lock() = Phase::Idle(Instant::now());
    }

    /// Resolves when the connection has waited too long for a request head or sat idle
    /// too long; never while a request is being handled.
    pub async fn expired(&self) -> Expired {
        loop {
            let phase = *self.phase.lock();
            let phase = if self.draining.load(Ordering::Relaxed) {
                Phase::Busy
            } else {
                phase
            };
            let (deadline, reason) = match phase {
                Phase::Head(since) => (since + self.header_read_timeout, Expired::HeadTimeout),
                Phase::Idle(since) => (since + self.idle_timeout, Expired::IdleTimeout),
                // Look again later: the phase changes without waking this task.
                Phase::Busy => {
                    let recheck = self.header_read_timeout.min(self.idle_timeout);
                    tokio::time::sleep(recheck).await;
                    continue;
                }
            };
            if deadline <= Instant::now() {
                return reason;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// A socket that tells its connection's [`Activity`] when request bytes arrive.
pub struct Watched<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S> Watched<S> {
    pub fn new(inner: S, activity: Arc<Activity>) -> Self {
        Self { inner, activity }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.bytes_arrived();
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// An answer's body; when hyper has written it (or given up) the connection is idle.
pub struct AnswerBody<B> {
    inner: B,
    activity: Arc<Activity>,
}

impl<B> AnswerBody<B> {
    pub fn new(inner: B, activity: Arc<Activity>) -> Self {
        Self { inner, activity }
    }
}

impl<B> Drop for AnswerBody<B> {
    fn drop(&mut self) {
        self.activity.answer_written();
    }
}

impl<B: Body + Unpin> Body for AnswerBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A request body that, dropped before its end (a 413, a refused upload, a handler that
/// never reads it), is read to the end and discarded in the background, within
/// [`MAX_DRAIN_BYTES`] and [`MAX_DRAIN_TIME`]. Without it hyper closes the connection at
/// once and a client still writing sees a broken pipe rather than the answer.
pub struct DrainOnDrop {
    inner: Option<Incoming>,
    activity: Arc<Activity>,
}

impl DrainOnDrop {
    pub fn new(inner: Incoming, activity: Arc<Activity>) -> Self {
        Self {
            inner: Some(inner),
            activity,
        }
    }
}

impl Body for DrainOnDrop {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        match &mut self.get_mut().inner {
            Some(inner) => Pin::new(inner).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(Body::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), Body::size_hint)
    }
}

impl Drop for DrainOnDrop {
    fn drop(&mut self) {
        let Some(body) = self.inner.take().filter(|b| !b.is_end_stream()) else {
            return;
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            self.activity.draining.store(true, Ordering::Relaxed);
            let activity = self.activity.clone();
            runtime.spawn(async move {
                drain(body).await;
                activity.draining.store(false, Ordering::Relaxed);
            });
        }
    }
}

async fn drain(mut body: Incoming) {
    let deadline = tokio::time::sleep(MAX_DRAIN_TIME);
    tokio::pin!(deadline);
    let mut drained: u64 = 0;
    loop {
        tokio::select! {
            frame = body.frame() => match frame {
                Some(Ok(frame)) => {
                    drained += frame.data_ref().map_or(0, |d| d.len() as u64);
                    if drained > MAX_DRAIN_BYTES {
                        tracing::debug!(drained, "stopped draining a request body: too large");
                        return;
                    }
                }
                // The end, or the connection went away.
                _ => return,
            },
            () = &mut deadline => {
                tracing::debug!(drained, "stopped draining a request body: too slow");
                return;
            }
        }
    }
}
