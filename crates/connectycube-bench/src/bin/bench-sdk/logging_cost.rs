//! What the SDK's log costs a call, through the Python binding (the FFI library as apps load
//! it): sequential `GET /users/{id}` with the debug switch off, then on at Debug and at Trace
//! with a logger that drops every line (so what is measured is the SDK's part: the level
//! check, formatting, the queue, the log thread and the call into Python). The variants
//! alternate for `--rounds` rounds; each one's best round counts.

use anyhow::Result;
use connectycube_bench::driver::Launch;
use connectycube_bench::report::step;
use serde_json::json;

use crate::Target;
use crate::external::run_driver;
use crate::options::{Mode, Options, Scenario};

/// The driver's `--log` values and what each means.
const VARIANTS: [(&str, &str); 4] = [
    ("off", "debug off, the default"),
    (
        "debug-devnull",
        "on, Debug, no Python logger: the SDK's stderr writer into /dev/null",
    ),
    ("debug", "on, Debug, a Python logger that drops each line"),
    ("trace", "on, Trace, a Python logger that drops each line"),
];

/// Calls per run, at most: four variants times two rounds (the default) take about 20 s.
const MAX_REQUESTS: u64 = 3_000;

/// One variant's best round.
pub struct LogCost {
    variant: &'static str,
    what: &'static str,
    p50_us: f64,
    mean_us: f64,
}

/// Measures every variant with `spec` (the Python driver); a failed run fails the section.
pub fn measure(spec: &Launch, target: &Target, options: &Options) -> Result<Vec<LogCost>> {
    let options = &Options {
        requests: options.requests.min(MAX_REQUESTS),
        warmup_requests: options.warmup_requests.min(MAX_REQUESTS / 10),
        ..options.clone()
    };
    let mut best: Vec<Option<LogCost>> = VARIANTS.iter().map(|_| None).collect();
    for round in 0..options.rounds {
        for ((variant, what), best) in VARIANTS.iter().zip(best.iter_mut()) {
            step(&format!(
                "logging cost, python, log {variant}: get sequential, {} calls (round {} of {})",
                options.requests,
                round + 1,
                options.rounds
            ));
            let mut launch = spec.clone();
            launch.args.extend(["--log".to_owned(), (*variant).to_owned()]);
            let record = run_driver(&launch, target, Scenario::Get, Mode::Sequential, options)?;
            if record.errors > 0 {
                anyhow::bail!(
                    "{} failed calls with log {variant} (first: {:?})",
                    record.errors,
                    record.first_error
                );
            }
            let cost = LogCost {
                variant,
                what,
                p50_us: record.p50_us,
                mean_us: if record.rps > 0.0 {
                    1e6 / record.rps
                } else {
                    f64::INFINITY
                },
            };
            eprintln!("p50 {:.1} µs, mean {:.1} µs", cost.p50_us, cost.mean_us);
            if best.as_ref().is_none_or(|b| cost.p50_us < b.p50_us) {
                *best = Some(cost);
            }
        }
    }
    Ok(best.into_iter().flatten().collect())
}

pub fn markdown(costs: &[LogCost], options: &Options) -> String {
    let mut out = format!(
        "\n## Logging cost (python binding, `get` sequential, {} calls, best of {} rounds)\n\n\
         | log | p50 µs | Δ p50 | mean µs | Δ mean |\n|---|---:|---:|---:|---:|\n",
        options.requests.min(MAX_REQUESTS),
        options.rounds
    );
    let off = costs.first();
    for cost in costs {
        let (dp50, dmean) = off.map_or((0.0, 0.0), |o| (cost.p50_us - o.p50_us, cost.mean_us - o.mean_us));
        out.push_str(&format!(
            "| {} ({}) | {:.1} | {:+.1} | {:.1} | {:+.1} |\n",
            cost.variant, cost.what, cost.p50_us, dp50, cost.mean_us, dmean
        ));
    }
    out.push_str(
        "\nA `get` logs two lines at Debug and Trace (request sent, answer); the HTTP stack's \
         events stay filtered out at Trace.\n",
    );
    out
}

pub fn json(costs: &[LogCost]) -> serde_json::Value {
    json!(
        costs
            .iter()
            .map(|c| json!({"log": c.variant, "what": c.what, "p50_us": c.p50_us, "mean_us": c.mean_us}))
            .collect::<Vec<_>>()
    )
}

/// The section for bench.md (empty when the Python binding was not measured), its figures
/// also in `<out>/logging-cost.json`.
pub fn section(python: Option<&Launch>, target: &Target, options: &Options) -> String {
    let Some(python) = python else {
        return String::new();
    };
    match measure(python, target, options) {
        Ok(costs) => {
            let written = connectycube_bench::report::write(
                &options.out,
                "logging-cost",
                &markdown(&costs, options),
                &json(&costs),
            );
            if let Err(error) = written {
                eprintln!("warning: {error:#}");
            }
            markdown(&costs, options)
        }
        Err(error) => format!("\n## Logging cost\n\nNot measured: {error:#}\n"),
    }
}
