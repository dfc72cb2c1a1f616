//! `ConnectyCube`: the one shared object, as in the official SDKs (`ConnectyCube()` in
//! Swift is the shared instance). Every operation: convert, call `connectycube`, convert.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use connectycube::{Credentials, Pagination, Sorter, Upload, UserFilter, UserOrder, UserSearch, content_type_for};
use parking_lot::{Mutex, RwLock};

use crate::auth_state::{AuthListeners, AuthState, AuthStateKind, AuthStateListener, AuthStateSubscription};
use crate::callbacks::{
    PersistenceAdapter, RestoreAdapter, SessionPersistence, SessionRestoreHandler, UploadProgressListener,
};
use crate::error::{ConnectycubeError, invalid};
use crate::observer::{ObserverRelay, RequestObserver};
use crate::records::{
    ConnectycubeConfig, ConnectycubeFile, ConnectycubeSession, ConnectycubeUser, PagedUsersResult, ParamValue,
    RequestPagination, RequestSorter, credentials_from_user, id64, new_user, param_pairs, user_update,
};

type Result<T> = std::result::Result<T, ConnectycubeError>;
/// The paged lookups' arguments and answer, named so each signature reads on one line.
type Paging = Option<RequestPagination>;
type Sorting = Option<RequestSorter>;
type Paged = Result<PagedUsersResult>;
/// What the session-creating and the (deprecated) signing-in calls answer.
type NewSession = Result<ConnectycubeSession>;
type SignedIn = Result<ConnectycubeUser>;

/// The ConnectyCube SDK. `ConnectyCube()` always returns the same shared instance.
#[derive(uniffi::Object)]
pub struct ConnectyCube {
    client: RwLock<Option<connectycube::ConnectyCube>>,
    persistence: RwLock<Option<Arc<dyn SessionPersistence>>>,
    restore: RwLock<Option<Arc<dyn SessionRestoreHandler>>>,
    auth_listeners: Arc<Mutex<AuthListeners>>,
    request_observer: Arc<ObserverRelay>,
}

static SHARED: OnceLock<Arc<ConnectyCube>> = OnceLock::new();

pub(crate) fn shared() -> Arc<ConnectyCube> {
    SHARED
        .get_or_init(|| {
            Arc::new(ConnectyCube {
                client: RwLock::new(None),
                persistence: RwLock::new(None),
                restore: RwLock::new(None),
                auth_listeners: Arc::new(Mutex::new(AuthListeners::default())),
                request_observer: Arc::default(),
            })
        })
        .clone()
}

impl ConnectyCube {
    pub(crate) fn sdk(&self) -> Result<connectycube::ConnectyCube> {
        self.client.read().clone().ok_or(ConnectycubeError::NotInitialized)
    }

    /// A session for these credentials (`createSession…`).
    async fn open_session(&self, credentials: Credentials) -> NewSession {
        ConnectycubeSession::try_from(self.sdk()?.auth().create_session(Some(credentials)).await?)
    }

    /// These credentials signed in on the current session (`signIn…`).
    async fn sign_in_with(&self, credentials: Credentials) -> SignedIn {
        user(self.sdk()?.auth().sign_in(credentials).await?)
    }

    fn init(
        &self,
        application_id: String,
        authorization_key: String,
        secret: Option<String>,
        config: Option<ConnectycubeConfig>,
    ) -> Result<()> {
        let app_id: u64 = application_id
            .trim()
            .parse()
            .map_err(|_| invalid("applicationId must be the application's number"))?;
        let mut builder = connectycube::ConnectyCube::builder(app_id, authorization_key);
        if let Some(secret) = secret {
            builder = builder.auth_secret(secret);
        }
        if let Some(config) = config {
            if config.api_endpoint.trim().is_empty() || config.chat_endpoint.trim().is_empty() {
                return Err(invalid("'apiEndpoint' and(or) 'chatEndpoint' can not be empty"));
            }
            let max_response_bytes = usize::try_from(config.max_response_bytes)
                .ok()
                .filter(|limit| *limit > 0)
                .ok_or_else(|| invalid("maxResponseBytes must be more than zero"))?;
            builder = builder
                .api_endpoint(config.api_endpoint)
                .retain_credentials(config.retain_credentials)
                .max_response_bytes(max_response_bytes);
            for pem in config.trusted_root_certificates {
                builder = builder.add_root_certificates_pem(pem);
            }
            for pin in config.certificate_pins {
                builder = builder.pin_public_key(pin);
            }
        }
        if let Some(persistence) = self.persistence.read().clone() {
            builder = builder.session_store(Arc::new(PersistenceAdapter(persistence)));
        }
        if let Some(restore) = self.restore.read().clone() {
            builder = builder.session_restore(Arc::new(RestoreAdapter(restore)));
        }
        let client = builder.request_observer(self.request_observer.for_client()).build()?;
        // The client slot, then the listeners: the order `add_auth_state_listener` takes
        // them in, so a listener added meanwhile follows the new client too.
        let mut slot = self.client.write();
        self.auth_listeners.lock().follow(&client);
        *slot = Some(client);
        Ok(())
    }
}

fn user(user: connectycube::User) -> Result<ConnectycubeUser> {
    ConnectycubeUser::try_from(user)
}

fn paged(page: connectycube::Page<connectycube::User>) -> Paged {
    PagedUsersResult::try_from(page)
}

/// The SDK's page and sorter for a lookup, or the argument refused.
fn page_and_sort(pagination: Paging, sorter: Sorting) -> Result<(Option<Pagination>, Option<Sorter>)> {
    Ok((crate::records::pagination(pagination)?, crate::records::sorter(sorter)?))
}

#[uniffi::export(async_runtime = "tokio")]
impl ConnectyCube {
    /// The shared instance.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        shared()
    }

    /// Sets up the SDK for an application: its id and auth key from the admin panel, and
    /// optionally custom endpoints. Call once at start (again to reconfigure).
    #[uniffi::method(default(connectycube_config = None))]
    pub fn do_init(
        &self,
        application_id: String,
        authorization_key: String,
        connectycube_config: Option<ConnectycubeConfig>,
    ) -> Result<()> {
        self.init(application_id, authorization_key, None, connectycube_config)
    }

    /// As `doInit`, with the auth secret: sessions are then signed (the legacy scheme).
    #[uniffi::method(default(connectycube_config = None))]
    pub fn do_init_with_secret(
        &self,
        application_id: String,
        authorization_key: String,
        authorization_secret: String,
        connectycube_config: Option<ConnectycubeConfig>,
    ) -> Result<()> {
        self.init(
            application_id,
            authorization_key,
            Some(authorization_secret),
            connectycube_config,
        )
    }

    /// Persists the session across restarts. Takes effect at the next `doInit`.
    pub fn set_session_persistence(&self, persistence: Option<Arc<dyn SessionPersistence>>) {
        *self.persistence.write() = persistence;
    }

    /// Renews an expired user session. Takes effect at the next `doInit`.
    pub fn set_session_restore_handler(&self, handler: Option<Arc<dyn SessionRestoreHandler>>) {
        *self.restore.write() = handler;
    }

    // ---- who is signed in

    /// Who is signed in now (no network call); `NoSession` before `doInit`.
    pub fn auth_state(&self) -> AuthState {
        match self.client.read().as_ref() {
            Some(client) => AuthState::from(client.auth().state()),
            None => AuthState {
                kind: AuthStateKind::NoSession,
                user_id: None,
                reason: crate::auth_state::AuthChangeReason::Initial,
                error_code: None,
                error_message: None,
            },
        }
    }

    /// Registers a listener of the session's states: it hears the current state first, then
    /// every change once and in order, on a background thread, until the subscription is
    /// cancelled. Added before `doInit`, it starts with the client `doInit` makes.
    pub fn add_auth_state_listener(&self, listener: Arc<dyn AuthStateListener>) -> Arc<AuthStateSubscription> {
        let client = self.client.read();
        let id = self.auth_listeners.lock().add(listener, client.as_ref());
        AuthStateSubscription::new(id, self.auth_listeners.clone())
    }

    /// Sets the one observer of requests (`null`/`nil`/`None` removes it): one event per call
    /// to a route, on a background thread. Set before `doInit`, it hears the client `doInit`
    /// makes; it stays through later `doInit`s.
    pub fn set_request_observer(&self, observer: Option<Arc<dyn RequestObserver>>) {
        self.request_observer.set(observer);
    }

    // ---- sessions

    /// An application session (no `user`), or a user session: login or email + password,
    /// a guest (`isGuest` + `fullName`), or a CIdP token in `login`.
    #[uniffi::method(default(user = None))]
    pub async fn create_session(&self, user: Option<ConnectycubeUser>) -> Result<ConnectycubeSession> {
        let credentials = user.as_ref().map(credentials_from_user).transpose()?;
        ConnectycubeSession::try_from(self.sdk()?.auth().create_session(credentials).await?)
    }

    /// A session signed in with Facebook (`ConnectycubeProvider.FACEBOOK`) or Twitter
    /// (`TWITTER`, with the token secret).
    #[uniffi::method(default(access_token_secret = None))]
    pub async fn create_session_using_social_provider(
        &self,
        social_provider: String,
        access_token: String,
        access_token_secret: Option<String>,
    ) -> Result<ConnectycubeSession> {
        self.open_session(social(&social_provider, access_token, access_token_secret)?)
            .await
    }

    /// A session signed in with a Firebase phone-auth ID token.
    pub async fn create_session_using_firebase_phone(&self, project_id: String, access_token: String) -> NewSession {
        self.open_session(firebase(FirebaseKind::Phone, project_id, access_token))
            .await
    }

    /// A session signed in with a Firebase email (or Google) ID token.
    pub async fn create_session_using_firebase_email(&self, project_id: String, access_token: String) -> NewSession {
        self.open_session(firebase(FirebaseKind::Email, project_id, access_token))
            .await
    }

    /// The session as the server sees it.
    pub async fn get_session(&self) -> Result<ConnectycubeSession> {
        ConnectycubeSession::try_from(self.sdk()?.auth().get_session().await?)
    }

    /// Ends the session on the server and forgets it.
    pub async fn destroy_session(&self) -> Result<()> {
        Ok(self.sdk()?.auth().destroy_session().await?)
    }

    /// Deletes one of the user's sessions by id (another device).
    pub async fn delete_session(&self, session_id: i32) -> Result<()> {
        Ok(self
            .sdk()?
            .auth()
            .delete_session(id64(session_id, "sessionId")?)
            .await?)
    }

    /// Deletes every session of the user but this one.
    pub async fn delete_sessions_except_current(&self) -> Result<()> {
        Ok(self.sdk()?.auth().delete_other_sessions().await?)
    }

    /// Signs a user in on the current session (deprecated upstream: prefer `createSession(user:)`).
    pub async fn sign_in(&self, user: ConnectycubeUser) -> Result<ConnectycubeUser> {
        self.sign_in_with(credentials_from_user(&user)?).await
    }

    /// Signs in with Facebook or Twitter on the current session (deprecated upstream).
    #[uniffi::method(default(access_token_secret = None))]
    pub async fn sign_in_using_social_provider(
        &self,
        social_provider: String,
        access_token: String,
        access_token_secret: Option<String>,
    ) -> Result<ConnectycubeUser> {
        self.sign_in_with(social(&social_provider, access_token, access_token_secret)?)
            .await
    }

    /// Signs in with a Firebase phone token on the current session (deprecated upstream).
    pub async fn sign_in_using_firebase_phone(&self, project_id: String, access_token: String) -> SignedIn {
        self.sign_in_with(firebase(FirebaseKind::Phone, project_id, access_token))
            .await
    }

    /// Signs in with a Firebase email token on the current session (deprecated upstream).
    pub async fn sign_in_using_firebase_email(&self, project_id: String, access_token: String) -> SignedIn {
        self.sign_in_with(firebase(FirebaseKind::Email, project_id, access_token))
            .await
    }

    /// Creates the user, then opens a session as that user (Android's `signUpSignInTask`).
    pub async fn sign_up_and_sign_in(&self, user: ConnectycubeUser) -> Result<ConnectycubeUser> {
        let (created, _session) = self.sdk()?.auth().sign_up_and_sign_in(new_user(&user)?).await?;
        crate::client::user(created)
    }

    /// Signs the user out; the session continues as an application session (deprecated
    /// upstream: prefer `destroySession`).
    pub async fn sign_out(&self) -> Result<()> {
        Ok(self.sdk()?.auth().sign_out().await?)
    }

    // ---- users

    /// Creates a user (login or email + password required), with or without a session.
    pub async fn sign_up(&self, user: ConnectycubeUser) -> Result<ConnectycubeUser> {
        crate::client::user(self.sdk()?.users().sign_up(new_user(&user)?).await?)
    }

    /// Updates the signed-in user; a password change needs `password` and `oldPassword`.
    pub async fn update_user(&self, user: ConnectycubeUser) -> Result<ConnectycubeUser> {
        crate::client::user(self.sdk()?.users().update(user_update(&user)?).await?)
    }

    /// Deletes the signed-in user.
    pub async fn delete_user(&self) -> Result<()> {
        Ok(self.sdk()?.users().delete_me().await?)
    }

    /// Deletes the signed-in user, named by external id.
    pub async fn delete_user_by_external_id(&self, external_id: String) -> Result<()> {
        Ok(self.sdk()?.users().delete_by_external_id(&external_id).await?)
    }

    /// Emails password-reset instructions to the address, when it belongs to a user.
    pub async fn reset_password(&self, email: String) -> Result<()> {
        Ok(self.sdk()?.users().reset_password(&email).await?)
    }

    /// The user with this id (`NotFound` when none).
    pub async fn get_user_by_id(&self, id: i32) -> Result<ConnectycubeUser> {
        crate::client::user(self.sdk()?.users().get(id64(id, "id")?).await?)
    }

    /// Users by ids, a page at a time (`pagination`: 0-based page), optionally sorted.
    #[uniffi::method(default(pagination = None, sorter = None))]
    pub async fn get_users_by_ids(&self, ids: Vec<i32>, pagination: Paging, sorter: Sorting) -> Paged {
        let ids = ids.into_iter().map(|id| id64(id, "id")).collect::<Result<Vec<_>>>()?;
        let (page, sort) = page_and_sort(pagination, sorter)?;
        paged(self.sdk()?.users().get_by_ids(&ids, page, sort).await?)
    }

    /// A free v2 search: `["login": "x"]`, `["id[in]": [1, 2]]`, `["full_name[start_with]": "hunt"]`…
    #[uniffi::method(default(pagination = None, sorter = None))]
    pub async fn get_users(&self, params: HashMap<String, ParamValue>, pagination: Paging, sorter: Sorting) -> Paged {
        let mut search = UserSearch::from_query_pairs(&param_pairs(params)?).map_err(|e| invalid(e.to_string()))?;
        let (page, sort) = page_and_sort(pagination, sorter)?;
        if let Some(p) = page {
            search = search.paginate(p);
        }
        if let Some(s) = sort {
            search = search.sort(s);
        }
        paged(self.sdk()?.users().search(search).await?)
    }

    /// Users whose full name starts with `fullName` (at least 4 characters).
    #[uniffi::method(default(pagination = None, sorter = None))]
    pub async fn get_users_by_full_name(&self, full_name: String, pagination: Paging, sorter: Sorting) -> Paged {
        let (page, sort) = page_and_sort(pagination, sorter)?;
        paged(self.sdk()?.users().get_by_full_name(&full_name, page, sort).await?)
    }

    /// Users having any of the tags.
    #[uniffi::method(default(pagination = None, sorter = None))]
    pub async fn get_users_by_tags(&self, tags: Vec<String>, pagination: Paging, sorter: Sorting) -> Paged {
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        let (page, sort) = page_and_sort(pagination, sorter)?;
        paged(self.sdk()?.users().get_by_tags(&tags, page, sort).await?)
    }

    /// The user with this login (`NotFound` when none).
    pub async fn get_user_by_login(&self, login: String) -> Result<ConnectycubeUser> {
        crate::client::user(self.sdk()?.users().get_by_login(&login).await?)
    }

    /// The user with this email (`NotFound` when none).
    pub async fn get_user_by_email(&self, email: String) -> Result<ConnectycubeUser> {
        crate::client::user(self.sdk()?.users().get_by_email(&email).await?)
    }

    /// The user with this phone number (`NotFound` when none).
    pub async fn get_user_by_phone_number(&self, phone: String) -> Result<ConnectycubeUser> {
        crate::client::user(self.sdk()?.users().get_by_phone(&phone).await?)
    }

    /// The user with this external id (`NotFound` when none).
    pub async fn get_user_by_external_id(&self, id: String) -> Result<ConnectycubeUser> {
        crate::client::user(self.sdk()?.users().get_by_external_id(&id).await?)
    }

    /// The user with this Facebook id (`NotFound` when none).
    pub async fn get_user_by_facebook_id(&self, id: String) -> Result<ConnectycubeUser> {
        crate::client::user(self.sdk()?.users().get_by_facebook_id(&id).await?)
    }

    /// The user with this Twitter id (`NotFound` when none).
    pub async fn get_user_by_twitter_id(&self, id: String) -> Result<ConnectycubeUser> {
        crate::client::user(self.sdk()?.users().get_by_twitter_id(&id).await?)
    }

    /// The user with this numeric external id (`GET /users/external/{id}`, the 1.x SDKs'
    /// `user(withExternalID: 3789)`); `NotFound` when none.
    pub async fn get_user_by_external_user_id(&self, id: i64) -> Result<ConnectycubeUser> {
        let id = u64::try_from(id).map_err(|_| invalid("externalUserId must not be negative"))?;
        crate::client::user(self.sdk()?.users().get_by_external_user_id(id).await?)
    }

    /// The deprecated v1 list (`GET /users`), as the 1.x SDKs used it: each filter in its wire
    /// form (`"number id in 1,2"`, `"string login eq bob"`), `order` as `"asc string login"`,
    /// `page` from 1.
    #[uniffi::method(default(filters = [], order = None, page = 1, per_page = 10))]
    pub async fn get_users_v1(&self, filters: Vec<String>, order: Option<String>, page: i32, per_page: i32) -> Paged {
        let filters = filters
            .iter()
            .map(|text| UserFilter::parse(text).map_err(|e| invalid(e.to_string())))
            .collect::<Result<Vec<_>>>()?;
        let order = order
            .as_deref()
            .map(|text| UserOrder::parse(text).map_err(|e| invalid(e.to_string())))
            .transpose()?;
        let page = u32::try_from(page).map_err(|_| invalid("page must not be negative"))?;
        let per_page = u32::try_from(per_page).map_err(|_| invalid("perPage must not be negative"))?;
        #[allow(deprecated, reason = "the 1.x shapes this serves are built on the v1 list")]
        let answer = self
            .sdk()?
            .users()
            .list_v1(&filters, order.as_ref(), page, per_page)
            .await?;
        paged(answer)
    }

    /// Users online now, `limit` (1…100) from `offset`.
    #[uniffi::method(default(limit = 100, offset = 0))]
    pub async fn get_online_users(&self, limit: i32, offset: i32) -> Result<Vec<ConnectycubeUser>> {
        let limit = u32::try_from(limit).map_err(|_| invalid("limit must not be negative"))?;
        let offset = id64(offset, "offset")?;
        let online = self.sdk()?.users().online(limit, offset).await?;
        online.into_iter().map(user).collect()
    }

    /// How many users are online now.
    pub async fn get_online_users_count(&self) -> Result<i32> {
        let count = self.sdk()?.users().online_count().await?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }

    // ---- storage

    /// Uploads a file from disk; `progress` hears percentages.
    #[uniffi::method(default(public = false, progress = None))]
    pub async fn upload_file(
        &self,
        file_path: String,
        public: bool,
        progress: Option<Arc<dyn UploadProgressListener>>,
    ) -> Result<ConnectycubeFile> {
        let sdk = self.sdk()?;
        let upload = Upload::from_path(&file_path).await?.public(public);
        ConnectycubeFile::try_from(sdk.storage().upload(with_progress(upload, progress)).await?)
    }

    /// Uploads bytes held in memory (an image just taken) under `file_name`; without
    /// `content_type` it is guessed from the name's extension.
    #[uniffi::method(default(content_type = None, public = false, progress = None))]
    pub async fn upload_file_data(
        &self,
        data: Vec<u8>,
        file_name: String,
        content_type: Option<String>,
        public: bool,
        progress: Option<Arc<dyn UploadProgressListener>>,
    ) -> Result<ConnectycubeFile> {
        let sdk = self.sdk()?;
        let content_type = match content_type {
            Some(given) if !given.trim().is_empty() => given,
            _ => content_type_for(&file_name).to_owned(),
        };
        let upload = Upload::new(data, file_name, content_type).public(public);
        ConnectycubeFile::try_from(sdk.storage().upload(with_progress(upload, progress)).await?)
    }
}

/// Reports an upload's progress to the listener as whole percentages.
fn with_progress(upload: Upload, progress: Option<Arc<dyn UploadProgressListener>>) -> Upload {
    let Some(listener) = progress else {
        return upload;
    };
    upload.on_progress(move |sent, total| {
        let percent = sent.saturating_mul(100).checked_div(total).unwrap_or(100).min(100);
        if let Err(error) = listener.on_progress(i32::try_from(percent).unwrap_or(100)) {
            crate::callbacks::tracing_warn(&error);
        }
    })
}

#[derive(Clone, Copy)]
enum FirebaseKind {
    Phone,
    Email,
}

/// Firebase credentials: a phone-auth or an email (or Google) ID token of the project.
fn firebase(kind: FirebaseKind, project_id: String, access_token: String) -> Credentials {
    let access_token = access_token.into();
    match kind {
        FirebaseKind::Phone => Credentials::FirebasePhone {
            project_id,
            access_token,
        },
        FirebaseKind::Email => Credentials::FirebaseEmail {
            project_id,
            access_token,
        },
    }
}

fn social(provider: &str, access_token: String, access_token_secret: Option<String>) -> Result<Credentials> {
    match provider {
        "facebook" => Ok(Credentials::Facebook {
            access_token: access_token.into(),
        }),
        "twitter" => Ok(Credentials::Twitter {
            access_token: access_token.into(),
            access_token_secret: access_token_secret
                .ok_or_else(|| invalid("Twitter needs accessTokenSecret"))?
                .into(),
        }),
        other => Err(invalid(format!(
            "socialProvider must be \"facebook\" or \"twitter\", not \"{other}\" (Firebase has its own calls)"
        ))),
    }
}

/// `{api}/blobs/{uid}?token=…`: a private file, readable with the current session; nothing
/// without a live session or an initialised SDK.
#[uniffi::export]
pub fn get_private_url_for_uid(uid: Option<String>) -> Option<String> {
    let sdk = shared().sdk().ok()?;
    sdk.storage().private_url(&uid?).ok()
}

/// `{api}/blobs/{uid}`: a public file.
#[uniffi::export]
pub fn get_public_url_for_uid(uid: Option<String>) -> Option<String> {
    let sdk = shared().sdk().ok()?;
    Some(sdk.storage().public_url(&uid?))
}
