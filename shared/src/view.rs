//! The folded state of a case and its parts: what the fold produces and every screen, the
//! server's projections, the policy, the deadlines and the statistics read. Data and its
//! accessors only; how events become a view is [`crate::fold`].

use serde::{Deserialize, Serialize};

use crate::{
    clock::{Hlc, Timestamp},
    event::{
        AccountabilityRecorded, Actor, AppealDecided, AppealFiled, AttachmentAdded, CommandKind,
        ExecutionRecorded, Fact, FeedbackGiven, NoteAdded, PlanProposed, PlanReviewed,
        ReportSubmitted, RevisitRecorded,
    },
    ids::{CaseId, CategoryId, DepartmentId, DeviceId, EventId},
    model::{CaseDetails, Complainant, Outcome, PlanDecision, Registration, Severity, Stage},
    number::{CaseNumber, provisional_label},
    validate::{LongText, ShortText},
};

/// A workflow rule an event broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum WorkflowError {
    /// Only registration can start a case.
    #[error("the case is not registered")]
    NotRegistered,
    /// A case is registered once.
    #[error("the case is already registered")]
    AlreadyRegistered,
    /// The command does not apply in this stage.
    #[error("{command:?} is not allowed in stage {stage:?}")]
    NotInStage {
        /// The command.
        command: CommandKind,
        /// The stage the case was in.
        stage: Stage,
    },
    /// A plan needs a responsible department.
    #[error("a department is required")]
    DepartmentRequired,
    /// Returning a plan needs the reviewer's comment.
    #[error("a comment is required")]
    CommentRequired,
    /// Closing early needs the answer given.
    #[error("a summary is required")]
    SummaryRequired,
    /// Complaints close only after feedback and a revisit.
    #[error("closing needs feedback and a revisit")]
    FeedbackAndRevisitRequired,
    /// No open conflict has that version.
    #[error("no such conflict version")]
    NoSuchConflict,
    /// The appeal names no accountability record of this case.
    #[error("no such accountability record")]
    NoSuchAccountability,
    /// That accountability record was already appealed.
    #[error("already appealed")]
    AlreadyAppealed,
    /// The appeal period is over.
    #[error("the appeal period is over")]
    AppealTooLate,
    /// The decision names no appeal of this case.
    #[error("no such appeal")]
    NoSuchAppeal,
    /// The appeal was already decided.
    #[error("the appeal is already decided")]
    AppealAlreadyDecided,
    /// The person who imposed the measure may not decide the appeal against it.
    #[error("the appeal is decided by someone other than who imposed the measure")]
    AppealDecidedByImposer,
    /// The emergency path takes an interim measure before the plan, execution and feedback.
    #[error("an interim measure is required first")]
    InterimMeasureRequired,
    /// The second approval is someone else's.
    #[error("the second approval is another person's")]
    SecondApproverRequired,
    /// The clocks are already paused.
    #[error("already waiting for the complainant")]
    AlreadyPaused,
    /// Nothing is awaited from the complainant.
    #[error("not waiting for the complainant")]
    NotPaused,
    /// A team names its lead among its members, and at most 12 people.
    #[error("the team's lead is one of its members, at most 12")]
    BadTeam,
    /// An accountability decision names a person or a department, not both, not neither.
    #[error("a person or a department is held responsible")]
    ResponsibleRequired,
    /// No open rectification measure of this case has that id.
    #[error("no such open rectification measure")]
    NoSuchRectification,
    /// The profile the case runs under has no such option.
    #[error("the case's rules do not allow this")]
    NotInRules,
}

/// The rules without fields, by wire name (as serialized).
const WORKFLOW_UNIT_RULES: &[(&str, WorkflowError)] = &[
    ("not_registered", WorkflowError::NotRegistered),
    ("already_registered", WorkflowError::AlreadyRegistered),
    ("department_required", WorkflowError::DepartmentRequired),
    ("comment_required", WorkflowError::CommentRequired),
    ("summary_required", WorkflowError::SummaryRequired),
    (
        "feedback_and_revisit_required",
        WorkflowError::FeedbackAndRevisitRequired,
    ),
    ("no_such_conflict", WorkflowError::NoSuchConflict),
    (
        "no_such_accountability",
        WorkflowError::NoSuchAccountability,
    ),
    ("already_appealed", WorkflowError::AlreadyAppealed),
    ("appeal_too_late", WorkflowError::AppealTooLate),
    ("no_such_appeal", WorkflowError::NoSuchAppeal),
    (
        "appeal_already_decided",
        WorkflowError::AppealAlreadyDecided,
    ),
    (
        "appeal_decided_by_imposer",
        WorkflowError::AppealDecidedByImposer,
    ),
    (
        "interim_measure_required",
        WorkflowError::InterimMeasureRequired,
    ),
    (
        "second_approver_required",
        WorkflowError::SecondApproverRequired,
    ),
    ("already_paused", WorkflowError::AlreadyPaused),
    ("not_paused", WorkflowError::NotPaused),
    ("bad_team", WorkflowError::BadTeam),
    ("responsible_required", WorkflowError::ResponsibleRequired),
    ("no_such_rectification", WorkflowError::NoSuchRectification),
    ("not_in_rules", WorkflowError::NotInRules),
];

/// Read from its flat wire form (`{"rule": …, "command"?, "stage"?}`) rather than through
/// serde's buffered reader of internally tagged enums, which cost the browser app more than
/// the rules themselves (`crate::wire`).
impl<'de> Deserialize<'de> for WorkflowError {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        #[derive(Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        struct Flat {
            rule: String,
            #[serde(default)]
            command: Option<CommandKind>,
            #[serde(default)]
            stage: Option<Stage>,
        }
        let flat = Flat::deserialize(d)?;
        if flat.rule == "not_in_stage" {
            return match (flat.command, flat.stage) {
                (Some(command), Some(stage)) => Ok(WorkflowError::NotInStage { command, stage }),
                _ => Err(D::Error::missing_field("command, stage")),
            };
        }
        crate::wire::unit_variant(&flat.rule, WORKFLOW_UNIT_RULES).map_err(D::Error::custom)
    }
}

/// The value one event gives a single-valued fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "fact", rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum FactValue {
    Stage {
        stage: Stage,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<Outcome>,
    },
    Department {
        department: DepartmentId,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        co_departments: Vec<DepartmentId>,
    },
    Team {
        team: crate::event::Team,
    },
    Severity {
        severity: Severity,
    },
    Category {
        category: CategoryId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cause: Option<ShortText>,
    },
    Deadline {
        special: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<Timestamp>,
    },
    Plan {
        plan: PlanProposed,
    },
    PlanDecision {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decision: Option<PlanDecision>,
    },
    Complainant {
        anonymous: bool,
        complainant: Complainant,
    },
    Details {
        details: CaseDetails,
    },
    Number {
        number: CaseNumber,
    },
    DuplicateOf {
        case: CaseId,
    },
}

impl FactValue {
    /// The fact this value belongs to.
    pub fn fact(&self) -> Fact {
        match self {
            FactValue::Stage { .. } => Fact::Stage,
            FactValue::Department { .. } => Fact::Department,
            FactValue::Team { .. } => Fact::Team,
            FactValue::Severity { .. } => Fact::Severity,
            FactValue::Category { .. } => Fact::Category,
            FactValue::Deadline { .. } => Fact::Deadline,
            FactValue::Plan { .. } => Fact::Plan,
            FactValue::PlanDecision { .. } => Fact::PlanDecision,
            FactValue::Complainant { .. } => Fact::Complainant,
            FactValue::Details { .. } => Fact::Details,
            FactValue::Number { .. } => Fact::Number,
            FactValue::DuplicateOf { .. } => Fact::DuplicateOf,
        }
    }
}

/// One version of a conflicting fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConflictVersion {
    /// The event that set it.
    pub event: EventId,
    /// Its command (who may choose it is who may perform it).
    pub command: CommandKind,
    /// Who set it.
    pub actor: Actor,
    /// When.
    pub at: Timestamp,
    /// The value.
    pub value: FactValue,
}

/// A single-valued fact set concurrently to different values: both versions are kept and
/// shown; a person resolves it with a later event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Conflict {
    /// Which fact.
    pub fact: Fact,
    /// The competing versions, in causal-then-(hlc, device, id) order. The view shows the
    /// last one meanwhile, marked as conflicting.
    pub versions: Vec<ConflictVersion>,
}

/// Why an event is in the history but does not shape the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum NotApplied {
    /// The workflow does not allow it in the state its author saw.
    Workflow {
        /// The rule.
        error: WorkflowError,
    },
    /// Written by a newer app: kept, shown as "update the app".
    UnknownKind {
        /// Its kind tag.
        kind: String,
    },
    /// Another event has the same id with different content; that one was kept.
    DuplicateIdDifferentContent,
    /// It names another case.
    WrongCase,
}

/// Status of a timeline entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum EntryStatus {
    /// It shaped the case.
    Applied,
    /// It did not, and why.
    NotApplied {
        /// Why.
        why: NotApplied,
    },
}

/// One line of the case's history (who, when, what, where).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimelineEntry {
    /// The event.
    pub event: EventId,
    /// Its kind tag (`registered`, `note_added`, … or an unknown kind).
    pub kind: String,
    /// Who.
    pub actor: Actor,
    /// On which device.
    pub device: DeviceId,
    /// Its place in that device's sequence.
    pub dev_seq: u64,
    /// When (HLC).
    pub hlc: Hlc,
    /// Whether it applied.
    pub status: EntryStatus,
}

/// An additive record with who and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Dated<T> {
    /// The event that recorded it.
    pub event: EventId,
    /// Who.
    pub actor: Actor,
    /// When.
    pub at: Timestamp,
    /// What.
    pub value: T,
}

/// A rectification measure as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RectificationItem {
    /// The event that set it.
    pub event: EventId,
    /// When it was set.
    pub at: Timestamp,
    /// The measure, owner and deadline.
    pub value: crate::event::Rectification,
    /// When it was done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<Timestamp>,
}

/// A pause of the clocks while the complainant completes the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Pause {
    /// The request that paused them.
    pub event: EventId,
    /// When.
    pub from: Timestamp,
    /// What is asked of the complainant.
    pub reason: LongText,
    /// When the reply came, resuming them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumed: Option<Timestamp>,
}

/// A stage the case entered, when, by which event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StageChange {
    /// The stage entered.
    pub stage: Stage,
    /// When.
    pub at: Timestamp,
    /// By which event.
    pub event: EventId,
}

/// The folded state of one case: everything the screens, the server's projections, the
/// deadlines and the statistics read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseView {
    /// The case.
    pub id: CaseId,
    /// Official number, once the server assigned it.
    pub number: Option<CaseNumber>,
    /// The record sheet with amendments applied; `None` until the registration is known
    /// (a device may hold later events of a case whose registration it has not received).
    pub registration: Option<Registration>,
    /// Who registered it.
    pub registered_by: Option<Actor>,
    /// When it was registered (by the registering device's clock).
    pub registered_at: Option<Timestamp>,
    /// Current stage.
    pub stage: Stage,
    /// How it ended, once closed.
    pub outcome: Option<Outcome>,
    /// Category.
    pub category: Option<CategoryId>,
    /// Cause.
    pub cause: Option<ShortText>,
    /// Severity.
    pub severity: Option<Severity>,
    /// Responsible department (the lead where several handle the case).
    pub department: Option<DepartmentId>,
    /// Departments handling it with the lead (協辦).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub co_departments: Vec<DepartmentId>,
    /// Who investigates (指定專人, 調查小組).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<crate::event::Team>,
    /// Special case (longer whole-case deadline).
    pub special: bool,
    /// A due time set by a supervisor.
    pub due_override: Option<Timestamp>,
    /// Current handling plan.
    pub plan: Option<PlanProposed>,
    /// Decision on the current plan.
    pub plan_decision: Option<PlanDecision>,
    /// The original, if this case is a duplicate.
    pub duplicate_of: Option<CaseId>,
    /// What the latest dispatch asked the department to do (处理要求).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<LongText>,
    /// Investigation record.
    pub notes: Vec<Dated<NoteAdded>>,
    /// Photos and documents.
    pub attachments: Vec<Dated<AttachmentAdded>>,
    /// Investigation reports.
    pub reports: Vec<Dated<ReportSubmitted>>,
    /// Every plan proposed.
    pub plans: Vec<Dated<PlanProposed>>,
    /// Every plan review.
    pub reviews: Vec<Dated<PlanReviewed>>,
    /// Execution records.
    pub executions: Vec<Dated<ExecutionRecorded>>,
    /// Feedback given.
    pub feedback: Vec<Dated<FeedbackGiven>>,
    /// Revisits.
    pub revisits: Vec<Dated<RevisitRecorded>>,
    /// Stated reasons of out-of-scope, reopen and close.
    pub reasons: Vec<Dated<LongText>>,
    /// Accountability decisions (confidential).
    pub accountability: Vec<Dated<AccountabilityRecorded>>,
    /// Appeals.
    pub appeals: Vec<Dated<AppealFiled>>,
    /// Appeal decisions.
    pub appeal_decisions: Vec<Dated<AppealDecided>>,
    /// Interim measures of the emergency path (臨時解決方案).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interim: Vec<Dated<LongText>>,
    /// Who approved the current plan so far, where it needs two approvals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan_approvals: Vec<Actor>,
    /// Rectification measures (整改措施) and whether each is done.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rectifications: Vec<RectificationItem>,
    /// Teaching-case marks with their lessons (案例分析); marked once any is here. Kept as a
    /// list, like notes: two supervisors' lessons both stand.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teaching: Vec<Dated<crate::event::TeachingMark>>,
    /// Times the clocks were paused waiting for the complainant (004 補充完善).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pauses: Vec<Pause>,
    /// Times the case went back to investigating after feedback (unsatisfied revisit or
    /// reopen).
    pub reopen_count: u32,
    /// Stages entered, in order.
    pub stage_history: Vec<StageChange>,
    /// Open conflicts.
    pub conflicts: Vec<Conflict>,
    /// Events that did not apply, with why.
    pub not_applied: Vec<(EventId, NotApplied)>,
    /// The full history.
    pub timeline: Vec<TimelineEntry>,
    /// The latest events (no known child): the `parents` of the next event made here.
    pub heads: Vec<EventId>,
    /// Personal data and free text erased after retention.
    pub erased: bool,
}

impl CaseView {
    /// The state of a case before any event.
    pub fn empty(id: CaseId) -> Self {
        CaseView {
            id,
            number: None,
            registration: None,
            registered_by: None,
            registered_at: None,
            stage: Stage::Registered,
            outcome: None,
            category: None,
            cause: None,
            severity: None,
            department: None,
            co_departments: Vec::new(),
            team: None,
            special: false,
            due_override: None,
            plan: None,
            plan_decision: None,
            duplicate_of: None,
            instructions: None,
            notes: Vec::new(),
            attachments: Vec::new(),
            reports: Vec::new(),
            plans: Vec::new(),
            reviews: Vec::new(),
            executions: Vec::new(),
            feedback: Vec::new(),
            revisits: Vec::new(),
            reasons: Vec::new(),
            accountability: Vec::new(),
            appeals: Vec::new(),
            appeal_decisions: Vec::new(),
            interim: Vec::new(),
            plan_approvals: Vec::new(),
            pauses: Vec::new(),
            rectifications: Vec::new(),
            teaching: Vec::new(),
            reopen_count: 0,
            stage_history: Vec::new(),
            conflicts: Vec::new(),
            not_applied: Vec::new(),
            timeline: Vec::new(),
            heads: Vec::new(),
            erased: false,
        }
    }

    /// The number if assigned, else the provisional label.
    pub fn label(&self) -> String {
        match self.number {
            Some(n) => n.to_string(),
            None => provisional_label(self.id),
        }
    }

    /// The conflict on `fact`, if any.
    pub fn conflict(&self, fact: Fact) -> Option<&Conflict> {
        self.conflicts.iter().find(|c| c.fact == fact)
    }

    /// When the case entered `stage` most recently.
    pub fn entered(&self, stage: Stage) -> Option<Timestamp> {
        self.stage_history
            .iter()
            .rev()
            .find(|c| c.stage == stage)
            .map(|c| c.at)
    }
}

/// What the case's own rules ([`crate::rules`]) mean for it now.
impl CaseView {
    /// The rules this case runs under: those its registration carries, else the legacy
    /// rules with `fallback` clocks (the policy in force).
    pub fn rules_or(
        &self,
        fallback: &crate::rules::SlaPolicy,
    ) -> std::borrow::Cow<'_, crate::rules::CaseRules> {
        match self.registration.as_ref().and_then(|r| r.rules.as_deref()) {
            Some(rules) => std::borrow::Cow::Borrowed(rules),
            None => std::borrow::Cow::Owned(crate::rules::CaseRules::legacy(*fallback)),
        }
    }

    /// The path the case is on now (severity may change at triage).
    pub fn path(&self) -> crate::rules::Path {
        let rules = self.registration.as_ref().and_then(|r| r.rules.as_deref());
        match (rules, self.severity) {
            (Some(r), Some(crate::model::Severity::UrgentMajor)) if r.emergency.is_some() => {
                crate::rules::Path::Emergency
            }
            (Some(r), Some(crate::model::Severity::General)) if r.short_path => {
                crate::rules::Path::Short
            }
            _ => crate::rules::Path::Standard,
        }
    }

    /// Whether the emergency alert is up for this case: urgent-major and open (DESIGN §4
    /// "supervisor and department are alerted first", whichever rules it runs under).
    pub fn alerts(&self) -> bool {
        self.severity == Some(crate::model::Severity::UrgentMajor) && self.stage.is_open()
    }

    /// Whether the interim measure is still owed before the plan, execution and feedback.
    pub fn interim_owed(&self) -> bool {
        self.path() == crate::rules::Path::Emergency
            && self
                .registration
                .as_ref()
                .and_then(|r| r.rules.as_deref())
                .and_then(|r| r.emergency)
                .is_some_and(|e| e.interim.is_some())
            && self.interim.is_empty()
    }

    /// Whether the clocks are paused now, waiting for the complainant.
    pub fn paused(&self) -> bool {
        self.pauses.last().is_some_and(|p| p.resumed.is_none())
    }

    /// The latest report found the complaint unfounded.
    pub fn found_unfounded(&self) -> bool {
        self.reports
            .last()
            .and_then(|r| r.value.finding)
            .is_some_and(|f| f == crate::event::Finding::Unfounded)
    }

    /// Whether the approval `event` gives now completes the current plan's approvals.
    pub fn approval_completes(&self, rules: &crate::rules::CaseRules) -> bool {
        let needed = rules.approvals_needed(self.plan.as_ref().and_then(|p| p.compensation));
        self.plan_approvals.len() + 1 >= usize::from(needed)
    }
}
