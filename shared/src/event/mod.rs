//! Events: the immutable facts a case's history is made of (DESIGN §11), and their stable,
//! versioned wire form. Unknown future kinds are kept, not dropped.

mod bodies;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use bodies::{
    AccountabilityRecorded, AppealDecided, AppealFiled, AttachmentAdded, Classified, Closed,
    ConflictResolved, DeadlineSet, Dispatched, ExecutionRecorded, Fault, FeedbackGiven, Finding,
    InterimMeasure, LinkedDuplicate, NoteAdded, NumberAssigned, PlanProposed, PlanReviewed,
    Reasoned, RecordAmended, Rectification, RectificationDone, ReportSubmitted, RevisitRecorded,
    Supplement, TeachingMark, Team,
};

use crate::{
    clock::{Hlc, Timestamp},
    ids::{CaseId, DeviceId, EventId, UserId},
    model::Registration,
};

/// Version of the event wire form this build writes. Events from a newer schema are kept
/// with their body unread ([`EventBody::Unknown`]) so nothing is lost before the app updates.
pub const SCHEMA_VERSION: u16 = 1;

/// Who made an event, as claimed by the device. The server checks the claim against the
/// authenticated session; the fold only records it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Actor {
    /// A signed-in staff member.
    User(UserId),
    /// A registered kiosk device (public self-service intake).
    Kiosk(DeviceId),
    /// The server itself (numbers, archive runs).
    System,
}

/// Read from its flat wire form (`{"type": …, "id"?}`), not through serde's reader of
/// adjacently tagged enums, instantiated per reader in every event and summary
/// (`crate::wire`).
impl<'de> Deserialize<'de> for Actor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        #[derive(Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        struct Flat {
            #[serde(rename = "type")]
            kind: String,
            #[serde(default)]
            id: Option<String>,
        }
        let flat = Flat::deserialize(d)?;
        let id = || {
            flat.id
                .as_deref()
                .ok_or_else(|| D::Error::missing_field("id"))
        };
        match flat.kind.as_str() {
            "user" => UserId::parse(id()?)
                .map(Actor::User)
                .map_err(|e| D::Error::custom(format_args!("user id: {e}"))),
            "kiosk" => id()?
                .parse::<uuid::Uuid>()
                .map(|u| Actor::Kiosk(DeviceId(u)))
                .map_err(D::Error::custom),
            "system" => Ok(Actor::System),
            other => Err(D::Error::custom(format_args!("unknown variant `{other}`"))),
        }
    }
}

/// One event of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawEvent")]
pub struct Event {
    /// Unique id (UUIDv7 made on the device).
    pub id: EventId,
    /// The case it belongs to.
    pub case_id: CaseId,
    /// The device that made it.
    pub device_id: DeviceId,
    /// Position in the device's own sequence: 1, 2, 3… with no gaps.
    pub dev_seq: u64,
    /// Who made it.
    pub actor: Actor,
    /// Hybrid logical clock reading when it was made.
    pub hlc: Hlc,
    /// The case's latest events this device had seen when it made this one.
    #[serde(default)]
    pub parents: Vec<EventId>,
    /// Wire schema version it was written with.
    pub schema: u16,
    /// What happened.
    #[serde(serialize_with = "serialize_body")]
    pub body: EventBody,
}

impl Event {
    /// When it was made, by the device's clock (the HLC's physical part).
    pub fn at(&self) -> Timestamp {
        self.hlc.timestamp()
    }

    /// The total order used as the last tie-break: (hlc, device, id).
    pub fn order_key(&self) -> (Hlc, DeviceId, EventId) {
        (self.hlc, self.device_id, self.id)
    }
}

/// The wire shape read before the body is interpreted, so an unknown kind or a newer schema
/// keeps its body as raw JSON instead of failing.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct RawEvent {
    id: EventId,
    case_id: CaseId,
    device_id: DeviceId,
    dev_seq: u64,
    actor: Actor,
    hlc: Hlc,
    #[serde(default)]
    parents: Vec<EventId>,
    schema: u16,
    /// The body's JSON text: each kind's fields are read from it once, with no JSON tree
    /// built in between.
    body: Box<serde_json::value::RawValue>,
}

impl TryFrom<RawEvent> for Event {
    type Error = String;

    fn try_from(raw: RawEvent) -> Result<Self, String> {
        let body = EventBody::from_wire(raw.schema, raw.body.get()).map_err(|e| e.to_string())?;
        Ok(Event {
            id: raw.id,
            case_id: raw.case_id,
            device_id: raw.device_id,
            dev_seq: raw.dev_seq,
            actor: raw.actor,
            hlc: raw.hlc,
            parents: raw.parents,
            schema: raw.schema,
            body,
        })
    }
}

fn serialize_body<S: serde::Serializer>(body: &EventBody, s: S) -> Result<S::Ok, S::Error> {
    match body {
        EventBody::Unknown(unknown) => unknown.raw.serialize(s),
        known => known.serialize(s),
    }
}

/// What an event says happened. Serialized as an object with a `kind` tag beside the fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum EventBody {
    /// 受理登記: the record sheet.
    Registered(Registration),
    /// Missing information completed or corrected.
    RecordAmended(RecordAmended),
    /// Triage: category, cause, severity.
    Classified(Classified),
    /// 不予受理, with the reason told to the complainant.
    RejectedOutOfScope(Reasoned),
    /// Sent to a department (again, when re-dispatched).
    Dispatched(Dispatched),
    /// A supervisor's deadline: a due time, or the special-case extension (3 → 7 days).
    DeadlineSet(DeadlineSet),
    /// The department takes the case up.
    InvestigationStarted,
    /// Investigation record, interview, opinion, remark.
    NoteAdded(NoteAdded),
    /// A photo or document.
    AttachmentAdded(AttachmentAdded),
    /// Investigation report (調查報告).
    ReportSubmitted(ReportSubmitted),
    /// Handling plan (處理方案).
    PlanProposed(PlanProposed),
    /// Approved, or returned with a comment.
    PlanReviewed(PlanReviewed),
    /// What was done (處理結果).
    ExecutionRecorded(ExecutionRecorded),
    /// The complainant is told the result.
    FeedbackGiven(FeedbackGiven),
    /// 回訪 with satisfaction; not satisfied reopens.
    RevisitRecorded(RevisitRecorded),
    /// Closed (after revisit, or early for kinds that allow it).
    Closed(Closed),
    /// A supervisor reopens a closed case.
    Reopened(Reasoned),
    /// 責任追究.
    AccountabilityRecorded(AccountabilityRecorded),
    /// 申訴 by the person held responsible.
    AppealFiled(AppealFiled),
    /// Decision on an appeal.
    AppealDecided(AppealDecided),
    /// The emergency path's interim measure (臨時解決方案).
    InterimMeasureTaken(InterimMeasure),
    /// The complainant is asked to complete the record: the clocks pause (004 補充完善).
    SupplementRequested(Reasoned),
    /// The complainant's reply: the clocks resume.
    SupplementReceived(Supplement),
    /// The named investigator, or an investigation team with its lead (003 指定專人, 004
    /// 調查小組).
    InvestigatorsNamed(Team),
    /// 整改措施: a measure against the cause, with an owner and a deadline (000, 002).
    RectificationSet(Rectification),
    /// A rectification measure is done.
    RectificationDone(RectificationDone),
    /// Marks this case a duplicate of another (closes it).
    LinkedDuplicate(LinkedDuplicate),
    /// A supervisor marks a closed case as a teaching case, with its lesson (案例分析).
    TeachingCaseMarked(TeachingMark),
    /// A person chooses one version of a conflicting fact.
    ConflictResolved(ConflictResolved),
    /// The server assigned the official number.
    NumberAssigned(NumberAssigned),
    /// Monthly archive run.
    Archived,
    /// Retention over: personal data and free text erased.
    Destroyed,
    /// A kind this build does not know (or a newer schema): kept verbatim, never applied.
    #[serde(skip)]
    Unknown(UnknownBody),
}

/// The body of an event this build cannot read.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownBody {
    /// The `kind` tag, if there was one.
    pub kind: String,
    /// The body exactly as received.
    pub raw: serde_json::Value,
}

/// Why an event body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The body has no string `kind`.
    #[error("event body has no kind")]
    NoKind,
    /// A known kind with invalid fields.
    #[error("invalid {kind} event: {source}")]
    Invalid {
        /// The kind.
        kind: String,
        /// What serde said.
        source: serde_json::Error,
    },
}

impl EventBody {
    /// Reads a body from its wire form, upcasting bodies of older schemas. Unknown kinds and
    /// newer schemas are kept as [`EventBody::Unknown`]; a known kind with bad fields is an
    /// error.
    pub fn from_wire(schema: u16, raw: &str) -> Result<Self, BodyError> {
        /// Only the tag; every other field is skipped.
        #[derive(Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        struct Tag {
            kind: Option<String>,
        }
        let kind = crate::json::from_str::<Tag>(raw)
            .ok()
            .and_then(|t| t.kind)
            .ok_or(BodyError::NoKind)?;
        if schema > SCHEMA_VERSION || !CommandKind::ALL.iter().any(|c| c.as_str() == kind) {
            let raw = crate::json::from_str(raw).map_err(|source| BodyError::Invalid {
                kind: kind.clone(),
                source,
            })?;
            return Ok(EventBody::Unknown(UnknownBody { kind, raw }));
        }
        upcast(schema, raw, |raw| read_known(&kind, raw))
            .map_err(|source| BodyError::Invalid { kind, source })
    }

    /// The attachments (photos, documents, signatures) this body refers to by hash.
    pub fn attachment_hashes(&self) -> Vec<&crate::validate::BlobHash> {
        match self {
            EventBody::Registered(r) => r.attachments.iter().map(|a| &a.hash).collect(),
            EventBody::NoteAdded(n) => n
                .attachments
                .iter()
                .map(|a| &a.hash)
                .chain(n.signature.iter())
                .collect(),
            EventBody::AttachmentAdded(a) => vec![&a.attachment.hash],
            _ => Vec::new(),
        }
    }

    /// The command this body records.
    pub fn command(&self) -> Option<CommandKind> {
        use CommandKind as C;
        Some(match self {
            EventBody::Registered(_) => C::Register,
            EventBody::RecordAmended(_) => C::AmendRecord,
            EventBody::Classified(_) => C::Classify,
            EventBody::RejectedOutOfScope(_) => C::RejectOutOfScope,
            EventBody::Dispatched(_) => C::Dispatch,
            EventBody::DeadlineSet(_) => C::SetDeadline,
            EventBody::InvestigationStarted => C::StartInvestigation,
            EventBody::NoteAdded(_) => C::AddNote,
            EventBody::AttachmentAdded(_) => C::AddAttachment,
            EventBody::ReportSubmitted(_) => C::SubmitReport,
            EventBody::PlanProposed(_) => C::ProposePlan,
            EventBody::PlanReviewed(_) => C::ReviewPlan,
            EventBody::ExecutionRecorded(_) => C::RecordExecution,
            EventBody::FeedbackGiven(_) => C::GiveFeedback,
            EventBody::RevisitRecorded(_) => C::RecordRevisit,
            EventBody::Closed(_) => C::Close,
            EventBody::Reopened(_) => C::Reopen,
            EventBody::AccountabilityRecorded(_) => C::RecordAccountability,
            EventBody::AppealFiled(_) => C::FileAppeal,
            EventBody::AppealDecided(_) => C::DecideAppeal,
            EventBody::InterimMeasureTaken(_) => C::RecordInterimMeasure,
            EventBody::SupplementRequested(_) => C::RequestSupplement,
            EventBody::SupplementReceived(_) => C::ReceiveSupplement,
            EventBody::InvestigatorsNamed(_) => C::NameInvestigators,
            EventBody::RectificationSet(_) => C::SetRectification,
            EventBody::RectificationDone(_) => C::CompleteRectification,
            EventBody::LinkedDuplicate(_) => C::LinkDuplicate,
            EventBody::TeachingCaseMarked(_) => C::MarkTeachingCase,
            EventBody::ConflictResolved(_) => C::ResolveConflict,
            EventBody::NumberAssigned(_) => C::AssignNumber,
            EventBody::Archived => C::Archive,
            EventBody::Destroyed => C::Destroy,
            EventBody::Unknown(_) => return None,
        })
    }
}

/// Rewrites a body written with an older schema into the current shape. Schema 1 is the
/// first, so there is nothing to rewrite yet; each later version adds one step here
/// (`if schema < 2 { … }`), applied in order.
/// Reads the body of a known `kind` straight into its payload type. The derived
/// internally-tagged `Deserialize` would buffer the object once more (into serde's `Content`)
/// before reading it: this is every event a device or the server parses, so the dispatch on
/// the tag is written out (a payload ignores the `kind` field beside its own).
fn read_known(kind: &str, raw: &str) -> Result<EventBody, serde_json::Error> {
    use crate::json::from_str as read;
    use serde::de::Error;
    macro_rules! dispatch {
        ($($tag:literal => $variant:ident),* ; $($unit_tag:literal => $unit:ident),*) => {
            match kind {
                $($tag => EventBody::$variant(read(raw)?),)*
                $($unit_tag => EventBody::$unit,)*
                other => return Err(serde_json::Error::unknown_variant(other, &[])),
            }
        };
    }
    Ok(dispatch!(
        "registered" => Registered,
        "record_amended" => RecordAmended,
        "classified" => Classified,
        "rejected_out_of_scope" => RejectedOutOfScope,
        "dispatched" => Dispatched,
        "deadline_set" => DeadlineSet,
        "note_added" => NoteAdded,
        "attachment_added" => AttachmentAdded,
        "report_submitted" => ReportSubmitted,
        "plan_proposed" => PlanProposed,
        "plan_reviewed" => PlanReviewed,
        "execution_recorded" => ExecutionRecorded,
        "feedback_given" => FeedbackGiven,
        "revisit_recorded" => RevisitRecorded,
        "closed" => Closed,
        "reopened" => Reopened,
        "accountability_recorded" => AccountabilityRecorded,
        "appeal_filed" => AppealFiled,
        "appeal_decided" => AppealDecided,
        "interim_measure_taken" => InterimMeasureTaken,
        "supplement_requested" => SupplementRequested,
        "supplement_received" => SupplementReceived,
        "investigators_named" => InvestigatorsNamed,
        "rectification_set" => RectificationSet,
        "rectification_done" => RectificationDone,
        "linked_duplicate" => LinkedDuplicate,
        "teaching_case_marked" => TeachingCaseMarked,
        "conflict_resolved" => ConflictResolved,
        "number_assigned" => NumberAssigned;
        "investigation_started" => InvestigationStarted,
        "archived" => Archived,
        "destroyed" => Destroyed
    ))
}

fn upcast<T>(
    schema: u16,
    raw: &str,
    read: impl FnOnce(&str) -> Result<T, serde_json::Error>,
) -> Result<T, serde_json::Error> {
    debug_assert!(schema <= SCHEMA_VERSION);
    read(raw)
}

/// Every command a person (or the server) can take on a case: one per event kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum CommandKind {
    Register,
    AmendRecord,
    Classify,
    RejectOutOfScope,
    Dispatch,
    SetDeadline,
    StartInvestigation,
    AddNote,
    AddAttachment,
    SubmitReport,
    ProposePlan,
    ReviewPlan,
    RecordExecution,
    GiveFeedback,
    RecordRevisit,
    Close,
    Reopen,
    RecordAccountability,
    FileAppeal,
    DecideAppeal,
    RecordInterimMeasure,
    RequestSupplement,
    ReceiveSupplement,
    NameInvestigators,
    SetRectification,
    CompleteRectification,
    LinkDuplicate,
    MarkTeachingCase,
    ResolveConflict,
    AssignNumber,
    Archive,
    Destroy,
}

crate::wire::wire_names!(CommandKind {
    Register => "register",
    AmendRecord => "amend_record",
    Classify => "classify",
    RejectOutOfScope => "reject_out_of_scope",
    Dispatch => "dispatch",
    SetDeadline => "set_deadline",
    StartInvestigation => "start_investigation",
    AddNote => "add_note",
    AddAttachment => "add_attachment",
    SubmitReport => "submit_report",
    ProposePlan => "propose_plan",
    ReviewPlan => "review_plan",
    RecordExecution => "record_execution",
    GiveFeedback => "give_feedback",
    RecordRevisit => "record_revisit",
    Close => "close",
    Reopen => "reopen",
    RecordAccountability => "record_accountability",
    FileAppeal => "file_appeal",
    DecideAppeal => "decide_appeal",
    RecordInterimMeasure => "record_interim_measure",
    RequestSupplement => "request_supplement",
    ReceiveSupplement => "receive_supplement",
    NameInvestigators => "name_investigators",
    SetRectification => "set_rectification",
    CompleteRectification => "complete_rectification",
    LinkDuplicate => "link_duplicate",
    MarkTeachingCase => "mark_teaching_case",
    ResolveConflict => "resolve_conflict",
    AssignNumber => "assign_number",
    Archive => "archive",
    Destroy => "destroy",
});

impl CommandKind {
    /// Every command, in the order screens list them.
    pub const ALL: [CommandKind; 32] = [
        CommandKind::Register,
        CommandKind::AmendRecord,
        CommandKind::Classify,
        CommandKind::RejectOutOfScope,
        CommandKind::Dispatch,
        CommandKind::SetDeadline,
        CommandKind::StartInvestigation,
        CommandKind::AddNote,
        CommandKind::AddAttachment,
        CommandKind::SubmitReport,
        CommandKind::ProposePlan,
        CommandKind::ReviewPlan,
        CommandKind::RecordExecution,
        CommandKind::GiveFeedback,
        CommandKind::RecordRevisit,
        CommandKind::Close,
        CommandKind::Reopen,
        CommandKind::RecordAccountability,
        CommandKind::FileAppeal,
        CommandKind::DecideAppeal,
        CommandKind::RecordInterimMeasure,
        CommandKind::RequestSupplement,
        CommandKind::ReceiveSupplement,
        CommandKind::NameInvestigators,
        CommandKind::SetRectification,
        CommandKind::CompleteRectification,
        CommandKind::LinkDuplicate,
        CommandKind::MarkTeachingCase,
        CommandKind::ResolveConflict,
        CommandKind::AssignNumber,
        CommandKind::Archive,
        CommandKind::Destroy,
    ];

    /// The event kind tag (`kind` on the wire) this command writes.
    pub fn as_str(self) -> &'static str {
        use CommandKind as C;
        match self {
            C::Register => "registered",
            C::AmendRecord => "record_amended",
            C::Classify => "classified",
            C::RejectOutOfScope => "rejected_out_of_scope",
            C::Dispatch => "dispatched",
            C::SetDeadline => "deadline_set",
            C::StartInvestigation => "investigation_started",
            C::AddNote => "note_added",
            C::AddAttachment => "attachment_added",
            C::SubmitReport => "report_submitted",
            C::ProposePlan => "plan_proposed",
            C::ReviewPlan => "plan_reviewed",
            C::RecordExecution => "execution_recorded",
            C::GiveFeedback => "feedback_given",
            C::RecordRevisit => "revisit_recorded",
            C::Close => "closed",
            C::Reopen => "reopened",
            C::RecordAccountability => "accountability_recorded",
            C::FileAppeal => "appeal_filed",
            C::DecideAppeal => "appeal_decided",
            C::RecordInterimMeasure => "interim_measure_taken",
            C::RequestSupplement => "supplement_requested",
            C::ReceiveSupplement => "supplement_received",
            C::NameInvestigators => "investigators_named",
            C::SetRectification => "rectification_set",
            C::CompleteRectification => "rectification_done",
            C::LinkDuplicate => "linked_duplicate",
            C::MarkTeachingCase => "teaching_case_marked",
            C::ResolveConflict => "conflict_resolved",
            C::AssignNumber => "number_assigned",
            C::Archive => "archived",
            C::Destroy => "destroyed",
        }
    }
}

/// A single-valued fact of a case: two concurrent events setting one of these to different
/// values make a conflict for a person to resolve. Everything else (notes, photos, reports,
/// revisit records…) is additive and never conflicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Fact {
    Stage,
    Department,
    Severity,
    Category,
    Deadline,
    Plan,
    PlanDecision,
    Complainant,
    Details,
    Number,
    DuplicateOf,
    /// Who investigates.
    Team,
}

crate::wire::wire_names!(Fact {
    Stage => "stage",
    Department => "department",
    Severity => "severity",
    Category => "category",
    Deadline => "deadline",
    Plan => "plan",
    PlanDecision => "plan_decision",
    Complainant => "complainant",
    Details => "details",
    Number => "number",
    DuplicateOf => "duplicate_of",
    Team => "team",
});

/// Serialized events of a case keyed by id: handy in tests and stores.
pub type EventsById = BTreeMap<EventId, Event>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_read_by_the_written_out_dispatch() {
        for kind in CommandKind::ALL {
            let tag = kind.as_str();
            match read_known(tag, &serde_json::json!({ "kind": tag }).to_string()) {
                Ok(body) => assert_eq!(body.command(), Some(kind), "{tag}"),
                // A payload kind reached its own type, which misses its fields.
                Err(e) => assert!(e.to_string().contains("missing field"), "{tag}: {e}"),
            }
        }
        assert!(read_known("no_such_kind", "{}").is_err());
    }
}
