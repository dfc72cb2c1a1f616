//! Creating a session (`POST /session`): the request for an application or a user
//! session, and the [`ActiveSession`] its answer gives. The request travels the same way as
//! every call (signed anew per attempt, retried, re-signed once on a refused timestamp);
//! whoever runs calls provides that as a [`SessionFactory`].

use std::sync::Arc;

use connectycube_models::{Credentials, decode_session};
use connectycube_transport::{HeaderValue, HttpResponse, Method};

use super::ActiveSession;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::http::request::{ApiRequest, Auth, Body, Repeat};

/// Creates sessions: runs [`request`] and reads the answer with [`from_answer`].
#[async_trait::async_trait]
pub(crate) trait SessionFactory: Send + Sync {
    /// `POST /session`: an application session (`None`) or a user session.
    async fn create_session(self: Arc<Self>, credentials: Option<Credentials>) -> Result<ActiveSession>;
}

/// The `POST /session` request (its parameters are signed per attempt when an auth secret
/// is configured).
pub(crate) fn request(config: &Config, credentials: Option<&Credentials>) -> ApiRequest {
    let mut pairs = vec![
        ("application_id".to_owned(), config.app_id.to_string()),
        ("auth_key".to_owned(), config.auth_key.expose().to_owned()),
    ];
    if let Some(credentials) = credentials {
        pairs.extend(credentials.session_params());
    }
    let mut request = ApiRequest::new(Method::POST, "/session", Auth::None);
    request.body = Body::SessionParams(pairs);
    // Every attempt is a new session with its own nonce: repeating is harmless.
    request.repeat = Repeat::Safe;
    request
}

/// The session an answer holds, with the expiry read from it (`expires_at`).
pub(crate) fn from_answer(response: &HttpResponse, expires_at: Option<time::OffsetDateTime>) -> Result<ActiveSession> {
    let session = decode_session(&response.body).map_err(|e| Error::decode(&e))?;
    // Installed, a token no header can carry would make every later call fail here, with
    // nothing to replace it: the answer is refused instead.
    if session.token.is_empty() || HeaderValue::from_str(session.token.expose()).is_err() {
        return Err(Error::Decode(
            "the session token in the server's answer is empty or holds characters a header cannot carry".into(),
        ));
    }
    Ok(ActiveSession {
        expires_at,
        user_id: session.user_id.or(session.user.as_ref().map(|u| u.id)),
        user: session.user,
        session_id: Some(session.id),
        token: session.token,
    })
}
