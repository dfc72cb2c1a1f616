//! The record every client produces per measurement (the driver protocol's JSON line) and
//! the tally the in-process clients build it from.

use std::time::Duration;

use connectycube_bench::measure::{CpuSample, percentile};
use serde::{Deserialize, Serialize};

use crate::options::{Mode, Scenario};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub client: String,
    pub scenario: String,
    pub mode: String,
    pub concurrency: usize,
    /// Successful calls completed in the measured part.
    pub requests: u64,
    #[serde(default)]
    pub errors: u64,
    pub seconds: f64,
    pub rps: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    #[serde(default)]
    pub first_error: Option<String>,
    /// Which of the alternating rounds (in-process clients; drivers run once).
    #[serde(default)]
    pub round: usize,
    /// CPU time per successful call in the measured part (user + system, all threads): of
    /// the client process (in-process clients only) and of the emulator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cpu_us: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emulator_cpu_us: Option<f64>,
}

impl Record {
    pub fn failed(client: &str, scenario: Scenario, mode: Mode, error: String) -> Self {
        Self {
            client: client.to_owned(),
            scenario: scenario.name().to_owned(),
            mode: mode.name().to_owned(),
            concurrency: mode.concurrency(),
            requests: 0,
            errors: 1,
            seconds: 0.0,
            rps: 0.0,
            p50_us: 0.0,
            p99_us: 0.0,
            first_error: Some(error),
            round: 0,
            client_cpu_us: None,
            emulator_cpu_us: None,
        }
    }

    pub fn is(&self, client: &str, scenario: Scenario, mode: Mode) -> bool {
        self.client == client
            && self.scenario == scenario.name()
            && self.mode == mode.name()
            && (mode == Mode::Sequential || self.concurrency == mode.concurrency())
    }
}

/// Latencies and errors of one client's calls, merged over its workers.
#[derive(Default)]
pub struct Tally {
    pub latencies_us: Vec<u32>,
    /// Wall time of the measured part.
    pub seconds: f64,
    /// CPU used in the measured part.
    pub cpu: Option<CpuSample>,
    pub errors: u64,
    pub first_error: Option<String>,
}

impl Tally {
    pub fn error(&mut self, what: String) {
        self.errors += 1;
        self.first_error.get_or_insert(what);
    }

    pub fn merge(&mut self, other: Self) {
        self.latencies_us.extend_from_slice(&other.latencies_us);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    pub fn into_record(mut self, client: &str, scenario: Scenario, mode: Mode) -> Record {
        self.latencies_us.sort_unstable();
        let seconds = self.seconds;
        let requests = self.latencies_us.len() as u64;
        Record {
            client: client.to_owned(),
            scenario: scenario.name().to_owned(),
            mode: mode.name().to_owned(),
            concurrency: mode.concurrency(),
            requests,
            errors: self.errors,
            seconds,
            rps: if seconds > 0.0 { requests as f64 / seconds } else { 0.0 },
            p50_us: f64::from(percentile(&self.latencies_us, 50.0)),
            p99_us: f64::from(percentile(&self.latencies_us, 99.0)),
            first_error: self.first_error,
            round: 0,
            client_cpu_us: self.cpu.and_then(|c| per_call(c.client, requests)),
            emulator_cpu_us: self.cpu.and_then(|c| per_call(c.emulator, requests)),
        }
    }
}

pub fn per_call(cpu: Option<Duration>, calls: u64) -> Option<f64> {
    let cpu = cpu?;
    (calls > 0).then(|| (cpu.as_secs_f64() * 1e6 / calls as f64 * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_the_driver_line() {
        let line = r#"{"client":"js","scenario":"get","mode":"throughput","concurrency":64,"requests":10,"seconds":3,"rps":3.3,"p50_us":120,"p99_us":400}"#;
        let record: Record = serde_json::from_str(line).unwrap();
        assert!(record.is("js", Scenario::Get, Mode::Throughput(64)));
        assert_eq!(record.errors, 0);
        assert_eq!(record.first_error, None);
    }
}
