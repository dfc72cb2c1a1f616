//! Measurement helpers: nearest-rank percentiles, CPU time of a process and resident memory,
//! read from `/proc` (Linux; `None` elsewhere).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Nearest-rank percentile of sorted values (the default when empty).
pub fn percentile<T: Copy + Default>(sorted: &[T], p: f64) -> T {
    if sorted.is_empty() {
        return T::default();
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Nearest-rank percentile of unsorted values, 0 when empty.
pub fn percentile_of(values: impl Iterator<Item = f64>, p: f64) -> f64 {
    let mut sorted: Vec<f64> = values.collect();
    sorted.sort_by(f64::total_cmp);
    percentile(&sorted, p)
}

/// utime + stime of a process (all threads) from `/proc/PID/stat` (`/proc/self/stat` for
/// this one); `None` elsewhere than Linux or on any surprise.
pub fn process_cpu(stat_path: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(stat_path).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: split after it.
    // Then field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    // In USER_HZ ticks, which is 100 on every Linux architecture Rust targets.
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Cumulative CPU time of this process (the client) and of the emulator.
#[derive(Clone, Copy, Debug)]
pub struct CpuSample {
    pub client: Option<Duration>,
    pub emulator: Option<Duration>,
}

impl CpuSample {
    pub fn take(emulator_pid: u32) -> Self {
        Self {
            client: process_cpu("/proc/self/stat"),
            emulator: process_cpu(&format!("/proc/{emulator_pid}/stat")),
        }
    }

    /// CPU time spent from `before` to `self`.
    pub fn since(self, before: Self) -> Self {
        let spent = |a: Option<Duration>, b: Option<Duration>| Some(b?.saturating_sub(a?));
        Self {
            client: spent(before.client, self.client),
            emulator: spent(before.emulator, self.emulator),
        }
    }
}

/// A numeric field of a `/proc/*/status` text (`VmRSS:` → its KiB).
pub fn status_field(status: &str, name: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
}

/// `VmRSS` of a `/proc/<pid>/status` file, in bytes.
pub fn rss_bytes(status_path: &str) -> Option<i64> {
    let status = std::fs::read_to_string(status_path).ok()?;
    let kib = status_field(&status, "VmRSS:")?;
    i64::try_from(kib).ok().map(|kib| kib * 1024)
}

pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Wall-clock microseconds since the Unix epoch.
pub fn unix_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// Waits for load tasks until `window_end + grace`: a task still running then is aborted and
/// the run fails, as does a task that panicked — figures with a call left unanswered would lie.
pub async fn join_by_deadline<T>(
    workers: Vec<tokio::task::JoinHandle<T>>,
    window_end: std::time::Instant,
    grace: Duration,
) -> anyhow::Result<Vec<T>> {
    let deadline = tokio::time::Instant::from_std(window_end + grace);
    let mut results = Vec::with_capacity(workers.len());
    for handle in workers {
        let abort = handle.abort_handle();
        match tokio::time::timeout_at(deadline, handle).await {
            Ok(Ok(value)) => results.push(value),
            Ok(Err(error)) => anyhow::bail!("a load task failed: {error}"),
            Err(_) => {
                abort.abort();
                anyhow::bail!("a call was still unanswered {grace:?} after the window");
            }
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&values, 50.0), 50);
        assert_eq!(percentile(&values, 99.0), 99);
        assert_eq!(percentile(&values, 100.0), 100);
        assert_eq!(percentile(&[7u32], 1.0), 7);
        assert_eq!(percentile::<u32>(&[], 50.0), 0);
        assert_eq!(percentile_of([3.0, 1.0, 2.0].into_iter(), 50.0), 2.0);
    }

    #[test]
    fn status_fields() {
        let status = "Name:\tx\nVmRSS:\t  1234 kB\nThreads:\t3\n";
        assert_eq!(status_field(status, "VmRSS:"), Some(1234));
        assert_eq!(status_field(status, "Threads:"), Some(3));
        assert_eq!(status_field(status, "VmHWM:"), None);
    }
}
