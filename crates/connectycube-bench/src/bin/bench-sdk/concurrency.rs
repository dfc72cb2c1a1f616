//! 1,000 concurrent `GET /users/{id}` on one fresh SDK client: no error, one `POST
//! /session`, and the connections it opened (counted by a forwarding proxy).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};

use crate::Target;
use crate::in_process::{control, sdk_client};

pub const BURST_CALLS: usize = 1_000;

#[derive(Debug, Clone, Serialize)]
pub struct Burst {
    pub calls: usize,
    pub errors: usize,
    pub first_error: Option<String>,
    /// `POST /session` answered during the burst.
    pub session_posts: u64,
    /// `GET /users/{id}` answered during the burst.
    pub gets: u64,
    pub connections_opened: usize,
    pub peak_open: usize,
    pub elapsed_ms: f64,
}

impl Burst {
    pub fn pass(&self) -> bool {
        self.errors == 0 && self.session_posts == 1 && self.gets == self.calls as u64
    }
}

/// Connections through a forwarding proxy: how many were opened, how many were open at once.
#[derive(Default)]
pub struct ConnectionCount {
    pub opened: AtomicUsize,
    pub open: AtomicUsize,
    pub peak: AtomicUsize,
}

pub async fn counting_proxy(upstream: SocketAddr) -> Result<(SocketAddr, Arc<ConnectionCount>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await.context("proxy bind")?;
    let addr = listener.local_addr().context("proxy address")?;
    let count = Arc::new(ConnectionCount::default());
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            counter.opened.fetch_add(1, Ordering::Relaxed);
            let open = counter.open.fetch_add(1, Ordering::Relaxed) + 1;
            counter.peak.fetch_max(open, Ordering::Relaxed);
            let counter = counter.clone();
            tokio::spawn(async move {
                let _ = inbound.set_nodelay(true);
                if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                    let _ = outbound.set_nodelay(true);
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
                counter.open.fetch_sub(1, Ordering::Relaxed);
            });
        }
    });
    Ok((addr, count))
}

pub fn stat(stats: &Value, route: &str) -> u64 {
    stats
        .get("requests")
        .and_then(|r| r.get(route))
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

/// What the typed decode of the `GET /users/{id}` answer (`{"user":{..}}` into the SDK's
/// `User`, as the SDK does it) costs alone: part of the SDK's CPU per call that a raw call,
pub async fn burst_test(raw: &reqwest::Client, target: &Target) -> Result<Burst> {
    let (proxy, count) = counting_proxy(target.addr).await?;
    let cc = sdk_client(&format!("http://{proxy}"))?;
    let before = control(raw, target, reqwest::Method::GET, "stats").await?;
    let started = Instant::now();
    let calls: Vec<_> = (0..BURST_CALLS)
        .map(|_| {
            let cc = cc.clone();
            let id = target.user_id;
            tokio::spawn(async move { cc.users().get(id).await.map(drop).map_err(|e| e.to_string()) })
        })
        .collect();
    let mut errors = 0;
    let mut first_error = None;
    for call in calls {
        let outcome = call.await.map_err(|e| e.to_string()).and_then(|r| r);
        if let Err(error) = outcome {
            errors += 1;
            first_error.get_or_insert(error);
        }
    }
    let elapsed = started.elapsed();
    let after = control(raw, target, reqwest::Method::GET, "stats").await?;
    Ok(Burst {
        calls: BURST_CALLS,
        errors,
        first_error,
        session_posts: stat(&after, "POST /session").saturating_sub(stat(&before, "POST /session")),
        gets: stat(&after, "GET /users/{id}").saturating_sub(stat(&before, "GET /users/{id}")),
        connections_opened: count.opened.load(Ordering::Relaxed),
        peak_open: count.peak.load(Ordering::Relaxed),
        elapsed_ms: elapsed.as_secs_f64() * 1e3,
    })
}
