//! `cargo xtask bench`: what the SDKs cost over a raw HTTP call (issue 5, item 1).
//!
//! One release build of the emulator on loopback serves every client in the same run:
//!
//! - `raw`: one shared `reqwest::Client` sending exactly the SDK's headers (`CB-Token`,
//!   `CB-SDK`, `ConnectyCube-REST-API-Version`, `Accept`): the limit;
//! - `sdk`: this repository's Rust SDK (`connectycube`), in this process;
//! - `js`: the official JS SDK (npm `connectycube` 6.x in node), `xtask/bench/js-driver.mjs`;
//! - `kotlin`, `swift`, `python`: our bindings through their handwritten idiomatic layers
//!   (`object ConnectyCube` and `suspend` functions on the JVM, `ConnectyCube()` and `async` in
//!   Swift, asyncio in Python), drivers in `xtask/bench/` built against the release FFI library
//!   with the binding tests' toolchains and generated code (`bench_drivers.rs`: kotlinc from
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
//! `target/bench/bench.md`, everything in `target/bench/bench.json`; ratios are against raw
//! reqwest in the same cell. Targets are reported as PASS/MISS (among them: the Kotlin and Swift
//! bindings within 30 µs of the Rust SDK's sequential p50 in every scenario); the exit status is
//! 0 unless the run is broken (a failed call or a client that could not be set up) or `--check`
//! is given and a target is missed.

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};
use connectycube::{ConnectyCube, Credentials, NewUser};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};

use crate::emulator_process::EmulatorProcess;

const APP_ID: u64 = 1;
const AUTH_KEY: &str = "29WfrNWdvkhmX6V";
const BENCH_LOGIN: &str = "benchuser";
const BENCH_PASSWORD: &str = "benchpass1";
/// What the Rust SDK sends as `CB-SDK` (the raw client copies it; same workspace version).
const SDK_HEADER: &str = concat!("Rust ", env!("CARGO_PKG_VERSION"));
const JS_DRIVER: &str = "xtask/bench/js-driver.mjs";
/// Target: the Rust SDK within 5 % of raw reqwest (p50 and throughput).
const SDK_OVERHEAD_MAX: f64 = 0.05;
/// Target: the Rust SDK at least 3× the official JS SDK's throughput at 64 in flight.
const JS_FACTOR_MIN: f64 = 3.0;
const JS_FACTOR_CONCURRENCY: usize = 64;
/// Target: the Kotlin and Swift bindings within this much of the Rust SDK's sequential p50.
const BINDING_P50_MAX_US: f64 = 30.0;
/// The bindings the target above is about.
const BINDING_TARGET_CLIENTS: [&str; 2] = ["kotlin", "swift"];
const BURST_CALLS: usize = 1_000;
/// The SDK transport's `pool_max_idle_per_host` (connectycube-transport `TransportConfig`).
const SDK_POOL_IDLE_MAX: usize = 64;
/// A driver that has not printed its line this long after its measured window is stuck.
const DRIVER_GRACE: Duration = Duration::from_secs(60);
const USAGE: &str = "usage: cargo xtask bench [--seconds S] [--warmup S] [--requests N] [--warmup-requests N]
       [--concurrency 1,16,64,256] [--scenarios get,session,signup]
       [--clients raw,sdk,js,kotlin,swift,python,...]
       [--driver NAME=COMMAND]... [--rounds N] [--client-threads N] [--no-burst] [--no-footprint] [--check]
  --no-footprint         skip the mobile footprint section (cargo xtask footprint, for sdk, js, python)
  --rounds N             raw and Rust SDK cells are measured N times (alternating); the best counts
  --driver NAME=COMMAND  an extra client: COMMAND (split on spaces) follows the driver protocol
                         described in xtask/src/bench.rs; e.g. --driver python='python3 bench.py'";

// ---------------------------------------------------------------------------------------
// Options

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Scenario {
    Get,
    Session,
    Signup,
}

impl Scenario {
    const ALL: [Self; 3] = [Self::Get, Self::Session, Self::Signup];

    fn name(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Session => "session",
            Self::Signup => "signup",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::Get => "GET /users/{id} (user session token)",
            Self::Session => "POST /session (application session)",
            Self::Signup => "POST /users sign-up (CB-AuthKey, unique login per call)",
        }
    }

    fn parse(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.name() == text)
            .ok_or_else(|| anyhow!("unknown scenario '{text}' (get, session, signup)"))
    }
}

/// One measurement: sequential latency, or throughput at a number of calls in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Sequential,
    Throughput(usize),
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Self::Sequential => "sequential",
            Self::Throughput(_) => "throughput",
        }
    }

    fn concurrency(self) -> usize {
        match self {
            Self::Sequential => 1,
            Self::Throughput(c) => c,
        }
    }
}

/// An external driver: a name and the command that runs it.
#[derive(Debug, Clone)]
struct DriverSpec {
    name: String,
    program: String,
    args: Vec<String>,
    env: Vec<(String, PathBuf)>,
}

#[derive(Debug, Clone)]
struct Options {
    seconds: f64,
    warmup: f64,
    requests: u64,
    warmup_requests: u64,
    concurrency: Vec<usize>,
    scenarios: Vec<Scenario>,
    /// `None`: raw, sdk, js, kotlin, swift, python and every `--driver`.
    clients: Option<Vec<String>>,
    drivers: Vec<DriverSpec>,
    client_threads: usize,
    /// Measurements of each in-process client per cell, alternating; the best one counts.
    rounds: usize,
    burst: bool,
    /// The `cargo xtask footprint` section, for the clients asked for.
    footprint: bool,
    check: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self> {
        let mut options = Self {
            seconds: 3.0,
            warmup: 1.0,
            requests: 10_000,
            warmup_requests: 1_000,
            concurrency: vec![1, 16, 64, 256],
            scenarios: Scenario::ALL.to_vec(),
            clients: None,
            drivers: Vec::new(),
            client_threads: 2,
            rounds: 2,
            burst: true,
            footprint: true,
            check: false,
        };
        let mut flags = crate::util::Flags::new(args, USAGE);
        while let Some(flag) = flags.next_flag() {
            match flag.as_str() {
                "--seconds" => options.seconds = flags.number()?,
                "--warmup" => options.warmup = flags.number()?,
                "--requests" => options.requests = flags.number()?,
                "--warmup-requests" => options.warmup_requests = flags.number()?,
                "--client-threads" => options.client_threads = flags.number()?,
                "--rounds" => options.rounds = flags.number()?,
                "--concurrency" => {
                    options.concurrency = split_list(&flags.value()?)
                        .map(|c| crate::util::parse_number(&flag, c))
                        .collect::<Result<_>>()?;
                }
                "--scenarios" => {
                    options.scenarios = split_list(&flags.value()?)
                        .map(Scenario::parse)
                        .collect::<Result<_>>()?;
                }
                "--clients" => options.clients = Some(split_list(&flags.value()?).map(str::to_owned).collect()),
                "--driver" => options.drivers.push(parse_driver(&flags.value()?)?),
                "--no-burst" => options.burst = false,
                "--no-footprint" => options.footprint = false,
                "--check" => options.check = true,
                _ => return Err(flags.unknown()),
            }
        }
        let valid_seconds = options.seconds > 0.0 && options.seconds.is_finite();
        let valid_warmup = options.warmup >= 0.0 && options.warmup.is_finite();
        if !(valid_seconds && valid_warmup) {
            bail!("--seconds must be > 0 and --warmup >= 0");
        }
        if options.requests == 0
            || options.client_threads == 0
            || options.rounds == 0
            || options.concurrency.contains(&0)
        {
            bail!("--requests, --client-threads, --rounds and every --concurrency must be at least 1");
        }
        if options.scenarios.is_empty() {
            bail!("--scenarios is empty");
        }
        Ok(options)
    }

    fn wants(&self, client: &str) -> bool {
        self.clients
            .as_ref()
            .is_none_or(|clients| clients.iter().any(|c| c == client))
    }

    fn modes(&self) -> Vec<Mode> {
        std::iter::once(Mode::Sequential)
            .chain(self.concurrency.iter().map(|&c| Mode::Throughput(c)))
            .collect()
    }
}

fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}

fn parse_driver(text: &str) -> Result<DriverSpec> {
    let (name, command) = text
        .split_once('=')
        .ok_or_else(|| anyhow!("--driver expects NAME=COMMAND, got '{text}'"))?;
    let mut words = command.split_whitespace().map(str::to_owned);
    let program = words
        .next()
        .ok_or_else(|| anyhow!("--driver {name}: the command is empty"))?;
    let built_in = ["raw", "sdk", "js"].contains(&name) || crate::bench_drivers::CLIENTS.contains(&name);
    if name.is_empty() || built_in {
        bail!("--driver: '{name}' is not a free client name");
    }
    Ok(DriverSpec {
        name: name.to_owned(),
        program,
        args: words.collect(),
        env: Vec::new(),
    })
}

// ---------------------------------------------------------------------------------------
// Records

/// One measurement of one client: what every driver prints as one JSON line.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    client: String,
    scenario: String,
    mode: String,
    concurrency: usize,
    /// Successful calls completed in the measured part.
    requests: u64,
    #[serde(default)]
    errors: u64,
    seconds: f64,
    rps: f64,
    p50_us: f64,
    p99_us: f64,
    #[serde(default)]
    first_error: Option<String>,
    /// Which of the alternating rounds (in-process clients; drivers run once).
    #[serde(default)]
    round: usize,
    /// CPU time per successful call in the measured part (user + system, all threads): of
    /// the client process (in-process clients only) and of the emulator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_cpu_us: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    emulator_cpu_us: Option<f64>,
}

impl Record {
    fn failed(client: &str, scenario: Scenario, mode: Mode, error: String) -> Self {
        Self {
            client: client.to_owned(),
            scenario: scenario.name().to_owned(),
            mode: mode.name().to_owned(),
            concurrency: mode.concurrency(),
            requests: 0,
            errors: 1,
            seconds: 0.0,
            rps: 0.0,
            p50_us: 0.0,
            p99_us: 0.0,
            first_error: Some(error),
            round: 0,
            client_cpu_us: None,
            emulator_cpu_us: None,
        }
    }

    fn is(&self, client: &str, scenario: Scenario, mode: Mode) -> bool {
        self.client == client
            && self.scenario == scenario.name()
            && self.mode == mode.name()
            && (mode == Mode::Sequential || self.concurrency == mode.concurrency())
    }
}

/// Latencies and errors of one client's calls, merged over its workers.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    /// Wall time of the measured part.
    seconds: f64,
    /// CPU used in the measured part.
    cpu: Option<CpuUse>,
    errors: u64,
    first_error: Option<String>,
}

impl Tally {
    fn error(&mut self, what: String) {
        self.errors += 1;
        self.first_error.get_or_insert(what);
    }

    fn merge(&mut self, other: Self) {
        self.latencies_us.extend_from_slice(&other.latencies_us);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn into_record(mut self, client: &str, scenario: Scenario, mode: Mode) -> Record {
        self.latencies_us.sort_unstable();
        let seconds = self.seconds;
        let requests = self.latencies_us.len() as u64;
        Record {
            client: client.to_owned(),
            scenario: scenario.name().to_owned(),
            mode: mode.name().to_owned(),
            concurrency: mode.concurrency(),
            requests,
            errors: self.errors,
            seconds,
            rps: if seconds > 0.0 { requests as f64 / seconds } else { 0.0 },
            p50_us: f64::from(percentile(&self.latencies_us, 50.0)),
            p99_us: f64::from(percentile(&self.latencies_us, 99.0)),
            first_error: self.first_error,
            round: 0,
            client_cpu_us: self.cpu.and_then(|c| per_call(c.client, requests)),
            emulator_cpu_us: self.cpu.and_then(|c| per_call(c.emulator, requests)),
        }
    }
}

fn per_call(cpu: Option<Duration>, calls: u64) -> Option<f64> {
    let cpu = cpu?;
    (calls > 0).then(|| (cpu.as_secs_f64() * 1e6 / calls as f64 * 10.0).round() / 10.0)
}

/// Cumulative CPU time (user + system, all threads) of this process and of the emulator.
#[derive(Clone, Copy)]
struct CpuSample {
    client: Option<Duration>,
    emulator: Option<Duration>,
}

impl CpuSample {
    fn take(emulator_pid: u32) -> Self {
        Self {
            client: process_cpu("/proc/self/stat"),
            emulator: process_cpu(&format!("/proc/{emulator_pid}/stat")),
        }
    }
}

/// CPU time spent between two samples.
#[derive(Clone, Copy)]
struct CpuUse {
    client: Option<Duration>,
    emulator: Option<Duration>,
}

impl CpuUse {
    fn between(before: CpuSample, after: CpuSample) -> Self {
        let spent = |a: Option<Duration>, b: Option<Duration>| Some(b?.saturating_sub(a?));
        Self {
            client: spent(before.client, after.client),
            emulator: spent(before.emulator, after.emulator),
        }
    }
}

/// utime + stime from `/proc/PID/stat` (Linux only; `None` elsewhere or on any surprise).
fn process_cpu(stat_path: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(stat_path).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: split after it.
    // Then field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    // In USER_HZ ticks, which is 100 on every Linux architecture Rust targets.
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

// ---------------------------------------------------------------------------------------
// The run

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
    External(DriverSpec),
    /// One of our bindings (`bench_drivers.rs`): a driver that joins the sequential rounds.
    Binding(DriverSpec),
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

pub fn run(args: &[String]) -> Result<()> {
    // `cargo xtask` builds xtask in debug; a debug client would measure itself.
    if cfg!(debug_assertions) {
        return crate::util::rerun_in_release("bench", args);
    }
    let options = Options::parse(args)?;
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
    if options.wants("js") {
        match js_driver() {
            Ok(spec) => clients.push(Client::External(spec)),
            Err(error) => {
                eprintln!("warning: the JS SDK is skipped: {error:#}");
                skipped.push(format!("js: {error:#}"));
            }
        }
    }
    let bindings: Vec<&str> = crate::bench_drivers::CLIENTS
        .into_iter()
        .filter(|name| options.wants(name))
        .collect();
    if !bindings.is_empty() {
        clients.extend(binding_clients(&bindings));
    }
    for spec in &options.drivers {
        if options.wants(&spec.name) {
            clients.push(Client::External(spec.clone()));
        }
    }
    if clients.is_empty() {
        bail!("no client to measure (--clients)");
    }

    crate::util::step("building the emulator (release)");
    let binary = crate::util::build_emulator(true)?;
    crate::util::step("starting the emulator");
    let emulator = EmulatorProcess::start(&binary, &["--log", "warn"])?;
    eprintln!("emulator at {}", emulator.url);

    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.client_threads)
        .enable_all()
        .build()
        .context("cannot build the tokio runtime")?;
    let raw = raw_client()?;
    let target = tokio.block_on(prepare(&raw, &emulator))?;
    eprintln!("benchmark user {} (login {BENCH_LOGIN})", target.user_id);
    let decode = tokio.block_on(decode_cost(&raw, &target));

    let mut records = Vec::new();
    let mut burst = None;
    for scenario in Scenario::ALL {
        if scenario == Scenario::Session && options.burst {
            crate::util::step(&format!(
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
                crate::util::step(&format!("{}: {what}{round_label}", client.name()));
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
    drop(tokio);
    drop(emulator);

    let report = Report {
        options: &options,
        clients: clients.iter().map(|c| c.name().to_owned()).collect(),
        skipped,
        records,
        burst,
        decode,
        elapsed: started.elapsed(),
    };
    // After the rest, on its own HTTPS emulator: nothing else runs while it measures.
    let footprint = options
        .footprint
        .then(|| crate::footprint::bench_section(|client| options.wants(client)));
    let mut markdown = report.markdown();
    if let Some(footprint) = &footprint {
        markdown.push_str(&footprint.markdown);
    }
    let dir = crate::util::workspace_root().join("target").join("bench");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let md_path = dir.join("bench.md");
    std::fs::write(&md_path, &markdown).with_context(|| format!("cannot write {}", md_path.display()))?;
    let json_path = dir.join("bench.json");
    let mut json = report.json();
    if let Some(footprint) = &footprint {
        json["footprint"] = footprint.json.clone();
    }
    let text = serde_json::to_string_pretty(&json).context("cannot encode the report")?;
    std::fs::write(&json_path, text + "\n").with_context(|| format!("cannot write {}", json_path.display()))?;
    print_report(&markdown).context("cannot write the report to stdout")?;
    eprintln!("wrote {} and {}", md_path.display(), json_path.display());

    let errors: u64 = report.records.iter().map(|r| r.errors).sum();
    if errors > 0 {
        bail!("{errors} call(s) failed during the benchmark; those figures are not valid");
    }
    let footprint_missed = footprint.as_ref().is_some_and(|f| !f.all_met);
    if options.check && (footprint_missed || !report.targets().iter().all(|t| t.pass)) {
        bail!("a target was missed (see the table above)");
    }
    Ok(())
}

fn print_report(markdown: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(markdown.as_bytes())?;
    out.flush()
}

// ---------------------------------------------------------------------------------------
// Raw reqwest: the limit

fn raw_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .tcp_nodelay(true)
        .no_proxy()
        .build()
        .context("cannot build the reqwest client")
}

/// The headers the SDK sends on every call; `CB-Token` or `CB-AuthKey` added per scenario.
fn sdk_headers(extra: Option<(&'static str, &str)>) -> Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    headers.insert("CB-SDK", HeaderValue::from_static(SDK_HEADER));
    headers.insert("ConnectyCube-REST-API-Version", HeaderValue::from_static("0.1.1"));
    headers.insert("Accept", HeaderValue::from_static("application/json"));
    if let Some((name, value)) = extra {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(value).context("not a header value")?,
        );
    }
    Ok(headers)
}

fn session_body(credentials: Option<(&str, &str)>) -> String {
    let mut body = json!({"application_id": APP_ID, "auth_key": AUTH_KEY});
    if let Some((login, password)) = credentials {
        body["user"] = json!({"login": login, "password": password});
    }
    body.to_string()
}

/// A user session for the benchmark user (created by the emulator on first use).
async fn prepare(raw: &reqwest::Client, emulator: &EmulatorProcess) -> Result<Target> {
    let response = raw
        .post(format!("{}/session", emulator.url))
        .headers(sdk_headers(None)?)
        .header("content-type", "application/json")
        .body(session_body(Some((BENCH_LOGIN, BENCH_PASSWORD))))
        .send()
        .await
        .context("POST /session")?;
    let status = response.status();
    let body = response.bytes().await.context("POST /session: body")?;
    if !status.is_success() {
        bail!("POST /session answered {status}: {}", String::from_utf8_lossy(&body));
    }
    let session: Value = serde_json::from_slice(&body).context("POST /session: invalid JSON")?;
    let token = session
        .pointer("/session/token")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("POST /session: no session.token"))?;
    let user_id = session
        .pointer("/session/user_id")
        .and_then(Value::as_u64)
        .ok_or_else(|| anyhow!("POST /session: no session.user_id"))?;
    Ok(Target {
        url: emulator.url.clone(),
        addr: emulator.addr,
        token: token.to_owned(),
        user_id,
        emulator_pid: emulator.pid(),
    })
}

/// A call of the control API; its JSON answer.
async fn control(raw: &reqwest::Client, target: &Target, method: reqwest::Method, route: &str) -> Result<Value> {
    crate::emulator_process::control(raw, &target.url, method, route, None).await
}

/// Sends the request and reads the answer to the end; an error unless the status is a success.
async fn checked(request: reqwest::RequestBuilder) -> Result<(), String> {
    let response = request.send().await.map_err(|e| e.without_url().to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.without_url().to_string())?;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("answer {status}: {}", String::from_utf8_lossy(&body)))
    }
}

async fn measure_raw(
    raw: &reqwest::Client,
    target: &Target,
    scenario: Scenario,
    mode: Mode,
    options: &Options,
) -> Result<Record> {
    let raw = raw.clone();
    let tally = match scenario {
        Scenario::Get => {
            let url: Arc<str> = format!("{}/users/{}", target.url, target.user_id).into();
            let headers = sdk_headers(Some(("cb-token", &target.token)))?;
            drive(mode, options, target.emulator_pid, move |_| {
                let request = raw.get(&*url).headers(headers.clone());
                checked(request)
            })
            .await
        }
        Scenario::Session => {
            let url: Arc<str> = format!("{}/session", target.url).into();
            let mut headers = sdk_headers(None)?;
            headers.insert("content-type", HeaderValue::from_static("application/json"));
            let body = bytes::Bytes::from(session_body(None));
            drive(mode, options, target.emulator_pid, move |_| {
                let request = raw.post(&*url).headers(headers.clone()).body(body.clone());
                checked(request)
            })
            .await
        }
        Scenario::Signup => {
            let url: Arc<str> = format!("{}/users", target.url).into();
            let mut headers = sdk_headers(Some(("cb-authkey", AUTH_KEY)))?;
            headers.insert("content-type", HeaderValue::from_static("application/json"));
            let prefix = login_prefix("raw", mode);
            drive(mode, options, target.emulator_pid, move |n| {
                let body = json!({"user": {"login": format!("{prefix}{n}"), "password": BENCH_PASSWORD}});
                let request = raw.post(&*url).headers(headers.clone()).body(body.to_string());
                checked(request)
            })
            .await
        }
    }?;
    Ok(tally.into_record("raw", scenario, mode))
}

// ---------------------------------------------------------------------------------------
// The Rust SDK

fn sdk_client(url: &str) -> Result<ConnectyCube> {
    ConnectyCube::builder(APP_ID, AUTH_KEY)
        .api_endpoint(url)
        .build()
        .map_err(|e| anyhow!("cannot build the SDK client: {e}"))
}

async fn measure_sdk(target: &Target, scenario: Scenario, mode: Mode, options: &Options) -> Result<Record> {
    let cc = sdk_client(&target.url)?;
    let tally = match scenario {
        Scenario::Get => {
            cc.auth()
                .create_session(Some(Credentials::login(BENCH_LOGIN, BENCH_PASSWORD)))
                .await
                .map_err(|e| anyhow!("SDK user session: {e}"))?;
            let id = target.user_id;
            drive(mode, options, target.emulator_pid, move |_| {
                let cc = cc.clone();
                async move { cc.users().get(id).await.map(drop).map_err(|e| e.to_string()) }
            })
            .await
        }
        Scenario::Session => {
            drive(mode, options, target.emulator_pid, move |_| {
                let cc = cc.clone();
                async move {
                    cc.auth()
                        .create_session(None)
                        .await
                        .map(drop)
                        .map_err(|e| e.to_string())
                }
            })
            .await
        }
        Scenario::Signup => {
            let prefix = login_prefix("sdk", mode);
            drive(mode, options, target.emulator_pid, move |n| {
                let cc = cc.clone();
                let user = NewUser::with_login(format!("{prefix}{n}"), BENCH_PASSWORD);
                async move { cc.users().sign_up(user).await.map(drop).map_err(|e| e.to_string()) }
            })
            .await
        }
    }?;
    Ok(tally.into_record("sdk", scenario, mode))
}

/// Unique per client and measurement (the emulator is reset between sign-up measurements
/// anyway); at most 3 + 4 + 1 + 10 characters, well inside the 70 allowed.
fn login_prefix(client: &str, mode: Mode) -> String {
    format!("{client}{}x", mode.concurrency())
}

// ---------------------------------------------------------------------------------------
// The measurement loop of the in-process clients

/// The measured part of a run, shared by the workers.
#[derive(Clone, Copy)]
struct Window {
    measure_from: Instant,
    end: Instant,
}

/// Runs `call(n)` (n: a process-wide counter, for unique logins) sequentially or with
/// `concurrency` calls in flight, each worker a task of its own; latencies in µs.
async fn drive<F, Fut>(mode: Mode, options: &Options, emulator_pid: u32, call: F) -> Result<Tally>
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    let call = Arc::new(call);
    let counter = Arc::new(AtomicU64::new(0));
    match mode {
        Mode::Sequential => {
            let (warmup, requests) = (options.warmup_requests, options.requests);
            let handle = tokio::spawn(async move {
                let mut tally = Tally {
                    latencies_us: Vec::with_capacity(requests as usize),
                    ..Tally::default()
                };
                let mut measured_from = Instant::now();
                let mut cpu_before = CpuSample::take(emulator_pid);
                for i in 0..warmup + requests {
                    if i == warmup {
                        measured_from = Instant::now();
                        cpu_before = CpuSample::take(emulator_pid);
                    }
                    let started = Instant::now();
                    let outcome = call(counter.fetch_add(1, Ordering::Relaxed)).await;
                    let micros = started.elapsed().as_micros();
                    match outcome {
                        Ok(()) if i >= warmup => tally.latencies_us.push(u32::try_from(micros).unwrap_or(u32::MAX)),
                        Ok(()) => {}
                        Err(error) => tally.error(error),
                    }
                }
                tally.seconds = measured_from.elapsed().as_secs_f64();
                tally.cpu = Some(CpuUse::between(cpu_before, CpuSample::take(emulator_pid)));
                tally
            });
            handle.await.map_err(|e| anyhow!("the load task failed: {e}"))
        }
        Mode::Throughput(concurrency) => {
            let start = Instant::now();
            let window = Window {
                measure_from: start + Duration::from_secs_f64(options.warmup),
                end: start + Duration::from_secs_f64(options.warmup + options.seconds),
            };
            let expected = (options.seconds * 100_000.0) as usize / concurrency;
            // CPU of both processes over the measured window: what each call costs.
            let sampler = tokio::spawn(async move {
                tokio::time::sleep_until(window.measure_from.into()).await;
                let before = CpuSample::take(emulator_pid);
                tokio::time::sleep_until(window.end.into()).await;
                CpuUse::between(before, CpuSample::take(emulator_pid))
            });
            let workers: Vec<_> = (0..concurrency)
                .map(|_| {
                    let call = call.clone();
                    let counter = counter.clone();
                    tokio::spawn(async move {
                        let mut tally = Tally {
                            latencies_us: Vec::with_capacity(expected),
                            ..Tally::default()
                        };
                        loop {
                            let started = Instant::now();
                            if started >= window.end {
                                break;
                            }
                            let outcome = call(counter.fetch_add(1, Ordering::Relaxed)).await;
                            let done = Instant::now();
                            match outcome {
                                Ok(()) if done >= window.measure_from && done < window.end => {
                                    let micros = done.duration_since(started).as_micros();
                                    tally.latencies_us.push(u32::try_from(micros).unwrap_or(u32::MAX));
                                }
                                Ok(()) => {}
                                Err(error) => tally.error(error),
                            }
                        }
                        tally
                    })
                })
                .collect();
            let mut total = Tally {
                seconds: options.seconds,
                ..Tally::default()
            };
            let deadline = tokio::time::Instant::from_std(window.end + DRIVER_GRACE);
            for handle in workers {
                let abort = handle.abort_handle();
                match tokio::time::timeout_at(deadline, handle).await {
                    Ok(Ok(tally)) => total.merge(tally),
                    Ok(Err(error)) => bail!("a load task failed: {error}"),
                    Err(_) => {
                        abort.abort();
                        bail!("a call was still unanswered {DRIVER_GRACE:?} after the window");
                    }
                }
            }
            total.cpu = sampler.await.ok();
            Ok(total)
        }
    }
}

// ---------------------------------------------------------------------------------------
// External drivers

/// The JS SDK's driver: node, the script in `xtask/bench/`, the SDK installed in the cache.
fn js_driver() -> Result<DriverSpec> {
    let script = crate::util::workspace_root().join(JS_DRIVER);
    if !script.is_file() {
        bail!("{} is missing", script.display());
    }
    let node = Command::new("node")
        .arg("--version")
        .output()
        .context("node is not installed")?;
    if !node.status.success() {
        bail!("node --version failed");
    }
    let sdk_dir = crate::js_compat::sdk_dir()?;
    Ok(DriverSpec {
        name: "js".to_owned(),
        program: "node".to_owned(),
        args: vec![script.to_string_lossy().into_owned()],
        env: vec![("CONNECTYCUBE_JS_SDK_DIR".to_owned(), sdk_dir)],
    })
}

/// Our bindings' drivers, built against the release FFI library (`bench_drivers.rs`). A client
/// whose driver cannot be built stays in the run with the reason, so its row says why.
fn binding_clients(names: &[&str]) -> Vec<Client> {
    crate::util::step("the bindings' bench drivers: the release FFI library");
    let library = crate::bench_drivers::release_library();
    names
        .iter()
        .map(|&name| {
            let launch = match &library {
                Ok(library) => {
                    crate::util::step(&format!("the {name} bench driver"));
                    crate::bench_drivers::prepare(name, library)
                }
                Err(error) => Err(anyhow!("the release FFI library: {error:#}")),
            };
            match launch {
                Ok(launch) => Client::Binding(DriverSpec {
                    name: name.to_owned(),
                    program: launch.program,
                    args: launch.args,
                    env: launch.env,
                }),
                Err(error) => {
                    eprintln!("warning: the {name} client cannot be measured: {error:#}");
                    Client::Unavailable {
                        name: name.to_owned(),
                        reason: format!("{error:#}"),
                    }
                }
            }
        })
        .collect()
}

/// One measurement by an external driver: its command with the protocol's arguments; the
/// last line of its stdout is the record.
fn run_driver(spec: &DriverSpec, target: &Target, scenario: Scenario, mode: Mode, options: &Options) -> Result<Record> {
    let mut command = Command::new(&spec.program);
    command
        .args(&spec.args)
        .args(["--url", &target.url, "--token", &target.token])
        .args(["--user-id", &target.user_id.to_string()])
        .args(["--scenario", scenario.name(), "--mode", mode.name()])
        .args(["--concurrency", &mode.concurrency().to_string()])
        .args(["--requests", &options.requests.to_string()])
        .args(["--warmup-requests", &options.warmup_requests.to_string()])
        .args(["--seconds", &options.seconds.to_string()])
        .args(["--warmup", &options.warmup.to_string()])
        .args(["--login-prefix", &login_prefix(&spec.name, mode)])
        .current_dir(crate::util::workspace_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (name, value) in &spec.env {
        command.env(name, value);
    }
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start the {} driver ({})", spec.name, spec.program))?;
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stdout) = stdout {
            let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        }
        text
    });
    // Generous: sequential runs have no fixed duration (a slow client takes longer).
    let deadline = Instant::now() + Duration::from_secs_f64(options.warmup + options.seconds) + DRIVER_GRACE;
    let status = loop {
        if let Some(status) = child.try_wait().context("waiting for the driver")? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("the {} driver did not finish in time", spec.name);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = reader
        .join()
        .map_err(|_| anyhow!("the {} driver's output reader failed", spec.name))?;
    if !status.success() {
        bail!("the {} driver exited with {status}", spec.name);
    }
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .ok_or_else(|| anyhow!("the {} driver printed nothing", spec.name))?;
    let mut record: Record =
        serde_json::from_str(line).with_context(|| format!("the {} driver printed {line:?}", spec.name))?;
    if record.client != spec.name || !record.is(&spec.name, scenario, mode) {
        eprintln!(
            "warning: the {} driver labelled its record {}/{}/{}/{}",
            spec.name, record.client, record.scenario, record.mode, record.concurrency
        );
        record.client = spec.name.clone();
        record.scenario = scenario.name().to_owned();
        record.mode = mode.name().to_owned();
        record.concurrency = mode.concurrency();
    }
    Ok(record)
}

// ---------------------------------------------------------------------------------------
// 1,000 concurrent calls on one client

#[derive(Debug, Clone, Serialize)]
struct Burst {
    calls: usize,
    errors: usize,
    first_error: Option<String>,
    /// `POST /session` answered during the burst.
    session_posts: u64,
    /// `GET /users/{id}` answered during the burst.
    gets: u64,
    connections_opened: usize,
    peak_open: usize,
    elapsed_ms: f64,
}

impl Burst {
    fn pass(&self) -> bool {
        self.errors == 0 && self.session_posts == 1 && self.gets == self.calls as u64
    }
}

/// Connections through a forwarding proxy: how many were opened, how many were open at once.
#[derive(Default)]
struct ConnectionCount {
    opened: AtomicUsize,
    open: AtomicUsize,
    peak: AtomicUsize,
}

async fn counting_proxy(upstream: SocketAddr) -> Result<(SocketAddr, Arc<ConnectionCount>)> {
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

fn stat(stats: &Value, route: &str) -> u64 {
    stats
        .get("requests")
        .and_then(|r| r.get(route))
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

/// What the typed decode of the `GET /users/{id}` answer (`{"user":{..}}` into the SDK's
/// `User`, as the SDK does it) costs alone: part of the SDK's CPU per call that a raw call,
/// which returns bytes, does not spend.
async fn decode_cost(raw: &reqwest::Client, target: &Target) -> Result<f64> {
    #[derive(Deserialize)]
    struct Envelope {
        user: connectycube::User,
    }
    const DECODES: u32 = 20_000;
    let body = raw
        .get(format!("{}/users/{}", target.url, target.user_id))
        .headers(sdk_headers(Some(("cb-token", &target.token)))?)
        .send()
        .await
        .context("GET /users/{id}")?
        .bytes()
        .await
        .context("GET /users/{id}: body")?;
    let started = Instant::now();
    for _ in 0..DECODES {
        let envelope: Envelope = serde_json::from_slice(std::hint::black_box(&body)).context("decode")?;
        std::hint::black_box(envelope.user);
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / f64::from(DECODES))
}

async fn burst_test(raw: &reqwest::Client, target: &Target) -> Result<Burst> {
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

// ---------------------------------------------------------------------------------------
// Report

struct TargetCheck {
    name: String,
    measured: String,
    pass: bool,
}

struct Report<'a> {
    options: &'a Options,
    clients: Vec<String>,
    skipped: Vec<String>,
    records: Vec<Record>,
    burst: Option<std::result::Result<Burst, String>>,
    /// CPU per typed decode of the `GET /users/{id}` answer, µs.
    decode: Result<f64>,
    elapsed: Duration,
}

fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "MISS" }
}

fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn micros(value: f64) -> String {
    if value >= 10_000.0 {
        format!("{:.1} ms", value / 1000.0)
    } else {
        format!("{value:.0} µs")
    }
}

impl Report<'_> {
    /// The cell's figure: of its rounds, the lowest p50 (sequential) or the highest
    /// throughput. Interference from other processes only ever slows a round down.
    fn find(&self, client: &str, scenario: Scenario, mode: Mode) -> Option<&Record> {
        let rounds = self
            .records
            .iter()
            .filter(|r| r.is(client, scenario, mode) && r.requests > 0);
        match mode {
            Mode::Sequential => rounds.min_by(|a, b| a.p50_us.total_cmp(&b.p50_us)),
            Mode::Throughput(_) => rounds.max_by(|a, b| a.rps.total_cmp(&b.rps)),
        }
    }

    fn targets(&self) -> Vec<TargetCheck> {
        let mut checks = Vec::new();
        for &scenario in &self.options.scenarios {
            let pair = |mode| Some((self.find("sdk", scenario, mode)?, self.find("raw", scenario, mode)?));
            if let Some((sdk, raw)) = pair(Mode::Sequential) {
                let over = sdk.p50_us / raw.p50_us - 1.0;
                checks.push(TargetCheck {
                    name: format!("{}: Rust SDK p50 within 5 % of raw reqwest", scenario.name()),
                    measured: format!(
                        "{} vs {} ({:+.1} %, {:+.0} µs)",
                        micros(sdk.p50_us),
                        micros(raw.p50_us),
                        over * 100.0,
                        sdk.p50_us - raw.p50_us
                    ),
                    pass: over <= SDK_OVERHEAD_MAX,
                });
            }
            for &c in &self.options.concurrency {
                if let Some((sdk, raw)) = pair(Mode::Throughput(c)) {
                    let ratio = sdk.rps / raw.rps;
                    checks.push(TargetCheck {
                        name: format!(
                            "{}: Rust SDK throughput within 5 % of raw reqwest at {c} in flight",
                            scenario.name()
                        ),
                        measured: format!(
                            "{} vs {} req/s ({:+.1} %)",
                            thousands(sdk.rps),
                            thousands(raw.rps),
                            (ratio - 1.0) * 100.0
                        ),
                        pass: ratio >= 1.0 - SDK_OVERHEAD_MAX,
                    });
                }
            }
            checks.extend(self.binding_checks(scenario));
            let mode = Mode::Throughput(JS_FACTOR_CONCURRENCY);
            if let (Some(sdk), Some(js)) = (self.find("sdk", scenario, mode), self.find("js", scenario, mode)) {
                let factor = sdk.rps / js.rps;
                checks.push(TargetCheck {
                    name: format!(
                        "{}: Rust SDK ≥ 3× the JS SDK's throughput at {JS_FACTOR_CONCURRENCY} in flight",
                        scenario.name()
                    ),
                    measured: format!("{} vs {} req/s ({factor:.2}×)", thousands(sdk.rps), thousands(js.rps)),
                    pass: factor >= JS_FACTOR_MIN,
                });
            }
        }
        match &self.burst {
            Some(Ok(burst)) => {
                checks.push(TargetCheck {
                    name: format!("{BURST_CALLS} concurrent calls on one client: no error, one POST /session"),
                    measured: format!(
                        "{} errors, {} POST /session, {} GET answered",
                        burst.errors, burst.session_posts, burst.gets
                    ),
                    pass: burst.pass(),
                });
                checks.push(TargetCheck {
                    name: format!(
                        "{BURST_CALLS} concurrent calls on one client: connections bounded by the pool (≤ {SDK_POOL_IDLE_MAX})"
                    ),
                    measured: format!(
                        "{} opened, at most {} open at once",
                        burst.connections_opened, burst.peak_open
                    ),
                    pass: burst.peak_open <= SDK_POOL_IDLE_MAX,
                });
            }
            Some(Err(error)) => checks.push(TargetCheck {
                name: format!("{BURST_CALLS} concurrent calls on one client"),
                measured: format!("could not run: {error}"),
                pass: false,
            }),
            None => {}
        }
        checks
    }

    /// Kotlin and Swift within [`BINDING_P50_MAX_US`] of the Rust SDK's sequential p50 (when
    /// both were asked for); a binding without a figure is a MISS saying why.
    fn binding_checks(&self, scenario: Scenario) -> Vec<TargetCheck> {
        if !self.clients.iter().any(|c| c == "sdk") {
            return Vec::new();
        }
        let sdk = self.find("sdk", scenario, Mode::Sequential);
        BINDING_TARGET_CLIENTS
            .into_iter()
            .filter(|client| self.clients.iter().any(|c| c == client))
            .map(|client| {
                let name = format!(
                    "{}: {} p50 within {BINDING_P50_MAX_US:.0} µs of the Rust SDK",
                    scenario.name(),
                    client_label(client)
                );
                match (self.find(client, scenario, Mode::Sequential), sdk) {
                    (Some(binding), Some(sdk)) => {
                        let over = binding.p50_us - sdk.p50_us;
                        TargetCheck {
                            name,
                            measured: format!("{} vs {} ({over:+.0} µs)", micros(binding.p50_us), micros(sdk.p50_us)),
                            pass: over <= BINDING_P50_MAX_US,
                        }
                    }
                    (binding, _) => {
                        let who = if binding.is_none() { client } else { "sdk" };
                        let why = self
                            .records
                            .iter()
                            .filter(|r| r.is(who, scenario, Mode::Sequential))
                            .find_map(|r| r.first_error.clone())
                            .unwrap_or_else(|| "no successful call".to_owned());
                        TargetCheck {
                            name,
                            measured: format!("{} not measured: {why}", client_label(who)),
                            pass: false,
                        }
                    }
                }
            })
            .collect()
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        let o = self.options;
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        out.push_str(&format!(
            "\n## SDK benchmark: `cargo xtask bench` ({} cores shared by the clients and the emulator, release builds, loopback)\n\n",
            cores
        ));
        out.push_str(&format!(
            "Sequential: {} calls after {} warm-up calls, one in flight. Throughput: {} s measured after {} s warm-up at each concurrency. \
Raw reqwest and the Rust SDK: best of {} alternating rounds per cell; the bindings: the same rounds in sequential mode, \
one per throughput cell; other clients: one round. \
Ratios (×) are against raw reqwest in the same cell: latency ratio below 1 is faster, throughput ratio above 1 is faster. \
Clients: {}.\n",
            o.requests,
            o.warmup_requests,
            o.seconds,
            o.warmup,
            o.rounds,
            self.clients.join(", ")
        ));
        for skipped in &self.skipped {
            out.push_str(&format!("Skipped: {skipped}\n"));
        }
        // CPU per call is shown at the busiest concurrency up to 64 (where the 2 cores are
        // saturated and a client's CPU per call decides its throughput).
        let cpu_at = o
            .concurrency
            .iter()
            .copied()
            .filter(|&c| c <= JS_FACTOR_CONCURRENCY)
            .max();
        for &scenario in &o.scenarios {
            out.push_str(&format!("\n### {}\n\n", scenario.title()));
            out.push_str("| client | p50 | p99 |");
            for c in &o.concurrency {
                out.push_str(&format!(" req/s @{c} |"));
            }
            if let Some(c) = cpu_at {
                out.push_str(&format!(" CPU per call @{c}: client / emulator |"));
            }
            out.push_str(" errors |\n|---|---:|---:|");
            for _ in &o.concurrency {
                out.push_str("---:|");
            }
            if cpu_at.is_some() {
                out.push_str("---:|");
            }
            out.push_str("---:|\n");
            for client in &self.clients {
                let raw_seq = self.find("raw", scenario, Mode::Sequential);
                let cell_seq = self.find(client, scenario, Mode::Sequential);
                let latency = |value: fn(&Record) -> f64| match cell_seq {
                    Some(r) => match raw_seq {
                        Some(raw) if client != "raw" => {
                            format!("{} ({:.2}×)", micros(value(r)), value(r) / value(raw))
                        }
                        _ => micros(value(r)),
                    },
                    None => "—".to_owned(),
                };
                out.push_str(&format!(
                    "| {} | {} | {} |",
                    client_label(client),
                    latency(|r| r.p50_us),
                    latency(|r| r.p99_us)
                ));
                for &c in &o.concurrency {
                    let mode = Mode::Throughput(c);
                    let cell = match (self.find(client, scenario, mode), self.find("raw", scenario, mode)) {
                        (Some(r), Some(raw)) if client != "raw" => {
                            format!("{} ({:.2}×)", thousands(r.rps), r.rps / raw.rps)
                        }
                        (Some(r), _) => thousands(r.rps),
                        (None, _) => "—".to_owned(),
                    };
                    out.push_str(&format!(" {cell} |"));
                }
                if let Some(c) = cpu_at {
                    let cpu = |v: Option<f64>| v.map_or("—".to_owned(), |us| format!("{us:.1} µs"));
                    let cell = self
                        .find(client, scenario, Mode::Throughput(c))
                        .map_or("—".to_owned(), |r| {
                            format!("{} / {}", cpu(r.client_cpu_us), cpu(r.emulator_cpu_us))
                        });
                    out.push_str(&format!(" {cell} |"));
                }
                let errors: u64 = self
                    .records
                    .iter()
                    .filter(|r| r.client == *client && r.scenario == scenario.name())
                    .map(|r| r.errors)
                    .sum();
                out.push_str(&format!(" {errors} |\n"));
            }
        }
        let failures: Vec<_> = self.records.iter().filter(|r| r.first_error.is_some()).collect();
        if !failures.is_empty() {
            out.push_str("\nErrors:\n");
            // Cells where nothing succeeded (a driver that could not be built or started) are
            // grouped by client and error: one line each, not one per cell.
            let mut dead: Vec<(&str, &str, usize)> = Vec::new();
            for r in failures {
                let error = r.first_error.as_deref().unwrap_or("");
                if r.requests == 0 {
                    match dead.iter_mut().find(|(c, e, _)| *c == r.client && *e == error) {
                        Some(group) => group.2 += 1,
                        None => dead.push((&r.client, error, 1)),
                    }
                    continue;
                }
                out.push_str(&format!(
                    "- {} {} {} @{}: {} error(s), first: {error}\n",
                    r.client, r.scenario, r.mode, r.concurrency, r.errors
                ));
            }
            for (client, error, cells) in dead {
                out.push_str(&format!("- {client}: no successful call in {cells} cell(s): {error}\n"));
            }
        }
        match &self.decode {
            Ok(us) => out.push_str(&format!(
                "\nThe typed decode of the `GET /users/{{id}}` answer into `User` alone costs {us:.2} µs of CPU per call \
(in-process, 20,000 decodes): CPU the Rust SDK spends and a raw call, which returns bytes, does not.\n"
            )),
            Err(error) => out.push_str(&format!("\nThe decode cost could not be measured: {error:#}\n")),
        }
        if let Some(burst) = &self.burst {
            out.push_str(&format!(
                "\n### {BURST_CALLS} concurrent `GET /users/{{id}}` on one fresh Rust SDK client\n\n"
            ));
            match burst {
                Ok(b) => {
                    out.push_str(&format!(
                        "{} calls in {:.0} ms: {} errors, {} `POST /session`, {} `GET /users/{{id}}` answered; \
{} TCP connections opened (at most {} open at once; the SDK pool keeps at most {} idle).\n",
                        b.calls,
                        b.elapsed_ms,
                        b.errors,
                        b.session_posts,
                        b.gets,
                        b.connections_opened,
                        b.peak_open,
                        SDK_POOL_IDLE_MAX
                    ));
                    if let Some(error) = &b.first_error {
                        out.push_str(&format!("First error: {error}\n"));
                    }
                }
                Err(error) => out.push_str(&format!("Could not run: {error}\n")),
            }
        }
        out.push_str("\n### Targets\n\n| target | measured | verdict |\n|---|---|---|\n");
        for check in self.targets() {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                check.name,
                check.measured,
                verdict(check.pass)
            ));
        }
        out.push_str(&format!("\nRun time: {:.0} s.\n", self.elapsed.as_secs_f64()));
        out
    }

    fn json(&self) -> Value {
        let unix_time = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        json!({
            "benchmark": "cargo xtask bench",
            "unix_time": unix_time,
            "git_commit": git_commit(),
            "cores": std::thread::available_parallelism().map_or(1, usize::from),
            "settings": {
                "sequential_requests": self.options.requests,
                "sequential_warmup_requests": self.options.warmup_requests,
                "measured_seconds": self.options.seconds,
                "warmup_seconds": self.options.warmup,
                "concurrency": self.options.concurrency,
                "scenarios": self.options.scenarios,
                "client_threads": self.options.client_threads,
                "rounds": self.options.rounds,
            },
            "clients": self.clients,
            "skipped": self.skipped,
            "records": self.records,
            "user_decode_us": self.decode.as_ref().ok(),
            "burst": match &self.burst {
                Some(Ok(burst)) => json!(burst),
                Some(Err(error)) => json!({"error": error}),
                None => Value::Null,
            },
            "targets": self.targets().iter().map(|t| json!({
                "target": t.name,
                "measured": t.measured,
                "pass": t.pass,
            })).collect::<Vec<_>>(),
            "elapsed_seconds": self.elapsed.as_secs_f64().round(),
        })
    }
}

fn client_label(client: &str) -> String {
    match client {
        "raw" => "raw reqwest (limit)".to_owned(),
        "sdk" => "Rust SDK".to_owned(),
        "js" => "JS SDK 6.x (node)".to_owned(),
        "kotlin" => "Kotlin binding (JVM)".to_owned(),
        "swift" => "Swift binding".to_owned(),
        "python" => "Python binding (asyncio)".to_owned(),
        other => other.to_owned(),
    }
}

/// The checked-out commit, for the JSON record (absent outside a git checkout).
fn git_commit() -> Option<String> {
    let output = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(crate::util::workspace_root())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_the_driver_line() {
        let line = r#"{"client":"js","scenario":"get","mode":"throughput","concurrency":64,"requests":10,"seconds":3,"rps":3.3,"p50_us":120,"p99_us":400}"#;
        let record: Record = serde_json::from_str(line).unwrap();
        assert!(record.is("js", Scenario::Get, Mode::Throughput(64)));
        assert_eq!(record.errors, 0);
        assert_eq!(record.first_error, None);
    }

    #[test]
    fn options_parse_lists_and_drivers() {
        let args: Vec<String> = [
            "--seconds=1",
            "--concurrency",
            "1,64",
            "--clients",
            "raw,sdk",
            "--driver",
            "py=python3 x.py",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let options = Options::parse(&args).unwrap();
        assert_eq!(options.concurrency, vec![1, 64]);
        assert!(options.wants("sdk") && !options.wants("js"));
        assert_eq!(options.drivers[0].program, "python3");
        assert_eq!(
            options.modes(),
            vec![Mode::Sequential, Mode::Throughput(1), Mode::Throughput(64)]
        );
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
    }
}
