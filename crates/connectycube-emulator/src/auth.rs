//! Who is calling: the session behind `CB-Token`, checked and extended on every request.

use hyper::HeaderMap;
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::store::{Session, Store};

/// The session a request runs under.
pub struct Caller {
    pub session: Session,
}

impl Caller {
    /// The signed-in user; app sessions are read-only (`403 Forbidden. Need user.`).
    pub fn user_id(&self) -> Result<i64, ApiError> {
        self.session.user_id.ok_or_else(ApiError::need_user)
    }

    pub fn expires_at(&self) -> Option<OffsetDateTime> {
        Some(self.session.expires_at)
    }
}

/// `CB-Token`, where an empty header counts as absent (Dart sends `CB-Token: ` without a session).
pub fn token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("cb-token")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The caller of a request that needs a session.
pub fn caller(store: &mut Store, headers: &HeaderMap, now: OffsetDateTime) -> Result<Caller, ApiError> {
    let token = token(headers).ok_or_else(ApiError::token_required)?;
    caller_with_token(store, token, now)
}

pub fn caller_with_token(store: &mut Store, token: &str, now: OffsetDateTime) -> Result<Caller, ApiError> {
    Ok(Caller {
        session: store.use_session(token, now)?,
    })
}
