//! `cargo xtask footprint`, also the last section of `cargo xtask bench`: what the SDK costs a
//! mobile app besides its calls, against the emulator over HTTPS (release builds).
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
//! `xtask/src/bin/footprint-driver.rs`), `js` (the official JS SDK 6 in node,
//! `xtask/bench/footprint-driver.mjs`) and `python` (the FFI library itself through our Python
//! binding, `xtask/bench/footprint_driver.py`).
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
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;

mod options;
mod report;

use crate::util;
pub(crate) use options::Client;
use options::Options;
use report::{ClientResult, ColdRun, FirstCall, FullRun, Report};

const APP_ID: u64 = 1;
const AUTH_KEY: &str = "29WfrNWdvkhmX6V";
const USER_LOGIN: &str = "footprint";
const USER_PASSWORD: &str = "footprintpass1";
const JS_DRIVER: &str = "xtask/bench/footprint-driver.mjs";
const PYTHON_DRIVER: &str = "xtask/bench/footprint_driver.py";
/// A driver that has not reported this long after it should have is stuck.
const DRIVER_GRACE: Duration = Duration::from_secs(120);
pub fn run(args: &[String]) -> Result<()> {
    // `cargo xtask` builds xtask in debug; the drivers are release builds either way, but the
    // parent's timing of each spawn should not be a debug build's.
    if cfg!(debug_assertions) {
        return util::rerun_in_release("footprint", args);
    }
    let options = Options::parse(args)?;
    let report = measure(&options)?;
    let (markdown, _) = write(&report)?;
    report::print(&markdown)?;
    if options.check && !report.all_met() {
        bail!("a footprint target was missed (see the table above)");
    }
    Ok(())
}

/// The footprint section of `cargo xtask bench`, for the clients it was asked for.
pub(crate) struct Section {
    pub(crate) markdown: String,
    pub(crate) json: serde_json::Value,
    pub(crate) all_met: bool,
}

/// Runs the footprint measurement with its defaults for the clients `wants` names (bench's
/// names: `sdk`, `js`, `python`), writes `footprint.{md,json}` as `cargo xtask footprint` does
/// and returns the section; a failure becomes the section's text.
pub(crate) fn bench_section(wants: impl Fn(&str) -> bool) -> Section {
    let clients: Vec<Client> = Client::ALL
        .into_iter()
        .filter(|c| wants(if *c == Client::Rust { "sdk" } else { c.name() }))
        .collect();
    let options = Options {
        clients,
        ..Options::default()
    };
    if options.clients.is_empty() {
        return Section {
            markdown: String::new(),
            json: serde_json::Value::Null,
            all_met: true,
        };
    }
    util::step("mobile footprint (cargo xtask footprint)");
    match measure(&options).and_then(|report| {
        let (markdown, json) = write(&report)?;
        Ok(Section {
            markdown,
            json,
            all_met: report.all_met(),
        })
    }) {
        Ok(section) => section,
        Err(error) => Section {
            markdown: format!("\n## Mobile footprint\n\nCould not run: {error:#}\n"),
            json: serde_json::json!({ "error": format!("{error:#}") }),
            all_met: false,
        },
    }
}

fn write(report: &Report) -> Result<(String, serde_json::Value)> {
    let markdown = report.markdown();
    let json = report.json();
    let dir = util::target_dir().join("bench");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let md_path = dir.join("footprint.md");
    std::fs::write(&md_path, &markdown).with_context(|| format!("cannot write {}", md_path.display()))?;
    let json_path = dir.join("footprint.json");
    let text = serde_json::to_string_pretty(&json).context("cannot encode the footprint report")?;
    std::fs::write(&json_path, text + "\n").with_context(|| format!("cannot write {}", json_path.display()))?;
    eprintln!("wrote {} and {}", md_path.display(), json_path.display());
    Ok((markdown, json))
}

// ---------------------------------------------------------------------------------------
// The run

/// How to start one client's driver; the protocol's arguments are appended to `args`.
struct Launch {
    client: Client,
    program: PathBuf,
    args: Vec<String>,
    env: Vec<(String, PathBuf)>,
    env_remove: Vec<&'static str>,
}

fn measure(options: &Options) -> Result<Report> {
    let started = Instant::now();
    let work = util::target_dir().join("footprint");
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    let tls_dir = work.join("tls");

    util::step("building the emulator (release) and starting it over HTTPS");
    let emulator_binary = util::build_emulator(true)?;
    let emulator = crate::lang::tls::TlsEmulator::start(&emulator_binary, &tls_dir)?;
    let (url, ca) = (emulator.endpoint.url.clone(), emulator.endpoint.ca_file.clone());
    eprintln!("emulator at {url}, CA {}", ca.display());
    let mut results: Vec<ClientResult> = Vec::new();
    let mut launches = Vec::new();
    for &client in &options.clients {
        util::step(&format!("the {} footprint driver", client.name()));
        match prepare(client, &work, &ca) {
            Ok(launch) => launches.push(launch),
            Err(error) => {
                eprintln!("warning: {} cannot be measured: {error:#}", client.label());
                results.push(ClientResult::unavailable(client, format!("{error:#}")));
            }
        }
    }

    let url = with_host(&url, &options.host)?;
    let user_id = sign_up(&url, &ca)?;
    let target = Target { url, user_id };

    // Cold starts: one unmeasured run each (page cache, Python's bytecode cache), then the
    // clients interleaved, the order rotating, so a slow stretch of the machine is shared.
    util::step(&format!(
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
        util::step(&format!(
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
    drop(emulator);
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

/// Builds or finds `client`'s driver; `ca` is the emulator's CA file, trusted as an app would.
fn prepare(client: Client, work: &Path, ca: &Path) -> Result<Launch> {
    let root = util::workspace_root();
    match client {
        Client::Rust => {
            util::cargo(&["build", "--release", "-p", "xtask", "--bin", "footprint-driver"])?;
            let binary = util::target_dir().join("release").join("footprint-driver");
            if !binary.is_file() {
                bail!("{} was not built", binary.display());
            }
            Ok(Launch {
                client,
                program: binary,
                args: vec!["--ca".to_owned(), path_text(ca)?],
                env: Vec::new(),
                env_remove: Vec::new(),
            })
        }
        Client::Js => {
            let script = root.join(JS_DRIVER);
            let version = Command::new("node")
                .arg("--version")
                .output()
                .context("node is not installed")?;
            if !version.status.success() {
                bail!("node --version failed");
            }
            Ok(Launch {
                client,
                program: PathBuf::from("node"),
                args: vec![path_text(&script)?],
                env: vec![
                    ("CONNECTYCUBE_JS_SDK_DIR".to_owned(), crate::js_compat::sdk_dir()?),
                    // How node trusts a private CA: read once at start.
                    ("NODE_EXTRA_CA_CERTS".to_owned(), ca.to_path_buf()),
                ],
                env_remove: Vec::new(),
            })
        }
        Client::Python => {
            let python = crate::lang::python::python();
            crate::lang::python::check_python(&python)?;
            // The library as it ships (release-size: opt-level z, fat LTO, stripped); the
            // bindings are generated from the release build, which keeps the symbols
            // uniffi-bindgen reads (same interface, same checksums).
            let with_symbols = crate::bench_drivers::release_library()?;
            util::cargo(&["build", "-p", "connectycube-ffi", "--profile", "release-size"])?;
            let library = util::target_dir()
                .join("release-size")
                .join(crate::bindings::library_file_name());
            if !library.is_file() {
                bail!("{} was not built", library.display());
            }
            let generated =
                crate::bindings::generate_into(&with_symbols, "python", work.join("generated").join("python"))?;
            let package_root = work.join("python").join("connectycube-python");
            if package_root.exists() {
                std::fs::remove_dir_all(&package_root)
                    .with_context(|| format!("cannot empty {}", package_root.display()))?;
            }
            crate::lang::python::copy_tree(&root.join("bindings/python"), &package_root)?;
            // The generated module loads the library from its own directory.
            let package = package_root.join("connectycube");
            crate::lang::python::copy(&generated.join("connectycube_ffi.py"), &package)?;
            crate::lang::python::copy(&library, &package)?;
            // Bytecode caching on, even where the environment turns it off: an installed
            // package starts from its .pyc files, which the unmeasured first run writes.
            Ok(Launch {
                client,
                program: PathBuf::from(python),
                args: vec![path_text(&root.join(PYTHON_DRIVER))?, "--ca".to_owned(), path_text(ca)?],
                env: vec![("PYTHONPATH".to_owned(), package_root)],
                env_remove: vec!["PYTHONDONTWRITEBYTECODE"],
            })
        }
    }
}

fn path_text(path: &Path) -> Result<String> {
    path.to_str()
        .map(str::to_owned)
        .with_context(|| format!("{} is not UTF-8", path.display()))
}

fn command(launch: &Launch, target: &Target, options: &Options, phase: &str, sdk: bool) -> Command {
    let mut command = Command::new(&launch.program);
    command
        .args(&launch.args)
        .args(["--url", &target.url, "--user-id", &target.user_id.to_string()])
        .args(["--phase", phase, "--calls", &options.calls.to_string()])
        .args(["--idle-seconds", &options.idle_seconds.to_string()])
        .args(["--settle-seconds", &options.settle_seconds.to_string()])
        .current_dir(util::workspace_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if !sdk {
        command.arg("--no-sdk");
    }
    for (name, value) in &launch.env {
        command.env(name, value);
    }
    for name in &launch.env_remove {
        command.env_remove(name);
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
    loop {
        if let Some(status) = child.try_wait().context("waiting for the driver")? {
            if !status.success() {
                bail!("the {what} driver exited with {status}");
            }
            return Ok(());
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("the {what} driver did not finish in time");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn first_call(line: &str, what: &str) -> Result<FirstCall> {
    let first: FirstCall =
        serde_json::from_str(line).with_context(|| format!("the {what} driver printed {:?}", line.trim_end()))?;
    if let Some(error) = &first.error {
        bail!("the {what} driver's first call failed: {error}");
    }
    Ok(first)
}

fn cold_run(launch: &Launch, target: &Target, options: &Options) -> Result<ColdRun> {
    let what = launch.client.name();
    let mut command = command(launch, target, options, "cold", true);
    let spawned_unix_us = unix_us();
    let spawned = Instant::now();
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start {}", launch.program.display()))?;
    let lines = read_lines(&mut child)?;
    let received = lines.recv_timeout(DRIVER_GRACE);
    let outcome = match received {
        Ok((line, at)) => first_call(&line, what).map(|first| ColdRun::new(spawned, at, spawned_unix_us, &first)),
        Err(_) => Err(anyhow!("the {what} driver reported no first call")),
    };
    finish(&mut child, Instant::now() + DRIVER_GRACE, what)?;
    outcome
}

fn full_run(launch: &Launch, target: &Target, options: &Options, sdk: bool) -> Result<FullRun> {
    let what = launch.client.name();
    let mut child = command(launch, target, options, "full", sdk)
        .spawn()
        .with_context(|| format!("cannot start {}", launch.program.display()))?;
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

fn unix_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
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

    #[test]
    fn options_parse() {
        let args: Vec<String> = ["--runs=3", "--clients", "rust,js", "--host", "127.0.0.1"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let options = Options::parse(&args).unwrap();
        assert_eq!(options.runs, 3);
        assert_eq!(options.clients, vec![Client::Rust, Client::Js]);
        assert_eq!(options.host, "127.0.0.1");
        assert!(Options::parse(&["--clients".to_owned(), "kotlin".to_owned()]).is_err());
    }
}
