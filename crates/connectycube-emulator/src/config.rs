//! What the emulated application looks like: credentials and app-level permissions, and
//! how the server treats connections.

use std::path::PathBuf;
use std::time::Duration;

use crate::tls::TlsIdentity;

/// Settings of the one ConnectyCube application the emulator serves.
///
/// The defaults are the values of the reference vectors in `rest-api.md` §6, so that the
/// documented signatures verify against an emulator started with no flags.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// Address to bind; `127.0.0.1` by default.
    pub host: String,
    /// Port to bind; `0` picks a free one.
    pub port: u16,
    /// `application_id` clients must send.
    pub app_id: u64,
    /// `auth_key` clients must send (and the value of `CB-AuthKey` for sign-up without a session).
    pub auth_key: String,
    /// Key of the HMAC-SHA1 session signature.
    pub auth_secret: String,
    /// Reject `POST /session` without a `signature` (the legacy signed scheme only).
    pub require_signature: bool,
    /// "Session creation without an existing user entity: Deny" in the admin panel.
    pub deny_session_without_user: bool,
    /// The app authenticates every login through a Custom Identity Provider.
    pub custom_identity_provider: bool,
    /// "DISABLE LIST USERS API V1" checked in the admin panel.
    pub deny_users_v1_list: bool,
    /// Password reset by email switched off in the admin panel.
    pub disable_password_reset: bool,
    /// A request head must arrive in full within this long of the connection opening or of
    /// its first byte (over HTTPS the handshake counts too); else the connection is closed.
    pub header_read_timeout: Duration,
    /// A keep-alive connection with no request for this long is closed.
    pub idle_timeout: Duration,
    /// Serve HTTPS only, with this certificate chain and key; every URL handed out is
    /// then `https`. `None` (the default) serves plain HTTP.
    pub tls: Option<TlsIdentity>,
    /// Connections served at once. Further ones are not accepted until one closes: they
    /// wait in the listen backlog (their TCP connect succeeds, no answer comes).
    pub max_connections: usize,
    /// Keep users, sessions, blobs, the outbox and the clock offset in this directory
    /// across restarts (created if missing); every write is on disk before it is
    /// answered. `None` (the default) keeps everything in memory only.
    pub data_dir: Option<PathBuf>,
}

impl EmulatorConfig {
    /// The `application_id` of the reference vectors in `rest-api.md` §6.
    pub const DEFAULT_APP_ID: u64 = 1;
    /// The `auth_key` of the reference vectors.
    pub const DEFAULT_AUTH_KEY: &'static str = "29WfrNWdvkhmX6V";
    /// The auth secret the reference signatures were computed with.
    pub const DEFAULT_AUTH_SECRET: &'static str = "SECRETsecret123";
    /// Default of [`EmulatorConfig::header_read_timeout`].
    pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default of [`EmulatorConfig::idle_timeout`].
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
    /// Default of [`EmulatorConfig::max_connections`].
    pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 0,
            app_id: Self::DEFAULT_APP_ID,
            auth_key: Self::DEFAULT_AUTH_KEY.to_owned(),
            auth_secret: Self::DEFAULT_AUTH_SECRET.to_owned(),
            require_signature: false,
            deny_session_without_user: false,
            custom_identity_provider: false,
            deny_users_v1_list: false,
            disable_password_reset: false,
            tls: None,
            header_read_timeout: Self::DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            data_dir: None,
        }
    }
}

impl std::fmt::Debug for EmulatorConfig {
    // The auth secret stays out of Debug output, as every secret in this project does.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("app_id", &self.app_id)
            .field("auth_key", &self.auth_key)
            .field("auth_secret", &"<redacted>")
            .field("require_signature", &self.require_signature)
            .field("deny_session_without_user", &self.deny_session_without_user)
            .field("custom_identity_provider", &self.custom_identity_provider)
            .field("deny_users_v1_list", &self.deny_users_v1_list)
            .field("disable_password_reset", &self.disable_password_reset)
            .field("tls", &self.tls)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_connections", &self.max_connections)
            .field("data_dir", &self.data_dir)
            .finish()
    }
}
