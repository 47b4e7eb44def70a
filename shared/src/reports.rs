//! The printed summaries of a period (issue 14 §4): the revisits (004 "回訪內容主要包括對處理
//! 結果的滿意度、對公司改進措施的建議等。投訴室應認真記錄") and the accountability decisions (000
//! "對導致投訴的相關責任人進行責任追究"; supervisors only: the records are confidential), each a
//! line per revisit or decision dated in the period, with totals.

use serde::{Deserialize, Serialize};

use crate::{
    clock::Timestamp,
    event::AccountabilityRecorded,
    ids::{CaseId, CategoryId, DepartmentId},
    model::{Measure, RevisitMethod, Satisfaction},
    number::CaseNumber,
    stats::Period,
    view::CaseView,
};

/// One revisit of the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RevisitLine {
    /// The case.
    pub case: CaseId,
    /// Its number, once assigned.
    pub number: Option<CaseNumber>,
    /// Category.
    pub category: Option<CategoryId>,
    /// Responsible department.
    pub department: Option<DepartmentId>,
    /// When the revisit was made.
    pub at: Timestamp,
    /// How.
    pub method: RevisitMethod,
    /// What the complainant said of the result.
    pub satisfaction: Satisfaction,
    /// Their words (suggestions included).
    pub comment: Option<String>,
}

/// The revisits of a period, with totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RevisitSummary {
    /// Every revisit dated in the period, oldest first.
    pub lines: Vec<RevisitLine>,
    /// Revisits by satisfaction: satisfied, partly satisfied, not satisfied.
    pub satisfaction: [u32; 3],
    /// Revisits by method: phone, on site, questionnaire.
    pub methods: [u32; 3],
    /// Cases revisited (a case revisited twice counts once).
    pub cases: u32,
}

/// The revisits in `views` made in `period` (days counted `offset_minutes` east of UTC).
pub fn revisit_summary<'a>(
    views: impl IntoIterator<Item = &'a CaseView>,
    period: Period,
    offset_minutes: i32,
) -> RevisitSummary {
    let mut summary = RevisitSummary::default();
    for view in views {
        let before = summary.lines.len();
        for r in &view.revisits {
            if !period.contains(r.at.date(offset_minutes)) {
                continue;
            }
            summary.satisfaction[match r.value.satisfaction {
                Satisfaction::Satisfied => 0,
                Satisfaction::PartlySatisfied => 1,
                Satisfaction::NotSatisfied => 2,
            }] += 1;
            summary.methods[match r.value.method {
                RevisitMethod::Phone => 0,
                RevisitMethod::OnSite => 1,
                RevisitMethod::Questionnaire => 2,
            }] += 1;
            summary.lines.push(RevisitLine {
                case: view.id,
                number: view.number,
                category: view.category.clone(),
                department: view.department.clone(),
                at: r.at,
                method: r.value.method,
                satisfaction: r.value.satisfaction,
                comment: r.value.comment.as_ref().map(|c| c.as_str().to_string()),
            });
        }
        if summary.lines.len() > before {
            summary.cases += 1;
        }
    }
    summary.lines.sort_by_key(|l| (l.at, l.case));
    summary
}

/// Where an accountability decision's appeal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppealState {
    /// No appeal.
    None,
    /// Appealed, not yet decided.
    Filed,
    /// Appealed and upheld: the measure is lifted.
    Upheld,
    /// Appealed and dismissed.
    Dismissed,
}

crate::wire::wire_names!(AppealState {
    None => "none",
    Filed => "filed",
    Upheld => "upheld",
    Dismissed => "dismissed",
});

/// One accountability decision of the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AccountabilityLine {
    /// The case.
    pub case: CaseId,
    /// Its number, once assigned.
    pub number: Option<CaseNumber>,
    /// When it was decided.
    pub at: Timestamp,
    /// The decision.
    pub record: AccountabilityRecorded,
    /// Its appeal.
    pub appeal: AppealState,
}

/// The accountability decisions of a period, with totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AccountabilitySummary {
    /// Every decision dated in the period, oldest first.
    pub lines: Vec<AccountabilityLine>,
    /// Decisions per measure, most first.
    pub measures: Vec<(Measure, u32)>,
    /// Fines imposed and not lifted on appeal, in fen.
    pub fines_fen: i64,
    /// Decisions appealed.
    pub appealed: u32,
    /// Appeals upheld.
    pub upheld: u32,
}

/// The accountability decisions in `views` made in `period`.
pub fn accountability_summary<'a>(
    views: impl IntoIterator<Item = &'a CaseView>,
    period: Period,
    offset_minutes: i32,
) -> AccountabilitySummary {
    let mut summary = AccountabilitySummary::default();
    for view in views {
        for a in &view.accountability {
            if !period.contains(a.at.date(offset_minutes)) {
                continue;
            }
            let appeal = view
                .appeals
                .iter()
                .find(|x| x.value.accountability == a.event)
                .map(|filed| {
                    match view
                        .appeal_decisions
                        .iter()
                        .find(|d| d.value.appeal == filed.event)
                    {
                        None => AppealState::Filed,
                        Some(d) if d.value.upheld => AppealState::Upheld,
                        Some(_) => AppealState::Dismissed,
                    }
                })
                .unwrap_or(AppealState::None);
            if appeal != AppealState::None {
                summary.appealed += 1;
            }
            if appeal == AppealState::Upheld {
                summary.upheld += 1;
            } else if let Some(fine) = a.value.amount {
                summary.fines_fen += fine.fen();
            }
            match summary
                .measures
                .iter_mut()
                .find(|(m, _)| *m == a.value.measure)
            {
                Some((_, n)) => *n += 1,
                None => summary.measures.push((a.value.measure, 1)),
            }
            summary.lines.push(AccountabilityLine {
                case: view.id,
                number: view.number,
                at: a.at,
                record: a.value.clone(),
                appeal,
            });
        }
    }
    summary.measures.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    summary.lines.sort_by_key(|l| (l.at, l.case));
    summary
}
