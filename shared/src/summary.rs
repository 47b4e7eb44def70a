//! The case list: a small summary of each case kept beside its events, and the pure filter and
//! sort every list screen uses (UI.md: urgent-major and overdue first, then by due time).

use serde::{Deserialize, Serialize};

use crate::{
    clock::Timestamp,
    event::Actor,
    ids::{CaseId, CategoryId, DepartmentId},
    model::{CaseKind, Channel, Severity, Stage},
    number::{CaseNumber, provisional_label},
    sla::{self, SlaPolicy, SlaStage, WorkCalendar},
    view::CaseView,
};

/// What a list row shows of a case, computed when its events change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseSummary {
    /// The case.
    pub id: CaseId,
    /// Official number, once assigned.
    pub number: Option<CaseNumber>,
    /// Kind, once the registration is known.
    pub kind: Option<CaseKind>,
    /// Channel.
    pub channel: Option<Channel>,
    /// Severity.
    pub severity: Option<Severity>,
    /// Stage.
    pub stage: Stage,
    /// Category.
    pub category: Option<CategoryId>,
    /// Responsible department.
    pub department: Option<DepartmentId>,
    /// Complainant's name as this device holds it (masked or absent when not visible).
    pub complainant: Option<String>,
    /// Complainant's phone as this device holds it (masked or absent when not visible), so a
    /// hotline clerk finds a caller's cases by number.
    #[serde(default)]
    pub phone: Option<String>,
    /// The start of what happened.
    pub excerpt: String,
    /// When it was received.
    pub received_at: Option<Timestamp>,
    /// Who registered it.
    pub registered_by: Option<Actor>,
    /// The running deadline due soonest, if any.
    pub next_due: Option<(SlaStage, Timestamp)>,
    /// Open conflicts.
    pub n_conflicts: usize,
    /// The record was erased after retention.
    pub erased: bool,
    /// The case's statistics row, so the office's figures come from the device's summaries
    /// offline (issue 14 §2); absent in summaries written before it existed, and neither
    /// made nor read without the `stat-rows` feature (the field build).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "stat-rows"), serde(skip_deserializing))]
    pub stat: Option<crate::stats::StatRow>,
    /// A teaching case ([`crate::teaching::is_teaching`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub teaching: bool,
    /// The case's next step ([`crate::todo::next_step`]), for the to-do queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<crate::event::CommandKind>,
}

/// Characters of the description kept in the summary.
const EXCERPT_CHARS: usize = 60;

impl CaseSummary {
    /// Summarises `view`, with deadlines from `policy` and `calendar`.
    pub fn of(view: &CaseView, policy: &SlaPolicy, calendar: &WorkCalendar) -> Self {
        let clocks = if view.stage.is_open() {
            // `now` only shapes each clock's status, not its due time.
            sla::clocks(view, policy, calendar, Timestamp(0))
        } else {
            Vec::new()
        };
        let registration = view.registration.as_ref();
        CaseSummary {
            id: view.id,
            number: view.number,
            kind: registration.map(|r| r.kind),
            channel: registration.map(|r| r.channel),
            severity: view.severity,
            stage: view.stage,
            category: view.category.clone(),
            department: view.department.clone(),
            complainant: registration
                .and_then(|r| r.complainant.name.as_ref())
                .map(|n| n.as_str().to_string()),
            phone: registration
                .and_then(|r| r.complainant.phone.as_ref())
                .map(|p| p.as_str().to_string()),
            excerpt: registration
                .map(|r| {
                    r.details
                        .description
                        .as_str()
                        .chars()
                        .take(EXCERPT_CHARS)
                        .collect()
                })
                .unwrap_or_default(),
            received_at: registration.map(|r| r.received_at),
            registered_by: view.registered_by.clone(),
            next_due: sla::next_due(&clocks).map(|c| (c.stage, c.due.at)),
            n_conflicts: view.conflicts.len(),
            erased: view.erased,
            stat: cfg!(feature = "stat-rows")
                .then(|| crate::stats::StatRow::of(view, policy, calendar))
                .flatten(),
            teaching: crate::teaching::is_teaching(view),
            next_step: crate::todo::next_step(view),
        }
    }

    /// The number, or the provisional label until the server assigned one.
    pub fn label(&self) -> String {
        self.number
            .map(|n| n.to_string())
            .unwrap_or_else(|| provisional_label(self.id))
    }

    /// Whether a running deadline has passed at `now`.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.next_due.is_some_and(|(_, due)| due < now)
    }

    /// Urgent-major and still open: listed above everything else (DESIGN §4).
    pub fn is_urgent(&self) -> bool {
        self.severity == Some(Severity::UrgentMajor) && self.stage.is_open()
    }
}

/// Which cases a list shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseFilter {
    /// Only this stage.
    pub stage: Option<Stage>,
    /// Only open cases (not closed, archived or destroyed).
    pub open_only: bool,
    /// Only this kind.
    pub kind: Option<CaseKind>,
    /// Only this category.
    pub category: Option<CategoryId>,
    /// Only this department.
    pub department: Option<DepartmentId>,
    /// Only this severity.
    pub severity: Option<Severity>,
    /// Only overdue cases.
    pub overdue: bool,
    /// Only cases registered by this actor ("mine").
    pub registered_by: Option<Actor>,
    /// Text search over number / label, complainant and content (case-insensitive).
    pub text: String,
}

/// How a list is ordered; every choice is honoured as named.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseSort {
    /// Urgent-major open cases first, then overdue ones, then soonest due (UI.md).
    #[default]
    Urgent,
    /// Soonest due first; cases without a deadline last.
    DueTime,
    /// Most severe first, then soonest due.
    Severity,
    /// Most recently received first.
    Newest,
}

crate::wire::wire_names!(CaseSort {
    Urgent => "urgent",
    DueTime => "due_time",
    Severity => "severity",
    Newest => "newest",
});

impl CaseFilter {
    /// Whether `case` passes the filter at `now`.
    pub fn matches(&self, case: &CaseSummary, now: Timestamp) -> bool {
        self.stage.is_none_or(|s| case.stage == s)
            && (!self.open_only || case.stage.is_open())
            && self.kind.is_none_or(|k| case.kind == Some(k))
            && self
                .category
                .as_ref()
                .is_none_or(|c| case.category.as_ref() == Some(c))
            && self
                .department
                .as_ref()
                .is_none_or(|d| case.department.as_ref() == Some(d))
            && self.severity.is_none_or(|s| case.severity == Some(s))
            && (!self.overdue || case.is_overdue(now))
            && self
                .registered_by
                .as_ref()
                .is_none_or(|a| case.registered_by.as_ref() == Some(a))
            && self.matches_text(case)
    }

    fn matches_text(&self, case: &CaseSummary) -> bool {
        let needle = self.text.trim().to_lowercase();
        if needle.is_empty() {
            return true;
        }
        // A phone number matches whatever the clerk types between its digits ("138 0013 8000").
        let digits: String = needle
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let phone = !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit() || c == '+')
            && case.phone.as_deref().is_some_and(|p| {
                let p: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
                p.contains(digits.trim_start_matches("+86"))
            });
        phone
            || case.label().to_lowercase().contains(&needle)
            || case
                .complainant
                .as_deref()
                .is_some_and(|c| c.to_lowercase().contains(&needle))
            || case.excerpt.to_lowercase().contains(&needle)
    }
}

/// Filters and orders `cases` for a list at `now` by `sort`; ties by id so the order is
/// stable.
pub fn query<'a>(
    cases: &'a [CaseSummary],
    filter: &CaseFilter,
    sort: CaseSort,
    now: Timestamp,
) -> Vec<&'a CaseSummary> {
    let mut out: Vec<&CaseSummary> = cases.iter().filter(|c| filter.matches(c, now)).collect();
    let severity_rank = |c: &CaseSummary| match c.severity {
        Some(Severity::UrgentMajor) => 0,
        Some(Severity::Important) => 1,
        Some(Severity::General) => 2,
        None => 3,
    };
    let due = |c: &CaseSummary| c.next_due.map_or(i64::MAX, |(_, d)| d.0);
    crate::order::sort_by(&mut out, |a, b| {
        match sort {
            CaseSort::Urgent => {
                let head = |c: &CaseSummary| (!c.is_urgent(), !c.is_overdue(now), due(c));
                head(a).cmp(&head(b))
            }
            CaseSort::DueTime => due(a).cmp(&due(b)),
            CaseSort::Severity => severity_rank(a)
                .cmp(&severity_rank(b))
                .then(due(a).cmp(&due(b))),
            CaseSort::Newest => b.received_at.cmp(&a.received_at),
        }
        .then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// A column of the office's case table that the list can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The official number; cases still waiting for theirs after all numbered ones.
    Number,
    /// Complaint, suggestion, consultation.
    Kind,
    /// Most severe first (ascending).
    Severity,
    /// In lifecycle order.
    Stage,
    /// By the department's name as the reader sees it.
    Department,
    /// Soonest due first; cases without a running deadline always last.
    Due,
    /// Earliest received first.
    Received,
}

/// Orders `cases` (each read through `case_of`) by `column` (descending reverses it; cases
/// without a deadline or a department stay last either way), ties by id so the order never
/// jumps between renders. `department_name` gives the name a department is shown by.
pub fn sort_by_column<T>(
    cases: &mut Vec<T>,
    column: Column,
    descending: bool,
    department_name: &dyn Fn(&DepartmentId) -> String,
    case_of: impl Fn(&T) -> &CaseSummary,
) {
    use std::cmp::Ordering;
    let severity_rank = |c: &CaseSummary| match c.severity {
        Some(Severity::UrgentMajor) => 0,
        Some(Severity::Important) => 1,
        Some(Severity::General) => 2,
        None => 3,
    };
    let stage_rank = |c: &CaseSummary| Stage::ALL.iter().position(|s| *s == c.stage);
    let kind_rank = |c: &CaseSummary| c.kind.map_or(3, |k| k as u8);
    let directed = |o: Ordering| if descending { o.reverse() } else { o };
    crate::order::sort_by(cases, |a, b| {
        let (a, b) = (case_of(a), case_of(b));
        match column {
            Column::Number => directed((a.number.is_none(), a.number, a.id).cmp(&(
                b.number.is_none(),
                b.number,
                b.id,
            ))),
            Column::Kind => directed(kind_rank(a).cmp(&kind_rank(b))),
            Column::Severity => directed(severity_rank(a).cmp(&severity_rank(b))),
            Column::Stage => directed(stage_rank(a).cmp(&stage_rank(b))),
            Column::Department => {
                let name = |c: &CaseSummary| c.department.as_ref().map(department_name);
                // Cases not yet dispatched after every department.
                let (x, y) = (name(a), name(b));
                (x.is_none().cmp(&y.is_none())).then_with(|| directed(x.cmp(&y)))
            }
            Column::Due => {
                let (x, y) = (a.next_due.map(|(_, d)| d), b.next_due.map(|(_, d)| d));
                (x.is_none().cmp(&y.is_none())).then_with(|| directed(x.cmp(&y)))
            }
            Column::Received => directed(a.received_at.cmp(&b.received_at)),
        }
        .then_with(|| a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        clock::DAY_MS,
        testing::{Writer, body, registration, t0},
    };

    fn summary(case_no: u64, severity: Option<Severity>, dispatch: bool) -> CaseSummary {
        let mut w = Writer::user(case_no, 1, "supervisor");
        let mut events = vec![w.write(crate::event::EventBody::Registered(registration(
            CaseKind::Complaint,
            t0(),
        )))];
        if let Some(s) = severity {
            events.push(w.write(body::classify_as(s)));
        }
        if dispatch {
            events.push(w.write(body::dispatch("ops")));
        }
        CaseSummary::of(
            &crate::fold::fold(w.case, &events),
            &SlaPolicy::default(),
            &WorkCalendar::china_default(),
        )
    }

    #[test]
    fn urgent_then_overdue_then_soonest_due() {
        let general = summary(1, Some(Severity::General), true);
        let urgent = summary(2, Some(Severity::UrgentMajor), true);
        let fresh = summary(3, None, false);
        let cases = vec![general.clone(), fresh.clone(), urgent.clone()];
        // Long after the dispatch deadline: everything open is overdue.
        let later = Timestamp(t0().0 + 30 * DAY_MS);
        let order: Vec<CaseId> = query(&cases, &CaseFilter::default(), CaseSort::Urgent, later)
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(order[0], urgent.id, "urgent-major first");
        assert_eq!(order.len(), 3);
        assert!(cases.iter().all(|c| c.is_overdue(later)));
    }

    #[test]
    fn filters_combine_and_text_searches_label_name_and_content() {
        let a = summary(1, Some(Severity::Important), true);
        let b = summary(2, None, false);
        let cases = vec![a.clone(), b.clone()];
        let now = t0();
        let only = |f: CaseFilter| -> Vec<CaseId> {
            query(&cases, &f, CaseSort::Newest, now)
                .iter()
                .map(|c| c.id)
                .collect()
        };
        assert_eq!(
            only(CaseFilter {
                stage: Some(Stage::Dispatched),
                ..Default::default()
            }),
            vec![a.id]
        );
        assert_eq!(
            only(CaseFilter {
                text: "张三".into(),
                ..Default::default()
            })
            .len(),
            2
        );
        assert_eq!(
            only(CaseFilter {
                text: b.label().to_lowercase(),
                ..Default::default()
            }),
            vec![b.id]
        );
        assert!(
            only(CaseFilter {
                text: "不存在的内容".into(),
                ..Default::default()
            })
            .is_empty()
        );
        assert!(!a.is_overdue(now));
    }

    #[test]
    fn each_sort_is_honoured_as_named() {
        let mut older = summary(1, Some(Severity::UrgentMajor), true);
        let mut newer = summary(2, Some(Severity::General), true);
        older.received_at = Some(t0());
        newer.received_at = Some(Timestamp(t0().0 + DAY_MS));
        newer.next_due = Some((SlaStage::WholeCase, Timestamp(t0().0 + 2 * DAY_MS)));
        older.next_due = Some((SlaStage::WholeCase, Timestamp(t0().0 + 5 * DAY_MS)));
        let cases = vec![older.clone(), newer.clone()];
        let first = |sort| query(&cases, &CaseFilter::default(), sort, t0())[0].id;
        assert_eq!(first(CaseSort::Urgent), older.id, "urgent first");
        assert_eq!(first(CaseSort::Severity), older.id);
        assert_eq!(
            first(CaseSort::Newest),
            newer.id,
            "newest first, urgent or not"
        );
        assert_eq!(
            first(CaseSort::DueTime),
            newer.id,
            "soonest due first, urgent or not"
        );
    }

    #[test]
    fn a_table_column_orders_both_ways_and_cases_without_a_deadline_stay_last() {
        let general = summary(1, Some(Severity::General), true);
        let urgent = summary(2, Some(Severity::UrgentMajor), true);
        // No running deadline, as for a closed case.
        let mut fresh = summary(3, None, false);
        fresh.next_due = None;
        let mut with_due = summary(4, Some(Severity::General), true);
        with_due.next_due = general.next_due.map(|(s, d)| (s, Timestamp(d.0 - DAY_MS)));
        let cases = [
            general.clone(),
            fresh.clone(),
            urgent.clone(),
            with_due.clone(),
        ];
        let name = |d: &DepartmentId| d.to_string();
        let order = |column, descending| {
            let mut v: Vec<&CaseSummary> = cases.iter().collect();
            sort_by_column(&mut v, column, descending, &name, |c| c);
            v.iter().map(|c| c.id).collect::<Vec<_>>()
        };
        assert_eq!(
            order(Column::Severity, false),
            vec![urgent.id, general.id, with_due.id, fresh.id]
        );
        assert_eq!(order(Column::Severity, true)[0], fresh.id);
        // Whichever way, the case without a deadline comes last.
        let up = order(Column::Due, false);
        let down = order(Column::Due, true);
        assert_eq!(up[0], with_due.id);
        assert_eq!(up.last(), Some(&fresh.id));
        assert_eq!(down.last(), Some(&fresh.id));
        assert_eq!(down[down.len() - 2], with_due.id);
        // Ties keep one order: by id.
        assert_eq!(order(Column::Kind, false), order(Column::Kind, false));
    }

    #[test]
    fn a_phone_number_finds_its_cases_however_it_is_typed() {
        let a = summary(1, None, false);
        let cases = vec![a.clone()];
        let found = |text: &str| {
            let f = CaseFilter {
                text: text.into(),
                ..Default::default()
            };
            query(&cases, &f, CaseSort::Urgent, t0()).len()
        };
        assert_eq!(a.phone.as_deref(), Some("13812345678"));
        for typed in ["13812345678", "138 1234 5678", "+86 138-1234-5678", "5678"] {
            assert_eq!(found(typed), 1, "{typed}");
        }
        assert_eq!(found("13900000000"), 0);
        let masked = CaseSummary {
            phone: Some("138****5678".into()),
            ..a
        };
        let cases = vec![masked];
        let f = CaseFilter {
            text: "13812345678".into(),
            ..Default::default()
        };
        assert!(
            query(&cases, &f, CaseSort::Urgent, t0()).is_empty(),
            "a masked number is not searchable"
        );
    }
}
