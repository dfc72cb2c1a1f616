//! Just enough of a browser driver for the emulator page's test: Debian's `chromedriver`
//! run as a child, spoken to in W3C WebDriver (HTTP and JSON) over a plain std
//! `TcpStream`, driving a headless Chromium. No crate for either: a dozen commands are
//! all the test needs.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use base64::Engine;
use serde_json::{Value, json};

/// What to install when a browser part is missing (Debian's names).
pub const APT_PACKAGES: &str = "apt-get install -y chromium chromium-driver";
const CHROMIUM_CANDIDATES: &[&str] = &["/usr/bin/chromium", "/usr/bin/chromium-browser"];
/// The W3C key of an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
const IO_TIMEOUT: Duration = Duration::from_secs(30);
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(20);
/// The browser window, fixed so screenshots are comparable from run to run.
pub const WINDOW: (u32, u32) = (1280, 900);

/// An answer to a plain HTTP/1.1 request.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> Result<Value> {
        serde_json::from_slice(&self.body)
            .with_context(|| format!("not JSON ({}): {}", self.status, String::from_utf8_lossy(&self.body)))
    }
}

/// One HTTP/1.1 request on a new connection (`Connection: close`), to `http://HOST:PORT`.
pub fn http(base: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<Answer> {
    let address = base
        .strip_prefix("http://")
        .with_context(|| format!("not a plain http address: {base}"))?;
    let mut stream = TcpStream::connect(address).with_context(|| format!("cannot connect to {address}"))?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let raw = read_answer(&mut stream).with_context(|| format!("reading the answer to {method} {path}"))?;
    parse_answer(&raw).with_context(|| format!("the answer to {method} {path}"))
}

/// Reads one answer: its head, then as many body bytes as `Content-Length` says (a server
/// may keep the connection open despite `Connection: close`), or to the end of a chunked
/// body, or to the end of the stream.
fn read_answer(stream: &mut TcpStream) -> Result<Vec<u8>> {
    let mut raw = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    let mut expected_len: Option<usize> = None;
    let mut chunked = false;
    loop {
        if let Some(head_end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            if expected_len.is_none() && !chunked {
                let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
                for line in head.split("\r\n") {
                    if let Some(length) = line.strip_prefix("content-length:") {
                        expected_len = length.trim().parse::<usize>().ok().map(|n| head_end + 4 + n);
                    }
                    chunked |= line.starts_with("transfer-encoding:") && line.contains("chunked");
                }
            }
            if expected_len.is_some_and(|total| raw.len() >= total) || (chunked && raw.ends_with(b"0\r\n\r\n")) {
                return Ok(raw);
            }
        }
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            return Ok(raw);
        }
        raw.extend_from_slice(&buffer[..read]);
    }
}

fn parse_answer(raw: &[u8]) -> Result<Answer> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no end of the response head")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .with_context(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let mut answer = Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    };
    if answer
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        answer.body = dechunk(&answer.body)?;
    }
    Ok(answer)
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").context("truncated chunk")?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .with_context(|| format!("bad chunk size {size_text:?}"))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        let chunk = data.get(..size).context("truncated chunk")?;
        body.extend_from_slice(chunk);
        data = data.get(size + 2..).context("truncated chunk")?;
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A headless Chromium under chromedriver; both end on drop.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
}

impl Browser {
    /// Starts chromedriver (its log in `log_file`) and a headless Chromium session; a
    /// missing program is an error naming the Debian packages.
    pub fn start(log_file: &Path) -> Result<Self> {
        let chromedriver = find_on_path("chromedriver")
            .with_context(|| format!("chromedriver is not on PATH: {APT_PACKAGES} (Debian) installs it"))?;
        let chromium = CHROMIUM_CANDIDATES
            .iter()
            .map(PathBuf::from)
            .find(|path| path.is_file())
            .or_else(|| find_on_path("chromium"))
            .with_context(|| format!("Chromium is not installed: {APT_PACKAGES} (Debian) installs it"))?;
        let port = free_port()?;
        let log = std::fs::File::create(log_file).with_context(|| format!("cannot create {}", log_file.display()))?;
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", chromedriver.display()))?;
        let mut browser = Self {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
        };
        browser.wait_for_driver()?;
        let (width, height) = WINDOW;
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                // --no-sandbox: Chromium's sandbox refuses to run as root (CI runs as root);
                // the only page loaded is the emulator's own, on loopback.
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--no-first-run", "--hide-scrollbars", format!("--window-size={width},{height}")],
            },
        }}});
        let created = browser.command("POST", "/session", Some(capabilities))?;
        browser.session = created["sessionId"]
            .as_str()
            .context("chromedriver answered no session id")?
            .to_owned();
        Ok(browser)
    }

    fn wait_for_driver(&mut self) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Ok(answer) = http(&self.base, "GET", "/status", &[], b"") {
                if answer
                    .json()
                    .is_ok_and(|status| status["value"]["ready"] == json!(true))
                {
                    return Ok(());
                }
            }
            if let Some(exit) = self.driver.try_wait()? {
                bail!("chromedriver exited at start ({exit})");
            }
            if started.elapsed() > DRIVER_READY_TIMEOUT {
                bail!("chromedriver was not ready within {DRIVER_READY_TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A WebDriver command; answers its `value`, or fails with the driver's error.
    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let headers: &[(&str, &str)] = if body.is_empty() {
            &[]
        } else {
            &[("Content-Type", "application/json")]
        };
        let answer = http(&self.base, method, path, headers, body.as_bytes())?;
        let mut json = answer.json()?;
        let value = json["value"].take();
        if answer.status != 200 {
            bail!(
                "WebDriver {method} {path}: {} — {}",
                value["error"].as_str().unwrap_or("error"),
                value["message"].as_str().unwrap_or("").lines().next().unwrap_or("")
            );
        }
        Ok(value)
    }

    fn session_command(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        self.command(method, &format!("/session/{}{path}", self.session), body)
    }

    pub fn open(&self, url: &str) -> Result<()> {
        self.session_command("POST", "/url", Some(json!({ "url": url })))
            .map(drop)
    }

    /// Runs `script` (a function body; `arguments[i]` are `args`) in the page.
    pub fn script(&self, script: &str, args: Value) -> Result<Value> {
        self.session_command("POST", "/execute/sync", Some(json!({ "script": script, "args": args })))
    }

    /// Polls `script` until it returns `true`; fails naming `what` after `timeout`, with
    /// the last value the script returned.
    pub fn wait_until(&self, what: &str, script: &str, args: Value, timeout: Duration) -> Result<()> {
        let started = Instant::now();
        loop {
            let value = self.script(script, args.clone())?;
            if value == json!(true) {
                return Ok(());
            }
            if started.elapsed() > timeout {
                let message = self
                    .script(
                        "return document.getElementById('message')?.textContent || ''",
                        json!([]),
                    )
                    .unwrap_or_default();
                bail!("the page did not show {what} within {timeout:?} (last: {value}; page message: {message})");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn element(&self, css: &str) -> Result<String> {
        let found = self
            .session_command("POST", "/element", Some(json!({"using": "css selector", "value": css})))
            .with_context(|| format!("no element {css}"))?;
        Ok(found[ELEMENT_KEY].as_str().context("element reference")?.to_owned())
    }

    /// A real click (the driver moves the pointer and presses it), as a user's.
    pub fn click(&self, css: &str) -> Result<()> {
        let id = self.element(css)?;
        self.session_command("POST", &format!("/element/{id}/click"), Some(json!({})))
            .with_context(|| format!("clicking {css}"))
            .map(drop)
    }

    /// Empties the field, then types `text` into it key by key.
    pub fn type_into(&self, css: &str, text: &str) -> Result<()> {
        let id = self.element(css)?;
        self.session_command("POST", &format!("/element/{id}/clear"), Some(json!({})))?;
        self.session_command("POST", &format!("/element/{id}/value"), Some(json!({ "text": text })))
            .map(drop)
    }

    /// A PNG of the viewport.
    pub fn screenshot(&self) -> Result<Vec<u8>> {
        let encoded = self.session_command("GET", "/screenshot", None)?;
        base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().context("screenshot is not a string")?)
            .context("screenshot is not base64")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // Ends Chromium; if it fails, killing the driver below leaves nothing behind
            // that the driver's own cleanup would not.
            let _ = self.command("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a panic is the test failing, with its message")]
    use super::*;

    /// A one-request server that answers `answer` and then holds the connection open, as
    /// chromedriver does despite `Connection: close`.
    /// The server thread is left to end on its own: the test must not wait for it.
    fn answering(answer: &'static [u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut request = [0u8; 1024];
            let _ = socket.read(&mut request).unwrap();
            socket.write_all(answer).unwrap();
            std::thread::sleep(Duration::from_secs(2));
        });
        base
    }

    #[test]
    fn an_answer_ends_at_its_content_length_even_on_an_open_connection() {
        let base = answering(b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-One: 1\r\n\r\n{\"value\":1}");
        let started = Instant::now();
        let answer = http(&base, "GET", "/status", &[], b"").unwrap();
        assert!(started.elapsed() < Duration::from_secs(1), "did not wait for the close");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("x-one"), Some("1"));
        assert_eq!(answer.json().unwrap(), json!({"value": 1}));
    }

    #[test]
    fn a_chunked_answer_is_joined() {
        let base = answering(
            b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"va\r\n7\r\nlue\":2}\r\n0\r\n\r\n",
        );
        let answer = http(&base, "GET", "/x", &[], b"").unwrap();
        assert_eq!(answer.status, 404);
        assert_eq!(answer.json().unwrap(), json!({"value": 2}));
    }
}
