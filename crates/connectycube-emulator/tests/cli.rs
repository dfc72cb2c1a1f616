//! The command line fixed by `emulator-control.md`: the first stdout line, the printed
//! defaults, `--help`, HTTPS from files or `--generate-tls`, and a clean stop on SIGTERM.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the test failing, with its message"
)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use connectycube_emulator::TestPki;

const BIN: &str = env!("CARGO_BIN_EXE_connectycube-emulator");

#[test]
fn first_line_names_the_bound_port_and_defaults_follow() {
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--app-id", "77", "--auth-key", "AK-x"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("connectycube-emulator listening on http://127.0.0.1:")
        .expect(&first);
    let port: u16 = url.parse().expect("a port number");
    assert_ne!(port, 0);
    let printed: Vec<String> = lines.by_ref().take(4).map(Result::unwrap).collect();
    assert_eq!(
        printed,
        [
            "app id: 77".to_owned(),
            "auth key: AK-x".to_owned(),
            "auth secret: SECRETsecret123".to_owned(),
            format!("web page: http://127.0.0.1:{port}/__emulator/ui"),
        ]
    );

    // It answers a client that follows the contract.
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    use std::io::{Read, Write};
    let body = r#"{"application_id":77,"auth_key":"AK-x"}"#;
    write!(
        stream,
        "POST /session.json HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");

    // SIGTERM ends it cleanly.
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
}

#[test]
fn help_documents_every_flag() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--host",
        "--port",
        "--app-id",
        "--auth-key",
        "--auth-secret",
        "--require-signature",
        "--deny-session-without-user",
        "--custom-identity-provider",
        "--deny-users-v1-list",
        "--disable-password-reset",
        "--tls-cert",
        "--tls-key",
        "--generate-tls",
        "--header-read-timeout-secs",
        "--idle-timeout-secs",
        "--max-connections",
        "--data-dir",
        "--log",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help:\n{help}");
    }
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(BIN).args(["--port", &port]).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot listen"));
}

/// A fresh directory under cargo's temporary directory for integration tests.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts the binary and reads its first `lines` stdout lines.
fn spawn(args: &[&str], lines: usize) -> (Child, Vec<String>) {
    let mut child = Command::new(BIN)
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let reader = BufReader::new(child.stdout.take().unwrap());
    let printed = reader.lines().take(lines).map(Result::unwrap).collect();
    (child, printed)
}

fn stop(mut child: Child) {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// `GET /__emulator/clock` at `url` with a client that trusts only `ca_pem`.
fn https_get_clock(url: &str, ca_pem: &str) -> u16 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap();
        let client = reqwest::Client::builder().tls_certs_only([ca]).build().unwrap();
        client
            .get(format!("{url}/__emulator/clock"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
}

fn listening_url(first_line: &str) -> &str {
    first_line
        .strip_prefix("connectycube-emulator listening on ")
        .unwrap_or_else(|| panic!("{first_line}"))
}

#[test]
fn tls_cert_and_key_files_serve_https() {
    let dir = scratch_dir("tls-files");
    let pki = TestPki::generate().unwrap();
    let (cert, key) = (dir.join("server.pem"), dir.join("server.key"));
    std::fs::write(&cert, &pki.server.cert_chain_pem).unwrap();
    std::fs::write(&key, &pki.server.private_key_pem).unwrap();
    let args = ["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()];
    let (child, printed) = spawn(&args, 4);
    let url = listening_url(&printed[0]);
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    assert_eq!(printed[3], "auth secret: SECRETsecret123");
    assert_eq!(https_get_clock(url, &pki.ca_cert_pem), 200);
    stop(child);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unusable_tls_files_are_a_clear_error() {
    let dir = scratch_dir("tls-bad");
    let pki = TestPki::generate().unwrap();
    let (cert, key, garbage) = (dir.join("cert.pem"), dir.join("key.pem"), dir.join("garbage.pem"));
    std::fs::write(&cert, &pki.server.cert_chain_pem).unwrap();
    std::fs::write(&key, &pki.server.private_key_pem).unwrap();
    std::fs::write(&garbage, "not PEM at all").unwrap();
    let missing = dir.join("missing.pem");
    let path = |p: &PathBuf| p.to_str().unwrap().to_owned();
    for (args, expected) in [
        (
            vec!["--tls-cert".into(), path(&missing), "--tls-key".into(), path(&key)],
            "cannot read --tls-cert",
        ),
        (
            vec!["--tls-cert".into(), path(&cert), "--tls-key".into(), path(&missing)],
            "cannot read --tls-key",
        ),
        (
            vec!["--tls-cert".into(), path(&garbage), "--tls-key".into(), path(&key)],
            "no certificate",
        ),
        (
            vec!["--tls-cert".into(), path(&cert), "--tls-key".into(), path(&garbage)],
            "private key",
        ),
    ] {
        let output = Command::new(BIN).arg("--port").arg("0").args(&args).output().unwrap();
        assert!(!output.status.success(), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}: nothing is listening");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    // One without the other is a usage error.
    let output = Command::new(BIN).args(["--tls-cert", &path(&cert)]).output().unwrap();
    assert!(!output.status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn generate_tls_writes_the_files_once_and_reuses_them() {
    let dir = scratch_dir("generate-tls").join("tls");
    let dir_arg = dir.to_str().unwrap();
    let (child, printed) = spawn(&["--generate-tls", dir_arg], 5);
    let url = listening_url(&printed[0]).to_owned();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    assert_eq!(printed[4], format!("CA certificate: {dir_arg}/ca.pem"));
    let ca = std::fs::read_to_string(dir.join("ca.pem")).unwrap();
    assert_eq!(https_get_clock(&url, &ca), 200);
    stop(child);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("key.pem")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let cert = std::fs::read_to_string(dir.join("cert.pem")).unwrap();

    // A second run serves the same certificate, still trusted through the same CA file.
    let (child, printed) = spawn(&["--generate-tls", dir_arg], 5);
    assert_eq!(printed[4], format!("CA certificate: {dir_arg}/ca.pem"));
    assert_eq!(https_get_clock(listening_url(&printed[0]), &ca), 200);
    stop(child);
    assert_eq!(std::fs::read_to_string(dir.join("cert.pem")).unwrap(), cert);
    assert_eq!(std::fs::read_to_string(dir.join("ca.pem")).unwrap(), ca);

    // With a file missing, a new CA and certificate are made.
    std::fs::remove_file(dir.join("cert.pem")).unwrap();
    let (child, _) = spawn(&["--generate-tls", dir_arg], 5);
    stop(child);
    assert_ne!(std::fs::read_to_string(dir.join("ca.pem")).unwrap(), ca);
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

/// Runs the binary on `--host host` until its first stdout line, then stops it; that line
/// and everything it wrote on stderr.
fn first_line_and_stderr(host: &str) -> (String, String) {
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--host", host])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    stop(child);
    let mut text = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
    (first, text)
}

#[test]
fn a_host_beyond_loopback_warns_that_the_control_api_has_no_authentication() {
    let (first, stderr) = first_line_and_stderr("0.0.0.0");
    // The first stdout line is still the address, for scripts.
    assert!(
        first.starts_with("connectycube-emulator listening on http://0.0.0.0:"),
        "{first}"
    );
    assert!(
        stderr.contains("warning: listening on 0.0.0.0, beyond this machine. The control API (/__emulator/...) has no authentication: anyone who can reach this port can read, change or reset all the emulator's data."),
        "{stderr}"
    );
    for host in ["127.0.0.1", "localhost"] {
        let (first, stderr) = first_line_and_stderr(host);
        assert!(
            first.starts_with("connectycube-emulator listening on http://127.0.0.1:"),
            "{first}"
        );
        assert!(!stderr.contains("warning"), "{host}: {stderr}");
    }
}
