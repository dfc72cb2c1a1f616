//! Just enough of a browser driver for the emulator page's test: Debian's `chromedriver`
//! run as a child, spoken to in W3C WebDriver (HTTP and JSON), driving a headless
//! Chromium. No crate for it: a dozen commands are all the test needs.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use base64::Engine;
use serde_json::{Value, json};

use crate::plain_http::{PlainHttp, body_json};

/// What to install when a browser part is missing (Debian's names).
pub const APT_PACKAGES: &str = "apt-get install -y chromium chromium-driver";
const CHROMIUM_CANDIDATES: &[&str] = &["/usr/bin/chromium", "/usr/bin/chromium-browser"];
/// The W3C key of an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(20);
/// The browser window, fixed so screenshots are comparable from run to run.
pub const WINDOW: (u32, u32) = (1280, 900);

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
    http: PlainHttp,
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
            http: PlainHttp::new()?,
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
            let status = self.http.send_json("GET", &format!("{}/status", self.base), &[], None);
            if status.is_ok_and(|answer| body_json(&answer).is_ok_and(|status| status["value"]["ready"] == json!(true)))
            {
                return Ok(());
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
        let answer = self
            .http
            .send_json(method, &format!("{}{path}", self.base), &[], body.as_ref())?;
        let value = body_json(&answer)?["value"].take();
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
