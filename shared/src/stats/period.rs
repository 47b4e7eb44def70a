//! A reporting period (a month, a quarter, a year or a range of dates, by local date): how it
//! is read from a query, its first and last day, and the periods it is compared with.

use serde::{Deserialize, Serialize};

use crate::clock::Date;

/// A reporting period, by local date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "period", rename_all = "snake_case")]
pub enum Period {
    /// A calendar month.
    Month {
        /// Year.
        year: i32,
        /// 1–12.
        month: u8,
    },
    /// A quarter.
    Quarter {
        /// Year.
        year: i32,
        /// 1–4.
        quarter: u8,
    },
    /// A calendar year.
    Year {
        /// Year.
        year: i32,
    },
    /// Any range of days, both ends included.
    Range {
        /// First day.
        from: Date,
        /// Last day.
        to: Date,
    },
}

fn month_end(year: i32, month: u8) -> Date {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let first_next = Date::new(y, m, 1).expect("first of a month");
    Date::from_days(first_next.days() - 1)
}

impl Period {
    /// Its first and last day.
    pub fn bounds(&self) -> (Date, Date) {
        match *self {
            Period::Month { year, month } => (
                Date::new(year, month, 1).unwrap_or(Date::from_days(0)),
                month_end(year, month.clamp(1, 12)),
            ),
            Period::Quarter { year, quarter } => {
                let q = quarter.clamp(1, 4);
                let first = (q - 1) * 3 + 1;
                (
                    Date::new(year, first, 1).expect("quarter start"),
                    month_end(year, first + 2),
                )
            }
            Period::Year { year } => (
                Date::new(year, 1, 1).expect("1 January"),
                Date::new(year, 12, 31).expect("31 December"),
            ),
            Period::Range { from, to } => (from, to),
        }
    }

    /// Whether `day` falls in it.
    pub fn contains(&self, day: Date) -> bool {
        let (from, to) = self.bounds();
        from <= day && day <= to
    }

    /// The period just before, of the same kind (a range: as many days before).
    pub fn previous(&self) -> Period {
        match *self {
            Period::Month { year, month } if month <= 1 => Period::Month {
                year: year - 1,
                month: 12,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month - 1,
            },
            Period::Quarter { year, quarter } if quarter <= 1 => Period::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
            Period::Year { year } => Period::Year { year: year - 1 },
            Period::Range { from, to } => {
                let len = to.days() - from.days() + 1;
                Period::Range {
                    from: Date::from_days(from.days() - len),
                    to: Date::from_days(from.days() - 1),
                }
            }
        }
    }

    /// The same period a year before.
    pub fn year_before(&self) -> Period {
        match *self {
            Period::Month { year, month } => Period::Month {
                year: year - 1,
                month,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year: year - 1,
                quarter,
            },
            Period::Year { year } => Period::Year { year: year - 1 },
            Period::Range { from, to } => {
                let back = |d: Date| {
                    Date::new(d.year() - 1, d.month(), d.day())
                        .unwrap_or_else(|| Date::from_days(d.days() - 365))
                };
                Period::Range {
                    from: back(from),
                    to: back(to),
                }
            }
        }
    }

    /// Written as [`Period::parse`] reads it.
    pub fn text(&self) -> String {
        match *self {
            Period::Month { year, month } => format!("{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => format!("{year:04}-Q{quarter}"),
            Period::Year { year } => format!("{year:04}"),
            Period::Range { from, to } => format!("{from}..{to}"),
        }
    }

    /// Reads `2026-03` (or `2026-3`), `2026-Q1`, `2026` or `2026-01-01..2026-03-31`: four-digit years from
    /// 1900 (a year past 9999 would step out of the calendar's arithmetic), ranges of at most
    /// ten years.
    pub fn parse(text: &str) -> Option<Period> {
        fn year(text: &str) -> Option<i32> {
            let ok = text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit());
            ok.then(|| text.parse().ok())?.filter(|y| *y >= 1900)
        }
        if let Some((from, to)) = text.split_once("..") {
            let (from, to) = (Date::parse(from).ok()?, Date::parse(to).ok()?);
            return (from.year() >= 1900 && from <= to && to.days() - from.days() <= 3660)
                .then_some(Period::Range { from, to });
        }
        let digits = |s: &str, max: usize| {
            (1..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        if let Some((y, q)) = text.split_once("-Q") {
            let quarter: u8 = digits(q, 1).then(|| q.parse().ok())??;
            return (1..=4).contains(&quarter).then_some(Period::Quarter {
                year: year(y)?,
                quarter,
            });
        }
        if let Some((y, m)) = text.split_once('-') {
            let month: u8 = digits(m, 2).then(|| m.parse().ok())??;
            return (1..=12).contains(&month).then_some(Period::Month {
                year: year(y)?,
                month,
            });
        }
        year(text).map(|year| Period::Year { year })
    }
}
