//! Upload an avatar with progress: read an image file, upload it while printing how much
//! has been sent, make it the user's avatar, then read the user and the image back.
//!
//! ```sh
//! cargo run -p connectycube --example avatar_upload                    # a generated 320×320 PNG
//! cargo run -p connectycube --example avatar_upload -- path/to/me.jpg  # your own image
//! ```
//!
//! The example fails unless the progress reaches the file's size, the user's avatar is the
//! uploaded file, and the bytes read back are the bytes of the file.

#![allow(clippy::print_stdout, reason = "an example prints its steps")]

mod common;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use common::{BoxError, Playground, ensure, sample_png, unique_suffix};
use connectycube::{Credentials, NewUser, Upload};

async fn run(emulator: &Playground, image: PathBuf) -> Result<(), BoxError> {
    let cc = emulator.builder().build()?;
    let suffix = unique_suffix();
    let login = format!("avatar_{suffix}");
    let password = format!("pwd-{suffix}");
    let me = cc
        .users()
        .sign_up(NewUser::with_login(&login, password.as_str()))
        .await?
        .id;
    cc.auth()
        .create_session(Some(Credentials::login(&login, password.as_str())))
        .await?;
    println!("signed in   user {me}");

    let file = std::fs::read(&image)?; // kept to compare with what is read back
    let reports = Arc::new(Mutex::new(Vec::new()));
    let heard = reports.clone();
    // The upload's name is the file's, its content type guessed from the extension.
    let upload = Upload::from_path(&image).await?.on_progress(move |sent, total| {
        // Called on the uploading task: keep it short (a UI would post it to its thread).
        println!("uploading   {sent:>7} / {total} bytes ({}%)", sent * 100 / total.max(1));
        if let Ok(mut reports) = heard.lock() {
            reports.push((sent, total));
        }
    });
    println!(
        "uploading   {} ({}, {} bytes)",
        upload.name,
        upload.content_type,
        file.len()
    );

    // Upload (private: readable with a session token only), then set it as the avatar.
    let (blob, user) = cc.storage().set_avatar(upload).await?;
    println!(
        "avatar set  blob {} ({} bytes); the user's avatar is {:?}",
        blob.uid,
        blob.size.unwrap_or(0),
        user.avatar
    );

    let reports = reports.lock().map(|r| r.clone()).unwrap_or_default();
    let size = file.len() as u64;
    ensure(reports.len() > 1, || {
        format!("{} progress report(s) for {size} bytes", reports.len())
    })?;
    ensure(reports.windows(2).all(|w| w[0].0 <= w[1].0), || {
        format!("progress went backwards: {reports:?}")
    })?;
    ensure(reports.last() == Some(&(size, size)), || {
        format!("the last report is {:?}, not ({size}, {size})", reports.last())
    })?;

    // Read back: the user as the server has it now, then the image by its private URL.
    let reread = cc.users().get(me).await?;
    ensure(reread.avatar.as_deref() == Some(blob.uid.as_str()), || {
        format!("the user's avatar is {:?}, not blob {}", reread.avatar, blob.uid)
    })?;
    let url = cc.storage().private_url(&blob.uid)?; // holds the token: never printed as is
    let downloaded = emulator.get(&url).await?;
    println!(
        "read back   user {} avatar {}; {} bytes, {}",
        reread.id,
        blob.uid,
        downloaded.body.len(),
        downloaded.header("content-type").unwrap_or("?")
    );
    ensure(downloaded.body.as_ref() == file.as_slice(), || {
        format!(
            "read back {} bytes that differ from the {size} uploaded",
            downloaded.body.len()
        )
    })?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    // Without an argument, a generated image in the temporary directory stands in.
    let generated = std::env::temp_dir().join(format!("connectycube-avatar-{}.png", std::process::id()));
    let result = async {
        let image = match std::env::args_os().nth(1) {
            Some(path) => PathBuf::from(path),
            None => {
                std::fs::write(&generated, sample_png::gradient(320, 320))?;
                generated.clone()
            }
        };
        Playground::run_example(async |emulator| run(emulator, image).await).await
    }
    .await;
    let _ = std::fs::remove_file(&generated);
    common::exit_code("avatar_upload", result)
}
