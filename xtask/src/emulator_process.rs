//! The emulator binary run as a child process (as scripts and the bindings' tests use it):
//! started on a free port, its address read from the first stdout line, killed on drop.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

const READY_PREFIX: &str = "connectycube-emulator listening on http://";
const READY_TIMEOUT: Duration = Duration::from_secs(30);

pub struct EmulatorProcess {
    child: Child,
    pub addr: SocketAddr,
    /// `http://HOST:PORT`
    pub url: String,
}

impl EmulatorProcess {
    /// Starts `binary --port 0 <extra args>` and waits for its address.
    pub fn start(binary: &Path, extra_args: &[&str]) -> Result<Self> {
        let mut child = Command::new(binary)
            .args(["--port", "0"])
            .args(extra_args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let Some(stdout) = child.stdout.take() else {
            kill(&mut child);
            bail!("the emulator's stdout was not captured");
        };
        // A thread reads the first line (the address) and then drains the rest, so the
        // emulator never blocks on a full pipe; the channel gives us a timeout.
        let (first_line, received) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = first_line.send(reader.read_line(&mut line).map(|_| line));
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let line = match received.recv_timeout(READY_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(error)) => {
                kill(&mut child);
                bail!("cannot read the emulator's stdout: {error}");
            }
            Err(_) => {
                kill(&mut child);
                bail!("the emulator did not print its address within {READY_TIMEOUT:?}");
            }
        };
        let addr = line
            .trim_end()
            .strip_prefix(READY_PREFIX)
            .and_then(|rest| rest.trim_end_matches('/').parse::<SocketAddr>().ok());
        match addr {
            Some(addr) => Ok(Self {
                child,
                addr,
                url: format!("http://{addr}"),
            }),
            None => {
                kill(&mut child);
                bail!("unexpected first line from the emulator: {line:?}")
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

fn kill(child: &mut Child) {
    // Either may fail if it already exited; there is nothing more to do then.
    let _ = child.kill();
    let _ = child.wait();
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
