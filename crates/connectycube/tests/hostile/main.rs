//! The SDK against servers that misbehave, over real sockets: bodies that never end,
//! floods of messages, dates out of reason, tokens no header can carry, answers that drip,
//! redirects to elsewhere, `Retry-After` dates, URLs and bodies too large, upload addresses
//! that would leak a file. Each case ends in a typed error or a recovered client — never a
//! panic, an unbounded allocation or a request the SDK should not have sent.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing, with its message")]

mod server;

mod answers;
mod limits;
mod retries;

use std::time::Duration;

use connectycube::{ConnectyCube, ConnectyCubeBuilder, RetryConfig, Timeouts};

/// A client for a hostile server: fast retries so tests do not wait on backoff.
fn client(url: &str) -> ConnectyCubeBuilder {
    ConnectyCube::builder(1, "29WfrNWdvkhmX6V")
        .api_endpoint(url)
        .retry(RetryConfig {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(5),
        })
        .timeouts(Timeouts {
            connect: Duration::from_secs(5),
            attempt: Duration::from_secs(5),
            operation: Duration::from_secs(10),
        })
}
