//! [`Client`]: what the API handles share — the settings, the shared session and the
//! clock, and the one loop that runs a call: take a session, sign, build, send, and act on
//! what `http/retry.rs` decides. The whole call is bounded by the operation deadline.

use std::sync::Arc;

use connectycube_models::{Credentials, Secret, User};
use connectycube_transport::{HttpRequest, HttpResponse, Transport, TransportError};
use tokio::time::Instant;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::http::compose::{Credential, compose};
use crate::http::request::{ApiRequest, Auth, Body, Need};
use crate::http::retry::{Call, Decision, Tries, decide};
use crate::http::send::{Sender, sleep_before};
use crate::observer::{CallRecord, ObserverSlot, RequestObserver};
use crate::session::auth_state::{AuthChangeReason, AuthState, AuthStateStream};
use crate::session::clock::Clock;
use crate::session::create::{self, SessionFactory};
use crate::session::shared::{Origin, SharedSession};
use crate::session::signing::sign_session_params;
use crate::session::{ActiveSession, SessionRef, SessionRestore, SessionStore};

/// What a successful call returns: the answer and the session it was made with.
pub(crate) struct Answer {
    pub response: HttpResponse,
    pub session: Option<SessionRef>,
}

/// The core of a client; the API handles hold it behind an `Arc`.
pub(crate) struct Client {
    config: Config,
    sender: Sender,
    session: Arc<SharedSession>,
    clock: Arc<Clock>,
    observer: ObserverSlot,
}

impl Client {
    /// `device_clock_offset` pretends the device clock is off (tests of skew handling).
    pub fn new(
        config: Config,
        transport: Arc<dyn Transport>,
        store: Option<Arc<dyn SessionStore>>,
        restore: Option<Arc<dyn SessionRestore>>,
        device_clock_offset: time::Duration,
    ) -> Self {
        let clock = Arc::new(Clock::with_device_offset(device_clock_offset));
        let margin = time::Duration::try_from(config.expiry_margin).unwrap_or(time::Duration::ZERO);
        let session = SharedSession::new(store, restore, config.retain_credentials, clock.clone(), margin);
        Self {
            sender: Sender::new(transport, config.timeouts.attempt),
            session: Arc::new(session),
            clock,
            config,
            observer: ObserverSlot::default(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Replaces the request observer (`None`: no observer).
    pub fn set_request_observer(&self, observer: Option<Arc<dyn RequestObserver>>) {
        self.observer.set(observer);
    }

    /// Runs a call to its end: retries, renewal and re-signing included; the request
    /// observer hears how it ended.
    pub async fn execute(self: &Arc<Self>, request: ApiRequest) -> Result<Answer> {
        let started = Instant::now();
        let mut record = CallRecord::start(&self.observer, &request.method, request.route, started);
        if request.renewed_first {
            record.session_renewed();
        }
        let result = self.run(&request, started, &mut record).await;
        record.finish(result.as_ref().err());
        result
    }

    async fn run(
        self: &Arc<Self>,
        request: &ApiRequest,
        started: Instant,
        record: &mut CallRecord<'_>,
    ) -> Result<Answer> {
        let deadline = started + self.config.timeouts.operation;
        let mut tries = Tries::default();
        loop {
            let session = self.session_for(request.auth, deadline, record).await?;
            let outcome = self
                .attempt(request, session.as_ref(), deadline, &tries, record)
                .await?;
            let call = Call::of(request, session.is_some());
            let past_deadline = Instant::now() >= deadline;
            let now = self.clock.server_now();
            // Its own statement: the thread-local RNG is not `Send` and must not live across an await.
            let decision = decide(
                outcome.as_ref(),
                call,
                &mut tries,
                &self.config.retry,
                now,
                past_deadline,
                &mut rand::rng(),
            );
            match decision {
                Decision::Done => {
                    let response = outcome.map_err(Error::from)?;
                    if let (Some(session), Some(expires)) = (&session, self.expiry_of(&response)) {
                        self.session.extend(&session.token, expires);
                    }
                    return Ok(Answer { response, session });
                }
                Decision::RenewSession => {
                    if let Some(session) = &session {
                        tracing::debug!("session gone on the server; renewing once");
                        self.session.invalidate(&session.token);
                    }
                }
                Decision::ReSign => {
                    let skew_secs = self.clock.skew().whole_seconds();
                    tracing::debug!(skew_secs, "timestamp refused; re-signing once");
                }
                Decision::Retry { after, otherwise } => {
                    if sleep_before(deadline, after).await.is_err() {
                        return Err(otherwise);
                    }
                }
                Decision::Fail(error) => return Err(error),
            }
        }
    }

    /// One attempt: built, sent, and its `Date` learnt. `Err` when it could not be built
    /// or the deadline passed before it was sent.
    async fn attempt(
        &self,
        request: &ApiRequest,
        session: Option<&SessionRef>,
        deadline: Instant,
        tries: &Tries,
        record: &mut CallRecord<'_>,
    ) -> Result<std::result::Result<HttpResponse, TransportError>> {
        let http = self.compose(request, session)?;
        let attempt = tries.failed() + 1;
        // The route template, not the URL: a URL's path and query hold ids, logins and emails.
        tracing::debug!(method = %request.method, route = request.route, attempt, "sending");
        record.sending();
        let outcome = self
            .sender
            .send(http, deadline)
            .await
            .inspect_err(|_| record.not_sent())?;
        match &outcome {
            Ok(response) => {
                record.answered(response.status.as_u16());
                self.clock.observe_date(response.header("date"));
                tracing::debug!(status = response.status.as_u16(), "answered");
            }
            Err(error) => tracing::debug!(%error, attempt, "transport failure"),
        }
        Ok(outcome)
    }

    /// The session an attempt carries, by what the call needs.
    async fn session_for(
        self: &Arc<Self>,
        auth: Auth,
        deadline: Instant,
        record: &mut CallRecord<'_>,
    ) -> Result<Option<SessionRef>> {
        Ok(match auth {
            Auth::None => None,
            Auth::SessionOrAuthKey => self.session.usable(),
            // A timer only when the session is not at hand (the future is ready at once
            // otherwise and the timer is never registered).
            Auth::Session(need) => {
                let factory: Arc<dyn SessionFactory> = self.clone();
                let (session, renewed) = tokio::time::timeout_at(deadline, self.session.ensure(factory, need))
                    .await
                    .map_err(|_| Error::Timeout)??;
                if renewed {
                    record.session_renewed();
                }
                Some(session)
            }
            Auth::CurrentOnly => Some(self.session.live().ok_or(Error::SessionExpired)?),
        })
    }

    fn compose(&self, request: &ApiRequest, session: Option<&SessionRef>) -> Result<HttpRequest> {
        let credential = match (session, request.auth) {
            (Some(session), _) => Credential::Token(session.token_header.as_ref()),
            (None, Auth::SessionOrAuthKey) => Credential::AuthKey(&self.config.auth_key),
            _ => Credential::None,
        };
        // Signed anew for every attempt: a fresh nonce and the server's time as known now.
        let signed = match (&request.body, &self.config.auth_secret) {
            (Body::SessionParams(pairs), Some(secret)) => Some(sign_session_params(
                secret.expose(),
                pairs,
                self.clock.server_now().unix_timestamp(),
            )),
            _ => None,
        };
        compose(&self.config.api_endpoint, request, credential, signed.as_deref())
    }

    /// `CB-Token-ExpirationDate` when believable, or two hours from the server's now.
    fn expiry_of(&self, response: &HttpResponse) -> Option<time::OffsetDateTime> {
        self.clock
            .expiry_from_header(response.header("cb-token-expirationdate"))
    }

    /// A live session that satisfies `need`, created or renewed (once for all callers);
    /// `true` with it when it was.
    pub async fn ensure_session(self: &Arc<Self>, need: Need) -> Result<(SessionRef, bool)> {
        let factory: Arc<dyn SessionFactory> = self.clone();
        self.session.ensure(factory, need).await
    }

    /// `POST /session`, without installing the result.
    pub async fn new_session(self: &Arc<Self>, credentials: Option<&Credentials>) -> Result<ActiveSession> {
        let answer = self.execute(create::request(&self.config, credentials)).await?;
        create::from_answer(&answer.response, self.expiry_of(&answer.response))
    }

    /// The session in use, if any (it may have expired).
    pub fn current_session(&self) -> Option<ActiveSession> {
        self.session.current()
    }

    /// The session in use if it has not expired.
    pub fn live_session(&self) -> Option<SessionRef> {
        self.session.live()
    }

    /// Whether a call could use the session in use without renewing it first.
    pub fn has_usable_session(&self) -> bool {
        self.session.usable().is_some()
    }

    /// Makes a session the server just created the client's session (unless it is an
    /// application session and a user session is live).
    pub fn install_session(&self, session: ActiveSession, credentials: Option<&Credentials>) {
        self.session.install(session, credentials, Origin::Call);
    }

    /// Uses a session the client did not create here (an app-held token, or one created
    /// just to sign in on).
    pub fn inject_session(&self, session: ActiveSession) {
        self.session.inject(session);
    }

    /// Uses a token the app holds; its expiry is judged like a saved one.
    pub fn set_session(&self, token: Secret, expires_at: Option<time::OffsetDateTime>, user_id: Option<u64>) {
        self.session.inject(ActiveSession {
            token,
            expires_at: self.clock.expiry_from_app(expires_at),
            user_id,
            user: None,
            session_id: None,
        });
    }

    /// The session's user changed without a new token.
    pub fn set_session_user(&self, token: &Secret, user: Option<User>, credentials: Option<&Credentials>) {
        self.session.set_user(token, user, credentials);
    }

    pub fn refresh_session_user(&self, user: &User) {
        self.session.refresh_user(user);
    }

    pub fn password_changed(&self, new_password: &Secret) {
        self.session.password_changed(new_password);
    }

    /// Forgets the session for good (and clears the app's store); `reason` is what
    /// observers of the auth state are told.
    pub fn forget_session(&self, reason: AuthChangeReason) {
        self.session.clear(reason);
    }

    /// Who is signed in now.
    pub fn auth_state(&self) -> AuthState {
        self.session.auth_state()
    }

    /// The auth states from now on, the current one first.
    pub fn auth_states(&self) -> AuthStateStream {
        self.session.auth_states()
    }
}

#[async_trait::async_trait]
impl SessionFactory for Client {
    async fn create_session(self: Arc<Self>, credentials: Option<Credentials>) -> Result<ActiveSession> {
        self.new_session(credentials.as_ref()).await
    }
}
