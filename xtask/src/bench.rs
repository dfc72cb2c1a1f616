//! `cargo xtask bench | footprint | soak | bench-emulator`: xtask builds and starts what the
//! measurements need (the emulator, the drivers and their toolchains) and runs the measuring
//! binaries of `crates/connectycube-bench` (release builds, but the soak's) or the emulator's
//! `throughput` bench; they parse the flags, measure and write the reports:
//! `target/bench/bench.{md,json}`, `target/bench/footprint.{md,json}` (also the last section of
//! `bench.*`), `target/soak/soak.md`, `target/bench/emulator.json`.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::bench_drivers::{self, entry};
use crate::emulator_process::EmulatorProcess;
use crate::util;

/// `cargo xtask bench [ARGS]`: `bench-sdk`, then (unless `--no-footprint`) the footprint of the
/// clients asked for, appended to `bench.md` and `bench.json`.
pub fn bench(args: &[String]) -> Result<()> {
    // The flags are bench-sdk's; xtask only looks at which clients to build and whether to
    // run the footprint.
    let footprint = !args.iter().any(|a| a == "--no-footprint");
    let wants = wanted_clients(args);
    let help = args.iter().any(|a| a == "--help" || a == "-h");
    let binaries = build_release_binaries()?;
    if help {
        return util::run(Command::new(binaries.join("bench-sdk")).args(args));
    }

    let mut entries = Vec::new();
    if wants("js") {
        entries.push(entry("js", false, bench_drivers::js("js-driver.mjs")));
    }
    let bindings: Vec<&str> = bench_drivers::CLIENTS.into_iter().filter(|b| wants(b)).collect();
    if !bindings.is_empty() {
        util::step("the bindings' bench drivers: the release FFI library");
        let library = bench_drivers::release_library();
        for name in bindings {
            util::step(&format!("the {name} bench driver"));
            let launch = match &library {
                Ok(library) => bench_drivers::prepare(name, library),
                Err(error) => Err(anyhow::anyhow!("the release FFI library: {error:#}")),
            };
            entries.push(entry(name, true, launch));
        }
    }
    let drivers = bench_drivers::write_entries("bench.json", &entries)?;

    util::step("building the emulator (release) and starting it");
    let emulator = EmulatorProcess::start(&util::build_emulator(true)?, &["--log", "warn"])?;
    eprintln!("emulator at {}", emulator.url);
    let out = util::target_dir().join("bench");
    let measured = util::run(
        Command::new(binaries.join("bench-sdk"))
            .args(["--url", &emulator.url, "--emulator-pid", &emulator.pid().to_string()])
            .arg("--drivers")
            .arg(&drivers)
            .arg("--out")
            .arg(&out)
            .args(args),
    );
    drop(emulator);

    // After the rest, on its own HTTPS emulator: nothing else runs while it measures.
    let footprint_clients: Vec<&str> = [("rust", "sdk"), ("js", "js"), ("python", "python")]
        .into_iter()
        .filter(|(_, bench_name)| wants(bench_name))
        .map(|(name, _)| name)
        .collect();
    let mut footprint_ok = true;
    if footprint && !footprint_clients.is_empty() {
        util::step("mobile footprint (cargo xtask footprint)");
        let mut footprint_args = vec!["--clients".to_owned(), footprint_clients.join(",")];
        if args.iter().any(|a| a == "--check") {
            footprint_args.push("--check".to_owned());
        }
        let result = run_footprint(&binaries, &footprint_args);
        footprint_ok = result.is_ok();
        append_footprint(&out, result.err())?;
    }
    measured?;
    if !footprint_ok {
        bail!("the footprint section failed or missed a target (see above)");
    }
    Ok(())
}

/// `footprint.{md,json}` appended to `bench.{md,json}` (or why it could not run).
fn append_footprint(out: &std::path::Path, error: Option<anyhow::Error>) -> Result<()> {
    let (bench_md, bench_json) = (out.join("bench.md"), out.join("bench.json"));
    let (Ok(mut markdown), Ok(text)) = (std::fs::read_to_string(&bench_md), std::fs::read_to_string(&bench_json))
    else {
        return Ok(());
    };
    let mut json: serde_json::Value = serde_json::from_str(&text).context("bench.json")?;
    let footprint_md = std::fs::read_to_string(out.join("footprint.md"));
    let footprint_json = std::fs::read_to_string(out.join("footprint.json"));
    match (error, footprint_md, footprint_json) {
        (None, Ok(md), Ok(text)) => {
            markdown.push_str(&md);
            json["footprint"] = serde_json::from_str(&text).context("footprint.json")?;
        }
        (error, ..) => {
            let why = error.map_or_else(|| "no report".to_owned(), |e| format!("{e:#}"));
            markdown.push_str(&format!("\n## Mobile footprint\n\nCould not run: {why}\n"));
            json["footprint"] = serde_json::json!({ "error": why });
        }
    }
    std::fs::write(&bench_md, markdown).context("cannot write bench.md")?;
    let text = serde_json::to_string_pretty(&json).context("cannot encode bench.json")?;
    std::fs::write(&bench_json, text + "\n").context("cannot write bench.json")
}

/// `cargo xtask footprint [ARGS]`.
pub fn footprint(args: &[String]) -> Result<()> {
    let binaries = build_release_binaries()?;
    run_footprint(&binaries, args)
}

fn run_footprint(binaries: &std::path::Path, args: &[String]) -> Result<()> {
    let command = Command::new(binaries.join("bench-footprint"));
    if args.iter().any(|a| a == "--help" || a == "-h") {
        return util::run(Command::new(binaries.join("bench-footprint")).args(args));
    }
    util::step("building the emulator (release) and starting it over HTTPS");
    let work = util::target_dir().join("footprint");
    let emulator = EmulatorProcess::start_tls(&util::build_emulator(true)?, &work.join("tls"), &[])?;
    let ca = emulator
        .ca_file
        .clone()
        .context("the HTTPS emulator named no CA file")?;
    eprintln!("emulator at {}, CA {}", emulator.url, ca.display());
    let wants = wanted_clients(args);
    let entries: Vec<_> = ["rust", "js", "python"]
        .into_iter()
        .filter(|client| wants(client))
        .map(|client| {
            util::step(&format!("the {client} footprint driver"));
            entry(client, false, bench_drivers::footprint(client, &ca))
        })
        .collect();
    let drivers = bench_drivers::write_entries("footprint.json", &entries)?;
    let mut command = command;
    command
        .args(["--url", &emulator.url])
        .arg("--ca")
        .arg(&ca)
        .arg("--drivers")
        .arg(&drivers)
        .arg("--out")
        .arg(util::target_dir().join("bench"))
        .args(args);
    util::run(&mut command)
}

/// Whether `--clients` (passed on to the binary) names a client, or is absent.
fn wanted_clients(args: &[String]) -> impl Fn(&str) -> bool {
    let list = args
        .iter()
        .position(|a| a == "--clients")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--clients=").map(str::to_owned))
        });
    move |name| list.as_ref().is_none_or(|l| l.split(',').any(|n| n.trim() == name))
}

/// `cargo xtask soak [ARGS]`: a debug emulator and `bench-soak` (debug builds, as `cargo xtask
/// test` builds everything else).
pub fn soak(args: &[String], after_workspace_tests: bool) -> Result<()> {
    let emulator_binary = util::build_emulator(false)?;
    if after_workspace_tests {
        // The selection `cargo test --workspace` just built (its test targets are fresh), so
        // the dependencies keep its features and only this binary compiles.
        util::cargo(&["build", "--quiet", "--workspace", "--tests", "--bin", "bench-soak"])?;
    } else {
        util::cargo(&["build", "--quiet", "-p", "connectycube-bench", "--bin", "bench-soak"])?;
    }
    let binary = util::target_dir().join("debug").join("bench-soak");
    let emulator = EmulatorProcess::start(&emulator_binary, &[])?;
    util::run(
        Command::new(binary)
            .args(["--url", &emulator.url, "--emulator-pid", &emulator.pid().to_string()])
            .arg("--out")
            .arg(util::target_dir().join("soak"))
            .args(args),
    )
}

/// `cargo xtask bench-emulator [ARGS]`: the emulator's `throughput` bench.
pub fn bench_emulator(args: &[String]) -> Result<()> {
    let mut cargo_args = vec!["bench", "-p", "connectycube-emulator", "--bench", "throughput", "--"];
    cargo_args.extend(args.iter().map(String::as_str));
    util::cargo(&cargo_args)
}

/// The release binaries of connectycube-bench (the measuring clients must not be debug
/// builds); their directory.
fn build_release_binaries() -> Result<PathBuf> {
    util::step("building the measuring binaries (release)");
    util::cargo(&["build", "--release", "-p", "connectycube-bench", "--bins"])?;
    Ok(util::target_dir().join("release"))
}
