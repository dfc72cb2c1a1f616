//! Peak memory of a call answered with a body that never ends: the SDK stops at its cap
//! (4 MiB by default) instead of growing until the attempt timeout. Its own test binary,
//! so no other test's allocations share the process's peak.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing, with its message")]

#[path = "hostile/server.rs"]
mod server;

use std::sync::atomic::Ordering;

use connectycube::{ConnectyCube, Error};
use server::{HostileServer, Reply, session};

/// `VmHWM` (peak resident memory) of this process, in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn an_endless_body_costs_at_most_the_cap() {
    let flood = HostileServer::start(|request| {
        if request.target == "/warm-up/session" {
            Reply::json(201, &[], &session("T"))
        } else {
            Reply::endless()
        }
    })
    .await;
    // Warm up the runtime, the connection pool and the allocator with a normal call.
    let warm = ConnectyCube::builder(1, "key")
        .api_endpoint(format!("{}/warm-up", flood.url))
        .build()
        .unwrap();
    warm.auth().create_session(None).await.unwrap();

    let cc = ConnectyCube::builder(1, "key")
        .api_endpoint(&flood.url)
        .build()
        .unwrap();
    let before = peak_kib();
    let error = cc.auth().create_session(None).await.unwrap_err();
    let after = peak_kib();
    assert_eq!(error, Error::ResponseTooLarge { limit: 4 * 1024 * 1024 });
    let grown_mib = (after - before) as f64 / 1024.0;
    let sent_mib = flood.flooded.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0);
    println!(
        "endless body: peak resident memory {before} → {after} KiB (+{grown_mib:.1} MiB); the server had written {sent_mib:.1} MiB when the client hung up"
    );
    assert!(grown_mib < 16.0, "peak memory grew {grown_mib:.1} MiB");
}
