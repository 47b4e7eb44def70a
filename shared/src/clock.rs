//! Time as data: timestamps, civil dates in a fixed UTC offset, and the hybrid logical clock
//! (HLC) that orders events across devices whose clocks disagree. No clock is read here:
//! "now" always comes in as an argument.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch, UTC.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Timestamp(pub i64);

/// One minute in milliseconds.
pub const MINUTE_MS: i64 = 60_000;
/// One hour in milliseconds.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
/// One day in milliseconds.
pub const DAY_MS: i64 = 24 * HOUR_MS;
/// China Standard Time (UTC+8), the default offset of working-day calendars.
pub const CHINA_OFFSET_MINUTES: i32 = 8 * 60;

impl Timestamp {
    /// The civil date of this instant at `offset_minutes` east of UTC.
    pub fn date(self, offset_minutes: i32) -> Date {
        let local = self.0 + offset_minutes as i64 * MINUTE_MS;
        Date::from_days(local.div_euclid(DAY_MS))
    }

    /// Milliseconds after local midnight at `offset_minutes`.
    pub fn ms_of_day(self, offset_minutes: i32) -> i64 {
        (self.0 + offset_minutes as i64 * MINUTE_MS).rem_euclid(DAY_MS)
    }

    /// Builds a timestamp from a local date and time at `offset_minutes` (tests, fixtures,
    /// forms).
    pub fn from_local(date: Date, hour: u32, minute: u32, offset_minutes: i32) -> Self {
        Timestamp(
            date.days() * DAY_MS + hour as i64 * HOUR_MS + minute as i64 * MINUTE_MS
                - offset_minutes as i64 * MINUTE_MS,
        )
    }
}

/// A civil (proleptic Gregorian) date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// A date that does not exist or does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date (expected YYYY-MM-DD): {0}")]
pub struct BadDate(pub String);

impl Date {
    /// A valid date, or `None` (30 February, month 13…).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(raw: &str) -> Result<Self, BadDate> {
        let bad = || BadDate(raw.to_string());
        let mut parts = raw.trim().splitn(3, '-');
        let (y, m, d) = (parts.next(), parts.next(), parts.next());
        let (Some(y), Some(m), Some(d)) = (y, m, d) else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let y = y.parse().map_err(|_| bad())?;
        let m = m.parse().map_err(|_| bad())?;
        let d = d.parse().map_err(|_| bad())?;
        Date::new(y, m, d).ok_or_else(bad)
    }

    /// Year.
    pub fn year(self) -> i32 {
        self.year
    }
    /// Month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }
    /// Day of month, 1–31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = self.year as i64 - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The next day.
    pub fn succ(self) -> Self {
        Date::from_days(self.days() + 1)
    }

    /// Day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.days() + 3).rem_euclid(7) {
            0 => Weekday::Mon,
            1 => Weekday::Tue,
            2 => Weekday::Wed,
            3 => Weekday::Thu,
            4 => Weekday::Fri,
            5 => Weekday::Sat,
            _ => Weekday::Sun,
        }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl TryFrom<String> for Date {
    type Error = BadDate;
    fn try_from(raw: String) -> Result<Self, BadDate> {
        Date::parse(&raw)
    }
}

impl From<Date> for String {
    fn from(value: Date) -> String {
        value.to_string()
    }
}

/// A hybrid logical clock reading: physical milliseconds plus a counter that orders events
/// made in the same millisecond or while the physical clock lags behind a clock seen from
/// another device. Ordered by (`wall_ms`, `counter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Hlc {
    /// Physical component, ms since the Unix epoch.
    pub wall_ms: i64,
    /// Logical component.
    pub counter: u32,
}

/// Largest accepted lead of a remote clock over ours (DESIGN §11: 5 minutes).
pub const MAX_CLOCK_DRIFT_MS: i64 = 5 * MINUTE_MS;

/// Why a remote clock reading was not adopted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// The remote clock is further ahead of ours than the allowed drift.
    #[error("clock {ahead_ms} ms ahead of ours (allowed {max_ms} ms)")]
    TooFarAhead {
        /// How far ahead the remote reading is.
        ahead_ms: i64,
        /// The allowed drift.
        max_ms: i64,
    },
}

impl Hlc {
    /// The zero reading: the state of a device's clock before its first event.
    pub const ZERO: Hlc = Hlc {
        wall_ms: 0,
        counter: 0,
    };

    /// The reading for a new local event (or a message sent), given the physical time now.
    /// Always greater than `self`, whatever `now` says.
    pub fn tick(self, now: Timestamp) -> Hlc {
        if now.0 > self.wall_ms {
            Hlc {
                wall_ms: now.0,
                counter: 0,
            }
        } else {
            self.bump()
        }
    }

    /// Adopts a reading received from elsewhere (an event or the server's clock): the result
    /// is greater than both `self` and `remote`. A remote reading more than `max_drift_ms`
    /// ahead of `now` is refused, so one bad clock cannot drag every device into the future.
    pub fn receive(
        self,
        remote: Hlc,
        now: Timestamp,
        max_drift_ms: i64,
    ) -> Result<Hlc, ClockError> {
        let ahead_ms = remote.wall_ms - now.0;
        if ahead_ms > max_drift_ms {
            return Err(ClockError::TooFarAhead {
                ahead_ms,
                max_ms: max_drift_ms,
            });
        }
        let wall_ms = self.wall_ms.max(remote.wall_ms).max(now.0);
        let counter = if wall_ms == self.wall_ms && wall_ms == remote.wall_ms {
            self.counter.max(remote.counter).saturating_add(1)
        } else if wall_ms == self.wall_ms {
            self.counter.saturating_add(1)
        } else if wall_ms == remote.wall_ms {
            remote.counter.saturating_add(1)
        } else {
            0
        };
        let next = Hlc { wall_ms, counter };
        // Saturated counters (2^32 events in one millisecond) move the wall instead.
        Ok(if next > self && next > remote {
            next
        } else {
            next.bump()
        })
    }

    fn bump(self) -> Hlc {
        match self.counter.checked_add(1) {
            Some(counter) => Hlc {
                wall_ms: self.wall_ms,
                counter,
            },
            None => Hlc {
                wall_ms: self.wall_ms + 1,
                counter: 0,
            },
        }
    }

    /// The physical time of this reading.
    pub fn timestamp(self) -> Timestamp {
        Timestamp(self.wall_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn civil_dates_round_trip_and_know_their_weekday() {
        let d = Date::new(2025, 1, 27).unwrap();
        assert_eq!(d.weekday(), Weekday::Mon);
        assert_eq!(Date::from_days(d.days()), d);
        assert_eq!(
            Date::new(2024, 2, 29).unwrap().succ(),
            Date::new(2024, 3, 1).unwrap()
        );
        assert_eq!(Date::new(2025, 2, 29), None);
        assert_eq!(Date::parse("2026-10-01").unwrap().weekday(), Weekday::Thu);
        assert!(Date::parse("2026-13-01").is_err());
        assert!(Date::parse("26-1-1").is_err());
    }

    #[test]
    fn timestamps_in_china_time() {
        let t = Timestamp::from_local(Date::new(2025, 1, 27).unwrap(), 16, 0, CHINA_OFFSET_MINUTES);
        assert_eq!(
            t.date(CHINA_OFFSET_MINUTES),
            Date::new(2025, 1, 27).unwrap()
        );
        // 16:00 in Beijing is 08:00 UTC.
        assert_eq!(t.ms_of_day(0), 8 * HOUR_MS);
        // 07:00 Beijing on the 28th is still the 27th in UTC.
        let early =
            Timestamp::from_local(Date::new(2025, 1, 28).unwrap(), 7, 0, CHINA_OFFSET_MINUTES);
        assert_eq!(early.date(0), Date::new(2025, 1, 27).unwrap());
    }

    #[test]
    fn hlc_refuses_a_clock_too_far_ahead() {
        let now = Timestamp(1_000_000_000);
        let remote = Hlc {
            wall_ms: now.0 + MAX_CLOCK_DRIFT_MS + 1,
            counter: 0,
        };
        assert!(matches!(
            Hlc::ZERO.receive(remote, now, MAX_CLOCK_DRIFT_MS),
            Err(ClockError::TooFarAhead { .. })
        ));
        let near = Hlc {
            wall_ms: now.0 + MAX_CLOCK_DRIFT_MS,
            counter: 7,
        };
        let got = Hlc::ZERO.receive(near, now, MAX_CLOCK_DRIFT_MS).unwrap();
        assert_eq!(
            got,
            Hlc {
                wall_ms: near.wall_ms,
                counter: 8
            }
        );
    }

    #[derive(Debug, Clone)]
    enum Step {
        Tick(i64),
        Receive(i64, i64, u32),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0i64..10_000).prop_map(Step::Tick),
            (0i64..10_000, -20_000i64..20_000, 0u32..5)
                .prop_map(|(n, d, c)| Step::Receive(n, d, c)),
        ]
    }

    proptest! {
        /// Whatever the physical clock does (jumps back, stands still) and whatever is
        /// received, a device's HLC only moves forward.
        #[test]
        fn hlc_is_monotonic_per_device(steps in proptest::collection::vec(step(), 1..200)) {
            let mut clock = Hlc::ZERO;
            for step in steps {
                let next = match step {
                    Step::Tick(now) => clock.tick(Timestamp(now)),
                    Step::Receive(now, delta, counter) => {
                        let remote = Hlc { wall_ms: now + delta, counter };
                        match clock.receive(remote, Timestamp(now), MAX_CLOCK_DRIFT_MS) {
                            Ok(next) => {
                                prop_assert!(next > remote);
                                next
                            }
                            Err(_) => continue,
                        }
                    }
                };
                prop_assert!(next > clock, "{next:?} after {clock:?}");
                clock = next;
            }
        }

        #[test]
        fn dates_round_trip(days in -1_000_000i64..1_000_000) {
            let d = Date::from_days(days);
            prop_assert_eq!(d.days(), days);
            prop_assert_eq!(Date::parse(&d.to_string()).ok().filter(|_| d.year() >= 1000 && d.year() <= 9999), (d.year() >= 1000 && d.year() <= 9999).then_some(d));
        }
    }
}
