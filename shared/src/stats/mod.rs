//! Statistics (issue 14): one compact row per case ([`StatRow`], computed from its folded
//! view when its events change, kept by the server for every case, destroyed ones included)
//! and pure reports over rows ([`report`]), so the server and the browser give the same
//! figures from the same rows.
//!
//! A case belongs to the period in which it was received (local date), once, however often
//! it was reopened. Time waiting for the complainant (004 補充完善) is left out of the
//! handling time, as the clocks leave it out of the deadlines.

mod appraisal;
mod period;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use appraisal::{APPRAISAL_HEADINGS, AppraisalBy, AppraisalLine, appraisal, percent};
pub use period::Period;

use crate::{
    clock::Timestamp,
    event::{Actor, Finding},
    ids::{CaseId, CategoryId, DepartmentId, UserId},
    model::{CaseKind, Channel, ComplainantType, Outcome, Satisfaction, Severity, Stage},
    sla::{self, SlaPolicy, SlaStage, WorkCalendar},
    view::CaseView,
};

/// One clock of a case, as statistics read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClockFact {
    /// Which clock.
    pub stage: SlaStage,
    /// When it falls due (pauses included).
    pub due: Timestamp,
    /// When its step was done, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<Timestamp>,
}

impl ClockFact {
    /// Done, and in time.
    pub fn met(&self) -> bool {
        self.done.is_some_and(|d| d <= self.due)
    }

    /// Done late, or still running past its due time at `now`.
    pub fn missed(&self, now: Timestamp) -> bool {
        match self.done {
            Some(d) => d > self.due,
            None => now > self.due,
        }
    }
}

/// One case as the statistics read it: no personal data, no free text but the cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatRow {
    /// The case.
    pub case: CaseId,
    /// When it was received.
    pub received: Timestamp,
    /// When the complainant was first answered (feedback, or an early close).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<Timestamp>,
    /// When it was last closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Timestamp>,
    /// Stage now.
    pub stage: Stage,
    /// Complaint, suggestion, consultation.
    pub kind: CaseKind,
    /// How it came in.
    pub channel: Channel,
    /// Category or sub-item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryId>,
    /// Cause found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// Verdict of the latest report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<Finding>,
    /// Severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Lead department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<DepartmentId>,
    /// Co-handling departments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub co_departments: Vec<DepartmentId>,
    /// Who registered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_by: Option<UserId>,
    /// Who recorded the last execution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handled_by: Option<UserId>,
    /// Its clocks (registration excluded).
    pub clocks: Vec<ClockFact>,
    /// Milliseconds paused waiting for the complainant.
    #[serde(default)]
    pub paused_ms: i64,
    /// Working days from receipt to the first answer, pauses left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days: Option<u32>,
    /// The latest revisit's satisfaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<Satisfaction>,
    /// Times it went back to investigating.
    #[serde(default)]
    pub reopen_count: u32,
    /// How it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// Compensation paid (fen).
    #[serde(default)]
    pub compensation_fen: i64,
    /// Loss established (fen).
    #[serde(default)]
    pub loss_fen: i64,
    /// Customer, employee, partner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_type: Option<ComplainantType>,
    /// Staff members held responsible (one entry per record).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accountable_people: Vec<UserId>,
    /// Departments held responsible (one entry per record).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accountable_departments: Vec<DepartmentId>,
}

/// Working days from the day of `from` to `to`: the fewest `n` whose deadline
/// (`add_working_days(from, n)`) is not before `to`.
fn working_days_between(calendar: &WorkCalendar, from: Timestamp, to: Timestamp) -> u32 {
    let mut n = 0;
    while n < 1000 && calendar.add_working_days(from, n).at < to {
        n += 1;
    }
    n
}

impl StatRow {
    /// The row of `view` (`None` before its registration is known), clocks from its rules
    /// (`policy` for cases registered before profiles).
    pub fn of(view: &CaseView, policy: &SlaPolicy, calendar: &WorkCalendar) -> Option<Self> {
        let registration = view.registration.as_ref()?;
        let received = registration.received_at;
        let clocks = sla::clocks(view, policy, calendar, Timestamp(0));
        let answered = view
            .stage_history
            .iter()
            .find(|c| matches!(c.stage, Stage::FeedbackGiven | Stage::Closed))
            .map(|c| c.at);
        let closed = view
            .entered(Stage::Closed)
            .filter(|_| !view.stage.is_open());
        let paused_ms: i64 = view
            .pauses
            .iter()
            .map(|p| p.resumed.map_or(0, |r| (r.0 - p.from.0).max(0)))
            .sum();
        let working_days = answered.map(|a| {
            let pauses_before: i64 = view
                .pauses
                .iter()
                .filter(|p| p.from < a)
                .map(|p| (p.resumed.unwrap_or(a).min(a).0 - p.from.0).max(0))
                .sum();
            working_days_between(calendar, received, Timestamp(a.0 - pauses_before))
        });
        let user = |a: &Actor| match a {
            Actor::User(u) => Some(u.clone()),
            _ => None,
        };
        let money = |m: Option<crate::validate::Money>| m.map_or(0, |m| m.fen());
        Some(StatRow {
            case: view.id,
            received,
            answered,
            closed,
            stage: view.stage,
            kind: registration.kind,
            channel: registration.channel,
            category: view
                .category
                .clone()
                .or_else(|| registration.category.clone()),
            cause: view.cause.as_ref().map(|c| c.as_str().to_string()),
            finding: view.reports.last().and_then(|r| r.value.finding),
            severity: view.severity.or(registration.severity),
            department: view.department.clone(),
            co_departments: view.co_departments.clone(),
            registered_by: view.registered_by.as_ref().and_then(user),
            handled_by: view.executions.last().and_then(|x| user(&x.actor)),
            clocks: clocks
                .iter()
                .filter(|c| c.stage != SlaStage::Register)
                .map(|c| ClockFact {
                    stage: c.stage,
                    due: c.due.at,
                    done: c.done,
                })
                .collect(),
            paused_ms,
            working_days,
            satisfaction: view.revisits.last().map(|r| r.value.satisfaction),
            reopen_count: view.reopen_count,
            outcome: view.outcome,
            compensation_fen: view
                .executions
                .iter()
                .map(|x| money(x.value.compensation))
                .sum(),
            loss_fen: view.executions.iter().map(|x| money(x.value.loss)).sum(),
            complainant_type: registration.complainant_type,
            accountable_people: view
                .accountability
                .iter()
                .filter_map(|a| a.value.person.clone())
                .collect(),
            accountable_departments: view
                .accountability
                .iter()
                .filter_map(|a| a.value.department.clone())
                .collect(),
        })
    }

    /// The whole-case clock.
    pub fn whole_case(&self) -> Option<&ClockFact> {
        self.clocks.iter().find(|c| c.stage == SlaStage::WholeCase)
    }
}

/// What a report groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Dimension {
    Category,
    Cause,
    Department,
    Channel,
    Severity,
    Kind,
    Finding,
    ComplainantType,
    Satisfaction,
    /// The month received (`2026-03`).
    Month,
}

crate::wire::wire_names!(Dimension {
    Category => "category",
    Cause => "cause",
    Department => "department",
    Channel => "channel",
    Severity => "severity",
    Kind => "kind",
    Finding => "finding",
    ComplainantType => "complainant_type",
    Satisfaction => "satisfaction",
    Month => "month",
});

impl Dimension {
    /// Every dimension, in the order a screen offers them.
    pub const ALL: [Dimension; 10] = [
        Dimension::Category,
        Dimension::Cause,
        Dimension::Department,
        Dimension::Channel,
        Dimension::Severity,
        Dimension::Kind,
        Dimension::Finding,
        Dimension::ComplainantType,
        Dimension::Satisfaction,
        Dimension::Month,
    ];

    /// Its name in addresses and queries (`category`, `complainant_type`, …).
    pub fn tag(self) -> &'static str {
        match self {
            Dimension::Category => "category",
            Dimension::Cause => "cause",
            Dimension::Department => "department",
            Dimension::Channel => "channel",
            Dimension::Severity => "severity",
            Dimension::Kind => "kind",
            Dimension::Finding => "finding",
            Dimension::ComplainantType => "complainant_type",
            Dimension::Satisfaction => "satisfaction",
            Dimension::Month => "month",
        }
    }

    /// The dimension named `tag`.
    pub fn from_tag(tag: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.tag() == tag)
    }

    /// A row's key in this dimension (`""` where the row has none).
    pub fn key(self, row: &StatRow, offset_minutes: i32) -> String {
        // The serde name, through the string writer the wire format uses anyway (a `Value`
        // serializer would be a second copy of every enum's code in the browser build).
        fn tag<T: Serialize>(v: &T) -> String {
            serde_json::to_string(v)
                .ok()
                .and_then(|s| Some(s.strip_prefix('"')?.strip_suffix('"')?.to_string()))
                .unwrap_or_default()
        }
        match self {
            Dimension::Category => row
                .category
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_default(),
            Dimension::Cause => row.cause.clone().unwrap_or_default(),
            Dimension::Department => row
                .department
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            Dimension::Channel => tag(&row.channel),
            Dimension::Severity => row.severity.map(|s| tag(&s)).unwrap_or_default(),
            Dimension::Kind => tag(&row.kind),
            Dimension::Finding => row.finding.map(|f| tag(&f)).unwrap_or_default(),
            Dimension::ComplainantType => row.complainant_type.map(|t| tag(&t)).unwrap_or_default(),
            Dimension::Satisfaction => row.satisfaction.map(|s| tag(&s)).unwrap_or_default(),
            Dimension::Month => {
                let d = row.received.date(offset_minutes);
                format!("{:04}-{:02}", d.year(), d.month())
            }
        }
    }
}

/// Which rows a report reads, besides its period. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatFilter {
    /// Cases this department leads or co-handles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<DepartmentId>,
    /// Only this kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CaseKind>,
}

impl StatFilter {
    /// Whether `row` passes.
    pub fn admits(&self, row: &StatRow) -> bool {
        self.department
            .as_ref()
            .is_none_or(|d| row.department.as_ref() == Some(d) || row.co_departments.contains(d))
            && self.kind.is_none_or(|k| row.kind == k)
    }
}

/// Whose figures a principal may see (issue 14 §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "scope", content = "department", rename_all = "snake_case")]
pub enum StatScope {
    /// Every case: the complaint centre's supervisors and the company's leaders.
    All,
    /// The cases a department leads or co-handles: its head.
    Department(DepartmentId),
}

/// Whether someone with `roles` reads statistics at all (the navigation's entry; the
/// server's [`StatScope::of`] decides whose cases).
pub fn reads_statistics(roles: &[crate::access::Role]) -> bool {
    use crate::access::Role;
    roles
        .iter()
        .any(|r| matches!(r, Role::Supervisor | Role::Manager | Role::Leader))
}

impl StatScope {
    /// The scope of `principal`, if they may see statistics at all.
    pub fn of(principal: &crate::access::Principal) -> Option<StatScope> {
        use crate::access::{Principal, Role};
        match principal {
            Principal::System => Some(StatScope::All),
            Principal::User {
                roles, department, ..
            } => {
                if roles.contains(&Role::Supervisor) || roles.contains(&Role::Leader) {
                    Some(StatScope::All)
                } else if roles.contains(&Role::Manager) {
                    department.clone().map(StatScope::Department)
                } else {
                    None
                }
            }
            Principal::Kiosk { .. } => None,
        }
    }

    /// `filter` narrowed to this scope.
    pub fn narrow(&self, mut filter: StatFilter) -> StatFilter {
        if let StatScope::Department(d) = self {
            filter.department = Some(d.clone());
        }
        filter
    }
}

/// The answer of `GET /api/v1/statistics`: the report and whose cases it covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatAnswer {
    /// Whose cases.
    pub scope: StatScope,
    /// The figures.
    pub report: Report,
}

/// The answer of `GET /api/v1/appraisal`: whose lines, and the lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AppraisalAnswer {
    /// Whose cases the lines read (`None`: the caller's own line only).
    pub scope: Option<StatScope>,
    /// One line per department or person.
    pub lines: Vec<AppraisalLine>,
}

/// The cases behind one bar of a report (the statistics screen's drill-down): received in
/// `period`, with `key` in dimension `by`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drill {
    /// The report's period.
    pub period: Period,
    /// The report's grouping.
    pub by: Dimension,
    /// The group's key (`""`: rows without one).
    pub key: String,
}

impl Drill {
    /// Whether `row` is one of the drilled cases.
    pub fn admits(&self, row: &StatRow, offset_minutes: i32) -> bool {
        self.period.contains(row.received.date(offset_minutes))
            && self.by.key(row, offset_minutes) == self.key
    }
}

/// Counts over a set of cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Figures {
    /// Cases received.
    pub count: u32,
    /// Answered (feedback given or closed early).
    pub answered: u32,
    /// Whole-case clock met.
    pub on_time: u32,
    /// Whole-case clock missed (late, or overdue and still open).
    pub late: u32,
    /// Revisited.
    pub revisited: u32,
    /// Revisited satisfied or partly satisfied.
    pub satisfied: u32,
    /// Went back to investigating at least once.
    pub reopened: u32,
    /// Sum of working days to the first answer, pauses left out.
    pub working_days: u64,
    /// Compensation paid (fen).
    pub compensation_fen: i64,
}

impl Figures {
    fn add(&mut self, row: &StatRow, now: Timestamp) {
        self.count += 1;
        if row.answered.is_some() {
            self.answered += 1;
        }
        if let Some(c) = row.whole_case() {
            if c.met() {
                self.on_time += 1;
            } else if c.missed(now) {
                self.late += 1;
            }
        }
        if let Some(s) = row.satisfaction {
            self.revisited += 1;
            if s != Satisfaction::NotSatisfied {
                self.satisfied += 1;
            }
        }
        if row.reopen_count > 0 {
            self.reopened += 1;
        }
        self.working_days += u64::from(row.working_days.unwrap_or(0));
        self.compensation_fen += row.compensation_fen;
    }

    fn rate(part: u32, whole: u32) -> Option<f64> {
        (whole > 0).then(|| f64::from(part) / f64::from(whole))
    }

    /// Share of decided whole-case clocks met.
    pub fn on_time_rate(&self) -> Option<f64> {
        Self::rate(self.on_time, self.on_time + self.late)
    }

    /// Share of revisits satisfied or partly satisfied.
    pub fn satisfaction_rate(&self) -> Option<f64> {
        Self::rate(self.satisfied, self.revisited)
    }

    /// Share of cases reopened.
    pub fn reopen_rate(&self) -> Option<f64> {
        Self::rate(self.reopened, self.count)
    }

    /// Average working days to the first answer.
    pub fn average_working_days(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.working_days as f64 / f64::from(self.answered))
    }
}

/// One group of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Group {
    /// Its key in the dimension (`""`: not recorded).
    pub key: String,
    /// Its figures.
    pub figures: Figures,
    /// The same group in the period before.
    #[serde(default)]
    pub previous: Figures,
}

/// Met and missed per clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClockFigures {
    /// Which clock.
    pub stage: SlaStage,
    /// Done in time.
    pub met: u32,
    /// Late or overdue.
    pub missed: u32,
}

/// A report over a period, grouped by one dimension, with the comparisons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Report {
    /// The period.
    pub period: Period,
    /// Grouped by.
    pub by: Dimension,
    /// Every case of the period.
    pub total: Figures,
    /// The groups, largest first (ties by key).
    pub groups: Vec<Group>,
    /// The period before.
    pub previous: Figures,
    /// The same period a year before.
    pub year_before: Figures,
    /// Per clock, for the period's cases.
    pub clocks: Vec<ClockFigures>,
    /// Cases of any period with a clock running past due at `now`.
    pub overdue_now: u32,
}

/// The report of `rows` for `period`, grouped `by`, at `now` (what is overdue), reading dates
/// at `offset_minutes` east of UTC.
pub fn report(
    rows: &[StatRow],
    period: Period,
    by: Dimension,
    filter: &StatFilter,
    offset_minutes: i32,
    now: Timestamp,
) -> Report {
    let previous_period = period.previous();
    let year_before_period = period.year_before();
    let mut total = Figures::default();
    let mut previous = Figures::default();
    let mut year_before = Figures::default();
    let mut groups: BTreeMap<String, (Figures, Figures)> = BTreeMap::new();
    let mut clocks: BTreeMap<SlaStage, (u32, u32)> = BTreeMap::new();
    let mut overdue_now = 0;
    for row in rows.iter().filter(|r| filter.admits(r)) {
        if row.stage.is_open() && row.clocks.iter().any(|c| c.done.is_none() && c.due < now) {
            overdue_now += 1;
        }
        let day = row.received.date(offset_minutes);
        if period.contains(day) {
            total.add(row, now);
            groups
                .entry(by.key(row, offset_minutes))
                .or_default()
                .0
                .add(row, now);
            for c in &row.clocks {
                let entry = clocks.entry(c.stage).or_default();
                if c.met() {
                    entry.0 += 1;
                } else if c.missed(now) {
                    entry.1 += 1;
                }
            }
        } else if previous_period.contains(day) {
            previous.add(row, now);
            if by != Dimension::Month {
                groups
                    .entry(by.key(row, offset_minutes))
                    .or_default()
                    .1
                    .add(row, now);
            }
        }
        if year_before_period.contains(day) {
            year_before.add(row, now);
        }
    }
    let mut groups: Vec<Group> = groups
        .into_iter()
        .map(|(key, (figures, previous))| Group {
            key,
            figures,
            previous,
        })
        .collect();
    groups.sort_by(|a, b| {
        b.figures
            .count
            .cmp(&a.figures.count)
            .then(a.key.cmp(&b.key))
    });
    Report {
        period,
        by,
        total,
        groups,
        previous,
        year_before,
        clocks: clocks
            .into_iter()
            .map(|(stage, (met, missed))| ClockFigures { stage, met, missed })
            .collect(),
        overdue_now,
    }
}

/// What a change in a report measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Cases received.
    Count,
    /// On-time rate, in per mille.
    OnTime,
    /// Satisfaction rate, in per mille.
    Satisfaction,
}

/// One change against the period before, as a report writes it out in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Change {
    /// The group (`None`: all cases).
    pub key: Option<String>,
    /// What changed.
    pub measure: Measure,
    /// Its value in the period before.
    pub from: u32,
    /// Its value now.
    pub to: u32,
}

impl Change {
    /// The size by which changes are ranked: the difference, rates counting a percentage
    /// point as one case.
    fn weight(&self) -> u32 {
        let d = self.to.abs_diff(self.from);
        match self.measure {
            Measure::Count => d,
            Measure::OnTime | Measure::Satisfaction => d / 10,
        }
    }
}

/// `part / whole` in per mille, rounded half up (`None` for an empty whole): rates shown
/// without floating-point formatting.
pub fn per_mille(part: u32, whole: u32) -> Option<u32> {
    (whole > 0)
        .then(|| ((u64::from(part) * 2000 + u64::from(whole)) / (2 * u64::from(whole))) as u32)
}

impl Figures {
    /// On-time rate in per mille.
    pub fn on_time_per_mille(&self) -> Option<u32> {
        per_mille(self.on_time, self.on_time + self.late)
    }

    /// Satisfaction rate in per mille.
    pub fn satisfaction_per_mille(&self) -> Option<u32> {
        per_mille(self.satisfied, self.revisited)
    }

    /// Reopen rate in per mille.
    pub fn reopen_per_mille(&self) -> Option<u32> {
        per_mille(self.reopened, self.count)
    }

    /// Average working days to the first answer, in tenths.
    pub fn average_working_days_tenths(&self) -> Option<u32> {
        (self.answered > 0).then(|| {
            ((self.working_days * 20 + u64::from(self.answered)) / (2 * u64::from(self.answered)))
                as u32
        })
    }
}

impl Report {
    /// The `n` largest changes against the period before (the total's count first when it
    /// changed at all), for the printed report's sentences. Rates are compared only where
    /// both periods have some decided cases.
    pub fn largest_changes(&self, n: usize) -> Vec<Change> {
        let mut changes = Vec::new();
        let mut push = |key: Option<&str>, now: &Figures, before: &Figures| {
            changes.push(Change {
                key: key.map(str::to_string),
                measure: Measure::Count,
                from: before.count,
                to: now.count,
            });
            for (measure, a, b) in [
                (
                    Measure::OnTime,
                    before.on_time_per_mille(),
                    now.on_time_per_mille(),
                ),
                (
                    Measure::Satisfaction,
                    before.satisfaction_per_mille(),
                    now.satisfaction_per_mille(),
                ),
            ] {
                if let (Some(from), Some(to)) = (a, b) {
                    changes.push(Change {
                        key: key.map(str::to_string),
                        measure,
                        from,
                        to,
                    });
                }
            }
        };
        push(None, &self.total, &self.previous);
        if self.by != Dimension::Month {
            for g in &self.groups {
                push(Some(&g.key), &g.figures, &g.previous);
            }
        }
        changes.retain(|c| c.from != c.to);
        changes.sort_by(|a, b| {
            (b.key.is_none() && b.measure == Measure::Count)
                .cmp(&(a.key.is_none() && a.measure == Measure::Count))
                .then(b.weight().cmp(&a.weight()))
                .then(a.key.cmp(&b.key))
        });
        changes.truncate(n);
        changes
    }
}
