//! Requests too large for the server and endpoints that try to walk around the https-only
//! rule: typed errors, and nothing sent where it must not go.

use connectycube::{ConnectyCube, Error, Upload};
use connectycube_emulator::tls::TestPki;

use crate::client;
use crate::server::{HostileServer, Reply, session};

#[tokio::test]
async fn a_url_no_server_can_take_is_refused_before_sending() {
    let server = HostileServer::start(|_| Reply::json(201, &[], &session("T"))).await;
    let cc = client(&server.url).build().unwrap();
    let ids: Vec<u64> = (1_000_000..1_020_000).collect();
    let error = cc.users().get_by_ids(&ids, Default::default(), None).await.unwrap_err();
    assert!(
        matches!(error, Error::RequestTooLarge { status: None, .. }),
        "{error:?}"
    );
    assert_eq!(error.code(), "request_too_large");
    assert!(error.to_string().contains("split the lookup"), "{error}");
    assert!(server.requests().iter().all(|r| !r.target.starts_with("/users")));
}

#[test]
fn an_endpoint_with_userinfo_or_a_backslash_trick_is_refused() {
    for endpoint in [
        "http://evil.example\\@127.0.0.1:9",
        "https://user:CANARY@api.example.com",
    ] {
        let error = ConnectyCube::builder(1, "key")
            .api_endpoint(endpoint)
            .build()
            .unwrap_err();
        assert_eq!(error.code(), "invalid_input", "{endpoint}");
        assert!(!error.to_string().contains("CANARY"));
    }
}

/// An HTTPS API whose `POST /blobs` hands out `upload_address`.
async fn storage_api(pki: &TestPki, upload_address: String) -> HostileServer {
    HostileServer::start_tls(&pki.server, move |request| {
        let path = request.path();
        if request.is("POST", "/session") {
            Reply::json(
                201,
                &[],
                r#"{"session":{"id":7,"application_id":1,"token":"T","user_id":5,"user":{"id":5,"login":"me"}}}"#,
            )
        } else if request.is("POST", "/blobs") {
            let params = format!("{upload_address}?key=uid1&x-amz-signature=s");
            let body = serde_json::json!({"blob": {"id": 1, "uid": "uid1", "name": "a.png",
                "blob_object_access": {"params": params}}});
            Reply::json(201, &[], &body.to_string())
        } else if path == "/upload" {
            Reply::json(201, &[], "")
        } else {
            Reply::json(200, &[], r#"{"blob":{"id":1,"uid":"uid1"}}"#)
        }
    })
    .await
}

fn trusting(pki: &TestPki, url: &str) -> ConnectyCube {
    client(url).add_root_certificates_pem(&pki.ca_cert_pem).build().unwrap()
}

#[tokio::test]
async fn a_file_never_goes_to_a_plain_http_address_when_the_api_is_https() {
    let pki = TestPki::generate().unwrap();
    let cleartext = HostileServer::start(|_| Reply::json(201, &[], "")).await;
    let api = storage_api(&pki, format!("{}/upload", cleartext.url)).await;
    let cc = trusting(&pki, &api.url);
    cc.auth()
        .create_session(Some(connectycube::Credentials::login("me", "password1")))
        .await
        .unwrap();
    let error = cc
        .storage()
        .upload(Upload::new(vec![7u8; 1000], "a.png", "image/png"))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "decode");
    assert!(error.to_string().contains("plain http://"), "{error}");
    assert_eq!(cleartext.connections(), 0, "the file left in cleartext");
}

#[tokio::test]
async fn an_upload_address_in_capitals_goes_to_its_own_host() {
    let pki = TestPki::generate().unwrap();
    let files = HostileServer::start_tls(&pki.server, |_| Reply::json(201, &[], "")).await;
    let shouted = files.url.replacen("https://localhost", "HTTPS://LOCALHOST", 1);
    let api = storage_api(&pki, format!("{shouted}/upload")).await;
    let cc = trusting(&pki, &api.url);
    cc.auth()
        .create_session(Some(connectycube::Credentials::login("me", "password1")))
        .await
        .unwrap();
    cc.storage()
        .upload(Upload::new(vec![7u8; 1000], "a.png", "image/png"))
        .await
        .unwrap();
    assert_eq!(files.count("POST", "/upload"), 1);
    assert!(
        api.requests().iter().all(|r| !r.target.contains("HTTPS")),
        "glued onto the endpoint"
    );
}
