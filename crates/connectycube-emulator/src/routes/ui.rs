//! `GET /__emulator/ui`: the emulator's web page, one self-contained HTML file (inline CSS
//! and script, no external asset, no build step) that reads and drives the control API.

use axum::response::{IntoResponse, Response};
use hyper::{StatusCode, header};

const PAGE: &str = include_str!("../ui/page.html");

/// Only the page's own inline script and style, same-origin requests and `data:` images
/// (its icon, so the browser does not ask for `/favicon.ico`, which would count as an SDK
/// request): the page stays self-contained by construction, and data shown in it (a
/// user's name, a blob) cannot pull anything in or run script. No framing, so no other
/// site can overlay its switches.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub async fn page() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, PAGE_POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        PAGE,
    )
        .into_response()
}
