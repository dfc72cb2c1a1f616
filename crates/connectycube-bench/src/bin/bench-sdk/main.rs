//! `bench-sdk`, run by `cargo xtask bench`: what the SDKs cost over a raw HTTP call.
//!
//! xtask starts one release build of the emulator on loopback (`--url`, `--emulator-pid`),
//! builds the external drivers and lists them in a `--drivers` file (see the library's
//! `driver` module); this binary measures every client against that emulator in one run:
//!
//! - `raw`: one shared `reqwest::Client` sending exactly the SDK's headers (`CB-Token`,
//!   `CB-SDK`, `ConnectyCube-REST-API-Version`, `Accept`): the limit;
//! - `sdk`: this repository's Rust SDK (`connectycube`), in this process;
//! - `js`: the official JS SDK (npm `connectycube` 6.x in node), `drivers/js-driver.mjs`;
//! - `kotlin`, `swift`, `python`: our bindings through their handwritten idiomatic layers
//!   (`object ConnectyCube` and `suspend` functions on the JVM, `ConnectyCube()` and `async` in
//!   Swift, asyncio in Python), drivers in `drivers/` built by xtask against the release FFI library
//!   with the binding tests' toolchains and generated code (`xtask/src/bench_drivers.rs`: kotlinc from
//!   npm + Debian's JNA, Swift 6 in the Debian trixie chroot, the system Python). The `get`
//!   drivers restore the user session from its token (`ConnectycubeSessionManager.setToken`), as
//!   an app restoring a stored session does. A client whose toolchain cannot be set up gets a
//!   failed record per cell saying why;
//! - any other driver given with `--driver NAME=COMMAND`.
//!
//! Scenarios: `get` (`GET /users/{id}` with a user session token), `session` (`POST /session`,
//! an application session), `signup` (`POST /users` with `CB-AuthKey`, a unique login per call).
//! Each is measured sequentially (one in flight: p50/p99 over N calls after a warm-up) and for
//! throughput at 1, 16, 64 and 256 calls in flight (a fixed window after a warm-up). The
//! emulator is reset before every `session` and `signup` measurement so that no client pays for
//! the sessions and users its predecessors created. Raw reqwest and the Rust SDK are measured
//! `--rounds` times per cell (alternating, the best counts); the binding drivers join every round
//! in sequential mode (their p50 is compared with the Rust SDK's) and run once per throughput
//! cell; other drivers run once.
//!
//! With the Python binding measured, the cost of the SDK's log (`logging_cost.rs`): its `get`
//! with debug off, and on at Debug and Trace with a logger that drops every line.
//!
//! Then 1,000 concurrent `GET /users/{id}` on one fresh SDK client (its application session
//! created on demand): no error, exactly one `POST /session` (from `GET /__emulator/stats`), and
//! the TCP connections it opened, counted by a forwarding proxy in front of the emulator.
//!
//! ## The driver protocol
//!
//! A driver is a command. It is run once per measurement with
//!
//! ```text
//! --url URL --token T --user-id N --scenario get|session|signup --mode sequential|throughput
//! --concurrency C --requests N --warmup-requests N --seconds S --warmup S --login-prefix P
//! ```
//!
//! (`--requests`/`--warmup-requests` matter in sequential mode, `--concurrency`, `--seconds` and
//! `--warmup` in throughput mode; `T` is a user session token for `get`; sign-up logins are `P`
//! followed by a counter) and prints one JSON line on stdout, the [`Record`] type:
//!
//! ```text
//! {"client":"js","scenario":"get","mode":"throughput","concurrency":64,"requests":N,"errors":0,
//!  "seconds":S,"rps":X,"p50_us":..,"p99_us":..,"first_error":null}
//! ```
//!
//! `requests` counts successful calls completed in the measured part. The in-process Rust
//! clients produce the same record. Results: a Markdown table on stdout and in
//! `<--out>/bench.md` (xtask: `target/bench/`), everything in `bench.json`; ratios are against raw
//! reqwest in the same cell. Targets are reported as PASS/MISS (among them: the Kotlin and Swift
//! bindings within 30 µs of the Rust SDK's sequential p50 in every scenario); the exit status is
//! 0 unless the run is broken (a failed call or a client that could not be set up) or `--check`
//! is given and a target is missed.

mod concurrency;
mod decode;
mod external;
mod hooks;
mod in_process;
mod logging_cost;
mod observer_cost;
mod options;
mod record;
mod report;

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use clap::Parser;
use connectycube_bench::driver::Launch;
use connectycube_bench::report::step;

use concurrency::{BURST_CALLS, burst_test};
use decode::decode_cost;
use external::run_driver;
use in_process::{BENCH_LOGIN, control, measure_raw, measure_sdk, prepare, raw_client};
use observer_cost::observer_cost;
use options::{Mode, Options, Scenario};
use record::Record;
use report::Report;

/// What every client needs to know about the emulator and the benchmark user.
#[derive(Clone)]
struct Target {
    url: String,
    addr: SocketAddr,
    token: String,
    user_id: u64,
    emulator_pid: u32,
}

enum Client {
    Raw,
    Sdk,
    External(Launch),
    /// One of our bindings (built by xtask): a driver that joins the sequential rounds.
    Binding(Launch),
    /// A binding whose driver could not be built: every cell is a failed record saying why.
    Unavailable {
        name: String,
        reason: String,
    },
}

impl Client {
    fn name(&self) -> &str {
        match self {
            Self::Raw => "raw",
            Self::Sdk => "sdk",
            Self::External(spec) | Self::Binding(spec) => &spec.name,
            Self::Unavailable { name, .. } => name,
        }
    }

    /// Whether the client is measured in this round of the cell (round 0 always).
    fn measured_in(&self, mode: Mode, round: usize) -> bool {
        match self {
            Self::Raw | Self::Sdk => true,
            Self::Binding(_) => round == 0 || mode == Mode::Sequential,
            Self::External(_) | Self::Unavailable { .. } => round == 0,
        }
    }

    fn rounds(&self, mode: Mode, options: &Options) -> usize {
        (0..options.rounds).filter(|&r| self.measured_in(mode, r)).count()
    }
}

fn main() -> std::process::ExitCode {
    connectycube_bench::report::exit("bench-sdk", run(Options::parse()))
}

fn run(options: Options) -> Result<()> {
    options.validate()?;
    let started = Instant::now();
    // reqwest is built with `rustls-no-provider`; the raw client needs a process-wide provider
    // (the SDK brings its own configuration). Installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();

    let mut clients = Vec::new();
    let mut skipped = Vec::new();
    if options.wants("raw") {
        clients.push(Client::Raw);
    }
    if options.wants("sdk") {
        clients.push(Client::Sdk);
    }
    let launches = Launch::read_all(options.drivers.as_deref())?;
    for launch in launches.into_iter().chain(options.driver.iter().cloned()) {
        if !options.wants(&launch.name) {
            continue;
        }
        clients.push(match launch.unavailable {
            // The JS SDK is optional (node may be missing); a binding keeps its rows.
            Some(reason) if !launch.binding => {
                eprintln!("warning: {} is skipped: {reason}", launch.name);
                skipped.push(format!("{}: {reason}", launch.name));
                continue;
            }
            Some(reason) => Client::Unavailable {
                name: launch.name,
                reason,
            },
            None if launch.binding => Client::Binding(launch),
            None => Client::External(launch),
        });
    }
    if clients.is_empty() {
        bail!("no client to measure (--clients)");
    }

    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.client_threads)
        .enable_all()
        .build()
        .context("cannot build the tokio runtime")?;
    let raw = raw_client()?;
    let target = tokio.block_on(prepare(&raw, &options.url, options.emulator_pid))?;
    eprintln!("benchmark user {} (login {BENCH_LOGIN})", target.user_id);
    let decode = tokio.block_on(decode_cost(&raw, &target));
    let observer = tokio.block_on(observer_cost(&target));

    let mut records = Vec::new();
    let mut burst = None;
    for scenario in Scenario::ALL {
        if scenario == Scenario::Session && options.burst {
            step(&format!(
                "{BURST_CALLS} concurrent GET /users/{{id}} on one fresh SDK client"
            ));
            let result = tokio.block_on(burst_test(&raw, &target));
            match &result {
                Ok(b) => eprintln!(
                    "{} calls, {} errors, {} POST /session, {} connections opened (peak {} open), {:.0} ms",
                    b.calls, b.errors, b.session_posts, b.connections_opened, b.peak_open, b.elapsed_ms
                ),
                Err(error) => eprintln!("the burst test could not run: {error:#}"),
            }
            burst = Some(result.map_err(|e| format!("{e:#}")));
        }
        if !options.scenarios.contains(&scenario) {
            continue;
        }
        for (mode, round) in options
            .modes()
            .into_iter()
            .flat_map(|mode| (0..options.rounds).map(move |round| (mode, round)))
        {
            for client in &clients {
                if !client.measured_in(mode, round) {
                    continue;
                }
                let what = match mode {
                    Mode::Sequential => format!(
                        "{} sequential, {} calls after {}",
                        scenario.name(),
                        options.requests,
                        options.warmup_requests
                    ),
                    Mode::Throughput(c) => format!(
                        "{} {} in flight, {} s after {} s",
                        scenario.name(),
                        c,
                        options.seconds,
                        options.warmup
                    ),
                };
                let rounds = client.rounds(mode, &options);
                let round_label = if rounds > 1 {
                    format!(" (round {} of {rounds})", round + 1)
                } else {
                    String::new()
                };
                step(&format!("{}: {what}{round_label}", client.name()));
                if scenario != Scenario::Get {
                    // Every client starts from an empty store (the benchmark user is only
                    // needed by `get`, which runs first).
                    tokio.block_on(control(&raw, &target, reqwest::Method::POST, "reset"))?;
                }
                let record = match client {
                    Client::Raw => tokio.block_on(measure_raw(&raw, &target, scenario, mode, &options)),
                    Client::Sdk => tokio.block_on(measure_sdk(&target, scenario, mode, &options)),
                    Client::External(spec) | Client::Binding(spec) => {
                        run_driver(spec, &target, scenario, mode, &options)
                    }
                    Client::Unavailable { reason, .. } => Err(anyhow!("not set up: {reason}")),
                }
                .unwrap_or_else(|error| Record::failed(client.name(), scenario, mode, format!("{error:#}")));
                let record = Record { round, ..record };
                eprintln!(
                    "{:.0} req/s, p50 {:.0} µs, p99 {:.0} µs, {} errors{}",
                    record.rps,
                    record.p50_us,
                    record.p99_us,
                    record.errors,
                    record
                        .first_error
                        .as_ref()
                        .map_or(String::new(), |e| format!(" (first: {e})"))
                );
                records.push(record);
            }
        }
    }
    let hooks = if options.wants("sdk") && options.scenarios.contains(&Scenario::Session) {
        step("what the app's hooks cost the Rust SDK: sequential POST /session");
        Some(tokio.block_on(hooks::hook_costs(&raw, &target, &options)))
    } else {
        None
    };
    // The session and sign-up cells and the hooks reset the emulator: the benchmark user and
    // its token are made again for the logging runs, which `get` them.
    let target = tokio.block_on(prepare(&raw, &options.url, options.emulator_pid))?;
    drop(tokio);
    let python = clients.iter().find_map(|c| match c {
        Client::Binding(spec) if spec.name == "python" => Some(spec),
        _ => None,
    });
    let logging = logging_cost::section(python, &target, &options);

    let report = Report {
        options: &options,
        clients: clients.iter().map(|c| c.name().to_owned()).collect(),
        skipped,
        records,
        burst,
        decode,
        hooks,
        observer,
        elapsed: started.elapsed(),
    };
    let markdown = report.markdown() + &logging;
    let (md_path, json_path) = connectycube_bench::report::write(&options.out, "bench", &markdown, &report.json())?;
    connectycube_bench::report::print(&markdown).context("cannot write the report to stdout")?;
    eprintln!("wrote {} and {}", md_path.display(), json_path.display());

    let errors: u64 = report.records.iter().map(|r| r.errors).sum();
    if errors > 0 {
        bail!("{errors} call(s) failed during the benchmark; those figures are not valid");
    }
    if options.check && !report.targets().iter().all(|t| t.pass) {
        bail!("a target was missed (see the table above)");
    }
    Ok(())
}
