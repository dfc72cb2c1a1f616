//! How xtask hands the drivers it built over to the measuring binaries, and the emulator's
//! control API.
//!
//! xtask provisions toolchains and builds the drivers (the JS SDK, our bindings, the footprint
//! drivers), then writes their launches as a JSON array to a file passed with `--drivers`:
//!
//! ```text
//! [{"name":"kotlin","program":"java","args":["-cp","…"],"env":[["NAME","value"]],
//!   "env_remove":[],"binding":true},
//!  {"name":"swift","unavailable":"why it could not be built"}]
//! ```

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use serde_json::Value;

/// One driver: a command (the protocol's arguments are appended), or why there is none.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Launch {
    pub name: String,
    #[serde(default)]
    pub program: PathBuf,
    #[serde(default)]
    pub args: Vec<String>,
    #[serde(default)]
    pub env: Vec<(String, PathBuf)>,
    #[serde(default)]
    pub env_remove: Vec<String>,
    /// One of our bindings: it joins every sequential round of `bench-sdk`.
    #[serde(default)]
    pub binding: bool,
    /// Why the driver could not be set up (then nothing else is given).
    #[serde(default)]
    pub unavailable: Option<String>,
}

impl Launch {
    /// The launches in a `--drivers` file (none without one).
    pub fn read_all(file: Option<&Path>) -> Result<Vec<Self>> {
        let Some(file) = file else { return Ok(Vec::new()) };
        let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{} is not a list of driver launches", file.display()))
    }

    /// `NAME=COMMAND` (split on spaces), as `--driver` gives one.
    pub fn parse(text: &str) -> Result<Self> {
        let (name, command) = text
            .split_once('=')
            .ok_or_else(|| anyhow!("--driver expects NAME=COMMAND, got '{text}'"))?;
        let mut words = command.split_whitespace().map(str::to_owned);
        let program = words
            .next()
            .ok_or_else(|| anyhow!("--driver {name}: the command is empty"))?;
        if name.is_empty() {
            bail!("--driver: the name is empty");
        }
        Ok(Self {
            name: name.to_owned(),
            program: program.into(),
            args: words.collect(),
            ..Self::default()
        })
    }

    /// The command with its arguments and environment, run from the workspace root.
    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args).current_dir(crate::report::workspace_root());
        for (name, value) in &self.env {
            command.env(name, value);
        }
        for name in &self.env_remove {
            command.env_remove(name);
        }
        command
    }
}

/// Waits for a driver's exit until `deadline`; past it the driver is killed and it is an error.
pub fn wait(child: &mut Child, deadline: Instant, what: &str) -> Result<ExitStatus> {
    loop {
        if let Some(status) = child.try_wait().context("waiting for the driver")? {
            return Ok(status);
        }
        if Instant::now() >= deadline {
            // It may have exited meanwhile; there is nothing more to do then.
            let _ = child.kill();
            let _ = child.wait();
            bail!("the {what} driver did not finish in time");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// One call of the emulator's control API (`/__emulator/{route}`, `emulator-control.md`) at
/// `url`: its JSON answer, `Null` when empty; an error on a non-2xx status.
pub async fn control(
    client: &reqwest::Client,
    url: &str,
    method: reqwest::Method,
    route: &str,
    body: Option<Value>,
) -> Result<Value> {
    let mut request = client.request(method.clone(), format!("{url}/__emulator/{route}"));
    if let Some(body) = body {
        request = request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
    }
    let response = request
        .send()
        .await
        .with_context(|| format!("{method} /__emulator/{route}"))?;
    let status = response.status();
    let bytes = response.bytes().await.context("control answer")?;
    if !status.is_success() {
        bail!("{method} /__emulator/{route} answered {status}");
    }
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&bytes).with_context(|| format!("{method} /__emulator/{route}: invalid JSON"))
}
