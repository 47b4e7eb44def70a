//! The fold: lifecycle, conflicts, order independence.

use proptest::prelude::*;
use tousu_shared::{
    event::{Actor, ConflictResolved, Event, EventBody, Fact},
    fold::{fold, fold_next},
    model::{CaseKind, Outcome, PlanDecision, Satisfaction, Severity, Stage},
    testing::{Writer, body, dept, full_lifecycle, registration, t0, user},
    view::{CaseView, EntryStatus, NotApplied},
    workflow::WorkflowError,
};

fn register(w: &mut Writer) -> Event {
    w.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        t0(),
    )))
}

#[test]
fn a_complaint_goes_through_its_whole_lifecycle() {
    let events = full_lifecycle(1, 2);
    let view = fold(events[0].case_id, &events);
    assert_eq!(view.stage, Stage::Closed);
    assert_eq!(view.outcome, Some(Outcome::Resolved));
    assert!(view.not_applied.is_empty(), "{:?}", view.not_applied);
    assert!(view.conflicts.is_empty());
    assert_eq!(view.notes.len(), 2);
    assert_eq!(view.timeline.len(), events.len());
    let stages: Vec<Stage> = view.stage_history.iter().map(|c| c.stage).collect();
    assert_eq!(
        stages,
        vec![
            Stage::Registered,
            Stage::Triaged,
            Stage::Dispatched,
            Stage::Investigating,
            Stage::PlanProposed,
            Stage::PlanApproved,
            Stage::Executing,
            Stage::FeedbackGiven,
            Stage::Revisited,
            Stage::Closed
        ]
    );
    assert_eq!(view.heads, vec![events.last().unwrap().id]);
    assert_eq!(view.department.as_ref().map(|d| d.as_str()), Some("ops"));
}

#[test]
fn an_unsatisfied_revisit_reopens_the_case_keeping_history() {
    let mut w = Writer::user(2, 1, "supervisor");
    let mut events = vec![register(&mut w)];
    for b in [
        body::classify(),
        body::dispatch("ops"),
        EventBody::InvestigationStarted,
        body::plan(),
        body::approve(),
        body::execute(),
        body::feedback(),
        body::revisit(Satisfaction::NotSatisfied),
    ] {
        events.push(w.write(b));
    }
    let view = fold(w.case, &events);
    assert_eq!(view.stage, Stage::Investigating);
    assert_eq!(view.reopen_count, 1);
    assert_eq!(view.revisits.len(), 1);
    assert_eq!(view.plans.len(), 1, "the earlier plan stays in the history");
    // Closing now is refused and recorded, not dropped.
    events.push(w.write(body::close()));
    let view = fold(w.case, &events);
    assert_eq!(view.stage, Stage::Investigating);
    assert_eq!(
        view.not_applied.last().map(|(_, why)| why.clone()),
        Some(NotApplied::Workflow {
            error: WorkflowError::FeedbackAndRevisitRequired
        })
    );
}

#[test]
fn a_returned_plan_goes_back_to_investigating_with_the_comment() {
    let mut w = Writer::user(3, 1, "supervisor");
    let mut events = vec![register(&mut w)];
    for b in [
        body::classify(),
        body::dispatch("ops"),
        EventBody::InvestigationStarted,
        body::plan(),
        body::return_plan(),
    ] {
        events.push(w.write(b));
    }
    let view = fold(w.case, &events);
    assert_eq!(view.stage, Stage::Investigating);
    assert_eq!(view.plan_decision, Some(PlanDecision::Returned));
    assert!(view.reviews[0].value.comment.is_some());
}

#[test]
fn a_consultation_may_close_early_but_a_complaint_may_not() {
    let mut w = Writer::user(4, 1, "clerk");
    let consultation = vec![
        w.write(EventBody::Registered(registration(
            CaseKind::Consultation,
            t0(),
        ))),
        w.write(body::close_early()),
    ];
    let view = fold(w.case, &consultation);
    assert_eq!(view.stage, Stage::Closed);
    assert_eq!(view.outcome, Some(Outcome::AnsweredEarly));

    let mut w = Writer::user(5, 1, "clerk");
    let complaint = vec![register(&mut w), w.write(body::close_early())];
    let view = fold(w.case, &complaint);
    assert_eq!(view.stage, Stage::Registered);
    assert_eq!(view.not_applied.len(), 1);
}

#[test]
fn events_before_registration_are_kept_and_marked() {
    let mut w = Writer::user(6, 1, "supervisor");
    let reg = register(&mut w);
    let note = w.write(body::note("现场查看"));
    let view = fold(w.case, std::slice::from_ref(&note));
    assert_eq!(
        view.not_applied,
        vec![(
            note.id,
            NotApplied::Workflow {
                error: WorkflowError::NotRegistered
            }
        )]
    );
    // When the registration arrives, the note applies.
    let view = fold(w.case, &[note, reg]);
    assert!(view.not_applied.is_empty());
    assert_eq!(view.notes.len(), 1);
}

/// Two supervisors act offline on the same triaged case: one dispatches it, the other
/// rejects it as out of scope. Two stage changes neither saw: a conflict, both versions
/// shown, until a person resolves it with a later event. Notes made meanwhile all stay.
#[test]
fn concurrent_stage_changes_conflict_until_a_person_resolves_them() {
    let mut a = Writer::user(7, 1, "supervisor");
    let mut events = vec![register(&mut a), a.write(body::classify())];
    let mut b = a.fork(2, Actor::User(user("supervisor2")));
    b.sees(&events);
    let dispatched = a.write(body::dispatch("ops"));
    let note_a = a.write(body::note("已联系站点"));
    let rejected = b.write(body::out_of_scope());
    let note_b = b.write(body::note("投诉人已告知"));
    events.extend([dispatched.clone(), note_a, rejected.clone(), note_b]);

    let view = fold(a.case, &events);
    assert_eq!(view.notes.len(), 2, "additive facts never conflict");
    let conflict = view.conflict(Fact::Stage).expect("stage conflict");
    let versions: Vec<_> = conflict.versions.iter().map(|v| v.event).collect();
    assert_eq!(versions.len(), 2);
    assert!(versions.contains(&dispatched.id) && versions.contains(&rejected.id));
    assert!(
        view.conflict(Fact::Department).is_none(),
        "only one device set it"
    );
    assert!(
        view.not_applied.is_empty(),
        "both were valid where they were made"
    );

    // A later event that does not touch the stage leaves the conflict open.
    a.sees(&events);
    events.push(a.write(body::note("待裁决")));
    assert!(fold(a.case, &events).conflict(Fact::Stage).is_some());

    // The supervisor, having synced, keeps the dispatch.
    events.push(a.write(EventBody::ConflictResolved(ConflictResolved {
        fact: Fact::Stage,
        chosen: dispatched.id,
    })));
    let view = fold(a.case, &events);
    assert!(view.conflicts.is_empty(), "{:?}", view.conflicts);
    assert_eq!(view.stage, Stage::Dispatched);
    assert_eq!(view.outcome, None);
}

#[test]
fn concurrent_plan_decisions_conflict_instead_of_one_silently_winning() {
    let mut a = Writer::user(8, 1, "supervisor");
    let mut events = vec![register(&mut a)];
    for b in [
        body::classify(),
        body::dispatch("ops"),
        EventBody::InvestigationStarted,
        body::plan(),
    ] {
        events.push(a.write(b));
    }
    let mut b = a.fork(2, Actor::User(user("supervisor2")));
    b.sees(&events);
    let approve = a.write(body::approve());
    let reject = b.write(body::return_plan());
    events.extend([approve, reject]);
    let view = fold(a.case, &events);
    assert!(view.conflict(Fact::PlanDecision).is_some());
    assert!(view.conflict(Fact::Stage).is_some());
    assert!(
        view.not_applied.is_empty(),
        "both were valid where they were made"
    );
}

/// The office re-dispatches a case to another department while the first department's tablet,
/// offline, starts the investigation: a hand-over and a start neither saw. Who investigates is
/// a question for a person, so the stage conflicts (a re-dispatch is always a transition).
#[test]
fn a_redispatch_concurrent_with_the_start_of_investigation_conflicts() {
    let mut office = Writer::user(10, 1, "supervisor");
    let mut events = vec![
        register(&mut office),
        office.write(body::classify()),
        office.write(body::dispatch("ops")),
    ];
    let mut tablet = office.fork(2, Actor::User(user("handler")));
    tablet.sees(&events);
    let started = tablet.write(EventBody::InvestigationStarted);
    let redispatched = office.write(body::dispatch("north"));
    events.extend([started.clone(), redispatched.clone()]);
    let view = fold(office.case, &events);
    let conflict = view.conflict(Fact::Stage).expect("stage conflict");
    let versions: Vec<_> = conflict.versions.iter().map(|v| v.event).collect();
    assert!(versions.contains(&started.id) && versions.contains(&redispatched.id));
    assert!(view.not_applied.is_empty());

    office.sees(&events);
    events.push(office.write(EventBody::ConflictResolved(ConflictResolved {
        fact: Fact::Stage,
        chosen: started.id,
    })));
    let view = fold(office.case, &events);
    assert!(view.conflicts.is_empty());
    assert_eq!(view.stage, Stage::Investigating);
    assert_eq!(view.department, Some(dept("north")));
}

#[test]
fn identical_concurrent_values_are_not_a_conflict() {
    let mut a = Writer::user(9, 1, "supervisor");
    let mut events = vec![
        register(&mut a),
        a.write(body::classify()),
        a.write(body::dispatch("ops")),
    ];
    let mut b = a.fork(2, Actor::User(user("handler")));
    b.sees(&events);
    let mut c = a.fork(3, Actor::User(user("handler2")));
    c.sees(&events);
    events.push(b.write(EventBody::InvestigationStarted));
    events.push(c.write(EventBody::InvestigationStarted));
    let view = fold(a.case, &events);
    assert!(view.conflicts.is_empty());
    assert_eq!(view.stage, Stage::Investigating);
    assert_eq!(view.heads.len(), 2);
}

#[test]
fn same_id_different_content_is_reported_and_one_copy_kept() {
    let mut w = Writer::user(10, 1, "supervisor");
    let reg = register(&mut w);
    let note = w.write(body::note("原文"));
    let mut forged = note.clone();
    forged.body = body::note("篡改");
    let one = fold(w.case, &[reg.clone(), note.clone(), forged.clone()]);
    let other = fold(w.case, &[forged, reg, note.clone()]);
    assert_eq!(one, other);
    assert!(
        one.not_applied
            .contains(&(note.id, NotApplied::DuplicateIdDifferentContent))
    );
    assert_eq!(one.notes.len(), 1);
}

#[test]
fn unknown_kinds_are_kept_in_the_timeline_and_never_applied() {
    let mut w = Writer::user(11, 1, "supervisor");
    let reg = register(&mut w);
    let json = serde_json::json!({
        "id": "01900000-0000-7000-8000-0000000000ff",
        "case_id": w.case.to_string(),
        "device_id": w.device.to_string(),
        "dev_seq": 2,
        "actor": {"type": "user", "id": "supervisor"},
        "hlc": {"wall_ms": w.clock.wall_ms + 1, "counter": 0},
        "parents": [reg.id.to_string()],
        "schema": 1,
        "body": {"kind": "sentiment_scored", "score": 0.7}
    });
    let future: Event = serde_json::from_value(json).unwrap();
    let view = fold(w.case, &[reg, future]);
    assert_eq!(view.timeline.len(), 2);
    assert_eq!(view.timeline[1].kind, "sentiment_scored");
    assert!(matches!(
        &view.timeline[1].status,
        EntryStatus::NotApplied { why: NotApplied::UnknownKind { kind } } if kind == "sentiment_scored"
    ));
    assert_eq!(view.stage, Stage::Registered);
}

/// A whole lifecycle, then archived and destroyed by the system.
fn destroyed_lifecycle(case_no: u64, n_extra_notes: usize) -> Vec<Event> {
    let mut events = full_lifecycle(case_no, n_extra_notes);
    let mut sys = Writer::new(case_no, 9, Actor::System);
    sys.sees(&events);
    events.push(sys.write(EventBody::Archived));
    events.push(sys.write(EventBody::Destroyed));
    events
}

#[test]
fn destruction_erases_personal_data_and_free_text_but_keeps_statistics() {
    let events = destroyed_lifecycle(12, 1);
    let view = fold(events[0].case_id, &events);
    assert_eq!(view.stage, Stage::Destroyed);
    let r = view.registration.as_ref().unwrap();
    assert_eq!(r.complainant, Default::default());
    assert_eq!(
        r.details.description.as_str(),
        tousu_shared::retention::ERASED_TEXT
    );
    assert!(view.notes.is_empty());
    assert_eq!(view.revisits[0].value.satisfaction, Satisfaction::Satisfied);
    assert_eq!(
        view.category.as_ref().map(|c| c.as_str()),
        Some("parcel-loss-damage")
    );
}

/// A trace with concurrency: two devices working offline on one case.
fn concurrent_trace(case_no: u64, split: usize, n_a: usize, n_b: usize) -> Vec<Event> {
    let mut a = Writer::user(case_no, 1, "supervisor");
    let prefix_bodies = [
        body::classify(),
        body::dispatch("ops"),
        EventBody::InvestigationStarted,
        body::plan(),
    ];
    let mut events = vec![register(&mut a)];
    for b in prefix_bodies.into_iter().take(split) {
        events.push(a.write(b));
    }
    let mut b = a.fork(2, Actor::User(user("handler")));
    b.sees(&events);
    let a_steps = [
        body::note("a1"),
        body::approve(),
        body::execute(),
        body::note("a2"),
    ];
    let b_steps = [
        body::note("b1"),
        body::return_plan(),
        body::report(),
        body::dispatch("north"),
    ];
    for s in a_steps.into_iter().take(n_a) {
        events.push(a.write(s));
        a.wait_minutes(3);
    }
    for s in b_steps.into_iter().take(n_b) {
        events.push(b.write(s));
        b.wait_minutes(5);
    }
    events
}

fn arb_trace() -> impl Strategy<Value = Vec<Event>> {
    (0usize..=4, 0usize..=4, 0usize..=4)
        .prop_map(|(split, n_a, n_b)| concurrent_trace(20, split, n_a, n_b))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn fold_is_invariant_under_permutation_and_duplication(
        events in arb_trace(),
        seed in any::<u64>(),
        dups in proptest::collection::vec(any::<prop::sample::Index>(), 0..5),
    ) {
        let case = events[0].case_id;
        let expected = fold(case, &events);
        let mut shuffled = events.clone();
        for d in &dups {
            shuffled.push(events[d.index(events.len())].clone());
        }
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(fold(case, &shuffled), expected);
    }

    /// The incremental step the server takes on push gives exactly the full fold whenever it
    /// answers at all.
    #[test]
    fn the_incremental_step_equals_the_full_fold(mut events in arb_trace(), merge in 0usize..3) {
        // A device that then sees both branches and acts on the merged case (resolving any
        // conflict by a new value, or adding to it).
        let mut c = Writer::user(20, 3, "supervisor");
        c.sees(&events);
        for b in [body::dispatch("ops"), body::note("merged"), body::classify()].into_iter().take(merge) {
            events.push(c.write(b));
        }
        let case = events[0].case_id;
        let mut view = CaseView::empty(case);
        for k in 0..events.len() {
            let full = fold(case, &events[..=k]);
            if let Some(next) = fold_next(&view, &events[..k], &events[k]) {
                prop_assert_eq!(&next, &full, "step {}", k);
            }
            view = full;
        }
    }

    #[test]
    fn partial_delivery_then_the_rest_equals_full_delivery(
        events in arb_trace(),
        cut in any::<prop::sample::Index>(),
    ) {
        let case = events[0].case_id;
        let k = cut.index(events.len() + 1);
        // A device first folds what it has, then everything once the rest arrives.
        let partial = fold(case, &events[..k]);
        prop_assert_eq!(partial.timeline.len(), k);
        let mut later: Vec<Event> = events[k..].to_vec();
        later.extend_from_slice(&events[..k]);
        prop_assert_eq!(fold(case, &later), fold(case, &events));
    }

    /// Two devices that set the same single-valued fact to different values from the same
    /// starting point always produce a visible conflict: never a silent winner.
    #[test]
    fn concurrent_single_valued_facts_always_conflict(
        which in 0usize..3,
        a_first in any::<bool>(),
        minutes in 0i64..120,
    ) {
        let mut a = Writer::user(30, 1, "supervisor");
        let mut events = vec![register(&mut a), a.write(body::classify())];
        let mut b = a.fork(2, Actor::User(user("supervisor2")));
        b.sees(&events);
        b.wait_minutes(minutes);
        let (fact, x, y) = match which {
            0 => (Fact::Department, body::dispatch("north"), body::dispatch("south")),
            1 => (Fact::Severity, body::classify_as(Severity::General), body::classify_as(Severity::UrgentMajor)),
            _ => (Fact::Stage, body::dispatch("north"), body::out_of_scope()),
        };
        let (ex, ey) = if a_first { (a.write(x), b.write(y)) } else { (b.write(y), a.write(x)) };
        events.extend([ex.clone(), ey.clone()]);
        let view = fold(a.case, &events);
        let conflict = view.conflict(fact);
        prop_assert!(conflict.is_some(), "no conflict on {:?}: {:?}", fact, view.conflicts);
        let ids: Vec<_> = conflict.unwrap().versions.iter().map(|v| v.event).collect();
        prop_assert!(ids.contains(&ex.id) && ids.contains(&ey.id));
    }
}

#[test]
fn erased_events_fold_to_the_erased_view() {
    let events = destroyed_lifecycle(13, 2);
    let case = events[0].case_id;
    let erased: Vec<Event> = events
        .iter()
        .map(tousu_shared::retention::erase_event)
        .collect();
    let json = serde_json::to_string(&erased).unwrap();
    for secret in [
        "张三",
        "13812345678",
        "zhang.san",
        "建国路",
        "快件外包装破损",
        "调查记录",
    ] {
        assert!(!json.contains(secret), "{secret} survived erasure");
    }
    // The erased history folds to the same case, statistics intact.
    let from_erased = fold(case, &erased);
    let from_original = fold(case, &events);
    assert_eq!(from_erased.stage, Stage::Destroyed);
    assert_eq!(from_erased.number, from_original.number);
    assert_eq!(from_erased.category, from_original.category);
    assert_eq!(from_erased.stage_history, from_original.stage_history);
    assert_eq!(from_erased.revisits.len(), 1);
}

/// Steps through `events` with `fold_next`, asserting it answers and matches the full fold.
fn step_all(events: &[Event]) {
    let case = events[0].case_id;
    let mut view = CaseView::empty(case);
    for k in 0..events.len() {
        let next = fold_next(&view, &events[..k], &events[k])
            .unwrap_or_else(|| panic!("no incremental step for event {k}"));
        assert_eq!(next, fold(case, &events[..=k]), "step {k}");
        view = next;
    }
}

#[test]
fn the_incremental_step_covers_a_whole_linear_history_including_destruction() {
    let events = destroyed_lifecycle(14, 2);
    step_all(&events);
    // After destruction the case is erased: the next event takes the full fold.
    let view = fold(events[0].case_id, &events);
    let mut late = Writer::new(14, 9, Actor::System);
    late.sees(&events);
    let extra = late.write(body::note("too late"));
    assert!(fold_next(&view, &events, &extra).is_none());
}

#[test]
fn the_incremental_step_marks_a_refused_event_as_the_fold_does() {
    let mut w = Writer::user(15, 1, "supervisor");
    let events = vec![
        register(&mut w),
        w.write(body::approve()),
        w.write(body::classify()),
    ];
    step_all(&events);
    let view = fold(w.case, &events);
    assert_eq!(view.not_applied.len(), 1);
}

#[test]
fn the_incremental_step_declines_what_it_cannot_tell_cheaply() {
    let mut a = Writer::user(16, 1, "supervisor");
    let events = vec![register(&mut a), a.write(body::classify())];
    let view = fold(a.case, &events);
    // Concurrent: saw only the registration.
    let mut b = a.fork(2, Actor::User(user("handler")));
    b.sees(&events[..1]);
    let concurrent = b.write(body::note("offline"));
    assert!(fold_next(&view, &events, &concurrent).is_none());
    // Already there.
    assert!(fold_next(&view, &events[..1], &events[0]).is_none());
    // Out of causal order.
    let swapped = [events[1].clone(), events[0].clone()];
    let next = a.write(body::note("later"));
    assert!(fold_next(&view, &swapped, &next).is_none());
    // It does answer for the plain successor.
    assert!(fold_next(&view, &events, &next).is_some());
}
