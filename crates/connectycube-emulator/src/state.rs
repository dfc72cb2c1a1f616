//! Everything a request handler reaches: the app's settings, the clock, the store, and
//! the test-control state (fault rules, request counts).

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::{Mutex, MutexGuard};
use serde::Deserialize;
use serde_json::Value;

use crate::clock::Clock;
use crate::config::EmulatorConfig;
use crate::persist::{Persister, Restored};
use crate::store::Store;
use crate::switches::Switches;

pub type App = Arc<AppState>;

pub struct AppState {
    pub config: EmulatorConfig,
    /// The admin-panel switches, which routes read instead of `config`'s start values.
    pub switches: Switches,
    pub clock: Clock,
    /// `http(s)://HOST:PORT` as bound; used for upload URLs when a request has no `Host`.
    pub base_url: String,
    store: Mutex<Store>,
    pub faults: Mutex<Vec<FaultRule>>,
    pub stats: Mutex<BTreeMap<String, u64>>,
    pub connections: ConnectionCounts,
    /// Counts every mutable use of the store, so `--data-dir` knows whether to save.
    pub changes: AtomicU64,
    /// Present with `--data-dir`.
    pub persister: Option<Persister>,
}

/// The locked store; with `--data-dir`, using it mutably counts a change (see
/// [`AppState::changes`]). Without, nothing is counted: the in-memory path stays as it was.
pub struct StoreGuard<'a> {
    store: MutexGuard<'a, Store>,
    changes: Option<&'a AtomicU64>,
}

impl Deref for StoreGuard<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

impl DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        if let Some(changes) = self.changes {
            changes.fetch_add(1, Ordering::Relaxed);
        }
        &mut self.store
    }
}

/// Connection-level counts of `GET /__emulator/stats`.
#[derive(Default)]
pub struct ConnectionCounts {
    /// TCP connections accepted.
    pub accepted: AtomicU64,
    pub tls_completed: AtomicU64,
    pub tls_failed: AtomicU64,
}

impl ConnectionCounts {
    pub fn count(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    fn reset(&self) {
        for counter in [&self.accepted, &self.tls_completed, &self.tls_failed] {
            counter.store(0, Ordering::Relaxed);
        }
    }
}

impl AppState {
    /// A fresh state, or the one a data directory held.
    pub fn new(config: EmulatorConfig, base_url: String, restored: Option<Restored>) -> Self {
        let (store, clock, persister) = match restored {
            Some(r) => (r.store, Clock::with_offset_ms(r.clock_offset_ms), Some(r.persister)),
            None => (Store::default(), Clock::default(), None),
        };
        Self {
            switches: Switches::new(&config),
            config,
            clock,
            base_url,
            store: Mutex::new(store),
            changes: AtomicU64::new(0),
            persister,
            faults: Mutex::new(Vec::new()),
            stats: Mutex::new(BTreeMap::new()),
            connections: ConnectionCounts::default(),
        }
    }

    /// `https` when serving TLS, else `http`: the scheme of every URL handed out.
    pub fn scheme(&self) -> &'static str {
        if self.config.tls.is_some() { "https" } else { "http" }
    }

    /// The store, swept of whatever has expired by `now`.
    pub fn store(&self, now: time::OffsetDateTime) -> StoreGuard<'_> {
        let mut store = self.store.lock();
        // Not counted as a change: what a sweep drops has expired, and is dropped again on load.
        store.sweep_if_due(now);
        StoreGuard {
            store,
            changes: self.persister.is_some().then_some(&self.changes),
        }
    }

    /// The store as it is, expired entries included: the inspection views show an expired
    /// session as expired until the sweep removes it.
    pub fn store_unswept(&self) -> MutexGuard<'_, Store> {
        self.store.lock()
    }

    pub fn reset(&self) {
        *self.store(self.clock.now()) = Store::default();
        self.faults.lock().clear();
        self.stats.lock().clear();
        self.connections.reset();
        self.clock.reset();
        self.switches.restore();
    }

    pub fn count_request(&self, route: String) {
        *self.stats.lock().entry(route).or_insert(0) += 1;
    }

    /// The fault the next request gets, if a rule matches; spends one use of it. A prefix
    /// matches the path as sent or without `.json`, and a `.json` prefix matches bare paths.
    pub fn take_fault(&self, method: &str, bare_path: &str, sent_path: &str) -> Option<FaultRule> {
        let mut rules = self.faults.lock();
        let index = rules.iter().position(|rule| {
            let prefix = rule.path_prefix.as_str();
            let bare_prefix = prefix.strip_suffix(".json").unwrap_or(prefix);
            (sent_path.starts_with(prefix) || bare_path.starts_with(bare_prefix))
                && rule.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
        })?;
        let rule = &mut rules[index];
        rule.times = rule.times.saturating_sub(1);
        let fault = rule.clone();
        if rule.times == 0 {
            rules.remove(index);
        }
        Some(fault)
    }
}

/// One rule of `POST /__emulator/faults`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    pub path_prefix: String,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default = "one")]
    pub times: u32,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub delay_ms: Option<u64>,
    #[serde(default)]
    pub drop: bool,
    /// Replaces the default error body of a `status` fault.
    #[serde(default)]
    pub body: Option<Value>,
    /// Extra response headers of a `status` fault, e.g. `{"Retry-After": "1"}`.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

fn one() -> u32 {
    1
}
