//! The exports that cannot throw (`isActiveSessionValid()`, `activeSession`, `getToken()`,
//! `saveActiveSession(session:)`, `setToken(token:)`, the URL helpers…) must not panic on
//! any input: a panic there reaches Swift as `try!` on an internal error, a crash. These
//! properties feed them whatever an app could pass or have saved.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing, with its message")]

use proptest::prelude::*;

use crate::describe::without_userinfo;
use crate::ffi_suite::config;
use crate::records::{epoch_millis, from_epoch_millis};
use crate::{
    ConnectyCube, ConnectycubeSession, ConnectycubeSessionManager, get_private_url_for_uid, get_public_url_for_uid,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_epoch_millis_converts_without_panic(millis in any::<i64>()) {
        let at = from_epoch_millis(millis);
        let back = epoch_millis(at);
        // Within the dates the SDK holds the round trip is exact; past them it saturates.
        if (-377_705_116_800_000..=253_402_300_799_000).contains(&millis) {
            prop_assert_eq!(back, millis);
        } else {
            prop_assert_eq!(back.signum(), millis.signum());
        }
    }

    #[test]
    fn a_printed_config_never_shows_userinfo(user in "[a-zA-Z0-9]{1,12}", host in "[a-z]{1,12}(\\.[a-z]{2,5})?", path in "(/[a-z]{0,6}){0,2}") {
        for endpoint in [
            format!("https://{user}:CANARY{user}@{host}{path}"),
            format!("{user}:CANARY{user}@{host}{path}"),
        ] {
            let printed = format!("{:?}", config(&endpoint));
            prop_assert!(!printed.contains("CANARY"), "{}", printed);
            prop_assert!(printed.contains(&host), "{}", printed);
        }
    }
}

/// One test drives the shared instance; it takes its turn with the emulator suite's tests,
/// so nothing else in this process reconfigures it between the steps.
#[test]
fn non_throwing_session_exports_never_panic() {
    let _turn = crate::ffi_suite::TURN.blocking_lock();
    ConnectyCube::new()
        .do_init("1".into(), "29WfrNWdvkhmX6V".into(), Some(config("http://127.0.0.1:9")))
        .unwrap();
    let manager = ConnectycubeSessionManager::new();

    // ±2⁶³ ms and the extremes around the representable dates: never "valid forever".
    for millis in [i64::MAX, i64::MIN, 253_402_300_800_000, -377_705_116_900_000] {
        manager.save_active_session(ConnectycubeSession {
            token: Some("token".into()),
            token_expiration_date: Some(millis),
            ..ConnectycubeSession::default()
        });
        assert!(!manager.is_active_session_valid(), "{millis}");
        assert!(manager.get_token_expiration_date().is_some());
    }

    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(1000));
    let strategy = (
        proptest::option::of("\\PC{0,40}|[\\x00-\\x7f]{0,40}"),
        proptest::option::of(any::<i64>()),
        proptest::option::of(any::<i32>()),
        proptest::option::of("\\PC{0,20}"),
    );
    runner
        .run(&strategy, |(token, expiry, user_id, uid)| {
            manager.save_active_session(ConnectycubeSession {
                token: token.clone(),
                token_expiration_date: expiry,
                user_id,
                ..ConnectycubeSession::default()
            });
            let _ = manager.is_active_session_valid();
            let _ = manager.active_session();
            let _ = manager.get_token();
            let _ = manager.get_token_expiration_date();
            let _ = get_private_url_for_uid(uid.clone());
            let _ = get_public_url_for_uid(uid);
            if let Some(token) = token {
                manager.set_token(token);
                let _ = manager.is_active_session_valid();
                let _ = manager.active_session();
            }
            manager.delete_active_session();
            prop_assert!(!manager.is_active_session_valid());
            Ok(())
        })
        .unwrap();
}

#[test]
fn userinfo_is_cut_from_printed_endpoints() {
    assert_eq!(
        without_userinfo("https://u:p@h.example/x?y"),
        "https://<redacted>@h.example/x?y"
    );
    assert_eq!(without_userinfo("u:p@h.example"), "<redacted>@h.example");
    assert_eq!(without_userinfo("https://h.example/a@b"), "https://h.example/a@b");
    assert_eq!(
        without_userinfo("https://a@b@h.example"),
        "https://<redacted>@h.example"
    );
}
