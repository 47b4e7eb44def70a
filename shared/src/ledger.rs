//! The case ledger (台賬, issue 14 §6): one row per case of a period, the same columns in the
//! server's XLSX and the app's CSV, named in the words the screens use.
//!
//! A row is made from what the reader may see of the case ([`VisibleCase`], the pull's own
//! shaping) and its statistics row. The phone column is stricter than the pull: a file leaves
//! the system, so only the complaint centre's supervisors (who call complainants back) get
//! phone numbers in full; everyone else gets the masked form (docs/DECISIONS.md).

use crate::{
    access::{Visibility, VisibleCase},
    clock::{Date, Timestamp},
    model::{Catalog, Satisfaction},
    number::provisional_label,
    stats::StatRow,
    words::{Worded, Words},
};

/// One cell of the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text (empty: nothing to say).
    Text(String),
    /// A whole number.
    Count(u32),
    /// An amount in fen, written in yuan.
    Yuan(i64),
    /// A local date.
    Day(Option<Date>),
}

impl Cell {
    /// The cell as CSV/plain text: amounts with two decimals, dates as `2026-03-01`.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Yuan(fen) => {
                let sign = if *fen < 0 { "-" } else { "" };
                format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
            }
            Cell::Day(d) => d.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

/// The ledger's column headings.
pub const HEADINGS: [Words; 20] = [
    ["编号", "編號", "Number"],
    ["受理日期", "受理日期", "Received"],
    ["渠道", "渠道", "Channel"],
    ["类型", "類型", "Kind"],
    ["投诉人", "投訴人", "Complainant"],
    ["电话", "電話", "Phone"],
    ["类别", "類別", "Category"],
    ["紧急程度", "緊急程度", "Severity"],
    ["原因", "原因", "Cause"],
    ["责任部门", "責任部門", "Department"],
    ["阶段", "階段", "Stage"],
    ["调查结论", "調查結論", "Finding"],
    ["赔偿（元）", "賠償（元）", "Compensation (yuan)"],
    ["损失金额（元）", "損失金額（元）", "Loss (yuan)"],
    ["答复日期", "答覆日期", "Answered"],
    ["结案日期", "結案日期", "Closed"],
    ["是否按时", "是否按時", "On time"],
    ["满意度", "滿意度", "Satisfaction"],
    ["重开次数", "重開次數", "Reopened"],
    ["投诉内容", "投訴內容", "What happened"],
];

/// What a ledger row reads of a case's statistics row: a few dozen bytes, so an export keeps
/// those of a whole period in memory instead of the rows themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    finding: Option<crate::event::Finding>,
    compensation_fen: i64,
    loss_fen: i64,
    answered: Option<Timestamp>,
    closed: Option<Timestamp>,
    on_time: Option<bool>,
    satisfaction: Option<Satisfaction>,
}

impl Facts {
    /// The facts of `row`.
    pub fn of(row: &StatRow) -> Self {
        Facts {
            finding: row.finding,
            compensation_fen: row.compensation_fen,
            loss_fen: row.loss_fen,
            answered: row.answered,
            closed: row.closed,
            on_time: row
                .whole_case()
                .and_then(|c| c.done.map(|done| done <= c.due)),
            satisfaction: row.satisfaction,
        }
    }
}

/// Whose eyes a ledger is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    /// 0 Simplified Chinese, 1 Traditional Chinese, 2 English.
    pub lang: usize,
    /// Phones in full (supervisors); masked otherwise.
    pub full_phones: bool,
    /// Minutes east of UTC for dates.
    pub offset_minutes: i32,
}

/// A phone as a file shows it to someone without `full_phones`: the middle digits starred.
fn starred(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let tail = chars.len() - 4;
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if (3..tail).contains(&i) { '*' } else { *c })
        .collect()
}

/// A category's name in the words' language `lang` (its id if the catalogue lacks it).
pub fn category_name(catalog: &Catalog, id: &crate::ids::CategoryId, lang: usize) -> String {
    catalog
        .categories
        .iter()
        .find(|c| &c.id == id)
        .map(|c| [&c.name_zh_cn, &c.name_zh_tw, &c.name_en][lang.min(2)].clone())
        .unwrap_or_else(|| id.to_string())
}

/// A department's name (its id if the catalogue lacks it).
pub fn department_name(catalog: &Catalog, id: &crate::ids::DepartmentId) -> String {
    catalog
        .departments
        .iter()
        .find(|d| &d.id == id)
        .map(|d| d.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// The ledger row of `case` (as shaped for the reader) with its statistics facts.
pub fn row(
    case: &VisibleCase,
    stat: Option<&Facts>,
    catalog: &Catalog,
    reader: Reader,
) -> Vec<Cell> {
    let view = &case.view;
    let lang = reader.lang.min(2);
    let word = |w: Words| Cell::Text(w[lang].to_string());
    let opt_word =
        |w: Option<Words>| Cell::Text(w.map(|w| w[lang].to_string()).unwrap_or_default());
    let day = |t: Option<Timestamp>| Cell::Day(t.map(|t| t.date(reader.offset_minutes)));
    let registration = view.registration.as_ref();
    let complainant = registration.map(|r| &r.complainant);
    let phone = match (case.visibility, complainant.and_then(|c| c.phone.as_ref())) {
        (Visibility::Full, Some(p)) if reader.full_phones => p.as_str().to_string(),
        (Visibility::Full, Some(p)) => starred(p.as_str()),
        _ => case
            .masked_contact
            .as_ref()
            .and_then(|m| m.phone.clone())
            .unwrap_or_default(),
    };
    let category = view
        .category
        .as_ref()
        .or(registration.and_then(|r| r.category.as_ref()))
        .map(|id| category_name(catalog, id, lang));
    let department = view
        .department
        .as_ref()
        .map(|id| department_name(catalog, id));
    let on_time = stat.and_then(|s| s.on_time).map(|met| {
        if met {
            ["是", "是", "yes"]
        } else {
            ["否", "否", "no"]
        }
    });
    vec![
        Cell::Text(
            view.number
                .map(|n| n.to_string())
                .unwrap_or_else(|| provisional_label(view.id)),
        ),
        day(registration.map(|r| r.received_at)),
        opt_word(registration.map(|r| r.channel.words())),
        opt_word(registration.map(|r| r.kind.words())),
        Cell::Text(
            complainant
                .and_then(|c| c.name.as_ref())
                .map(|n| n.as_str().to_string())
                .unwrap_or_default(),
        ),
        Cell::Text(phone),
        Cell::Text(category.unwrap_or_default()),
        opt_word(view.severity.map(Worded::words)),
        Cell::Text(
            view.cause
                .as_ref()
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
        ),
        Cell::Text(department.unwrap_or_default()),
        word(view.stage.words()),
        opt_word(stat.and_then(|s| s.finding).map(Worded::words)),
        Cell::Yuan(stat.map_or(0, |s| s.compensation_fen)),
        Cell::Yuan(stat.map_or(0, |s| s.loss_fen)),
        day(stat.and_then(|s| s.answered)),
        day(stat.and_then(|s| s.closed)),
        opt_word(on_time),
        opt_word(stat.and_then(|s| s.satisfaction).map(Worded::words)),
        Cell::Count(view.reopen_count),
        Cell::Text(
            registration
                .map(|r| r.details.description.as_str().to_string())
                .unwrap_or_default(),
        ),
    ]
}

/// One CSV line of `cells` (RFC 4180: fields with a comma, quote or line break quoted), with a
/// leading `'` on text that a spreadsheet would run as a formula.
pub fn csv_line(cells: impl IntoIterator<Item = String>) -> String {
    let mut line = cells
        .into_iter()
        .map(|mut s| {
            if s.starts_with(['=', '+', '-', '@']) && s.parse::<i64>().is_err() {
                s.insert(0, '\'');
            }
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_starred_in_the_middle_and_csv_quotes_what_it_must() {
        assert_eq!(starred("13800138000"), "138****8000");
        assert_eq!(starred("12345"), "*****");
        assert_eq!(
            csv_line([
                "a,b".into(),
                "say \"hi\"".into(),
                "=1+1".into(),
                "-5".into()
            ]),
            "\"a,b\",\"say \"\"hi\"\"\",'=1+1,-5\r\n"
        );
        assert_eq!(Cell::Yuan(-1505).text(), "-15.05");
        assert_eq!(Cell::Yuan(200).text(), "2.00");
    }
}
