//! `rest-api.md` §5: the avatar flow — create, upload to the emulator's own URL,
//! complete, read by private and public URL, download, delete.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the test failing, with its message"
)]

mod common;

use common::*;
use serde_json::{Value, json};

/// Splits `blob_object_access.params` into the upload URL and its form fields, as the
/// official SDKs do.
fn upload_form(params: &str) -> (String, Vec<(String, String)>) {
    let (url, query) = params.split_once('?').expect("params has a query");
    let fields = query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
            (decode(k), decode(v))
        })
        .collect();
    (url.to_owned(), fields)
}

async fn create_blob(s: &Server, token: &str, public: bool) -> Value {
    let body = json!({"blob": {"content_type": "image/png", "name": "avatar.png", "public": public}});
    let resp = s.call("POST", "/blobs.json", Some(token), Some(body)).await.expect(201);
    resp.json["blob"].clone()
}

async fn upload(s: &Server, blob: &Value, bytes: &[u8], with_filename: bool) -> u16 {
    let (url, fields) = upload_form(blob["blob_object_access"]["params"].as_str().unwrap());
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k, v);
    }
    let mut part = reqwest::multipart::Part::bytes(bytes.to_vec());
    if with_filename {
        part = part.file_name("avatar.png").mime_str("image/png").unwrap();
    }
    form = form.part("file", part);
    s.send(s.http.post(url).multipart(form)).await.status
}

#[tokio::test]
async fn avatar_flow_create_upload_complete_and_read_privately() {
    let s = start().await;
    let (token, user_id) = s.user_session("avatarist", "password1").await;
    let blob = create_blob(&s, &token, false).await;
    assert_eq!(blob["content_type"], "image/png");
    assert_eq!(blob["name"], "avatar.png");
    assert_eq!(blob["size"], Value::Null);
    assert_eq!(blob["public"], json!(false));
    let access = &blob["blob_object_access"];
    assert_eq!(access["object_access_type"], "Write");
    let params = access["params"].as_str().unwrap();
    assert!(
        params.starts_with(s.emulator.url()),
        "upload URL on the emulator itself: {params}"
    );
    for field in [
        "Content-Type=",
        "key=",
        "policy=",
        "success_action_status=201",
        "x-amz-signature=",
    ] {
        assert!(params.contains(field), "{field} in {params}");
    }

    let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    assert_eq!(upload(&s, &blob, &bytes, true).await, 201);
    let id = blob["id"].as_i64().unwrap();
    let uid = blob["uid"].as_str().unwrap();
    // JS sends `{"size":N}`; docs and Dart `{"blob":{"size":N}}`.
    let wrong = s
        .call(
            "PUT",
            &format!("/blobs/{id}/complete"),
            Some(&token),
            Some(json!({"size": 1})),
        )
        .await
        .expect(422);
    assert!(wrong.json["errors"]["size"].is_array());
    let resp = s
        .call(
            "PUT",
            &format!("/blobs/{id}/complete.json"),
            Some(&token),
            Some(json!({"size": 5000})),
        )
        .await;
    assert!(resp.expect(200).text.is_empty());
    s.call(
        "PUT",
        &format!("/blobs/{id}/complete"),
        Some(&token),
        Some(json!({"blob": {"size": 5000}})),
    )
    .await
    .expect(200);
    let record = s.get(&format!("/blobs/{id}"), &token).await.expect(200);
    assert_eq!(record.json["blob"]["size"], json!(5000));
    assert_eq!(record.json["blob"]["uid"], json!(uid));

    let updated = s
        .call(
            "PUT",
            &format!("/users/{user_id}"),
            Some(&token),
            Some(json!({"user": {"avatar": uid}})),
        )
        .await;
    assert_eq!(updated.expect(200).json["user"]["avatar"], json!(uid));

    // Another user reads it through the private URL with their own token.
    let (reader, _) = s.user_session("reader", "password1").await;
    let file = s
        .http
        .get(s.url(&format!("/blobs/{uid}?token={reader}")))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "image/png");
    assert_eq!(file.bytes().await.unwrap().as_ref(), bytes.as_slice());
    let anonymous = s.call("GET", &format!("/blobs/{uid}"), None, None).await.expect(401);
    assert_eq!(anonymous.json, json!({"errors": ["Token is required"]}));
    s.call("GET", &format!("/blobs/{uid}?token=EXPIRED"), None, None)
        .await
        .expect(401);

    let redirect = s.get(&format!("/blobs/{uid}/download"), &reader).await.expect(301);
    let location = redirect.header("location").unwrap();
    assert!(location.contains(&format!("/blobs/{uid}?token=")), "{location}");
    let object = s
        .get(&format!("/blobs/{uid}/object?download_url=1"), &reader)
        .await
        .expect(200);
    assert_eq!(object.json["blob_object_access"]["object_access_type"], "Read");

    s.call("DELETE", &format!("/blobs/{id}"), Some(&reader), None)
        .await
        .expect(403);
    s.call("DELETE", &format!("/blobs/{id}"), Some(&token), None)
        .await
        .expect(200);
    s.get(&format!("/blobs/{id}"), &token).await.expect(404);
    s.get(&format!("/blobs/{uid}"), &token).await.expect(404);
}

#[tokio::test]
async fn public_blobs_read_without_a_token_and_uploads_without_filename() {
    let s = start().await;
    let (token, _) = s.user_session("publisher", "password1").await;
    let blob = create_blob(&s, &token, true).await;
    assert_eq!(upload(&s, &blob, b"public bytes", false).await, 201);
    let uid = blob["uid"].as_str().unwrap();
    let file = s.call("GET", &format!("/blobs/{uid}"), None, None).await.expect(200);
    assert_eq!(file.text, "public bytes");
}

#[tokio::test]
async fn bad_uploads_are_refused_clearly() {
    let s = start().await;
    let (token, _) = s.user_session("uploader", "password1").await;
    let blob = create_blob(&s, &token, false).await;
    let id = blob["id"].as_i64().unwrap();
    let premature = s
        .call(
            "PUT",
            &format!("/blobs/{id}/complete"),
            Some(&token),
            Some(json!({"size": 3})),
        )
        .await;
    assert_eq!(
        premature.expect(422).json,
        json!({"errors": {"base": ["File is not uploaded"]}})
    );
    // A forged form for this blob's key.
    let (url, _) = upload_form(blob["blob_object_access"]["params"].as_str().unwrap());
    let form = reqwest::multipart::Form::new()
        .text("key", blob["uid"].as_str().unwrap().to_owned())
        .text("x-amz-signature", "forged")
        .part("file", reqwest::multipart::Part::bytes(b"abc".to_vec()));
    let resp = s.send(s.http.post(&url).multipart(form)).await.expect(403);
    assert!(resp.json["errors"]["base"].is_array());
    let no_file = reqwest::multipart::Form::new().text("key", "x");
    s.send(s.http.post(&url).multipart(no_file)).await.expect(422);
    let not_multipart = s.send(s.http.post(&url).body("plain")).await.expect(400);
    assert!(not_multipart.json["errors"]["base"].is_array());
    let missing_name = s
        .call(
            "POST",
            "/blobs",
            Some(&token),
            Some(json!({"blob": {"content_type": "image/png"}})),
        )
        .await;
    assert_eq!(
        missing_name.expect(422).json,
        json!({"errors": {"name": ["cannot be blank"]}})
    );
}
