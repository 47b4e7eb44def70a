//! "My to-do" (待辦, issue 15 §4): the cases where a person can take the case's next step
//! now. The next step comes from the workflow ([`workflow::primary_command`], resolving a
//! conflict first); whose duty it is comes from the roles: the complaint office classifies,
//! dispatches, reviews plans and closes; the responsible department investigates, proposes
//! the plan (001 "責任部門…提出處理方案"), executes, answers and revisits; the registering
//! clerk classifies their own registrations and receives supplements.
//!
//! A role that *may* take a step is not always the one that *owes* it: a supervisor may do
//! almost anything, but a dispatched case waits for its department, not for them.

use crate::{
    access::{Principal, Role},
    event::{Actor, CommandKind},
    summary::CaseSummary,
    view::CaseView,
    workflow::{allowed, primary_command},
};

/// The case's next step, if it can be taken now: resolving an open conflict first, else the
/// stage's primary step when the lifecycle allows it. Kept in each case's summary.
pub fn next_step(view: &CaseView) -> Option<CommandKind> {
    if !view.conflicts.is_empty() {
        return Some(CommandKind::ResolveConflict);
    }
    primary_command(view).filter(|&c| allowed(view, c).is_ok())
}

/// Whether `role` owes `step` (is the one expected to take it, not merely allowed to).
pub fn owes(role: Role, step: CommandKind) -> bool {
    use CommandKind as C;
    let department = matches!(
        step,
        C::StartInvestigation | C::RecordExecution | C::GiveFeedback | C::RecordRevisit
    );
    match role {
        Role::Supervisor => matches!(
            step,
            C::Classify | C::Dispatch | C::ReviewPlan | C::Close | C::ResolveConflict
        ),
        Role::Manager => department || matches!(step, C::ProposePlan | C::RecordInterimMeasure),
        Role::Handler => department || step == C::ReceiveSupplement,
        Role::Clerk => matches!(step, C::Classify | C::ReceiveSupplement),
        Role::Archivist | Role::Admin | Role::Leader => false,
    }
}

/// The step `principal` owes on the case `summary` describes, if any. Department duties are
/// owed on the department's own cases, a clerk's on the cases they registered; a conflict by
/// whoever worked the case. (The device holds only cases in the user's scope; this narrows
/// them to the ones waiting for this person.)
pub fn owed(principal: &Principal, summary: &CaseSummary) -> Option<CommandKind> {
    let Principal::User {
        id,
        roles,
        department,
    } = principal
    else {
        return None;
    };
    let step = summary.next_step?;
    let ours = department.is_some() && summary.department == *department;
    let mine = summary.registered_by == Some(Actor::User(id.clone()));
    roles
        .iter()
        .any(|&role| {
            owes(role, step)
                && match role {
                    Role::Supervisor => true,
                    Role::Manager | Role::Handler => {
                        ours || (mine && step == CommandKind::ResolveConflict)
                    }
                    Role::Clerk => mine,
                    Role::Archivist | Role::Admin | Role::Leader => false,
                }
        })
        .then_some(step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        fold::fold,
        ids::DepartmentId,
        sla::{SlaPolicy, WorkCalendar},
        testing::{Writer, closed_complaint, user},
    };

    fn principal(id: &str, roles: &[Role], department: Option<&str>) -> Principal {
        Principal::user(
            user(id),
            roles,
            department.map(|d| DepartmentId::parse(d).expect("id")),
        )
    }

    /// The summary of the case after the first `n` events of a closed complaint's trace.
    fn after(n: usize) -> CaseSummary {
        let mut w = Writer::user(1, 1, "supervisor");
        let events = closed_complaint(&mut w);
        let view = fold(events[0].case_id, &events[..n]);
        CaseSummary::of(&view, &SlaPolicy::default(), &WorkCalendar::china_default())
    }

    #[test]
    fn each_stage_waits_for_the_one_who_owes_its_step() {
        let supervisor = principal("supervisor", &[Role::Supervisor], None);
        let manager = principal("manager", &[Role::Manager], Some("ops"));
        let other = principal("m2", &[Role::Manager], Some("sales"));
        let handler = principal("handler", &[Role::Handler], Some("ops"));
        let archivist = principal("archivist", &[Role::Archivist], None);
        // Registered: the office classifies.
        let registered = after(1);
        assert_eq!(owed(&supervisor, &registered), Some(CommandKind::Classify));
        assert_eq!(owed(&manager, &registered), None);
        // Dispatched to ops: ops starts the investigation, not the supervisor, not sales.
        let dispatched = after(3);
        assert_eq!(
            owed(&handler, &dispatched),
            Some(CommandKind::StartInvestigation)
        );
        assert_eq!(
            owed(&manager, &dispatched),
            Some(CommandKind::StartInvestigation)
        );
        assert_eq!(owed(&supervisor, &dispatched), None);
        assert_eq!(owed(&other, &dispatched), None);
        // Investigating: the department head proposes the plan; a handler does not.
        let investigating = after(4);
        assert_eq!(
            owed(&manager, &investigating),
            Some(CommandKind::ProposePlan)
        );
        assert_eq!(owed(&handler, &investigating), None);
        // A plan proposed waits for the supervisor's review.
        let proposed = after(5);
        assert_eq!(owed(&supervisor, &proposed), Some(CommandKind::ReviewPlan));
        assert_eq!(owed(&manager, &proposed), None);
        // Answered: the revisit is due from the department.
        let answered = after(8);
        assert_eq!(owed(&handler, &answered), Some(CommandKind::RecordRevisit));
        // Closed: nobody owes anything, archivists never do.
        let closed = after(10);
        assert_eq!(closed.next_step, None);
        for p in [&supervisor, &manager, &handler, &archivist] {
            assert_eq!(owed(p, &closed), None);
        }
    }

    #[test]
    fn a_step_owed_is_one_the_workflow_and_the_policy_allow() {
        let mut w = Writer::user(1, 1, "supervisor");
        let events = closed_complaint(&mut w);
        for n in 1..=events.len() {
            let view = fold(events[0].case_id, &events[..n]);
            let summary =
                CaseSummary::of(&view, &SlaPolicy::default(), &WorkCalendar::china_default());
            for p in [
                principal("supervisor", &[Role::Supervisor], None),
                principal("manager", &[Role::Manager], Some("ops")),
                principal("handler", &[Role::Handler], Some("ops")),
                principal("supervisor", &[Role::Clerk], None),
            ] {
                if let Some(step) = owed(&p, &summary) {
                    assert!(allowed(&view, step).is_ok(), "{step:?} after {n}");
                    assert!(
                        crate::access::authorize(&p, step, Some(&view)).is_ok(),
                        "{step:?} after {n} for {p:?}"
                    );
                }
            }
        }
    }
}
