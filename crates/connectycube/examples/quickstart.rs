//! The "Authentication and Users" flow of the ConnectyCube docs, step by step: sign up,
//! sign in, update the profile, upload an avatar and read it back, search, reset the
//! password, sign out, delete the user.
//!
//! ```sh
//! cargo run -p connectycube --example quickstart          # against an in-process emulator
//! CONNECTYCUBE_API_ENDPOINT=https://api.connectycube.com \
//! CONNECTYCUBE_APP_ID=… CONNECTYCUBE_AUTH_KEY=… [CONNECTYCUBE_AUTH_SECRET=…] \
//!   cargo run -p connectycube --example quickstart        # against a real server
//! ```
//!
//! `CONNECTYCUBE_CA_CERT=path/to/ca.pem` trusts a CA beside the bundled roots: an emulator
//! serving HTTPS (`connectycube-emulator --generate-tls DIR` prints where its CA is), a
//! staging server, a corporate proxy.
//!
//! Against a real server the example creates one user with a unique login and deletes it
//! at the end.

#![allow(clippy::print_stdout, reason = "an example prints its steps")]

use std::error::Error as StdError;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use connectycube::{
    ConnectyCube, Credentials, NewUser, Pagination, SearchField, Upload, UserFields, UserSearch, UserUpdate,
};
use connectycube_emulator::{Emulator, EmulatorConfig};
use connectycube_transport::{
    HttpRequest, Method, ReqwestTransport, TlsOptions, Transport, TransportConfig, redact_url,
};

type BoxError = Box<dyn StdError + Send + Sync>;

/// A 1×1 transparent PNG: the avatar.
const AVATAR_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// Where the example talks to: a real endpoint from the environment, or a local emulator.
struct Target {
    endpoint: String,
    app_id: u64,
    auth_key: String,
    auth_secret: Option<String>,
    /// A CA to trust beside the bundled roots (PEM), from `CONNECTYCUBE_CA_CERT`.
    ca_pem: Option<Vec<u8>>,
    /// Kept alive for the whole run; `None` against a real server.
    emulator: Option<Emulator>,
}

fn extra_ca() -> Result<Option<Vec<u8>>, BoxError> {
    match std::env::var("CONNECTYCUBE_CA_CERT") {
        Ok(path) if !path.trim().is_empty() => std::fs::read(path.trim())
            .map(Some)
            .map_err(|e| format!("cannot read CONNECTYCUBE_CA_CERT ({path}): {e}").into()),
        _ => Ok(None),
    }
}

async fn target() -> Result<Target, BoxError> {
    match std::env::var("CONNECTYCUBE_API_ENDPOINT") {
        Ok(endpoint) if !endpoint.trim().is_empty() => {
            let app_id = std::env::var("CONNECTYCUBE_APP_ID")
                .map_err(|_| "CONNECTYCUBE_API_ENDPOINT is set, so CONNECTYCUBE_APP_ID must be set too")?;
            let app_id = app_id
                .trim()
                .parse::<u64>()
                .map_err(|e| format!("CONNECTYCUBE_APP_ID is not a number: {e}"))?;
            let auth_key = std::env::var("CONNECTYCUBE_AUTH_KEY")
                .map_err(|_| "CONNECTYCUBE_API_ENDPOINT is set, so CONNECTYCUBE_AUTH_KEY must be set too")?;
            let auth_secret = std::env::var("CONNECTYCUBE_AUTH_SECRET").ok().filter(|s| !s.is_empty());
            Ok(Target {
                endpoint: endpoint.trim().to_owned(),
                app_id,
                auth_key,
                auth_secret,
                ca_pem: extra_ca()?,
                emulator: None,
            })
        }
        _ => {
            let emulator = Emulator::start(EmulatorConfig::default())
                .await
                .map_err(|e| format!("could not start the emulator: {e}"))?;
            let config = emulator.config();
            Ok(Target {
                endpoint: emulator.url().to_owned(),
                app_id: config.app_id,
                auth_key: config.auth_key.clone(),
                auth_secret: Some(config.auth_secret.clone()),
                ca_pem: extra_ca()?,
                emulator: Some(emulator),
            })
        }
    }
}

/// A suffix that keeps logins, e-mails and tags of separate runs apart on a shared server.
fn unique_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{:x}{:x}", nanos % 0xFFFF_FFFF_FFFF, std::process::id())
}

async fn run() -> Result<(), BoxError> {
    let target = target().await?;
    match &target.emulator {
        Some(_) => println!("0. emulator       listening on {}", target.endpoint),
        None => println!("0. server         {}", target.endpoint),
    }

    let mut builder = ConnectyCube::builder(target.app_id, target.auth_key.as_str()).api_endpoint(&target.endpoint);
    if let Some(secret) = &target.auth_secret {
        builder = builder.auth_secret(secret.as_str());
    }
    let mut tls = TlsOptions::default();
    if let Some(pem) = &target.ca_pem {
        builder = builder.add_root_certificates_pem(pem);
        tls.add_roots_pem(pem)?;
        println!("0. TLS            trusting the CA of CONNECTYCUBE_CA_CERT beside the bundled roots");
    }
    let cc = builder.build()?;

    let suffix = unique_suffix();
    let login = format!("quickstart_{suffix}");
    let email = format!("quickstart_{suffix}@example.com");
    let password = format!("pwd-{suffix}-1");
    let new_password = format!("pwd-{suffix}-2");
    let tag = format!("qs{suffix}");

    // 1. Sign up: the auth key alone is enough, no session is created for it.
    let mut new_user = NewUser::with_login(&login, password.as_str());
    new_user.fields.email = Some(email.clone());
    new_user.fields.full_name = Some("Quick Start".into());
    new_user.fields.tags = Some(vec!["quickstart".into(), tag.clone()]);
    new_user.fields.custom_data = Some(r#"{"level":1}"#.into());
    let user = cc.users().sign_up(new_user).await?;
    println!(
        "1. sign up        user id {}, login {}, tags {:?}",
        user.id,
        user.login.as_deref().unwrap_or("?"),
        user.tags
    );
    // Two more users with the run's tag, so the search below has pages to walk.
    let mut friends = Vec::new();
    for n in 1..=2 {
        let friend_login = format!("quickstart_{suffix}_friend{n}");
        let mut friend = NewUser::with_login(&friend_login, password.as_str());
        friend.fields.full_name = Some(format!("Quick Start Friend {n}"));
        friend.fields.tags = Some(vec![tag.clone()]);
        let friend = cc.users().sign_up(friend).await?;
        friends.push((friend.id, friend_login));
    }
    println!(
        "1. sign up        friends {:?} with tag {tag}",
        friends.iter().map(|(id, _)| *id).collect::<Vec<_>>()
    );

    // 2. Sign in: a user session for the login and password.
    let session = cc
        .auth()
        .create_session(Some(Credentials::login(&login, password.as_str())))
        .await?;
    println!(
        "2. sign in        user session for user {}, expires {}",
        session.user_id.map_or_else(|| "?".to_owned(), |id| id.to_string()),
        session
            .expires_at
            .map_or_else(|| "(unknown)".to_owned(), |at| at.to_string())
    );

    // 3. Update the profile (and change the password: the current one is required).
    let update = UserUpdate {
        fields: UserFields {
            full_name: Some("Quick Start Updated".into()),
            website: Some("https://example.com".into()),
            tags: Some(vec!["quickstart".into(), tag.clone(), "updated".into()]),
            ..UserFields::default()
        },
        ..UserUpdate::default()
    }
    .change_password(password.as_str(), new_password.as_str());
    let user = cc.users().update(update).await?;
    println!(
        "3. update         full name {:?}, tags {:?}, password changed",
        user.full_name.as_deref().unwrap_or(""),
        user.tags
    );

    // 4. Avatar: upload a private image, make it the avatar, read it back by its private URL.
    let (blob, user) = cc
        .storage()
        .set_avatar(Upload::new(AVATAR_PNG, "avatar.png", "image/png"))
        .await?;
    let url = cc.storage().private_url(&blob.uid)?;
    // The private URL carries the session token: it is fetched, never printed as is.
    let http = ReqwestTransport::new(TransportConfig {
        tls,
        ..TransportConfig::default()
    })?;
    let response = http.send(HttpRequest::new(Method::GET, url.as_str())).await?;
    if !response.status.is_success() {
        return Err(format!("GET {} answered {}", redact_url(&url), response.status).into());
    }
    if response.body.as_ref() != AVATAR_PNG {
        return Err(format!(
            "the avatar read back has {} bytes, not the {} uploaded",
            response.body.len(),
            AVATAR_PNG.len()
        )
        .into());
    }
    println!(
        "4. avatar         blob uid {}, user avatar {}, GET {} -> {} ({} bytes, {})",
        blob.uid,
        user.avatar.as_deref().unwrap_or("?"),
        redact_url(&url),
        response.status.as_u16(),
        response.body.len(),
        response.header("content-type").unwrap_or("?")
    );

    // 5–6. Searches: one user by login, then every user with the run's tag, a page at a time.
    let found = cc.users().get_by_login(&login).await?;
    println!("5. get_by_login   {login} -> user id {}", found.id);
    let per_page = 2;
    let mut page_number = 0;
    let mut found_ids = Vec::new();
    loop {
        let search = UserSearch::new()
            .is_in(SearchField::UserTags, [tag.as_str()])
            .paginate(Pagination::new(page_number, per_page));
        let page = cc.users().search(search).await?;
        found_ids.extend(page.items.iter().map(|u| u.id));
        page_number += 1;
        if !page.has_more() || page.items.is_empty() {
            println!(
                "6. search         tag {tag}: {} user(s) found in {page_number} page(s) of {per_page} (total_entries {}), ids {found_ids:?}",
                found_ids.len(),
                page.total_entries
            );
            break;
        }
    }
    let expected = friends.iter().map(|(id, _)| *id).chain([user.id]);
    if let Some(missing) = expected.into_iter().find(|id| !found_ids.contains(id)) {
        return Err(format!("the tag search did not find user {missing}").into());
    }

    // 7. Password reset: the server e-mails instructions (the emulator keeps them in an outbox).
    cc.users().reset_password(&email).await?;
    let outbox = match &target.emulator {
        Some(emulator) => {
            let response = http
                .send(HttpRequest::new(
                    Method::GET,
                    format!("{}/__emulator/outbox", emulator.url()),
                ))
                .await?;
            let mails: serde_json::Value = serde_json::from_slice(&response.body)?;
            let count = mails.as_array().map_or(0, Vec::len);
            format!(", emulator outbox holds {count} mail(s)")
        }
        None => String::new(),
    };
    println!("7. reset password instructions requested for {email}{outbox}");

    // 8. Sign out: the session goes on as an application session.
    cc.auth().sign_out().await?;
    let user_session = cc.session().is_some_and(|s| s.is_user_session());
    println!("8. sign out       still a user session: {user_session}");

    // 9. Delete the user: sign in again (with the new password) on the same session, then delete.
    let signed_in = cc
        .auth()
        .sign_in(Credentials::login(&login, new_password.as_str()))
        .await?;
    cc.users().delete_me().await?;
    println!(
        "9. delete         user {} deleted (signed in again with the new password first)",
        signed_in.id
    );
    for (id, friend_login) in &friends {
        cc.auth()
            .sign_in(Credentials::login(friend_login, password.as_str()))
            .await?;
        cc.users().delete_me().await?;
        println!("9. delete         friend {id} deleted");
    }

    if let Some(emulator) = target.emulator {
        emulator.shutdown().await;
    }
    println!("done");
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("quickstart failed: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}
