//! The store as `--data-dir` keeps it: every record in a serde form of its own, so the
//! file format changes only when its version does, whatever happens to the in-memory
//! types. What can be derived (the login, email, token and uid indexes) is not written
//! but rebuilt on load; the id counters are written, so ids are never reused after a
//! restart. Times are microseconds since the Unix epoch: the virtual clock reaches the
//! year 9000, beyond what nanoseconds in an `i64` can hold.

use std::borrow::Cow;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Blob, Email, Identity, PasswordHash, SESSION_ID_BASE, Session, Store, User};

/// Everything a restart must bring back, blob bytes excepted (they live in files of their
/// own, named in [`BlobRecord::data_file`]).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSnapshot {
    last_user_id: i64,
    last_session_id: i64,
    last_blob_id: i64,
    users: Vec<UserRecord>,
    sessions: Vec<SessionRecord>,
    pub blobs: Vec<BlobRecord>,
    outbox: Vec<Email>,
    identities: Vec<Identity>,
    /// (provider, uid, user id): the user an external identity signs in as.
    identity_users: Vec<(String, String, i64)>,
    /// (timestamp, nonce, first seen): signed requests already served, so a restart does
    /// not reopen a replay window.
    used_nonces: Vec<(i64, String, i64)>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserRecord {
    id: i64,
    object_id: String,
    login: Option<String>,
    email: Option<String>,
    full_name: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    custom_data: Option<String>,
    tags: Vec<String>,
    avatar: Option<String>,
    blob_id: Option<i64>,
    external_id: Option<String>,
    external_user_id: Option<i64>,
    facebook_id: Option<String>,
    twitter_id: Option<String>,
    timezone: Option<i64>,
    is_guest: Option<bool>,
    created_at: i64,
    updated_at: i64,
    last_request_at: Option<i64>,
    /// Salt and salted SHA-1, hex: the password itself is never stored.
    password: Option<(String, String)>,
    expires_at: Option<i64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionRecord {
    id: i64,
    token: String,
    user_id: Option<i64>,
    nonce: i64,
    ts: i64,
    created_at: i64,
    updated_at: i64,
    expires_at: i64,
    guest: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlobRecord {
    pub id: i64,
    uid: String,
    content_type: String,
    name: String,
    public: bool,
    owner: i64,
    size: Option<i64>,
    completed: bool,
    created_at: i64,
    updated_at: i64,
    /// The file under `blobs/` holding the uploaded bytes; none before the upload.
    pub data_file: Option<String>,
    /// The bytes while a snapshot is being written; read back from `data_file` on load.
    #[serde(skip)]
    pub data: Option<Bytes>,
}

fn micros(at: OffsetDateTime) -> i64 {
    // Within the clock's range (1970..9000) this fits an i64 with room to spare.
    i64::try_from(at.unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX)
}

fn from_micros(micros: i64, what: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000)
        .map_err(|_| format!("{what} is out of range: {micros}"))
}

fn from_micros_opt(micros: Option<i64>, what: &str) -> Result<Option<OffsetDateTime>, String> {
    micros.map(|m| from_micros(m, what)).transpose()
}

impl Store {
    /// A copy of everything to persist, taken under the store's lock; blob bytes are
    /// shared, not copied.
    pub fn snapshot(&self) -> StoreSnapshot {
        let mut users: Vec<UserRecord> = self.users.values().map(UserRecord::of).collect();
        users.sort_unstable_by_key(|u| u.id);
        let mut sessions: Vec<SessionRecord> = self.sessions.values().map(SessionRecord::of).collect();
        sessions.sort_unstable_by_key(|s| s.id);
        let mut blobs: Vec<BlobRecord> = self.blobs.values().map(BlobRecord::of).collect();
        blobs.sort_unstable_by_key(|b| b.id);
        StoreSnapshot {
            last_user_id: self.last_user_id,
            last_session_id: self.last_session_id,
            last_blob_id: self.last_blob_id,
            users,
            sessions,
            blobs,
            outbox: self.outbox.clone(),
            identities: self.identities.values().cloned().collect(),
            identity_users: self
                .identity_users
                .iter()
                .map(|((provider, uid), user)| (provider.clone(), uid.clone(), *user))
                .collect(),
            used_nonces: self
                .used_nonces
                .iter()
                .map(|((ts, nonce), at)| (*ts, nonce.clone(), micros(*at)))
                .collect(),
        }
    }

    /// The store a snapshot describes, its indexes rebuilt. Blob bytes must already be in
    /// the records' `data` (`data_file` read by the caller). An inconsistent snapshot (a
    /// duplicate id, login or email, an unreadable time) is an error naming the record.
    pub fn restore(snapshot: StoreSnapshot) -> Result<Self, String> {
        let mut store = Store {
            last_user_id: snapshot.last_user_id,
            last_session_id: snapshot.last_session_id,
            last_blob_id: snapshot.last_blob_id,
            outbox: snapshot.outbox,
            ..Store::default()
        };
        for record in snapshot.users {
            let user = record.into_user()?;
            if store.users.contains_key(&user.id) {
                return Err(format!("user {} appears twice", user.id));
            }
            store
                .check_unique(&user)
                .map_err(|_| format!("user {} shares a login or email with another", user.id))?;
            store.last_user_id = store.last_user_id.max(user.id);
            store.index_user(&user);
            store.users.insert(user.id, user);
        }
        for record in snapshot.sessions {
            let session = record.into_session()?;
            store.last_session_id = store.last_session_id.max(session.id - SESSION_ID_BASE);
            if store.session_tokens.insert(session.id, session.token.clone()).is_some() {
                return Err(format!("session {} appears twice", session.id));
            }
            store.sessions.insert(session.token.clone(), session);
        }
        for record in snapshot.blobs {
            let blob = record.into_blob()?;
            store.last_blob_id = store.last_blob_id.max(blob.id);
            if store.blob_ids.insert(blob.uid.clone(), blob.id).is_some() {
                return Err(format!("blob {} appears twice", blob.uid));
            }
            store.blobs.insert(blob.id, blob);
        }
        for identity in snapshot.identities {
            store
                .identities
                .insert((identity.provider.clone(), identity.token.clone()), identity);
        }
        for (provider, uid, user) in snapshot.identity_users {
            store.identity_users.insert((provider, uid), user);
        }
        for (ts, nonce, at) in snapshot.used_nonces {
            store
                .used_nonces
                .insert((ts, nonce), from_micros(at, "a nonce's time")?);
        }
        Ok(store)
    }
}

impl UserRecord {
    fn of(user: &User) -> Self {
        Self {
            id: user.id,
            object_id: user.object_id.clone(),
            login: user.login.clone(),
            email: user.email.clone(),
            full_name: user.full_name.clone(),
            phone: user.phone.clone(),
            website: user.website.clone(),
            custom_data: user.custom_data.clone(),
            tags: user.tags.clone(),
            avatar: user.avatar.clone(),
            blob_id: user.blob_id,
            external_id: user.external_id.clone(),
            external_user_id: user.external_user_id,
            facebook_id: user.facebook_id.clone(),
            twitter_id: user.twitter_id.clone(),
            timezone: user.timezone,
            is_guest: user.is_guest,
            created_at: micros(user.created_at),
            updated_at: micros(user.updated_at),
            last_request_at: user.last_request_at.map(micros),
            password: user
                .password
                .as_ref()
                .map(|p| (hex::encode(p.salt), hex::encode(p.digest))),
            expires_at: user.expires_at.map(micros),
        }
    }

    fn into_user(self) -> Result<User, String> {
        let what = |field: &str| format!("user {}'s {field}", self.id);
        let password = match &self.password {
            None => None,
            Some((salt, digest)) => Some(PasswordHash {
                salt: decode_hex(salt).ok_or_else(|| format!("{} is not 16 hex bytes", what("password salt")))?,
                digest: decode_hex(digest).ok_or_else(|| format!("{} is not 20 hex bytes", what("password hash")))?,
            }),
        };
        Ok(User {
            created_at: from_micros(self.created_at, &what("created_at"))?,
            updated_at: from_micros(self.updated_at, &what("updated_at"))?,
            last_request_at: from_micros_opt(self.last_request_at, &what("last_request_at"))?,
            expires_at: from_micros_opt(self.expires_at, &what("expires_at"))?,
            password,
            id: self.id,
            object_id: self.object_id,
            login: self.login,
            email: self.email,
            full_name: self.full_name,
            phone: self.phone,
            website: self.website,
            custom_data: self.custom_data,
            tags: self.tags,
            avatar: self.avatar,
            blob_id: self.blob_id,
            external_id: self.external_id,
            external_user_id: self.external_user_id,
            facebook_id: self.facebook_id,
            twitter_id: self.twitter_id,
            timezone: self.timezone,
            is_guest: self.is_guest,
        })
    }
}

fn decode_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    hex::decode(text).ok()?.try_into().ok()
}

impl SessionRecord {
    fn of(session: &Session) -> Self {
        Self {
            id: session.id,
            token: session.token.clone(),
            user_id: session.user_id,
            nonce: session.nonce,
            ts: session.ts,
            created_at: micros(session.created_at),
            updated_at: micros(session.updated_at),
            expires_at: micros(session.expires_at),
            guest: session.guest,
        }
    }

    fn into_session(self) -> Result<Session, String> {
        let what = |field: &str| format!("session {}'s {field}", self.id);
        Ok(Session {
            created_at: from_micros(self.created_at, &what("created_at"))?,
            updated_at: from_micros(self.updated_at, &what("updated_at"))?,
            expires_at: from_micros(self.expires_at, &what("expires_at"))?,
            id: self.id,
            token: self.token,
            user_id: self.user_id,
            nonce: self.nonce,
            ts: self.ts,
            guest: self.guest,
        })
    }
}

impl BlobRecord {
    fn of(blob: &Blob) -> Self {
        Self {
            id: blob.id,
            uid: blob.uid.clone(),
            content_type: blob.content_type.clone(),
            name: blob.name.clone(),
            public: blob.public,
            owner: blob.owner,
            size: blob.size,
            completed: blob.completed,
            created_at: micros(blob.created_at),
            updated_at: micros(blob.updated_at),
            data_file: None,
            data: blob.data.clone(),
        }
    }

    fn into_blob(self) -> Result<Blob, String> {
        let what = |field: &str| format!("blob {}'s {field}", self.id);
        if self.data_file.is_some() != self.data.is_some() {
            return Err(format!("{} was not read", what("data file")));
        }
        Ok(Blob {
            created_at: from_micros(self.created_at, &what("created_at"))?,
            updated_at: from_micros(self.updated_at, &what("updated_at"))?,
            id: self.id,
            uid: self.uid,
            content_type: self.content_type,
            name: self.name,
            public: self.public,
            owner: self.owner,
            size: self.size,
            data: self.data,
            completed: self.completed,
        })
    }
}

// `Email` is written as it is shown by `GET /__emulator/outbox`; reading it back needs
// an owned subject.
impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Stored {
            to: String,
            at: String,
            subject: String,
            user_id: i64,
        }
        let stored = Stored::deserialize(deserializer)?;
        Ok(Email {
            to: stored.to,
            at: stored.at,
            subject: Cow::Owned(stored.subject),
            user_id: stored.user_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    fn user(login: &str, email: &str, now: OffsetDateTime) -> User {
        let mut user = User::new(now);
        user.login = Some(login.to_owned());
        user.email = Some(email.to_owned());
        user.password = Some(PasswordHash::new("secret-password"));
        user.tags = vec!["a".to_owned(), "b".to_owned()];
        user
    }

    #[test]
    fn a_restored_store_answers_as_the_original_and_keeps_counting_ids() {
        let now = OffsetDateTime::now_utc();
        let mut store = Store::default();
        let alice = store.insert_user(user("alice", "a@x.io", now)).unwrap();
        let bob = store.insert_user(user("bob", "b@x.io", now)).unwrap();
        store.remove_user(bob);
        let token = store.create_session(Some(alice), false, 1, 2, now).token.clone();
        let blob = store
            .create_blob(alice, "a.png".into(), "image/png".into(), true, now)
            .id;
        store.blob_mut(blob).unwrap().data = Some(Bytes::from_static(b"PNG"));
        assert!(store.claim_nonce(5, "n", now));

        let json = serde_json::to_string(&store.snapshot()).unwrap();
        assert!(!json.contains("secret-password"), "{json}");
        let mut snapshot: StoreSnapshot = serde_json::from_str(&json).unwrap();
        for blob in &mut snapshot.blobs {
            // The persister reads the bytes back from the file it wrote them to.
            blob.data_file = Some("f".into());
            blob.data = Some(Bytes::from_static(b"PNG"));
        }
        let mut restored = Store::restore(snapshot).unwrap();

        let found = restored.user_by_login("ALICE", now).unwrap();
        assert_eq!(found.id, alice);
        assert!(found.password.as_ref().unwrap().matches("secret-password"));
        assert_eq!(found.tags, ["a", "b"]);
        assert_eq!(restored.user_by_email("a@x.io", now).unwrap().id, alice);
        assert_eq!(
            restored
                .use_session(&token, now + Duration::minutes(1))
                .unwrap()
                .user_id,
            Some(alice)
        );
        assert_eq!(restored.blob(blob).unwrap().data.as_deref(), Some(&b"PNG"[..]));
        assert!(!restored.claim_nonce(5, "n", now), "a used nonce stays used");
        // Bob's id 2 was used and deleted: the next user is 3, not 2.
        assert_eq!(restored.insert_user(user("carol", "c@x.io", now)).unwrap(), 3);
    }

    #[test]
    fn an_inconsistent_snapshot_is_an_error_naming_the_record() {
        let now = OffsetDateTime::now_utc();
        let mut store = Store::default();
        store.insert_user(user("alice", "a@x.io", now)).unwrap();
        let mut json = serde_json::to_value(store.snapshot()).unwrap();
        let copy = json["users"][0].clone();
        json["users"].as_array_mut().unwrap().push(copy);
        let snapshot: StoreSnapshot = serde_json::from_value(json).unwrap();
        let error = Store::restore(snapshot).err().unwrap();
        assert_eq!(error, "user 1 appears twice");
    }
}
