//! The in-memory state of the emulated application: users, sessions, blobs, the
//! identities registered for providers, and the password-reset outbox.
//!
//! Everything sits behind one lock (see `state.rs`): every request holds it for a few
//! microseconds, which keeps concurrent writers consistent (a login is unique, a
//! session belongs to one user) without a second ordering to reason about.

use std::borrow::Cow;
use std::collections::HashMap;

use bytes::Bytes;
use rand::{Rng, RngCore};
use serde::Serialize;
use sha1::{Digest, Sha1};
use time::{Duration, OffsetDateTime};

use crate::error::ApiError;
use crate::timefmt::{iso_millis, iso_seconds};

// The store as `--data-dir` writes it and reads it back.
pub mod snapshot;

pub const SESSION_TTL: Duration = Duration::hours(2);
pub const GUEST_SESSION_TTL: Duration = Duration::days(1);
/// A used (timestamp, nonce) pair is remembered this long; older timestamps are refused anyway.
/// Session ids look like the real service's large integers, apart from user ids: this plus
/// a counter.
pub const SESSION_ID_BASE: i64 = 800_000_000;
const NONCE_MEMORY: Duration = Duration::minutes(130);
const SWEEP_EVERY: Duration = Duration::seconds(60);

/// A stored password: salted SHA-1, so that no plain password sits in memory dumps or logs.
#[derive(Clone)]
pub struct PasswordHash {
    salt: [u8; 16],
    digest: [u8; 20],
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

impl PasswordHash {
    pub fn new(password: &str) -> Self {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        Self {
            salt,
            digest: Self::digest(&salt, password),
        }
    }

    pub fn matches(&self, password: &str) -> bool {
        Self::digest(&self.salt, password) == self.digest
    }

    fn digest(salt: &[u8; 16], password: &str) -> [u8; 20] {
        let mut hasher = Sha1::new();
        hasher.update(salt);
        hasher.update(password.as_bytes());
        hasher.finalize().into()
    }
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: i64,
    pub object_id: String,
    pub login: Option<String>,
    pub email: Option<String>,
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub custom_data: Option<String>,
    pub tags: Vec<String>,
    pub avatar: Option<String>,
    pub blob_id: Option<i64>,
    pub external_id: Option<String>,
    pub external_user_id: Option<i64>,
    pub facebook_id: Option<String>,
    pub twitter_id: Option<String>,
    pub timezone: Option<i64>,
    pub is_guest: Option<bool>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub last_request_at: Option<OffsetDateTime>,
    pub password: Option<PasswordHash>,
    /// Guest users are removed when their one-day session ends.
    pub expires_at: Option<OffsetDateTime>,
}

impl User {
    pub fn new(now: OffsetDateTime) -> Self {
        let mut object_id = [0u8; 12];
        rand::rng().fill_bytes(&mut object_id);
        Self {
            id: 0,
            object_id: hex::encode(object_id),
            login: None,
            email: None,
            full_name: None,
            phone: None,
            website: None,
            custom_data: None,
            tags: Vec::new(),
            avatar: None,
            blob_id: None,
            external_id: None,
            external_user_id: None,
            facebook_id: None,
            twitter_id: None,
            timezone: None,
            is_guest: None,
            created_at: now,
            updated_at: now,
            last_request_at: None,
            password: None,
            expires_at: None,
        }
    }

    pub fn alive(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_none_or(|t| t > now)
    }

    pub fn view(&self) -> UserView<'_> {
        UserView {
            object_id: &self.object_id,
            id: self.id,
            created_at: iso_seconds(self.created_at),
            updated_at: iso_seconds(self.updated_at),
            login: self.login.as_deref(),
            full_name: self.full_name.as_deref(),
            last_request_at: self.last_request_at.map(iso_seconds),
            timezone: self.timezone,
            email: self.email.as_deref(),
            phone: self.phone.as_deref(),
            website: self.website.as_deref(),
            twitter_id: self.twitter_id.as_deref(),
            external_user_id: self.external_user_id,
            facebook_id: self.facebook_id.as_deref(),
            custom_data: self.custom_data.as_deref(),
            user_tags: (!self.tags.is_empty()).then(|| self.tags.join(",")),
            avatar: self.avatar.as_deref(),
            blob_id: self.blob_id,
            external_id: self.external_id.as_deref(),
            is_guest: self.is_guest,
        }
    }
}

/// A user as the service writes it: every documented field, nulls included, in the
/// key order of real responses; tags as one comma-separated string.
#[derive(Serialize)]
pub struct UserView<'a> {
    #[serde(rename = "_id")]
    object_id: &'a str,
    id: i64,
    created_at: String,
    updated_at: String,
    login: Option<&'a str>,
    full_name: Option<&'a str>,
    last_request_at: Option<String>,
    timezone: Option<i64>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    website: Option<&'a str>,
    twitter_id: Option<&'a str>,
    external_user_id: Option<i64>,
    facebook_id: Option<&'a str>,
    custom_data: Option<&'a str>,
    user_tags: Option<String>,
    avatar: Option<&'a str>,
    blob_id: Option<i64>,
    external_id: Option<&'a str>,
    is_guest: Option<bool>,
}

#[derive(Clone)]
pub struct Session {
    pub id: i64,
    pub token: String,
    pub user_id: Option<i64>,
    pub nonce: i64,
    pub ts: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// Guest sessions last one day from creation and do not slide.
    pub guest: bool,
}

#[derive(Serialize)]
pub struct SessionView<'a> {
    created_at: String,
    updated_at: String,
    application_id: u64,
    token: &'a str,
    nonce: i64,
    ts: i64,
    user_id: Option<i64>,
    id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<UserView<'a>>,
}

impl Session {
    pub fn view<'a>(&'a self, application_id: u64, user: Option<&'a User>) -> SessionView<'a> {
        SessionView {
            created_at: iso_millis(self.created_at),
            updated_at: iso_millis(self.updated_at),
            application_id,
            token: &self.token,
            nonce: self.nonce,
            ts: self.ts,
            user_id: self.user_id,
            id: self.id,
            user: user.map(User::view),
        }
    }
}

pub struct Blob {
    pub id: i64,
    pub uid: String,
    pub content_type: String,
    pub name: String,
    pub public: bool,
    pub owner: i64,
    pub size: Option<i64>,
    pub data: Option<Bytes>,
    pub completed: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Serialize)]
pub struct BlobView<'a> {
    id: i64,
    uid: &'a str,
    content_type: &'a str,
    name: &'a str,
    size: Option<i64>,
    created_at: String,
    updated_at: String,
    public: bool,
    blob_status: Option<&'static str>,
}

impl Blob {
    pub fn view(&self) -> BlobView<'_> {
        BlobView {
            id: self.id,
            uid: &self.uid,
            content_type: &self.content_type,
            name: &self.name,
            size: self.size,
            created_at: iso_seconds(self.created_at),
            updated_at: iso_seconds(self.updated_at),
            public: self.public,
            blob_status: self.completed.then_some("complete"),
        }
    }
}

/// An external identity registered through `POST /__emulator/identities`.
#[derive(Clone, serde::Deserialize, Serialize)]
pub struct Identity {
    pub provider: String,
    pub token: String,
    pub uid: String,
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub project_id: Option<String>,
    /// Twitter also sends a secret; when registered, it must match.
    pub secret: Option<String>,
}

/// The provider's token and the Twitter secret are credentials: never printed.
impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("provider", &self.provider)
            .field("token", &"<redacted>")
            .field("uid", &self.uid)
            .field("full_name", &self.full_name)
            .field("phone", &self.phone)
            .field("email", &self.email)
            .field("project_id", &self.project_id)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A password-reset email "sent" by the emulator.
#[derive(Clone, Serialize)]
pub struct Email {
    pub to: String,
    pub at: String,
    pub subject: Cow<'static, str>,
    pub user_id: i64,
}

#[derive(Default)]
pub struct Store {
    users: HashMap<i64, User>,
    by_login: HashMap<String, i64>,
    by_email: HashMap<String, i64>,
    last_user_id: i64,
    sessions: HashMap<String, Session>,
    session_tokens: HashMap<i64, String>,
    last_session_id: i64,
    blobs: HashMap<i64, Blob>,
    blob_ids: HashMap<String, i64>,
    last_blob_id: i64,
    used_nonces: HashMap<(i64, String), OffsetDateTime>,
    pub outbox: Vec<Email>,
    pub identities: HashMap<(String, String), Identity>,
    /// (provider, uid) → the user that identity signs in as.
    identity_users: HashMap<(String, String), i64>,
    next_sweep: Option<OffsetDateTime>,
}

fn index_key(text: &str) -> String {
    text.to_lowercase()
}

impl Store {
    /// Drops expired sessions, expired guest users and stale nonces, at most once a minute
    /// of emulated time, so memory stays bounded however long the emulator runs.
    pub fn sweep_if_due(&mut self, now: OffsetDateTime) {
        if self.next_sweep.is_some_and(|t| t > now) {
            return;
        }
        self.next_sweep = Some(now + SWEEP_EVERY);
        let expired: Vec<i64> = self
            .sessions
            .values()
            .filter(|s| s.expires_at <= now)
            .map(|s| s.id)
            .collect();
        for id in expired {
            self.remove_session(id);
        }
        let dead: Vec<i64> = self.users.values().filter(|u| !u.alive(now)).map(|u| u.id).collect();
        for id in dead {
            self.remove_user(id);
        }
        self.used_nonces.retain(|_, at| *at + NONCE_MEMORY > now);
    }

    // ---- users ----

    pub fn user(&self, id: i64, now: OffsetDateTime) -> Option<&User> {
        self.users.get(&id).filter(|u| u.alive(now))
    }

    /// Live users in id order (the default order of every list).
    pub fn users(&self, now: OffsetDateTime) -> Vec<&User> {
        let mut users: Vec<&User> = self.users.values().filter(|u| u.alive(now)).collect();
        users.sort_unstable_by_key(|u| u.id);
        users
    }

    pub fn user_by_login(&self, login: &str, now: OffsetDateTime) -> Option<&User> {
        self.by_login.get(&index_key(login)).and_then(|id| self.user(*id, now))
    }

    pub fn user_by_email(&self, email: &str, now: OffsetDateTime) -> Option<&User> {
        self.by_email.get(&index_key(email)).and_then(|id| self.user(*id, now))
    }

    /// Login and email are unique, compared without case.
    pub fn check_unique(&self, user: &User) -> Result<(), ApiError> {
        let taken = |index: &HashMap<String, i64>, value: &Option<String>| {
            value
                .as_deref()
                .and_then(|v| index.get(&index_key(v)))
                .is_some_and(|owner| *owner != user.id)
        };
        if taken(&self.by_login, &user.login) {
            return Err(ApiError::invalid("base", "login must be unique"));
        }
        if taken(&self.by_email, &user.email) {
            return Err(ApiError::invalid("base", "email must be unique"));
        }
        Ok(())
    }

    pub fn insert_user(&mut self, mut user: User) -> Result<i64, ApiError> {
        self.check_unique(&user)?;
        self.last_user_id += 1;
        user.id = self.last_user_id;
        self.index_user(&user);
        let id = user.id;
        self.users.insert(id, user);
        Ok(id)
    }

    /// Replaces a stored user with an edited copy, keeping the indexes true.
    pub fn replace_user(&mut self, user: User) -> Result<(), ApiError> {
        self.check_unique(&user)?;
        if let Some(old) = self.users.remove(&user.id) {
            self.unindex_user(&old);
        }
        self.index_user(&user);
        self.users.insert(user.id, user);
        Ok(())
    }

    fn index_user(&mut self, user: &User) {
        if let Some(login) = &user.login {
            self.by_login.insert(index_key(login), user.id);
        }
        if let Some(email) = &user.email {
            self.by_email.insert(index_key(email), user.id);
        }
    }

    fn unindex_user(&mut self, user: &User) {
        if let Some(login) = &user.login {
            self.by_login.remove(&index_key(login));
        }
        if let Some(email) = &user.email {
            self.by_email.remove(&index_key(email));
        }
    }

    /// Removes a user with every session of theirs.
    pub fn remove_user(&mut self, id: i64) -> Option<User> {
        let user = self.users.remove(&id)?;
        self.unindex_user(&user);
        let sessions: Vec<i64> = self
            .sessions
            .values()
            .filter(|s| s.user_id == Some(id))
            .map(|s| s.id)
            .collect();
        for session in sessions {
            self.remove_session(session);
        }
        self.identity_users.retain(|_, user_id| *user_id != id);
        Some(user)
    }

    pub fn touch_user(&mut self, id: i64, now: OffsetDateTime) {
        if let Some(user) = self.users.get_mut(&id) {
            user.last_request_at = Some(now);
        }
    }

    // ---- identities ----

    pub fn identity_user(&self, provider: &str, uid: &str, now: OffsetDateTime) -> Option<&User> {
        let id = self.identity_users.get(&(provider.to_owned(), uid.to_owned()))?;
        self.user(*id, now)
    }

    pub fn link_identity(&mut self, provider: &str, uid: &str, user_id: i64) {
        self.identity_users
            .insert((provider.to_owned(), uid.to_owned()), user_id);
    }

    // ---- sessions ----

    pub fn create_session(
        &mut self,
        user_id: Option<i64>,
        guest: bool,
        nonce: i64,
        ts: i64,
        now: OffsetDateTime,
    ) -> &Session {
        self.last_session_id += 1;
        let id = SESSION_ID_BASE + self.last_session_id;
        let mut raw = [0u8; 18];
        rand::rng().fill_bytes(&mut raw);
        let token = hex::encode_upper(raw);
        let session = Session {
            id,
            token: token.clone(),
            user_id,
            nonce,
            ts,
            created_at: now,
            updated_at: now,
            expires_at: now + if guest { GUEST_SESSION_TTL } else { SESSION_TTL },
            guest,
        };
        self.session_tokens.insert(id, token.clone());
        self.sessions.entry(token).or_insert(session)
    }

    /// The live session of a token, its lifetime extended by this request (sliding 2 h).
    pub fn use_session(&mut self, token: &str, now: OffsetDateTime) -> Result<Session, ApiError> {
        let Some(session) = self.sessions.get_mut(token) else {
            return Err(ApiError::session_missing());
        };
        if session.expires_at <= now {
            let id = session.id;
            self.remove_session(id);
            return Err(ApiError::session_missing());
        }
        if !session.guest {
            session.expires_at = now + SESSION_TTL;
        }
        let session = session.clone();
        if let Some(user_id) = session.user_id {
            self.touch_user(user_id, now);
        }
        Ok(session)
    }

    pub fn session_by_id(&self, id: i64) -> Option<&Session> {
        self.session_tokens.get(&id).and_then(|t| self.sessions.get(t))
    }

    pub fn set_session_user(&mut self, id: i64, user_id: Option<i64>, now: OffsetDateTime) {
        if let Some(session) = self.session_tokens.get(&id).and_then(|t| self.sessions.get_mut(t)) {
            session.user_id = user_id;
            session.updated_at = now;
        }
    }

    pub fn remove_session(&mut self, id: i64) -> Option<Session> {
        let token = self.session_tokens.remove(&id)?;
        self.sessions.remove(&token)
    }

    pub fn sessions_of_user(&self, user_id: i64) -> Vec<i64> {
        self.sessions
            .values()
            .filter(|s| s.user_id == Some(user_id))
            .map(|s| s.id)
            .collect()
    }

    /// Remembers a signed request's (timestamp, nonce); false when the pair was used before.
    pub fn claim_nonce(&mut self, timestamp: i64, nonce: &str, now: OffsetDateTime) -> bool {
        match self.used_nonces.entry((timestamp, nonce.to_owned())) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(now);
                true
            }
        }
    }

    // ---- blobs ----

    pub fn create_blob(
        &mut self,
        owner: i64,
        name: String,
        content_type: String,
        public: bool,
        now: OffsetDateTime,
    ) -> &Blob {
        self.last_blob_id += 1;
        let id = self.last_blob_id;
        let uid = hex::encode(rand::rng().random::<[u8; 16]>());
        self.blob_ids.insert(uid.clone(), id);
        self.blobs.entry(id).or_insert(Blob {
            id,
            uid,
            content_type,
            name,
            public,
            owner,
            size: None,
            data: None,
            completed: false,
            created_at: now,
            updated_at: now,
        })
    }

    pub fn blob(&self, id: i64) -> Option<&Blob> {
        self.blobs.get(&id)
    }

    pub fn blob_mut(&mut self, id: i64) -> Option<&mut Blob> {
        self.blobs.get_mut(&id)
    }

    pub fn blob_by_uid(&self, uid: &str) -> Option<&Blob> {
        self.blob_ids.get(uid).and_then(|id| self.blobs.get(id))
    }

    pub fn blob_by_uid_mut(&mut self, uid: &str) -> Option<&mut Blob> {
        let id = *self.blob_ids.get(uid)?;
        self.blobs.get_mut(&id)
    }

    pub fn remove_blob(&mut self, id: i64) -> Option<Blob> {
        let blob = self.blobs.remove(&id)?;
        self.blob_ids.remove(&blob.uid);
        Some(blob)
    }
}

/// Read-only walks for the control API's inspection views (`routes/inspect.rs`).
impl Store {
    /// Every session, expired ones not yet swept included, in no particular order.
    pub fn all_sessions(&self) -> impl Iterator<Item = &Session> {
        self.sessions.values()
    }

    /// Every blob, uploaded or not, in no particular order.
    pub fn all_blobs(&self) -> impl Iterator<Item = &Blob> {
        self.blobs.values()
    }

    /// Any user by id, an expired guest included (its sessions may still be listed).
    pub fn any_user(&self, id: i64) -> Option<&User> {
        self.users.get(&id)
    }
}

#[cfg(test)]
mod debug_tests {
    use super::Identity;

    #[test]
    fn an_identity_prints_without_its_token_or_secret() {
        let identity = Identity {
            provider: "twitter".into(),
            token: "canary-token".into(),
            uid: "300400".into(),
            full_name: None,
            phone: None,
            email: None,
            project_id: None,
            secret: Some("canary-secret".into()),
        };
        assert_eq!(
            format!("{identity:?}"),
            "Identity { provider: \"twitter\", token: \"<redacted>\", uid: \"300400\", full_name: None, \
             phone: None, email: None, project_id: None, secret: Some(\"<redacted>\") }"
        );
    }
}
