//! The emulator's virtual clock: real time plus an offset that tests move with
//! `POST /__emulator/clock`, so sessions expire without waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use time::{Duration, OffsetDateTime, macros::datetime};

/// One move may go this far either way (100 years of 365.25 days).
pub const MAX_MOVE_SECS: u64 = 3_155_760_000;
/// The virtual time stays in this range: every date the emulator writes (the `Date`
/// header included) is representable there, with centuries to spare for expiries.
pub const EARLIEST: OffsetDateTime = datetime!(1970-01-01 00:00:00 UTC);
pub const LATEST: OffsetDateTime = datetime!(9000-01-01 00:00:00 UTC);

#[derive(Debug, PartialEq, Eq)]
pub enum ClockError {
    MoveTooLarge,
    OutOfRange,
}

impl std::fmt::Display for ClockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MoveTooLarge => write!(
                f,
                "advance_secs must be between -{MAX_MOVE_SECS} and {MAX_MOVE_SECS} (100 years per move)"
            ),
            Self::OutOfRange => write!(
                f,
                "the virtual clock must stay between 1970-01-01T00:00:00Z and 9000-01-01T00:00:00Z"
            ),
        }
    }
}

#[derive(Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        let real = OffsetDateTime::now_utc();
        // `advance` keeps the offset far from overflowing; real time is the fallback anyway.
        real.checked_add(Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed)))
            .unwrap_or(real)
    }

    /// Moves the clock by `secs` (negative moves it back) and answers the new time; refuses
    /// a move beyond [`MAX_MOVE_SECS`] or out of [`EARLIEST`]..[`LATEST`], leaving the clock.
    pub fn advance(&self, secs: i64) -> Result<OffsetDateTime, ClockError> {
        if secs.unsigned_abs() > MAX_MOVE_SECS {
            return Err(ClockError::MoveTooLarge);
        }
        // Within the bound, so neither product nor sum can overflow: the offset spans at
        // most the 9,000 years of the range, about 3e14 ms.
        let step_ms = secs * 1000;
        let mut current = self.offset_ms.load(Ordering::Relaxed);
        loop {
            let next = current + step_ms;
            let at = OffsetDateTime::now_utc().checked_add(Duration::milliseconds(next));
            if !at.is_some_and(|at| (EARLIEST..LATEST).contains(&at)) {
                return Err(ClockError::OutOfRange);
            }
            match self
                .offset_ms
                .compare_exchange(current, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return Ok(self.now()),
                Err(actual) => current = actual,
            }
        }
    }

    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::Relaxed);
    }

    /// The virtual time's distance from real time, as `--data-dir` keeps it.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// A clock `offset_ms` from real time (a restored one).
    pub fn with_offset_ms(offset_ms: i64) -> Self {
        Self {
            offset_ms: AtomicI64::new(offset_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_are_bounded_and_a_refused_move_leaves_the_clock() {
        let clock = Clock::default();
        assert_eq!(clock.advance(400_000_000_000), Err(ClockError::MoveTooLarge));
        assert_eq!(clock.advance(i64::MIN), Err(ClockError::MoveTooLarge));
        assert_eq!(clock.advance(-(MAX_MOVE_SECS as i64)), Err(ClockError::OutOfRange));
        let before = clock.now();
        assert!((before - OffsetDateTime::now_utc()).abs() < Duration::seconds(5));
        let mut moves = 0;
        while clock.advance(MAX_MOVE_SECS as i64).is_ok() {
            moves += 1;
        }
        assert_eq!(clock.advance(MAX_MOVE_SECS as i64), Err(ClockError::OutOfRange));
        assert!(moves > 60, "{moves} moves of 100 years from now stay before 9000");
        assert!(clock.now() < LATEST);
        assert!(clock.advance(-(MAX_MOVE_SECS as i64)).is_ok());
    }
}
