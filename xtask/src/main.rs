//! `cargo xtask <command>`: the one entry point for everything beyond `cargo build`.
//!
//! - `test`            formatting, clippy, every Rust test, the quickstart and examples, the
//!   Python/Kotlin/Swift binding tests, the official JS SDK against the emulator, the emulator's
//!   web page in headless Chromium, the soak (what CI runs)
//! - `examples`        only the Rust examples beside the quickstart
//! - `emulator [ARGS]` build and run the emulator (arguments go to it)
//! - `bindings`        generate the foreign-language bindings into `target/bindings/<lang>/`
//! - `test-bindings`   each language's binding tests against the emulator
//! - `js-compat`       only the JS SDK compatibility test
//! - `emulator-ui`     the emulator's web page in headless Chromium, screenshots in `target/emulator-ui/`
//! - `size`            the FFI library's size (release-size profile) against the budget
//! - `soak`            minutes of mixed SDK load on the emulator: no failure, no memory growth
//! - `bench-emulator`  the emulator's throughput/latency benchmark (release build)
//! - `bench`           raw reqwest vs the Rust SDK, the official JS SDK and our Kotlin, Swift and
//!   Python bindings (release build)
//! - `footprint`       cold start, threads, memory and idle wake-ups of the Rust SDK, the JS SDK and
//!   the FFI library over HTTPS (also the last section of `bench`)

mod bench;
mod bench_drivers;
mod bindings;
mod emulator_process;
mod emulator_ui;
mod examples;
mod js_compat;
mod lang;
mod packaging;
mod plain_http;
mod size;
mod test_bindings;
mod toolchain;
mod util;
mod webdriver;

#[cfg(test)]
#[path = "../tests/module_graph.rs"]
mod module_graph;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Everything beyond `cargo build`")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

/// What a measuring command passes on to its binary (which parses and documents it: `--help`).
#[derive(clap::Args)]
struct PassOn {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

#[derive(Subcommand)]
enum Task {
    /// fmt check, clippy -D warnings, cargo test --workspace, quickstart (also over TLS), examples,
    /// binding tests, JS SDK compatibility over HTTP and HTTPS, the emulator page in Chromium, soak
    /// (what CI runs)
    Test {
        /// Skip fmt and clippy.
        #[arg(long)]
        no_lint: bool,
    },
    /// Run the emulator in release mode; the arguments go to it, e.g. `--port 8080`
    #[command(disable_help_flag = true)]
    Emulator(PassOn),
    /// Build the FFI library, generate Kotlin/Swift/Python into target/bindings/<lang>/
    Bindings(Languages),
    /// Generate, fetch toolchains (cached outside the repo), run each language's tests
    TestBindings(Languages),
    /// cargo-ndk → jniLibs → AAR (needs the Android NDK)
    Android,
    /// Static libraries → XCFramework (needs Xcode on macOS)
    Apple {
        #[arg(long, default_value = "release-size")]
        profile: String,
    },
    /// Run only the official JS SDK against the emulator (HTTP and HTTPS)
    JsCompat,
    /// Run the SDK's examples beside the quickstart, each against an embedded emulator
    Examples,
    /// The emulator's web page in headless Chromium (Debian's chromium, chromium-driver):
    /// shows what the API made, its switches and clock change the API → target/emulator-ui/*.png
    EmulatorUi,
    /// The FFI library's size under the mobile profile, per crate, against size-budget.toml
    Size,
    /// The SDK and the emulator under a mixed load with expiries and faults (default 300 s):
    /// no failed call, no memory growth → target/soak/soak.md (`--help` for the options)
    #[command(disable_help_flag = true)]
    Soak(PassOn),
    /// Measure the emulator: GET /users/{id}, 64 keep-alive connections → target/bench/emulator.json
    #[command(disable_help_flag = true)]
    BenchEmulator(PassOn),
    /// Raw reqwest, the Rust SDK, the JS SDK and the Kotlin/Swift/Python bindings against the
    /// emulator, then the footprint → target/bench/bench.md (`--help` for the options;
    /// `--no-footprint` skips the footprint, `--check` fails on a missed target)
    #[command(disable_help_flag = true)]
    Bench(PassOn),
    /// Cold start, threads, resident memory and idle wake-ups: Rust SDK, JS SDK, the FFI library
    /// via Python, over HTTPS → target/bench/footprint.md (`--help` for the options)
    #[command(disable_help_flag = true)]
    Footprint(PassOn),
}

#[derive(clap::Args)]
struct Languages {
    /// kotlin, swift, python (all when absent)
    #[arg(long, value_delimiter = ',', value_parser = ["kotlin", "swift", "python"])]
    lang: Vec<String>,
}

fn main() -> std::process::ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(task: Task) -> Result<()> {
    match task {
        Task::Test { no_lint } => test(!no_lint),
        Task::Emulator(PassOn { args }) => {
            let mut cargo_args = vec!["run", "--release", "-p", "connectycube-emulator", "--"];
            cargo_args.extend(args.iter().map(String::as_str));
            util::cargo(&cargo_args)
        }
        Task::Bindings(Languages { lang }) => bindings::run(&lang),
        Task::TestBindings(Languages { lang }) => test_bindings::run(&lang),
        Task::Android => packaging::android::package_android(),
        Task::Apple { profile } => packaging::apple::package_apple(&profile),
        Task::JsCompat => {
            let emulator = util::build_emulator(false)?;
            js_compat::run(&util::workspace_root(), &emulator)
        }
        Task::Examples => examples::run(),
        Task::EmulatorUi => emulator_ui::run(),
        Task::Size => size::run(),
        Task::Soak(PassOn { args }) => bench::soak(&args, false),
        Task::BenchEmulator(PassOn { args }) => bench::bench_emulator(&args),
        Task::Bench(PassOn { args }) => bench::bench(&args),
        Task::Footprint(PassOn { args }) => bench::footprint(&args),
    }
}

fn test(lint: bool) -> Result<()> {
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
    examples::run()?;
    util::step("binding tests: Python, Kotlin, Swift against the emulator");
    test_bindings::run(&[])?;
    util::step("JS SDK compatibility (npm connectycube 6.x against the emulator)");
    let emulator = util::build_emulator(false)?;
    js_compat::run(&util::workspace_root(), &emulator)?;
    emulator_ui::test_step()?;
    util::step("soak: the SDK and the emulator under a mixed load (CONNECTYCUBE_SOAK_SECONDS, default 300)");
    bench::soak(&[], true)?;
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
