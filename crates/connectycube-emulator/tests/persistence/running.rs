//! The emulator binary, started on a data directory, and a client for it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

pub const BIN: &str = env!("CARGO_BIN_EXE_connectycube-emulator");
pub const APP_ID: u64 = 1;
pub const AUTH_KEY: &str = "29WfrNWdvkhmX6V";

/// A fresh directory under cargo's temporary directory for integration tests.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("persist-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The emulator binary, running, and a client for it.
pub struct Running {
    pub child: Child,
    pub url: String,
    pub http: reqwest::Client,
}

pub struct Answer {
    pub status: u16,
    pub json: Value,
    pub bytes: Vec<u8>,
}

impl Answer {
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", String::from_utf8_lossy(&self.bytes));
        self.json
    }
}

impl Running {
    /// Starts the binary with `args` (in `cwd`) and reads the address off its first line.
    pub fn start_in(cwd: &Path, args: &[&str]) -> Self {
        Self::start_with(Command::new(BIN).current_dir(cwd).args(args))
    }

    /// Starts `command` (the binary, set up by the caller) on a free port and reads the
    /// address off its first line.
    pub fn start_with(command: &mut Command) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut child = command
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first
            .trim()
            .strip_prefix("connectycube-emulator listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
            .to_owned();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self { child, url, http }
    }

    pub fn start(dir: &Path) -> Self {
        Self::start_in(dir, &["--data-dir", dir.to_str().unwrap()])
    }

    /// SIGKILL: no chance to save anything more.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, and a clean exit.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(self.child.wait().unwrap().success());
    }

    /// A request; `Err` when no complete answer came (the process is gone).
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, reqwest::Error> {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await?.to_vec();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Answer { status, json, bytes })
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<Answer, reqwest::Error> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, format!("{}{path}", self.url));
        if let Some(token) = token {
            request = request.header("CB-Token", token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    /// `POST /session` with a login and password (the user is created on first use).
    pub async fn sign_in(&self, login: &str, password: &str) -> Answer {
        let body =
            json!({"application_id": APP_ID, "auth_key": AUTH_KEY, "user": {"login": login, "password": password}});
        self.call("POST", "/session", None, Some(body)).await.unwrap()
    }

    /// A user session; (token, user id).
    pub async fn session(&self, login: &str) -> (String, i64) {
        let session = self.sign_in(login, "password1").await.expect(201);
        let token = session["session"]["token"].as_str().unwrap().to_owned();
        (token, session["session"]["user_id"].as_i64().unwrap())
    }

    /// `POST /users` with the app's auth key, no session; the new user's id.
    pub async fn sign_up(&self, user: Value) -> Result<Answer, reqwest::Error> {
        let request = self
            .http
            .post(format!("{}/users", self.url))
            .header("CB-AuthKey", AUTH_KEY)
            .json(&json!({ "user": user }));
        self.send(request).await
    }

    /// Create, upload and complete a blob; its uid once all three were acknowledged.
    pub async fn store_blob(&self, token: &str, bytes: &[u8]) -> Result<String, reqwest::Error> {
        let body = json!({"blob": {"content_type": "application/octet-stream", "name": "f.bin"}});
        let created = self.call("POST", "/blobs", Some(token), Some(body)).await?.expect(201);
        let params = created["blob"]["blob_object_access"]["params"].as_str().unwrap();
        let (url, query) = params.split_once('?').unwrap();
        let mut form = reqwest::multipart::Form::new();
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap();
            let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
            form = form.text(decode(k), decode(v));
        }
        form = form.part("file", reqwest::multipart::Part::bytes(bytes.to_vec()));
        let uploaded = self.send(self.http.post(url).multipart(form)).await?;
        assert_eq!(uploaded.status, 201);
        let id = created["blob"]["id"].as_i64().unwrap();
        let size = json!({"blob": {"size": bytes.len()}});
        self.call("PUT", &format!("/blobs/{id}/complete"), Some(token), Some(size))
            .await?
            .expect(200);
        Ok(created["blob"]["uid"].as_str().unwrap().to_owned())
    }

    pub async fn blob_bytes(&self, token: &str, uid: &str) -> Vec<u8> {
        let answer = self
            .call("GET", &format!("/blobs/{uid}?token={token}"), None, None)
            .await
            .unwrap();
        assert_eq!(answer.status, 200, "blob {uid}");
        answer.bytes
    }

    /// Every live user, by login, through the pages of `GET /users`.
    pub async fn all_users(&self, token: &str) -> BTreeMap<String, Value> {
        let mut users = BTreeMap::new();
        for page in 1.. {
            let path = format!("/users?per_page=100&page={page}");
            let answer = self.call("GET", &path, Some(token), None).await.unwrap().expect(200);
            for item in answer["items"].as_array().unwrap() {
                let user = &item["user"];
                users.insert(user["login"].as_str().unwrap_or_default().to_owned(), user.clone());
            }
            if users.len() as u64 >= answer["total_entries"].as_u64().unwrap() {
                break;
            }
        }
        users
    }
}
