//! `bench-footprint`, run by `cargo xtask footprint` (also the last section of `cargo xtask
//! bench`): what the SDK costs a mobile app besides its calls, against the emulator over HTTPS
//! (release builds). xtask starts the emulator (`--url`, `--ca`) and builds the drivers
//! (`--drivers`, see the library's `driver` module); this binary runs and measures them.
//!
//! - cold start: process start → SDK init → first authenticated call (`POST /session` for an
//!   application session, then `GET /users/{id}` with it), timed from here — from spawning
//!   the process to reading the driver's line saying the call is done — and split by the
//!   driver's own clock (process start to its first statement / init / first call); `--runs`
//!   fresh processes per client after one unmeasured run, clients interleaved, median and p90;
//! - threads the SDK starts, resident memory (VmRSS, VmHWM) it adds: before init, after init,
//!   after the first call, after `--calls` sequential calls;
//! - wake-ups while idle: context switches of every thread over `--idle-seconds` of doing
//!   nothing after a one-second settle, against the same driver run without the SDK (the
//!   baseline: its measuring thread's own sleep and whatever its runtime does).
//!
//! Clients: `rust` (the Rust SDK run as the mobile library runs it: see
//! `src/bin/footprint-driver.rs`), `js` (the official JS SDK 6 in node,
//! `drivers/footprint-driver.mjs`) and `python` (the FFI library itself through our Python
//! binding, `drivers/footprint_driver.py`).
//!
//! ## The driver protocol
//!
//! ```text
//! DRIVER --url URL --user-id N [--ca PEM] --phase cold|full --calls N --idle-seconds S
//!        --settle-seconds S [--no-sdk]
//! ```
//!
//! Every phase prints first `{"event":"first_call","main_unix_us":..,"init_unix_us":..,
//! "first_call_unix_us":..,"error":null}` (wall-clock µs: the driver's first statement, SDK
//! initialised, first call done) as soon as the call is done; `cold` then exits. `full` goes on
//! and prints `{"event":"footprint",...}` ([`FullRun`]): `/proc/self` snapshots (`points`),
//! the calls' errors, per-thread context switches over the settle and idle periods, the
//! thread names after the calls. `--no-sdk` does the same without loading the SDK.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use clap::Parser;
use connectycube_bench::driver::{Launch, wait};
use connectycube_bench::measure::unix_us;
use connectycube_bench::report::step;
use serde::Deserialize;

mod options;
mod report;

use options::{Client, Options};
use report::{ClientResult, ColdRun, FirstCall, FullRun, Report};

const APP_ID: u64 = 1;
const AUTH_KEY: &str = "29WfrNWdvkhmX6V";
const USER_LOGIN: &str = "footprint";
const USER_PASSWORD: &str = "footprintpass1";
/// A driver that has not reported this long after it should have is stuck.
const DRIVER_GRACE: Duration = Duration::from_secs(120);

fn main() -> std::process::ExitCode {
    connectycube_bench::report::exit("bench-footprint", run(Options::parse()))
}

fn run(options: Options) -> Result<()> {
    options.validate()?;
    let report = measure(&options)?;
    let markdown = report.markdown();
    let (md_path, json_path) = connectycube_bench::report::write(&options.out, "footprint", &markdown, &report.json())?;
    eprintln!("wrote {} and {}", md_path.display(), json_path.display());
    connectycube_bench::report::print(&markdown)?;
    if options.check && !report.all_met() {
        bail!("a footprint target was missed (see the table above)");
    }
    Ok(())
}

/// A client's driver as xtask built it.
struct ClientLaunch {
    client: Client,
    launch: Launch,
}

fn measure(options: &Options) -> Result<Report> {
    let started = Instant::now();
    let launches = Launch::read_all(options.drivers.as_deref())?;
    let mut results: Vec<ClientResult> = Vec::new();
    let mut clients = Vec::new();
    for &client in &options.clients {
        match launches.iter().find(|l| l.name == client.name()) {
            Some(Launch {
                unavailable: Some(reason),
                ..
            }) => {
                eprintln!("warning: {} cannot be measured: {reason}", client.label());
                results.push(ClientResult::unavailable(client, reason.clone()));
            }
            Some(launch) => clients.push(ClientLaunch {
                client,
                launch: launch.clone(),
            }),
            None => results.push(ClientResult::unavailable(client, "no driver was given".to_owned())),
        }
    }
    let launches = clients;

    let url = with_host(&options.url, &options.host)?;
    let user_id = sign_up(&url, &options.ca)?;
    let target = Target { url, user_id };

    // Cold starts: one unmeasured run each (page cache, Python's bytecode cache), then the
    // clients interleaved, the order rotating, so a slow stretch of the machine is shared.
    step(&format!(
        "cold starts: {} runs per client after one unmeasured",
        options.runs
    ));
    let mut cold: Vec<(Vec<ColdRun>, Option<String>)> = vec![(Vec::new(), None); launches.len()];
    for round in 0..=options.runs {
        for offset in 0..launches.len() {
            let index = (round + offset) % launches.len();
            if cold[index].1.is_some() {
                continue;
            }
            match cold_run(&launches[index], &target, options) {
                Ok(run) if round > 0 => cold[index].0.push(run),
                Ok(_) => {}
                Err(error) => {
                    eprintln!("{}: cold start failed: {error:#}", launches[index].client.label());
                    cold[index].1 = Some(format!("{error:#}"));
                }
            }
        }
    }

    for (launch, (runs, cold_error)) in launches.iter().zip(cold) {
        let median = report::median_ms(runs.iter().map(|r| r.total_ms));
        eprintln!("{}: cold start median {median:.1} ms", launch.client.label());
        step(&format!(
            "{}: {} calls, then {} s idle (and the same without the SDK)",
            launch.client.label(),
            options.calls,
            options.idle_seconds
        ));
        let baseline = full_run(launch, &target, options, false).map_err(|e| format!("{e:#}"));
        let full = full_run(launch, &target, options, true).map_err(|e| format!("{e:#}"));
        for (what, result) in [("without the SDK", &baseline), ("with the SDK", &full)] {
            if let Err(error) = result {
                eprintln!("{} {what}: {error}", launch.client.label());
            }
        }
        results.push(ClientResult {
            client: launch.client,
            setup_error: None,
            cold: runs,
            cold_error,
            full,
            baseline,
        });
    }
    results.sort_by_key(|r| Client::ALL.iter().position(|c| *c == r.client));
    Ok(Report::new(options.clone(), results, started.elapsed()))
}

struct Target {
    url: String,
    user_id: u64,
}

/// `https://127.0.0.1:PORT` with `host` in place of the address (`[::1]` for an IPv6 one).
fn with_host(url: &str, host: &str) -> Result<String> {
    let port = url
        .rsplit_once(':')
        .map(|(_, port)| port)
        .filter(|port| port.parse::<u16>().is_ok())
        .ok_or_else(|| anyhow!("no port in the emulator's address {url}"))?;
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    Ok(format!("https://{host}:{port}"))
}

/// The user every first call reads, signed up through the Rust SDK over the same HTTPS.
fn sign_up(url: &str, ca: &Path) -> Result<u64> {
    let pem = std::fs::read(ca).with_context(|| format!("cannot read {}", ca.display()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot build a tokio runtime")?;
    runtime.block_on(async {
        let cc = connectycube::ConnectyCube::builder(APP_ID, AUTH_KEY)
            .api_endpoint(url)
            .add_root_certificates_pem(pem)
            .build()
            .map_err(|e| anyhow!("cannot build the SDK client: {e}"))?;
        let user = cc
            .users()
            .sign_up(connectycube::NewUser::with_login(USER_LOGIN, USER_PASSWORD))
            .await
            .map_err(|e| anyhow!("sign-up of the footprint user over HTTPS: {e}"))?;
        Ok(user.id)
    })
}

fn command(launch: &ClientLaunch, target: &Target, options: &Options, phase: &str, sdk: bool) -> Command {
    let mut command = launch.launch.command();
    command
        .args(["--url", &target.url, "--user-id", &target.user_id.to_string()])
        .args(["--phase", phase, "--calls", &options.calls.to_string()])
        .args(["--idle-seconds", &options.idle_seconds.to_string()])
        .args(["--settle-seconds", &options.settle_seconds.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if !sdk {
        command.arg("--no-sdk");
    }
    command
}

/// The lines a driver prints, each with when it arrived; the channel closes at its EOF.
fn read_lines(child: &mut Child) -> Result<mpsc::Receiver<(String, Instant)>> {
    let stdout = child.stdout.take().context("the driver's stdout was not captured")?;
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if sender.send((line, Instant::now())).is_err() {
                        break;
                    }
                }
            }
        }
    });
    Ok(receiver)
}

/// Waits for the child's exit until `deadline`; killed past it.
fn finish(child: &mut Child, deadline: Instant, what: &str) -> Result<()> {
    let status = wait(child, deadline, what)?;
    if !status.success() {
        bail!("the {what} driver exited with {status}");
    }
    Ok(())
}

fn first_call(line: &str, what: &str) -> Result<FirstCall> {
    let first: FirstCall =
        serde_json::from_str(line).with_context(|| format!("the {what} driver printed {:?}", line.trim_end()))?;
    if let Some(error) = &first.error {
        bail!("the {what} driver's first call failed: {error}");
    }
    Ok(first)
}

fn cold_run(launch: &ClientLaunch, target: &Target, options: &Options) -> Result<ColdRun> {
    let what = launch.client.name();
    let mut command = command(launch, target, options, "cold", true);
    let spawned_unix_us = unix_us();
    let spawned = Instant::now();
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start {}", launch.launch.program.display()))?;
    let lines = read_lines(&mut child)?;
    let received = lines.recv_timeout(DRIVER_GRACE);
    let outcome = match received {
        Ok((line, at)) => first_call(&line, what).map(|first| ColdRun::new(spawned, at, spawned_unix_us, &first)),
        Err(_) => Err(anyhow!("the {what} driver reported no first call")),
    };
    finish(&mut child, Instant::now() + DRIVER_GRACE, what)?;
    outcome
}

fn full_run(launch: &ClientLaunch, target: &Target, options: &Options, sdk: bool) -> Result<FullRun> {
    let what = launch.client.name();
    let mut child = command(launch, target, options, "full", sdk)
        .spawn()
        .with_context(|| format!("cannot start {}", launch.launch.program.display()))?;
    let lines = read_lines(&mut child)?;
    // Generous: a slow client's calls take what they take.
    let deadline = Instant::now()
        + Duration::from_secs_f64(options.idle_seconds + options.settle_seconds)
        + Duration::from_millis(options.calls.saturating_mul(20))
        + DRIVER_GRACE;
    let mut full = None;
    while let Ok((line, _)) = lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        #[derive(Deserialize)]
        struct Event {
            event: String,
        }
        let event: Event =
            serde_json::from_str(&line).with_context(|| format!("the {what} driver printed {:?}", line.trim_end()))?;
        match event.event.as_str() {
            "first_call" => {
                first_call(&line, what)?;
            }
            "footprint" => {
                full =
                    Some(serde_json::from_str::<FullRun>(&line).with_context(|| format!("the {what} footprint line"))?);
            }
            other => bail!("the {what} driver printed an unknown event '{other}'"),
        }
    }
    finish(&mut child, deadline, what)?;
    let full = full.ok_or_else(|| anyhow!("the {what} driver printed no footprint line"))?;
    if full.errors > 0 {
        bail!(
            "{} of the {what} driver's calls failed, first: {}",
            full.errors,
            full.first_error.as_deref().unwrap_or("?")
        );
    }
    Ok(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_address_takes_the_host_asked_for() {
        let url = "https://127.0.0.1:41793";
        assert_eq!(with_host(url, "localhost").unwrap(), "https://localhost:41793");
        assert_eq!(with_host(url, "::1").unwrap(), "https://[::1]:41793");
        assert!(with_host("https://127.0.0.1", "localhost").is_err());
    }
}
