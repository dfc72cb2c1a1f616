//! The server's time as seen from this device: local time plus the skew measured from
//! every response's `Date` header. Signed sessions carry a timestamp the server checks
//! (±60 min), so a wrong device clock must be corrected, not trusted.
//!
//! Dates come from the network and from the app's storage, so none of them is trusted to
//! be sane: arithmetic is checked, a `Date` further from the device clock than
//! [`MAX_SKEW`] is ignored, and an expiry further ahead than [`MAX_EXPIRY_AHEAD`] is not
//! believed. Every new `Date` replaces the skew, so one bad answer is undone by the next
//! good one.

use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime};

use crate::http::last_parsed::LastParsed;

/// The largest skew believed: a device clock reset to 1970 is 56 years off; a `Date`
/// further than this from the device's time (year 9999, say) is ignored.
pub(crate) const MAX_SKEW: Duration = Duration::days(100 * 365);

/// Sessions last 2 h after the last request (a guest's one day); an expiry further ahead of
/// the server's now than this is not real.
pub(crate) const MAX_EXPIRY_AHEAD: Duration = Duration::days(366);

/// How far in the past an expiry in a server's answer may lie and still be believed.
const MAX_EXPIRY_BEHIND: Duration = Duration::days(1);

/// The session lifetime the docs give, used when an answer carries no believable expiry.
const DEFAULT_SESSION_LIFETIME: Duration = Duration::hours(2);

#[derive(Debug, Default)]
pub(crate) struct Clock {
    /// Server time minus local time, in milliseconds; within ±[`MAX_SKEW`].
    skew_ms: AtomicI64,
    /// A fixed error of the device clock, for tests of skew correction.
    device_offset_ms: i64,
    /// The last `Date` seen: within the same second there is nothing new to learn.
    last_date: LastParsed<OffsetDateTime>,
    /// The last `CB-Token-ExpirationDate` and its parse.
    last_expiry: LastParsed<OffsetDateTime>,
}

impl Clock {
    pub fn with_device_offset(offset: Duration) -> Self {
        Self {
            device_offset_ms: i64::try_from(offset.whole_milliseconds()).unwrap_or(0),
            ..Self::default()
        }
    }

    /// The device's idea of now (wrong by `device_offset` in tests).
    pub fn local_now(&self) -> OffsetDateTime {
        plus_millis(OffsetDateTime::now_utc(), self.device_offset_ms)
    }

    /// Best estimate of the server's now.
    pub fn server_now(&self) -> OffsetDateTime {
        plus_millis(self.local_now(), self.skew_ms.load(Ordering::Relaxed))
    }

    /// Learns the skew from a response's `Date` header. An unreadable or absurd date is
    /// ignored (the skew stays as it was).
    pub fn observe_date(&self, date_header: Option<&str>) {
        let Some(text) = date_header else {
            return;
        };
        let (Some(server), true) = self.last_date.get(text, connectycube_models::date::parse_http_date) else {
            return;
        };
        // `Date` has whole seconds: compare with local time cut to the same precision.
        let skew = server - self.local_now();
        if skew.abs() > MAX_SKEW {
            tracing::debug!("ignored a Date header too far from the device clock to be true");
            return;
        }
        let skew = i64::try_from(skew.whole_milliseconds()).unwrap_or(0);
        // Within a second the difference is the header's rounding, not skew.
        let skew = if skew.abs() < 1000 { 0 } else { skew };
        self.skew_ms.store(skew, Ordering::Relaxed);
    }

    pub fn skew(&self) -> Duration {
        Duration::milliseconds(self.skew_ms.load(Ordering::Relaxed))
    }

    /// The expiry an answer gave, when believable; otherwise the documented two hours
    /// from now.
    pub fn expiry_from_server(&self, given: Option<OffsetDateTime>) -> Option<OffsetDateTime> {
        let now = self.server_now();
        let believable = |at: &OffsetDateTime| {
            *at >= now.saturating_sub(MAX_EXPIRY_BEHIND) && *at <= now.saturating_add(MAX_EXPIRY_AHEAD)
        };
        given
            .filter(believable)
            .or_else(|| now.checked_add(DEFAULT_SESSION_LIFETIME))
    }

    /// The expiry an answer's `CB-Token-ExpirationDate` gives, when believable; otherwise
    /// the documented two hours from now.
    pub fn expiry_from_header(&self, header: Option<&str>) -> Option<OffsetDateTime> {
        let given = header.and_then(|text| {
            self.last_expiry
                .get(text, connectycube_models::date::parse_expiration_header)
                .0
        });
        self.expiry_from_server(given)
    }

    /// An expiry the app saved or set. One further ahead than [`MAX_EXPIRY_AHEAD`] cannot be
    /// real and is taken as already past, so the SDK renews the session instead of trusting
    /// the token forever. Unknown (`None`) stays unknown: the server's 401 will tell.
    pub fn expiry_from_app(&self, given: Option<OffsetDateTime>) -> Option<OffsetDateTime> {
        let now = self.server_now();
        given.map(|at| {
            if at > now.saturating_add(MAX_EXPIRY_AHEAD) {
                tracing::warn!("a saved session expiry lies too far ahead to be real; the session counts as expired");
                now
            } else {
                at
            }
        })
    }
}

fn plus_millis(at: OffsetDateTime, millis: i64) -> OffsetDateTime {
    at.checked_add(Duration::milliseconds(millis)).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(at: OffsetDateTime) -> String {
        httpdate::fmt_http_date(std::time::SystemTime::from(at))
    }

    #[test]
    fn absurd_dates_are_ignored_and_the_next_good_one_wins() {
        let clock = Clock::default();
        clock.observe_date(Some("Fri, 31 Dec 9999 23:59:59 GMT"));
        assert_eq!(clock.skew(), Duration::ZERO);
        let ahead = OffsetDateTime::now_utc() + Duration::hours(3);
        clock.observe_date(Some(&date(ahead)));
        assert!((clock.skew() - Duration::hours(3)).abs() < Duration::seconds(2));
        clock.observe_date(Some("Fri, 31 Dec 9999 23:59:59 GMT"));
        assert!((clock.skew() - Duration::hours(3)).abs() < Duration::seconds(2));
        clock.observe_date(Some(&date(OffsetDateTime::now_utc())));
        assert_eq!(clock.skew(), Duration::ZERO);
        clock.observe_date(Some("Mon, 01 Jan 0001 00:00:00 GMT"));
        assert_eq!(clock.skew(), Duration::ZERO);
    }

    #[test]
    fn expiries_out_of_reason_are_not_believed() {
        let clock = Clock::default();
        let now = clock.server_now();
        let default = clock.expiry_from_server(None).unwrap();
        assert!((default - now - Duration::hours(2)).abs() < Duration::seconds(2));
        for absurd in [
            OffsetDateTime::new_utc(time::Date::MIN, time::Time::MIDNIGHT),
            now + Duration::days(400),
        ] {
            let taken = clock.expiry_from_server(Some(absurd)).unwrap();
            assert!(
                (taken - now - Duration::hours(2)).abs() < Duration::seconds(2),
                "{absurd}"
            );
        }
        let real = now + Duration::minutes(90);
        assert_eq!(clock.expiry_from_server(Some(real)), Some(real));

        let forever = OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT);
        let taken = clock.expiry_from_app(Some(forever)).unwrap();
        assert!(taken <= clock.server_now());
        assert_eq!(clock.expiry_from_app(Some(real)), Some(real));
        assert_eq!(clock.expiry_from_app(None), None);
    }

    #[test]
    fn extreme_device_offsets_do_not_overflow() {
        for offset in [Duration::MAX, Duration::MIN, Duration::days(10_000_000)] {
            let clock = Clock::with_device_offset(offset);
            let _ = clock.server_now();
            clock.observe_date(Some("Fri, 31 Dec 9999 23:59:59 GMT"));
            let _ = clock.expiry_from_server(None);
        }
    }
}
