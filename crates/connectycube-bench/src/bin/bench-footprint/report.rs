//! The figures of `bench-footprint` (`main.rs`): what the drivers report, the
//! statistics over them, the targets, and the Markdown and JSON written to `target/bench/`.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use connectycube_bench::measure::percentile_of;
use connectycube_bench::report::{changed_files, git_commit, machine, millis as ms, version};

use crate::options::{Client, Options};

/// Target: the Rust SDK's cold start at most this fraction of the JS SDK's (medians).
const COLD_START_RATIO_MAX: f64 = 0.5;
/// Target: threads the SDK starts.
const SDK_THREADS_MAX: usize = 2;
/// Target: resident memory the SDK adds by the end of the calls, KiB (4 MiB).
const RSS_ADDED_MAX_KB: i64 = 4 * 1024;

/// The driver's first line: wall-clock µs of its first statement, of the SDK initialised and
/// of the first call done.
#[derive(Debug, Clone, Deserialize)]
pub struct FirstCall {
    main_unix_us: u64,
    init_unix_us: u64,
    first_call_unix_us: u64,
    pub error: Option<String>,
}

/// One `/proc/self` snapshot: `before_init`, `after_library_load` (Python), `after_init`,
/// `after_first_call`, `after_calls`, `after_idle`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Point {
    at: String,
    threads: usize,
    rss_kb: Option<u64>,
    hwm_kb: Option<u64>,
    /// The anonymous (heap, stacks) and file-backed (code and data mapped from files) parts of
    /// VmRSS: the second is shared and clean, the first is what the process really costs.
    #[serde(default)]
    anon_kb: Option<u64>,
    #[serde(default)]
    file_kb: Option<u64>,
    /// Resident pages mapped from the SDK's own file (the Rust driver's binary, the FFI
    /// library): its code and read-only data, part of `file_kb`.
    #[serde(default)]
    sdk_code_kb: Option<u64>,
}

/// One thread's context switches over a period (`state`: alive, started or exited in it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ThreadSwitches {
    tid: u64,
    name: String,
    main: bool,
    state: String,
    voluntary: u64,
    nonvoluntary: u64,
}

impl ThreadSwitches {
    /// A thread that started or exited in the period woke at least once for it.
    fn wakeups(&self) -> u64 {
        let switches = self.voluntary + self.nonvoluntary;
        if self.state == "alive" {
            switches
        } else {
            switches.max(1)
        }
    }
}

/// The driver's `full` line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FullRun {
    sdk: bool,
    runtime: String,
    points: Vec<Point>,
    calls: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    #[serde(default)]
    settle_threads: Vec<ThreadSwitches>,
    idle_seconds: f64,
    idle_threads: Vec<ThreadSwitches>,
    threads_after_calls: Vec<String>,
}

impl FullRun {
    fn point(&self, at: &str) -> Option<&Point> {
        self.points.iter().find(|p| p.at == at)
    }

    /// Threads present after init, the first call or the calls beyond those before init (the
    /// most at any of those points).
    fn sdk_threads(&self) -> Option<usize> {
        let before = self.point("before_init")?.threads;
        ["after_init", "after_first_call", "after_calls"]
            .iter()
            .filter_map(|at| self.point(at))
            .map(|p| p.threads.saturating_sub(before))
            .max()
    }

    fn rss_added_kb(&self, at: &str) -> Option<i64> {
        let before = i64::try_from(self.point("before_init")?.rss_kb?).ok()?;
        Some(i64::try_from(self.point(at)?.rss_kb?).ok()? - before)
    }

    /// How much a part of VmRSS (`part` of a point) grew from before init to `at`.
    fn part_added_kb(&self, at: &str, part: fn(&Point) -> Option<u64>) -> Option<i64> {
        let before = i64::try_from(part(self.point("before_init")?)?).ok()?;
        Some(i64::try_from(part(self.point(at)?)?).ok()? - before)
    }

    /// What VmRSS gained by the end of the calls, in parts: anonymous, file-backed, and of the
    /// latter the SDK's own file.
    fn memory_split(&self) -> Option<String> {
        let anon = self.part_added_kb("after_calls", |p| p.anon_kb)?;
        let file = self.part_added_kb("after_calls", |p| p.file_kb)?;
        let own = self
            .part_added_kb("after_calls", |p| p.sdk_code_kb)
            .map_or(String::new(), |own| {
                format!(", of which {} the SDK's own code and data", kib(own))
            });
        Some(format!("{} anonymous, {} file-backed{own}", kib(anon), kib(file)))
    }

    fn hwm_added_kb(&self) -> Option<i64> {
        let before = i64::try_from(self.point("before_init")?.rss_kb?).ok()?;
        Some(i64::try_from(self.point("after_calls")?.hwm_kb?).ok()? - before)
    }

    fn idle_wakeups(&self) -> u64 {
        self.idle_threads.iter().map(ThreadSwitches::wakeups).sum()
    }

    /// The threads that switched while idle, `name (tid role): n`.
    fn who_woke(&self) -> String {
        let woke: Vec<String> = self
            .idle_threads
            .iter()
            .filter(|t| t.wakeups() > 0)
            .map(|t| {
                let role = if t.main { ", the measuring thread" } else { "" };
                let state = if t.state == "alive" {
                    String::new()
                } else {
                    format!(", {}", t.state)
                };
                format!("{}{role}{state}: {}", t.name, t.wakeups())
            })
            .collect();
        if woke.is_empty() {
            "none".to_owned()
        } else {
            woke.join("; ")
        }
    }
}

/// One cold start, ms: as seen from xtask (spawn → the first-call line read) and the driver's
/// split of it.
#[derive(Debug, Clone, Serialize)]
pub struct ColdRun {
    pub total_ms: f64,
    /// Spawn → the driver's first statement (the runtime's and the program's own start).
    runtime_ms: f64,
    /// First statement → SDK initialised (loading it included).
    init_ms: f64,
    /// SDK initialised → the first call done.
    first_call_ms: f64,
}

impl ColdRun {
    pub fn new(spawned: Instant, received: Instant, spawned_unix_us: u64, first: &FirstCall) -> Self {
        let ms = |from: u64, to: u64| (to as f64 - from as f64) / 1e3;
        Self {
            total_ms: received.duration_since(spawned).as_secs_f64() * 1e3,
            runtime_ms: ms(spawned_unix_us, first.main_unix_us),
            init_ms: ms(first.main_unix_us, first.init_unix_us),
            first_call_ms: ms(first.init_unix_us, first.first_call_unix_us),
        }
    }
}

pub struct ClientResult {
    pub client: Client,
    pub setup_error: Option<String>,
    pub cold: Vec<ColdRun>,
    pub cold_error: Option<String>,
    pub full: std::result::Result<FullRun, String>,
    pub baseline: std::result::Result<FullRun, String>,
}

impl ClientResult {
    pub fn unavailable(client: Client, reason: String) -> Self {
        Self {
            client,
            setup_error: Some(reason.clone()),
            cold: Vec::new(),
            cold_error: Some(reason.clone()),
            full: Err(reason.clone()),
            baseline: Err(reason),
        }
    }

    fn cold_median(&self) -> Option<f64> {
        (!self.cold.is_empty()).then(|| median_ms(self.cold.iter().map(|r| r.total_ms)))
    }
}

pub fn median_ms(values: impl Iterator<Item = f64>) -> f64 {
    percentile_of(values, 50.0)
}

struct TargetCheck {
    target: String,
    client: Client,
    measured: String,
    met: bool,
}

pub struct Report {
    options: Options,
    results: Vec<ClientResult>,
    elapsed: Duration,
    machine: String,
    /// The checked-out commit and how many tracked files differ from it.
    commit: (String, usize),
}

impl Report {
    pub fn new(options: Options, results: Vec<ClientResult>, elapsed: Duration) -> Self {
        Self {
            options,
            results,
            elapsed,
            machine: format!(
                "{}; node {}, {}",
                machine(),
                version("node", "--version"),
                version(
                    &std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned()),
                    "--version"
                )
            ),
            commit: (
                git_commit().unwrap_or_else(|| "unknown (not a git checkout)".to_owned()),
                changed_files(),
            ),
        }
    }

    fn result(&self, client: Client) -> Option<&ClientResult> {
        self.results.iter().find(|r| r.client == client)
    }

    pub fn all_met(&self) -> bool {
        self.targets().iter().all(|t| t.met)
    }

    fn targets(&self) -> Vec<TargetCheck> {
        let mut checks = Vec::new();
        let js = self.result(Client::Js).and_then(ClientResult::cold_median);
        for result in &self.results {
            let client = result.client;
            // Against the JS SDK only when it was asked for (a failure to measure it is a miss).
            if client != Client::Js && self.options.clients.contains(&Client::Js) {
                let host = if client == Client::Python {
                    "; CPython's own start included"
                } else {
                    ""
                };
                let target = format!("cold start ≤ {COLD_START_RATIO_MAX}× the JS SDK's (medians{host})");
                let (measured, met) = match (result.cold_median(), js) {
                    (Some(own), Some(js)) => (
                        format!("{} vs {} ({:.2}×)", ms(own), ms(js), own / js),
                        own <= COLD_START_RATIO_MAX * js,
                    ),
                    (None, _) => (not_measured(result), false),
                    (Some(_), None) => match self.result(Client::Js) {
                        Some(js) => (not_measured(js), false),
                        None => ("the JS SDK has no result".to_owned(), false),
                    },
                };
                checks.push(TargetCheck {
                    target,
                    client,
                    measured,
                    met,
                });
            }
            let full = result.full.as_ref();
            checks.push(match full.ok().and_then(FullRun::sdk_threads) {
                Some(threads) => TargetCheck {
                    target: format!("threads the SDK starts ≤ {SDK_THREADS_MAX}"),
                    client,
                    measured: threads.to_string(),
                    met: threads <= SDK_THREADS_MAX,
                },
                None => missing(format!("threads the SDK starts ≤ {SDK_THREADS_MAX}"), result),
            });
            let rss_target = format!(
                "resident memory added after {} calls ≤ {} MiB",
                self.options.calls,
                RSS_ADDED_MAX_KB / 1024
            );
            checks.push(match full.ok().and_then(|f| f.rss_added_kb("after_calls")) {
                Some(added) => TargetCheck {
                    target: rss_target,
                    client,
                    measured: format!(
                        "{} VmRSS{}",
                        kib(added),
                        full.ok()
                            .and_then(FullRun::memory_split)
                            .map_or(String::new(), |split| format!(" ({split})"))
                    ),
                    met: added <= RSS_ADDED_MAX_KB,
                },
                None => missing(rss_target, result),
            });
            let idle_target = format!(
                "no wake-up while idle ({} s; switches beyond the run without the SDK)",
                self.options.idle_seconds
            );
            checks.push(match (&result.full, &result.baseline) {
                (Ok(full), Ok(baseline)) => {
                    let (with, without) = (full.idle_wakeups(), baseline.idle_wakeups());
                    TargetCheck {
                        target: idle_target,
                        client,
                        measured: format!(
                            "{} added ({with} with the SDK, {without} without)",
                            i128::from(with) - i128::from(without)
                        ),
                        met: with <= without,
                    }
                }
                _ => missing(idle_target, result),
            });
        }
        checks
    }

    pub fn markdown(&self) -> String {
        let o = &self.options;
        let mut out = String::new();
        out.push_str("\n## Mobile footprint: `cargo xtask footprint`\n\n");
        out.push_str(&format!(
            "Machine: {}. Commit `{}`{}. The emulator on the same machine over HTTPS (its own CA, trusted by each \
client as an app would: `add_root_certificates_pem`, `NODE_EXTRA_CA_CERTS`, `trustedRootCertificates`), \
at `https://{}:PORT`{}. \
The Rust SDK: a release build of `crates/connectycube-bench/src/bin/footprint-driver.rs`. The mobile library: `libconnectycube_ffi` as it ships \
(release-size profile) under our Python binding, bytecode cached as an installed package's. Page cache warm (one unmeasured \
start per client first). Run time {:.0} s.\n",
            self.machine,
            self.commit.0,
            match self.commit.1 {
                0 => String::new(),
                n => format!(" with {n} tracked files modified in the working tree"),
            },
            self.options.host,
            if self.options.host.parse::<std::net::IpAddr>().is_ok() {
                " (an address: no name lookup)"
            } else {
                " (a host name, looked up through the system resolver as an app's `api.connectycube.com` is)"
            },
            self.elapsed.as_secs_f64()
        ));
        for result in &self.results {
            if let Some(error) = &result.setup_error {
                out.push_str(&format!("\n{} could not be set up: {error}\n", result.client.label()));
            }
        }
        for result in &self.results {
            if let Ok(full) = &result.full {
                out.push_str(&format!("\n{} runtime: {}.", result.client.label(), full.runtime));
            }
        }
        out.push('\n');

        out.push_str(&format!(
            "\n### Cold start: process start → SDK init → first authenticated call\n\n\
The first call is `POST /session` (an application session) then `GET /users/{{id}}` with it, over a new TLS connection. \
Total: from spawning the process to reading the driver's line saying the call is done, {} runs per client, interleaved. \
The split is the driver's own wall clock (medians): spawn → its first statement; → SDK loaded and initialised; → first call done.\n\n\
| client | median | p90 | runtime start | SDK init | first call |\n|---|---:|---:|---:|---:|---:|\n",
            o.runs
        ));
        for result in &self.results {
            if result.cold.is_empty() {
                out.push_str(&format!("| {} | — | — | — | — | — |\n", result.client.label()));
                continue;
            }
            let runs = &result.cold;
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                result.client.label(),
                ms(median_ms(runs.iter().map(|r| r.total_ms))),
                ms(percentile_of(runs.iter().map(|r| r.total_ms), 90.0)),
                ms(median_ms(runs.iter().map(|r| r.runtime_ms))),
                ms(median_ms(runs.iter().map(|r| r.init_ms))),
                ms(median_ms(runs.iter().map(|r| r.first_call_ms))),
            ));
        }

        out.push_str(&format!(
            "\n### Threads and resident memory\n\n\
Threads in the process (`/proc/self/task`) and VmRSS; \"after calls\" is after {} sequential `GET /users/{{id}}`; \
\"added\" is against before init, so the driver's own threads and memory are not counted.\n\n\
| client | threads: before init / after init / after first call / after calls | started by the SDK | their names |\n\
|---|---:|---:|---|\n",
            o.calls
        ));
        for result in &self.results {
            let Ok(full) = &result.full else {
                out.push_str(&format!("| {} | — | — | — |\n", result.client.label()));
                continue;
            };
            let counts: Vec<String> = ["before_init", "after_init", "after_first_call", "after_calls"]
                .iter()
                .map(|at| full.point(at).map_or("—".to_owned(), |p| p.threads.to_string()))
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                result.client.label(),
                counts.join(" / "),
                full.sdk_threads().map_or("—".to_owned(), |t| t.to_string()),
                new_thread_names(result),
            ));
        }
        out.push_str(
            "\n| client | VmRSS before init | added: after init | after first call | after calls | \
of which | VmHWM after calls, over before init |\n\
|---|---:|---:|---:|---:|---:|---:|\n",
        );
        let mut notes = String::new();
        for result in &self.results {
            let Ok(full) = &result.full else {
                out.push_str(&format!("| {} | — | — | — | — | — | — |\n", result.client.label()));
                continue;
            };
            let added = |at: &str| full.rss_added_kb(at).map_or("—".to_owned(), kib);
            let split = full.memory_split().unwrap_or_else(|| "—".to_owned());
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                result.client.label(),
                full.point("before_init")
                    .and_then(|p| p.rss_kb)
                    .map_or("—".to_owned(), |kb| kib(i64::try_from(kb).unwrap_or(i64::MAX))),
                added("after_init"),
                added("after_first_call"),
                added("after_calls"),
                split,
                full.hwm_added_kb().map_or("—".to_owned(), kib),
            ));
            if let Some(library) = full.rss_added_kb("after_library_load") {
                notes.push_str(&format!(
                    "\n{}: loading the native library alone (ctypes, before the Python modules over it) adds {}.\n",
                    result.client.label(),
                    kib(library)
                ));
            }
        }
        out.push_str(&notes);

        out.push_str(&format!(
            "\n### Wake-ups while idle\n\n\
Context switches (voluntary + involuntary) of every thread over {} s of doing nothing, after the calls and a {} s settle; \
a thread that started or exited in the period counts at least one. The same driver without the SDK is the baseline: \
its measuring thread's own sleep and whatever the runtime does by itself.\n\n\
| client | with the SDK | without | what woke, with the SDK (thread: switches) |\n|---|---:|---:|---|\n",
            o.idle_seconds, o.settle_seconds
        ));
        for result in &self.results {
            let cell = |run: &std::result::Result<FullRun, String>| {
                run.as_ref().map_or("—".to_owned(), |f| f.idle_wakeups().to_string())
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                result.client.label(),
                cell(&result.full),
                cell(&result.baseline),
                result
                    .full
                    .as_ref()
                    .map_or_else(|e| format!("not measured: {e}"), FullRun::who_woke),
            ));
        }

        out.push_str("\n### Targets\n\n| target | client | measured | verdict |\n|---|---|---|---|\n");
        for check in self.targets() {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                check.target,
                check.client.label(),
                check.measured,
                if check.met { "met" } else { "missed" }
            ));
        }
        let errors: Vec<String> = self
            .results
            .iter()
            .filter(|r| r.setup_error.is_none())
            .flat_map(|r| {
                let label = r.client.label();
                let mut lines = Vec::new();
                if let Some(error) = &r.cold_error {
                    lines.push(format!("- {label}, cold start: {error}"));
                }
                for (what, run) in [("with the SDK", &r.full), ("without the SDK", &r.baseline)] {
                    if let Err(error) = run {
                        lines.push(format!("- {label}, {what}: {error}"));
                    }
                }
                lines
            })
            .collect();
        if !errors.is_empty() {
            out.push_str(&format!("\nErrors:\n{}\n", errors.join("\n")));
        }
        out
    }

    pub fn json(&self) -> Value {
        let clients: Vec<Value> = self
            .results
            .iter()
            .map(|r| {
                json!({
                    "client": r.client.name(),
                    "label": r.client.label(),
                    "setup_error": r.setup_error,
                    "cold_start_ms": (!r.cold.is_empty()).then(|| json!({
                        "median": median_ms(r.cold.iter().map(|c| c.total_ms)),
                        "p90": percentile_of(r.cold.iter().map(|c| c.total_ms), 90.0),
                        "runs": r.cold,
                    })),
                    "cold_error": r.cold_error,
                    "with_sdk": r.full.as_ref().map_or_else(|e| json!({"error": e}), |f| json!(f)),
                    "without_sdk": r.baseline.as_ref().map_or_else(|e| json!({"error": e}), |f| json!(f)),
                })
            })
            .collect();
        json!({
            "benchmark": "cargo xtask footprint",
            "machine": self.machine,
            "git_commit": self.commit.0,
            "modified_tracked_files": self.commit.1,
            "settings": {
                "cold_runs": self.options.runs,
                "calls": self.options.calls,
                "idle_seconds": self.options.idle_seconds,
                "settle_seconds": self.options.settle_seconds,
                "host": self.options.host,
            },
            "clients": clients,
            "targets": self.targets().iter().map(|t| json!({
                "target": t.target,
                "client": t.client.name(),
                "measured": t.measured,
                "met": t.met,
            })).collect::<Vec<_>>(),
            "elapsed_seconds": self.elapsed.as_secs_f64().round(),
        })
    }
}

fn not_measured(result: &ClientResult) -> String {
    let why = result
        .cold_error
        .clone()
        .unwrap_or_else(|| "no successful run".to_owned());
    format!("{} not measured: {why}", result.client.label())
}

fn missing(target: String, result: &ClientResult) -> TargetCheck {
    let why = match (&result.full, &result.baseline) {
        (Err(error), _) | (_, Err(error)) => error.clone(),
        _ => "no figure".to_owned(),
    };
    TargetCheck {
        target,
        client: result.client,
        measured: format!("not measured: {why}"),
        met: false,
    }
}

/// The names of the threads after the calls that the run without the SDK did not have.
fn new_thread_names(result: &ClientResult) -> String {
    let Ok(full) = &result.full else {
        return "—".to_owned();
    };
    let mut baseline: Vec<&str> = result
        .baseline
        .as_ref()
        .map(|b| b.threads_after_calls.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut new = Vec::new();
    for name in &full.threads_after_calls {
        match baseline.iter().position(|b| b == name) {
            Some(index) => {
                baseline.swap_remove(index);
            }
            None => new.push(format!("`{name}`")),
        }
    }
    if new.is_empty() {
        "none".to_owned()
    } else {
        new.join(", ")
    }
}

fn kib(value: i64) -> String {
    if value.abs() >= 1024 {
        format!("{:.1} MiB", value as f64 / 1024.0)
    } else {
        format!("{value} KiB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let values = [5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(percentile_of(values.into_iter(), 50.0), 3.0);
        assert_eq!(percentile_of(values.into_iter(), 90.0), 5.0);
        assert_eq!(percentile_of(std::iter::empty(), 50.0), 0.0);
    }

    #[test]
    fn a_thread_that_starts_or_exits_while_idle_woke() {
        let thread = |state: &str, switches| ThreadSwitches {
            tid: 1,
            name: "t".to_owned(),
            main: false,
            state: state.to_owned(),
            voluntary: switches,
            nonvoluntary: 0,
        };
        assert_eq!(thread("alive", 0).wakeups(), 0);
        assert_eq!(thread("exited", 0).wakeups(), 1);
        assert_eq!(thread("started", 3).wakeups(), 3);
    }

    #[test]
    fn driver_lines_parse() {
        let line = r#"{"event":"footprint","client":"js","sdk":true,"runtime":"node","points":[
            {"at":"before_init","threads":11,"rss_kb":43000,"hwm_kb":43000},
            {"at":"after_init","threads":12,"rss_kb":50000,"hwm_kb":51000},
            {"at":"after_calls","threads":11,"rss_kb":47000,"hwm_kb":52000}],
            "calls":1000,"errors":0,"first_error":null,"settle_seconds":1,"settle_threads":[],
            "idle_seconds":10,"idle_threads":[{"tid":1,"name":"node","main":true,"state":"alive",
            "voluntary":1,"nonvoluntary":0}],"threads_after_calls":["node"]}"#;
        let full: FullRun = serde_json::from_str(line).unwrap();
        assert_eq!(full.sdk_threads(), Some(1));
        assert_eq!(full.rss_added_kb("after_calls"), Some(4000));
        assert_eq!(full.hwm_added_kb(), Some(9000));
        assert_eq!(full.idle_wakeups(), 1);
        assert_eq!(full.who_woke(), "node, the measuring thread: 1");
    }
}
