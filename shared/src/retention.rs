//! Retention (DESIGN §9): what remains of a case once it is destroyed. Personal data and free
//! text are erased from the view and from every stored event; the number and the statistical
//! fields stay.

use crate::{
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
