//! External clients (the JS SDK, our bindings, `--driver`): one driver process per
//! measurement, its last stdout line the record.

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use connectycube_bench::driver::{Launch, wait};

use crate::Target;
use crate::in_process::{DRIVER_GRACE, login_prefix};
use crate::options::{Mode, Options, Scenario};
use crate::record::Record;

/// One measurement by an external driver: its command with the protocol's arguments; the
/// last line of its stdout is the record.
pub fn run_driver(spec: &Launch, target: &Target, scenario: Scenario, mode: Mode, options: &Options) -> Result<Record> {
    let mut command = spec.command();
    command
        .args(["--url", &target.url, "--token", &target.token])
        .args(["--user-id", &target.user_id.to_string()])
        .args(["--scenario", scenario.name(), "--mode", mode.name()])
        .args(["--concurrency", &mode.concurrency().to_string()])
        .args(["--requests", &options.requests.to_string()])
        .args(["--warmup-requests", &options.warmup_requests.to_string()])
        .args(["--seconds", &options.seconds.to_string()])
        .args(["--warmup", &options.warmup.to_string()])
        .args(["--login-prefix", &login_prefix(&spec.name, mode)])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start the {} driver ({})", spec.name, spec.program.display()))?;
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stdout) = stdout {
            let _ = stdout.read_to_string(&mut text);
        }
        text
    });
    // Generous: sequential runs have no fixed duration (a slow client takes longer).
    let deadline = Instant::now() + Duration::from_secs_f64(options.warmup + options.seconds) + DRIVER_GRACE;
    let status = wait(&mut child, deadline, &spec.name)?;
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
