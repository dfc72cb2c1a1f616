//! Storage through the exports: an upload with progress, the private and public URLs.

use std::sync::Arc;

use parking_lot::Mutex;

use super::Turn;
use crate::{CallbackError, UploadProgressListener, get_private_url_for_uid, get_public_url_for_uid};

#[derive(Default)]
struct Progress(Mutex<Vec<i32>>);

impl UploadProgressListener for Progress {
    fn on_progress(&self, percent: i32) -> Result<(), CallbackError> {
        self.0.lock().push(percent);
        Ok(())
    }
}

#[tokio::test]
async fn an_upload_reports_progress_and_reads_back_by_private_url() {
    let turn = Turn::start().await;
    turn.signed_in("uploader").await;
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let path = std::env::temp_dir().join(format!("connectycube-ffi-{}.png", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let progress = Arc::new(Progress::default());
    let file = turn
        .cube
        .upload_file(path.to_string_lossy().into_owned(), false, Some(progress.clone()))
        .await
        .unwrap();
    std::fs::remove_file(&path).ok();
    assert_eq!(file.size, 200_000);
    assert!(!file.is_public);
    let percents = progress.0.lock().clone();
    assert_eq!(percents.last(), Some(&100), "{percents:?}");
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");

    let uid = file.uid.clone().unwrap();
    let private = get_private_url_for_uid(Some(uid.clone())).unwrap();
    assert!(private.contains("token="), "{private}");
    let (status, read) = turn.http("GET", &private, None).await;
    assert_eq!((status, read.len()), (200, bytes.len()));
    assert!(get_public_url_for_uid(Some(uid)).is_some_and(|url| !url.contains("token=")));
    assert_eq!(get_private_url_for_uid(None), None);

    let missing = turn
        .cube
        .upload_file("/no/such/file.png".into(), false, None)
        .await
        .unwrap_err();
    assert!(!missing.message().is_empty(), "{missing:?}");
}

/// Bytes held in memory (the docs' `UIImagePNGRepresentation(image)`), with a name and an
/// optional content type.
#[tokio::test]
async fn an_upload_from_memory_keeps_its_name_and_content_type() {
    let turn = Turn::start().await;
    turn.signed_in("memuploader").await;
    let bytes: Vec<u8> = (0..70_000u32).map(|i| (i % 241) as u8).collect();
    let progress = Arc::new(Progress::default());
    let file = turn
        .cube
        .upload_file_data(bytes.clone(), "FileName.png".into(), None, true, Some(progress.clone()))
        .await
        .unwrap();
    assert_eq!(
        (
            file.name.as_deref(),
            file.content_type.as_deref(),
            file.size,
            file.is_public
        ),
        (Some("FileName.png"), Some("image/png"), 70_000, true),
        "the type guessed from the name"
    );
    assert_eq!(progress.0.lock().last(), Some(&100));
    let public = get_public_url_for_uid(file.uid.clone()).unwrap();
    let (status, read) = turn.http("GET", &public, None).await;
    assert_eq!((status, read), (200, bytes));

    let typed = turn
        .cube
        .upload_file_data(vec![1, 2, 3], "FileName".into(), Some("image/png".into()), false, None)
        .await
        .unwrap();
    assert_eq!(
        (typed.content_type.as_deref(), typed.size, typed.is_public),
        (Some("image/png"), 3, false)
    );
}
