//! What a request observer costs a call: sequential `GET /users/{id}` on two SDK clients
//! restored from the same token, one without an observer and one with an observer that does
//! nothing, their calls interleaved one for one so both meet the same machine and emulator.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Result, anyhow};
use connectycube::{ConnectyCube, RequestEvent, RequestObserver};
use connectycube_bench::measure::percentile_of;
use serde::Serialize;

use crate::Target;
use crate::in_process::sdk_client;

/// Calls per client after the warm-up.
const CALLS: usize = 5_000;
const WARMUP: usize = 300;

/// p50 and mean of each client, µs.
#[derive(Debug, Serialize)]
pub struct ObserverCost {
    pub calls: usize,
    pub none_p50_us: f64,
    pub noop_p50_us: f64,
    pub none_mean_us: f64,
    pub noop_mean_us: f64,
}

pub async fn observer_cost(target: &Target) -> Result<ObserverCost> {
    let plain = restored(target)?;
    let observed = restored(target)?;
    let noop: Arc<dyn RequestObserver> = Arc::new(|event: &RequestEvent| {
        std::hint::black_box(event);
    });
    observed.set_request_observer(Some(noop));
    let (mut none, mut noop) = (Vec::with_capacity(CALLS), Vec::with_capacity(CALLS));
    for n in 0..WARMUP + CALLS {
        let a = timed_get(&plain, target.user_id).await?;
        let b = timed_get(&observed, target.user_id).await?;
        if n >= WARMUP {
            none.push(a);
            noop.push(b);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    Ok(ObserverCost {
        calls: CALLS,
        none_p50_us: percentile_of(none.iter().copied(), 50.0),
        noop_p50_us: percentile_of(noop.iter().copied(), 50.0),
        none_mean_us: mean(&none),
        noop_mean_us: mean(&noop),
    })
}

fn restored(target: &Target) -> Result<ConnectyCube> {
    let cc = sdk_client(&target.url)?;
    cc.auth().set_session(target.token.clone(), None, Some(target.user_id));
    Ok(cc)
}

async fn timed_get(cc: &ConnectyCube, id: u64) -> Result<f64> {
    let started = Instant::now();
    cc.users()
        .get(id)
        .await
        .map_err(|e| anyhow!("GET /users/{{id}}: {e}"))?;
    Ok(started.elapsed().as_secs_f64() * 1e6)
}
