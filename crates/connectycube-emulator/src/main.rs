//! `connectycube-emulator`: the command line of the local ConnectyCube server.
//! The interface is fixed by `shared/spec/emulator-control.md`: scripts read the first
//! stdout line to learn the address.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use connectycube_emulator::{CertOptions, DataDirError, Emulator, EmulatorConfig, TestPki, TlsIdentity};

/// A local ConnectyCube REST server (sessions, users, avatar storage) for tests and
/// offline development. Control API under /__emulator/ (reset, clock, outbox, faults,
/// stats, identities, config, users, sessions, blobs); a web page at /__emulator/ui.
#[derive(Parser)]
#[command(name = "connectycube-emulator", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on; 0 picks a free port (printed on the first stdout line).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The application id clients must send.
    #[arg(long, default_value_t = EmulatorConfig::DEFAULT_APP_ID)]
    app_id: u64,
    /// The auth key clients must send (also accepted as CB-AuthKey for sign-up).
    #[arg(long, default_value = EmulatorConfig::DEFAULT_AUTH_KEY)]
    auth_key: String,
    /// The auth secret that keys the HMAC-SHA1 session signature.
    #[arg(long, default_value = EmulatorConfig::DEFAULT_AUTH_SECRET)]
    auth_secret: String,
    /// Refuse POST /session without a signature (422 "Unexpected signature").
    #[arg(long)]
    require_signature: bool,
    /// Refuse sessions for unknown users instead of creating them (404 "User not found").
    #[arg(long)]
    deny_session_without_user: bool,
    /// Treat every session login as a Custom Identity Provider token (unknown → 422).
    #[arg(long)]
    custom_identity_provider: bool,
    /// Switch off the deprecated v1 user list (GET /users answers 403).
    #[arg(long)]
    deny_users_v1_list: bool,
    /// Switch off password reset by email (422 "Reset password by email is disabled").
    #[arg(long)]
    disable_password_reset: bool,
    /// Close a connection whose request head has not fully arrived within this many seconds.
    #[arg(long, default_value_t = EmulatorConfig::DEFAULT_HEADER_READ_TIMEOUT.as_secs())]
    header_read_timeout_secs: u64,
    /// Close a keep-alive connection with no request for this many seconds.
    #[arg(long, default_value_t = EmulatorConfig::DEFAULT_IDLE_TIMEOUT.as_secs())]
    idle_timeout_secs: u64,
    /// Connections served at once; further ones wait in the listen backlog.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// Serve HTTPS only, with this PEM certificate chain (server certificate first).
    #[arg(long, value_name = "FILE", requires = "tls_key", conflicts_with = "generate_tls")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Serve HTTPS with DIR/ca.pem, DIR/cert.pem and DIR/key.pem, first generating a
    /// throwaway CA and a certificate for 127.0.0.1, localhost and ::1 there if any is
    /// missing. Clients trust DIR/ca.pem (curl --cacert, NODE_EXTRA_CA_CERTS).
    #[arg(long, value_name = "DIR")]
    generate_tls: Option<PathBuf>,
    /// Keep users, sessions, blobs, the password-reset outbox and the clock offset in DIR
    /// across restarts (created if missing); every write is on disk before it is answered.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Log filter for stderr, e.g. "info" or "connectycube_emulator=debug".
    #[arg(long, default_value = "info", env = "CONNECTYCUBE_EMULATOR_LOG")]
    log: String,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&args.log).unwrap_or_else(|_| "info".into()))
        .init();
    let (tls, ca_file) = match tls_identity(&args) {
        Ok(tls) => tls,
        Err(error) => {
            eprintln!("connectycube-emulator: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let config = EmulatorConfig {
        host: args.host,
        port: args.port,
        app_id: args.app_id,
        auth_key: args.auth_key,
        auth_secret: args.auth_secret,
        require_signature: args.require_signature,
        deny_session_without_user: args.deny_session_without_user,
        custom_identity_provider: args.custom_identity_provider,
        deny_users_v1_list: args.deny_users_v1_list,
        disable_password_reset: args.disable_password_reset,
        tls,
        header_read_timeout: Duration::from_secs(args.header_read_timeout_secs),
        idle_timeout: Duration::from_secs(args.idle_timeout_secs),
        max_connections: args.max_connections as usize,
        data_dir: args.data_dir,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("connectycube-emulator: cannot start the runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(config, ca_file))
}

/// The HTTPS identity the flags ask for, and the CA file clients should trust when it
/// was `--generate-tls`.
fn tls_identity(args: &Args) -> Result<(Option<TlsIdentity>, Option<PathBuf>), String> {
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let read = |flag: &str, path: &Path| {
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {flag} {}: {e}", path.display()))
        };
        let identity = TlsIdentity {
            cert_chain_pem: read("--tls-cert", cert)?,
            private_key_pem: read("--tls-key", key)?,
        };
        identity.validate().map_err(|e| {
            format!(
                "cannot use --tls-cert {} --tls-key {}: {e}",
                cert.display(),
                key.display()
            )
        })?;
        return Ok((Some(identity), None));
    }
    let Some(dir) = &args.generate_tls else {
        return Ok((None, None));
    };
    let mut options = CertOptions::default();
    // A specific address to bind is one clients will use, so the certificate names it too.
    let bound = args
        .host
        .parse::<std::net::IpAddr>()
        .map_or(true, |ip| !ip.is_unspecified());
    if bound && !options.hosts.contains(&args.host) {
        options.hosts.push(args.host.clone());
    }
    let (pki, generated) = TestPki::load_or_generate(dir, &options).map_err(|e| format!("--generate-tls: {e}"))?;
    let [ca_file, ..] = TestPki::files(dir);
    if generated {
        tracing::info!(dir = %dir.display(), "generated a throwaway CA and server certificate");
    }
    pki.server
        .validate()
        .map_err(|e| format!("--generate-tls {}: {e}", dir.display()))?;
    Ok((Some(pki.server), Some(ca_file)))
}

async fn run(config: EmulatorConfig, ca_file: Option<PathBuf>) -> std::process::ExitCode {
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(error) => {
            let data_dir = error.get_ref().is_some_and(|e| e.is::<DataDirError>());
            let doing = if data_dir { "cannot start" } else { "cannot listen" };
            eprintln!("connectycube-emulator: {doing}: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    if !is_loopback(&emulator.config().host) {
        // On stderr: the first stdout line stays the address scripts read.
        eprintln!(
            "connectycube-emulator: warning: listening on {}, beyond this machine. The control API \
             (/__emulator/...) has no authentication: anyone who can reach this port can read, \
             change or reset all the emulator's data.",
            emulator.config().host
        );
    }
    let stopped = stop_signal();
    let c = emulator.config();
    let mut stdout = std::io::stdout().lock();
    // The first stdout line is the interface scripts read; flush it at once.
    let _ = writeln!(stdout, "connectycube-emulator listening on {}", emulator.url());
    let _ = writeln!(stdout, "app id: {}", c.app_id);
    let _ = writeln!(stdout, "auth key: {}", c.auth_key);
    // A test credential of a local emulator, printed by design so clients can be set up.
    let _ = writeln!(stdout, "auth secret: {}", c.auth_secret);
    if let Some(ca_file) = &ca_file {
        let _ = writeln!(stdout, "CA certificate: {}", ca_file.display());
    }
    let _ = writeln!(stdout, "web page: {}/__emulator/ui", emulator.url());
    let _ = stdout.flush();
    drop(stdout);
    tracing::info!(config = ?emulator.config(), "ready");
    stopped.await;
    tracing::info!("stopping");
    emulator.shutdown().await;
    std::process::ExitCode::SUCCESS
}

/// Whether `host` is reachable from this machine only: `localhost`, 127.0.0.0/8 or ::1
/// (also written as an IPv4-mapped address).
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// Resolves on SIGTERM or Ctrl-C. The handlers are installed when this is called, not when
/// it is first awaited: a script may send SIGTERM as soon as it has read the address.
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn only_loopback_hosts_are_quiet() {
        for host in [
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "[::1]",
            "localhost",
            "LocalHost",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "0.0.0.0",
            "::",
            "192.168.1.20",
            "10.0.0.1",
            "example.com",
            "localhost.example.com",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
