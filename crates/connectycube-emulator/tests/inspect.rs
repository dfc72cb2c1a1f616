//! The control API behind the web page: run-time switches (`PATCH /__emulator/config`),
//! the users, sessions, blobs and faults views, blob bytes, and the page itself — and
//! that none of it mixes with the ConnectyCube routes.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the test failing, with its message"
)]

mod common;

use common::*;
use serde_json::{Value, json};

async fn patch_config(s: &Server, body: Value) -> Resp {
    s.call("PATCH", "/__emulator/config", None, Some(body)).await
}

fn base_error(resp: &Resp) -> String {
    resp.json["errors"]["base"][0].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn switches_flipped_at_run_time_change_what_the_api_answers() {
    let s = start().await;
    let app_token = s.app_session().await;
    s.get("/users", &app_token).await.expect(200);

    let config = patch_config(&s, json!({"deny_users_v1_list": true})).await.expect(200);
    assert_eq!(config.json["deny_users_v1_list"], json!(true));
    assert_eq!(
        config.json["auth_key"], AUTH_KEY,
        "answers the whole config, as GET does"
    );
    let denied = s.get("/users", &app_token).await.expect(403);
    assert!(base_error(&denied).starts_with("Users retrieving forbidden in admin panel"));
    assert_eq!(
        s.control("GET", "config", None).await["deny_users_v1_list"],
        json!(true)
    );

    patch_config(&s, json!({"disable_password_reset": true}))
        .await
        .expect(200);
    let reset = s
        .call(
            "POST",
            "/users/password/reset",
            Some(&app_token),
            Some(json!({"email": "a@b.co"})),
        )
        .await
        .expect(422);
    assert_eq!(base_error(&reset), "Reset password by email is disabled");

    patch_config(&s, json!({"deny_session_without_user": true}))
        .await
        .expect(200);
    let unknown = s
        .create_session(json!({"user": {"login": "nobody_yet", "password": "password1"}}))
        .await
        .expect(404);
    assert_eq!(unknown.json, json!({"errors": ["User not found"]}));

    patch_config(&s, json!({"require_signature": true})).await.expect(200);
    let unsigned = s.create_session(json!({})).await.expect(422);
    assert_eq!(unsigned.json, json!({"errors": ["Unexpected signature"]}));

    let off = json!({"require_signature": false, "deny_session_without_user": false,
                     "deny_users_v1_list": false, "disable_password_reset": false});
    patch_config(&s, off).await.expect(200);
    s.get("/users", &app_token).await.expect(200);
    s.user_session("created_again", "password1").await;

    patch_config(&s, json!({"custom_identity_provider": true}))
        .await
        .expect(200);
    let cidp = s
        .create_session(json!({"user": {"login": "not.a.registered.token", "password": "x"}}))
        .await
        .expect(422);
    assert!(
        cidp.text.contains("Custom Identity Provider responded with an error"),
        "{}",
        cidp.text
    );
}

#[tokio::test]
async fn reset_restores_the_switches_the_emulator_started_with() {
    let s = start_with(|c| c.disable_password_reset = true).await;
    let start_values = s.control("GET", "config", None).await;
    assert_eq!(start_values["disable_password_reset"], json!(true));
    patch_config(&s, json!({"disable_password_reset": false, "deny_users_v1_list": true}))
        .await
        .expect(200);
    s.control("POST", "reset", None).await;
    assert_eq!(s.control("GET", "config", None).await, start_values);
}

#[tokio::test]
async fn bad_config_patches_are_refused_clearly_and_change_nothing() {
    let s = start().await;
    let before = s.control("GET", "config", None).await;
    let cases = [
        (json!({"deny_everything": true}), "unknown setting 'deny_everything'"),
        (
            json!({"deny_users_v1_list": "yes"}),
            "deny_users_v1_list must be true or false",
        ),
        (
            json!({"deny_users_v1_list": 1}),
            "deny_users_v1_list must be true or false",
        ),
        (
            json!({"auth_key": "other"}),
            "auth_key is fixed when the emulator starts",
        ),
        (json!({}), "name at least one setting"),
        // All or nothing: the valid first key is not applied either.
        (
            json!({"deny_users_v1_list": true, "require_signature": null}),
            "require_signature must be true or false",
        ),
    ];
    for (body, message) in cases {
        let resp = patch_config(&s, body.clone()).await.expect(400);
        assert!(base_error(&resp).contains(message), "{body}: {}", resp.text);
    }
    let malformed = s
        .send(
            s.http
                .patch(s.url("/__emulator/config"))
                .header("content-type", "application/json")
                .body("{\"deny_users_v1_list\": tru"),
        )
        .await
        .expect(400);
    assert!(base_error(&malformed).starts_with("Malformed JSON body"));
    assert_eq!(s.control("GET", "config", None).await, before);
}

#[tokio::test]
async fn users_view_searches_and_pages_newest_first_without_passwords() {
    let s = start().await;
    let token = s.app_session().await;
    for n in 1..=24 {
        s.sign_up(
            &token,
            json!({"login": format!("member{n:02}"), "password": "secret-pass-1",
                   "email": format!("m{n}@example.com"), "full_name": format!("Member Number {n}")}),
        )
        .await;
    }
    let special = s
        .sign_up(
            &token,
            json!({"login": "zelda", "password": "secret-pass-1", "full_name": "Princess Zelda"}),
        )
        .await;
    let zelda_id = special["id"].as_i64().unwrap();

    let first = s.control("GET", "users", None).await;
    assert_eq!(first["total"], json!(25));
    let logins = |page: &Value| -> Vec<String> {
        page["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["login"].as_str().unwrap().to_owned())
            .collect()
    };
    let page_one = logins(&first);
    assert_eq!(page_one.len(), 20, "20 a page by default");
    assert_eq!(page_one[0], "zelda", "newest first");
    assert_eq!(page_one[1], "member24");
    let second = s.control("GET", "users?page=2", None).await;
    assert_eq!(
        logins(&second),
        ["member05", "member04", "member03", "member02", "member01"]
    );
    assert!(!first.to_string().contains("secret-pass-1") && !first.to_string().contains("password"));

    let by = |q: &str| format!("users?q={q}&per_page=100");
    assert_eq!(
        logins(&s.control("GET", &by("MEMBER1"), None).await).len(),
        10,
        "member10..19, any case"
    );
    assert_eq!(logins(&s.control("GET", &by("m7%40example"), None).await), ["member07"]);
    assert_eq!(logins(&s.control("GET", &by("princess"), None).await), ["zelda"]);
    assert_eq!(
        logins(&s.control("GET", &by(&zelda_id.to_string()), None).await),
        ["zelda"]
    );
    assert_eq!(s.control("GET", &by("nobody"), None).await["total"], json!(0));

    for (query, message) in [
        ("users?per_page=0", "per_page must be an integer from 1 to 100"),
        ("users?per_page=101", "per_page must be an integer from 1 to 100"),
        ("users?page=first", "page must be an integer"),
        ("users?search=x", "unknown parameter 'search'"),
    ] {
        let resp = s
            .call("GET", &format!("/__emulator/{query}"), None, None)
            .await
            .expect(400);
        assert!(base_error(&resp).contains(message), "{query}: {}", resp.text);
    }
}

#[tokio::test]
async fn sessions_view_masks_tokens_and_follows_the_virtual_clock() {
    let s = start().await;
    let app_token = s.app_session().await;
    let (user_token, user_id) = s.user_session("watcher", "password1").await;
    let view = s.control("GET", "sessions", None).await;
    let text = view.to_string();
    assert!(
        !text.contains(&user_token) && !text.contains(&app_token),
        "no whole token: {text}"
    );
    let sessions = view["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let (newest, oldest) = (&sessions[0], &sessions[1]);
    assert_eq!(newest["token"], format!("{}…", &user_token[..4]));
    assert_eq!(newest["kind"], "user");
    assert_eq!(newest["user_id"], json!(user_id));
    assert_eq!(newest["login"], "watcher");
    assert_eq!(oldest["kind"], "application");
    assert_eq!(oldest["token"], format!("{}…", &app_token[..4]));
    let created = time::OffsetDateTime::parse(
        newest["created_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let expires = time::OffsetDateTime::parse(
        newest["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(expires - created, time::Duration::hours(2));
    assert_eq!(newest["expired"], json!(false));

    s.advance_clock(3 * 3600).await;
    let later = s.control("GET", "sessions", None).await;
    assert!(
        later["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["expired"] == json!(true)),
        "{later}"
    );
    s.get("/session", &user_token).await.expect(401);
    let swept = s.control("GET", "sessions", None).await;
    assert_eq!(swept["sessions"], json!([]), "the next API request swept them");

    let resp = s
        .call("GET", "/__emulator/sessions?all=1", None, None)
        .await
        .expect(400);
    assert!(base_error(&resp).contains("unknown parameter 'all'"));
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d,
    0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// Creates a private image blob and, when `bytes` are given, uploads them; answers its id.
async fn blob(s: &Server, token: &str, bytes: Option<&[u8]>) -> i64 {
    let body = json!({"blob": {"content_type": "image/png", "name": "face.png", "public": false}});
    let created = s.call("POST", "/blobs", Some(token), Some(body)).await.expect(201);
    let blob = &created.json["blob"];
    if let Some(bytes) = bytes {
        let params = blob["blob_object_access"]["params"].as_str().unwrap();
        let (url, query) = params.split_once('?').unwrap();
        let mut form = reqwest::multipart::Form::new();
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap();
            let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
            form = form.text(decode(k), decode(v));
        }
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("face.png"),
        );
        assert_eq!(s.send(s.http.post(url).multipart(form)).await.status, 201);
    }
    blob["id"].as_i64().unwrap()
}

#[tokio::test]
async fn blobs_view_and_bytes_preview_an_uploaded_avatar() {
    let s = start().await;
    let (token, user_id) = s.user_session("pictured", "password1").await;
    let avatar = blob(&s, &token, Some(PNG)).await;
    let pending = blob(&s, &token, None).await;
    s.call(
        "PUT",
        &format!("/users/{user_id}"),
        Some(&token),
        Some(json!({"user": {"blob_id": avatar}})),
    )
    .await
    .expect(200);

    let view = s.control("GET", "blobs", None).await;
    let blobs = view["blobs"].as_array().unwrap();
    assert_eq!(blobs.len(), 2);
    assert_eq!(blobs[0]["id"], json!(pending), "newest first");
    assert_eq!(blobs[0]["bytes_url"], Value::Null, "not uploaded yet");
    let shown = &blobs[1];
    assert_eq!(shown["avatar_of"], json!([user_id]));
    assert_eq!(shown["owner_login"], "pictured");
    assert_eq!(shown["size"], json!(PNG.len()));
    assert_eq!(shown["content_type"], "image/png");

    let url = shown["bytes_url"].as_str().unwrap();
    let bytes = s.send(s.http.get(s.url(url))).await.expect(200);
    assert_eq!(bytes.header("content-type"), Some("image/png"));
    assert_eq!(bytes.header("content-security-policy"), Some("sandbox"));
    assert_eq!(bytes.header("x-content-type-options"), Some("nosniff"));
    let raw = s.http.get(s.url(url)).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(&raw[..], PNG);

    let none = s
        .call("GET", &format!("/__emulator/blobs/{pending}/bytes"), None, None)
        .await
        .expect(404);
    assert_eq!(
        none.json,
        json!({"errors": [format!("Blob {pending} has no uploaded bytes yet")]})
    );
    s.call("GET", "/__emulator/blobs/999/bytes", None, None)
        .await
        .expect(404);
    let bad = s
        .call("GET", "/__emulator/blobs/face/bytes", None, None)
        .await
        .expect(400);
    assert_eq!(base_error(&bad), "blob id must be an integer, not 'face'");
}

#[tokio::test]
async fn faults_view_lists_the_rules_still_armed() {
    let s = start().await;
    let token = s.app_session().await;
    s.control(
        "POST",
        "faults",
        Some(json!({"path_prefix": "/users", "method": "GET", "status": 503, "times": 2})),
    )
    .await;
    let armed = s.control("GET", "faults", None).await;
    assert_eq!(armed["faults"][0]["path_prefix"], "/users");
    assert_eq!(armed["faults"][0]["times"], json!(2));
    s.get("/users", &token).await.expect(503);
    assert_eq!(s.control("GET", "faults", None).await["faults"][0]["times"], json!(1));
    s.control("DELETE", "faults", None).await;
    assert_eq!(s.control("GET", "faults", None).await["faults"], json!([]));
}

#[tokio::test]
async fn the_page_is_self_contained_and_apart_from_the_sdk_routes() {
    let s = start().await;
    let (token, _) = s.user_session("looker", "password1").await;
    let before = s.control("GET", "stats", None).await;

    let page = s.send(s.http.get(s.url("/__emulator/ui"))).await.expect(200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    let policy = page.header("content-security-policy").unwrap();
    assert!(policy.starts_with("default-src 'none'") && policy.contains("frame-ancestors 'none'"));
    assert!(page.text.contains("<title>ConnectyCube emulator</title>"));
    for external in ["src=\"http", "href=\"http", "src=\"//", "href=\"//", "@import"] {
        assert!(!page.text.contains(external), "no external asset ({external})");
    }

    // Every view the page reads, with and without an SDK token and in `.json` form: the
    // same control answers, and none of them counts as an SDK request.
    for path in ["users", "sessions", "blobs", "faults", "config", "outbox", "clock"] {
        let plain = s
            .call("GET", &format!("/__emulator/{path}"), None, None)
            .await
            .expect(200);
        let with_token = s.get(&format!("/__emulator/{path}.json"), &token).await.expect(200);
        if path != "clock" && path != "sessions" {
            assert_eq!(plain.json, with_token.json, "{path}");
        }
    }
    assert_eq!(s.control("GET", "stats", None).await, before);

    // A page from another origin can neither read the control API nor change it: its
    // requests are refused (a form's POST needs no preflight, so refusing is what protects),
    // and no answer of the control API carries CORS headers.
    let started = s.control("GET", "config", None).await;
    let users_total = s.control("GET", "users", None).await["total"].clone();
    assert_eq!(users_total, 1);
    for (method, path, body) in [
        ("OPTIONS", "/__emulator/config", None),
        ("GET", "/__emulator/config", None),
        ("POST", "/__emulator/reset", None),
        ("PATCH", "/__emulator/config", Some(r#"{"deny_users_v1_list": true}"#)),
    ] {
        let mut request = s
            .http
            .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), s.url(path))
            .header("origin", "https://elsewhere.example")
            .header("access-control-request-method", "PATCH");
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body);
        }
        let refused = s.send(request).await;
        assert_eq!(refused.status, 403, "{method} {path}");
        assert!(
            refused.header("access-control-allow-origin").is_none(),
            "{method} {path}"
        );
        assert!(
            refused.header("access-control-allow-methods").is_none(),
            "{method} {path}"
        );
    }
    assert_eq!(s.control("GET", "config", None).await, started, "nothing changed");
    assert_eq!(
        s.control("GET", "users", None).await["total"],
        users_total,
        "nothing reset"
    );
    // The page's own origin is served, without CORS headers (it needs none).
    let own = s
        .send(
            s.http
                .get(s.url("/__emulator/config"))
                .header("origin", s.url("").trim_end_matches('/')),
        )
        .await;
    assert_eq!(own.status, 200);
    assert!(own.header("access-control-allow-origin").is_none());
    // The ConnectyCube routes keep theirs, for the JS SDK in a browser.
    let sdk = s.get("/users/by_login?login=looker", &token).await.expect(200);
    assert_eq!(sdk.header("access-control-allow-origin"), Some("*"));

    // Paths are not normalised: a dot segment does not lead from an SDK route into the
    // control views (sent raw, as an HTTP client library would tidy it up).
    for path in [
        "/users/../__emulator/users",
        "/users/%2E%2E/__emulator/users",
        "//__emulator/users",
    ] {
        let answer = raw_get(&s, path, &token).await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{path}: {answer}");
    }
}

async fn raw_get(s: &Server, path: &str, token: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = s.emulator.url().trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nCB-Token: {token}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}
