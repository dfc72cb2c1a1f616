//! `/users…` (`rest-api.md` §4): sign-up, update, delete, lookups, searches, password reset.

use axum::extract::State;
use hyper::StatusCode;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::request::{Req, Segment};
use crate::auth::{self, Caller};
use crate::error::ApiError;
use crate::params::{Params, list_items, scalar_text};
use crate::reply::Reply;
use crate::search::{V1Filter, V2Query, apply_v1_order};
use crate::state::App;
use crate::store::{Email, PasswordHash, Store, User, UserView};
use crate::switches::Switch;
use crate::timefmt::iso_seconds;
use crate::users_input::{ProfileInput, user_object, validate_password};
use serde::Serialize;

/// A user counts as online for this long after their last request.
const ONLINE_WINDOW: Duration = Duration::minutes(5);
const V1_DEFAULT_PER_PAGE: usize = 10;
const V1_MAX_PER_PAGE: usize = 100;

fn user_reply(status: StatusCode, user: &User, caller: Option<&Caller>) -> Reply {
    Reply::wrapped(status, "user", &user.view()).expires(caller.and_then(Caller::expires_at))
}

fn required(params: &Params, key: &str) -> Result<String, ApiError> {
    params
        .text(key)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| ApiError::invalid(key, "cannot be blank"))
}

#[derive(Serialize)]
struct WrappedUser<'a> {
    user: UserView<'a>,
}

/// The v1 list envelope; items are wrapped in `{"user":…}`.
#[derive(Serialize)]
struct V1Page<'a> {
    current_page: usize,
    per_page: usize,
    total_entries: usize,
    items: Vec<WrappedUser<'a>>,
}

/// The v2 envelope; items are not wrapped.
#[derive(Serialize)]
struct V2Page<'a> {
    limit: usize,
    skip: usize,
    total_entries: usize,
    items: Vec<UserView<'a>>,
}

/// `POST /users`: with a session, or with only `CB-AuthKey`.
pub async fn sign_up(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    // The user is read, validated and its password hashed before the lock; its errors
    // still come after the caller's (a 401 beats a 422).
    let new_user = read_new_user(&req.params, now);
    let mut store = app.store(now);
    let caller = if auth::token(&req.headers).is_some() {
        Some(auth::caller(&mut store, &req.headers, now)?)
    } else {
        match req.headers.get("cb-authkey").and_then(|v| v.to_str().ok()) {
            Some(key) if key.trim() == app.config.auth_key => None,
            Some(_) => return Err(ApiError::unauthorized()),
            None => return Err(ApiError::token_required()),
        }
    };
    let id = store.insert_user(new_user?)?;
    let user = store.user(id, now).ok_or_else(ApiError::user_not_found)?;
    Ok(user_reply(StatusCode::CREATED, user, caller.as_ref()))
}

fn read_new_user(params: &Params, now: OffsetDateTime) -> Result<User, ApiError> {
    let fields = user_object(params)?;
    let profile = ProfileInput::read(fields)?;
    if !profile.names_the_user() {
        return Err(ApiError::invalid("base", "login or email required"));
    }
    let password = fields.get("password").and_then(scalar_text).filter(|p| !p.is_empty());
    let password = password.ok_or_else(|| ApiError::invalid("password", "cannot be blank"))?;
    let mut user = User::new(now);
    profile.apply(&mut user);
    user.password = Some(PasswordHash::new(&validate_password(&password)?));
    Ok(user)
}

/// The caller's own user, or why `id` is not it (404 unknown, 403 someone else).
fn own_user(store: &Store, caller: &Caller, id: Option<i64>, now: OffsetDateTime) -> Result<i64, ApiError> {
    let me = caller.user_id()?;
    let id = id
        .filter(|id| store.user(*id, now).is_some())
        .ok_or_else(ApiError::user_not_found)?;
    if id != me {
        return Err(ApiError::forbidden("You can change only your own user"));
    }
    Ok(id)
}

/// What `PUT /users/{id}` asks for, read before the lock.
struct UserUpdate {
    profile: ProfileInput,
    /// The new password, hashed (or why it is refused, reported after the old one is
    /// checked), and the old one as sent.
    password: Option<(Result<PasswordHash, ApiError>, Option<String>)>,
}

fn read_update(params: &Params) -> Result<UserUpdate, ApiError> {
    let fields = user_object(params)?;
    let profile = ProfileInput::read(fields)?;
    let password = fields.get("password").and_then(scalar_text).filter(|p| !p.is_empty());
    let password = match password {
        Some(password) => {
            // Dart 2.x sends `oldPassword`; the documented name is `old_password`.
            let old = ["old_password", "oldPassword"]
                .iter()
                .find_map(|k| fields.get(*k).and_then(scalar_text));
            let hashed = validate_password(&password).map(|p| PasswordHash::new(&p));
            Some((hashed, old))
        }
        None => None,
    };
    Ok(UserUpdate { profile, password })
}

pub async fn update(State(app): State<App>, Segment(id): Segment, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let update = read_update(&req.params);
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let id = own_user(&store, &caller, id.parse().ok(), now)?;
    let UserUpdate { profile, password } = update?;
    let mut user = store.user(id, now).ok_or_else(ApiError::user_not_found)?.clone();
    profile.apply(&mut user);
    if let Some((new_password, old)) = password {
        if let Some(current) = &user.password {
            let old = old.ok_or_else(|| ApiError::invalid("old_password", "cannot be blank"))?;
            if !current.matches(&old) {
                return Err(ApiError::invalid("old_password", "is incorrect"));
            }
        }
        user.password = Some(new_password?);
    }
    user.updated_at = now;
    store.replace_user(user)?;
    let user = store.user(id, now).ok_or_else(ApiError::user_not_found)?;
    Ok(user_reply(StatusCode::OK, user, Some(&caller)))
}

pub async fn delete(State(app): State<App>, Segment(id): Segment, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let id = own_user(&store, &caller, id.parse().ok(), now)?;
    store.remove_user(id);
    Ok(Reply::empty())
}

fn by_external(store: &Store, external: &str, now: OffsetDateTime) -> Option<i64> {
    let number: Option<i64> = external.parse().ok();
    store
        .users(now)
        .into_iter()
        .find(|u| u.external_id.as_deref() == Some(external) || (number.is_some() && u.external_user_id == number))
        .map(|u| u.id)
}

pub async fn delete_by_external(
    State(app): State<App>,
    Segment(external): Segment,
    req: Req,
) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let id = by_external(&store, &external, now);
    let id = own_user(&store, &caller, id, now)?;
    store.remove_user(id);
    Ok(Reply::empty())
}

pub async fn show(State(app): State<App>, Segment(id): Segment, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let user = id
        .parse()
        .ok()
        .and_then(|id| store.user(id, now))
        .ok_or_else(ApiError::user_not_found)?;
    Ok(user_reply(StatusCode::OK, user, Some(&caller)))
}

pub async fn show_by_external(State(app): State<App>, Segment(external): Segment, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let id = by_external(&store, &external, now).ok_or_else(ApiError::user_not_found)?;
    let user = store.user(id, now).ok_or_else(ApiError::user_not_found)?;
    Ok(user_reply(StatusCode::OK, user, Some(&caller)))
}

/// A single-user lookup by one query parameter (`/users/by_login?login=…` and friends).
fn lookup(
    app: &App,
    req: &Req,
    param: &str,
    find: impl Fn(&Store, &str, OffsetDateTime) -> Option<i64>,
) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let value = required(&req.params, param)?;
    let user = find(&store, value.trim(), now)
        .and_then(|id| store.user(id, now))
        .ok_or_else(ApiError::user_not_found)?;
    Ok(user_reply(StatusCode::OK, user, Some(&caller)))
}

fn first_where(store: &Store, now: OffsetDateTime, pred: impl Fn(&User) -> bool) -> Option<i64> {
    store.users(now).into_iter().find(|u| pred(u)).map(|u| u.id)
}

pub async fn by_login(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    lookup(&app, &req, "login", |s, v, now| s.user_by_login(v, now).map(|u| u.id))
}

pub async fn by_email(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    lookup(&app, &req, "email", |s, v, now| s.user_by_email(v, now).map(|u| u.id))
}

pub async fn by_facebook_id(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    lookup(&app, &req, "facebook_id", |s, v, now| {
        first_where(s, now, |u| u.facebook_id.as_deref() == Some(v))
    })
}

pub async fn by_twitter_id(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    lookup(&app, &req, "twitter_id", |s, v, now| {
        first_where(s, now, |u| u.twitter_id.as_deref() == Some(v))
    })
}

/// Both `/users/phone` (JS) and `/users/by_phone` (Dart).
pub async fn by_phone(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    lookup(&app, &req, "phone", |s, v, now| {
        first_where(s, now, |u| u.phone.as_deref() == Some(v))
    })
}

/// Pages a v1 list: `page` from 1, `per_page` 1..=100 (default 10).
fn v1_page(params: &Params, users: &[&User], caller: &Caller) -> Result<Reply, ApiError> {
    let number = |key: &str, default: usize| -> Result<usize, ApiError> {
        match params.text(key) {
            None => Ok(default),
            Some(t) => t
                .trim()
                .parse()
                .map_err(|_| ApiError::invalid(key, "must be a positive integer")),
        }
    };
    let page = number("page", 1)?.max(1);
    let per_page = number("per_page", V1_DEFAULT_PER_PAGE)?.clamp(1, V1_MAX_PER_PAGE);
    let items = users
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|u| WrappedUser { user: u.view() })
        .collect();
    let body = V1Page {
        current_page: page,
        per_page,
        total_entries: users.len(),
        items,
    };
    Ok(Reply::ok(&body).expires(caller.expires_at()))
}

pub async fn by_full_name(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let wanted = required(&req.params, "full_name")?.trim().to_lowercase();
    let users: Vec<&User> = store
        .users(now)
        .into_iter()
        .filter(|u| {
            u.full_name
                .as_deref()
                .is_some_and(|n| n.to_lowercase().contains(&wanted))
        })
        .collect();
    v1_page(&req.params, &users, &caller)
}

pub async fn by_tags(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let tags = req.params.get("tags").map(list_items).unwrap_or_default();
    if tags.is_empty() {
        return Err(ApiError::invalid("tags", "cannot be blank"));
    }
    let users: Vec<&User> = store
        .users(now)
        .into_iter()
        .filter(|u| u.tags.iter().any(|t| tags.iter().any(|w| w.eq_ignore_ascii_case(t))))
        .collect();
    v1_page(&req.params, &users, &caller)
}

/// `GET /users`: the deprecated v1 list with `filter[]` and `order`.
pub async fn list_v1(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    if app.switches.get(Switch::DenyUsersV1List) {
        return Err(ApiError::forbidden(format!(
            "Users retrieving forbidden in admin panel, application settings. Setup it here https://admin.connectycube.com/apps/{}/service/users/settings",
            app.config.app_id
        )));
    }
    // Each filter string is kept whole: `in` values are comma lists inside one filter.
    let filters: Vec<V1Filter> = match req.params.get("filter") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(scalar_text)
            .map(|f| V1Filter::parse(&f))
            .collect::<Result<_, _>>()?,
        Some(Value::Object(map)) => map
            .values()
            .filter_map(scalar_text)
            .map(|f| V1Filter::parse(&f))
            .collect::<Result<_, _>>()?,
        Some(other) => scalar_text(other)
            .map(|f| V1Filter::parse(&f))
            .transpose()?
            .into_iter()
            .collect(),
    };
    let mut users: Vec<&User> = store
        .users(now)
        .into_iter()
        .filter(|u| filters.iter().all(|f| f.matches(u)))
        .collect();
    if let Some(order) = req.params.text("order") {
        apply_v1_order(&order, &mut users)?;
    }
    v1_page(&req.params, &users, &caller)
}

/// `GET /users/v2`: `{"limit","skip","total_entries","items":[user…]}`, items not wrapped.
pub async fn search_v2(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let query = V2Query::parse(&req.params)?;
    let mut users: Vec<&User> = store.users(now).into_iter().filter(|u| query.matches(u)).collect();
    query.sort(&mut users);
    let items = users
        .iter()
        .skip(query.offset)
        .take(query.limit)
        .map(|u| u.view())
        .collect();
    let body = V2Page {
        limit: query.limit,
        skip: query.offset,
        total_entries: users.len(),
        items,
    };
    Ok(Reply::ok(&body).expires(caller.expires_at()))
}

/// `GET /users/online` (`{"users":[…]}`) and `?count=true` (`{"count":N}`).
pub async fn online(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let users: Vec<&User> = store
        .users(now)
        .into_iter()
        .filter(|u| u.last_request_at.is_some_and(|t| t + ONLINE_WINDOW > now))
        .collect();
    if req.params.text("count").is_some_and(|c| c == "true" || c == "1") {
        return Ok(Reply::ok(&json!({ "count": users.len() })).expires(caller.expires_at()));
    }
    let number = |key: &str, default: usize| {
        req.params
            .text(key)
            .and_then(|t| t.trim().parse::<usize>().ok())
            .unwrap_or(default)
    };
    let limit = number("limit", 100).clamp(1, 100);
    let items: Vec<_> = users
        .iter()
        .skip(number("offset", 0))
        .take(limit)
        .map(|u| u.view())
        .collect();
    Ok(Reply::wrapped(StatusCode::OK, "users", &items).expires(caller.expires_at()))
}

/// `GET /users/password/reset?email=` and `POST /users/password/reset {"email"}`.
pub async fn reset_password(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    if app.switches.get(Switch::DisablePasswordReset) {
        return Err(ApiError::invalid("base", "Reset password by email is disabled"));
    }
    let email = required(&req.params, "email")?;
    // An unknown address answers the same, so the endpoint does not reveal who has an account.
    if let Some(user) = store.user_by_email(email.trim(), now) {
        let message = Email {
            to: user.email.clone().unwrap_or_default(),
            at: iso_seconds(now),
            subject: "Password reset instructions".into(),
            user_id: user.id,
        };
        store.outbox.push(message);
    }
    Ok(Reply::empty().expires(caller.expires_at()))
}
