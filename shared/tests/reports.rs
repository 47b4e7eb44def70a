//! The printed summaries (issue 14 §4): revisits and accountability of a period.

use tousu_shared::{
    clock::{HOUR_MS, Timestamp},
    event::{AccountabilityRecorded, AppealDecided, AppealFiled, EventBody},
    fold::fold,
    ids::UserId,
    model::{Measure, Responsibility, Satisfaction},
    reports::{AppealState, accountability_summary, revisit_summary},
    stats::Period,
    testing::{Writer, body, closed_complaint, long, t0},
    validate::Money,
};

fn january() -> Period {
    Period::parse("2025-01").unwrap()
}

#[test]
fn revisits_of_the_period_are_counted_by_satisfaction_and_method_and_cases_once() {
    // One case closed at once (satisfied); another revisited twice (not satisfied, then
    // satisfied after a second execution).
    let mut a = Writer::user(1, 1, "supervisor");
    let first = closed_complaint(&mut a);
    let mut b = Writer::user(2, 2, "supervisor");
    let mut second = vec![
        b.write(EventBody::Registered(tousu_shared::testing::registration(
            tousu_shared::model::CaseKind::Complaint,
            t0(),
        ))),
    ];
    for x in [
        body::classify(),
        body::dispatch("ops"),
        EventBody::InvestigationStarted,
        body::plan(),
        body::approve(),
        body::execute(),
        body::feedback(),
        body::revisit(Satisfaction::NotSatisfied),
        body::plan(),
        body::approve(),
        body::execute(),
        body::feedback(),
        body::revisit(Satisfaction::Satisfied),
    ] {
        second.push(b.write(x));
    }
    let views = [fold(a.case, &first), fold(b.case, &second)];
    assert!(
        views[1].not_applied.is_empty(),
        "{:?}",
        views[1].not_applied
    );
    let s = revisit_summary(&views, january(), 480);
    assert_eq!(s.lines.len(), 3);
    assert_eq!(s.cases, 2);
    assert_eq!(s.satisfaction, [2, 0, 1]);
    assert_eq!(s.methods.iter().sum::<u32>(), 3);
    assert!(s.lines.windows(2).all(|p| p[0].at <= p[1].at));
    assert_eq!(
        revisit_summary(&views, Period::parse("2025-02").unwrap(), 480)
            .lines
            .len(),
        0
    );
}

#[test]
fn accountability_counts_measures_appeals_and_fines_not_lifted() {
    let mut w = Writer::user(1, 1, "supervisor");
    let mut events = closed_complaint(&mut w);
    let record = |measure, fine: Option<&str>| {
        EventBody::AccountabilityRecorded(AccountabilityRecorded {
            person: Some(UserId::parse("handler").unwrap()),
            department: None,
            responsibility: Responsibility::Direct,
            measure,
            amount: fine.map(|f| Money::parse_yuan(f).unwrap()),
            reason: long("未核对包裹"),
            appeal_until: Timestamp(t0().0 + 30 * 24 * HOUR_MS),
        })
    };
    events.push(w.write(record(Measure::Fine, Some("200"))));
    events.push(w.write(record(Measure::Fine, Some("50"))));
    events.push(w.write(record(Measure::CriticismEducation, None)));
    let view = fold(w.case, &events);
    let appealed = view.accountability[1].event;
    let mut person = w.fork(
        2,
        tousu_shared::event::Actor::User(UserId::parse("handler").unwrap()),
    );
    events.push(person.write(EventBody::AppealFiled(AppealFiled {
        accountability: appealed,
        reason: long("已按流程操作"),
    })));
    let filed = fold(w.case, &events).appeals[0].event;
    // Decided by another supervisor than the one who imposed it (000 "向上級主管部門提出申訴").
    let mut other = w.fork(
        3,
        tousu_shared::event::Actor::User(UserId::parse("head").unwrap()),
    );
    other.sees(&events);
    events.push(other.write(EventBody::AppealDecided(AppealDecided {
        appeal: filed,
        upheld: true,
        decision: long("撤销罚款"),
    })));
    let view = fold(w.case, &events);
    assert!(view.not_applied.is_empty(), "{:?}", view.not_applied);
    let s = accountability_summary([&view], january(), 480);
    assert_eq!(s.lines.len(), 3);
    assert_eq!(s.measures[0], (Measure::Fine, 2));
    assert_eq!((s.appealed, s.upheld), (1, 1));
    assert_eq!(
        s.fines_fen, 20_000,
        "the fine lifted on appeal is not counted"
    );
    assert_eq!(s.lines[1].appeal, AppealState::Upheld);
    assert_eq!(s.lines[0].appeal, AppealState::None);
}
