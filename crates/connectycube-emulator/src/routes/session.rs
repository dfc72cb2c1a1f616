//! `POST /session`, `GET|DELETE /session`, `DELETE /session/{id}`, `DELETE /session/list`,
//! `POST|DELETE /login` (`rest-api.md` §2).

use axum::extract::State;
use hyper::StatusCode;
use rand::Rng;
use serde_json::Value;
use time::OffsetDateTime;

use super::request::{Req, Segment};
use crate::auth;
use crate::error::ApiError;
use crate::params::{Params, scalar_text};
use crate::reply::Reply;
use crate::signature;
use crate::state::{App, AppState};
use crate::store::{GUEST_SESSION_TTL, Identity, PasswordHash, Store, User};
use crate::switches::Switch;
use crate::users_input::{validate_email, validate_login, validate_password};

/// A signed request's timestamp must be this close to the server's clock.
const TIMESTAMP_WINDOW_SECS: u64 = 60 * 60;

/// What a session or login request authenticates with.
enum Credentials {
    /// No user: an application session.
    None,
    Guest {
        full_name: Option<String>,
    },
    Password {
        login: Option<String>,
        email: Option<String>,
        password: Option<String>,
    },
    Provider {
        provider: String,
        token: String,
        secret: Option<String>,
        project_id: Option<String>,
    },
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        other => scalar_text(other).is_some_and(|t| matches!(t.as_str(), "1" | "true")),
    }
}

/// A credential value: absent, null and "" are `None`; objects and arrays are a 422,
/// never silently an application session.
fn text_at(params: &Params, path: &[&str]) -> Result<Option<String>, ApiError> {
    match params.path(path) {
        None => Ok(None),
        Some(value) => match scalar_text(value) {
            Some(text) => Ok(Some(text).filter(|t| !t.is_empty())),
            None => Err(ApiError::invalid(
                path.last().copied().unwrap_or("base"),
                "must be a string",
            )),
        },
    }
}

impl Credentials {
    /// `user_at` is where login/email/password sit: `["user"]` for `POST /session`,
    /// `[]` (top level) for `POST /login`.
    fn read(params: &Params, user_at: Option<&str>) -> Result<Self, ApiError> {
        if let Some(provider) = params.text("provider") {
            let (token, secret, project_id) = match provider.as_str() {
                "facebook" | "twitter" => (
                    text_at(params, &["keys", "token"])?,
                    text_at(params, &["keys", "secret"])?,
                    None,
                ),
                "firebase_phone" | "firebase_email" => (
                    text_at(params, &[&provider, "access_token"])?,
                    None,
                    text_at(params, &[&provider, "project_id"])?,
                ),
                _ => {
                    return Err(ApiError::invalid("provider", format!("'{provider}' is not supported")));
                }
            };
            let token = token.ok_or_else(|| ApiError::invalid("token", "cannot be blank"))?;
            return Ok(Self::Provider {
                provider,
                token,
                secret,
                project_id,
            });
        }
        let field = |name: &str| -> Result<Option<String>, ApiError> {
            match user_at {
                Some(outer) => text_at(params, &[outer, name]),
                None => Ok(text_at(params, &[name])?.or(text_at(params, &["user", name])?)),
            }
        };
        let user = user_at.and_then(|outer| params.get(outer));
        if user.is_some_and(|u| !u.is_object()) {
            return Err(ApiError::invalid("user", "must be an object"));
        }
        if user.and_then(|u| u.get("guest")).is_some_and(truthy) {
            return Ok(Self::Guest {
                full_name: field("full_name")?,
            });
        }
        let (login, email, password) = (field("login")?, field("email")?, field("password")?);
        if login.is_none() && email.is_none() && password.is_none() {
            return Ok(Self::None);
        }
        Ok(Self::Password { login, email, password })
    }
}

fn check_application(app: &AppState, params: &Params) -> Result<(), ApiError> {
    let application_id = params
        .text("application_id")
        .ok_or_else(|| ApiError::invalid("application_id", "cannot be blank"))?;
    let auth_key = params
        .text("auth_key")
        .ok_or_else(|| ApiError::invalid("auth_key", "cannot be blank"))?;
    if application_id.trim() != app.config.app_id.to_string() || auth_key != app.config.auth_key {
        return Err(ApiError::unauthorized());
    }
    Ok(())
}

/// Checks the legacy signature when one is sent (or required), and that the signed
/// (timestamp, nonce) is fresh and unused.
fn check_signature(app: &AppState, store: &mut Store, params: &Params, now: OffsetDateTime) -> Result<(), ApiError> {
    let Some(signature) = params.text("signature") else {
        return if app.switches.get(Switch::RequireSignature) {
            Err(ApiError::unexpected_signature())
        } else {
            Ok(())
        };
    };
    if !signature::verify(&app.config.auth_secret, &signature::string_to_sign(params), &signature) {
        return Err(ApiError::unexpected_signature());
    }
    let timestamp = params
        .text("timestamp")
        .and_then(|t| t.trim().parse::<i64>().ok())
        .ok_or_else(ApiError::invalid_timestamp)?;
    // `abs_diff`: any i64 may arrive, and a subtraction could overflow.
    if timestamp.abs_diff(now.unix_timestamp()) > TIMESTAMP_WINDOW_SECS {
        return Err(ApiError::invalid_timestamp());
    }
    let nonce = params
        .text("nonce")
        .ok_or_else(|| ApiError::invalid("nonce", "cannot be blank"))?;
    if !store.claim_nonce(timestamp, &nonce, now) {
        return Err(ApiError::invalid("nonce", "has already been used with this timestamp"));
    }
    Ok(())
}

/// How a sign-in treats a login it does not know.
#[derive(Clone, Copy, PartialEq)]
enum UnknownLogin {
    /// `POST /session`: create the user on the fly (unless the app denies it).
    Create,
    /// `POST /login`: refuse.
    Refuse,
}

fn sign_in(
    app: &AppState,
    store: &mut Store,
    credentials: Credentials,
    unknown: UnknownLogin,
    now: OffsetDateTime,
) -> Result<Option<i64>, ApiError> {
    match credentials {
        Credentials::None => Ok(None),
        Credentials::Guest { full_name } => {
            let mut user = User::new(now);
            user.login = Some(format!("guest_login_{}", hex::encode(rand::rng().random::<[u8; 10]>())));
            user.full_name = full_name.map(|n| n.trim().to_owned());
            user.phone = Some(String::new());
            user.is_guest = Some(true);
            user.expires_at = Some(now + GUEST_SESSION_TTL);
            store.insert_user(user).map(Some)
        }
        Credentials::Provider {
            provider,
            token,
            secret,
            project_id,
        } => sign_in_identity(store, &provider, &token, secret.as_deref(), project_id.as_deref(), now).map(Some),
        Credentials::Password { login, email, password } => {
            // Custom Identity Provider: the login carries the external token.
            if let Some(token) = &login {
                let registered = store.identities.contains_key(&("custom".to_owned(), token.clone()));
                if registered || app.switches.get(Switch::CustomIdentityProvider) {
                    if password.is_none() {
                        return Err(ApiError::invalid("password", "cannot be blank"));
                    }
                    return sign_in_identity(store, "custom", token, None, None, now).map(Some);
                }
            }
            let password = password.ok_or_else(|| ApiError::invalid("password", "cannot be blank"))?;
            let existing = match (&login, &email) {
                (Some(login), _) => store.user_by_login(login, now),
                (None, Some(email)) => store.user_by_email(email, now),
                (None, None) => return Err(ApiError::invalid("base", "login or email required")),
            };
            if let Some(user) = existing {
                if user.is_guest == Some(true) {
                    return Err(ApiError::unauthorized());
                }
                return match &user.password {
                    Some(hash) if hash.matches(&password) => Ok(Some(user.id)),
                    _ => Err(ApiError::list(StatusCode::UNAUTHORIZED, "Invalid password")),
                };
            }
            if unknown == UnknownLogin::Refuse {
                return Err(ApiError::unauthorized());
            }
            if app.switches.get(Switch::DenySessionWithoutUser) {
                return Err(ApiError::user_not_found());
            }
            let mut user = User::new(now);
            if let Some(login) = login {
                user.login = Some(validate_login(&login)?);
            }
            if let Some(email) = email {
                user.email = Some(validate_email(&email)?);
            }
            user.password = Some(PasswordHash::new(&validate_password(&password)?));
            store.insert_user(user).map(Some)
        }
    }
}

/// Signs in as a registered external identity, creating its user on first use.
fn sign_in_identity(
    store: &mut Store,
    provider: &str,
    token: &str,
    secret: Option<&str>,
    project_id: Option<&str>,
    now: OffsetDateTime,
) -> Result<i64, ApiError> {
    let rejected = || {
        if provider == "custom" {
            ApiError::invalid(
                "base",
                "Custom Identity Provider responded with an error = \"Token invalid\". Status code = 404",
            )
        } else {
            ApiError::unauthorized()
        }
    };
    let identity: Identity = store
        .identities
        .get(&(provider.to_owned(), token.to_owned()))
        .cloned()
        .ok_or_else(rejected)?;
    if identity.secret.as_deref().is_some_and(|s| Some(s) != secret)
        || identity.project_id.as_deref().is_some_and(|p| Some(p) != project_id)
    {
        return Err(rejected());
    }
    if let Some(user) = store.identity_user(provider, &identity.uid, now) {
        return Ok(user.id);
    }
    // Firebase email sign-in reaches the account that already has that address.
    let by_email = identity
        .email
        .as_deref()
        .and_then(|e| store.user_by_email(e, now))
        .map(|u| u.id);
    let user_id = match by_email {
        Some(id) if provider == "firebase_email" => id,
        _ => {
            let mut user = User::new(now);
            user.full_name = identity.full_name.clone();
            user.phone = identity.phone.clone();
            // The address goes on the new account unless another account owns it.
            user.email = identity.email.clone().filter(|_| by_email.is_none());
            match provider {
                "facebook" => user.facebook_id = Some(identity.uid.clone()),
                "twitter" => user.twitter_id = Some(identity.uid.clone()),
                "firebase_phone" if user.phone.is_none() => user.phone = Some(identity.uid.clone()),
                _ => user.external_id = Some(identity.uid.clone()),
            }
            store.insert_user(user)?
        }
    };
    store.link_identity(provider, &identity.uid, user_id);
    Ok(user_id)
}

fn session_reply(
    app: &AppState,
    store: &Store,
    session_id: i64,
    status: StatusCode,
    now: OffsetDateTime,
) -> Result<Reply, ApiError> {
    let session = store.session_by_id(session_id).ok_or_else(ApiError::session_missing)?;
    let user = session.user_id.and_then(|id| store.user(id, now));
    Ok(Reply::wrapped(status, "session", &session.view(app.config.app_id, user)).expires(Some(session.expires_at)))
}

pub async fn create(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let params = &req.params;
    check_application(&app, params)?;
    let credentials = Credentials::read(params, Some("user"))?;
    let mut store = app.store(now);
    check_signature(&app, &mut store, params, now)?;
    let guest = matches!(credentials, Credentials::Guest { .. });
    let user_id = sign_in(&app, &mut store, credentials, UnknownLogin::Create, now)?;
    let nonce = params
        .text("nonce")
        .and_then(|n| n.trim().parse::<i64>().ok())
        .unwrap_or_else(|| rand::rng().random_range(0..i64::from(i32::MAX)));
    let ts = params
        .text("timestamp")
        .and_then(|t| t.trim().parse::<i64>().ok())
        .unwrap_or(now.unix_timestamp());
    let session_id = store.create_session(user_id, guest, nonce, ts, now).id;
    if let Some(id) = user_id {
        store.touch_user(id, now);
    }
    session_reply(&app, &store, session_id, StatusCode::CREATED, now)
}

pub async fn show(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    session_reply(&app, &store, caller.session.id, StatusCode::OK, now)
}

pub async fn destroy(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    store.remove_session(caller.session.id);
    Ok(Reply::empty())
}

/// `DELETE /session/{id}`: one of the caller's own sessions (the current one included).
pub async fn destroy_by_id(State(app): State<App>, Segment(id): Segment, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let not_found = || ApiError::not_found("Session not found");
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let target = store.session_by_id(id).ok_or_else(not_found)?;
    let own = target.id == caller.session.id
        || (caller.session.user_id.is_some() && target.user_id == caller.session.user_id);
    if !own {
        return Err(not_found());
    }
    store.remove_session(id);
    let still_alive = id != caller.session.id;
    Ok(Reply::empty().expires(caller.expires_at().filter(|_| still_alive)))
}

/// `DELETE /session/list`: every session of the user but the current one.
pub async fn destroy_others(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let user_id = caller.user_id()?;
    for id in store.sessions_of_user(user_id) {
        if id != caller.session.id {
            store.remove_session(id);
        }
    }
    Ok(Reply::empty().expires(caller.expires_at()))
}

/// `POST /login`: turns the current session into a user session; the token stays.
pub async fn login(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let credentials = match Credentials::read(&req.params, None)? {
        Credentials::None => return Err(ApiError::invalid("password", "cannot be blank")),
        Credentials::Guest { .. } => {
            return Err(ApiError::invalid(
                "base",
                "guest login is only possible with POST /session",
            ));
        }
        credentials => credentials,
    };
    let user_id =
        sign_in(&app, &mut store, credentials, UnknownLogin::Refuse, now)?.ok_or_else(ApiError::unauthorized)?;
    store.set_session_user(caller.session.id, Some(user_id), now);
    store.touch_user(user_id, now);
    let user = store.user(user_id, now).ok_or_else(ApiError::user_not_found)?;
    Ok(Reply::wrapped(StatusCode::ACCEPTED, "user", &user.view()).expires(caller.expires_at()))
}

/// `DELETE /login`: back to an application session; the token stays.
pub async fn logout(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    store.set_session_user(caller.session.id, None, now);
    Ok(Reply::empty().expires(caller.expires_at()))
}
