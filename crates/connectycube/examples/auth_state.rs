//! Follow who is signed in: a task prints every state of `cc.auth().states()` while the
//! main flow signs in, lets the session expire (the emulator's clock jumps past it), has
//! the SDK renew it, signs out and ends the session.
//!
//! ```sh
//! cargo run -p connectycube --example auth_state
//! ```
//!
//! The example fails unless the states arrive in the order the steps make them.

#![allow(clippy::print_stdout, reason = "an example prints its steps")]

mod common;

use std::process::ExitCode;
use std::time::Duration;

use common::{BoxError, Playground, ensure, unique_suffix};
use connectycube::{AuthChangeReason as Reason, AuthState, AuthStateKind as Kind, Credentials, NewUser};

/// A session expires two hours after its last request (the service's rule, which the
/// emulator follows by its own clock).
const SESSION_LIFETIME_SECS: u64 = 2 * 60 * 60;

async fn run(emulator: &Playground) -> Result<(), BoxError> {
    // Keeping the password in memory (the default) is what lets the SDK renew a user
    // session by itself when it expires.
    let cc = emulator.builder().build()?;

    // The stream starts with the current state, then every change in order; it ends when
    // the client (every clone of it) is dropped. An app would drive its UI from it. The
    // follower runs on a task of its own, so a line may print a little after its step.
    let mut states = cc.auth().states();
    let follower = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Some(state) = states.next().await {
            println!(
                "  state     {:?} (user {:?}) because {:?}",
                state.kind, state.user_id, state.reason
            );
            seen.push(state);
        }
        seen
    });

    let suffix = unique_suffix();
    let login = format!("states_{suffix}");
    let password = format!("pwd-{suffix}");
    let me = cc
        .users()
        .sign_up(NewUser::with_login(&login, password.as_str()))
        .await?
        .id;

    println!("step        sign in as user {me}");
    cc.auth()
        .create_session(Some(Credentials::login(&login, password.as_str())))
        .await?;

    let now = emulator.advance_clock(SESSION_LIFETIME_SECS + 1).await?;
    println!("step        the server's clock moves on to {now}: the session has expired");
    // The client learns it from the next answer (401), renews with the kept sign-in and
    // replays the call: the caller just gets the user.
    let user = cc.users().get(me).await?;
    println!("step        a call after the expiry got user {}", user.id);

    println!("step        sign out (the session goes on without a user)");
    cc.auth().sign_out().await?;
    println!("step        destroy the session");
    cc.auth().destroy_session().await?;

    // Dropping the client ends the stream; the follower hands back what it saw.
    drop(cc);
    let seen = tokio::time::timeout(Duration::from_secs(5), follower)
        .await
        .map_err(|_| "the state stream did not end when the client was dropped")??;

    let expected = [
        (Kind::NoSession, None, Reason::Initial),
        (Kind::SignedIn, Some(me), Reason::SignedIn),
        (Kind::NoSession, None, Reason::Expired),
        (Kind::SignedIn, Some(me), Reason::Renewed),
        (Kind::AppSession, None, Reason::SignedOut),
        (Kind::NoSession, None, Reason::Destroyed),
    ];
    let seen: Vec<_> = seen.iter().map(|s: &AuthState| (s.kind, s.user_id, s.reason)).collect();
    ensure(seen == expected, || {
        format!("the states were {seen:?}, not {expected:?}")
    })?;
    println!("checked     {} states, in the order of the steps", seen.len());
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = Playground::run_example(run).await;
    common::exit_code("auth_state", result)
}
