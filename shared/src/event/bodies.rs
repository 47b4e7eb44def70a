//! The payloads of the event kinds: what each command records (the record sheet's
//! corrections, dispatch, reports, plans, revisits, accountability…).

use serde::{Deserialize, Serialize};

use super::Fact;
use crate::{
    clock::Timestamp,
    ids::{CaseId, CategoryId, DepartmentId, EventId, UserId},
    model::{
        Attachment, CaseDetails, Complainant, FeedbackChannel, Measure, NoteKind, PlanDecision,
        Registration, Responsibility, RevisitMethod, Satisfaction, Severity,
    },
    number::CaseNumber,
    validate::{BlobHash, LongText, Money, ShortText},
};

/// Corrections to the record sheet; absent parts stay as they were.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordAmended {
    /// New complainant details (replaces the whole block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant: Option<Complainant>,
    /// New anonymous flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous: Option<bool>,
    /// New details (replaces the whole block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<CaseDetails>,
}

impl RecordAmended {
    /// The rules an amendment keeps, against the record sheet it corrects (`before`): a
    /// named complainant keeps a way to be reached (the rule of the record sheet), an
    /// anonymous one gives no personal data. The form and the server's push both call it.
    pub fn check(
        &self,
        before: Option<&Registration>,
    ) -> Result<(), Vec<crate::validate::FieldError>> {
        use crate::validate::{Field, FieldError, Rule};
        let anonymous = self
            .anonymous
            .or(before.map(|r| r.anonymous))
            .unwrap_or(false);
        let empty = Complainant::default();
        let complainant = self
            .complainant
            .as_ref()
            .or(before.map(|r| &r.complainant))
            .unwrap_or(&empty);
        let mut errors = Vec::new();
        if !anonymous && !complainant.has_contact() {
            errors.push(FieldError::new(Field::Contact, Rule::ContactRequired));
        }
        if anonymous && *complainant != empty {
            errors.push(FieldError::new(Field::ComplainantName, Rule::NotForKind));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl Classified {
    /// A classification names a category of the catalog in force.
    pub fn check(
        &self,
        catalog: &crate::model::Catalog,
    ) -> Result<(), Vec<crate::validate::FieldError>> {
        use crate::validate::{Field, FieldError, Rule};
        if catalog.has_category(&self.category) {
            Ok(())
        } else {
            Err(vec![FieldError::new(
                Field::Category,
                Rule::UnknownCategory,
            )])
        }
    }
}

/// Triage result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Classified {
    /// Category.
    pub category: CategoryId,
    /// Cause (原因), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<ShortText>,
    /// Severity.
    pub severity: Severity,
}

/// A step that needs a stated reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Reasoned {
    /// The reason.
    pub reason: LongText,
}

/// Dispatch to a department.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Dispatched {
    /// Responsible department: the lead where several handle the case.
    pub department: DepartmentId,
    /// Departments handling the case with the lead (協辦: 001, 002).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub co_departments: Vec<DepartmentId>,
    /// A due time set by the supervisor, overriding the default deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Timestamp>,
    /// Instructions for the department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<LongText>,
}

/// Deadline change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeadlineSet {
    /// Special case: the whole-case deadline is the longer one (7 working days by default).
    pub special: bool,
    /// An explicit due time, overriding the computed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Timestamp>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<LongText>,
}

/// A note of the investigation record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NoteAdded {
    /// What kind of note.
    pub note_kind: NoteKind,
    /// The note.
    pub text: LongText,
    /// Photos and documents with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Signature image of the interviewee or customer (簽字), captured on the tablet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<BlobHash>,
    /// Who signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<ShortText>,
}

/// A photo or document added to the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AttachmentAdded {
    /// The file.
    pub attachment: Attachment,
    /// Caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<ShortText>,
}

/// Whether the complaint was borne out (屬實 / 部分屬實 / 不屬實; 003 "針對委託方投訴屬實的").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// 屬實.
    Founded,
    /// 部分屬實.
    PartlyFounded,
    /// 不屬實.
    Unfounded,
}

crate::wire::wire_names!(Finding {
    Founded => "founded",
    PartlyFounded => "partly_founded",
    Unfounded => "unfounded",
});

/// Whose fault it was (003: "若客戶投訴事項的責任不在公司方…若…責任確實在公司方").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// 責任在公司方.
    Company,
    /// 委託方自身問題或誤解.
    Client,
    /// Both share it.
    Shared,
}

crate::wire::wire_names!(Fault {
    Company => "company",
    Client => "client",
    Shared => "shared",
});

/// Investigation report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReportSubmitted {
    /// Findings: what happened, the investigation process.
    pub findings: LongText,
    /// The cause found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<ShortText>,
    /// Whether the complaint was borne out (reports before profiles have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<Finding>,
    /// Whose fault it was, where the profile asks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<Fault>,
}

/// Handling plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanProposed {
    /// The plan.
    pub plan: LongText,
    /// Department manager's opinion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opinion: Option<LongText>,
    /// Compensation offered (賠償 / 折算).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compensation: Option<Money>,
    /// Loss amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<Money>,
}

/// Plan review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanReviewed {
    /// Approved or returned.
    pub decision: PlanDecision,
    /// Reviewer's comment; required when returning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<LongText>,
}

/// Execution of the approved plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ExecutionRecorded {
    /// What was done.
    pub result: LongText,
    /// Compensation paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compensation: Option<Money>,
    /// Loss amount established.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<Money>,
}

/// Feedback to the complainant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FeedbackGiven {
    /// How they were told.
    pub channel: FeedbackChannel,
    /// What they were told.
    pub text: LongText,
}

/// A revisit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RevisitRecorded {
    /// How.
    pub method: RevisitMethod,
    /// The complainant's satisfaction.
    pub satisfaction: Satisfaction,
    /// Their words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<LongText>,
}

/// Closing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Closed {
    /// Summary; required when closing early (the answer given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<LongText>,
}

/// Accountability decision (confidential).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AccountabilityRecorded {
    /// The staff member held responsible (or `department`: exactly one is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<UserId>,
    /// The department held responsible (001 "部門", 002 "對於存在嚴重問題的部門,進行通報批評").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<DepartmentId>,
    /// Their responsibility.
    pub responsibility: Responsibility,
    /// The measure.
    pub measure: Measure,
    /// The amount of a fine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<crate::validate::Money>,
    /// Why.
    pub reason: LongText,
    /// Last moment an appeal is accepted.
    pub appeal_until: Timestamp,
}

/// Appeal against an accountability decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AppealFiled {
    /// The `AccountabilityRecorded` event appealed against.
    pub accountability: EventId,
    /// Grounds.
    pub reason: LongText,
}

/// Decision on an appeal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AppealDecided {
    /// The `AppealFiled` event decided.
    pub appeal: EventId,
    /// Whether the appeal succeeds (the measure is lifted).
    pub upheld: bool,
    /// The decision.
    pub decision: LongText,
}

/// The emergency path's interim measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InterimMeasure {
    /// What was done at once to limit the complainant's loss.
    pub measure: LongText,
}

/// The complainant's reply to a request to complete the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Supplement {
    /// What they supplied, in short (the record itself is completed by an amendment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<LongText>,
}

/// Who investigates: one named investigator (a team of one) or a team with its lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Team {
    /// The lead (組長), one of `members`.
    pub lead: UserId,
    /// Everyone on it, the lead included.
    pub members: Vec<UserId>,
}

/// A rectification measure (整改措施) with who carries it out and by when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Rectification {
    /// What is to change.
    pub measure: LongText,
    /// Who carries it out (責任人).
    pub owner: UserId,
    /// By when (整改期限).
    pub due: Timestamp,
}

/// A rectification measure carried out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RectificationDone {
    /// The `RectificationSet` event it completes.
    pub rectification: EventId,
    /// What was done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<LongText>,
}

/// Duplicate link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LinkedDuplicate {
    /// The original case.
    pub of: CaseId,
}

/// A teaching case's lesson: what staff should learn from the case (000 案例分析 "通過實際案例
/// 分析,加深工作人員對投訴處理的理解和掌握"; 003 "通過案例的學習與分享,完善各種制度和流程").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TeachingMark {
    /// The lesson, written by the supervisor without personal data.
    pub lesson: LongText,
}

/// Choice of one version of a conflicting fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConflictResolved {
    /// Which fact.
    pub fact: Fact,
    /// The event whose version wins.
    pub chosen: EventId,
}

/// Official number assignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NumberAssigned {
    /// The number.
    pub number: CaseNumber,
}
