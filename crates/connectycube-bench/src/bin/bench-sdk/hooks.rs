//! What the app's hooks into the Rust SDK cost a call: the same sequential calls on clients
//! that differ only in what the app attached.
//!
//! The calls are `POST /session` (an application session each), the scenario in which the
//! auth state changes on every call: with a subscriber every call queues a state for it, and
//! without one the SDK only records the new state under the session lock it already holds.
//! The variants alternate round by round and each keeps its lowest p50, as the main cells do.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use connectycube::ConnectyCube;
use serde::Serialize;

use crate::Target;
use crate::in_process::{app_session, control, drive, sdk_client};
use crate::options::{Mode, Options, Scenario};

/// What the app attached to the client.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Hook {
    Nothing,
    /// One `cc.auth().states()` stream, drained by a task of its own as an app's UI would.
    AuthStateSubscriber,
}

impl Hook {
    pub const ALL: [Hook; 2] = [Hook::Nothing, Hook::AuthStateSubscriber];

    pub fn label(self) -> &'static str {
        match self {
            Self::Nothing => "nothing attached",
            Self::AuthStateSubscriber => "one auth-state subscriber",
        }
    }

    /// Attaches the hook; what it counted (states received) can be read while it runs.
    fn attach(self, cc: &ConnectyCube) -> Option<Attached> {
        match self {
            Self::Nothing => None,
            Self::AuthStateSubscriber => {
                let mut states = cc.auth().states();
                let seen = Arc::new(AtomicU64::new(0));
                let counter = seen.clone();
                let task = tokio::spawn(async move {
                    while states.next().await.is_some() {
                        counter.fetch_add(1, Ordering::Relaxed);
                    }
                });
                Some(Attached { seen, task })
            }
        }
    }
}

struct Attached {
    seen: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Attached {
    /// Waits (a little) until the hook has received `expected` items: a subscriber that fell
    /// behind or lost states would make the figure meaningless.
    async fn expect(self, expected: u64) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.seen.load(Ordering::Relaxed) < expected && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.task.abort();
        let seen = self.seen.load(Ordering::Relaxed);
        if seen == expected {
            Ok(())
        } else {
            Err(anyhow!("the subscriber received {seen} states, {expected} expected"))
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct HookCost {
    pub hook: &'static str,
    /// The lowest p50 over the rounds, µs.
    pub p50_us: f64,
    pub p99_us: f64,
    pub calls: u64,
}

/// Each hook measured `options.rounds` times (at least 3), alternating.
pub async fn hook_costs(raw: &reqwest::Client, target: &Target, options: &Options) -> Result<Vec<HookCost>> {
    let mut best: Vec<HookCost> = Vec::new();
    for _round in 0..options.rounds.max(3) {
        for hook in Hook::ALL {
            // Every measurement starts from an empty store, as the session cells do.
            control(raw, target, reqwest::Method::POST, "reset").await?;
            let cc = sdk_client(&target.url)?;
            let subscriber = hook.attach(&cc);
            let calls = cc.clone();
            let tally = drive(Mode::Sequential, options, target.emulator_pid, move |_| {
                app_session(calls.clone())
            })
            .await?;
            let record = tally.into_record("sdk", Scenario::Session, Mode::Sequential);
            if let Some(error) = record.first_error {
                return Err(anyhow!("{}: {error}", hook.label()));
            }
            if let Some(attached) = subscriber {
                // The initial state, then one per call (each replaces the application session).
                attached.expect(options.requests + options.warmup_requests + 1).await?;
            }
            match best.iter_mut().find(|cost| cost.hook == hook.label()) {
                Some(cost) if cost.p50_us <= record.p50_us => {}
                Some(cost) => {
                    cost.p50_us = record.p50_us;
                    cost.p99_us = record.p99_us;
                }
                None => best.push(HookCost {
                    hook: hook.label(),
                    p50_us: record.p50_us,
                    p99_us: record.p99_us,
                    calls: record.requests,
                }),
            }
        }
    }
    Ok(best)
}
