//! The SDK's examples as tests. Each example starts the emulator in its own process and
//! exits non-zero when what it shows did not happen, so running it is the test. Every
//! `crates/connectycube/examples/*.rs` runs, so a new example is tested without being
//! listed; the quickstart is left to `test()`, which runs it over HTTP and HTTPS.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::util;

/// Run on their own by `test()`.
const RUN_ELSEWHERE: &[&str] = &["quickstart"];

/// Builds the examples once (cargo links them in parallel; `cargo test` has built what they
/// depend on), then runs each binary: one cargo invocation instead of one per example.
pub fn run() -> Result<()> {
    let names = example_names()?;
    util::step(&format!("examples: {}", names.join(", ")));
    util::cargo(&["build", "--quiet", "-p", "connectycube", "--examples"])?;
    for name in &names {
        let binary = util::target_dir()
            .join("debug")
            .join("examples")
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        if !binary.exists() {
            bail!("the example {name} was built but is not at {}", binary.display());
        }
        let started = Instant::now();
        let mut command = std::process::Command::new(&binary);
        command.current_dir(util::workspace_root());
        util::run(&mut command).with_context(|| format!("the example {name} failed"))?;
        eprintln!("example {name}: passed in {:.1} s", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// The examples' names (their file stems), sorted, without those run elsewhere.
fn example_names() -> Result<Vec<String>> {
    let dir: PathBuf = util::workspace_root().join("crates/connectycube/examples");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        // Directories hold what the examples share (`common/`), not examples.
        let stem = path.file_stem().and_then(|s| s.to_str());
        if let (true, Some(stem)) = (path.extension().is_some_and(|e| e == "rs"), stem) {
            if !RUN_ELSEWHERE.contains(&stem) {
                names.push(stem.to_owned());
            }
        }
    }
    names.sort();
    if names.is_empty() {
        bail!("no example found in {}", dir.display());
    }
    Ok(names)
}
