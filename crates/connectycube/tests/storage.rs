//! Storage through `cc.storage()` against the in-process emulator: upload (create, upload
//! form, complete) with progress, private and public URLs fetched by a plain HTTP client,
//! avatars.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing")]

mod common;

use std::sync::Arc;

use common::Harness;
use connectycube::{ConnectyCube, Credentials, Error, Upload};
use parking_lot::Mutex;

const PASSWORD: &str = "supersecurepwd";

/// Bytes that are not valid UTF-8 and not all alike, so a mangled upload shows.
fn image_bytes(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..len.saturating_sub(8)).map(|i| (i * 31 % 251) as u8));
    bytes
}

async fn signed_in(h: &Harness, login: &str) -> ConnectyCube {
    let cc = h.client();
    cc.auth()
        .create_session(Some(Credentials::login(login, PASSWORD)))
        .await
        .unwrap();
    cc
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_returns_the_blob_and_reports_progress() {
    let h = Harness::start().await;
    let cc = signed_in(&h, "marvin18").await;
    let data = image_bytes(300 * 1024);
    let progress: Arc<Mutex<Vec<(u64, u64)>>> = Arc::default();
    let seen = progress.clone();
    let blob = cc
        .storage()
        .upload(
            Upload::new(data.clone(), "a.png", "image/png")
                .on_progress(move |sent, total| seen.lock().push((sent, total))),
        )
        .await
        .unwrap();
    assert!(blob.id > 0);
    assert!(!blob.uid.is_empty());
    assert_eq!(blob.size, Some(data.len() as u64));
    assert_eq!(blob.name.as_deref(), Some("a.png"));
    assert_eq!(blob.content_type.as_deref(), Some("image/png"));
    assert!(blob.blob_object_access.is_none(), "the upload form is not handed out");

    let progress = progress.lock().clone();
    let total = data.len() as u64;
    assert!(!progress.is_empty(), "progress was reported");
    assert!(progress.iter().all(|&(_, t)| t == total), "{progress:?}");
    assert!(progress.windows(2).all(|w| w[0].0 <= w[1].0), "monotonic: {progress:?}");
    assert_eq!(
        progress.last().copied(),
        Some((total, total)),
        "progress reached the total"
    );

    assert_eq!(h.count("POST /blobs").await, 1);
    assert_eq!(h.count("PUT /blobs/{id}/complete").await, 1);
    // The server holds the completed blob with its size.
    let token = cc.auth().token().unwrap();
    let on_server = h
        .raw("GET", &format!("/blobs/{}", blob.id), Some(token.expose()), None)
        .await;
    assert_eq!(on_server.status, 200, "{:?}", on_server.json);
    assert_eq!(on_server.json["blob"]["size"].as_u64(), Some(total));
    assert_eq!(on_server.json["blob"]["uid"].as_str(), Some(blob.uid.as_str()));
}

#[tokio::test(flavor = "multi_thread")]
async fn private_url_serves_exactly_the_bytes() {
    let h = Harness::start().await;
    let cc = signed_in(&h, "marvin18").await;
    let data = image_bytes(4096);
    let blob = cc
        .storage()
        .upload(Upload::new(data.clone(), "secret.png", "image/png"))
        .await
        .unwrap();
    let url = cc.storage().private_url(&blob.uid).unwrap();
    assert!(url.starts_with(h.emulator.url()), "{url}");
    assert!(url.contains("token="), "{url}");
    let fetched = h.fetch(&url).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.bytes, data);

    // Without the token, a private file is refused.
    let public = h.fetch(&cc.storage().public_url(&blob.uid)).await;
    assert_eq!(public.status, 401);

    // Any live session of the app may read it: another user's private URL works too.
    let other = signed_in(&h, "zaphod42").await;
    let fetched = h.fetch(&other.storage().private_url(&blob.uid).unwrap()).await;
    assert_eq!(fetched.bytes, data);
}

#[tokio::test(flavor = "multi_thread")]
async fn public_upload_is_readable_without_a_token() {
    let h = Harness::start().await;
    let cc = signed_in(&h, "marvin18").await;
    let data = image_bytes(2048);
    let blob = cc
        .storage()
        .upload(Upload::new(data.clone(), "public.jpg", "image/jpeg").public(true))
        .await
        .unwrap();
    assert_eq!(blob.public, Some(true));
    let url = cc.storage().public_url(&blob.uid);
    assert_eq!(url, format!("{}/blobs/{}", h.emulator.url(), blob.uid));
    let fetched = h.fetch(&url).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.bytes, data);
    // A client without any session builds the same URL.
    assert_eq!(h.client().storage().public_url(&blob.uid), url);
}

#[tokio::test(flavor = "multi_thread")]
async fn set_avatar_uploads_and_points_the_user_at_the_blob() {
    let h = Harness::start().await;
    let cc = signed_in(&h, "marvin18").await;
    let data = image_bytes(10_000);
    let (blob, user) = cc
        .storage()
        .set_avatar(Upload::new(data.clone(), "avatar.png", "image/png").public(true))
        .await
        .unwrap();
    assert_eq!(user.avatar.as_deref(), Some(blob.uid.as_str()));
    assert_eq!(
        cc.auth().active_session().unwrap().user.unwrap().avatar.as_deref(),
        Some(blob.uid.as_str())
    );
    // Others see the avatar and can load it.
    let seen = h.client().users().get(user.id).await.unwrap();
    let avatar = seen.avatar.unwrap();
    assert_eq!(avatar, blob.uid);
    let fetched = h.fetch(&h.client().storage().public_url(&avatar)).await;
    assert_eq!(fetched.bytes, data);
}

#[tokio::test(flavor = "multi_thread")]
async fn private_url_without_a_session_is_session_expired() {
    let h = Harness::start().await;
    let cc = h.client();
    assert_eq!(cc.storage().private_url("some-uid"), Err(Error::SessionExpired));

    // After the session ends, too.
    let signed = signed_in(&h, "marvin18").await;
    signed.auth().destroy_session().await.unwrap();
    assert_eq!(signed.storage().private_url("some-uid"), Err(Error::SessionExpired));
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_needs_a_user_session() {
    let h = Harness::start().await;
    let cc = h.client();
    // No session at all.
    let error = cc
        .storage()
        .upload(Upload::new(image_bytes(100), "a.png", "image/png"))
        .await
        .unwrap_err();
    assert_eq!(error, Error::SessionExpired);

    // An application session only.
    cc.auth().create_session(None).await.unwrap();
    let error = cc
        .storage()
        .upload(Upload::new(image_bytes(100), "a.png", "image/png"))
        .await
        .unwrap_err();
    assert_eq!(error, Error::SessionExpired);
    let error = cc
        .storage()
        .set_avatar(Upload::new(image_bytes(100), "a.png", "image/png"))
        .await
        .unwrap_err();
    assert_eq!(error, Error::SessionExpired);
    assert_eq!(h.count("POST /blobs").await, 0, "refused before sending");
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_without_a_name_is_refused_locally() {
    let h = Harness::start().await;
    let cc = signed_in(&h, "marvin18").await;
    let error = cc
        .storage()
        .upload(Upload::new(image_bytes(100), "  ", "image/png"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    assert_eq!(h.count("POST /blobs").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_file_reads_from_disk() {
    let h = Harness::start().await;
    let cc = signed_in(&h, "marvin18").await;
    let data = image_bytes(5000);
    let dir = std::env::temp_dir().join(format!("connectycube-sdk-storage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("from disk.png");
    std::fs::write(&path, &data).unwrap();

    let blob = cc.storage().upload_file(&path, "image/png", true).await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(blob.name.as_deref(), Some("from disk.png"));
    assert_eq!(blob.size, Some(data.len() as u64));
    let fetched = h.fetch(&cc.storage().public_url(&blob.uid)).await;
    assert_eq!(fetched.bytes, data);

    let missing = cc
        .storage()
        .upload_file(dir.join("missing.png"), "image/png", false)
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::InvalidInput(_)), "{missing:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_file_uploads() {
    let h = Harness::start().await;
    let cc = signed_in(&h, "marvin18").await;
    let blob = cc
        .storage()
        .upload(Upload::new(Vec::new(), "empty.txt", "text/plain"))
        .await
        .unwrap();
    assert_eq!(blob.size, Some(0));
    let fetched = h.fetch(&cc.storage().private_url(&blob.uid).unwrap()).await;
    assert_eq!(fetched.status, 200);
    assert!(fetched.bytes.is_empty());
}
