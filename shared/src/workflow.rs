//! The lifecycle of DESIGN §4 as an explicit state machine: which command is allowed in which
//! stage, what it requires, and what it changes.

use crate::{
    access::{self, Principal},
    event::{CommandKind, Event, EventBody},
    model::{Outcome, PlanDecision, Satisfaction, Stage},
    rules::Path,
    sla::SlaPolicy,
    view::{CaseView, FactValue},
};

pub use crate::view::WorkflowError;

const OPEN: &[Stage] = &[
    Stage::Registered,
    Stage::Triaged,
    Stage::Dispatched,
    Stage::Investigating,
    Stage::PlanProposed,
    Stage::PlanApproved,
    Stage::Executing,
    Stage::FeedbackGiven,
    Stage::Revisited,
];
/// From the investigation on, closed cases included: accountability and rectification.
const AFTER_FINDINGS: &[Stage] = &[
    Stage::Investigating,
    Stage::PlanProposed,
    Stage::PlanApproved,
    Stage::Executing,
    Stage::FeedbackGiven,
    Stage::Revisited,
    Stage::Closed,
];
/// Open and not yet answered: where an interim measure or a pause for the complainant fits.
const BEFORE_ANSWER: &[Stage] = &[
    Stage::Registered,
    Stage::Triaged,
    Stage::Dispatched,
    Stage::Investigating,
    Stage::PlanProposed,
    Stage::PlanApproved,
    Stage::Executing,
];
const NOT_ARCHIVED: &[Stage] = &[
    Stage::Registered,
    Stage::Triaged,
    Stage::Dispatched,
    Stage::Investigating,
    Stage::PlanProposed,
    Stage::PlanApproved,
    Stage::Executing,
    Stage::FeedbackGiven,
    Stage::Revisited,
    Stage::Closed,
];

/// The stages in which `command` may be taken on a case of a kind that must go through
/// feedback and revisit (complaints). Kinds that allow early closing additionally may give
/// feedback and close in any open stage (see [`allowed`]).
pub fn stages_for(command: CommandKind) -> &'static [Stage] {
    use CommandKind as C;
    use Stage as S;
    match command {
        C::Register => &[],
        C::AmendRecord | C::SetDeadline => OPEN,
        C::Classify => &[S::Registered, S::Triaged, S::Dispatched, S::Investigating],
        C::RejectOutOfScope => &[S::Registered, S::Triaged],
        C::Dispatch => &[S::Triaged, S::Dispatched, S::Investigating],
        C::StartInvestigation => &[S::Dispatched],
        C::AddNote | C::AddAttachment | C::FileAppeal | C::DecideAppeal => NOT_ARCHIVED,
        C::SubmitReport | C::ProposePlan => &[S::Investigating],
        C::ReviewPlan => &[S::PlanProposed],
        C::RecordExecution => &[S::PlanApproved, S::Executing],
        C::GiveFeedback => &[S::Executing, S::FeedbackGiven, S::Revisited],
        C::RecordRevisit => &[S::FeedbackGiven, S::Revisited],
        C::Close => &[S::Revisited],
        C::Reopen => &[S::Closed],
        C::RecordAccountability => AFTER_FINDINGS,
        C::RecordInterimMeasure | C::RequestSupplement | C::ReceiveSupplement => BEFORE_ANSWER,
        C::SetRectification | C::CompleteRectification => AFTER_FINDINGS,
        C::NameInvestigators => &[S::Triaged, S::Dispatched, S::Investigating],
        C::LinkDuplicate => &[S::Registered, S::Triaged, S::Dispatched],
        C::MarkTeachingCase => &[S::Closed],
        C::ResolveConflict | C::AssignNumber => &Stage::ALL,
        C::Archive => &[S::Closed],
        C::Destroy => &[S::Archived],
    }
}

/// Whether `command` may be taken on `view` now, as far as the lifecycle is concerned
/// (payload-free preconditions included; permissions are [`access`]'s business). The case's
/// own rules ([`crate::rules`]) open the short and emergency paths and the options of its
/// profile.
pub fn allowed(view: &CaseView, command: CommandKind) -> Result<(), WorkflowError> {
    let Some(registration) = &view.registration else {
        return if command == CommandKind::Register {
            Ok(())
        } else {
            Err(WorkflowError::NotRegistered)
        };
    };
    if command == CommandKind::Register {
        return Err(WorkflowError::AlreadyRegistered);
    }
    let rules = view.rules_or(&SlaPolicy::default());
    let early = registration.kind.allows_early_close() && view.stage.is_open();
    let investigating = view.stage == Stage::Investigating;
    // 002: 一般性 handled directly, without a plan; 003: an unfounded complaint explained.
    let short =
        investigating && view.path() == Path::Short && command == CommandKind::RecordExecution;
    let explained = investigating
        && rules.unfounded_feedback
        && view.found_unfounded()
        && command == CommandKind::GiveFeedback;
    let in_stage = stages_for(command).contains(&view.stage)
        || short
        || explained
        || (early && matches!(command, CommandKind::GiveFeedback | CommandKind::Close));
    if !in_stage {
        if command == CommandKind::Close && view.stage.is_open() {
            return Err(WorkflowError::FeedbackAndRevisitRequired);
        }
        return Err(WorkflowError::NotInStage {
            command,
            stage: view.stage,
        });
    }
    match command {
        CommandKind::ProposePlan | CommandKind::RecordExecution | CommandKind::GiveFeedback
            if view.interim_owed() =>
        {
            Err(WorkflowError::InterimMeasureRequired)
        }
        CommandKind::ProposePlan if view.department.is_none() => {
            Err(WorkflowError::DepartmentRequired)
        }
        CommandKind::RecordInterimMeasure if view.path() != Path::Emergency => {
            Err(WorkflowError::NotInRules)
        }
        CommandKind::RequestSupplement if !rules.supplement_pause => Err(WorkflowError::NotInRules),
        CommandKind::RequestSupplement if view.paused() => Err(WorkflowError::AlreadyPaused),
        CommandKind::ReceiveSupplement if !view.paused() => Err(WorkflowError::NotPaused),
        CommandKind::SetRectification if !rules.rectification => Err(WorkflowError::NotInRules),
        CommandKind::NameInvestigators if !rules.team => Err(WorkflowError::NotInRules),
        CommandKind::CompleteRectification
            if view.rectifications.iter().all(|r| r.done.is_some()) =>
        {
            Err(WorkflowError::NoSuchRectification)
        }
        CommandKind::ResolveConflict if view.conflicts.is_empty() => {
            Err(WorkflowError::NoSuchConflict)
        }
        CommandKind::FileAppeal if view.accountability.is_empty() => {
            Err(WorkflowError::NoSuchAccountability)
        }
        CommandKind::DecideAppeal
            if !view.appeals.iter().any(|a| {
                !view
                    .appeal_decisions
                    .iter()
                    .any(|d| d.value.appeal == a.event)
            }) =>
        {
            Err(WorkflowError::NoSuchAppeal)
        }
        _ => Ok(()),
    }
}

/// Checks `event` against the case as its author saw it and returns the single-valued facts
/// it sets. Additive content (notes, revisits…) is appended by the fold.
pub fn check(view: &CaseView, event: &Event) -> Result<Vec<FactValue>, WorkflowError> {
    let Some(command) = event.body.command() else {
        return Ok(Vec::new());
    };
    allowed(view, command)?;
    let stage = |stage: Stage| FactValue::Stage {
        stage,
        outcome: None,
    };
    // A stage fact is set only when the stage changes, so repeated additive steps made
    // concurrently (two execution notes) do not look like competing transitions.
    let move_to = |to: Stage| -> Vec<FactValue> {
        if view.stage == to {
            Vec::new()
        } else {
            vec![stage(to)]
        }
    };
    let closed = |outcome: Outcome| FactValue::Stage {
        stage: Stage::Closed,
        outcome: Some(outcome),
    };
    Ok(match &event.body {
        EventBody::Registered(r) => {
            let mut facts = vec![
                stage(Stage::Registered),
                FactValue::Complainant {
                    anonymous: r.anonymous,
                    complainant: r.complainant.clone(),
                },
                FactValue::Details {
                    details: r.details.clone(),
                },
            ];
            if let Some(category) = &r.category {
                facts.push(FactValue::Category {
                    category: category.clone(),
                    cause: None,
                });
            }
            if let Some(severity) = r.severity {
                facts.push(FactValue::Severity { severity });
            }
            facts
        }
        EventBody::RecordAmended(a) => {
            let current = view.registration.as_ref().expect("checked by allowed");
            let mut facts = Vec::new();
            if a.complainant.is_some() || a.anonymous.is_some() {
                facts.push(FactValue::Complainant {
                    anonymous: a.anonymous.unwrap_or(current.anonymous),
                    complainant: a
                        .complainant
                        .clone()
                        .unwrap_or_else(|| current.complainant.clone()),
                });
            }
            if let Some(details) = &a.details {
                facts.push(FactValue::Details {
                    details: details.clone(),
                });
            }
            facts
        }
        EventBody::Classified(c) => {
            let mut facts = vec![
                FactValue::Category {
                    category: c.category.clone(),
                    cause: c.cause.clone(),
                },
                FactValue::Severity {
                    severity: c.severity,
                },
            ];
            if view.stage == Stage::Registered {
                facts.push(stage(Stage::Triaged));
            }
            facts
        }
        EventBody::RejectedOutOfScope(_) => vec![closed(Outcome::OutOfScope)],
        EventBody::Dispatched(d) => {
            if !d.co_departments.is_empty() && !view.rules_or(&SlaPolicy::default()).co_handling {
                return Err(WorkflowError::NotInRules);
            }
            let mut facts = vec![FactValue::Department {
                department: d.department.clone(),
                co_departments: d
                    .co_departments
                    .iter()
                    .filter(|c| **c != d.department)
                    .cloned()
                    .collect(),
            }];
            if d.due.is_some() {
                facts.push(FactValue::Deadline {
                    special: view.special,
                    due: d.due,
                });
            }
            // A (re-)dispatch hands the case over: always a transition, so a department starting
            // its investigation concurrently with a re-dispatch is a conflict a person resolves
            // (who investigates?), not a silent merge.
            facts.push(stage(Stage::Dispatched));
            facts
        }
        EventBody::DeadlineSet(d) => vec![FactValue::Deadline {
            special: d.special,
            due: d.due,
        }],
        EventBody::InvestigationStarted => move_to(Stage::Investigating),
        EventBody::PlanProposed(p) => vec![
            FactValue::Plan { plan: p.clone() },
            FactValue::PlanDecision { decision: None },
            stage(Stage::PlanProposed),
        ],
        EventBody::PlanReviewed(r) => match r.decision {
            PlanDecision::Approved
                if !view.approval_completes(&view.rules_or(&SlaPolicy::default())) =>
            {
                // A first approval of two: recorded, the plan waits for the second.
                Vec::new()
            }
            PlanDecision::Approved if view.plan_approvals.contains(&event.actor) => {
                return Err(WorkflowError::SecondApproverRequired);
            }
            PlanDecision::Approved => vec![
                FactValue::PlanDecision {
                    decision: Some(PlanDecision::Approved),
                },
                stage(Stage::PlanApproved),
            ],
            PlanDecision::Returned => {
                if r.comment.is_none() {
                    return Err(WorkflowError::CommentRequired);
                }
                vec![
                    FactValue::PlanDecision {
                        decision: Some(PlanDecision::Returned),
                    },
                    stage(Stage::Investigating),
                ]
            }
        },
        EventBody::ExecutionRecorded(_) => move_to(Stage::Executing),
        EventBody::FeedbackGiven(_) => move_to(Stage::FeedbackGiven),
        EventBody::RevisitRecorded(r) => match r.satisfaction {
            Satisfaction::NotSatisfied => vec![stage(Stage::Investigating)],
            Satisfaction::Satisfied | Satisfaction::PartlySatisfied => move_to(Stage::Revisited),
        },
        EventBody::Closed(c) => {
            if view.stage == Stage::Revisited {
                vec![closed(Outcome::Resolved)]
            } else {
                // Reaching here means the kind allows early closing (see `allowed`).
                if c.summary.is_none() {
                    return Err(WorkflowError::SummaryRequired);
                }
                vec![closed(Outcome::AnsweredEarly)]
            }
        }
        EventBody::Reopened(_) => vec![stage(Stage::Investigating)],
        EventBody::LinkedDuplicate(l) => vec![
            FactValue::DuplicateOf { case: l.of },
            closed(Outcome::Duplicate),
        ],
        EventBody::ConflictResolved(r) => {
            let version = view
                .conflict(r.fact)
                .and_then(|c| c.versions.iter().find(|v| v.event == r.chosen))
                .ok_or(WorkflowError::NoSuchConflict)?;
            vec![version.value.clone()]
        }
        EventBody::NumberAssigned(n) => vec![FactValue::Number { number: n.number }],
        EventBody::Archived => vec![stage(Stage::Archived)],
        EventBody::Destroyed => vec![stage(Stage::Destroyed)],
        EventBody::AppealFiled(a) => {
            let record = view
                .accountability
                .iter()
                .find(|r| r.event == a.accountability)
                .ok_or(WorkflowError::NoSuchAccountability)?;
            if view
                .appeals
                .iter()
                .any(|x| x.value.accountability == a.accountability)
            {
                return Err(WorkflowError::AlreadyAppealed);
            }
            if event.at() > record.value.appeal_until {
                return Err(WorkflowError::AppealTooLate);
            }
            Vec::new()
        }
        EventBody::AppealDecided(d) => {
            let appeal = view
                .appeals
                .iter()
                .find(|a| a.event == d.appeal)
                .ok_or(WorkflowError::NoSuchAppeal)?;
            // 000: "向上級主管部門提出申訴": not the one who imposed the measure.
            if view
                .accountability
                .iter()
                .any(|r| r.event == appeal.value.accountability && r.actor == event.actor)
            {
                return Err(WorkflowError::AppealDecidedByImposer);
            }
            if view
                .appeal_decisions
                .iter()
                .any(|x| x.value.appeal == d.appeal)
            {
                return Err(WorkflowError::AppealAlreadyDecided);
            }
            Vec::new()
        }
        EventBody::NoteAdded(_)
        | EventBody::AttachmentAdded(_)
        | EventBody::ReportSubmitted(_)
        | EventBody::InterimMeasureTaken(_)
        | EventBody::SupplementRequested(_)
        | EventBody::SupplementReceived(_)
        | EventBody::RectificationSet(_)
        | EventBody::TeachingCaseMarked(_)
        | EventBody::Unknown(_) => Vec::new(),
        EventBody::InvestigatorsNamed(team) => {
            if !team.members.contains(&team.lead) || team.members.len() > 12 {
                return Err(WorkflowError::BadTeam);
            }
            vec![FactValue::Team { team: team.clone() }]
        }
        EventBody::AccountabilityRecorded(a) => {
            if a.person.is_some() == a.department.is_some() {
                return Err(WorkflowError::ResponsibleRequired);
            }
            Vec::new()
        }
        EventBody::RectificationDone(d) => {
            if !view
                .rectifications
                .iter()
                .any(|r| r.event == d.rectification && r.done.is_none())
            {
                return Err(WorkflowError::NoSuchRectification);
            }
            Vec::new()
        }
    })
}

/// The step a person most likely takes next on `view`; screens show it first. The emergency
/// path's interim measure comes first while it is owed; the short path executes at once; an
/// unfounded complaint is explained.
pub fn primary_command(view: &CaseView) -> Option<CommandKind> {
    use CommandKind as C;
    if view.interim_owed() {
        return Some(C::RecordInterimMeasure);
    }
    if view.paused() {
        return Some(C::ReceiveSupplement);
    }
    if view.stage == Stage::Investigating {
        if view.path() == Path::Short {
            return Some(C::RecordExecution);
        }
        if allowed(view, C::GiveFeedback).is_ok() && view.found_unfounded() {
            return Some(C::GiveFeedback);
        }
    }
    Some(match view.stage {
        Stage::Registered => C::Classify,
        Stage::Triaged => C::Dispatch,
        Stage::Dispatched => C::StartInvestigation,
        Stage::Investigating => C::ProposePlan,
        Stage::PlanProposed => C::ReviewPlan,
        Stage::PlanApproved => C::RecordExecution,
        Stage::Executing => C::GiveFeedback,
        Stage::FeedbackGiven => C::RecordRevisit,
        Stage::Revisited => C::Close,
        Stage::Closed | Stage::Archived | Stage::Destroyed => return None,
    })
}

/// The commands `principal` may take on `view` now: allowed by the lifecycle and by the
/// permission policy. A conflict's resolution comes first, then the stage's primary step.
pub fn available_commands(principal: &Principal, view: &CaseView) -> Vec<CommandKind> {
    let mut commands: Vec<CommandKind> = CommandKind::ALL
        .into_iter()
        .filter(|&c| allowed(view, c).is_ok())
        .filter(|&c| access::authorize(principal, c, Some(view)).is_ok())
        .collect();
    let primary = primary_command(view);
    crate::order::sort_by_key(&mut commands, |&c| {
        (
            c != CommandKind::ResolveConflict || view.conflicts.is_empty(),
            Some(c) != primary,
        )
    });
    commands
}
