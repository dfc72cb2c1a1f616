//! The Rust flow shown in the README, as a test against the emulator. Keep the two in step
//! (the Swift and Kotlin flows are `ReadmeFlowTests` and `readmeFlow()` in `bindings/`).
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing, with its message")]

use connectycube::{ConnectyCube, Credentials, Error, NewUser, UserFields, UserUpdate};
use connectycube_emulator::{Emulator, EmulatorConfig};

const APP_ID: u64 = 1;
const AUTH_KEY: &str = "29WfrNWdvkhmX6V";

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_flow() -> Result<(), Error> {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();

    // --- README: Using the SDK from Rust ---
    let cc = ConnectyCube::builder(APP_ID, AUTH_KEY)
        .api_endpoint(emulator.url()) // (not in the README: the default is the real service)
        .retain_credentials(true) // the default: an expired user session signs in again by itself
        .build()?;

    // Sign up (no session needed).
    let mut new_user = NewUser::with_login("marvin18", "supersecurepwd");
    new_user.fields.email = Some("awesomeman@gmail.com".into());
    let created = cc.users().sign_up(new_user).await?;

    // Sign in: a user session.
    let session = cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", "supersecurepwd")))
        .await?;

    // Update the profile.
    let update = UserUpdate {
        fields: UserFields {
            full_name: Some("Marvin Simon".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let updated = cc.users().update(update).await?;

    // Look someone up.
    let found = cc.users().get_by_login("marvin18").await?;

    // Errors are typed.
    match cc
        .auth()
        .create_session(Some(Credentials::login("marvin18", "wrong-password")))
        .await
    {
        Err(error) if error.status() == Some(401) => println!("sign-in refused: {:?}", error.messages()),
        other => panic!("expected a 401, got {other:?}"),
    }
    // --- end ---

    assert_eq!(session.user_id, Some(created.id));
    assert_eq!(updated.full_name.as_deref(), Some("Marvin Simon"));
    assert_eq!(found.id, created.id);
    Ok(())
}
