//! Sessions (`rest-api.md` §2): create, sign in and out, destroy, delete, inspect, inject.

use std::sync::Arc;

use connectycube_models::{Credentials, NewUser, Secret, Session, User, decode_session, decode_user, nest_params};
use connectycube_transport::Method;
use time::OffsetDateTime;

use crate::api::users::UsersClient;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::http::request::{ApiRequest, Auth, Need, Repeat, api_path};
use crate::session::ActiveSession;
use crate::session::auth_state::{AuthChangeReason, AuthState, AuthStateStream};

/// Session operations; from [`crate::ConnectyCube::auth`].
#[derive(Clone)]
pub struct AuthClient {
    client: Arc<Client>,
}

impl AuthClient {
    pub(crate) fn new(client: Arc<Client>) -> Self {
        Self { client }
    }

    /// `POST /session`: an application session (`None`), or a user session for the
    /// credentials (login or email + password, guest, Custom Identity Provider token,
    /// Facebook, Twitter, Firebase phone or email). The new session becomes the client's
    /// session — except that an application session never replaces a live user session.
    pub async fn create_session(&self, credentials: Option<Credentials>) -> Result<ActiveSession> {
        let session = self.client.new_session(credentials.as_ref()).await?;
        self.client.install_session(session.clone(), credentials.as_ref());
        Ok(session)
    }

    /// `POST /login`: signs a user in on the current session (an application session is
    /// created first when there is none); the token stays the same.
    pub async fn sign_in(&self, credentials: Credentials) -> Result<User> {
        if !credentials.supports_login() {
            return Err(Error::InvalidInput(
                "a guest cannot sign in on an existing session; create a guest session with create_session".into(),
            ));
        }
        if !self.client.has_usable_session() {
            let session = self.client.new_session(None).await?;
            self.client.inject_session(session);
        }
        let request = ApiRequest::new(Method::POST, "/login", Auth::Session(Need::Any))
            .json(nest_params(&credentials.login_params()))
            // Signing in again with the same credentials changes nothing.
            .repeat(Repeat::Safe);
        let answer = self.client.execute(request).await?;
        let user = decode_user(&answer.response.body).map_err(|e| Error::decode(&e))?;
        if let Some(session) = &answer.session {
            self.client
                .set_session_user(&session.token, Some(user.clone()), Some(&credentials));
        }
        Ok(user)
    }

    /// Signs up and opens a user session for the new account, in one call (Android's
    /// `signUpSignInTask`): `POST /users`, then `POST /session` with the same login (or
    /// email) and password.
    pub async fn sign_up_and_sign_in(&self, user: NewUser) -> Result<(User, ActiveSession)> {
        let password = user
            .fields
            .password
            .clone()
            .ok_or_else(|| Error::InvalidInput("password is required".into()))?;
        let credentials = match (&user.fields.login, &user.fields.email) {
            (Some(login), _) => Credentials::Login {
                login: login.clone(),
                password,
            },
            (None, Some(email)) => Credentials::Email {
                email: email.clone(),
                password,
            },
            (None, None) => return Err(Error::InvalidInput("login or email is required".into())),
        };
        let created = UsersClient::new(self.client.clone()).sign_up(user).await?;
        let session = self.create_session(Some(credentials)).await?;
        Ok((created, session))
    }

    /// `DELETE /login`: the session continues as an application session.
    pub async fn sign_out(&self) -> Result<()> {
        let Some(session) = self.client.live_session() else {
            self.client.forget_session(AuthChangeReason::SignedOut);
            return Ok(());
        };
        let request = ApiRequest::new(Method::DELETE, "/login", Auth::CurrentOnly);
        match self.client.execute(request).await {
            Ok(_) => {
                self.client.set_session_user(&session.token, None, None);
                Ok(())
            }
            // Already gone on the server: signed out all the same.
            Err(Error::SessionExpired) => {
                self.client.forget_session(AuthChangeReason::SignedOut);
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    /// `GET /session`: the session as the server sees it (with the user, for a user session).
    pub async fn get_session(&self) -> Result<Session> {
        let answer = self.client.execute(ApiRequest::get("/session", Need::Any)).await?;
        decode_session(&answer.response.body).map_err(|e| Error::decode(&e))
    }

    /// `DELETE /session`: ends the session on the server and forgets it here.
    pub async fn destroy_session(&self) -> Result<()> {
        if self.client.live_session().is_some() {
            let request = ApiRequest::new(Method::DELETE, "/session", Auth::CurrentOnly);
            match self.client.execute(request).await {
                Ok(_) | Err(Error::SessionExpired) => {}
                Err(error) => return Err(error),
            }
        }
        self.client.forget_session(AuthChangeReason::Destroyed);
        Ok(())
    }

    /// `DELETE /session/{id}`: one of the signed-in user's sessions (on another device).
    /// When `session_id` is the session in use, it is forgotten here too, as by
    /// [`Self::destroy_session`].
    pub async fn delete_session(&self, session_id: u64) -> Result<()> {
        let request = ApiRequest::new(
            Method::DELETE,
            api_path!("/session/{id}", id = session_id),
            Auth::Session(Need::Any),
        );
        let answer = self.client.execute(request).await?;
        if let Some(used) = answer.session.filter(|s| s.session_id == Some(session_id))
            && self.client.current_session().is_some_and(|c| c.token == used.token)
        {
            self.client.forget_session(AuthChangeReason::Destroyed);
        }
        Ok(())
    }

    /// `DELETE /session/list`: every session of the signed-in user but this one.
    pub async fn delete_other_sessions(&self) -> Result<()> {
        let request = ApiRequest::new(Method::DELETE, "/session/list", Auth::Session(Need::User));
        self.client.execute(request).await.map(drop)
    }

    /// Uses a token the app already holds (from its backend or storage). With an unknown
    /// expiry the token is trusted until the server refuses it.
    pub fn set_session(&self, token: impl Into<Secret>, expires_at: Option<OffsetDateTime>, user_id: Option<u64>) {
        self.client.set_session(token.into(), expires_at, user_id);
    }

    /// Forgets the session here without telling the server (it stays valid there until
    /// it expires); the session store is cleared.
    pub fn forget_session(&self) {
        self.client.forget_session(AuthChangeReason::Destroyed);
    }

    /// Who is signed in now (no network call).
    pub fn state(&self) -> AuthState {
        self.client.auth_state()
    }

    /// Who is signed in, as it changes: the current state first (reason `Initial`), then
    /// every change once and in order — sign-in, renewal, expiry, password change,
    /// sign-out, destroy. Dropping the stream unsubscribes.
    pub fn states(&self) -> AuthStateStream {
        self.client.auth_states()
    }

    /// The session in use, if any.
    pub fn active_session(&self) -> Option<ActiveSession> {
        self.client.current_session()
    }

    /// Whether the session in use is still live by its known expiry (no network call).
    pub fn is_session_valid(&self) -> bool {
        self.client.live_session().is_some()
    }

    /// The token in use, if any.
    pub fn token(&self) -> Option<Secret> {
        self.client.current_session().map(|s| s.token)
    }
}
