//! The route table and the middleware every answer passes through (faults, request
//! counts, `Date`, `CB-Token-ExpirationDate`, CORS).

mod blobs;
mod control;
mod inspect;
pub mod request;
mod session;
mod ui;
mod users;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, StatusCode};
use serde_json::json;

use crate::connection::{ConnectionKill, OriginalPath};
use crate::error::ApiError;
use crate::reply::{Reply, SessionExpiry};
use crate::state::App;
use crate::timefmt::{expiration_header, http_date};

pub fn router(app: App) -> Router {
    Router::new()
        // §2 sessions
        .route(
            "/session",
            post(session::create).get(session::show).delete(session::destroy),
        )
        .route("/session/list", delete(session::destroy_others))
        .route("/session/{id}", delete(session::destroy_by_id))
        .route("/login", post(session::login).delete(session::logout))
        // §4 users
        .route("/users", post(users::sign_up).get(users::list_v1))
        .route("/users/v2", get(users::search_v2))
        .route("/users/online", get(users::online))
        .route("/users/by_login", get(users::by_login))
        .route("/users/by_email", get(users::by_email))
        .route("/users/by_full_name", get(users::by_full_name))
        .route("/users/by_facebook_id", get(users::by_facebook_id))
        .route("/users/by_twitter_id", get(users::by_twitter_id))
        .route("/users/by_tags", get(users::by_tags))
        .route("/users/by_phone", get(users::by_phone))
        .route("/users/phone", get(users::by_phone))
        .route(
            "/users/password/reset",
            get(users::reset_password).post(users::reset_password),
        )
        .route(
            "/users/external/{id}",
            get(users::show_by_external).delete(users::delete_by_external),
        )
        .route("/users/{id}", get(users::show).put(users::update).delete(users::delete))
        // §5 storage
        .route("/blobs", post(blobs::create))
        .route("/blobs/{id}", get(blobs::show).delete(blobs::delete))
        .route("/blobs/{id}/complete", put(blobs::complete))
        .route("/blobs/{id}/download", get(blobs::download))
        .route("/blobs/{id}/object", get(blobs::object))
        .route(
            blobs::UPLOAD_PATH,
            post(blobs::upload).layer(DefaultBodyLimit::max(blobs::MAX_UPLOAD_FORM_BYTES)),
        )
        // test control
        .route("/__emulator/reset", post(control::reset))
        .route("/__emulator/clock", post(control::clock).get(control::now))
        .route("/__emulator/outbox", get(control::outbox))
        .route(
            "/__emulator/faults",
            post(control::add_fault)
                .delete(control::clear_faults)
                .get(inspect::faults),
        )
        .route("/__emulator/stats", get(control::stats))
        .route("/__emulator/identities", post(control::add_identity))
        .route("/__emulator/config", get(control::config).patch(inspect::patch_config))
        .route("/__emulator/users", get(inspect::users))
        .route("/__emulator/sessions", get(inspect::sessions))
        .route("/__emulator/blobs", get(inspect::blobs))
        .route("/__emulator/blobs/{id}/bytes", get(inspect::blob_bytes))
        .route("/__emulator/ui", get(ui::page))
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(app.clone(), around_every_request))
        .with_state(app)
}

async fn unknown_route() -> ApiError {
    ApiError::base(StatusCode::NOT_FOUND, "Not found")
}

async fn method_not_allowed() -> ApiError {
    ApiError::base(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
}

const CONTROL_PREFIX: &str = "/__emulator/";

/// Longest request target (path and query) served, nginx's default
/// `large_client_header_buffers`; longer ones get a 414.
const MAX_TARGET_BYTES: usize = 8 * 1024;

/// The length of the request target as sent (before `.json` was taken off).
fn target_length(request: &Request) -> usize {
    let uri = request.uri();
    let path = request
        .extensions()
        .get::<OriginalPath>()
        .map_or(uri.path().len(), |p| p.0.len());
    path + uri.query().map_or(0, |q| q.len() + 1)
}

async fn around_every_request(
    State(app): State<App>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let control = request.uri().path().starts_with(CONTROL_PREFIX);
    let writes = app.persister.is_some()
        && crate::saving::request_writes(request.method(), matched.as_ref().map(MatchedPath::as_str));
    let mut response = if target_length(&request) > MAX_TARGET_BYTES {
        ApiError::base(StatusCode::URI_TOO_LONG, "Request-URI Too Large").into_response()
    } else if control && from_another_origin(&request) {
        ApiError::base(
            StatusCode::FORBIDDEN,
            "The control API answers only its own page and clients that send no Origin",
        )
        .into_response()
    } else if request.method() == Method::OPTIONS {
        cors_preflight()
    } else {
        let seen = Seen::of(&request, matched.as_ref());
        match before_handler(&app, seen).await {
            Some(fault) => fault,
            None => next.run(request).await,
        }
    };
    if writes {
        crate::saving::before_answering(&app, &mut response).await;
    }
    decorate(&app, &mut response, !control);
    response
}

/// A browser sends `Origin` with every cross-origin request, including a form's POST that
/// needs no preflight; the page served under `/__emulator/ui` sends its own. Curl, the
/// SDKs and test clients send none. Without this, any web site open in the developer's
/// browser could reset the emulator or flip its switches (the control API has no
/// authentication).
fn from_another_origin(request: &Request) -> bool {
    let Some(origin) = request.headers().get(hyper::header::ORIGIN) else {
        return false;
    };
    let own_host = request.headers().get(hyper::header::HOST);
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, authority)| authority.trim_end_matches('/'));
    match (origin_host, own_host.and_then(|h| h.to_str().ok())) {
        (Some(origin_host), Some(own_host)) => !origin_host.eq_ignore_ascii_case(own_host),
        _ => true,
    }
}

/// What the middleware needs of a request, taken before any await (a body is not `Sync`).
struct Seen {
    method: String,
    path: String,
    original_path: Option<String>,
    route: String,
    kill: Option<ConnectionKill>,
}

impl Seen {
    fn of(request: &Request, matched: Option<&MatchedPath>) -> Self {
        Self {
            method: request.method().as_str().to_owned(),
            path: request.uri().path().to_owned(),
            original_path: request.extensions().get::<OriginalPath>().map(|p| p.0.clone()),
            route: matched.map_or("<unmatched>", MatchedPath::as_str).to_owned(),
            kill: request.extensions().get::<ConnectionKill>().cloned(),
        }
    }
}

/// Counts the request and applies the first fault rule that matches it, if any.
async fn before_handler(app: &App, seen: Seen) -> Option<Response> {
    if seen.path.starts_with(CONTROL_PREFIX) {
        return None;
    }
    let method = seen.method.as_str();
    app.count_request(format!("{method} {}", seen.route));
    let sent_path = seen.original_path.as_deref().unwrap_or(&seen.path);
    let fault = app.take_fault(method, &seen.path, sent_path)?;
    if let Some(ms) = fault.delay_ms {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    if fault.drop {
        if let Some(kill) = &seen.kill {
            kill.0.notify_one();
        }
        // The connection is being torn down; this answer is never written.
        std::future::pending::<()>().await;
    }
    let status = StatusCode::from_u16(fault.status?).ok()?;
    let body = fault
        .body
        .clone()
        .unwrap_or_else(|| json!({ "errors": { "base": [status.canonical_reason().unwrap_or("Injected fault")] } }));
    let mut response = Reply::json(status, &body).into_response();
    for (name, value) in &fault.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    Some(response)
}

fn cors_preflight() -> Response {
    let mut response = Reply::empty().into_response();
    let headers = response.headers_mut();
    headers.insert(
        "access-control-allow-methods",
        HeaderValue::from_static("GET, POST, PUT, DELETE, OPTIONS"),
    );
    headers.insert(
        "access-control-allow-headers",
        HeaderValue::from_static("CB-Token, CB-AuthKey, CB-SDK, Content-Type, ConnectyCube-REST-API-Version"),
    );
    headers.insert("access-control-max-age", HeaderValue::from_static("86400"));
    response
}

/// Headers the real service sends (`rest-api.md` §1.2). `Date` follows the virtual clock,
/// so clients that estimate their clock skew from it see the emulated time.
/// CORS headers go on the ConnectyCube routes only (the JS SDK in a browser needs them);
/// without them a page from elsewhere cannot read the control API's answers, which hold the
/// auth secret and every user.
fn decorate(app: &App, response: &mut Response, cors: bool) {
    let expiry = response.extensions().get::<SessionExpiry>().copied();
    let success = response.status().is_success();
    let headers = response.headers_mut();
    if let Ok(date) = HeaderValue::try_from(http_date(app.clock.now())) {
        headers.insert(hyper::header::DATE, date);
    }
    if let (true, Some(SessionExpiry(at))) = (success, expiry)
        && let Ok(value) = HeaderValue::try_from(expiration_header(at))
    {
        headers.insert("cb-token-expirationdate", value);
    }
    if cors {
        headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
        headers.insert(
            "access-control-expose-headers",
            HeaderValue::from_static("CB-Token-ExpirationDate, Date"),
        );
    }
    headers.insert("connectycube-rest-api-version", HeaderValue::from_static("0.1.1"));
    // The rest of a too-large body is drained, then the connection closed; the client
    // must not send its next request on it.
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        response
            .headers_mut()
            .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
    }
}
