//! The bench report: targets (PASS/MISS), the Markdown tables and the JSON document.

use anyhow::Result;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use connectycube_bench::report::{micros, thousands, verdict};
use serde_json::{Value, json};

use crate::concurrency::{BURST_CALLS, Burst};
use crate::hooks::HookCost;
use crate::options::{Mode, Options, Scenario};
use crate::record::Record;

/// Target: the Rust SDK within 5 % of raw reqwest (p50 and throughput).
const SDK_OVERHEAD_MAX: f64 = 0.05;
/// Target: the Rust SDK at least 3× the official JS SDK's throughput at 64 in flight.
const JS_FACTOR_MIN: f64 = 3.0;
const JS_FACTOR_CONCURRENCY: usize = 64;
/// Target: the Kotlin and Swift bindings within this much of the Rust SDK's sequential p50.
const BINDING_P50_MAX_US: f64 = 30.0;
/// The bindings the target above is about.
const BINDING_TARGET_CLIENTS: [&str; 2] = ["kotlin", "swift"];
/// The SDK transport's `pool_max_idle_per_host` (connectycube-transport `TransportConfig`).
const SDK_POOL_IDLE_MAX: usize = 64;

pub struct TargetCheck {
    pub name: String,
    pub measured: String,
    pub pass: bool,
}

pub struct Report<'a> {
    pub options: &'a Options,
    pub clients: Vec<String>,
    pub skipped: Vec<String>,
    pub records: Vec<Record>,
    pub burst: Option<std::result::Result<Burst, String>>,
    /// CPU per typed decode of the `GET /users/{id}` answer, µs.
    pub decode: Result<f64>,
    /// What the app's hooks cost, `None` when the SDK or the session scenario was left out.
    pub hooks: Option<Result<Vec<HookCost>>>,
    pub observer: Result<crate::observer_cost::ObserverCost>,
    pub elapsed: Duration,
}

impl Report<'_> {
    /// The cell's figure: of its rounds, the lowest p50 (sequential) or the highest
    /// throughput. Interference from other processes only ever slows a round down.
    pub fn find(&self, client: &str, scenario: Scenario, mode: Mode) -> Option<&Record> {
        let rounds = self
            .records
            .iter()
            .filter(|r| r.is(client, scenario, mode) && r.requests > 0);
        match mode {
            Mode::Sequential => rounds.min_by(|a, b| a.p50_us.total_cmp(&b.p50_us)),
            Mode::Throughput(_) => rounds.max_by(|a, b| a.rps.total_cmp(&b.rps)),
        }
    }

    pub fn targets(&self) -> Vec<TargetCheck> {
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
    pub fn binding_checks(&self, scenario: Scenario) -> Vec<TargetCheck> {
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

    pub fn markdown(&self) -> String {
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
        match &self.observer {
            Ok(o) => out.push_str(&format!(
                "\nA request observer: sequential `GET /users/{{id}}` p50 {:.1} µs without one, {:.1} µs with one that does \
nothing (means {:.1} and {:.1} µs; {} calls each, interleaved).\n",
                o.none_p50_us, o.noop_p50_us, o.none_mean_us, o.noop_mean_us, o.calls
            )),
            Err(error) => out.push_str(&format!("\nThe request observer's cost could not be measured: {error:#}\n")),
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
        if let Some(hooks) = &self.hooks {
            out.push_str(&hooks_section(hooks));
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

    pub fn json(&self) -> Value {
        let unix_time = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        json!({
            "benchmark": "cargo xtask bench",
            "unix_time": unix_time,
            "git_commit": connectycube_bench::report::git_commit(),
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
            "hooks": match &self.hooks {
                Some(Ok(costs)) => json!(costs),
                Some(Err(error)) => json!({"error": format!("{error:#}")}),
                None => Value::Null,
            },
            "request_observer": self.observer.as_ref().ok(),
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

fn hooks_section(hooks: &Result<Vec<HookCost>>) -> String {
    let mut out = String::from(
        "\n### What the app's hooks cost the Rust SDK\n\n\
Sequential `POST /session` on one client (the auth state changes on every call), the variants \
alternating; the lowest p50 of the rounds.\n\n| attached | p50 | p99 | Δ p50 |\n|---|---|---|---|\n",
    );
    let costs = match hooks {
        Ok(costs) => costs,
        Err(error) => return format!("{out}Could not run: {error:#}\n"),
    };
    let baseline = costs.first().map_or(0.0, |c| c.p50_us);
    for cost in costs {
        out.push_str(&format!(
            "| {} | {} | {} | {:+.1} µs |\n",
            cost.hook,
            micros(cost.p50_us),
            micros(cost.p99_us),
            cost.p50_us - baseline
        ));
    }
    out
}

pub fn client_label(client: &str) -> String {
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
