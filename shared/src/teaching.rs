//! Teaching cases (案例分析): closed cases a supervisor marks for staff training, read by staff in
//! an anonymised form. 000 "案例分析:通過實際案例分析,加深工作人員對投訴處理的理解和掌握"; 003
//! "通過案例的學習與分享,完善各種制度和流程,杜絕類似事件的再次發生".
//!
//! [`anonymised`] is the one rule, run by the server for its listing and export and by the
//! app over the cases on the device: the complainant's name, organisation, phone, e-mail,
//! address and the place are replaced by what they were (`[姓名]`, `[电话]` …) wherever they
//! appear in free text, and so are staff names, e-mail addresses and runs of six or more
//! digits (phone, ID and waybill numbers) that no record names. Who acted, accountability
//! records, attachments and signatures are left out; dates become days since receipt.

use serde::{Deserialize, Serialize};

use crate::{
    event::{CommandKind, Finding},
    ids::{CaseId, CategoryId, DepartmentId},
    ledger::{Cell, category_name, department_name},
    model::Catalog,
    model::{CaseKind, Channel, Complainant, Outcome, Satisfaction, Severity},
    view::{CaseView, FactValue},
    words::{Worded, Words},
};

/// The anonymised form of a teaching case: what staff read, print and export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TeachingCase {
    /// The case (an opaque id: it names nobody).
    pub case: CaseId,
    /// The month it was received (`2026-06`).
    pub month: String,
    /// Complaint, suggestion or consultation.
    pub kind: CaseKind,
    /// How it reached us.
    pub channel: Channel,
    /// Category.
    pub category: Option<CategoryId>,
    /// Cause, anonymised.
    pub cause: Option<String>,
    /// Severity.
    pub severity: Option<Severity>,
    /// The responsible department.
    pub department: Option<DepartmentId>,
    /// Whether the complaint was founded.
    pub finding: Option<Finding>,
    /// How it ended.
    pub outcome: Option<Outcome>,
    /// The last revisit's satisfaction.
    pub satisfaction: Option<Satisfaction>,
    /// Times it went back to investigating.
    pub reopen_count: u32,
    /// What was asked (訴求), anonymised.
    pub request: Option<String>,
    /// The case's course, oldest first.
    pub steps: Vec<TeachingStep>,
    /// The supervisors' lessons, oldest first.
    pub lessons: Vec<String>,
}

/// One step of a teaching case's course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TeachingStep {
    /// Calendar days since the case was received (0: that day).
    pub day: i64,
    /// What was done.
    pub step: CommandKind,
    /// What was written, anonymised.
    pub text: String,
}

/// The columns of the teaching cases' export.
pub const HEADINGS: [Words; 13] = [
    ["受理月份", "受理月份", "Month"],
    ["类型", "類型", "Kind"],
    ["渠道", "渠道", "Channel"],
    ["投诉类别", "投訴類別", "Category"],
    ["原因", "原因", "Cause"],
    ["紧急程度", "緊急程度", "Severity"],
    ["责任部门", "責任部門", "Department"],
    ["调查结论", "調查結論", "Finding"],
    ["结果", "結果", "Outcome"],
    ["满意度", "滿意度", "Satisfaction"],
    ["诉求", "訴求", "Request"],
    ["处理经过", "處理經過", "Course"],
    ["案例启示", "案例啟示", "Lesson"],
];

/// "Day 3" in the words' language `lang`.
pub fn day_words(day: i64, lang: usize) -> String {
    match lang.min(2) {
        2 => format!("Day {day}"),
        _ => format!("第{day}天"),
    }
}

impl TeachingCase {
    /// The export's line of this case in [`HEADINGS`]' columns, in the words' language
    /// `lang`.
    pub fn cells(&self, catalog: &Catalog, lang: usize) -> Vec<Cell> {
        let lang = lang.min(2);
        let word =
            |w: Option<Words>| Cell::Text(w.map(|w| w[lang].to_string()).unwrap_or_default());
        let text = |t: Option<&String>| Cell::Text(t.cloned().unwrap_or_default());
        let course = self
            .steps
            .iter()
            .map(|s| {
                let text = if s.text.is_empty() {
                    String::new()
                } else {
                    format!(": {}", s.text)
                };
                format!("{} {}{text}", day_words(s.day, lang), s.step.words()[lang])
            })
            .collect::<Vec<_>>()
            .join("\n");
        vec![
            Cell::Text(self.month.clone()),
            word(Some(self.kind.words())),
            word(Some(self.channel.words())),
            Cell::Text(
                self.category
                    .as_ref()
                    .map(|c| category_name(catalog, c, lang))
                    .unwrap_or_default(),
            ),
            text(self.cause.as_ref()),
            word(self.severity.map(Worded::words)),
            Cell::Text(
                self.department
                    .as_ref()
                    .map(|d| department_name(catalog, d))
                    .unwrap_or_default(),
            ),
            word(self.finding.map(Worded::words)),
            word(self.outcome.map(Worded::words)),
            word(self.satisfaction.map(Worded::words)),
            text(self.request.as_ref()),
            Cell::Text(course),
            Cell::Text(self.lessons.join("\n")),
        ]
    }
}

/// What a removed piece of text was; the placeholder names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    /// A person's name.
    Name,
    /// A staff member's name.
    Staff,
    /// An organisation's name.
    Organisation,
    /// A phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// An address.
    Address,
    /// A place.
    Place,
    /// A long number (ID, waybill, account).
    Number,
}

impl Worded for Removed {
    fn words(self) -> Words {
        match self {
            Removed::Name => ["[姓名]", "[姓名]", "[name]"],
            Removed::Staff => ["[工作人员]", "[工作人員]", "[staff]"],
            Removed::Organisation => ["[单位]", "[單位]", "[organisation]"],
            Removed::Phone => ["[电话]", "[電話]", "[phone]"],
            Removed::Email => ["[邮箱]", "[郵箱]", "[e-mail]"],
            Removed::Address => ["[地址]", "[地址]", "[address]"],
            Removed::Place => ["[地点]", "[地點]", "[place]"],
            Removed::Number => ["[号码]", "[號碼]", "[number]"],
        }
    }
}

/// Honorifics that follow a surname in speech (张先生): the surname with one of these is a
/// name too.
const HONORIFICS: &[&str] = &[
    "先生", "女士", "小姐", "老师", "老師", "师傅", "師傅", "阿姨", "大爷", "大爺", "经理", "經理",
];

/// Removes personal data from free text: the strings it was told of, and the shapes of
/// e-mail addresses and long numbers.
#[derive(Debug, Clone)]
pub struct Scrubber {
    /// Known strings, longest first.
    known: Vec<(String, Removed)>,
    lang: usize,
}

impl Scrubber {
    /// A scrubber for `lang` (0 Simplified Chinese, 1 Traditional Chinese, 2 English) that
    /// knows the names in `staff` and the personal data of `complainants`.
    pub fn new<'c>(
        lang: usize,
        staff: impl IntoIterator<Item = impl AsRef<str>>,
        complainants: impl IntoIterator<Item = &'c Complainant>,
        places: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Self {
        let mut known: Vec<(String, Removed)> = Vec::new();
        let mut add = |text: &str, what: Removed| {
            let text = text.trim();
            if text.chars().count() >= 2 {
                known.push((text.to_string(), what));
            }
        };
        for c in complainants {
            if let Some(name) = &c.name {
                let name = name.as_str().trim();
                add(name, Removed::Name);
                let surname = name.chars().next().filter(|c| !c.is_ascii());
                if let (Some(surname), true) = (surname, name.chars().count() >= 2) {
                    for h in HONORIFICS {
                        add(&format!("{surname}{h}"), Removed::Name);
                    }
                }
            }
            if let Some(phone) = &c.phone {
                add(phone.as_str(), Removed::Phone);
            }
            if let Some(email) = &c.email {
                add(email.as_str(), Removed::Email);
            }
            if let Some(org) = &c.organisation {
                add(org.as_str(), Removed::Organisation);
            }
            if let Some(address) = &c.address {
                add(address.as_str(), Removed::Address);
            }
        }
        for place in places {
            add(place.as_ref(), Removed::Place);
        }
        // A display name may lead with the unit ("运营服务部 张专员"): its last word is the
        // person, as free text names them.
        for name in staff {
            let name = name.as_ref();
            add(name, Removed::Staff);
            if let Some((_, person)) = name.trim().rsplit_once(char::is_whitespace) {
                add(person, Removed::Staff);
            }
        }
        known.sort_by_key(|(text, _)| std::cmp::Reverse(text.len()));
        Scrubber {
            known,
            lang: lang.min(2),
        }
    }

    fn placeholder(&self, what: Removed) -> &'static str {
        what.words()[self.lang]
    }

    /// `text` without the personal data this scrubber finds in it.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (known, what) in &self.known {
            if out.contains(known.as_str()) {
                out = out.replace(known.as_str(), self.placeholder(*what));
            }
        }
        let out = self.emails(&out);
        self.numbers(&out)
    }

    fn emails(&self, text: &str) -> String {
        let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
        let domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        let mut copied = 0;
        while i < chars.len() {
            if chars[i] == '@' {
                let mut start = i;
                while start > copied && local(chars[start - 1]) {
                    start -= 1;
                }
                let mut end = i + 1;
                while end < chars.len() && domain(chars[end]) {
                    end += 1;
                }
                if start < i && end > i + 1 {
                    out.extend(&chars[copied..start]);
                    out.push_str(self.placeholder(Removed::Email));
                    copied = end;
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        out.extend(&chars[copied..]);
        out
    }

    /// Runs of six or more digits; groups of three or more joined by one space or dash count
    /// as one run (138-1234-5678), so dates (2026-06-01) and times stay.
    fn numbers(&self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let group_end = |from: usize| {
            let mut j = from;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            j
        };
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_ascii_digit() {
                out.push(chars[i]);
                i += 1;
                continue;
            }
            let mut end = group_end(i);
            let mut digits = end - i;
            let mut last = end - i;
            while last >= 3
                && end < chars.len()
                && matches!(chars[end], ' ' | '-')
                && group_end(end + 1) - (end + 1) >= 3
            {
                let next = group_end(end + 1);
                last = next - (end + 1);
                digits += last;
                end = next;
            }
            // 18-digit ID numbers may end in X.
            if digits >= 17 && chars.get(end).is_some_and(|&c| c == 'X' || c == 'x') {
                end += 1;
            }
            if digits >= 6 {
                out.push_str(self.placeholder(Removed::Number));
            } else {
                out.extend(&chars[i..end]);
            }
            i = end;
        }
        out
    }
}

/// The complainants a case has named: the record as it stands and every conflicting version.
fn complainants(view: &CaseView) -> Vec<&Complainant> {
    let mut all: Vec<&Complainant> = view.registration.iter().map(|r| &r.complainant).collect();
    for conflict in &view.conflicts {
        for version in &conflict.versions {
            if let FactValue::Complainant { complainant, .. } = &version.value {
                all.push(complainant);
            }
        }
    }
    all
}

/// The places a case has named: where it happened, in the record and conflicting versions.
fn places(view: &CaseView) -> Vec<&str> {
    let mut all: Vec<&str> = view
        .registration
        .iter()
        .filter_map(|r| r.details.location.as_ref().map(|l| l.as_str()))
        .collect();
    for conflict in &view.conflicts {
        for version in &conflict.versions {
            if let FactValue::Details { details } = &version.value {
                all.extend(details.location.as_ref().map(|l| l.as_str()));
            }
        }
    }
    all
}

/// Whether `view` is a teaching case that can be shown: marked, registered, not erased.
pub fn is_teaching(view: &CaseView) -> bool {
    !view.teaching.is_empty() && view.registration.is_some() && !view.erased
}

/// The anonymised form of `view` for readers of `lang` (0 Simplified Chinese, 1 Traditional
/// Chinese, 2 English), `staff` the names of the organisation's people, `offset_minutes` the
/// zone dates are counted in; `None` unless [`is_teaching`].
pub fn anonymised(
    view: &CaseView,
    staff: impl IntoIterator<Item = impl AsRef<str>>,
    lang: usize,
    offset_minutes: i32,
) -> Option<TeachingCase> {
    if !is_teaching(view) {
        return None;
    }
    let registration = view.registration.as_ref()?;
    let scrub = Scrubber::new(lang, staff, complainants(view), places(view));
    let received = registration.received_at.date(offset_minutes);
    let day = |at: crate::clock::Timestamp| at.date(offset_minutes).days() - received.days();
    let kind_of = |event| {
        view.timeline
            .iter()
            .find(|e| e.event == event)
            .and_then(|e| CommandKind::ALL.into_iter().find(|c| c.as_str() == e.kind))
    };
    let mut steps = vec![TeachingStep {
        day: 0,
        step: CommandKind::Register,
        text: scrub.scrub(registration.details.description.as_str()),
    }];
    let mut push = |at, step, text: &str| {
        steps.push(TeachingStep {
            day: day(at),
            step,
            text: scrub.scrub(text),
        })
    };
    for n in &view.notes {
        push(n.at, CommandKind::AddNote, n.value.text.as_str());
    }
    for r in &view.reports {
        push(r.at, CommandKind::SubmitReport, r.value.findings.as_str());
    }
    for m in &view.interim {
        push(m.at, CommandKind::RecordInterimMeasure, m.value.as_str());
    }
    for p in &view.plans {
        push(p.at, CommandKind::ProposePlan, p.value.plan.as_str());
    }
    for r in &view.reviews {
        let comment = r.value.comment.as_ref().map(|c| c.as_str()).unwrap_or("");
        push(r.at, CommandKind::ReviewPlan, comment);
    }
    for x in &view.executions {
        push(x.at, CommandKind::RecordExecution, x.value.result.as_str());
    }
    for f in &view.feedback {
        push(f.at, CommandKind::GiveFeedback, f.value.text.as_str());
    }
    for r in &view.revisits {
        let comment = r.value.comment.as_ref().map(|c| c.as_str()).unwrap_or("");
        push(r.at, CommandKind::RecordRevisit, comment);
    }
    for r in &view.reasons {
        push(
            r.at,
            kind_of(r.event).unwrap_or(CommandKind::Close),
            r.value.as_str(),
        );
    }
    for r in &view.rectifications {
        push(
            r.at,
            CommandKind::SetRectification,
            r.value.measure.as_str(),
        );
    }
    steps.sort_by_key(|s| s.day);
    Some(TeachingCase {
        case: view.id,
        month: format!("{:04}-{:02}", received.year(), received.month()),
        kind: registration.kind,
        channel: registration.channel,
        category: view.category.clone(),
        cause: view.cause.as_ref().map(|c| scrub.scrub(c.as_str())),
        severity: view.severity,
        department: view.department.clone(),
        finding: view.reports.iter().rev().find_map(|r| r.value.finding),
        outcome: view.outcome,
        satisfaction: view.revisits.last().map(|r| r.value.satisfaction),
        reopen_count: view.reopen_count,
        request: registration
            .details
            .request
            .as_ref()
            .map(|r| scrub.scrub(r.as_str())),
        steps,
        lessons: view
            .teaching
            .iter()
            .map(|t| scrub.scrub(t.value.lesson.as_str()))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Complainant {
        serde_json::from_value(serde_json::json!({
            "name": "张伟",
            "phone": "13812345678",
            "email": "zhang.wei@example.com",
            "organisation": "顺达贸易有限公司",
            "address": "幸福路88号3单元",
        }))
        .unwrap()
    }

    #[test]
    fn known_personal_data_becomes_placeholders() {
        let c = person();
        let s = Scrubber::new(0, ["运营服务部 李专员"], [&c], ["朝阳驿站"]);
        let out = s.scrub(
            "张伟(顺达贸易有限公司)来电13812345678,张先生说住幸福路88号3单元,在朝阳驿站取件时\
             李专员态度差;回复发到zhang.wei@example.com",
        );
        assert_eq!(
            out,
            "[姓名]([单位])来电[电话],[姓名]说住[地址],在[地点]取件时[工作人员]态度差;回复发到[邮箱]"
        );
    }

    #[test]
    fn unknown_emails_and_long_numbers_are_removed_short_numbers_stay() {
        let s = Scrubber::new(2, [""; 0], [], [""; 0]);
        assert_eq!(
            s.scrub("mail a.b@x.cn, waybill SF 1234 5678 9012, ID 11010519491231002X, 3 boxes, 2026-06-01"),
            "mail [e-mail], waybill SF [number], ID [number], 3 boxes, 2026-06-01"
        );
        assert_eq!(
            s.scrub("call 138-1234-5678 at 10:30"),
            "call [number] at 10:30"
        );
        assert_eq!(s.scrub("a @ b"), "a @ b");
    }
}
