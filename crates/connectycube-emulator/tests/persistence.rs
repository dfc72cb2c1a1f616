//! `--data-dir`: the emulator binary keeps its state across restarts, a `kill -9` in the
//! middle of a write load loses nothing it acknowledged, an unreadable state file stops
//! the start with a message naming it, and without the flag nothing is written.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the test failing, with its message"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "persistence/running.rs"]
mod running;

use running::{APP_ID, AUTH_KEY, BIN, Running, scratch_dir};

fn virtual_now(clock: &Value) -> time::OffsetDateTime {
    let text = clock["now"].as_str().unwrap();
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_users_sessions_blobs_identities_the_outbox_and_the_clock() {
    let dir = scratch_dir("restart");
    let before = Running::start(&dir);
    let (alice_token, alice) = before.session("alice").await;
    let bob = before
        .sign_up(json!({"login": "bob", "password": "password2", "email": "bob@example.com", "full_name": "Bob Stone"}))
        .await
        .unwrap()
        .expect(201)["user"]["id"]
        .as_i64()
        .unwrap();
    let dave = before
        .sign_up(json!({"login": "dave", "password": "password3"}))
        .await
        .unwrap()
        .expect(201);
    let dave = dave["user"]["id"].as_i64().unwrap();
    let dave_session = before.sign_in("dave", "password3").await.expect(201);
    let dave_token = dave_session["session"]["token"].as_str().unwrap();
    before
        .call("DELETE", &format!("/users/{dave}"), Some(dave_token), None)
        .await
        .unwrap()
        .expect(200);
    let update = json!({"user": {"full_name": "Alice Liddell", "tag_list": "reader,writer"}});
    before
        .call("PUT", &format!("/users/{alice}"), Some(&alice_token), Some(update))
        .await
        .unwrap()
        .expect(200);
    let avatar: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let blob = before.store_blob(&alice_token, &avatar).await.unwrap();
    let reset = json!({"email": "bob@example.com"});
    before
        .call("POST", "/users/password/reset", Some(&alice_token), Some(reset))
        .await
        .unwrap()
        .expect(200);
    // Identities registered through the control API: one used (its user linked), one not yet.
    for (token, uid) in [("fb-used", "100"), ("fb-later", "200")] {
        let identity = json!({"provider": "facebook", "token": token, "uid": uid});
        before
            .call("POST", "/__emulator/identities", None, Some(identity))
            .await
            .unwrap()
            .expect(200);
    }
    let facebook = |token: &str| {
        Some(json!({"application_id": APP_ID, "auth_key": AUTH_KEY, "provider": "facebook", "keys": {"token": token}}))
    };
    let fb_session = before
        .call("POST", "/session", None, facebook("fb-used"))
        .await
        .unwrap();
    let fb_user = fb_session.expect(201)["session"]["user_id"].as_i64().unwrap();
    let moved = before
        .call("POST", "/__emulator/clock", None, Some(json!({"advance_secs": 3600})))
        .await
        .unwrap()
        .expect(200);
    let outbox = before
        .call("GET", "/__emulator/outbox", None, None)
        .await
        .unwrap()
        .expect(200);
    // SIGKILL: everything below must already have been on disk when it was answered.
    before.kill();

    let after = Running::start(&dir);
    // The old token still works, for the same user.
    let session = after
        .call("GET", "/session", Some(&alice_token), None)
        .await
        .unwrap()
        .expect(200);
    assert_eq!(session["session"]["user_id"], alice);
    // Passwords are kept: the right one signs in as the same user, a wrong one is refused.
    let again = after.sign_in("bob", "password2").await.expect(201);
    assert_eq!(again["session"]["user_id"], bob);
    assert_eq!(after.sign_in("bob", "wrong-password").await.status, 401);
    // The list and the search find what was written, the update and the deletion included.
    let users = after.all_users(&alice_token).await;
    let logins: Vec<&String> = users.keys().filter(|login| !login.is_empty()).collect();
    assert_eq!(logins, ["alice", "bob"]);
    assert_eq!(users["alice"]["full_name"], "Alice Liddell");
    assert_eq!(users["alice"]["user_tags"], "reader,writer");
    let found = after
        .call("GET", "/users/v2?login=bob", Some(&alice_token), None)
        .await
        .unwrap()
        .expect(200);
    assert_eq!(found["items"][0]["id"], bob);
    // The blob and its bytes.
    assert_eq!(after.blob_bytes(&alice_token, &blob).await, avatar);
    // The outbox, as it was.
    let kept = after
        .call("GET", "/__emulator/outbox", None, None)
        .await
        .unwrap()
        .expect(200);
    assert_eq!(kept, outbox);
    assert_eq!(kept[0]["to"], "bob@example.com");
    // The clock keeps its offset from real time (an hour ahead, give or take the test's run).
    let clock = after
        .call("GET", "/__emulator/clock", None, None)
        .await
        .unwrap()
        .expect(200);
    let drift = virtual_now(&clock) - virtual_now(&moved);
    assert!(
        drift >= time::Duration::ZERO && drift < time::Duration::seconds(30),
        "{drift}"
    );
    // New ids continue after the highest ever given: dave's 3 is not reused, nor the
    // Facebook user's 4 (the highest when the emulator stopped).
    assert_eq!(fb_user, 4);
    let carol = after
        .sign_up(json!({"login": "carol", "password": "password4"}))
        .await
        .unwrap()
        .expect(201);
    assert_eq!(carol["user"]["id"], 5);
    let (_, erin) = after.session("erin").await;
    assert_eq!(erin, 6);
    // The used identity signs in as its user again; the other is still registered.
    let fb_again = after.call("POST", "/session", None, facebook("fb-used")).await.unwrap();
    assert_eq!(fb_again.expect(201)["session"]["user_id"], fb_user);
    let fb_later = after
        .call("POST", "/session", None, facebook("fb-later"))
        .await
        .unwrap();
    assert_eq!(fb_later.expect(201)["session"]["user"]["facebook_id"], "200");
    // The session expires as it would have: two hours after its last use.
    after
        .call(
            "POST",
            "/__emulator/clock",
            None,
            Some(json!({"advance_secs": 2 * 3600 + 60})),
        )
        .await
        .unwrap()
        .expect(200);
    assert_eq!(
        after
            .call("GET", "/session", Some(&alice_token), None)
            .await
            .unwrap()
            .status,
        401
    );
    after.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// What the load acknowledged, to be found after the restart.
#[derive(Default)]
struct Acknowledged {
    logins: BTreeSet<String>,
    /// user id → the last `custom_data` acknowledged for it.
    updates: BTreeMap<i64, u64>,
    /// blob uid → its bytes.
    blobs: BTreeMap<String, Vec<u8>>,
    highest_user_id: i64,
    /// Every acknowledged write, for the report.
    writes: usize,
}

/// Writes until the emulator is gone, recording each acknowledged one.
async fn load(emulator: Arc<Running>, worker: usize, round: usize, acked: Arc<Mutex<Acknowledged>>) {
    let login = format!("worker-{round}-{worker}");
    let body =
        json!({"application_id": APP_ID, "auth_key": AUTH_KEY, "user": {"login": login, "password": "password1"}});
    // On a slow machine the kill may come first.
    let Ok(session) = emulator.call("POST", "/session", None, Some(body)).await else {
        return;
    };
    let session = session.expect(201);
    let token = session["session"]["token"].as_str().unwrap().to_owned();
    let me = session["session"]["user_id"].as_i64().unwrap();
    {
        let mut acked = acked.lock().unwrap();
        acked.highest_user_id = acked.highest_user_id.max(me);
    }
    for n in 0u64.. {
        let written = match worker {
            // Sign-ups.
            0 | 1 => {
                let login = format!("user-{round}-{worker}-{n}");
                match emulator.sign_up(json!({"login": login, "password": "password1"})).await {
                    Ok(answer) => {
                        let id = answer.expect(201)["user"]["id"].as_i64().unwrap();
                        let mut acked = acked.lock().unwrap();
                        acked.logins.insert(login);
                        acked.highest_user_id = acked.highest_user_id.max(id);
                        acked.writes += 1;
                        true
                    }
                    Err(_) => false,
                }
            }
            // Updates of one's own user.
            2 => {
                let body = json!({"user": {"custom_data": n.to_string()}});
                match emulator
                    .call("PUT", &format!("/users/{me}"), Some(&token), Some(body))
                    .await
                {
                    Ok(answer) => {
                        answer.expect(200);
                        let mut acked = acked.lock().unwrap();
                        acked.updates.insert(me, n);
                        acked.writes += 1;
                        true
                    }
                    Err(_) => false,
                }
            }
            // Uploads.
            _ => {
                let bytes = format!("round {round} file {n} ").repeat(200).into_bytes();
                match emulator.store_blob(&token, &bytes).await {
                    Ok(uid) => {
                        let mut acked = acked.lock().unwrap();
                        acked.blobs.insert(uid, bytes);
                        // Created, uploaded, completed.
                        acked.writes += 3;
                        true
                    }
                    Err(_) => false,
                }
            }
        };
        if !written {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_mid_load_loses_no_acknowledged_write() {
    let dir = scratch_dir("kill");
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let started = Instant::now();
    let rounds = 6;
    for round in 0..rounds {
        let emulator = Arc::new(Running::start(&dir));
        let workers: Vec<_> = (0..4)
            .map(|worker| tokio::spawn(load(emulator.clone(), worker, round, acked.clone())))
            .collect();
        tokio::time::sleep(Duration::from_millis(rand::random_range(150..450))).await;
        // The tasks hold the client; the process is reached through its id.
        let pid = emulator.child.id().to_string();
        Command::new("kill").args(["-KILL", &pid]).status().unwrap();
        for worker in workers {
            worker.await.unwrap();
        }
        let mut emulator = Arc::into_inner(emulator).unwrap();
        emulator.child.wait().unwrap();
    }
    let acked = Arc::into_inner(acked).unwrap().into_inner().unwrap();
    assert!(
        acked.logins.len() >= rounds,
        "the load wrote too little to test anything"
    );
    assert!(!acked.blobs.is_empty() && !acked.updates.is_empty());

    let after = Running::start(&dir);
    let (token, checker) = after.session("checker").await;
    assert!(
        checker > acked.highest_user_id,
        "a new id ({checker}) after every acknowledged one"
    );
    let users = after.all_users(&token).await;
    let missing: Vec<_> = acked.logins.iter().filter(|l| !users.contains_key(*l)).collect();
    assert!(missing.is_empty(), "acknowledged sign-ups lost: {missing:?}");
    for user in users.values() {
        let Some(last) = user["id"].as_i64().and_then(|id| acked.updates.get(&id)) else {
            continue;
        };
        // The last acknowledged update, or the one in flight when the process died.
        let kept: u64 = user["custom_data"].as_str().unwrap().parse().unwrap();
        assert!(
            kept == *last || kept == last + 1,
            "user {}: {kept} after {last}",
            user["id"]
        );
    }
    for (uid, bytes) in &acked.blobs {
        assert_eq!(&after.blob_bytes(&token, uid).await, bytes, "blob {uid}");
    }
    after.stop();
    eprintln!(
        "{rounds} rounds in {:?}: {} writes acknowledged and kept ({} sign-ups, {} users updated, {} blobs)",
        started.elapsed(),
        acked.writes,
        acked.logins.len(),
        acked.updates.len(),
        acked.blobs.len()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs the binary on `dir` expecting it to refuse to start; its stderr.
fn refused_start(dir: &Path) -> String {
    let output = Command::new(BIN)
        .args(["--port", "0", "--data-dir", dir.to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!output.status.success(), "it started on a bad data directory");
    assert!(output.stdout.is_empty(), "no address printed: {:?}", output.stdout);
    String::from_utf8(output.stderr).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_emulator_on_the_same_directory_is_refused_until_the_first_is_gone() {
    let dir = scratch_dir("lock");
    let first = Running::start(&dir);
    let (token, _) = first.session("alice").await;

    let stderr = refused_start(&dir);
    assert!(stderr.contains("another emulator is using this directory"), "{stderr}");
    assert!(stderr.contains(dir.to_str().unwrap()), "names the directory: {stderr}");
    // The first one is unaffected and keeps saving.
    let (_, bob) = first.session("bob").await;
    first.kill();

    // `kill -9` leaves no stale lock: the next start takes the directory and has both users.
    let second = Running::start(&dir);
    let users = second.all_users(&token).await;
    assert!(users.contains_key("alice") && users.contains_key("bob"), "{users:?}");
    assert_eq!(users["bob"]["id"], bob);
    second.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_state_file_stops_the_start_naming_it_and_is_left_as_it_was() {
    let dir = scratch_dir("corrupt");
    let emulator = Running::start(&dir);
    let (token, _) = emulator.session("alice").await;
    let blob = emulator.store_blob(&token, b"avatar bytes").await.unwrap();
    emulator.stop();
    let state = dir.join("state.json");
    let good = std::fs::read(&state).unwrap();

    // Cut in the middle, as a disk that lied about a flush might leave it.
    let torn = &good[..good.len() / 2];
    std::fs::write(&state, torn).unwrap();
    let stderr = refused_start(&dir);
    assert!(
        stderr.contains(&format!("cannot start: data directory: {}", state.display())),
        "{stderr}"
    );
    assert!(stderr.contains("not a readable emulator state file"), "{stderr}");
    assert!(stderr.contains("changed nothing"), "{stderr}");
    assert_eq!(
        std::fs::read(&state).unwrap(),
        torn,
        "the file is left for the user to inspect"
    );

    // A file from a newer emulator.
    let mut newer: Value = serde_json::from_slice(&good).unwrap();
    newer["version"] = json!(7);
    std::fs::write(&state, serde_json::to_vec(&newer).unwrap()).unwrap();
    let stderr = refused_start(&dir);
    assert!(
        stderr.contains("written by a newer emulator (format version 7; this one reads version 1)"),
        "{stderr}"
    );

    // Some other JSON file.
    std::fs::write(&state, br#"{"users": []}"#).unwrap();
    assert!(refused_start(&dir).contains("not an emulator state file"));

    // A blob "file" outside the directory is never read.
    let outside = String::from_utf8(good.clone()).unwrap();
    let name = outside
        .split("\"data_file\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    std::fs::write(&state, outside.replace(name, "../../../../etc/passwd")).unwrap();
    let stderr = refused_start(&dir);
    assert!(
        stderr.contains("names a data file \"../../../../etc/passwd\" this emulator never writes"),
        "{stderr}"
    );

    // An unfinished snapshot beside a file that does not load stays too.
    std::fs::write(dir.join("state.json.tmp"), b"{").unwrap();
    refused_start(&dir);
    assert!(dir.join("state.json.tmp").exists());

    // A blob's bytes changed behind the emulator's back: the message names that file.
    std::fs::write(&state, &good).unwrap();
    let blob_file = std::fs::read_dir(dir.join("blobs"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&blob_file, b"other bytes").unwrap();
    let stderr = refused_start(&dir);
    assert!(stderr.contains(&blob_file.display().to_string()), "{stderr}");
    assert!(stderr.contains("do not match their checksum"), "{stderr}");

    // Put right, it starts with everything there.
    std::fs::write(&blob_file, b"avatar bytes").unwrap();
    let emulator = Running::start(&dir);
    assert_eq!(emulator.blob_bytes(&token, &blob).await, b"avatar bytes");
    emulator.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        }
        found.push(path);
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_data_dir_nothing_is_written() {
    let cwd = scratch_dir("memory-cwd");
    let home = scratch_dir("memory-home");
    let emulator = Running::start_with(
        Command::new(BIN)
            .current_dir(&cwd)
            .env("HOME", &home)
            .env("TMPDIR", &home)
            .env("XDG_DATA_HOME", &home),
    );
    let (token, _) = emulator.session("alice").await;
    emulator.store_blob(&token, b"bytes").await.unwrap();
    emulator
        .call("POST", "/__emulator/clock", None, Some(json!({"advance_secs": 60})))
        .await
        .unwrap()
        .expect(200);
    // Time for a background save, were there one.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    emulator.stop();
    assert_eq!(files_under(&cwd), Vec::<PathBuf>::new());
    assert_eq!(files_under(&home), Vec::<PathBuf>::new());
    // The next start is empty: alice's password is not checked, she is a new user.
    let fresh = Running::start_in(&cwd, &[]);
    assert_eq!(fresh.sign_in("alice", "another-password").await.status, 201);
    fresh.stop();
    let _ = std::fs::remove_dir_all(&cwd);
    let _ = std::fs::remove_dir_all(&home);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_state_file_is_private_to_its_owner() {
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch_dir("mode");
        let emulator = Running::start(&dir);
        emulator.session("alice").await;
        emulator.stop();
        let mode = std::fs::metadata(dir.join("state.json")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "session tokens and password hashes: {mode:o}");
        let mut text = String::new();
        std::fs::File::open(dir.join("state.json"))
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert!(!text.contains("password1"), "no plain password on disk");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// `EmulatorConfig::data_dir` for the embedded emulator: what a read changed (a session's
/// sliding expiry) is saved too, at the latest when the emulator shuts down.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_emulator_saves_what_reads_changed_when_it_shuts_down() {
    use connectycube_emulator::{Emulator, EmulatorConfig};
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = scratch_dir("embedded");
    let config = || EmulatorConfig {
        data_dir: Some(dir.clone()),
        ..EmulatorConfig::default()
    };
    let http = reqwest::Client::new();
    let call = |base: String, method: reqwest::Method, path: &str, token: Option<&str>, body: Option<Value>| {
        let mut request = http.request(method, format!("{base}{path}"));
        if let Some(token) = token {
            request = request.header("CB-Token", token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let clock = |secs: i64| Some(json!({ "advance_secs": secs }));

    let emulator = Emulator::start(config()).await.unwrap();
    let base = emulator.url().to_owned();
    let body =
        json!({"application_id": APP_ID, "auth_key": AUTH_KEY, "user": {"login": "alice", "password": "password1"}});
    let session: Value = http
        .post(format!("{base}/session"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["session"]["token"].as_str().unwrap();
    // Ninety minutes on, a read extends the session to two hours from then.
    assert_eq!(
        call(
            base.clone(),
            reqwest::Method::POST,
            "/__emulator/clock",
            None,
            clock(90 * 60)
        )
        .await,
        200
    );
    assert_eq!(
        call(base.clone(), reqwest::Method::GET, "/session", Some(token), None).await,
        200
    );
    emulator.shutdown().await;

    let emulator = Emulator::start(config()).await.unwrap();
    let base = emulator.url().to_owned();
    // An hour later the session lives: past its first expiry, within the extended one.
    assert_eq!(
        call(
            base.clone(),
            reqwest::Method::POST,
            "/__emulator/clock",
            None,
            clock(60 * 60)
        )
        .await,
        200
    );
    assert_eq!(
        call(base.clone(), reqwest::Method::GET, "/session", Some(token), None).await,
        200
    );
    emulator.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

/// What a read changed (a session's sliding expiry) reaches the disk within a second,
/// without a write or a shutdown to carry it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_read_changed_is_saved_within_a_second() {
    let dir = scratch_dir("read-changes");
    let before = Running::start(&dir);
    let (token, _) = before.session("alice").await;
    let clock = |secs: i64| Some(json!({ "advance_secs": secs }));
    before
        .call("POST", "/__emulator/clock", None, clock(90 * 60))
        .await
        .unwrap()
        .expect(200);
    // Ninety minutes on, a read extends the session to two hours from then.
    before
        .call("GET", "/session", Some(&token), None)
        .await
        .unwrap()
        .expect(200);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    before.kill();

    let after = Running::start(&dir);
    // An hour later: past the session's first expiry, within the extended one.
    after
        .call("POST", "/__emulator/clock", None, clock(60 * 60))
        .await
        .unwrap()
        .expect(200);
    after
        .call("GET", "/session", Some(&token), None)
        .await
        .unwrap()
        .expect(200);
    after.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}
