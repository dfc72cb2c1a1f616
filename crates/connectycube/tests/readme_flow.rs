//! The Rust flow shown in the README, as a test against the emulator. Keep the two in step.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing, with its message")]

use connectycube::{
    ConnectyCube, Credentials, Error, NewUser, Pagination, SearchField, Upload, UserSearch, UserUpdate,
};
use connectycube_emulator::{Emulator, EmulatorConfig};

const APP_ID: u64 = 1;
const AUTH_KEY: &str = "29WfrNWdvkhmX6V";

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_flow() -> Result<(), Error> {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let png_bytes = vec![0x89, b'P', b'N', b'G'];

    // --- README: Using the SDK from Rust ---
    let cc = ConnectyCube::builder(APP_ID, AUTH_KEY)
        .api_endpoint(emulator.url()) // (not in the README: the default is the real service)
        .retain_credentials(true) // renew an expired user session by itself (opt-in)
        .build()?;
    cc.users()
        .sign_up(NewUser::with_login("marvin18", "supersecurepwd"))
        .await?;
    cc.auth()
        .create_session(Some(Credentials::login("marvin18", "supersecurepwd")))
        .await?;
    cc.users()
        .update(UserUpdate::default().change_password("supersecurepwd", "newPassword"))
        .await?;
    let (file, me) = cc
        .storage()
        .set_avatar(Upload::new(png_bytes, "me.png", "image/png"))
        .await?;
    let avatar_url = cc.storage().private_url(&file.uid)?;
    let page = cc
        .users()
        .search(
            UserSearch::new()
                .eq(SearchField::Login, "marvin18")
                .paginate(Pagination::new(0, 5)),
        )
        .await?;
    match cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", "wrong-password")))
        .await
    {
        Err(error) if error.status() == Some(401) => {} // "Invalid password"
        other => panic!("expected a 401, got {other:?}"),
    }
    // --- end ---

    assert_eq!(me.avatar.as_deref(), Some(file.uid.as_str()));
    assert!(avatar_url.contains(&file.uid));
    assert_eq!(page.items.len(), 1);
    Ok(())
}
