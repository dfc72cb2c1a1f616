//! Who is signed in, as the stream of states an app drives its UI from (`cc.auth().states()`),
//! against the in-process emulator: the documented sequence of a session's life, the first
//! state of a new subscriber, a saved session restored at start, and many concurrent calls
//! over expiries and renewals.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing")]

mod common;

use std::sync::Arc;

use common::Harness;
use common::users::{PASSWORD, new_user};
use connectycube::{
    AuthChangeReason as Reason, AuthStateKind as Kind, AuthStateStream, ConnectyCube, Credentials, SessionRestore,
    SessionStore, StoredSession, UserFields, UserUpdate,
};
use parking_lot::Mutex;

type Seen = (Kind, Option<u64>, Reason);

/// The states queued so far.
fn drain(stream: &mut AuthStateStream) -> Vec<Seen> {
    std::iter::from_fn(|| stream.try_next())
        .map(|s| (s.kind, s.user_id, s.reason))
        .collect()
}

/// Sign in, expire and renew, change the password, sign out, destroy: each step is one state,
/// and a subscriber sees them all, once, in order.
#[tokio::test(flavor = "multi_thread")]
async fn a_session_life_is_one_sequence_of_states() {
    let h = Harness::start().await;
    let cc = h.client();
    let mut states = cc.auth().states();
    let me = cc
        .users()
        .sign_up(new_user("marvin18", UserFields::default()))
        .await
        .unwrap()
        .id;
    cc.auth()
        .create_session(Some(Credentials::login("marvin18", PASSWORD)))
        .await
        .unwrap();
    // The server's clock passes the expiry; the client learns it from the next answer (401).
    h.advance_clock(2 * 3600 + 1).await;
    cc.users().get(me).await.unwrap();
    cc.users()
        .update(UserUpdate::default().change_password(PASSWORD, "brand-new-pass"))
        .await
        .unwrap();
    cc.auth().sign_out().await.unwrap();
    cc.auth().destroy_session().await.unwrap();

    assert_eq!(
        drain(&mut states),
        [
            (Kind::NoSession, None, Reason::Initial),
            (Kind::SignedIn, Some(me), Reason::SignedIn),
            (Kind::NoSession, None, Reason::Expired),
            (Kind::SignedIn, Some(me), Reason::Renewed),
            (Kind::SignedIn, Some(me), Reason::PasswordChanged),
            (Kind::AppSession, None, Reason::SignedOut),
            (Kind::NoSession, None, Reason::Destroyed),
        ]
    );
    // A new subscriber hears the current state first.
    let mut late = cc.auth().states();
    assert_eq!(drain(&mut late), [(Kind::NoSession, None, Reason::Initial)]);
    assert_eq!(cc.auth().state().kind, Kind::NoSession);
}

/// An application session, a guest, a deleted user, and a renewal that cannot bring the
/// user back (its failure carries the error's code).
#[tokio::test(flavor = "multi_thread")]
async fn app_sessions_guests_deleted_users_and_failed_renewals() {
    let h = Harness::start().await;
    let cc = h.client();
    cc.auth().create_session(None).await.unwrap();
    let mut states = cc.auth().states();
    let guest = cc
        .auth()
        .create_session(Some(Credentials::Guest {
            full_name: Some("Visitor".into()),
        }))
        .await
        .unwrap()
        .user_id;
    cc.users().delete_me().await.unwrap();
    assert_eq!(
        drain(&mut states),
        [
            (Kind::AppSession, None, Reason::Initial),
            (Kind::Guest, guest, Reason::SignedIn),
            (Kind::NoSession, None, Reason::UserDeleted),
        ]
    );

    // The app's restore hook gives up: the expired session cannot come back, and the
    // failed renewal says why.
    let strict = ConnectyCube::builder(1, common::AUTH_KEY)
        .api_endpoint(h.url(""))
        .session_restore(Arc::new(GiveUp))
        .build()
        .unwrap();
    let me = strict
        .users()
        .sign_up(new_user("strict01", UserFields::default()))
        .await
        .unwrap()
        .id;
    strict
        .auth()
        .create_session(Some(Credentials::login("strict01", PASSWORD)))
        .await
        .unwrap();
    let mut states = strict.auth().states();
    h.advance_clock(2 * 3600 + 1).await;
    strict.users().get(me).await.unwrap_err();
    let seen: Vec<_> = std::iter::from_fn(|| states.try_next()).collect();
    let reasons: Vec<Seen> = seen.iter().map(|s| (s.kind, s.user_id, s.reason)).collect();
    assert_eq!(
        reasons,
        [
            (Kind::SignedIn, Some(me), Reason::Initial),
            (Kind::NoSession, None, Reason::Expired),
            (Kind::NoSession, None, Reason::RenewalFailed),
        ]
    );
    let failure = seen[2].failure.as_ref().unwrap();
    assert_eq!(failure.code, "session_expired");
    assert!(!failure.message.is_empty());

    // Renewal turned off: no renewal is tried; the state stays expired.
    let off = ConnectyCube::builder(1, common::AUTH_KEY)
        .api_endpoint(h.url(""))
        .retain_credentials(false)
        .build()
        .unwrap();
    let other = off
        .auth()
        .create_session(Some(Credentials::login("strict01", PASSWORD)))
        .await
        .unwrap()
        .user_id;
    let mut states = off.auth().states();
    h.advance_clock(2 * 3600 + 1).await;
    off.users().get(me).await.unwrap_err();
    assert_eq!(
        drain(&mut states),
        [
            (Kind::SignedIn, other, Reason::Initial),
            (Kind::NoSession, None, Reason::Expired),
        ]
    );
}

struct GiveUp;

#[async_trait::async_trait]
impl SessionRestore for GiveUp {
    async fn restore(&self) -> Option<Credentials> {
        None
    }
}

#[derive(Default)]
struct MemoryStore(Mutex<Option<StoredSession>>);

impl SessionStore for MemoryStore {
    fn load(&self) -> Option<StoredSession> {
        self.0.lock().clone()
    }
    fn save(&self, session: &StoredSession) {
        *self.0.lock() = Some(session.clone());
    }
    fn clear(&self) {
        *self.0.lock() = None;
    }
}

/// A session saved by the app is `Restoring` at start, until the server's first answer
/// confirms it; one already past its expiry starts as no session.
#[tokio::test(flavor = "multi_thread")]
async fn a_saved_session_is_restoring_until_an_answer_confirms_it() {
    let h = Harness::start().await;
    let store = Arc::new(MemoryStore::default());
    let first = ConnectyCube::builder(1, common::AUTH_KEY)
        .api_endpoint(h.url(""))
        .session_store(store.clone())
        .build()
        .unwrap();
    let me = first
        .auth()
        .create_session(Some(Credentials::login("keeper01", PASSWORD)))
        .await
        .unwrap()
        .user_id;

    let restart = || {
        ConnectyCube::builder(1, common::AUTH_KEY)
            .api_endpoint(h.url(""))
            .session_store(store.clone())
            .build()
            .unwrap()
    };
    let second = restart();
    let mut states = second.auth().states();
    assert_eq!(drain(&mut states), [(Kind::Restoring, me, Reason::Initial)]);
    second.users().get(me.unwrap()).await.unwrap();
    assert_eq!(drain(&mut states), [(Kind::SignedIn, me, Reason::Restored)]);

    // Saved long ago: stale from the start.
    let stale = store.load().unwrap();
    store.save(&StoredSession {
        expires_at: Some(time::OffsetDateTime::now_utc() - time::Duration::hours(1)),
        ..stale
    });
    let third = restart();
    assert_eq!(
        drain(&mut third.auth().states()),
        [(Kind::NoSession, None, Reason::Initial)]
    );
}

/// Many calls at once over repeated expiries: every subscriber sees the same states in the
/// same order, each change once, and never an application session in the user's place.
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_calls_over_expiries_give_every_subscriber_the_same_ordered_states() {
    let h = Harness::start().await;
    let cc = h.client();
    let me = cc
        .auth()
        .create_session(Some(Credentials::login("busy0001", PASSWORD)))
        .await
        .unwrap()
        .user_id
        .unwrap();
    let mut first = cc.auth().states();
    let mut second = cc.auth().states();
    for _round in 0..5 {
        h.advance_clock(2 * 3600 + 1).await;
        let calls = (0..200).map(|_| {
            let cc = cc.clone();
            tokio::spawn(async move { cc.users().get(me).await.map(|u| u.id) })
        });
        for call in futures_util::future::join_all(calls).await {
            assert_eq!(call.unwrap().unwrap(), me);
        }
    }
    let seen = drain(&mut first);
    assert_eq!(seen, drain(&mut second), "both subscribers saw the same sequence");
    assert_eq!(seen[0], (Kind::SignedIn, Some(me), Reason::Initial));
    let mut expected = vec![(Kind::SignedIn, Some(me), Reason::Initial)];
    for _ in 0..5 {
        expected.push((Kind::NoSession, None, Reason::Expired));
        expected.push((Kind::SignedIn, Some(me), Reason::Renewed));
    }
    assert_eq!(seen, expected, "one expiry and one renewal per round");
    assert!(
        seen.iter().all(|(kind, _, _)| *kind != Kind::AppSession),
        "never shown as a downgrade"
    );
}
