//! The `bench-footprint` driver for the Rust SDK: one process, started by `bench-footprint`, that builds
//! a client, makes its first authenticated call and reports how long each part took; in the
//! `full` phase it goes on to 1,000 calls and an idle period, counting threads, resident
//! memory and context switches from `/proc/self` at each point (the protocol is described in
//! `src/bin/bench-footprint/main.rs`).
//!
//! The SDK runs as the mobile library runs it. `connectycube-ffi` exports its async methods
//! with `#[uniffi::export(async_runtime = "tokio")]`, which wraps each call's future in
//! `async_compat::Compat` (uniffi 0.32, `uniffi_macros/src/export/scaffolding.rs`); the foreign
//! side polls that future on its own thread (`RustFuture::poll` in uniffi_core), and the
//! `Compat` wrapper enters async-compat's process-wide runtime: a current-thread tokio runtime
//! driven by one thread of its own, `async-compat/tokio-1`, which runs the reactor, the timers
//! and every task the SDK spawns. Here the main thread stands in for the app's thread: it
//! polls `Compat::new(call)` and parks until woken, as uniffi's foreign callback would.

use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use connectycube::ConnectyCube;
use connectycube_bench::measure::{status_field, unix_us};
use serde_json::{Value, json};
use uniffi::deps::async_compat::Compat;

const APP_ID: u64 = 1;
const AUTH_KEY: &str = "29WfrNWdvkhmX6V";
const USAGE: &str = "usage: footprint-driver --url URL --user-id N [--ca PEM_FILE] [--phase cold|full]
       [--calls N] [--idle-seconds S] [--settle-seconds S] [--no-sdk]";

fn main() -> std::process::ExitCode {
    // First statement: where the process's own start ends and the driver's work begins.
    let main_us = unix_us();
    match run(main_us) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("footprint-driver: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

struct Args {
    url: String,
    ca: Option<PathBuf>,
    user_id: u64,
    full: bool,
    calls: u32,
    idle: Duration,
    /// Between the last call and the idle period: the last call's wind-down is not idleness.
    settle: Duration,
    sdk: bool,
}

/// By hand rather than through clap, unlike the other binaries: this program stands in for an
/// app, and its own code (measured as "the SDK's code and data") and start-up should be the
/// SDK's, not a CLI parser's.
fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        url: String::new(),
        ca: None,
        user_id: 0,
        full: false,
        calls: 1_000,
        idle: Duration::from_secs(10),
        settle: Duration::from_secs(1),
        sdk: true,
    };
    let mut words = std::env::args().skip(1);
    while let Some(flag) = words.next() {
        if flag == "--no-sdk" {
            args.sdk = false;
            continue;
        }
        let value = words.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let number = |what: &str| format!("{flag}: '{value}' is not {what}");
        match flag.as_str() {
            "--url" => args.url = value,
            "--ca" => args.ca = Some(PathBuf::from(value)),
            "--user-id" => args.user_id = value.parse().map_err(|_| number("a user id"))?,
            "--phase" => {
                args.full = match value.as_str() {
                    "cold" => false,
                    "full" => true,
                    _ => return Err(format!("--phase is cold or full\n{USAGE}")),
                }
            }
            "--calls" => args.calls = value.parse().map_err(|_| number("a number"))?,
            "--idle-seconds" | "--settle-seconds" => {
                let seconds: f64 = value.parse().map_err(|_| number("a number of seconds"))?;
                let duration = Duration::try_from_secs_f64(seconds).map_err(|_| number("a duration"))?;
                if flag == "--idle-seconds" {
                    args.idle = duration;
                } else {
                    args.settle = duration;
                }
            }
            _ => return Err(format!("unknown argument '{flag}'\n{USAGE}")),
        }
    }
    if args.sdk && (args.url.is_empty() || args.user_id == 0) {
        return Err(format!("--url and --user-id are required\n{USAGE}"));
    }
    Ok(args)
}

fn run(main_us: u64) -> Result<(), String> {
    let args = parse_args()?;
    let mut points = Vec::new();
    if args.full {
        points.push(snapshot("before_init"));
    }
    let client = if args.sdk { Some(build(&args)?) } else { None };
    let init_us = unix_us();
    if args.full {
        points.push(snapshot("after_init"));
    }
    let first = match &client {
        Some(cc) => block_on(Compat::new(first_call(cc, args.user_id))),
        None => Ok(()),
    };
    let first_call_us = unix_us();
    emit(&json!({
        "event": "first_call",
        "main_unix_us": main_us,
        "init_unix_us": init_us,
        "first_call_unix_us": first_call_us,
        "error": first.as_ref().err(),
    }))?;
    if !args.full || first.is_err() {
        return first;
    }
    points.push(snapshot("after_first_call"));

    let mut errors = 0u32;
    let mut first_error = None;
    if let Some(cc) = &client {
        for _ in 0..args.calls {
            let users = cc.users();
            if let Err(error) = block_on(Compat::new(users.get(args.user_id))) {
                errors += 1;
                first_error.get_or_insert(error.to_string());
            }
        }
    }
    points.push(snapshot("after_calls"));
    let threads_after_calls: Vec<String> = threads().into_iter().map(|t| t.name).collect();

    let settle_start = threads();
    std::thread::sleep(args.settle);
    let idle_start = threads();
    std::thread::sleep(args.idle);
    let idle_end = threads();
    points.push(snapshot("after_idle"));

    emit(&json!({
        "event": "footprint",
        "client": "rust",
        "sdk": args.sdk,
        "runtime": "the shape of connectycube-ffi's `#[uniffi::export(async_runtime = \"tokio\")]` \
            (uniffi 0.32 wraps each call in `async_compat::Compat`, built without its multi-thread feature): one \
            current-thread tokio runtime driven by a thread of its own (`async-compat/tokio-1`: reactor, timers, \
            spawned tasks), each call polled on the caller's thread as uniffi's foreign side does, \
            the blocking pool (host-name lookups) on demand",
        "points": points,
        "calls": if args.sdk { args.calls } else { 0 },
        "errors": errors,
        "first_error": first_error,
        "settle_seconds": args.settle.as_secs_f64(),
        "settle_threads": switches_between(&settle_start, &idle_start),
        "idle_seconds": args.idle.as_secs_f64(),
        "idle_threads": switches_between(&idle_start, &idle_end),
        "threads_after_calls": threads_after_calls,
    }))?;
    // The client (and the runtime thread) live until here: nothing is torn down while measured.
    drop(client);
    Ok(())
}

fn build(args: &Args) -> Result<ConnectyCube, String> {
    let mut builder = ConnectyCube::builder(APP_ID, AUTH_KEY).api_endpoint(args.url.as_str());
    if let Some(ca) = &args.ca {
        // Read at init, as an app reads a bundled CA: part of what init costs.
        let pem = std::fs::read(ca).map_err(|e| format!("cannot read {}: {e}", ca.display()))?;
        builder = builder.add_root_certificates_pem(pem);
    }
    builder.build().map_err(|e| format!("cannot build the client: {e}"))
}

/// The first authenticated call: an application session, then `GET /users/{id}` with it.
async fn first_call(cc: &ConnectyCube, user_id: u64) -> Result<(), String> {
    cc.auth()
        .create_session(None)
        .await
        .map_err(|e| format!("POST /session: {e}"))?;
    cc.users()
        .get(user_id)
        .await
        .map(drop)
        .map_err(|e| format!("GET /users/{user_id}: {e}"))
}

/// Polls `future` on this thread, parking between wake-ups: what uniffi's foreign side does
/// with a `RustFuture` (poll, wait for the continuation callback, poll again).
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        std::thread::park();
    }
}

fn emit(value: &Value) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{value}")
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))
}

/// Threads, VmRSS, VmHWM, the anonymous and file-backed parts of VmRSS, and the resident
/// pages mapped from this program's file (the SDK's code and data: it is linked in), KiB.
fn snapshot(at: &str) -> Value {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let exe = std::env::current_exe().ok();
    json!({
        "at": at,
        "threads": threads().len(),
        "rss_kb": status_field(&status, "VmRSS:"),
        "hwm_kb": status_field(&status, "VmHWM:"),
        "anon_kb": status_field(&status, "RssAnon:"),
        "file_kb": status_field(&status, "RssFile:"),
        "sdk_code_kb": exe.as_deref().and_then(|exe| mapped_rss_kb(&exe.to_string_lossy())),
    })
}

/// Resident KiB of the mappings of the file `path`, from `/proc/self/smaps`.
fn mapped_rss_kb(path: &str) -> Option<u64> {
    let smaps = std::fs::read_to_string("/proc/self/smaps").ok()?;
    let mut in_mapping = false;
    let mut total = 0;
    for line in smaps.lines() {
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else { continue };
        if first.ends_with(':') {
            if in_mapping && first == "Rss:" {
                total += words.next()?.parse::<u64>().ok()?;
            }
        } else {
            // A mapping's first line: `start-end perms offset dev inode [path]`.
            in_mapping = line.ends_with(path);
        }
    }
    Some(total)
}

struct ThreadSample {
    tid: u64,
    name: String,
    voluntary: u64,
    nonvoluntary: u64,
}

/// Every thread of this process with its context-switch counts (`/proc/self/task/*`).
fn threads() -> Vec<ThreadSample> {
    let Ok(entries) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    let mut samples: Vec<ThreadSample> = entries
        .flatten()
        .filter_map(|entry| {
            let tid = entry.file_name().to_str()?.parse().ok()?;
            // A thread may exit between the listing and these reads.
            let status = std::fs::read_to_string(entry.path().join("status")).ok()?;
            let name = std::fs::read_to_string(entry.path().join("comm")).ok()?;
            Some(ThreadSample {
                tid,
                name: name.trim_end().to_owned(),
                voluntary: status_field(&status, "voluntary_ctxt_switches:")?,
                nonvoluntary: status_field(&status, "nonvoluntary_ctxt_switches:")?,
            })
        })
        .collect();
    samples.sort_by_key(|t| t.tid);
    samples
}

/// Context switches of each thread between two samples; a thread that exited in between is
/// reported as such (its last switches are lost with it), one that appeared counts from zero.
fn switches_between(before: &[ThreadSample], after: &[ThreadSample]) -> Vec<Value> {
    let main = std::process::id();
    let mut out = Vec::new();
    for b in before {
        match after.iter().find(|a| a.tid == b.tid) {
            Some(a) => out.push(json!({
                "tid": b.tid, "name": b.name, "main": b.tid == u64::from(main), "state": "alive",
                "voluntary": a.voluntary.saturating_sub(b.voluntary),
                "nonvoluntary": a.nonvoluntary.saturating_sub(b.nonvoluntary),
            })),
            None => out.push(json!({
                "tid": b.tid, "name": b.name, "main": false, "state": "exited",
                "voluntary": 0, "nonvoluntary": 0,
            })),
        }
    }
    for a in after.iter().filter(|a| !before.iter().any(|b| b.tid == a.tid)) {
        out.push(json!({
            "tid": a.tid, "name": a.name, "main": false, "state": "started",
            "voluntary": a.voluntary, "nonvoluntary": a.nonvoluntary,
        }));
    }
    out
}
