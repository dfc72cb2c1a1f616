//! Accepting connections: HTTP/1.1 with keep-alive, over TLS when configured, at most
//! `max_connections` at once, `.json` paths mapped to the bare ones, and a per-connection
//! switch that lets a fault rule drop the connection without an answer.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, oneshot, watch};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::config::EmulatorConfig;
use crate::connection::{Activity, AnswerBody, ConnectionKill, DrainOnDrop, OriginalPath, Watched};
use crate::state::{App, AppState, ConnectionCounts};

/// How long shutdown waits for in-flight requests before closing their connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    url: String,
    addr: SocketAddr,
    state: App,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds `config.host:config.port` (port 0 picks a free one) and serves on the
    /// current tokio runtime: HTTPS when `config.tls` is set (an unusable identity is an
    /// `InvalidInput` error), else HTTP. With `config.data_dir`, first loads the state kept
    /// there: a directory that cannot be used is an `InvalidData` error wrapping a
    /// [`DataDirError`](crate::DataDirError) that names the file.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Self> {
        let tls = config
            .tls
            .as_ref()
            .map(crate::tls::acceptor)
            .transpose()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let restored = config.data_dir.as_deref().map(crate::persist::open).transpose()?;
        let listener = TcpListener::bind((config.host.as_str(), config.port)).await?;
        let addr = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{addr}");
        let state: App = Arc::new(AppState::new(config, url.clone(), restored));
        crate::saving::spawn_flusher(&state);
        let shared = Arc::new(Shared {
            router: crate::routes::router(state.clone()),
            state: state.clone(),
            tls,
        });
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(listener, shared, stopped));
        Ok(Self {
            url,
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://HOST:PORT`, or `https://HOST:PORT` over TLS: the base URL clients use.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address bound: with port 0 asked for, the port actually picked.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The settings it was started with.
    pub fn config(&self) -> &EmulatorConfig {
        &self.state.config
    }

    /// Stops accepting, lets in-flight requests finish (briefly), and returns when done.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        if let Err(error) = crate::saving::save(&self.state).await {
            tracing::error!(%error, "cannot save the emulator's state to the data directory");
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// What every connection task watches: serve, finish the request in hand and close, or close now.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    Serving,
    Draining,
    Closing,
}

/// What every connection needs.
struct Shared {
    router: axum::Router,
    state: App,
    tls: Option<TlsAcceptor>,
}

async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stopped: oneshot::Receiver<()>) {
    let max_connections = shared.state.config.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    // A permit per open connection: at the cap, accepting waits, and new clients wait in
    // the listen backlog until a connection closes.
    let slots = Arc::new(Semaphore::new(max_connections));
    let (phase, _) = watch::channel(Phase::Serving);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            _ = &mut stopped => break,
        };
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    ConnectionCounts::count(&shared.state.connections.accepted);
                    let connection = serve_connection(stream, shared.clone(), phase.subscribe());
                    tokio::spawn(async move {
                        connection.await;
                        drop(slot);
                    });
                }
                Err(error) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            _ = &mut stopped => break,
        }
    }
    drop(listener);
    // Every connection has closed once all permits are back.
    let all = u32::try_from(max_connections).unwrap_or(u32::MAX);
    let _ = phase.send(Phase::Draining);
    if tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(all))
        .await
        .is_err()
    {
        let _ = phase.send(Phase::Closing);
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(all)).await;
    }
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>, mut phase: watch::Receiver<Phase>) {
    // Requests are small; waiting to fill packets only adds latency.
    let _ = stream.set_nodelay(true);
    let config = &shared.state.config;
    let activity = Activity::new(config.header_read_timeout, config.idle_timeout);
    let stream = Watched::new(stream, activity.clone());
    let Some(acceptor) = &shared.tls else {
        return serve_http(stream, &shared, activity, phase).await;
    };
    // The handshake is part of the first request head: the header timeout covers it.
    let counts = &shared.state.connections;
    let handshake = tokio::select! {
        handshake = acceptor.accept(stream) => handshake,
        reason = activity.expired() => {
            tracing::debug!(?reason, "TLS handshake timed out");
            Err(std::io::ErrorKind::TimedOut.into())
        }
        // Shutting down: no request is in flight on this connection yet.
        _ = phase.wait_for(|p| *p != Phase::Serving) => return,
    };
    match handshake {
        Ok(stream) => {
            ConnectionCounts::count(&counts.tls_completed);
            serve_http(stream, &shared, activity, phase).await;
        }
        Err(error) => {
            tracing::debug!(%error, "TLS handshake failed");
            // A bare connect that sent nothing (a port probe) is no handshake.
            if activity.received_any() {
                ConnectionCounts::count(&counts.tls_failed);
            }
        }
    }
}

async fn serve_http<S>(stream: S, shared: &Shared, activity: Arc<Activity>, mut phase: watch::Receiver<Phase>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let kill = Arc::new(Notify::new());
    let service = {
        let kill_switch = ConnectionKill(kill.clone());
        let activity = activity.clone();
        let router = shared.router.clone();
        hyper::service::service_fn(move |mut request: Request<Incoming>| {
            activity.request_started();
            strip_json_suffix(&mut request);
            request.extensions_mut().insert(kill_switch.clone());
            let request = request.map(|body| DrainOnDrop::new(body, activity.clone()));
            let answer = tower::ServiceExt::oneshot(router.clone(), request);
            let activity = activity.clone();
            async move {
                let response = answer.await?;
                Ok::<_, Infallible>(response.map(|body| AnswerBody::new(body, activity)))
            }
        })
    };
    let connection = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    let expired = activity.expired();
    tokio::pin!(expired);
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                }
                return;
            }
            reason = &mut expired => {
                tracing::debug!(?reason, "connection closed");
                return;
            }
            () = kill.notified() => {
                tracing::debug!("connection dropped by a fault rule");
                return;
            }
            changed = phase.changed() => {
                let now = changed.map(|()| *phase.borrow_and_update());
                match now {
                    Ok(Phase::Serving) => {}
                    // A busy connection closes after its answer; one waiting for a request now.
                    Ok(Phase::Draining) if activity.is_busy() => connection.as_mut().graceful_shutdown(),
                    Ok(Phase::Draining) => return,
                    Ok(Phase::Closing) | Err(_) => return,
                }
            }
        }
    }
}

/// `/users/22.json` → `/users/22`: every path works bare and with `.json` (`rest-api.md` §1.1).
fn strip_json_suffix(request: &mut Request<Incoming>) {
    let path = request.uri().path().to_owned();
    let Some(bare) = path.strip_suffix(".json").filter(|b| !b.is_empty()) else {
        return;
    };
    let rebuilt = match request.uri().query() {
        Some(query) => format!("{bare}?{query}"),
        None => bare.to_owned(),
    };
    if let Ok(uri) = rebuilt.parse::<Uri>() {
        *request.uri_mut() = uri;
        request.extensions_mut().insert(OriginalPath(path));
    }
}
