//! The server's time as seen from this device: local time plus the skew measured from
//! every response's `Date` header. Signed sessions carry a timestamp the server checks
//! (±60 min), so a wrong device clock must be corrected, not trusted.

use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime};

use crate::http::last_parsed::LastParsed;

#[derive(Debug, Default)]
pub(crate) struct Clock {
    /// Server time minus local time, in milliseconds.
    skew_ms: AtomicI64,
    /// Whether any server `Date` was seen yet.
    observed: std::sync::atomic::AtomicBool,
    /// A fixed error of the device clock, for tests of skew correction.
    device_offset_ms: i64,
    /// The last `Date` seen: within the same second there is nothing new to learn.
    last_date: LastParsed<OffsetDateTime>,
}

impl Clock {
    pub fn with_device_offset(offset: Duration) -> Self {
        Self {
            device_offset_ms: offset.whole_milliseconds() as i64,
            ..Self::default()
        }
    }

    /// The device's idea of now (wrong by `device_offset` in tests).
    pub fn local_now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + Duration::milliseconds(self.device_offset_ms)
    }

    /// Best estimate of the server's now.
    pub fn server_now(&self) -> OffsetDateTime {
        self.local_now() + Duration::milliseconds(self.skew_ms.load(Ordering::Relaxed))
    }

    /// Learns the skew from a response's `Date` header.
    pub fn observe_date(&self, date_header: Option<&str>) {
        let Some(text) = date_header else {
            return;
        };
        let (Some(server), true) = self.last_date.get(text, connectycube_models::date::parse_http_date) else {
            return;
        };
        // `Date` has whole seconds: compare with local time cut to the same precision.
        let local = self.local_now();
        let skew = (server - local).whole_milliseconds() as i64;
        // Within a second the difference is the header's rounding, not skew.
        let skew = if skew.abs() < 1000 { 0 } else { skew };
        self.skew_ms.store(skew, Ordering::Relaxed);
        self.observed.store(true, Ordering::Relaxed);
    }

    pub fn skew(&self) -> Duration {
        Duration::milliseconds(self.skew_ms.load(Ordering::Relaxed))
    }
}
