//! [`ConnectyCube`]: the client apps hold, and its builder. Cheap to clone; clones share
//! one connection pool and one session. It hands out the API handles; the work is theirs
//! and the shared [`Client`]'s.

use std::sync::Arc;
use std::time::Duration;

use connectycube_models::Secret;
use connectycube_transport::{
    DEFAULT_MAX_RESPONSE_BYTES, ReqwestTransport, SpkiPin, TlsOptions, Transport, TransportConfig,
};

use crate::api::{AuthClient, StorageClient, UsersClient};
use crate::client::Client;
use crate::config::{Config, DEFAULT_API_ENDPOINT, RetryConfig, Timeouts, normalise_endpoint};
use crate::error::{Error, Result};
use crate::observer::RequestObserver;
use crate::session::{ActiveSession, SessionRestore, SessionStore};

/// The ConnectyCube client.
///
/// ```no_run
/// # async fn demo() -> Result<(), connectycube::Error> {
/// use connectycube::{ConnectyCube, Credentials};
/// let cc = ConnectyCube::builder(1, "29WfrNWdvkhmX6V").build()?;
/// cc.auth().create_session(Some(Credentials::login("marvin18", "supersecurepwd"))).await?;
/// let me = cc.users().get_by_login("marvin18").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ConnectyCube {
    client: Arc<Client>,
}

impl std::fmt::Debug for ConnectyCube {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectyCube")
            .field("config", self.client.config())
            .finish_non_exhaustive()
    }
}

impl ConnectyCube {
    /// Starts a client for an application (its id and auth key from the admin panel).
    pub fn builder(app_id: u64, auth_key: impl Into<Secret>) -> ConnectyCubeBuilder {
        ConnectyCubeBuilder::new(app_id, auth_key.into())
    }

    /// Sessions: create, sign in and out, destroy, inspect.
    pub fn auth(&self) -> AuthClient {
        AuthClient::new(self.client.clone())
    }

    /// Users: sign up, profile, lookups, searches, password reset, delete.
    pub fn users(&self) -> UsersClient {
        UsersClient::new(self.client.clone())
    }

    /// Files: upload, private and public URLs, avatars.
    pub fn storage(&self) -> StorageClient {
        StorageClient::new(self.client.clone())
    }

    /// The session in use, if any (it may have expired; see [`Self::is_session_valid`]).
    pub fn session(&self) -> Option<ActiveSession> {
        self.client.current_session()
    }

    /// Whether the current session is still live by its known expiry (no network call).
    pub fn is_session_valid(&self) -> bool {
        self.client.live_session().is_some()
    }

    /// The settings the client was built with, the endpoint normalised (`Debug` hides the
    /// auth secret).
    pub fn config(&self) -> &Config {
        self.client.config()
    }

    /// Sets the one [`RequestObserver`], replacing the one before (`None` removes it). Clones
    /// share it. A call reports to the observer set when it ends.
    pub fn set_request_observer(&self, observer: Option<Arc<dyn RequestObserver>>) {
        self.client.set_request_observer(observer);
    }
}

/// Builder setters that store their argument: `name(arg: Type) => field = value;`, each
/// with its doc comment. One shape for ten setters, written once.
macro_rules! setters {
    ($($(#[$attr:meta])* $name:ident($arg:ident: $ty:ty) => $field:ident = $value:expr;)*) => {
        $(
            $(#[$attr])*
            pub fn $name(mut self, $arg: $ty) -> Self {
                self.$field = $value;
                self
            }
        )*
    };
}

/// Builds a [`ConnectyCube`] client. Only the app id and auth key are required.
pub struct ConnectyCubeBuilder {
    app_id: u64,
    auth_key: Secret,
    auth_secret: Option<Secret>,
    api_endpoint: String,
    allow_http: bool,
    timeouts: Timeouts,
    retry: RetryConfig,
    retain_credentials: bool,
    expiry_margin: Duration,
    transport: Option<Arc<dyn Transport>>,
    store: Option<Arc<dyn SessionStore>>,
    restore: Option<Arc<dyn SessionRestore>>,
    device_clock_offset: time::Duration,
    extra_roots_pem: Vec<Vec<u8>>,
    pins: Vec<String>,
    max_response_bytes: usize,
    request_observer: Option<Arc<dyn RequestObserver>>,
}

impl ConnectyCubeBuilder {
    fn new(app_id: u64, auth_key: Secret) -> Self {
        Self {
            app_id,
            auth_key,
            auth_secret: None,
            api_endpoint: DEFAULT_API_ENDPOINT.to_owned(),
            allow_http: false,
            timeouts: Timeouts::default(),
            retry: RetryConfig::default(),
            retain_credentials: true,
            expiry_margin: Duration::from_secs(30),
            transport: None,
            store: None,
            restore: None,
            device_clock_offset: time::Duration::ZERO,
            extra_roots_pem: Vec::new(),
            pins: Vec::new(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            request_observer: None,
        }
    }

    /// Signs `POST /session` with HMAC-SHA1 (the legacy scheme); without it sessions are
    /// created unsigned, as the current official SDKs do.
    pub fn auth_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.auth_secret = Some(secret.into()).filter(|s: &Secret| !s.is_empty());
        self
    }

    setters! {
        /// A custom or enterprise API endpoint. `https://` only, except loopback addresses.
        api_endpoint(endpoint: impl Into<String>) => api_endpoint = endpoint.into();
        /// Allows a plain `http://` endpoint that is not on loopback (a test server on the LAN).
        allow_insecure_http(allow: bool) => allow_http = allow;
        /// Bounds on time (default 10 s to connect, 30 s per attempt, 60 s per call); each
        /// must be longer than zero or [`Self::build`] refuses them.
        timeouts(timeouts: Timeouts) => timeouts = timeouts;
        /// Retries of transient failures (default 3 attempts, backoff from 1 s up to 20 s).
        retry(retry: RetryConfig) => retry = retry;
        /// Keeps the login or email and password of the signed-in user in memory (never
        /// persisted, never logged) so an expired session renews by itself, as the official
        /// SDKs promise. On by default; with `false` an expired user session is
        /// [`Error::SessionExpired`] unless a [`SessionRestore`] renews it. Token sign-ins
        /// (Custom Identity Provider, Firebase, Facebook, Twitter) are never kept: their
        /// tokens expire on their own, so they renew through the restore hook.
        retain_credentials(retain: bool) => retain_credentials = retain;
        /// Renews a session this long before its expiry. Default 30 s.
        expiry_margin(margin: Duration) => expiry_margin = margin;
        /// Persists the session across restarts (the app's keychain or preferences).
        session_store(store: Arc<dyn SessionStore>) => store = Some(store);
        /// Renews an expired user session (see [`SessionRestore`]).
        session_restore(restore: Arc<dyn SessionRestore>) => restore = Some(restore);
        /// The largest response body read (default 4 MiB); a longer one ends the call with
        /// [`Error::ResponseTooLarge`] once that much arrived.
        max_response_bytes(limit: usize) => max_response_bytes = limit;
        /// Replaces the HTTP transport (tests, custom stacks). The TLS settings and the response
        /// cap are the default transport's; a custom one brings its own.
        transport(transport: Arc<dyn Transport>) => transport = Some(transport);
    }

    /// Trusts the root certificates of a PEM text (`-----BEGIN CERTIFICATE-----` blocks) as
    /// well as the bundled Mozilla roots: a corporate proxy's CA, a staging server's. Refused
    /// by [`Self::build`] when the text holds no usable certificate.
    pub fn add_root_certificates_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.extra_roots_pem.push(pem.as_ref().to_vec());
        self
    }

    /// Pins a public key in OkHttp's form, `sha256/BASE64` (the SHA-256 of a certificate's
    /// SubjectPublicKeyInfo): with pins set, a server must present a certificate — its own or
    /// an intermediate — with one of the pinned keys, on every new connection, on top of the
    /// usual checks. Pin a backup key too, or a key change locks the app out.
    pub fn pin_public_key(mut self, pin: impl Into<String>) -> Self {
        self.pins.push(pin.into());
        self
    }

    /// Pretends the device clock is off by this much. For tests of clock-skew handling.
    #[doc(hidden)]
    pub fn device_clock_offset(mut self, offset: Duration, ahead: bool) -> Self {
        let offset = time::Duration::try_from(offset).unwrap_or(time::Duration::ZERO);
        self.device_clock_offset = if ahead { offset } else { -offset };
        self
    }

    /// Hears one event per call to a route ([`crate::RequestEvent`]); replaceable later
    /// with [`ConnectyCube::set_request_observer`].
    pub fn request_observer(mut self, observer: impl RequestObserver) -> Self {
        self.request_observer = Some(Arc::new(observer));
        self
    }

    /// The client. No network call: a session is created when a call first needs one (or
    /// loaded from the [`SessionStore`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty auth key, a zero timeout or response cap, an
    /// endpoint that is not `https://` (loopback and
    /// [`allow_insecure_http`](Self::allow_insecure_http) aside) or is not a URL, extra
    /// roots without a usable certificate, or a pin not in `sha256/BASE64` form.
    pub fn build(self) -> Result<ConnectyCube> {
        if self.auth_key.is_empty() {
            return Err(Error::InvalidInput("the auth key is empty".into()));
        }
        if self.timeouts.attempt.is_zero() || self.timeouts.operation.is_zero() || self.timeouts.connect.is_zero() {
            return Err(Error::InvalidInput("timeouts must be longer than zero".into()));
        }
        if self.max_response_bytes == 0 {
            return Err(Error::InvalidInput("max_response_bytes must be more than zero".into()));
        }
        let api_endpoint = normalise_endpoint(&self.api_endpoint, self.allow_http)?;
        let mut tls = TlsOptions::default();
        for pem in &self.extra_roots_pem {
            tls.add_roots_pem(pem)
                .map_err(|e| Error::InvalidInput(format!("extra root certificates: {e}")))?;
        }
        for pin in &self.pins {
            tls.pins
                .push(SpkiPin::parse(pin).map_err(|e| Error::InvalidInput(format!("public-key pin: {e}")))?);
        }
        let transport: Arc<dyn Transport> = match self.transport {
            Some(transport) => transport,
            None => Arc::new(
                ReqwestTransport::new(TransportConfig {
                    connect_timeout: self.timeouts.connect,
                    default_timeout: self.timeouts.attempt,
                    max_response_bytes: self.max_response_bytes,
                    tls,
                    ..TransportConfig::default()
                })
                .map_err(Error::from)?,
            ),
        };
        let config = Config {
            app_id: self.app_id,
            auth_key: self.auth_key,
            auth_secret: self.auth_secret,
            api_endpoint,
            timeouts: self.timeouts,
            retry: self.retry,
            retain_credentials: self.retain_credentials,
            expiry_margin: self.expiry_margin,
        };
        let client = Client::new(config, transport, self.store, self.restore, self.device_clock_offset);
        client.set_request_observer(self.request_observer);
        Ok(ConnectyCube {
            client: Arc::new(client),
        })
    }
}
