//! `cargo xtask <command>`: the one entry point for everything beyond `cargo build`.
//!
//! - `test`            formatting, clippy, every Rust test, the quickstart, the Python/Kotlin/Swift
//!   binding tests, then the official JS SDK run
//!   against the emulator (what CI runs)
//! - `emulator [ARGS]` build and run the emulator (arguments go to it)
//! - `bindings`        generate the foreign-language bindings into `target/bindings/<lang>/`
//! - `test-bindings`   each language's binding tests against the emulator
//! - `js-compat`       only the JS SDK compatibility test
//! - `size`            the FFI library's size (release-size profile) against the budget
//! - `soak`            minutes of mixed SDK load on the emulator: no failure, no memory growth
//! - `bench-emulator`  the emulator's throughput/latency benchmark (release build)
//! - `bench`           raw reqwest vs the Rust SDK, the official JS SDK and our Kotlin, Swift and
//!   Python bindings (release build)
//! - `footprint`       cold start, threads, memory and idle wake-ups of the Rust SDK, the JS SDK and
//!   the FFI library over HTTPS (also the last section of `bench`)

mod bench;
mod bench_drivers;
mod bench_emulator;
mod bindings;
mod emulator_process;
mod footprint;
mod js_compat;
mod lang;
mod size;
mod soak;
mod test_bindings;
mod util;

use anyhow::{Result, bail};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<()> {
    let (command, rest) = args.split_first().map_or(("help", &[][..]), |(c, r)| (c.as_str(), r));
    match command {
        "test" => test(rest),
        "emulator" => {
            let mut cargo_args = vec!["run", "--release", "-p", "connectycube-emulator", "--"];
            cargo_args.extend(rest.iter().map(String::as_str));
            util::cargo(&cargo_args)
        }
        "bindings" => bindings::run(rest),
        "test-bindings" => test_bindings::run(rest),
        "android" => lang::kotlin::package_android(rest),
        "apple" => lang::swift::package_apple(rest),
        "js-compat" => {
            let emulator = util::build_emulator(false)?;
            js_compat::run(&util::workspace_root(), &emulator)
        }
        "size" => size::run(rest),
        // `cargo xtask` builds xtask in debug; a debug load generator would measure itself.
        "bench-emulator" if cfg!(debug_assertions) => util::rerun_in_release("bench-emulator", rest),
        "bench-emulator" => bench_emulator::run(rest),
        "bench" => bench::run(rest),
        "footprint" => footprint::run(rest),
        "soak" => soak::run(rest),
        "help" | "--help" | "-h" => {
            eprintln!("{}", HELP);
            Ok(())
        }
        other => bail!("unknown command '{other}'\n{HELP}"),
    }
}

const HELP: &str = "usage: cargo xtask <command>
  test                 fmt check, clippy -D warnings, cargo test --workspace, quickstart, binding tests,
                       JS SDK compatibility
                       (--no-lint skips fmt and clippy)
  emulator [ARGS]      run the emulator in release mode, e.g. `cargo xtask emulator --port 8080`
  bindings [--lang L]  build the FFI library, generate Kotlin/Swift/Python into target/bindings/<lang>/
  test-bindings [--lang L]  generate, fetch toolchains (cached outside the repo), run each language's tests
  android              cargo-ndk → jniLibs → AAR (needs the Android NDK)
  apple                static libraries → XCFramework (needs Xcode on macOS)
  js-compat            run only the official JS SDK against the emulator
  size                 the FFI library's size under the mobile profile, per crate, against size-budget.toml
  soak [--seconds S]   the SDK and the emulator under a mixed load with expiries and faults (default 300 s):
                       no failed call, no memory growth → target/soak/soak.md
  bench-emulator       measure the emulator: GET /users/{id}, 64 keep-alive connections
  bench [--seconds S]  raw reqwest, the Rust SDK, the JS SDK and the Kotlin/Swift/Python bindings against the
                       emulator → target/bench/bench.md
                       (--help for the options; --check fails on a missed target)
  footprint            cold start, threads, resident memory and idle wake-ups: Rust SDK, JS SDK, the FFI library
                       via Python, over HTTPS → target/bench/footprint.md (--help for the options)";

fn test(args: &[String]) -> Result<()> {
    let lint = !args.iter().any(|a| a == "--no-lint");
    if lint {
        util::step("cargo fmt --check");
        util::cargo(&["fmt", "--all", "--", "--check"])?;
        util::step("cargo clippy");
        util::cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    }
    util::step("cargo test --workspace");
    util::cargo(&["test", "--workspace"])?;
    util::step("cargo run --example quickstart (the README's first command)");
    util::cargo(&["run", "--quiet", "-p", "connectycube", "--example", "quickstart"])?;
    util::step("the quickstart over TLS: an HTTPS emulator, its CA trusted through CONNECTYCUBE_CA_CERT");
    quickstart_over_tls()?;
    util::step("binding tests: Python, Kotlin, Swift against the emulator");
    test_bindings::run(&[])?;
    util::step("JS SDK compatibility (npm connectycube 6.x against the emulator)");
    let emulator = util::build_emulator(false)?;
    js_compat::run(&util::workspace_root(), &emulator)?;
    util::step("soak: the SDK and the emulator under a mixed load (CONNECTYCUBE_SOAK_SECONDS, default 300)");
    soak::run(&[])?;
    util::step("all tests passed");
    Ok(())
}

/// The README's quickstart pointed at the emulator binary serving HTTPS, as a developer
/// would run it against a staging server with a private CA.
fn quickstart_over_tls() -> Result<()> {
    let binary = util::build_emulator(false)?;
    let tls_dir = util::target_dir().join("quickstart-tls");
    let emulator = emulator_process::EmulatorProcess::start_tls(&binary, &tls_dir, &[])?;
    let Some(ca_file) = &emulator.ca_file else {
        bail!("the HTTPS emulator named no CA file");
    };
    util::run(
        util::cargo_command(&["run", "--quiet", "-p", "connectycube", "--example", "quickstart"])
            .env("CONNECTYCUBE_API_ENDPOINT", &emulator.url)
            .env("CONNECTYCUBE_APP_ID", "1")
            .env("CONNECTYCUBE_AUTH_KEY", "29WfrNWdvkhmX6V")
            .env("CONNECTYCUBE_CA_CERT", ca_file),
    )
}
