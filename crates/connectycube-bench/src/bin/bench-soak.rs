//! `bench-soak`, run by `cargo xtask soak` (and `cargo xtask test`) against an emulator xtask
//! started (`--url`, `--emulator-pid`): the SDK and the emulator under a mixed load for minutes:
//! no call may fail, and neither process may keep growing.
//!
//! Workers each hold one long-lived SDK client (signed sessions, retained credentials) and
//! loop over an app's life: sign up, sign in, read the user by id and by login, search by
//! tag, update the profile, now and then change the password or set an avatar, and delete
//! the account (which ends its session). Users are deleted, so the emulator's data stays
//! bounded (but for the rare avatar files, which it keeps like the service) and its memory
//! must level off as well. Meanwhile the chaos task moves the
//! emulator's clock past the session lifetime (every session expires: the SDK renews with
//! the retained credentials) and injects 503s on reads (retried).
//!
//! Resident memory (`VmRSS`) of this process and of the emulator is sampled every few
//! seconds. After the warm-up, growth is the mean of the last samples minus the mean of
//! the first samples after the warm-up; it must stay within [`GROWTH_LIMIT_BYTES`].
//! Results: a Markdown report on stderr and in `<--out>/soak.md` (xtask: `target/soak/`).

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use connectycube::{
    ConnectyCube, Credentials, NewUser, Pagination, SearchField, Upload, UserFields, UserSearch, UserUpdate,
};
use serde_json::json;

use clap::Parser;
use connectycube_bench::driver;
use connectycube_bench::measure::rss_bytes;

const DEFAULT_SECONDS: u64 = 300;
const DEFAULT_WORKERS: usize = 8;
const SAMPLE_EVERY: Duration = Duration::from_secs(5);
/// Samples averaged at each end of the measured part.
const WINDOW_SAMPLES: usize = 3;
/// Allowed growth of either process after the warm-up. Allocators keep freed memory in
/// their arenas, so RSS wobbles by a few MiB; a leak of one allocation per call would
/// add far more over hundreds of thousands of calls.
const GROWTH_LIMIT_BYTES: i64 = 8 << 20;
/// A session's lifetime is two hours: moving the clock this far expires every session.
const EXPIRE_ALL_SECS: u64 = 2 * 3600 + 60;
/// One cycle in this many sets an avatar (the emulator keeps every uploaded file).
const AVATAR_EVERY: u64 = 64;
const PASSWORD: &str = "soak-pass-1";
const NEW_PASSWORD: &str = "soak-pass-2";
/// A 1×1 PNG, the avatar.
const AVATAR_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];
/// `cargo xtask soak [OPTIONS]`: the SDK and the emulator under a mixed load with expiries and
/// faults: no failed call, no memory growth → target/soak/soak.md.
#[derive(Parser)]
#[command(name = "bench-soak", override_usage = "cargo xtask soak [OPTIONS]")]
struct Options {
    /// The emulator's address.
    #[arg(long, hide = true)]
    url: String,
    /// The emulator's process id, for its memory.
    #[arg(long, hide = true)]
    emulator_pid: u32,
    /// Where soak.md goes.
    #[arg(long, hide = true, default_value = "target/soak")]
    out: std::path::PathBuf,
    /// The soak's length (`cargo xtask test` reads CONNECTYCUBE_SOAK_SECONDS).
    #[arg(long, env = "CONNECTYCUBE_SOAK_SECONDS", default_value_t = DEFAULT_SECONDS)]
    seconds: u64,
    /// Seconds before memory growth counts (default: a fifth of --seconds).
    #[arg(long)]
    warmup: Option<u64>,
    #[arg(long, default_value_t = DEFAULT_WORKERS, value_parser = clap::value_parser!(usize))]
    workers: usize,
}

impl Options {
    fn warmup(&self) -> u64 {
        self.warmup.unwrap_or(self.seconds / 5)
    }
}

fn main() -> std::process::ExitCode {
    connectycube_bench::report::exit("bench-soak", run(Options::parse()))
}

fn run(options: Options) -> Result<()> {
    // Growth compares the first and the last samples after the warm-up: both windows must fit.
    let measured_min = 2 * WINDOW_SAMPLES as u64 * SAMPLE_EVERY.as_secs();
    if options.warmup() >= options.seconds || options.seconds - options.warmup() < measured_min {
        bail!("the soak needs at least {measured_min} s after its warm-up");
    }
    // reqwest for the control calls is built without a TLS provider of its own.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot build the tokio runtime")?;
    let report = runtime.block_on(soak(&options))?;
    let markdown = report.markdown(&options);
    std::fs::create_dir_all(&options.out).with_context(|| format!("cannot create {}", options.out.display()))?;
    std::fs::write(options.out.join("soak.md"), &markdown).context("cannot write soak.md")?;
    connectycube_bench::report::step("soak report");
    eprintln!("{markdown}");
    report.verdict()
}

#[derive(Default)]
struct Counters {
    calls: AtomicU64,
    cycles: AtomicU64,
    errors: AtomicU64,
    expiries: AtomicU64,
    faults: AtomicU64,
}

struct Sample {
    at: Duration,
    client_rss: i64,
    emulator_rss: i64,
    calls: u64,
}

struct Report {
    samples: Vec<Sample>,
    warmup: Duration,
    calls: u64,
    cycles: u64,
    errors: u64,
    first_errors: Vec<String>,
    expiries: u64,
    faults: u64,
    elapsed: Duration,
    post_session: u64,
}

async fn soak(options: &Options) -> Result<Report> {
    let control = reqwest::Client::builder()
        .no_proxy()
        .build()
        .context("cannot build the control client")?;
    let config = driver::control(&control, &options.url, reqwest::Method::GET, "config", None).await?;
    let app_id = config["app_id"]
        .as_u64()
        .ok_or_else(|| anyhow!("config has no app_id"))?;
    let auth_key = config["auth_key"].as_str().unwrap_or_default().to_owned();
    let auth_secret = config["auth_secret"].as_str().unwrap_or_default().to_owned();

    let counters = Arc::new(Counters::default());
    let first_errors = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..options.workers {
        let cc = ConnectyCube::builder(app_id, auth_key.as_str())
            .auth_secret(auth_secret.as_str())
            .api_endpoint(&options.url)
            .retain_credentials(true)
            .build()
            .map_err(|e| anyhow!("cannot build the SDK client: {e}"))?;
        let (counters, first_errors, stop) = (counters.clone(), first_errors.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            let mut cycle = 0u64;
            while !stop.load(Ordering::Relaxed) {
                if let Err(error) = life_cycle(&cc, worker, cycle, &counters).await {
                    counters.errors.fetch_add(1, Ordering::Relaxed);
                    if let Ok(mut errors) = first_errors.lock()
                        && errors.len() < 5
                    {
                        errors.push(format!("worker {worker}, cycle {cycle}: {error:#}"));
                    }
                    // Start the next cycle from a clean state.
                    cc.auth().forget_session();
                } else {
                    counters.cycles.fetch_add(1, Ordering::Relaxed);
                }
                cycle += 1;
            }
        }));
    }

    let chaos = {
        let (control, url, counters, stop) = (control.clone(), options.url.clone(), counters.clone(), stop.clone());
        tokio::spawn(async move { chaos(&control, &url, &counters, &stop).await })
    };

    let mut samples = Vec::new();
    let end = started + Duration::from_secs(options.seconds);
    let emulator_status = format!("/proc/{}/status", options.emulator_pid);
    while Instant::now() < end {
        tokio::time::sleep(SAMPLE_EVERY.min(end.saturating_duration_since(Instant::now()))).await;
        samples.push(Sample {
            at: started.elapsed(),
            client_rss: rss("/proc/self/status")?,
            emulator_rss: rss(&emulator_status)?,
            calls: counters.calls.load(Ordering::Relaxed),
        });
    }
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.context("a soak worker panicked")?;
    }
    chaos.await.context("the chaos task panicked")??;
    let elapsed = started.elapsed();
    let stats = driver::control(&control, &options.url, reqwest::Method::GET, "stats", None).await?;
    let post_session = stats["requests"]["POST /session"].as_u64().unwrap_or(0);
    let first_errors = first_errors.lock().map(|errors| errors.clone()).unwrap_or_default();
    Ok(Report {
        samples,
        warmup: Duration::from_secs(options.warmup()),
        calls: counters.calls.load(Ordering::Relaxed),
        cycles: counters.cycles.load(Ordering::Relaxed),
        errors: counters.errors.load(Ordering::Relaxed),
        first_errors,
        expiries: counters.expiries.load(Ordering::Relaxed),
        faults: counters.faults.load(Ordering::Relaxed),
        elapsed,
        post_session,
    })
}

/// One user's life on one client. Every step checks what an app would rely on.
async fn life_cycle(cc: &ConnectyCube, worker: usize, cycle: u64, counters: &Counters) -> Result<()> {
    let call = || counters.calls.fetch_add(1, Ordering::Relaxed);
    let login = format!("soak{worker}x{cycle}");
    let tag = format!("soaktag{worker}");
    let mut new_user = NewUser::with_login(&login, PASSWORD);
    new_user.fields.email = Some(format!("{login}@example.com"));
    new_user.fields.tags = Some(vec![tag.clone()]);
    let user = cc
        .users()
        .sign_up(new_user)
        .await
        .map_err(|e| anyhow!("sign up: {e}"))?;
    call();
    cc.auth()
        .create_session(Some(Credentials::login(&login, PASSWORD)))
        .await
        .map_err(|e| anyhow!("sign in: {e}"))?;
    call();
    let by_id = cc.users().get(user.id).await.map_err(|e| anyhow!("get: {e}"))?;
    call();
    let by_login = cc
        .users()
        .get_by_login(&login)
        .await
        .map_err(|e| anyhow!("get by login: {e}"))?;
    call();
    if by_id.id != user.id || by_login.id != user.id {
        bail!("lookups found users {} and {}, not {}", by_id.id, by_login.id, user.id);
    }
    let search = UserSearch::new()
        .is_in(SearchField::UserTags, [tag.as_str()])
        .paginate(Pagination::new(0, 10));
    let page = cc.users().search(search).await.map_err(|e| anyhow!("search: {e}"))?;
    call();
    if !page.items.iter().any(|u| u.id == user.id) {
        bail!("the tag search did not find user {}", user.id);
    }
    let mut update = UserUpdate {
        fields: UserFields {
            full_name: Some(format!("Soak {worker} {cycle}")),
            ..UserFields::default()
        },
        ..UserUpdate::default()
    };
    if cycle % 4 == 1 {
        update = update.change_password(PASSWORD, NEW_PASSWORD);
    }
    let updated = cc.users().update(update).await.map_err(|e| anyhow!("update: {e}"))?;
    call();
    if updated.full_name.as_deref() != Some(format!("Soak {worker} {cycle}").as_str()) {
        bail!("the update did not stick: {:?}", updated.full_name);
    }
    // Uploaded files stay on the server after their owner is deleted (as on the service), so
    // this is the one part of the load whose data the emulator keeps: now and then, not always.
    if cycle % AVATAR_EVERY == 3 {
        cc.storage()
            .set_avatar(Upload::new(AVATAR_PNG, "avatar.png", "image/png"))
            .await
            .map_err(|e| anyhow!("set avatar: {e}"))?;
        call();
    }
    cc.users().delete_me().await.map_err(|e| anyhow!("delete: {e}"))?;
    call();
    Ok(())
}

/// Expires every session now and then, and makes reads fail with 503 twice (retried).
async fn chaos(control: &reqwest::Client, url: &str, counters: &Counters, stop: &AtomicBool) -> Result<()> {
    let mut round = 0u64;
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_secs(2)).await;
        round += 1;
        if round % 5 == 0 {
            let body = json!({ "advance_secs": EXPIRE_ALL_SECS });
            driver::control(control, url, reqwest::Method::POST, "clock", Some(body)).await?;
            counters.expiries.fetch_add(1, Ordering::Relaxed);
        } else {
            let body = json!({ "path_prefix": "/users/", "method": "GET", "times": 2, "status": 503 });
            driver::control(control, url, reqwest::Method::POST, "faults", Some(body)).await?;
            counters.faults.fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok(())
}

/// `VmRSS` of a `/proc/<pid>/status` file, in bytes.
fn rss(status_path: &str) -> Result<i64> {
    rss_bytes(status_path).ok_or_else(|| anyhow!("no VmRSS in {status_path}"))
}

fn mib(bytes: i64) -> String {
    format!("{:.1}", bytes as f64 / (1 << 20) as f64)
}

impl Report {
    /// The samples after the warm-up.
    fn measured(&self) -> &[Sample] {
        let from = self.samples.partition_point(|s| s.at < self.warmup);
        &self.samples[from..]
    }

    /// Growth of (client, emulator) RSS over the measured part, when there are enough samples.
    fn growth(&self) -> Option<(i64, i64)> {
        let measured = self.measured();
        if measured.len() < 2 * WINDOW_SAMPLES {
            return None;
        }
        let mean =
            |samples: &[Sample], pick: fn(&Sample) -> i64| samples.iter().map(pick).sum::<i64>() / samples.len() as i64;
        let (head, tail) = (
            &measured[..WINDOW_SAMPLES],
            &measured[measured.len() - WINDOW_SAMPLES..],
        );
        Some((
            mean(tail, |s| s.client_rss) - mean(head, |s| s.client_rss),
            mean(tail, |s| s.emulator_rss) - mean(head, |s| s.emulator_rss),
        ))
    }

    fn markdown(&self, options: &Options) -> String {
        let mut out = String::new();
        let seconds = self.elapsed.as_secs_f64();
        let _ = writeln!(
            out,
            "# Soak: {} workers, {:.0} s ({} s warm-up)\n",
            options.workers,
            seconds,
            options.warmup()
        );
        let _ = writeln!(
            out,
            "- calls: {} ({:.0}/s), user life cycles: {}, failed cycles: {}",
            self.calls,
            self.calls as f64 / seconds,
            self.cycles,
            self.errors
        );
        let _ = writeln!(
            out,
            "- chaos: {} times every session expired, {} rounds of two 503s on reads; POST /session: {}",
            self.expiries, self.faults, self.post_session
        );
        for error in &self.first_errors {
            let _ = writeln!(out, "- error: {error}");
        }
        let _ = writeln!(out, "\n| t (s) | calls | SDK process RSS (MiB) | emulator RSS (MiB) |");
        let _ = writeln!(out, "|---:|---:|---:|---:|");
        // About one row in every 30 s, and the last sample.
        let step = (30 / SAMPLE_EVERY.as_secs()).max(1) as usize;
        for (n, sample) in self.samples.iter().enumerate() {
            if n % step == step - 1 || n + 1 == self.samples.len() {
                let _ = writeln!(
                    out,
                    "| {:.0} | {} | {} | {} |",
                    sample.at.as_secs_f64(),
                    sample.calls,
                    mib(sample.client_rss),
                    mib(sample.emulator_rss)
                );
            }
        }
        match self.growth() {
            Some((client, emulator)) => {
                let _ = writeln!(
                    out,
                    "\nGrowth after the warm-up (mean of the last {WINDOW_SAMPLES} samples minus the first {WINDOW_SAMPLES}): \
                     SDK process {} MiB, emulator {} MiB (limit {} MiB each): {}",
                    mib(client),
                    mib(emulator),
                    mib(GROWTH_LIMIT_BYTES),
                    if client <= GROWTH_LIMIT_BYTES && emulator <= GROWTH_LIMIT_BYTES {
                        "PASS"
                    } else {
                        "MISS"
                    }
                );
            }
            None => out.push_str("\nToo few samples after the warm-up to judge growth.\n"),
        }
        out
    }

    fn verdict(&self) -> Result<()> {
        if self.errors > 0 {
            bail!("{} soak cycles failed: {:?}", self.errors, self.first_errors);
        }
        if self.cycles == 0 {
            bail!("no user life cycle completed");
        }
        let Some((client, emulator)) = self.growth() else {
            bail!("too few memory samples after the warm-up");
        };
        if client > GROWTH_LIMIT_BYTES {
            bail!("the SDK process grew by {} MiB after the warm-up", mib(client));
        }
        if emulator > GROWTH_LIMIT_BYTES {
            bail!("the emulator grew by {} MiB after the warm-up", mib(emulator));
        }
        Ok(())
    }
}
