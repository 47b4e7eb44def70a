//! Retention (DESIGN §9): what remains of a case once it is destroyed. Personal data and free
//! text are erased from the view and from every stored event; the number and the statistical
//! fields stay.

use crate::{
    access::{Principal, Role},
    event::{Event, PlanProposed},
    model::Complainant,
    validate::LongText,
    view::{CaseView, FactValue},
};

/// What remains of a destroyed case: the number and the statistical fields.
pub const ERASED_TEXT: &str = "—";

/// Erases personal data and free text (retention over, DESIGN §9), keeping the number,
/// kind, channel, dates, category, severity, department, amounts and satisfaction.
pub(crate) fn erase(view: &mut CaseView) {
    let erased = || LongText::parse(crate::validate::Field::Text, ERASED_TEXT).expect("valid");
    if let Some(r) = view.registration.as_mut() {
        r.complainant = Complainant::default();
        r.details.location = None;
        r.details.request = None;
        r.details.description = erased();
        r.attachments.clear();
    }
    view.cause = None;
    view.instructions = None;
    view.notes.clear();
    view.attachments.clear();
    view.reports.clear();
    view.reasons.clear();
    let wipe_plan = |p: &mut PlanProposed| {
        p.plan = erased();
        p.opinion = None;
    };
    if let Some(p) = view.plan.as_mut() {
        wipe_plan(p);
    }
    view.plans.iter_mut().for_each(|p| wipe_plan(&mut p.value));
    view.reviews.iter_mut().for_each(|r| r.value.comment = None);
    view.executions
        .iter_mut()
        .for_each(|x| x.value.result = erased());
    view.feedback
        .iter_mut()
        .for_each(|f| f.value.text = erased());
    view.revisits
        .iter_mut()
        .for_each(|r| r.value.comment = None);
    view.accountability
        .iter_mut()
        .for_each(|a| a.value.reason = erased());
    view.appeals
        .iter_mut()
        .for_each(|a| a.value.reason = erased());
    view.interim.iter_mut().for_each(|m| m.value = erased());
    view.pauses.iter_mut().for_each(|p| p.reason = erased());
    view.rectifications
        .iter_mut()
        .for_each(|r| r.value.measure = erased());
    view.appeal_decisions
        .iter_mut()
        .for_each(|d| d.value.decision = erased());
    view.teaching
        .iter_mut()
        .for_each(|t| t.value.lesson = erased());
    for conflict in &mut view.conflicts {
        for version in &mut conflict.versions {
            match &mut version.value {
                FactValue::Complainant { complainant, .. } => *complainant = Complainant::default(),
                FactValue::Details { details } => {
                    details.description = erased();
                    details.location = None;
                    details.request = None;
                }
                FactValue::Plan { plan } => wipe_plan(plan),
                _ => {}
            }
        }
    }
}

/// The stored form of an event after its case was destroyed: personal data and free text
/// erased, everything statistical kept (the same rule as the view's erasure). The server
/// rewrites stored events with this, so erased data is gone from the store, not just hidden.
pub fn erase_event(event: &Event) -> Event {
    use crate::event::EventBody as B;
    let erased = || LongText::parse(crate::validate::Field::Text, ERASED_TEXT).expect("valid");
    let mut event = event.clone();
    match &mut event.body {
        B::Registered(r) => {
            r.complainant = Complainant::default();
            r.details.location = None;
            r.details.request = None;
            r.details.description = erased();
            r.attachments.clear();
        }
        B::RecordAmended(a) => {
            a.complainant = a.complainant.as_ref().map(|_| Complainant::default());
            if let Some(d) = a.details.as_mut() {
                d.location = None;
                d.request = None;
                d.description = erased();
            }
        }
        B::Classified(c) => c.cause = None,
        B::RejectedOutOfScope(r) | B::Reopened(r) => r.reason = erased(),
        B::Dispatched(d) => d.instructions = None,
        B::DeadlineSet(d) => d.reason = None,
        B::NoteAdded(n) => {
            n.text = erased();
            n.attachments.clear();
            n.signature = None;
            n.signed_by = None;
        }
        B::AttachmentAdded(a) => {
            a.caption = None;
            a.attachment.name = None;
        }
        B::ReportSubmitted(r) => {
            r.findings = erased();
            r.cause = None;
        }
        B::PlanProposed(p) => {
            p.plan = erased();
            p.opinion = None;
        }
        B::PlanReviewed(r) => r.comment = None,
        B::ExecutionRecorded(x) => x.result = erased(),
        B::FeedbackGiven(f) => f.text = erased(),
        B::RevisitRecorded(r) => r.comment = None,
        B::Closed(c) => c.summary = None,
        B::AccountabilityRecorded(a) => a.reason = erased(),
        B::AppealFiled(a) => a.reason = erased(),
        B::AppealDecided(d) => d.decision = erased(),
        B::InterimMeasureTaken(m) => m.measure = erased(),
        B::SupplementRequested(r) => r.reason = erased(),
        B::SupplementReceived(s) => s.text = None,
        B::RectificationSet(r) => r.measure = erased(),
        B::RectificationDone(d) => d.note = None,
        B::TeachingCaseMarked(t) => t.lesson = erased(),
        B::Unknown(u) => {
            u.raw = serde_json::json!({ "kind": u.kind });
        }
        B::InvestigationStarted
        | B::InvestigatorsNamed(_)
        | B::LinkedDuplicate(_)
        | B::ConflictResolved(_)
        | B::NumberAssigned(_)
        | B::Archived
        | B::Destroyed => {}
    }
    event
}

/// Why someone may not approve a destruction proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalRefusal {
    /// Only someone with the leader's role approves (004 "經公司相關領導批准").
    NotLeader,
    /// The proposer cannot approve their own proposal: destruction takes two people.
    OwnProposal,
}

/// Whether `principal` may approve (or refuse) a destruction proposed by `proposed_by`: a
/// signed-in leader other than the proposer. Nothing is erased on one person's word.
pub fn may_approve_destruction(
    principal: &Principal,
    proposed_by: &str,
) -> Result<(), ApprovalRefusal> {
    let Principal::User { id, roles, .. } = principal else {
        return Err(ApprovalRefusal::NotLeader);
    };
    if !roles.contains(&Role::Leader) {
        return Err(ApprovalRefusal::NotLeader);
    }
    if id.as_str() == proposed_by {
        return Err(ApprovalRefusal::OwnProposal);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;

    fn user(id: &str, roles: &[Role]) -> Principal {
        Principal::User {
            id: UserId::parse(id).unwrap(),
            roles: roles.iter().copied().collect(),
            department: None,
        }
    }

    #[test]
    fn destruction_takes_a_leader_other_than_the_proposer() {
        let leader = user("leader", &[Role::Leader]);
        assert_eq!(may_approve_destruction(&leader, "archivist"), Ok(()));
        assert_eq!(
            may_approve_destruction(&leader, "leader"),
            Err(ApprovalRefusal::OwnProposal)
        );
        let both = user("zhou", &[Role::Archivist, Role::Leader]);
        assert_eq!(
            may_approve_destruction(&both, "zhou"),
            Err(ApprovalRefusal::OwnProposal),
            "holding both roles does not make one person two"
        );
        for roles in [&[Role::Archivist][..], &[Role::Supervisor], &[Role::Admin]] {
            assert_eq!(
                may_approve_destruction(&user("someone", roles), "archivist"),
                Err(ApprovalRefusal::NotLeader)
            );
        }
        assert_eq!(
            may_approve_destruction(&Principal::System, "archivist"),
            Err(ApprovalRefusal::NotLeader)
        );
    }
}
