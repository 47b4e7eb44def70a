//! Appraisal (績效考核): each department's or person's figures over a period, from the same
//! rows as the reports.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Figures, Period, StatFilter, StatRow};
use crate::clock::Timestamp;

/// Whom an appraisal line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppraisalBy {
    /// The department that led the case.
    Department,
    /// The staff member who carried out the handling.
    Person,
}

crate::wire::wire_names!(AppraisalBy {
    Department => "department",
    Person => "person",
});

/// One department's or person's performance over a period (績效考核, 000 "將投訴處理情況納入
/// 工作人員的績效評估體系", 002).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AppraisalLine {
    /// The department id or user id.
    pub key: String,
    /// The cases they handled that were received in the period.
    pub figures: Figures,
    /// Accountability records naming them on those cases and others of the period.
    pub accountability: u32,
}

/// The appraisal table's columns (the screen's and the workbook's).
pub const APPRAISAL_HEADINGS: [crate::words::Words; 7] = [
    ["姓名 / 部门", "姓名 / 部門", "Person / department"],
    ["办理件数", "辦理件數", "Cases handled"],
    ["按时率", "按時率", "On time"],
    ["平均工作日", "平均工作日", "Average working days"],
    ["满意率", "滿意率", "Satisfied"],
    ["重开率", "重開率", "Reopened"],
    ["责任追究", "責任追究", "Accountability records"],
];

/// A rate in per mille as a percentage with one decimal (`87.5%`); `—` when there is none.
pub fn percent(per_mille: Option<u32>) -> String {
    per_mille.map_or_else(|| "—".to_string(), |p| format!("{}.{}%", p / 10, p % 10))
}

impl AppraisalLine {
    /// The line in [`APPRAISAL_HEADINGS`]' columns after the first (the name, which each
    /// reader writes its own way).
    pub fn cells(&self) -> [String; 6] {
        let f = &self.figures;
        [
            f.count.to_string(),
            percent(f.on_time_per_mille()),
            f.average_working_days_tenths()
                .map_or_else(|| "—".to_string(), |d| format!("{}.{}", d / 10, d % 10)),
            percent(f.satisfaction_per_mille()),
            percent(f.reopen_per_mille()),
            self.accountability.to_string(),
        ]
    }
}

/// The appraisal of `rows` for `period`: one line per department or person, most cases
/// first.
pub fn appraisal(
    rows: &[StatRow],
    period: Period,
    by: AppraisalBy,
    filter: &StatFilter,
    offset_minutes: i32,
    now: Timestamp,
) -> Vec<AppraisalLine> {
    let mut out: BTreeMap<String, AppraisalLine> = BTreeMap::new();
    for row in rows.iter().filter(|r| filter.admits(r)) {
        if !period.contains(row.received.date(offset_minutes)) {
            continue;
        }
        let (handler, accountable): (Option<String>, Vec<String>) = match by {
            AppraisalBy::Department => (
                row.department.as_ref().map(|d| d.to_string()),
                row.accountable_departments
                    .iter()
                    .map(|d| d.to_string())
                    .collect(),
            ),
            AppraisalBy::Person => (
                row.handled_by.as_ref().map(|u| u.to_string()),
                row.accountable_people
                    .iter()
                    .map(|u| u.to_string())
                    .collect(),
            ),
        };
        fn get(out: &mut BTreeMap<String, AppraisalLine>, key: String) -> &mut AppraisalLine {
            out.entry(key.clone()).or_insert_with(|| AppraisalLine {
                key,
                figures: Figures::default(),
                accountability: 0,
            })
        }
        if let Some(h) = handler {
            get(&mut out, h).figures.add(row, now);
        }
        for a in accountable {
            get(&mut out, a).accountability += 1;
        }
    }
    let mut lines: Vec<AppraisalLine> = out.into_values().collect();
    lines.sort_by(|a, b| {
        b.figures
            .count
            .cmp(&a.figures.count)
            .then(a.key.cmp(&b.key))
    });
    lines
}
