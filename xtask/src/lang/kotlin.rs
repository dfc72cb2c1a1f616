//! The Kotlin binding tests: JVM tests against the emulator (`cargo xtask test-bindings --lang
//! kotlin`). The generated code, the handwritten layer (`src/main/kotlin`, `src/androidMain/kotlin`
//! against the JVM stand-ins of `src/jvmMain/kotlin` and the tests' `Looper`/`Handler`) and the
//! tests are compiled in ONE `kotlinc` call (`toolchain/kotlin.rs`); then `javac` compiles
//! `src/test/java`, which the Kotlin runner runs with the rest.
//!
//! Coroutine wake-ups keep their native threads attached to the JVM
//! (`kotlin/callback_threads.rs`, applied to every output by `bindings::generate_into`).
//! Records print through the Rust `Display` uniffi exports, so their `toString()` needs no
//! patch.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::BindingsContext;
use crate::toolchain::kotlin::{compile, compile_java, ensure_java, join_paths, kotlin_files, toolchain};

pub(crate) mod callback_threads;

/// The test runner's main class (`bindings/kotlin/src/test/kotlin/com/connectycube/test/TestMain.kt`).
const MAIN_CLASS: &str = "com.connectycube.test.TestMainKt";
/// A hung test run (a lost callback, a deadlock) fails after this long.
const RUN_TIMEOUT: Duration = Duration::from_secs(300);
/// The line the test runner ends with: `kotlin: N passed, N failed`.
const SUMMARY_PREFIX: &str = "kotlin: ";

pub fn test(context: &BindingsContext) -> Result<()> {
    let module = context.workspace.join("bindings").join("kotlin");
    let started = Instant::now();
    ensure_java()?;
    let toolchain = toolchain(&context.cache.join("kotlin"))?;
    eprintln!("kotlin toolchain ready in {:.1} s", started.elapsed().as_secs_f64());

    let sources = vec![
        context.generated.clone(),
        module.join("src").join("main").join("kotlin"),
        module.join("src").join("androidMain").join("kotlin"),
        module.join("src").join("jvmMain").join("kotlin"),
        module.join("src").join("test").join("kotlin"),
    ];
    for dir in &sources {
        if !dir.is_dir() {
            bail!("Kotlin sources missing: {}", dir.display());
        }
    }
    let jar = context.build_dir.join("tests.jar");
    let compile_started = Instant::now();
    compile(&toolchain, &sources, &jar)?;
    // The Java tests call the Kotlin (and the Kotlin runner loads them by name).
    let java_classes = context.build_dir.join("java-classes");
    compile_java(
        &toolchain,
        &module.join("src").join("test").join("java"),
        &jar,
        &java_classes,
    )?;
    eprintln!(
        "kotlin + java compile step: {:.1} s",
        compile_started.elapsed().as_secs_f64()
    );

    let library_dir = context
        .library
        .parent()
        .context("the FFI library path has no parent directory")?;
    let mut classpath = vec![jar, java_classes];
    classpath.extend(toolchain.runtime_classpath());
    let run_started = Instant::now();
    let mut child = Command::new("java")
        .arg(format!("-Djna.library.path={}", library_dir.display()))
        .arg("-cp")
        .arg(join_paths(&classpath)?)
        .arg(MAIN_CLASS)
        .env("CONNECTYCUBE_API_ENDPOINT", &context.emulator_url)
        .envs(context.tls.env())
        .current_dir(&context.build_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start java")?;
    // The runner's lines are echoed as they come; the last summary line is kept.
    let stdout = child.stdout.take().context("no stdout pipe")?;
    let reader = std::thread::spawn(move || {
        let mut summary = None;
        for line in BufReader::new(stdout).lines().map_while(std::io::Result::ok) {
            eprintln!("{line}");
            if line.starts_with(SUMMARY_PREFIX) {
                summary = Some(line);
            }
        }
        summary
    });
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if run_started.elapsed() > RUN_TIMEOUT {
            // Only the child this function started.
            let _ = child.kill();
            let _ = child.wait();
            bail!("the Kotlin tests did not finish within {} s", RUN_TIMEOUT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let summary = reader
        .join()
        .map_err(|_| anyhow::anyhow!("the output reader thread panicked"))?;
    eprintln!("kotlin tests ran in {:.1} s", run_started.elapsed().as_secs_f64());
    match summary {
        Some(_) if status.success() => Ok(()),
        Some(line) => bail!("{line} (java exited with {status})"),
        None => bail!("the Kotlin test runner printed no summary line (java exited with {status})"),
    }
}

/// Applies `patch` to the one generated `.kt` file under `dir` that contains `marker` (what
/// the patch expects, named in the error when there is not exactly one such file).
pub(crate) fn patch_the_file_with(
    dir: &Path,
    marker: &str,
    what: &str,
    patch: impl Fn(&str) -> Result<String>,
) -> Result<()> {
    let mut files = Vec::new();
    kotlin_files(dir, &mut files)?;
    let mut patched = 0;
    for file in files {
        let source = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
        if !source.contains(marker) {
            continue;
        }
        let source = patch(&source).with_context(|| format!("in {}", file.display()))?;
        std::fs::write(&file, source).with_context(|| format!("cannot write {}", file.display()))?;
        patched += 1;
    }
    if patched != 1 {
        bail!(
            "expected one generated Kotlin file with {what} under {}, found {patched}",
            dir.display()
        );
    }
    Ok(())
}
