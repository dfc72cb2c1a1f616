//! What the SDK's typed decode of one answer costs alone.

use std::time::Instant;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::Target;
use crate::in_process::sdk_headers;

/// CPU per typed decode of the `GET /users/{id}` answer into `User`, in µs: what the Rust SDK
/// spends on every call and a raw call, which returns bytes, does not.
pub async fn decode_cost(raw: &reqwest::Client, target: &Target) -> Result<f64> {
    #[derive(Deserialize)]
    struct Envelope {
        user: connectycube::User,
    }
    const DECODES: u32 = 20_000;
    let body = raw
        .get(format!("{}/users/{}", target.url, target.user_id))
        .headers(sdk_headers(Some(("cb-token", &target.token)))?)
        .send()
        .await
        .context("GET /users/{id}")?
        .bytes()
        .await
        .context("GET /users/{id}: body")?;
    let started = Instant::now();
    for _ in 0..DECODES {
        let envelope: Envelope = serde_json::from_slice(std::hint::black_box(&body)).context("decode")?;
        std::hint::black_box(envelope.user);
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / f64::from(DECODES))
}
