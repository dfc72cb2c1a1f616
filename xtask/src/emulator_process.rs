//! The emulator binary run as a child process (as scripts and the bindings' tests use it):
//! started on a free port, its address read from the first stdout line (and, serving HTTPS,
//! its CA file from the `CA certificate:` line), killed on drop.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, bail};

const READY_PREFIX: &str = "connectycube-emulator listening on ";
const CA_PREFIX: &str = "CA certificate: ";
const READY_TIMEOUT: Duration = Duration::from_secs(30);

pub struct EmulatorProcess {
    child: Child,
    /// `http://HOST:PORT`, or `https://HOST:PORT` when it serves TLS.
    pub url: String,
    /// The CA a client must trust, when it serves TLS with `--generate-tls`.
    pub ca_file: Option<PathBuf>,
}

impl EmulatorProcess {
    /// Starts `binary --port 0 <extra args>` and waits for its address.
    pub fn start(binary: &Path, extra_args: &[&str]) -> Result<Self> {
        Self::spawn(binary, extra_args, None)
    }

    /// Serving HTTPS with `--generate-tls dir` (a throwaway CA kept in `dir` and reused);
    /// waits for its address and CA file.
    pub fn start_tls(binary: &Path, dir: &Path, extra_args: &[&str]) -> Result<Self> {
        Self::spawn(binary, extra_args, Some(dir))
    }

    fn spawn(binary: &Path, extra_args: &[&str], tls_dir: Option<&Path>) -> Result<Self> {
        let mut command = Command::new(binary);
        command.args(["--port", "0"]).args(extra_args);
        if let Some(dir) = tls_dir {
            command.arg("--generate-tls").arg(dir);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        match read_ready(&mut child, tls_dir.is_some()) {
            Ok((_, url, ca_file)) => Ok(Self { child, url, ca_file }),
            Err(error) => {
                kill(&mut child);
                Err(error)
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

/// The address from the first line and, when `tls`, the CA file from a later one.
fn read_ready(child: &mut Child, tls: bool) -> Result<(SocketAddr, String, Option<PathBuf>)> {
    let stdout = child.stdout.take().context("the emulator's stdout was not captured")?;
    // A thread passes the lines on and then drains the rest, so the emulator never blocks on
    // a full pipe; the channel gives a timeout.
    let (line_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // Nobody listens once the address is known; keep reading anyway.
            let _ = line_tx.send(line);
        }
    });
    let next_line = || {
        lines
            .recv_timeout(READY_TIMEOUT)
            .with_context(|| format!("the emulator did not print its address within {READY_TIMEOUT:?}"))
    };
    let first = next_line()?;
    let url = first
        .trim_end()
        .strip_prefix(READY_PREFIX)
        .map(|url| url.trim_end_matches('/').to_owned())
        .with_context(|| format!("unexpected first line from the emulator: {first:?}"))?;
    let addr = url
        .strip_prefix(if tls { "https://" } else { "http://" })
        .and_then(|rest| rest.parse::<SocketAddr>().ok())
        .with_context(|| format!("unexpected first line from the emulator: {first:?}"))?;
    if !tls {
        return Ok((addr, url, None));
    }
    loop {
        let line = next_line()?;
        if let Some(path) = line.strip_prefix(CA_PREFIX) {
            let ca_file = PathBuf::from(path.trim_end());
            if !ca_file.is_file() {
                bail!(
                    "the emulator named a CA file that does not exist: {}",
                    ca_file.display()
                );
            }
            return Ok((addr, url, Some(ca_file)));
        }
    }
}

fn kill(child: &mut Child) {
    // Either may fail if it already exited; there is nothing more to do then.
    let _ = child.kill();
    let _ = child.wait();
}
