//! `rest-api.md` §2 and §6: session creation, signatures, lifetime, rights, login/logout.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the test failing, with its message"
)]

mod common;

use common::*;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};

/// An independent signer (not the emulator's code): sorted `name=value` pairs, HMAC-SHA1.
fn sign(pairs: &[(&str, String)]) -> String {
    let mut parts: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    parts.sort();
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(AUTH_SECRET.as_bytes()).unwrap();
    mac.update(parts.join("&").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn is_token(token: &str) -> bool {
    token.len() == 36 && token.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
}

#[tokio::test]
async fn app_session_has_the_documented_shape_and_headers() {
    let s = start().await;
    let resp = s.create_session(json!({})).await.expect(201);
    let session = &resp.json["session"];
    assert!(is_token(session["token"].as_str().unwrap()), "{session}");
    assert_eq!(session["application_id"], json!(APP_ID));
    assert_eq!(session["user_id"], Value::Null);
    assert!(session["id"].as_i64().unwrap() > 0);
    assert!(session["nonce"].is_i64() && session["ts"].is_i64());
    assert!(session["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(session.get("user").is_none());
    assert_eq!(resp.header("content-type"), Some("application/json; charset=utf-8"));
    assert!(resp.header("date").is_some());
    let expires = resp.header("cb-token-expirationdate").expect("expiration header");
    let expected = time::OffsetDateTime::now_utc() + time::Duration::hours(2);
    let expected = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        expected.year(),
        u8::from(expected.month()),
        expected.day(),
        expected.hour(),
        expected.minute()
    );
    assert!(
        expires.starts_with(&expected[..13]) && expires.ends_with(" UTC"),
        "{expires} vs {expected}"
    );
}

#[tokio::test]
async fn json_suffix_form_bodies_and_percent_encoded_brackets_all_work() {
    let s = start().await;
    s.call(
        "POST",
        "/session.json",
        None,
        Some(json!({"application_id": "1", "auth_key": AUTH_KEY})),
    )
    .await
    .expect(201);
    let form = format!("application_id=1&auth_key={AUTH_KEY}&user%5Blogin%5D=formuser&user[password]=password1");
    let resp = s
        .send(
            s.http
                .post(s.url("/session"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .body(form),
        )
        .await
        .expect(201);
    assert_eq!(resp.json["session"]["user"]["login"], "formuser");
    // An empty CB-Token (Dart without a session) and a stale one (JS) are ignored.
    let resp = s
        .send(
            s.http
                .post(s.url("/session"))
                .header("CB-Token", "")
                .json(&json!({"application_id": 1, "auth_key": AUTH_KEY})),
        )
        .await;
    assert_eq!(resp.status, 201);
    let resp = s
        .send(
            s.http
                .post(s.url("/session"))
                .header("CB-Token", "STALE")
                .json(&json!({"application_id": 1, "auth_key": AUTH_KEY})),
        )
        .await;
    assert_eq!(resp.status, 201);
}

#[tokio::test]
async fn user_sessions_create_users_on_the_fly_and_check_passwords() {
    let s = start().await;
    let resp = s
        .create_session(json!({"user": {"login": "john", "password": "11111111"}}))
        .await
        .expect(201);
    let session = &resp.json["session"];
    assert_eq!(session["user"]["login"], "john");
    assert_eq!(session["user_id"], session["user"]["id"]);
    let again = s
        .create_session(json!({"user": {"login": "john", "password": "11111111"}}))
        .await
        .expect(201);
    assert_eq!(
        again.json["session"]["user_id"], session["user_id"],
        "same user, not a new one"
    );
    assert_ne!(
        again.json["session"]["token"], session["token"],
        "a new token per session"
    );
    let wrong = s
        .create_session(json!({"user": {"login": "john", "password": "wrongpass"}}))
        .await
        .expect(401);
    assert_eq!(wrong.json, json!({"errors": ["Invalid password"]}));
    assert!(wrong.header("cb-token-expirationdate").is_none());
    let by_email = s
        .create_session(json!({"user": {"email": "mail@example.com", "password": "11111111"}}))
        .await;
    assert_eq!(
        by_email.expect(201).json["session"]["user"]["email"],
        "mail@example.com"
    );
    let missing = s.create_session(json!({"user": {"login": "john"}})).await.expect(422);
    assert_eq!(missing.json, json!({"errors": {"password": ["cannot be blank"]}}));
}

#[tokio::test]
async fn denied_auto_creation_answers_user_not_found() {
    let s = start_with(|c| c.deny_session_without_user = true).await;
    let resp = s
        .create_session(json!({"user": {"login": "nobody", "password": "11111111"}}))
        .await
        .expect(404);
    assert_eq!(resp.json, json!({"errors": ["User not found"]}));
    // A signed-up user can still sign in.
    let key = s
        .send(
            s.http
                .post(s.url("/users"))
                .header("CB-AuthKey", AUTH_KEY)
                .json(&json!({"user": {"login": "somebody", "password": "11111111"}})),
        )
        .await;
    assert_eq!(key.status, 201);
    s.create_session(json!({"user": {"login": "somebody", "password": "11111111"}}))
        .await
        .expect(201);
}

#[tokio::test]
async fn wrong_application_credentials_are_refused() {
    let s = start().await;
    let resp = s
        .call(
            "POST",
            "/session",
            None,
            Some(json!({"application_id": 1, "auth_key": "nope"})),
        )
        .await
        .expect(401);
    assert_eq!(resp.json, json!({"errors": ["Unauthorized"]}));
    s.call(
        "POST",
        "/session",
        None,
        Some(json!({"application_id": 2, "auth_key": AUTH_KEY})),
    )
    .await
    .expect(401);
    let resp = s
        .call("POST", "/session", None, Some(json!({"auth_key": AUTH_KEY})))
        .await
        .expect(422);
    assert_eq!(resp.json, json!({"errors": {"application_id": ["cannot be blank"]}}));
}

/// The five reference vectors of `rest-api.md` §6, sent verbatim (timestamp 1544010993)
/// with the emulator's clock moved back to that moment.
#[tokio::test]
async fn the_five_reference_vectors_verify_over_http() {
    let s = start().await;
    let vectors = [
        (
            json!({"application_id":1,"auth_key":AUTH_KEY,"nonce":4214611091_i64,"timestamp":1544010993,
                   "signature":"096ab77da446bbce2b5deaed0ca072a2d4ed906b"}),
            Value::Null,
        ),
        (
            json!({"application_id":1,"auth_key":AUTH_KEY,"nonce":111,"timestamp":1544010993,
                   "user":{"login":"john","password":"11111111"},"signature":"2d7e6d6585f9b1607caffdab6604aefe3f014d95"}),
            json!("john"),
        ),
        (
            json!({"application_id":"1","auth_key":AUTH_KEY,"nonce":"111","timestamp":"1544010993",
                   "user":{"email":"john@example.com","password":"11111111"},"signature":"6b6c19160ae7a8822656f6084c004286bb71ec75"}),
            Value::Null,
        ),
        (
            json!({"application_id":1,"auth_key":AUTH_KEY,"nonce":111,"timestamp":1544010993,"provider":"twitter",
                   "keys":{"token":"TT","secret":"SS"},"signature":"de08c283bc1083d12ac12eea04f27c1f8fe502fc"}),
            Value::Null,
        ),
        (
            json!({"application_id":1,"auth_key":AUTH_KEY,"nonce":111,"timestamp":1544010993,
                   "user":{"guest":1,"full_name":"Olof Shodger"},"signature":"559062a1d19f5135887a0de9ce0b022e98cc875d"}),
            Value::Null,
        ),
    ];
    for (body, login) in vectors {
        // (timestamp, nonce) pairs repeat across vectors: each runs on a fresh emulator state.
        s.control("POST", "reset", None).await;
        s.advance_clock(1544010993 - now_secs()).await;
        s.control(
            "POST",
            "identities",
            Some(json!({"provider":"twitter","token":"TT","uid":"tw-1"})),
        )
        .await;
        let resp = s.call("POST", "/session", None, Some(body.clone())).await;
        assert_eq!(resp.status, 201, "{body}: {}", resp.text);
        assert_eq!(resp.json["session"]["ts"], json!(1544010993));
        if !login.is_null() {
            assert_eq!(resp.json["session"]["user"]["login"], login);
        }
        // The same (timestamp, nonce) cannot be used twice.
        let replay = s.call("POST", "/session", None, Some(body)).await.expect(422);
        assert!(replay.json["errors"]["nonce"].is_array(), "{}", replay.text);
    }
}

#[tokio::test]
async fn signatures_are_checked_when_present() {
    let s = start().await;
    let ts = now_secs();
    let signed = |ts: i64, nonce: &str, signature: Option<String>| {
        let signature = signature.unwrap_or_else(|| {
            sign(&[
                ("application_id", "1".into()),
                ("auth_key", AUTH_KEY.into()),
                ("nonce", nonce.into()),
                ("timestamp", ts.to_string()),
                ("user[login]", "signed".into()),
                ("user[password]", "password1".into()),
            ])
        });
        json!({"application_id": 1, "auth_key": AUTH_KEY, "nonce": nonce, "timestamp": ts,
               "user": {"login": "signed", "password": "password1"}, "signature": signature})
    };
    s.call("POST", "/session", None, Some(signed(ts, "1", None)))
        .await
        .expect(201);
    let bad = s
        .call("POST", "/session", None, Some(signed(ts, "2", Some("0".repeat(40)))))
        .await
        .expect(422);
    assert_eq!(bad.json, json!({"errors": ["Unexpected signature"]}));
    // Leaving the user pairs out of the signed string is the classic client bug.
    let partial = sign(&[
        ("application_id", "1".into()),
        ("auth_key", AUTH_KEY.into()),
        ("nonce", "3".into()),
        ("timestamp", ts.to_string()),
    ]);
    s.call("POST", "/session", None, Some(signed(ts, "3", Some(partial))))
        .await
        .expect(422);
    // Just over the hour, with a few seconds for the test's own clock to move on.
    for skew in [-2 * 3600, 2 * 3600, 3605] {
        let resp = s
            .call("POST", "/session", None, Some(signed(ts + skew, "4", None)))
            .await
            .expect(422);
        assert_eq!(resp.json, json!({"errors": {"timestamp": ["invalid timestamp"]}}));
    }
    s.call("POST", "/session", None, Some(signed(ts - 3500, "5", None)))
        .await
        .expect(201);
    // A device clock two hours behind: the server clock moves instead.
    s.advance_clock(2 * 3600).await;
    s.call("POST", "/session", None, Some(signed(ts, "6", None)))
        .await
        .expect(422);
    s.call("POST", "/session", None, Some(signed(ts + 2 * 3600, "6", None)))
        .await
        .expect(201);
}

#[tokio::test]
async fn signed_form_bodies_verify_like_json() {
    let s = start().await;
    let ts = now_secs();
    let signature = sign(&[
        ("application_id", "1".into()),
        ("auth_key", AUTH_KEY.into()),
        ("nonce", "77".into()),
        ("timestamp", ts.to_string()),
        ("user[full_name]", "Olof Shodger".into()),
        ("user[guest]", "1".into()),
    ]);
    let form = format!(
        "application_id=1&auth_key={AUTH_KEY}&nonce=77&timestamp={ts}&user%5Bguest%5D=1&user%5Bfull_name%5D=Olof+Shodger&signature={signature}"
    );
    let resp = s
        .send(
            s.http
                .post(s.url("/session"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form),
        )
        .await
        .expect(201);
    assert_eq!(resp.json["session"]["user"]["is_guest"], json!(true));
}

#[tokio::test]
async fn required_signature_refuses_unsigned_sessions() {
    let s = start_with(|c| c.require_signature = true).await;
    let resp = s.create_session(json!({})).await.expect(422);
    assert_eq!(resp.json, json!({"errors": ["Unexpected signature"]}));
}

#[tokio::test]
async fn sessions_slide_for_two_hours_then_expire_with_the_exact_error() {
    let s = start().await;
    let (token, id) = s.user_session("slider", "password1").await;
    for _ in 0..3 {
        s.advance_clock(2 * 3600 - 60).await;
        let resp = s.get(&format!("/users/{id}"), &token).await.expect(200);
        assert!(resp.header("cb-token-expirationdate").is_some());
    }
    s.advance_clock(2 * 3600 + 1).await;
    let resp = s.get(&format!("/users/{id}"), &token).await.expect(401);
    assert_eq!(resp.json, session_missing());
    assert!(resp.header("cb-token-expirationdate").is_none());
    assert!(resp.header("date").is_some());
    // Unknown tokens answer the same.
    let resp = s
        .get("/session", "0F726675CDA062035D7641DDEBE967B31BE9")
        .await
        .expect(401);
    assert_eq!(resp.json, session_missing());
}

#[tokio::test]
async fn guests_last_one_day_and_are_removed_after() {
    let s = start().await;
    let resp = s
        .create_session(json!({"user": {"guest": "1", "full_name": "Awesome Smith"}}))
        .await
        .expect(201);
    let user = &resp.json["session"]["user"];
    assert_eq!(user["is_guest"], json!(true));
    assert_eq!(user["phone"], json!(""));
    assert_eq!(user["full_name"], "Awesome Smith");
    assert!(user["login"].as_str().unwrap().starts_with("guest_login_"));
    let guest_id = user["id"].as_i64().unwrap();
    let guest_token = resp.json["session"]["token"].as_str().unwrap().to_owned();
    // Guests cannot sign in with a login and password.
    let login = user["login"].as_str().unwrap();
    s.create_session(json!({"user": {"login": login, "password": "anything1"}}))
        .await
        .expect(401);
    s.advance_clock(3 * 3600).await; // beyond 2 h: a guest session does not end then
    s.get("/session", &guest_token).await.expect(200);
    s.advance_clock(21 * 3600 + 1).await;
    s.get("/session", &guest_token).await.expect(401);
    let observer = s.app_session().await;
    s.get(&format!("/users/{guest_id}"), &observer).await.expect(404);
}

#[tokio::test]
async fn get_and_destroy_the_current_session() {
    let s = start().await;
    let (token, id) = s.user_session("viewer", "password1").await;
    let resp = s.get("/session.json", &token).await.expect(200);
    assert_eq!(resp.json["session"]["user"]["id"], json!(id));
    assert_eq!(resp.json["session"]["token"], json!(token));
    let app = s.app_session().await;
    assert!(
        s.get("/session", &app).await.expect(200).json["session"]
            .get("user")
            .is_none()
    );
    let resp = s.call("DELETE", "/session", Some(&token), None).await.expect(200);
    assert!(resp.text.is_empty());
    s.get("/session", &token).await.expect(401);
    let resp = s.call("GET", "/session", None, None).await.expect(401);
    assert_eq!(resp.json, json!({"errors": ["Token is required"]}));
}

#[tokio::test]
async fn app_sessions_are_read_only() {
    let s = start().await;
    let (_, id) = s.user_session("target", "password1").await;
    let app = s.app_session().await;
    s.get(&format!("/users/{id}"), &app).await.expect(200);
    let resp = s
        .call(
            "PUT",
            &format!("/users/{id}"),
            Some(&app),
            Some(json!({"user": {"full_name": "X"}})),
        )
        .await;
    assert_eq!(
        resp.expect(403).json,
        json!({"errors": {"base": ["Forbidden. Need user."]}})
    );
    s.call("DELETE", &format!("/users/{id}"), Some(&app), None)
        .await
        .expect(403);
    let blob = json!({"blob": {"name": "a.png", "content_type": "image/png"}});
    s.call("POST", "/blobs", Some(&app), Some(blob)).await.expect(403);
    s.call("DELETE", "/session/list", Some(&app), None).await.expect(403);
}

#[tokio::test]
async fn login_upgrades_and_logout_downgrades_keeping_the_token() {
    let s = start().await;
    s.user_session("upgrader", "password1").await;
    let app = s.app_session().await;
    let resp = s
        .call(
            "POST",
            "/login.json",
            Some(&app),
            Some(json!({"login": "upgrader", "password": "password1"})),
        )
        .await;
    let resp = resp.expect(202);
    assert_eq!(resp.json["user"]["login"], "upgrader");
    assert!(resp.header("cb-token-expirationdate").is_some());
    let id = resp.json["user"]["id"].as_i64().unwrap();
    assert_eq!(s.get("/session", &app).await.json["session"]["user_id"], json!(id));
    s.call(
        "PUT",
        &format!("/users/{id}"),
        Some(&app),
        Some(json!({"user": {"full_name": "Up"}})),
    )
    .await
    .expect(200);
    let resp = s.call("DELETE", "/login", Some(&app), None).await.expect(200);
    assert!(resp.text.is_empty());
    assert_eq!(s.get("/session", &app).await.json["session"]["user_id"], Value::Null);
    s.call(
        "PUT",
        &format!("/users/{id}"),
        Some(&app),
        Some(json!({"user": {"full_name": "Down"}})),
    )
    .await
    .expect(403);

    let resp = s
        .call("POST", "/login", Some(&app), Some(json!({"login": "upgrader"})))
        .await
        .expect(422);
    assert_eq!(resp.json, json!({"errors": {"password": ["cannot be blank"]}}));
    s.call(
        "POST",
        "/login",
        Some(&app),
        Some(json!({"login": "upgrader", "password": "wrongpass"})),
    )
    .await
    .expect(401);
    s.call(
        "POST",
        "/login",
        Some(&app),
        Some(json!({"login": "stranger", "password": "password1"})),
    )
    .await
    .expect(401);
    s.call(
        "POST",
        "/login",
        None,
        Some(json!({"login": "upgrader", "password": "password1"})),
    )
    .await
    .expect(401);
}

#[tokio::test]
async fn delete_one_session_by_id_or_all_others() {
    let s = start().await;
    let (first, _) = s.user_session("multi", "password1").await;
    let (second, _) = s.user_session("multi", "password1").await;
    let (third, _) = s.user_session("multi", "password1").await;
    let (stranger, _) = s.user_session("stranger", "password1").await;
    let second_id = s.get("/session", &second).await.json["session"]["id"].as_i64().unwrap();
    let resp = s
        .call("DELETE", &format!("/session/{second_id}"), Some(&stranger), None)
        .await
        .expect(404);
    assert_eq!(resp.json, json!({"errors": ["Session not found"]}));
    s.call("DELETE", &format!("/session/{second_id}.json"), Some(&first), None)
        .await
        .expect(200);
    s.get("/session", &second).await.expect(401);
    s.get("/session", &third).await.expect(200);
    s.call("DELETE", "/session/list", Some(&first), None).await.expect(200);
    s.get("/session", &third).await.expect(401);
    s.get("/session", &first).await.expect(200);
    s.get("/session", &stranger).await.expect(200);
}

#[tokio::test]
async fn provider_identities_sign_in_when_registered() {
    let s = start().await;
    for identity in [
        json!({"provider": "facebook", "token": "fb-token", "uid": "1000001", "full_name": "Face Book"}),
        json!({"provider": "twitter", "token": "tw-token", "secret": "tw-secret", "uid": "2000002"}),
        json!({"provider": "firebase_phone", "token": "fp-token", "uid": "fp-1", "phone": "+15550001", "project_id": "proj"}),
        json!({"provider": "firebase_email", "token": "fe-token", "uid": "fe-1", "email": "fire@example.com", "project_id": "proj"}),
        json!({"provider": "custom", "token": "eyJ.custom.token", "uid": "ext-42", "full_name": "Custom Person"}),
    ] {
        s.control("POST", "identities", Some(identity)).await;
    }
    let fb = s
        .create_session(json!({"provider": "facebook", "keys": {"token": "fb-token"}}))
        .await
        .expect(201);
    assert_eq!(fb.json["session"]["user"]["facebook_id"], "1000001");
    assert_eq!(fb.json["session"]["user"]["full_name"], "Face Book");
    let fb_again = s
        .create_session(json!({"provider": "facebook", "keys": {"token": "fb-token"}}))
        .await
        .expect(201);
    assert_eq!(fb_again.json["session"]["user_id"], fb.json["session"]["user_id"]);
    let tw = s
        .create_session(json!({"provider": "twitter", "keys": {"token": "tw-token", "secret": "tw-secret"}}))
        .await;
    assert_eq!(tw.expect(201).json["session"]["user"]["twitter_id"], "2000002");
    s.create_session(json!({"provider": "twitter", "keys": {"token": "tw-token", "secret": "other"}}))
        .await
        .expect(401);
    // The JS docs' form: bracketed keys inside a JSON body.
    let phone = s
        .create_session(json!({"provider": "firebase_phone", "firebase_phone[project_id]": "proj", "firebase_phone[access_token]": "fp-token"}))
        .await
        .expect(201);
    assert_eq!(phone.json["session"]["user"]["phone"], "+15550001");
    let wrong_project = s.create_session(
        json!({"provider": "firebase_phone", "firebase_phone": {"project_id": "other", "access_token": "fp-token"}}),
    );
    wrong_project.await.expect(401);
    let email = s
        .create_session(
            json!({"provider": "firebase_email", "firebase_email": {"project_id": "proj", "access_token": "fe-token"}}),
        )
        .await
        .expect(201);
    assert_eq!(email.json["session"]["user"]["email"], "fire@example.com");
    let unknown = s
        .create_session(json!({"provider": "facebook", "keys": {"token": "unknown"}}))
        .await
        .expect(401);
    assert_eq!(unknown.json, json!({"errors": ["Unauthorized"]}));
    let cidp = s
        .create_session(json!({"user": {"login": "eyJ.custom.token", "password": "any"}}))
        .await
        .expect(201);
    assert_eq!(cidp.json["session"]["user"]["external_id"], "ext-42");
    s.create_session(json!({"provider": "myspace", "keys": {"token": "x"}}))
        .await
        .expect(422);
    // POST /login with a provider on an app session.
    let app = s.app_session().await;
    let login = s.call(
        "POST",
        "/login",
        Some(&app),
        Some(json!({"provider": "facebook", "keys": {"token": "fb-token"}})),
    );
    assert_eq!(login.await.expect(202).json["user"]["facebook_id"], "1000001");
}

#[tokio::test]
async fn custom_identity_provider_apps_reject_unknown_tokens() {
    let s = start_with(|c| c.custom_identity_provider = true).await;
    let resp = s
        .create_session(json!({"user": {"login": "not-a-token", "password": "x"}}))
        .await
        .expect(422);
    assert_eq!(
        resp.json,
        json!({"errors": {"base": ["Custom Identity Provider responded with an error = \"Token invalid\". Status code = 404"]}})
    );
}
