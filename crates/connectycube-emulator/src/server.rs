//! Accepting connections: HTTP/1.1 with keep-alive, `.json` paths mapped to the bare
//! ones, and a per-connection switch that lets a fault rule drop the connection
//! without an answer.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;

use crate::config::EmulatorConfig;
use crate::state::{App, AppState};

/// Closes the connection a request arrived on (the `drop` fault).
#[derive(Clone)]
pub struct ConnectionKill(pub Arc<Notify>);

/// The request path as sent, before `.json` was taken off.
#[derive(Clone)]
pub struct OriginalPath(pub String);

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
    /// current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind((config.host.as_str(), config.port)).await?;
        let addr = listener.local_addr()?;
        let url = format!("http://{addr}");
        let state: App = Arc::new(AppState::new(config, url.clone()));
        let router = crate::routes::router(state.clone());
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(listener, router, stopped));
        Ok(Self {
            url,
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://HOST:PORT`, the base URL clients use.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

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
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn serve(listener: TcpListener, router: axum::Router, mut stopped: oneshot::Receiver<()>) {
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => serve_connection(stream, router.clone(), &graceful),
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
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
}

fn serve_connection(stream: TcpStream, router: axum::Router, graceful: &GracefulShutdown) {
    // Requests are small; waiting to fill packets only adds latency.
    let _ = stream.set_nodelay(true);
    let kill = Arc::new(Notify::new());
    let kill_switch = ConnectionKill(kill.clone());
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        strip_json_suffix(&mut request);
        request.extensions_mut().insert(kill_switch.clone());
        tower::ServiceExt::oneshot(router.clone(), request)
    });
    let connection = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    let connection = graceful.watch(connection);
    tokio::spawn(async move {
        tokio::select! {
            result = connection => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                }
            }
            () = kill.notified() => tracing::debug!("connection dropped by a fault rule"),
        }
    });
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
