//! Requests larger than the server takes end in `RequestTooLarge` with the server's status
//! — not "Parsed Url is not a valid Uri" or "Broken pipe" — against the emulator, which
//! refuses a request target over 8 KiB (414) and a body over 1 MiB (413) as nginx would.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing, with its message")]

mod common;

use common::Harness;
use connectycube::{Credentials, Error, NewUser, UserFields, UserUpdate};

#[tokio::test]
async fn too_many_ids_for_the_servers_url_limit_is_a_414() {
    let h = Harness::start().await;
    let cc = h.client();
    let ids: Vec<u64> = (1_000_000..1_002_000).collect();
    let error = cc.users().get_by_ids(&ids, None, None).await.unwrap_err();
    assert!(
        matches!(error, Error::RequestTooLarge { status: Some(414), .. }),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(414));
    assert!(error.to_string().contains("split the lookup"), "{error}");
    // A smaller lookup on the same client works.
    let few: Vec<u64> = (1..50).collect();
    assert!(cc.users().get_by_ids(&few, None, None).await.is_ok());
}

#[tokio::test]
async fn a_field_larger_than_the_server_takes_is_a_413() {
    let h = Harness::start().await;
    let cc = h.client();
    cc.users()
        .sign_up(NewUser::with_login("big_data", "password1"))
        .await
        .unwrap();
    cc.auth()
        .create_session(Some(Credentials::login("big_data", "password1")))
        .await
        .unwrap();
    let update = UserUpdate {
        fields: UserFields {
            custom_data: Some("x".repeat(10 * 1024 * 1024)),
            ..UserFields::default()
        },
        ..UserUpdate::default()
    };
    let error = cc.users().update(update).await.unwrap_err();
    assert!(
        matches!(error, Error::RequestTooLarge { status: Some(413), .. }),
        "{error:?}"
    );
    assert_eq!(error.code(), "request_too_large");
    // The connection that carried it closed; the next call works.
    assert_eq!(
        cc.users().get_by_login("big_data").await.unwrap().login.as_deref(),
        Some("big_data")
    );
}
