//! `cargo xtask emulator-ui` (and a step of `cargo xtask test`): the emulator's web page
//! in a real headless Chromium against the emulator binary. Data made through the REST
//! API must show in the page; switches flipped and the clock moved in the page must change
//! what the API answers; each view's screenshot lands in `target/emulator-ui/<view>.png`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use serde_json::{Value, json};

use crate::emulator_process::EmulatorProcess;
use crate::util;
use connectycube_models::UploadForm;
use connectycube_transport::{HttpResponse, RequestBody};

use crate::plain_http::{FilePart, MultipartBody, PlainHttp, body_json};
use crate::webdriver::Browser;

const AUTH_KEY: &str = "29WfrNWdvkhmX6V";
const WAIT: Duration = Duration::from_secs(10);
const PASSWORD: &str = "ui-test-password";
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The step of `cargo xtask test`.
pub fn test_step() -> Result<()> {
    util::step("the emulator's web page in headless Chromium (cargo xtask emulator-ui)");
    run()
}

pub fn run() -> Result<()> {
    let binary = util::build_emulator(false)?;
    let started = Instant::now();
    let shots = util::target_dir().join("emulator-ui");
    std::fs::create_dir_all(&shots).with_context(|| format!("cannot create {}", shots.display()))?;
    for old in std::fs::read_dir(&shots)? {
        let old = old?.path();
        if old.extension().is_some_and(|ext| ext == "png") {
            std::fs::remove_file(&old)?;
        }
    }
    let emulator = EmulatorProcess::start(&binary, &[])?;
    let api = Api {
        base: emulator.url.clone(),
        http: PlainHttp::new()?,
        sdk_requests: std::cell::Cell::new(0),
    };
    let data = Seeded::create(&api)?;
    let browser_starting = Instant::now();
    let browser = Browser::start(&shots.join("chromedriver.log"))?;
    let browser_start = browser_starting.elapsed();
    let scenario = Scenario {
        api: &api,
        browser: &browser,
        data: &data,
        shots: &shots,
    };
    scenario.run()?;
    let written = scenario.check_screenshots()?;
    eprintln!(
        "emulator page: passed, {written} screenshots in {}; {:.1} s (Chromium and its driver started in {:.1} s)",
        shots.display(),
        started.elapsed().as_secs_f64(),
        browser_start.as_secs_f64()
    );
    Ok(())
}

/// The emulator's REST and control API over plain HTTP, counting the ConnectyCube
/// requests made, which the emulator's stats must match: the page's own requests (all
/// under `/__emulator/`) must not count.
struct Api {
    base: String,
    http: PlainHttp,
    sdk_requests: std::cell::Cell<u64>,
}

impl Api {
    fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Result<(u16, Value)> {
        let answer = self.answer(method, path, token, body)?;
        // The upload answers S3's XML; only JSON answers are read.
        let is_json = answer
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json"));
        let json = if is_json { body_json(&answer)? } else { Value::Null };
        Ok((answer.status.as_u16(), json))
    }

    /// A JSON call (`token` as `CB-Token`), answered whole, headers included.
    fn answer(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Result<HttpResponse> {
        let body = body.map_or(RequestBody::Empty, |b| RequestBody::Json(b.to_string().into()));
        let headers: &[(&str, &str)] = match token {
            Some(token) => &[("CB-Token", token)],
            None => &[],
        };
        self.raw(method, path, headers, body)
    }

    fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: RequestBody) -> Result<HttpResponse> {
        if !path.starts_with("/__emulator/") {
            self.sdk_requests.set(self.sdk_requests.get() + 1);
        }
        self.http.send(method, &format!("{}{path}", self.base), headers, body)
    }

    /// A new application session's token.
    fn app_session(&self) -> Result<String> {
        let app = self.expect(
            201,
            "POST",
            "/session",
            None,
            Some(json!({"application_id": 1, "auth_key": AUTH_KEY})),
        )?;
        text(&app["session"]["token"])
    }

    /// A call that must answer `status`; answers the body.
    fn expect(&self, status: u16, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Result<Value> {
        let (got, json) = self.call(method, path, token, body)?;
        ensure!(got == status, "{method} {path}: expected {status}, got {got}: {json}");
        Ok(json)
    }

    fn control(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        self.expect(200, method, &format!("/__emulator/{path}"), None, body)
    }

    /// Polls the API until `check` holds (the page's click reaches the emulator a moment
    /// after the driver returns).
    fn wait_for(&self, what: &str, mut check: impl FnMut() -> Result<bool>) -> Result<()> {
        let started = Instant::now();
        while !check()? {
            if started.elapsed() > WAIT {
                bail!("the API never showed {what} within {WAIT:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }
}

/// What the test creates through the API before opening the page.
struct Seeded {
    app_token: String,
    ada_id: i64,
    ada_token: String,
    /// `CB-Token-ExpirationDate` of the last answer to ada's token: `yyyy-MM-dd HH:mm:ss UTC`.
    ada_expires: String,
    avatar_blob: i64,
}

const USERS: &[(&str, &str, &str)] = &[
    ("ada_lovelace", "ada@example.com", "Ada Lovelace"),
    ("grace_hopper", "grace@example.com", "Grace Hopper"),
    ("alan_turing", "alan@example.com", "Alan Turing"),
    // Shown as text, never as markup.
    ("markup_fan", "markup@example.com", "<b>not bold</b>"),
];

impl Seeded {
    fn create(api: &Api) -> Result<Self> {
        let app_token = api.app_session()?;
        for (login, email, full_name) in USERS {
            let user = json!({"user": {"login": login, "email": email, "full_name": full_name, "password": PASSWORD}});
            api.expect(201, "POST", "/users", Some(&app_token), Some(user))?;
        }
        let body =
            json!({"application_id": 1, "auth_key": AUTH_KEY, "user": {"login": "ada_lovelace", "password": PASSWORD}});
        let session = api.expect(201, "POST", "/session", None, Some(body))?;
        let ada_token = text(&session["session"]["token"])?;
        let ada_id = session["session"]["user_id"].as_i64().context("user_id")?;
        api.expect(
            200,
            "POST",
            "/users/password/reset",
            Some(&app_token),
            Some(json!({"email": "grace@example.com"})),
        )?;
        let avatar_blob = upload_avatar(api, &ada_token)?;
        // The last request with ada's token: her session's expiry slid to what it answers.
        let set_avatar = json!({"user": {"blob_id": avatar_blob}});
        let answer = api.answer("PUT", &format!("/users/{ada_id}"), Some(&ada_token), Some(set_avatar))?;
        ensure!(
            answer.status == 200,
            "setting ada's avatar: {}",
            String::from_utf8_lossy(&answer.body)
        );
        let ada_expires = answer
            .header("CB-Token-ExpirationDate")
            .context("no CB-Token-ExpirationDate on an answer made with a session")?
            .to_owned();
        Ok(Self {
            app_token,
            ada_id,
            ada_token,
            ada_expires,
            avatar_blob,
        })
    }
}

fn text(value: &Value) -> Result<String> {
    Ok(value
        .as_str()
        .with_context(|| format!("not a string: {value}"))?
        .to_owned())
}

/// The avatar flow of `rest-api.md` §5: create, multipart upload to the given address,
/// complete. Answers the blob id.
fn upload_avatar(api: &Api, token: &str) -> Result<i64> {
    let png = avatar_png();
    let body = json!({"blob": {"content_type": "image/png", "name": "ada.png", "public": false}});
    let blob = api.expect(201, "POST", "/blobs", Some(token), Some(body))?;
    let id = blob["blob"]["id"].as_i64().context("blob id")?;
    let params = text(&blob["blob"]["blob_object_access"]["params"])?;
    let form = UploadForm::parse(&params).map_err(|e| anyhow::anyhow!("upload params: {e}"))?;
    let path = form
        .url
        .strip_prefix(&api.base)
        .with_context(|| format!("upload address {} is not on the emulator", form.url))?;
    let size = png.len();
    let body = RequestBody::Multipart(MultipartBody {
        fields: form.fields.clone(),
        file: FilePart {
            field_name: "file".to_owned(),
            file_name: "ada.png".to_owned(),
            content_type: "image/png".to_owned(),
            data: png.into(),
            progress: None,
        },
    });
    let upload = api.raw("POST", path, &[], body)?;
    ensure!(upload.status == 201, "avatar upload answered {}", upload.status);
    let complete = json!({"blob": {"size": size}});
    api.expect(
        200,
        "PUT",
        &format!("/blobs/{id}/complete"),
        Some(token),
        Some(complete),
    )?;
    Ok(id)
}

/// A 48×48 RGB gradient as a PNG (stored, uncompressed deflate): a real image the browser
/// decodes, made without an image crate.
fn avatar_png() -> Vec<u8> {
    const SIDE: u32 = 48;
    let mut raw = Vec::new();
    for y in 0..SIDE {
        raw.push(0); // filter: none
        for x in 0..SIDE {
            raw.extend([(x * 5) as u8, (y * 5) as u8, 200]);
        }
    }
    // zlib: header, one stored block (the image is under 64 KiB), Adler-32.
    let mut zlib = vec![0x78, 0x01, 0x01];
    let len = raw.len() as u16;
    zlib.extend(len.to_le_bytes());
    zlib.extend((!len).to_le_bytes());
    zlib.extend(&raw);
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65521;
        b = (b + a) % 65521;
    }
    zlib.extend(((b << 16) | a).to_be_bytes());
    let mut header = Vec::new();
    header.extend(SIDE.to_be_bytes());
    header.extend(SIDE.to_be_bytes());
    header.extend([8, 2, 0, 0, 0]); // 8-bit RGB
    let mut png = PNG_SIGNATURE.to_vec();
    for (kind, data) in [(b"IHDR", header), (b"IDAT", zlib), (b"IEND", Vec::new())] {
        png.extend((data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend(kind);
        png.extend(&data);
        let crc = crc32(&png[start..]);
        png.extend(crc.to_be_bytes());
    }
    png
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The page driven as a developer would, checked against the API.
struct Scenario<'a> {
    api: &'a Api,
    browser: &'a Browser,
    data: &'a Seeded,
    shots: &'a Path,
}

/// The views, in the order the test visits them; each is one screenshot.
const VIEWS: &[&str] = &["users", "sessions", "outbox", "blobs", "switches", "clock"];

impl Scenario<'_> {
    fn run(&self) -> Result<()> {
        self.browser.open(&format!("{}/__emulator/ui#users", self.api.base))?;
        self.users()?;
        self.sessions()?;
        self.outbox()?;
        self.blobs()?;
        self.switches()?;
        self.clock_and_faults()?;
        let stats = self.api.control("GET", "stats", None)?;
        ensure!(
            stats["total"] == json!(self.api.sdk_requests.get()),
            "stats count {} requests, the test made {} ConnectyCube requests: the page's must not count ({})",
            stats["total"],
            self.api.sdk_requests.get(),
            stats["requests"]
        );
        Ok(())
    }

    /// Opens a view by its tab and waits for its data to load.
    fn open_view(&self, view: &str) -> Result<()> {
        self.browser.click(&format!("#tab-{view}"))?;
        self.wait(
            &format!("the {view} view loaded"),
            "return document.body.dataset.loaded === arguments[0]",
            json!([view]),
        )
    }

    fn wait(&self, what: &str, script: &str, args: Value) -> Result<()> {
        self.browser.wait_until(what, script, args, WAIT)
    }

    fn screenshot(&self, name: &str) -> Result<()> {
        let png = self.browser.screenshot()?;
        let file = self.shots.join(format!("{name}.png"));
        std::fs::write(&file, png).with_context(|| format!("cannot write {}", file.display()))
    }

    fn user_logins_shown(&self) -> Result<Vec<String>> {
        let logins = self.browser.script(
            "return [...document.querySelectorAll('#users-rows tr')].map(r => r.dataset.login).filter(Boolean)",
            json!([]),
        )?;
        Ok(serde_json::from_value(logins)?)
    }

    fn users(&self) -> Result<()> {
        self.wait(
            "the users view loaded",
            "return document.body.dataset.loaded === 'users'",
            json!([]),
        )?;
        let expected: Vec<String> = USERS.iter().rev().map(|(login, ..)| (*login).to_owned()).collect();
        ensure!(
            self.user_logins_shown()? == expected,
            "users, newest first: {:?}",
            self.user_logins_shown()?
        );
        let markup = self.browser.script(
            "const row = document.querySelector('#users-rows tr[data-login=markup_fan]');
             return [row.cells[4].textContent, row.querySelectorAll('b').length]",
            json!([]),
        )?;
        ensure!(
            markup == json!(["<b>not bold</b>", 0]),
            "a full name is shown as text: {markup}"
        );
        self.wait(
            "ada's avatar image decoded",
            "const img = document.querySelector('#users-rows tr[data-login=ada_lovelace] img');
             return Boolean(img && img.complete && img.naturalWidth === 48)",
            json!([]),
        )?;
        self.screenshot("users")?;

        for (typed, login) in [("grace", "grace_hopper"), ("LOVELACE", "ada_lovelace")] {
            self.browser.type_into("#user-search", typed)?;
            self.wait(
                &format!("only {login} when searching {typed:?}"),
                "const rows = [...document.querySelectorAll('#users-rows tr')].map(r => r.dataset.login);
                 return rows.length === 1 && rows[0] === arguments[0]",
                json!([login]),
            )?;
        }
        self.browser.type_into("#user-search", &self.data.ada_id.to_string())?;
        self.wait(
            "ada when searching her id",
            "const rows = [...document.querySelectorAll('#users-rows tr')].map(r => r.dataset.login);
             return rows.length === 1 && rows[0] === 'ada_lovelace'",
            json!([]),
        )?;
        self.browser.type_into("#user-search", "")?;
        // Clearing fires no input event; a key does.
        self.browser.type_into("#user-search", " ")?;
        self.wait(
            "every user again",
            "return document.querySelectorAll('#users-rows tr[data-login]').length === arguments[0]",
            json!([expected.len()]),
        )
    }

    fn sessions(&self) -> Result<()> {
        self.open_view("sessions")?;
        let token = &self.data.ada_token;
        // `2026-01-01 12:00:00 UTC` → `2026-01-01T12:00:00`, the page's `…T12:00:00.123Z`.
        let expires = self.data.ada_expires.trim_end_matches(" UTC").replacen(' ', "T", 1);
        let row = self.browser.script(
            "const row = [...document.querySelectorAll('#sessions-rows tr')]
                 .find(r => r.cells[2] && r.cells[2].textContent === 'ada_lovelace');
             return row ? [...row.cells].map(c => c.textContent) : null",
            json!([]),
        )?;
        let cells: Vec<String> =
            serde_json::from_value(row.clone()).with_context(|| format!("ada's session row: {row}"))?;
        let [_, masked, _, _, expiry, state] = cells.as_slice() else {
            bail!("ada's session row has not the six columns: {cells:?}");
        };
        let first_four: String = token.chars().take(4).collect();
        ensure!(*masked == format!("{first_four}…"), "masked token: {cells:?}");
        ensure!(
            expiry.starts_with(&expires),
            "expiry {expires} as the API sent it: {cells:?}"
        );
        ensure!(state == "live", "a fresh session is live: {cells:?}");
        let leaked = self.browser.script(
            "return document.documentElement.outerHTML.includes(arguments[0]) || document.documentElement.outerHTML.includes(arguments[1])",
            json!([token, self.data.app_token]),
        )?;
        ensure!(leaked == json!(false), "a whole session token is in the page");
        self.screenshot("sessions")
    }

    fn outbox(&self) -> Result<()> {
        self.open_view("outbox")?;
        self.wait(
            "the reset mail to grace@example.com",
            "return [...document.querySelectorAll('#outbox-rows tr')].some(r => r.cells[1] && r.cells[1].textContent === 'grace@example.com')",
            json!([]),
        )?;
        self.screenshot("outbox")
    }

    fn blobs(&self) -> Result<()> {
        self.open_view("blobs")?;
        self.wait(
            "the avatar preview decoded, marked as ada's",
            "const card = document.querySelector('.card[data-blob-id=\"' + arguments[0] + '\"]');
             const img = card && card.querySelector('img');
             return Boolean(img && img.complete && img.naturalWidth > 0 && card.textContent.includes('avatar of user ' + arguments[1]))",
            json!([self.data.avatar_blob, self.data.ada_id]),
        )?;
        self.screenshot("blobs")
    }

    fn v1_list_status(&self) -> Result<u16> {
        Ok(self.api.call("GET", "/users", Some(&self.data.app_token), None)?.0)
    }

    fn reset_status(&self) -> Result<(u16, Value)> {
        let body = json!({"email": "alan@example.com"});
        self.api
            .call("POST", "/users/password/reset", Some(&self.data.app_token), Some(body))
    }

    fn switches(&self) -> Result<()> {
        self.open_view("switches")?;
        ensure!(self.v1_list_status()? == 200, "the v1 list starts enabled");
        self.browser.click("#switch-deny_users_v1_list")?;
        self.api.wait_for("GET /users answer 403 after the page's click", || {
            Ok(self.v1_list_status()? == 403)
        })?;
        let (_, denied) = self.api.call("GET", "/users", Some(&self.data.app_token), None)?;
        let message = denied["errors"]["base"][0].as_str().unwrap_or_default();
        ensure!(
            message.starts_with("Users retrieving forbidden in admin panel"),
            "{denied}"
        );

        self.browser.click("#switch-disable_password_reset")?;
        self.api
            .wait_for("password reset answer 422 after the page's click", || {
                let (status, body) = self.reset_status()?;
                Ok(status == 422 && body["errors"]["base"][0] == "Reset password by email is disabled")
            })?;
        self.wait(
            "both switches shown on",
            "return ['deny_users_v1_list', 'disable_password_reset'].every(k => document.getElementById('switch-' + k).checked)",
            json!([]),
        )?;
        self.screenshot("switches")?;

        self.browser.click("#switch-deny_users_v1_list")?;
        self.browser.click("#switch-disable_password_reset")?;
        self.api.wait_for("both switches back off", || {
            Ok(self.v1_list_status()? == 200 && self.reset_status()?.0 == 200)
        })
    }

    fn clock_and_faults(&self) -> Result<()> {
        self.open_view("clock")?;
        let before = text(&self.api.control("GET", "clock", None)?["now"])?;
        self.browser.click("#advance-3h")?;
        self.wait(
            "the clock three hours on",
            "return document.getElementById('clock-now').textContent > arguments[0]
                 && document.getElementById('message').textContent.startsWith('Virtual clock moved')",
            json!([before]),
        )?;
        let after = text(&self.api.control("GET", "clock", None)?["now"])?;
        ensure!(after > before, "the API's clock moved: {before} → {after}");

        // A fault injected in the page: the API's next lookup by login answers 503, then 200.
        self.browser.type_into("#fault-prefix", "/users/by_login")?;
        self.browser.type_into("#fault-status", "503")?;
        self.browser.click("#fault-add")?;
        self.wait(
            "the armed fault listed",
            "return [...document.querySelectorAll('#fault-rows tr')].some(r => r.cells[0].textContent === '/users/by_login')",
            json!([]),
        )?;
        self.screenshot("clock")?;

        // The session view first: the next ConnectyCube request sweeps expired sessions.
        self.open_view("sessions")?;
        self.wait(
            "ada's session expired after the page moved the clock",
            "return [...document.querySelectorAll('#sessions-rows tr')]
                 .some(r => r.cells[2] && r.cells[2].textContent === 'ada_lovelace' && r.cells[5].textContent === 'expired')",
            json!([]),
        )?;
        self.screenshot("sessions-expired")?;
        self.api
            .expect(401, "GET", "/session", Some(&self.data.ada_token), None)?;

        let token = self.api.app_session()?;
        let lookup = "/users/by_login?login=grace_hopper";
        self.api.expect(503, "GET", lookup, Some(&token), None)?;
        self.api.expect(200, "GET", lookup, Some(&token), None)?;
        Ok(())
    }

    /// Every view's screenshot exists and is a PNG of some size; answers how many.
    fn check_screenshots(&self) -> Result<usize> {
        let mut names: Vec<&str> = VIEWS.to_vec();
        names.push("sessions-expired");
        for name in &names {
            let file: PathBuf = self.shots.join(format!("{name}.png"));
            let bytes = std::fs::read(&file).with_context(|| format!("no screenshot {}", file.display()))?;
            ensure!(
                bytes.len() > 1000 && bytes.starts_with(PNG_SIGNATURE),
                "{} is not a PNG screenshot ({} bytes)",
                file.display(),
                bytes.len()
            );
        }
        Ok(names.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_avatar_is_a_well_formed_png() {
        let png = avatar_png();
        assert!(png.starts_with(PNG_SIGNATURE));
        // The CRC of IEND (no data) is a known constant.
        assert!(png.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]));
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
