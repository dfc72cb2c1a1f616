//! The command line fixed by `emulator-control.md`: the first stdout line, the printed
//! defaults, `--help`, and a clean stop on SIGTERM.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the test failing, with its message"
)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

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
    let printed: Vec<String> = lines.by_ref().take(3).map(Result::unwrap).collect();
    assert_eq!(
        printed,
        ["app id: 77", "auth key: AK-x", "auth secret: SECRETsecret123"]
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
