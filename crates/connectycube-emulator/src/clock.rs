//! The emulator's virtual clock: real time plus an offset that tests move with
//! `POST /__emulator/clock`, so sessions expire without waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use time::{Duration, OffsetDateTime};

#[derive(Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves the clock by `secs` (negative moves it back) and answers the new time.
    pub fn advance(&self, secs: i64) -> OffsetDateTime {
        self.offset_ms.fetch_add(secs.saturating_mul(1000), Ordering::Relaxed);
        self.now()
    }

    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::Relaxed);
    }
}
