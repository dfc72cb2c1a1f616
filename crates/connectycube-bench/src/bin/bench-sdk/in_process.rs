//! The in-process clients: raw reqwest (the limit) and the Rust SDK, and the loop that
//! drives either sequentially (latency) or with calls in flight (throughput).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use connectycube::{ConnectyCube, Credentials, NewUser};
use connectycube_bench::measure::{CpuSample, join_by_deadline};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};

use crate::Target;
use crate::options::{Mode, Options, Scenario};
use crate::record::{Record, Tally};

pub const APP_ID: u64 = 1;
pub const AUTH_KEY: &str = "29WfrNWdvkhmX6V";
pub const BENCH_LOGIN: &str = "benchuser";
const BENCH_PASSWORD: &str = "benchpass1";
/// What the SDK sends as `CB-SDK`.
const SDK_HEADER: &str = concat!("Rust ", env!("CARGO_PKG_VERSION"));
/// A call still unanswered this long after its measured window is stuck.
pub const DRIVER_GRACE: Duration = Duration::from_secs(60);

pub fn raw_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .tcp_nodelay(true)
        .no_proxy()
        .build()
        .context("cannot build the reqwest client")
}

/// The headers the SDK sends on every call; `CB-Token` or `CB-AuthKey` added per scenario.
pub fn sdk_headers(extra: Option<(&'static str, &str)>) -> Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    headers.insert("CB-SDK", HeaderValue::from_static(SDK_HEADER));
    headers.insert("ConnectyCube-REST-API-Version", HeaderValue::from_static("0.1.1"));
    headers.insert("Accept", HeaderValue::from_static("application/json"));
    if let Some((name, value)) = extra {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(value).context("not a header value")?,
        );
    }
    Ok(headers)
}

pub fn session_body(credentials: Option<(&str, &str)>) -> String {
    let mut body = json!({"application_id": APP_ID, "auth_key": AUTH_KEY});
    if let Some((login, password)) = credentials {
        body["user"] = json!({"login": login, "password": password});
    }
    body.to_string()
}

/// A user session for the benchmark user (created by the emulator on first use).
pub async fn prepare(raw: &reqwest::Client, url: &str, emulator_pid: u32) -> Result<Target> {
    let response = raw
        .post(format!("{url}/session"))
        .headers(sdk_headers(None)?)
        .header("content-type", "application/json")
        .body(session_body(Some((BENCH_LOGIN, BENCH_PASSWORD))))
        .send()
        .await
        .context("POST /session")?;
    let status = response.status();
    let body = response.bytes().await.context("POST /session: body")?;
    if !status.is_success() {
        bail!("POST /session answered {status}: {}", String::from_utf8_lossy(&body));
    }
    let (token, user_id) = connectycube_bench::session::token_and_user(&body)?;
    let user_id = u64::try_from(user_id).context("POST /session: a negative user id")?;
    Ok(Target {
        url: url.to_owned(),
        addr: url
            .strip_prefix("http://")
            .and_then(|addr| addr.parse().ok())
            .ok_or_else(|| anyhow!("--url {url} is not http://IP:PORT"))?,
        token,
        user_id,
        emulator_pid,
    })
}

/// A call of the control API; its JSON answer.
pub async fn control(raw: &reqwest::Client, target: &Target, method: reqwest::Method, route: &str) -> Result<Value> {
    connectycube_bench::driver::control(raw, &target.url, method, route, None).await
}

/// Sends the request and reads the answer to the end; an error unless the status is a success.
pub async fn checked(request: reqwest::RequestBuilder) -> Result<(), String> {
    let response = request.send().await.map_err(|e| e.without_url().to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.without_url().to_string())?;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("answer {status}: {}", String::from_utf8_lossy(&body)))
    }
}

pub async fn measure_raw(
    raw: &reqwest::Client,
    target: &Target,
    scenario: Scenario,
    mode: Mode,
    options: &Options,
) -> Result<Record> {
    let raw = raw.clone();
    let tally = match scenario {
        Scenario::Get => {
            let url: Arc<str> = format!("{}/users/{}", target.url, target.user_id).into();
            let headers = sdk_headers(Some(("cb-token", &target.token)))?;
            drive(mode, options, target.emulator_pid, move |_| {
                let request = raw.get(&*url).headers(headers.clone());
                checked(request)
            })
            .await
        }
        Scenario::Session => {
            let url: Arc<str> = format!("{}/session", target.url).into();
            let mut headers = sdk_headers(None)?;
            headers.insert("content-type", HeaderValue::from_static("application/json"));
            let body = bytes::Bytes::from(session_body(None));
            drive(mode, options, target.emulator_pid, move |_| {
                let request = raw.post(&*url).headers(headers.clone()).body(body.clone());
                checked(request)
            })
            .await
        }
        Scenario::Signup => {
            let url: Arc<str> = format!("{}/users", target.url).into();
            let mut headers = sdk_headers(Some(("cb-authkey", AUTH_KEY)))?;
            headers.insert("content-type", HeaderValue::from_static("application/json"));
            let prefix = login_prefix("raw", mode);
            drive(mode, options, target.emulator_pid, move |n| {
                let body = json!({"user": {"login": format!("{prefix}{n}"), "password": BENCH_PASSWORD}});
                let request = raw.post(&*url).headers(headers.clone()).body(body.to_string());
                checked(request)
            })
            .await
        }
    }?;
    Ok(tally.into_record("raw", scenario, mode))
}

pub fn sdk_client(url: &str) -> Result<ConnectyCube> {
    ConnectyCube::builder(APP_ID, AUTH_KEY)
        .api_endpoint(url)
        .build()
        .map_err(|e| anyhow!("cannot build the SDK client: {e}"))
}

pub async fn measure_sdk(target: &Target, scenario: Scenario, mode: Mode, options: &Options) -> Result<Record> {
    let cc = sdk_client(&target.url)?;
    let tally = match scenario {
        Scenario::Get => {
            cc.auth()
                .create_session(Some(Credentials::login(BENCH_LOGIN, BENCH_PASSWORD)))
                .await
                .map_err(|e| anyhow!("SDK user session: {e}"))?;
            let id = target.user_id;
            drive(mode, options, target.emulator_pid, move |_| {
                let cc = cc.clone();
                async move { cc.users().get(id).await.map(drop).map_err(|e| e.to_string()) }
            })
            .await
        }
        Scenario::Session => drive(mode, options, target.emulator_pid, move |_| app_session(cc.clone())).await,
        Scenario::Signup => {
            let prefix = login_prefix("sdk", mode);
            drive(mode, options, target.emulator_pid, move |n| {
                let cc = cc.clone();
                let user = NewUser::with_login(format!("{prefix}{n}"), BENCH_PASSWORD);
                async move { cc.users().sign_up(user).await.map(drop).map_err(|e| e.to_string()) }
            })
            .await
        }
    }?;
    Ok(tally.into_record("sdk", scenario, mode))
}

/// One `POST /session` for an application session: the `session` scenario's call.
pub async fn app_session(cc: ConnectyCube) -> Result<(), String> {
    cc.auth()
        .create_session(None)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Unique per client and measurement (the emulator is reset between sign-up measurements
/// anyway); at most 3 + 4 + 1 + 10 characters, well inside the 70 allowed.
pub fn login_prefix(client: &str, mode: Mode) -> String {
    format!("{client}{}x", mode.concurrency())
}

/// The measured part of a run, shared by the workers.
#[derive(Clone, Copy)]
pub struct Window {
    pub measure_from: Instant,
    pub end: Instant,
}

/// Runs `call(n)` (n: a process-wide counter, for unique logins) sequentially or with
/// `concurrency` calls in flight, each worker a task of its own; latencies in µs.
pub async fn drive<F, Fut>(mode: Mode, options: &Options, emulator_pid: u32, call: F) -> Result<Tally>
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    let call = Arc::new(call);
    let counter = Arc::new(AtomicU64::new(0));
    match mode {
        Mode::Sequential => {
            let (warmup, requests) = (options.warmup_requests, options.requests);
            let handle = tokio::spawn(async move {
                let mut tally = Tally {
                    latencies_us: Vec::with_capacity(requests as usize),
                    ..Tally::default()
                };
                let mut measured_from = Instant::now();
                let mut cpu_before = CpuSample::take(emulator_pid);
                for i in 0..warmup + requests {
                    if i == warmup {
                        measured_from = Instant::now();
                        cpu_before = CpuSample::take(emulator_pid);
                    }
                    let started = Instant::now();
                    let outcome = call(counter.fetch_add(1, Ordering::Relaxed)).await;
                    let micros = started.elapsed().as_micros();
                    match outcome {
                        Ok(()) if i >= warmup => tally.latencies_us.push(u32::try_from(micros).unwrap_or(u32::MAX)),
                        Ok(()) => {}
                        Err(error) => tally.error(error),
                    }
                }
                tally.seconds = measured_from.elapsed().as_secs_f64();
                tally.cpu = Some(CpuSample::take(emulator_pid).since(cpu_before));
                tally
            });
            handle.await.map_err(|e| anyhow!("the load task failed: {e}"))
        }
        Mode::Throughput(concurrency) => {
            let start = Instant::now();
            let window = Window {
                measure_from: start + Duration::from_secs_f64(options.warmup),
                end: start + Duration::from_secs_f64(options.warmup + options.seconds),
            };
            let expected = (options.seconds * 100_000.0) as usize / concurrency;
            // CPU of both processes over the measured window: what each call costs.
            let sampler = tokio::spawn(async move {
                tokio::time::sleep_until(window.measure_from.into()).await;
                let before = CpuSample::take(emulator_pid);
                tokio::time::sleep_until(window.end.into()).await;
                CpuSample::take(emulator_pid).since(before)
            });
            let workers: Vec<_> = (0..concurrency)
                .map(|_| {
                    let call = call.clone();
                    let counter = counter.clone();
                    tokio::spawn(async move {
                        let mut tally = Tally {
                            latencies_us: Vec::with_capacity(expected),
                            ..Tally::default()
                        };
                        loop {
                            let started = Instant::now();
                            if started >= window.end {
                                break;
                            }
                            let outcome = call(counter.fetch_add(1, Ordering::Relaxed)).await;
                            let done = Instant::now();
                            match outcome {
                                Ok(()) if done >= window.measure_from && done < window.end => {
                                    let micros = done.duration_since(started).as_micros();
                                    tally.latencies_us.push(u32::try_from(micros).unwrap_or(u32::MAX));
                                }
                                Ok(()) => {}
                                Err(error) => tally.error(error),
                            }
                        }
                        tally
                    })
                })
                .collect();
            let mut total = Tally {
                seconds: options.seconds,
                ..Tally::default()
            };
            for tally in join_by_deadline(workers, window.end, DRIVER_GRACE).await? {
                total.merge(tally);
            }
            total.cpu = sampler.await.ok();
            Ok(total)
        }
    }
}

// ---------------------------------------------------------------------------------------
