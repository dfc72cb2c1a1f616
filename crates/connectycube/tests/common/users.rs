//! Users the integration tests sign up and sign in: a fixed cast with distinct fields for
//! the lookups, and the helpers that make them.

use connectycube::{ConnectyCube, Credentials, NewUser, User, UserFields, UserUpdate};

use super::Harness;

pub const PASSWORD: &str = "supersecurepwd";

pub fn new_user(login: &str, fields: UserFields) -> NewUser {
    NewUser {
        fields: UserFields {
            login: Some(login.into()),
            password: Some(PASSWORD.into()),
            ..fields
        },
    }
}

pub fn full_name(name: &str) -> UserUpdate {
    UserUpdate {
        fields: UserFields {
            full_name: Some(name.into()),
            ..UserFields::default()
        },
        ..UserUpdate::default()
    }
}

pub fn ids(users: &[User]) -> Vec<u64> {
    users.iter().map(|u| u.id).collect()
}

/// A client signed in as a new user `login` (created by `POST /session`).
pub async fn signed_in(h: &Harness, login: &str) -> (ConnectyCube, User) {
    let cc = h.client();
    let session = cc
        .auth()
        .create_session(Some(Credentials::login(login, PASSWORD)))
        .await
        .unwrap();
    (cc, session.user.unwrap())
}

/// Four users with distinct fields, signed up without a session.
pub struct Cast {
    pub alice: User,
    pub bob: User,
    pub carol: User,
    pub dave: User,
}

pub async fn cast(h: &Harness) -> Cast {
    let users = h.client().users();
    let alice = users
        .sign_up(new_user(
            "alice01",
            UserFields {
                email: Some("alice@example.com".into()),
                full_name: Some("Alice Anderson".into()),
                phone: Some("+100001".into()),
                tags: Some(vec!["vip".into(), "sales".into()]),
                external_id: Some("ext-alice".into()),
                facebook_id: Some("fb-alice".into()),
                ..UserFields::default()
            },
        ))
        .await
        .unwrap();
    let bob = users
        .sign_up(new_user(
            "bob0001",
            UserFields {
                email: Some("bob@example.com".into()),
                full_name: Some("Bob Brown".into()),
                phone: Some("+100002".into()),
                tags: Some(vec!["sales".into()]),
                twitter_id: Some("tw-bob".into()),
                ..UserFields::default()
            },
        ))
        .await
        .unwrap();
    let carol = users
        .sign_up(new_user(
            "carol01",
            UserFields {
                full_name: Some("Carol Anders".into()),
                tags: Some(vec!["vip".into()]),
                ..UserFields::default()
            },
        ))
        .await
        .unwrap();
    let dave = users
        .sign_up(new_user(
            "dave001",
            UserFields {
                full_name: Some("Alice Doppelganger".into()),
                ..UserFields::default()
            },
        ))
        .await
        .unwrap();
    Cast {
        alice,
        bob,
        carol,
        dave,
    }
}
