//! The fields of the printed forms (DESIGN: the regulation profile's sheets, 003's
//! 客戶投訴記錄單 and 處理單 and 客戶投訴統計表, 004's 處理結果報告): what each field shows of a
//! case, as text. The app prints them; the server writes the statistics table as XLSX with the
//! same function, each side naming people, departments and dates its own way
//! ([`SheetNames`]).

use crate::{
    clock::Timestamp,
    event::{AccountabilityRecorded, Actor},
    ids::DepartmentId,
    model::{NoteKind, Satisfaction},
    number::provisional_label,
    profile::SheetField,
    sla::Due,
    view::CaseView,
    words::{Worded as _, Words},
};

/// How a reader names what a case refers to.
pub trait SheetNames {
    /// 0 Simplified Chinese, 1 Traditional Chinese, 2 English.
    fn lang(&self) -> usize;
    /// Who did something: a colleague, a kiosk, the server.
    fn actor(&self, actor: &Actor) -> String;
    /// Who an accountability decision holds responsible.
    fn responsible(&self, record: &AccountabilityRecorded) -> String;
    /// A department.
    fn department(&self, id: &DepartmentId) -> String;
    /// A day.
    fn date(&self, at: Timestamp) -> String;
    /// A day and time.
    fn date_time(&self, at: Timestamp) -> String;
    /// A satisfaction level, as the profile in force names it.
    fn satisfaction(&self, s: Satisfaction) -> String;
    /// When the answer is due, under the rules in force.
    fn answer_due(&self, view: &CaseView) -> Option<Due>;
}

/// What field `key` shows of the case, as text.
pub fn value(view: &CaseView, key: SheetField, n: &dyn SheetNames) -> String {
    let lang = n.lang().min(2);
    let w = |words: Words| words[lang].to_string();
    let r = view.registration.as_ref();
    let text = |t: Option<&crate::validate::LongText>| {
        t.map(|t| t.as_str().to_string()).unwrap_or_default()
    };
    let short = |t: Option<&crate::validate::ShortText>| {
        t.map(|t| t.as_str().to_string()).unwrap_or_default()
    };
    let join = |parts: Vec<String>| {
        parts
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let money =
        |m: Option<crate::validate::Money>| m.map(|m| format!("¥{}", m.yuan())).unwrap_or_default();
    let execution = view.executions.last();
    match key {
        SheetField::Number => view
            .number
            .map(|n| n.to_string())
            .unwrap_or_else(|| provisional_label(view.id)),
        SheetField::Customer => r
            .map(|r| {
                join(vec![
                    short(r.complainant.organisation.as_ref()),
                    short(r.complainant.name.as_ref()),
                ])
            })
            .unwrap_or_default(),
        SheetField::Complainant => r
            .map(|r| short(r.complainant.name.as_ref()))
            .unwrap_or_default(),
        SheetField::Organisation => r
            .map(|r| short(r.complainant.organisation.as_ref()))
            .unwrap_or_default(),
        SheetField::ComplainantType => r
            .and_then(|r| r.complainant_type)
            .map(|k| w(k.words()))
            .unwrap_or_default(),
        SheetField::Contact => r
            .map(|r| {
                join(vec![
                    r.complainant
                        .phone
                        .as_ref()
                        .map(|p| p.as_str().to_string())
                        .unwrap_or_default(),
                    r.complainant
                        .email
                        .as_ref()
                        .map(|e| e.as_str().to_string())
                        .unwrap_or_default(),
                ])
            })
            .unwrap_or_default(),
        SheetField::Address => r
            .map(|r| {
                let address = short(r.complainant.address.as_ref());
                if address.is_empty() {
                    short(r.details.location.as_ref())
                } else {
                    address
                }
            })
            .unwrap_or_default(),
        SheetField::Location => r
            .map(|r| short(r.details.location.as_ref()))
            .unwrap_or_default(),
        SheetField::Received => r.map(|r| n.date_time(r.received_at)).unwrap_or_default(),
        SheetField::Date => r.map(|r| n.date(r.received_at)).unwrap_or_default(),
        SheetField::Channel => r.map(|r| w(r.channel.words())).unwrap_or_default(),
        SheetField::Description => r
            .map(|r| r.details.description.as_str().to_string())
            .unwrap_or_default(),
        SheetField::Request => r
            .map(|r| text(r.details.request.as_ref()))
            .unwrap_or_default(),
        SheetField::ReceivedBy | SheetField::ReceivedBySignature => view
            .registered_by
            .as_ref()
            .map(|a| n.actor(a))
            .unwrap_or_default(),
        SheetField::Department => view
            .department
            .as_ref()
            .map(|d| n.department(d))
            .unwrap_or_default(),
        SheetField::Progress => w(view.stage.words()),
        SheetField::Report => view
            .reports
            .last()
            .map(|r| {
                let finding = r.value.finding.map(|f| w(f.words()));
                join(vec![
                    finding.unwrap_or_default(),
                    r.value.findings.as_str().to_string(),
                ])
            })
            .unwrap_or_default(),
        SheetField::Investigation => join(
            view.notes
                .iter()
                .filter(|n| n.value.note_kind != NoteKind::CustomerOpinion)
                .map(|n| n.value.text.as_str().to_string())
                .collect(),
        ),
        SheetField::Cause => view
            .cause
            .as_ref()
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        SheetField::Plan => view
            .plan
            .as_ref()
            .map(|p| p.plan.as_str().to_string())
            .unwrap_or_default(),
        SheetField::PlanReview => view.plan_decision.map(|d| w(d.words())).unwrap_or_default(),
        SheetField::Result => execution
            .map(|e| e.value.result.as_str().to_string())
            .unwrap_or_default(),
        SheetField::HandledOn => execution.map(|e| n.date(e.at)).unwrap_or_default(),
        SheetField::Handler => execution.map(|e| n.actor(&e.actor)).unwrap_or_default(),
        SheetField::Compensation => money(
            execution
                .and_then(|e| e.value.compensation)
                .or_else(|| view.plan.as_ref().and_then(|p| p.compensation)),
        ),
        SheetField::Loss => money(
            execution
                .and_then(|e| e.value.loss)
                .or_else(|| view.plan.as_ref().and_then(|p| p.loss)),
        ),
        SheetField::ManagerOpinion => view
            .plan
            .as_ref()
            .map(|p| text(p.opinion.as_ref()))
            .unwrap_or_default(),
        SheetField::CustomerOpinion => {
            let verdict = view.revisits.last().map(|v| {
                format!(
                    "{} {}",
                    n.satisfaction(v.value.satisfaction),
                    text(v.value.comment.as_ref())
                )
            });
            let said = view
                .notes
                .iter()
                .rev()
                .find(|n| n.value.note_kind == NoteKind::CustomerOpinion)
                .map(|n| n.value.text.as_str().to_string());
            verdict
                .into_iter()
                .chain(said)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("；")
        }
        SheetField::Satisfaction => view
            .revisits
            .last()
            .map(|v| n.satisfaction(v.value.satisfaction))
            .unwrap_or_default(),
        SheetField::Accountability => join(
            view.accountability
                .iter()
                .map(|a| format!("{} {}", n.responsible(&a.value), w(a.value.measure.words())))
                .collect(),
        ),
        SheetField::Due => n
            .answer_due(view)
            .map(|d| n.date(Timestamp(d.at.0 - 1)))
            .unwrap_or_default(),
        SheetField::Goods => r
            .and_then(|r| r.details.goods.as_ref())
            .map(|g| g.name.as_str().to_string())
            .unwrap_or_default(),
        SheetField::Quantity => r
            .and_then(|r| r.details.goods.as_ref())
            .map(|g| g.quantity.to_string())
            .unwrap_or_default(),
        // Left for the hand; the signature is drawn as an image by the sheet.
        SheetField::Remarks | SheetField::CustomerSignature => String::new(),
    }
}
