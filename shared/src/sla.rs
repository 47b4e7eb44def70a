//! Deadlines (時限, DESIGN §5): a working-day calendar with weekends, public holidays and
//! make-up working days (調休), loaded from data, and the SLA clocks of a case computed from
//! its events alone, so the browser and the server give the same answer.
//!
//! "Within N working days" means: by the end (24:00 local time) of the Nth working day after
//! the day the clock started. A case received Monday 27 January 2025 at 16:00 with one
//! working day to dispatch is due at the end of Wednesday 5 February 2025, the first working
//! day after the Spring Festival holiday.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{
    clock::{CHINA_OFFSET_MINUTES, DAY_MS, Date, HOUR_MS, MINUTE_MS, Timestamp, Weekday},
    model::{CaseKind, Stage},
    view::CaseView,
};

pub use crate::rules::{Limit, SlaPolicy};

/// The official schedules shipped by default (2025 and 2026).
pub const CHINA_DEFAULT_CALENDAR: &str = include_str!("../data/calendar-cn.txt");

/// Working days: weekends off, listed holidays off, listed make-up days on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WorkCalendar {
    /// Local time offset east of UTC, in minutes (China: +480).
    pub offset_minutes: i32,
    /// Years whose schedule is complete.
    pub years: BTreeSet<i32>,
    /// Public holidays.
    pub holidays: BTreeSet<Date>,
    /// Make-up working days on weekends.
    pub workdays: BTreeSet<Date>,
}

/// A calendar text that does not parse: which line, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[error("calendar line {line}: {problem}")]
pub struct CalendarError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

impl WorkCalendar {
    /// Parses the calendar text format (see `data/calendar-cn.txt`).
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        let mut cal = WorkCalendar {
            offset_minutes: CHINA_OFFSET_MINUTES,
            years: BTreeSet::new(),
            holidays: BTreeSet::new(),
            workdays: BTreeSet::new(),
        };
        for (idx, raw) in text.lines().enumerate() {
            let err = |problem: String| CalendarError {
                line: idx + 1,
                problem,
            };
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut words = line.split_whitespace();
            let first = words.next().unwrap_or("");
            match first {
                "offset" => {
                    let v = words
                        .next()
                        .ok_or_else(|| err("offset needs ±HH:MM".into()))?;
                    cal.offset_minutes =
                        parse_offset(v).ok_or_else(|| err(format!("bad offset {v}")))?;
                }
                "year" => {
                    let v = words.next().unwrap_or("");
                    let year: i32 = v.parse().map_err(|_| err(format!("bad year {v}")))?;
                    cal.years.insert(year);
                }
                range => {
                    let (from, to) = range.split_once("..").unwrap_or((range, range));
                    let from = Date::parse(from).map_err(|e| err(e.to_string()))?;
                    let to = Date::parse(to).map_err(|e| err(e.to_string()))?;
                    if to < from || to.days() - from.days() > 31 {
                        return Err(err(format!("bad range {range}")));
                    }
                    let target = match words.next() {
                        Some("holiday") => &mut cal.holidays,
                        Some("workday") => &mut cal.workdays,
                        other => {
                            return Err(err(format!(
                                "expected holiday or workday, found {:?}",
                                other.unwrap_or("")
                            )));
                        }
                    };
                    let mut d = from;
                    loop {
                        target.insert(d);
                        if d == to {
                            break;
                        }
                        d = d.succ();
                    }
                }
            }
        }
        if let Some(both) = cal.holidays.intersection(&cal.workdays).next() {
            return Err(CalendarError {
                line: 0,
                problem: format!("{both} is both a holiday and a workday"),
            });
        }
        Ok(cal)
    }

    /// The shipped PRC calendar for 2025 and 2026.
    pub fn china_default() -> Self {
        Self::parse(CHINA_DEFAULT_CALENDAR).expect("shipped calendar parses")
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: Date) -> bool {
        if self.workdays.contains(&date) {
            return true;
        }
        if self.holidays.contains(&date) {
            return false;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// Whether the schedule of `year` is known.
    pub fn knows(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The end (24:00 local) of the `n`th working day after the day of `start`.
    pub fn add_working_days(&self, start: Timestamp, n: u32) -> Due {
        let mut day = start.date(self.offset_minutes);
        let mut uncertain = !self.knows(day.year());
        let mut counted = 0;
        // With n = 0, the deadline is the end of the start day if it is a working day.
        if n == 0 && !self.is_working_day(day) {
            while !self.is_working_day(day) {
                day = day.succ();
                uncertain |= !self.knows(day.year());
            }
        }
        while counted < n {
            day = day.succ();
            uncertain |= !self.knows(day.year());
            if self.is_working_day(day) {
                counted += 1;
            }
        }
        Due {
            at: Timestamp::from_local(day.succ(), 0, 0, self.offset_minutes),
            uncertain,
        }
    }

    /// Spans of more than six consecutive working days in `year` (the State Council rule
    /// since 2025, new Article 7): an editor shows these as warnings. Returns (first day,
    /// length) pairs.
    pub fn long_working_stretches(&self, year: i32) -> Vec<(Date, u32)> {
        let mut out = Vec::new();
        let Some(mut day) = Date::new(year, 1, 1) else {
            return out;
        };
        let mut run: Option<(Date, u32)> = None;
        while day.year() == year {
            if self.is_working_day(day) {
                run = Some(match run {
                    Some((first, len)) => (first, len + 1),
                    None => (day, 1),
                });
            } else if let Some((first, len)) = run.take()
                && len > 6
            {
                out.push((first, len));
            }
            day = day.succ();
        }
        if let Some((first, len)) = run
            && len > 6
        {
            out.push((first, len));
        }
        out
    }
}

fn parse_offset(v: &str) -> Option<i32> {
    let (sign, rest) = match v.as_bytes().first()? {
        b'+' => (1, &v[1..]),
        b'-' => (-1, &v[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

/// A computed deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Due {
    /// The moment it falls due.
    pub at: Timestamp,
    /// It runs through a year whose holiday schedule is not known yet: weekends only were
    /// assumed, and screens say so.
    pub uncertain: bool,
}

impl Limit {
    /// When a clock started at `start` with this limit falls due.
    pub fn due(self, start: Timestamp, calendar: &WorkCalendar) -> Due {
        let plain = |ms: i64| Due {
            at: Timestamp(start.0 + ms),
            uncertain: false,
        };
        match self {
            Limit::Minutes(n) => plain(n as i64 * MINUTE_MS),
            Limit::Hours(n) => plain(n as i64 * HOUR_MS),
            Limit::CalendarDays(n) => plain(n as i64 * DAY_MS),
            Limit::WorkingDays(n) => calendar.add_working_days(start, n),
        }
    }
}

/// The clocks a case runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum SlaStage {
    Register,
    Dispatch,
    PreliminaryOpinion,
    Review,
    Feedback,
    WholeCase,
    Revisit,
    /// The emergency path's interim measure.
    Interim,
    /// An appeal's decision.
    AppealDecision,
    /// A rectification measure's deadline.
    Rectification,
}

crate::wire::wire_names!(SlaStage {
    Register => "register",
    Dispatch => "dispatch",
    PreliminaryOpinion => "preliminary_opinion",
    Review => "review",
    Feedback => "feedback",
    WholeCase => "whole_case",
    Revisit => "revisit",
    Interim => "interim",
    AppealDecision => "appeal_decision",
    Rectification => "rectification",
});

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SlaStatus {
    /// Running, with time left.
    Running {
        /// Milliseconds left.
        left_ms: i64,
    },
    /// Running, past due.
    Overdue {
        /// Milliseconds past due.
        by_ms: i64,
    },
    /// Done in time.
    OnTime,
    /// Done late.
    Late {
        /// Milliseconds late.
        by_ms: i64,
    },
}

/// One deadline of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SlaClock {
    /// Which.
    pub stage: SlaStage,
    /// When it started.
    pub started: Timestamp,
    /// When it falls due.
    pub due: Due,
    /// When the step was done, if it was.
    pub done: Option<Timestamp>,
    /// Where it stands at `now`.
    pub status: SlaStatus,
}

impl SlaClock {
    fn new(
        stage: SlaStage,
        started: Timestamp,
        due: Due,
        done: Option<Timestamp>,
        now: Timestamp,
    ) -> Self {
        let status = match done {
            Some(at) if at <= due.at => SlaStatus::OnTime,
            Some(at) => SlaStatus::Late {
                by_ms: at.0 - due.at.0,
            },
            None if now <= due.at => SlaStatus::Running {
                left_ms: due.at.0 - now.0,
            },
            None => SlaStatus::Overdue {
                by_ms: now.0 - due.at.0,
            },
        };
        SlaClock {
            stage,
            started,
            due,
            done,
            status,
        }
    }

    /// Whether this clock is running and past due.
    pub fn is_overdue(&self) -> bool {
        matches!(self.status, SlaStatus::Overdue { .. })
    }
}

/// The first time the case entered `stage` at or after `after`.
fn entered_after(view: &CaseView, stages: &[Stage], after: Timestamp) -> Option<Timestamp> {
    view.stage_history
        .iter()
        .find(|c| stages.contains(&c.stage) && c.at >= after)
        .map(|c| c.at)
}

/// How long the clocks were paused (waiting for the complainant) between `from` and `to`.
fn paused_ms(view: &CaseView, from: Timestamp, to: Timestamp) -> i64 {
    view.pauses
        .iter()
        .map(|p| {
            let start = p.from.max(from);
            let end = p.resumed.unwrap_or(to).min(to);
            (end.0 - start.0).max(0)
        })
        .sum()
}

/// The case's deadlines at `now`, computed from its events alone. Clocks of steps a case
/// skipped (a consultation closed at once is never dispatched) are not listed.
///
/// The clocks are the case's own rules' ([`crate::rules`]: the profile version it started
/// under, the emergency path's for 緊急重大 where it has one); `policy` is for cases
/// registered before profiles. Time paused waiting for the complainant (004 補充完善)
/// moves every later deadline by as long.
pub fn clocks(
    view: &CaseView,
    policy: &SlaPolicy,
    calendar: &WorkCalendar,
    now: Timestamp,
) -> Vec<SlaClock> {
    let (Some(registration), Some(registered_at)) = (&view.registration, view.registered_at) else {
        return Vec::new();
    };
    let rules = view.rules_or(policy);
    let policy = rules.clocks_for(view.severity == Some(crate::model::Severity::UrgentMajor));
    let received = registration.received_at;
    let mut out = Vec::new();
    let mut raw = Vec::new();
    clocks_unpaused(
        view,
        policy,
        calendar,
        received,
        registered_at,
        now,
        &mut raw,
    );
    let interim = rules.emergency.and_then(|e| e.interim);
    if let Some(limit) = interim.filter(|_| view.path() == crate::rules::Path::Emergency) {
        raw.push(SlaClock::new(
            SlaStage::Interim,
            received,
            limit.due(received, calendar),
            view.interim.first().map(|m| m.at),
            now,
        ));
    }
    if let Some(limit) = rules.appeal_decision {
        for appeal in &view.appeals {
            let decided = view
                .appeal_decisions
                .iter()
                .find(|d| d.value.appeal == appeal.event)
                .map(|d| d.at);
            raw.push(SlaClock::new(
                SlaStage::AppealDecision,
                appeal.at,
                limit.due(appeal.at, calendar),
                decided,
                now,
            ));
        }
    }
    for r in &view.rectifications {
        raw.push(SlaClock::new(
            SlaStage::Rectification,
            r.at,
            Due {
                at: r.value.due,
                uncertain: false,
            },
            r.done,
            now,
        ));
    }
    for clock in raw {
        // Registration precedes any pause; a rectification's deadline is a date set inside
        // the organisation, not a clock the complainant holds up.
        let shift = if matches!(clock.stage, SlaStage::Register | SlaStage::Rectification) {
            0
        } else {
            paused_ms(view, clock.started, clock.done.unwrap_or(now))
        };
        let due = Due {
            at: Timestamp(clock.due.at.0 + shift),
            uncertain: clock.due.uncertain,
        };
        out.push(SlaClock::new(
            clock.stage,
            clock.started,
            due,
            clock.done,
            now,
        ));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn clocks_unpaused(
    view: &CaseView,
    policy: &SlaPolicy,
    calendar: &WorkCalendar,
    received: Timestamp,
    registered_at: Timestamp,
    now: Timestamp,
    out: &mut Vec<SlaClock>,
) {
    let Some(registration) = &view.registration else {
        return;
    };
    out.push(SlaClock::new(
        SlaStage::Register,
        received,
        policy.register.due(received, calendar),
        Some(registered_at),
        now,
    ));
    let dispatched = entered_after(view, &[Stage::Dispatched], received);
    let closed_early = view.stage == Stage::Closed && dispatched.is_none();
    if !closed_early && registration.kind != CaseKind::Consultation {
        out.push(SlaClock::new(
            SlaStage::Dispatch,
            received,
            policy.dispatch.due(received, calendar),
            dispatched,
            now,
        ));
    }
    if let Some(dispatched) = dispatched {
        let proposed = entered_after(view, &[Stage::PlanProposed], dispatched);
        out.push(SlaClock::new(
            SlaStage::PreliminaryOpinion,
            dispatched,
            policy.preliminary_opinion.due(dispatched, calendar),
            proposed,
            now,
        ));
        if let Some(latest) = view.entered(Stage::PlanProposed) {
            let reviewed = view
                .stage_history
                .iter()
                .find(|c| c.at >= latest && c.stage != Stage::PlanProposed)
                .map(|c| c.at);
            out.push(SlaClock::new(
                SlaStage::Review,
                latest,
                policy.review.due(latest, calendar),
                reviewed,
                now,
            ));
        }
    }
    let executing = entered_after(view, &[Stage::Executing], received);
    let answered = entered_after(view, &[Stage::FeedbackGiven, Stage::Closed], received);
    if let Some(executing) = executing {
        out.push(SlaClock::new(
            SlaStage::Feedback,
            executing,
            policy.feedback.due(executing, calendar),
            entered_after(view, &[Stage::FeedbackGiven], executing),
            now,
        ));
    }
    let whole_limit = if registration.kind == CaseKind::Consultation {
        policy.consultation
    } else if view.special {
        policy.whole_case_special
    } else {
        policy.whole_case
    };
    let whole_due = match view.due_override {
        Some(at) => Due {
            at,
            uncertain: false,
        },
        None => whole_limit.due(received, calendar),
    };
    out.push(SlaClock::new(
        SlaStage::WholeCase,
        received,
        whole_due,
        answered,
        now,
    ));
    if let Some(fed_back) = view.feedback.first().map(|f| f.at) {
        let revisited = view
            .revisits
            .iter()
            .map(|r| r.at)
            .find(|&at| at >= fed_back);
        if revisited.is_some() || view.stage.is_open() {
            out.push(SlaClock::new(
                SlaStage::Revisit,
                fed_back,
                policy.revisit.due(fed_back, calendar),
                revisited,
                now,
            ));
        }
    }
}

/// Whether any running clock of the case is past due.
pub fn is_overdue(clocks: &[SlaClock]) -> bool {
    clocks.iter().any(SlaClock::is_overdue)
}

/// When the complainant is to have an answer: the whole-case clock's due time (what a
/// receipt promises; 002 "自動回復…預計處理時間"). `None` before the case is registered.
pub fn answer_due(clocks: &[SlaClock]) -> Option<Due> {
    clocks
        .iter()
        .find(|c| c.stage == SlaStage::WholeCase)
        .map(|c| c.due)
}

/// The running clock due soonest (what a list shows as "time left").
pub fn next_due(clocks: &[SlaClock]) -> Option<&SlaClock> {
    clocks
        .iter()
        .filter(|c| c.done.is_none())
        .min_by_key(|c| c.due.at)
}
