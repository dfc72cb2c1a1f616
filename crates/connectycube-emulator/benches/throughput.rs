//! `cargo bench -p connectycube-emulator --bench throughput [-- OPTIONS]` (what `cargo xtask
//! bench-emulator` runs): throughput and latency of the emulator binary (bench profile) for
//! `GET /users/{id}` over N concurrent HTTP/1.1 keep-alive connections; the table on stdout,
//! the figures in `target/bench/emulator.json`.
//!
//! Target: 64 connections on a 2-core machine sustain ≥ 20,000 requests/s with
//! p99 < 5 ms. This is a benchmark, not a test: it prints the figures and whether the
//! targets are met, and exits 0 unless it cannot run (or `--check` is given and a
//! target is missed). Any failed request (non-200 or I/O error) makes the figures
//! meaningless, so it also exits 1 then, after printing the table.
//!
//! The load generator runs in this process and shares the cores with the emulator, so
//! it is kept cheap: one task per connection that polls its own hyper connection (no
//! extra task hop per request), headers built once and shared, bodies counted rather
//! than collected. Both a 2-thread and a single-thread tokio runtime are measured by
//! default; the table shows both and the verdict uses the faster one (both are honest
//! measurements of the same server, they differ only in how much CPU the client takes).

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Body;
use hyper::client::conn::http1;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpStream;

use clap::Parser;
use connectycube_bench::measure::{CpuSample, cores, join_by_deadline, percentile};
use connectycube_bench::report::{git_commit, step, target_dir};

const TARGET_RPS: f64 = 20_000.0;
const TARGET_P99_US: u32 = 5_000;
/// Prepare-phase requests (session creation) must answer within this.
const PREPARE_TIMEOUT: Duration = Duration::from_secs(10);
/// After the measured window ends, workers get this long to finish their last request
/// before the run is declared stuck.
const STOP_GRACE: Duration = Duration::from_secs(10);
const SESSION_BODY: &str =
    r#"{"application_id":1,"auth_key":"29WfrNWdvkhmX6V","user":{"login":"benchuser","password":"benchpass1"}}"#;
/// The emulator's throughput and latency: GET /users/{id} over keep-alive connections.
#[derive(Debug, Clone, Parser)]
#[command(name = "throughput")]
struct Options {
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Measured seconds per client runtime.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// Request path; `{id}` is replaced by the benchmark user's id.
    #[arg(long, default_value = "/users/{id}")]
    path: String,
    /// The load generator's tokio runtime(s).
    #[arg(long = "runtime", value_enum, default_value = "both")]
    runtime: RuntimeChoice,
    #[arg(long, default_value_t = 2)]
    client_threads: usize,
    /// Fail (exit 1) when a target is missed.
    #[arg(long)]
    check: bool,
    /// What `cargo bench` passes to every bench binary.
    #[arg(long, hide = true)]
    bench: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RuntimeChoice {
    Multi,
    Current,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientRuntime {
    MultiThread,
    CurrentThread,
}

impl Options {
    fn runtimes(&self) -> Vec<ClientRuntime> {
        match self.runtime {
            RuntimeChoice::Multi => vec![ClientRuntime::MultiThread],
            RuntimeChoice::Current => vec![ClientRuntime::CurrentThread],
            RuntimeChoice::Both => vec![ClientRuntime::MultiThread, ClientRuntime::CurrentThread],
        }
    }

    fn validate(&self) -> Result<()> {
        if self.connections == 0 || self.client_threads == 0 {
            bail!("--connections and --client-threads must be at least 1");
        }
        let valid_seconds = self.seconds > 0.0 && self.seconds.is_finite();
        let valid_warmup = self.warmup >= 0.0 && self.warmup.is_finite();
        if !(valid_seconds && valid_warmup) {
            bail!("--seconds must be > 0 and --warmup >= 0");
        }
        if !self.path.starts_with('/') {
            bail!("--path must start with '/'");
        }
        Ok(())
    }
}

/// The emulator binary of this package, on a free port; killed on drop.
struct Emulator {
    child: Child,
    addr: SocketAddr,
}

impl Emulator {
    fn start() -> Result<Self> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_connectycube-emulator"))
            .args(["--port", "0", "--log", "warn"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start the emulator")?;
        let mut line = String::new();
        let read = child.stdout.take().map(|out| BufReader::new(out).read_line(&mut line));
        let addr = line
            .trim()
            .strip_prefix("connectycube-emulator listening on http://")
            .and_then(|addr| addr.trim_end_matches('/').parse().ok());
        match (read, addr) {
            (Some(Ok(_)), Some(addr)) => Ok(Self { child, addr }),
            _ => {
                let _ = child.kill();
                bail!("unexpected first line from the emulator: {line:?}")
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // It may have exited already; there is nothing more to do then.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn main() -> std::process::ExitCode {
    connectycube_bench::report::exit("throughput", run(Options::parse()))
}

fn run(options: Options) -> Result<()> {
    options.validate()?;
    let emulator = Emulator::start()?;
    eprintln!("emulator at http://{}", emulator.addr);

    // Everything that talks to the emulator happens while `emulator` is alive; its Drop
    // kills the process on every path out of here, errors and panics included.
    let (target, runs, server_count) = {
        let control = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot build the tokio runtime")?;
        let target = control.block_on(prepare_target(emulator.addr, &options.path))?;
        let mut runs = Vec::new();
        for runtime in options.runtimes() {
            step(&format!(
                "{}: {} connections, {}s warm-up, {}s measured",
                runtime_label(runtime, options.client_threads),
                options.connections,
                options.warmup,
                options.seconds
            ));
            runs.push(measure(runtime, &options, &target, emulator.child.id())?);
        }
        // The emulator's own request count must cover every answer the client saw
        // (a guard against measuring something other than the emulator).
        let server_count = control.block_on(server_request_count(&target));
        (target, runs, server_count)
    };
    drop(emulator);

    let client_count: u64 = runs.iter().map(|r| r.answered).sum();
    match server_count {
        Ok(server) => {
            eprintln!("the emulator counted {server} requests; the load generator received {client_count} answers")
        }
        Err(error) => eprintln!("warning: cannot read the emulator's request count: {error:#}"),
    }
    let report = Report::new(&options, &target, runs);
    report.print().context("cannot write the report to stdout")?;
    let json_path = report.write_json()?;
    eprintln!("wrote {}", json_path.display());
    if report.errors() > 0 {
        bail!(
            "{} request(s) failed during the benchmark; the figures are not valid",
            report.errors()
        );
    }
    if options.check && !report.passed() {
        bail!("the emulator missed its performance target (see the table above)");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Preparation: a session, the user's id, one checked request

/// What every benchmark request carries.
struct Target {
    addr: SocketAddr,
    uri: Uri,
    host: HeaderValue,
    token: HeaderValue,
    user_id: i64,
    /// Body size of one answer (informational).
    response_bytes: usize,
}

async fn prepare_target(addr: SocketAddr, path_template: &str) -> Result<Target> {
    let host = HeaderValue::from_str(&addr.to_string()).context("host header")?;
    let session = Request::builder()
        .method(Method::POST)
        .uri("/session")
        .header(header::HOST, host.clone())
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from_static(SESSION_BODY.as_bytes())))
        .context("cannot build the session request")?;
    let (status, body) = one_request(addr, session).await?;
    if status != StatusCode::CREATED {
        bail!("POST /session answered {status}: {}", String::from_utf8_lossy(&body));
    }
    let (token, user_id) = connectycube_bench::session::token_and_user(&body)?;
    let token = HeaderValue::from_str(&token).context("the session token is not a header value")?;
    let uri: Uri = path_template
        .replace("{id}", &user_id.to_string())
        .parse()
        .context("--path is not a valid request target")?;

    // One request exactly as the workers send it, so a wrong path or token fails here
    // with a readable message instead of as a pile of errors.
    let (status, body) = one_request(addr, benchmark_request(&uri, &host, &token)).await?;
    if status != StatusCode::OK {
        bail!("GET {uri} answered {status}: {}", String::from_utf8_lossy(&body));
    }
    let answer: Value = serde_json::from_slice(&body).context("GET: invalid JSON")?;
    if path_template == "/users/{id}" && answer.pointer("/user/id").and_then(Value::as_i64) != Some(user_id) {
        bail!("GET {uri}: expected the user {user_id}, got {answer}");
    }
    eprintln!("user {user_id}, GET {uri} → {status}, {} bytes", body.len());
    Ok(Target {
        addr,
        uri,
        host,
        token,
        user_id,
        response_bytes: body.len(),
    })
}

/// `total` from `GET /__emulator/stats`: every request the emulator has answered.
async fn server_request_count(target: &Target) -> Result<u64> {
    let request = Request::builder()
        .uri("/__emulator/stats")
        .header(header::HOST, target.host.clone())
        .body(Empty::<Bytes>::new())
        .context("cannot build the stats request")?;
    let (status, body) = one_request(target.addr, request).await?;
    if status != StatusCode::OK {
        bail!("GET /__emulator/stats answered {status}");
    }
    let stats: Value = serde_json::from_slice(&body).context("GET /__emulator/stats: invalid JSON")?;
    stats
        .get("total")
        .and_then(Value::as_u64)
        .ok_or_else(|| anyhow!("GET /__emulator/stats: no total in {stats}"))
}

/// One request on a fresh connection; status and whole body.
async fn one_request<B>(addr: SocketAddr, request: Request<B>) -> Result<(StatusCode, Bytes)>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let exchange = async {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (mut sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        let response = sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        anyhow::Ok((status, body))
    };
    tokio::time::timeout(PREPARE_TIMEOUT, exchange)
        .await
        .map_err(|_| anyhow!("the emulator did not answer within {PREPARE_TIMEOUT:?}"))?
}

fn benchmark_request(uri: &Uri, host: &HeaderValue, token: &HeaderValue) -> Request<Empty<Bytes>> {
    // Uri and HeaderValue clones share their bytes (reference counts, no copies).
    let mut request = Request::new(Empty::new());
    *request.uri_mut() = uri.clone();
    let headers = request.headers_mut();
    headers.insert(header::HOST, host.clone());
    headers.insert(HeaderName::from_static("cb-token"), token.clone());
    request
}

// ---------------------------------------------------------------------------------------
// The load generator

/// When the phases of one run begin and end (shared by every worker).
#[derive(Clone, Copy)]
struct Window {
    /// Answers completing from here on are measured (the warm-up ends).
    measure_from: Instant,
    /// No request starts after this; answers completing later are not counted.
    end: Instant,
}

#[derive(Default)]
struct WorkerTally {
    /// Latency in microseconds of each measured request (200, completed in the window).
    latencies_us: Vec<u32>,
    /// Every 200 answer, warm-up included (cross-checked against the server's count).
    answered: u64,
    errors: u64,
    first_error: Option<String>,
}

impl WorkerTally {
    fn error(&mut self, what: String) {
        self.errors += 1;
        self.first_error.get_or_insert(what);
    }
}

fn measure(runtime: ClientRuntime, options: &Options, target: &Target, server_pid: u32) -> Result<RunResult> {
    let tokio = match runtime {
        ClientRuntime::MultiThread => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(options.client_threads)
            .enable_all()
            .build(),
        ClientRuntime::CurrentThread => tokio::runtime::Builder::new_current_thread().enable_all().build(),
    }
    .context("cannot build the tokio runtime")?;
    let seconds = Duration::from_secs_f64(options.seconds);
    // Pre-size the latency buffers for up to ~150k req/s so they do not grow mid-run.
    let expected_per_worker = (options.seconds * 150_000.0) as usize / options.connections;
    let (tallies, cpu) = tokio.block_on(async {
        let start = Instant::now();
        let window = Window {
            measure_from: start + Duration::from_secs_f64(options.warmup),
            end: start + Duration::from_secs_f64(options.warmup) + seconds,
        };
        // CPU used by the emulator and by this process during the measured window: says
        // how the 2 cores were shared, and the emulator's cost per request.
        let sampler = tokio::spawn(async move {
            tokio::time::sleep_until(window.measure_from.into()).await;
            let before = (Instant::now(), CpuSample::take(server_pid));
            tokio::time::sleep_until(window.end.into()).await;
            CpuUse::between(before, (Instant::now(), CpuSample::take(server_pid)))
        });
        let workers: Vec<_> = (0..options.connections)
            .map(|_| {
                let request = RequestParts {
                    addr: target.addr,
                    uri: target.uri.clone(),
                    host: target.host.clone(),
                    token: target.token.clone(),
                };
                tokio::spawn(worker(request, window, expected_per_worker))
            })
            .collect();
        let tallies = join_by_deadline(workers, window.end, STOP_GRACE).await?;
        let cpu = sampler.await.ok().flatten();
        Ok::<_, anyhow::Error>((tallies, cpu))
    })?;
    // Dropping the runtime aborts anything left (nothing should be).
    drop(tokio);
    let mut result = RunResult::from_tallies(runtime, options.client_threads, seconds, tallies);
    result.cpu = cpu;
    Ok(result)
}

/// CPU used in a window, in cores (1.0 = one core fully busy).
#[derive(Clone, Copy)]
struct CpuUse {
    server_cores: f64,
    client_cores: f64,
}

impl CpuUse {
    fn between(before: (Instant, CpuSample), after: (Instant, CpuSample)) -> Option<Self> {
        let wall = after.0.duration_since(before.0).as_secs_f64();
        let spent = after.1.since(before.1);
        (wall > 0.0).then_some(())?;
        Some(Self {
            server_cores: spent.emulator?.as_secs_f64() / wall,
            client_cores: spent.client?.as_secs_f64() / wall,
        })
    }
}

/// Per-worker copy of what a request needs (cheap clones of shared bytes).
struct RequestParts {
    addr: SocketAddr,
    uri: Uri,
    host: HeaderValue,
    token: HeaderValue,
}

async fn worker(parts: RequestParts, window: Window, expected: usize) -> WorkerTally {
    let mut tally = WorkerTally {
        latencies_us: Vec::with_capacity(expected),
        ..WorkerTally::default()
    };
    // A connection that fails is counted as an error and replaced; the benchmark keeps
    // its concurrency. Normally the first connection lasts the whole run.
    while Instant::now() < window.end {
        match keep_alive_loop(&parts, window, &mut tally).await {
            Ok(()) => break,
            Err(error) => {
                tally.error(format!("{error:#}"));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    tally
}

/// Requests back to back on one keep-alive connection until the window ends.
async fn keep_alive_loop(parts: &RequestParts, window: Window, tally: &mut WorkerTally) -> Result<()> {
    let stream = TcpStream::connect(parts.addr).await.context("connect")?;
    stream.set_nodelay(true).context("TCP_NODELAY")?;
    let (mut sender, connection) = http1::handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
        .await
        .context("HTTP/1.1 handshake")?;
    // Owns `sender`: when this returns, the sender is dropped and the connection
    // finishes on its own.
    let requests = async move {
        loop {
            let started = Instant::now();
            if started >= window.end {
                return anyhow::Ok(());
            }
            // The previous exchange is complete, but the connection may need one more
            // poll to become idle again; waiting here avoids a "not ready" error.
            sender.ready().await.context("connection not ready")?;
            let request = benchmark_request(&parts.uri, &parts.host, &parts.token);
            let response = sender.send_request(request).await.context("request")?;
            let status = response.status();
            // Read the whole body without collecting it: only its end matters.
            let mut body = response.into_body();
            let mut received = 0usize;
            while let Some(frame) = body.frame().await {
                let frame = frame.context("response body")?;
                received += frame.data_ref().map_or(0, Bytes::len);
            }
            let done = Instant::now();
            if status != StatusCode::OK || received == 0 {
                tally.error(format!("answer {status} with {received} body bytes"));
                continue;
            }
            tally.answered += 1;
            if done >= window.measure_from && done < window.end {
                let micros = done.duration_since(started).as_micros();
                tally.latencies_us.push(u32::try_from(micros).unwrap_or(u32::MAX));
            }
        }
    };
    // Polling the connection in this same task (instead of spawning it) saves a task
    // wake-up per request.
    let (connection, requests) = tokio::join!(connection, requests);
    requests?;
    connection.context("connection")?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Results

struct RunResult {
    runtime: String,
    seconds: f64,
    /// 200 answers in the measured window.
    requests: u64,
    /// 200 answers in the whole run, warm-up included.
    answered: u64,
    cpu: Option<CpuUse>,
    errors: u64,
    first_error: Option<String>,
    rps: f64,
    mean_us: f64,
    p50_us: u32,
    p90_us: u32,
    p99_us: u32,
    p999_us: u32,
    max_us: u32,
}

impl RunResult {
    fn from_tallies(
        runtime: ClientRuntime,
        client_threads: usize,
        window: Duration,
        tallies: Vec<WorkerTally>,
    ) -> Self {
        let mut errors = 0;
        let mut answered = 0;
        let mut first_error = None;
        let mut latencies = Vec::with_capacity(tallies.iter().map(|t| t.latencies_us.len()).sum());
        for tally in tallies {
            errors += tally.errors;
            answered += tally.answered;
            first_error = first_error.or(tally.first_error);
            latencies.extend_from_slice(&tally.latencies_us);
        }
        latencies.sort_unstable();
        let requests = latencies.len() as u64;
        let total: u64 = latencies.iter().map(|&l| u64::from(l)).sum();
        let seconds = window.as_secs_f64();
        Self {
            runtime: runtime_label(runtime, client_threads),
            seconds,
            requests,
            answered,
            cpu: None,
            errors,
            first_error,
            rps: requests as f64 / seconds,
            mean_us: if requests == 0 {
                0.0
            } else {
                total as f64 / requests as f64
            },
            p50_us: percentile(&latencies, 50.0),
            p90_us: percentile(&latencies, 90.0),
            p99_us: percentile(&latencies, 99.0),
            p999_us: percentile(&latencies, 99.9),
            max_us: latencies.last().copied().unwrap_or(0),
        }
    }

    fn passed(&self) -> bool {
        self.errors == 0 && self.rps >= TARGET_RPS && self.p99_us < TARGET_P99_US
    }

    fn json(&self) -> Value {
        json!({
            "client_runtime": self.runtime,
            "seconds": self.seconds,
            "requests": self.requests,
            "errors": self.errors,
            "first_error": self.first_error,
            "requests_per_second": self.rps.round(),
            "latency_us": {
                "mean": self.mean_us.round(),
                "p50": self.p50_us,
                "p90": self.p90_us,
                "p99": self.p99_us,
                "p99_9": self.p999_us,
                "max": self.max_us,
            },
            "cpu_cores": self.cpu.map(|c| json!({
                "emulator": (c.server_cores * 100.0).round() / 100.0,
                "load_generator": (c.client_cores * 100.0).round() / 100.0,
                "emulator_us_per_request": self.server_us_per_request().map(f64::round),
            })),
            "pass": self.passed(),
        })
    }

    /// Emulator CPU time per measured request.
    fn server_us_per_request(&self) -> Option<f64> {
        let cpu = self.cpu?;
        (self.rps > 0.0).then(|| cpu.server_cores * 1e6 / self.rps)
    }
}

fn runtime_label(runtime: ClientRuntime, threads: usize) -> String {
    match runtime {
        ClientRuntime::MultiThread => format!("multi_thread ({threads} workers)"),
        ClientRuntime::CurrentThread => "current_thread".to_owned(),
    }
}

fn ms(us: u32) -> String {
    format!("{:.2} ms", f64::from(us) / 1000.0)
}

struct Report<'a> {
    options: &'a Options,
    target: &'a Target,
    runs: Vec<RunResult>,
}

impl<'a> Report<'a> {
    fn new(options: &'a Options, target: &'a Target, runs: Vec<RunResult>) -> Self {
        Self { options, target, runs }
    }

    /// The run the verdict is about: the highest throughput without errors.
    fn best(&self) -> Option<&RunResult> {
        self.runs
            .iter()
            .filter(|r| r.errors == 0)
            .max_by(|a, b| a.rps.total_cmp(&b.rps))
    }

    fn passed(&self) -> bool {
        self.best().is_some_and(RunResult::passed)
    }

    fn errors(&self) -> u64 {
        self.runs.iter().map(|r| r.errors).sum()
    }

    fn verdict(ok: bool) -> &'static str {
        if ok { "PASS" } else { "MISS" }
    }

    /// The command's output goes to stdout (progress goes to stderr), written through
    /// `std::io::Write` so a closed pipe is an error, not a panic.
    fn print(&self) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        writeln!(out)?;
        writeln!(
            out,
            "## Emulator benchmark: GET {} ({} keep-alive connections, {} s measured after {} s warm-up, {} cores shared by client and server)",
            self.target.uri,
            self.options.connections,
            self.options.seconds,
            self.options.warmup,
            cores()
        )?;
        writeln!(out)?;
        writeln!(
            out,
            "| client runtime | requests | req/s | mean | p50 | p90 | p99 | p99.9 | max | errors | CPU emulator / client | emulator CPU per request | targets |"
        )?;
        writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")?;
        for run in &self.runs {
            writeln!(
                out,
                "| {} | {} | {:.0} | {:.2} ms | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                run.runtime,
                run.requests,
                run.rps,
                run.mean_us / 1000.0,
                ms(run.p50_us),
                ms(run.p90_us),
                ms(run.p99_us),
                ms(run.p999_us),
                ms(run.max_us),
                run.errors,
                run.cpu.map_or("n/a".to_owned(), |c| format!(
                    "{:.0}% / {:.0}%",
                    c.server_cores * 100.0,
                    c.client_cores * 100.0
                )),
                run.server_us_per_request()
                    .map_or("n/a".to_owned(), |us| format!("{us:.1} µs")),
                Self::verdict(run.passed()),
            )?;
        }
        writeln!(out)?;
        for run in &self.runs {
            if let Some(error) = &run.first_error {
                writeln!(out, "First error ({}): {error}", run.runtime)?;
            }
        }
        match self.best() {
            Some(best) => {
                writeln!(out, "Targets (best run, {}):", best.runtime)?;
                writeln!(
                    out,
                    "- throughput ≥ {TARGET_RPS:.0} req/s: {:.0} req/s → {}",
                    best.rps,
                    Self::verdict(best.rps >= TARGET_RPS)
                )?;
                writeln!(
                    out,
                    "- p99 < {}: {} → {}",
                    ms(TARGET_P99_US),
                    ms(best.p99_us),
                    Self::verdict(best.p99_us < TARGET_P99_US)
                )?;
                writeln!(
                    out,
                    "- errors = 0: {} → {}",
                    self.errors(),
                    Self::verdict(self.errors() == 0)
                )?;
            }
            None => writeln!(out, "Targets: MISS (every run had errors)")?,
        }
        writeln!(out, "Overall: {}", Self::verdict(self.passed()))?;
        out.flush()
    }

    fn write_json(&self) -> Result<PathBuf> {
        let dir = target_dir().join("bench");
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join("emulator.json");
        let unix_time = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let document = json!({
            "benchmark": "emulator GET /users/{id}",
            "unix_time": unix_time,
            "git_commit": git_commit(),
            "cores": cores(),
            "request": format!("GET {}", self.target.uri),
            "user_id": self.target.user_id,
            "response_bytes": self.target.response_bytes,
            "connections": self.options.connections,
            "warmup_seconds": self.options.warmup,
            "measured_seconds": self.options.seconds,
            "targets": {
                "requests_per_second_min": TARGET_RPS,
                "p99_us_max_exclusive": TARGET_P99_US,
                "errors": 0,
            },
            "runs": self.runs.iter().map(RunResult::json).collect::<Vec<_>>(),
            "best_run": self.best().map(|b| b.runtime.clone()),
            "pass": self.passed(),
        });
        let text = serde_json::to_string_pretty(&document).context("cannot encode the report")?;
        std::fs::write(&path, text + "\n").with_context(|| format!("cannot write {}", path.display()))?;
        Ok(path)
    }
}
