//! Deadlines in working days, as the seeds and the State Council schedules define them.

use tousu_shared::{
    clock::{CHINA_OFFSET_MINUTES, Date, HOUR_MS, Timestamp},
    event::{DeadlineSet, EventBody},
    fold::fold,
    model::{CaseKind, Stage},
    sla::{Limit, SlaPolicy, SlaStage, SlaStatus, WorkCalendar, answer_due, clocks, is_overdue},
    testing::{Writer, body, registration},
};

fn at(y: i32, m: u8, d: u8, h: u32, min: u32) -> Timestamp {
    Timestamp::from_local(Date::new(y, m, d).unwrap(), h, min, CHINA_OFFSET_MINUTES)
}

fn end_of(y: i32, m: u8, d: u8) -> Timestamp {
    at(y, m, d, 0, 0)
        .0
        .checked_add(24 * HOUR_MS)
        .map(Timestamp)
        .unwrap()
}

/// Each row: received at, working days, due at the end of this day, uncertain.
#[test]
fn working_day_deadlines() {
    let cal = WorkCalendar::china_default();
    let rows = [
        // Monday before the 2025 Spring Festival (28 Jan – 4 Feb): the first working day
        // after the holiday.
        (at(2025, 1, 27, 16, 0), 1, (2025, 2, 5), false),
        // Friday 24 Jan 2025: Sunday 26 Jan is a make-up working day (调休).
        (at(2025, 1, 24, 16, 0), 1, (2025, 1, 26), false),
        // Friday 7 Feb 2025: Saturday 8 Feb is a make-up working day.
        (at(2025, 2, 7, 9, 30), 1, (2025, 2, 8), false),
        // Received on a Saturday: Monday.
        (at(2025, 3, 1, 10, 0), 1, (2025, 3, 3), false),
        // Labour Day 2026 (1–5 May): three working days are 6, 7, 8 May.
        (at(2026, 4, 30, 10, 0), 3, (2026, 5, 8), false),
        // National Day 2026 (1–7 Oct).
        (at(2026, 9, 30, 17, 0), 1, (2026, 10, 8), false),
        // Late evening in Beijing is still that day, although it is already the next in UTC.
        (at(2025, 3, 3, 23, 30), 1, (2025, 3, 4), false),
        // Zero days on a holiday: by the end of the first working day.
        (at(2025, 10, 3, 12, 0), 0, (2025, 10, 9), false),
        // 2027's schedule is not published: weekends only, flagged uncertain.
        (at(2026, 12, 31, 10, 0), 1, (2027, 1, 1), true),
    ];
    for (start, n, (y, m, d), uncertain) in rows {
        let due = cal.add_working_days(start, n);
        assert_eq!(due.at, end_of(y, m, d), "{start:?} + {n} working days");
        assert_eq!(due.uncertain, uncertain, "{start:?} + {n}");
    }
}

#[test]
fn the_calendar_knows_holidays_and_make_up_days() {
    let cal = WorkCalendar::china_default();
    let d = |y, m, d| Date::new(y, m, d).unwrap();
    assert!(
        !cal.is_working_day(d(2025, 1, 28)),
        "Spring Festival Eve 2025"
    );
    assert!(cal.is_working_day(d(2025, 1, 26)), "make-up Sunday");
    assert!(cal.is_working_day(d(2026, 2, 14)), "make-up Saturday");
    assert!(!cal.is_working_day(d(2026, 10, 7)));
    assert!(!cal.is_working_day(d(2026, 11, 28)), "an ordinary Saturday");
    assert!(cal.knows(2025) && cal.knows(2026) && !cal.knows(2027));
    assert!(cal.long_working_stretches(2025).is_empty());
    assert!(cal.long_working_stretches(2026).is_empty());
}

#[test]
fn an_edited_calendar_is_checked() {
    let err = WorkCalendar::parse("year 2027\n2027-02-30 holiday x\n").unwrap_err();
    assert_eq!(err.line, 2);
    let err = WorkCalendar::parse("2027-01-01 vacation\n").unwrap_err();
    assert!(err.problem.contains("holiday or workday"), "{err}");
    assert!(WorkCalendar::parse("2027-01-04 holiday\n2027-01-04 workday\n").is_err());
    // A whole make-up weekend joins two weeks: twelve working days in a row, warned.
    let cal = WorkCalendar::parse("year 2027\n2027-01-09..2027-01-10 workday\n").unwrap();
    let stretches = cal.long_working_stretches(2027);
    assert_eq!(stretches, vec![(Date::new(2027, 1, 4).unwrap(), 12)]);
}

#[test]
fn limits_in_hours_and_calendar_days_ignore_the_calendar() {
    let cal = WorkCalendar::china_default();
    let start = at(2025, 1, 27, 16, 0);
    assert_eq!(Limit::Hours(24).due(start, &cal).at, at(2025, 1, 28, 16, 0));
    assert_eq!(
        Limit::CalendarDays(7).due(start, &cal).at,
        at(2025, 2, 3, 16, 0)
    );
    assert_eq!(
        Limit::Minutes(10).due(start, &cal).at,
        at(2025, 1, 27, 16, 10)
    );
}

#[test]
fn clocks_come_from_the_events_alone() {
    let cal = WorkCalendar::china_default();
    let policy = SlaPolicy::default();
    let mut w = Writer::user(300, 1, "supervisor");
    // Received Monday 27 Jan 2025 16:00, registered a minute later.
    let events = vec![w.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        w.now,
    )))];
    let view = fold(w.case, &events);

    // Before the holiday ends nothing is overdue.
    let during = clocks(&view, &policy, &cal, at(2025, 2, 3, 12, 0));
    assert!(!is_overdue(&during));
    let dispatch = during
        .iter()
        .find(|c| c.stage == SlaStage::Dispatch)
        .unwrap();
    assert_eq!(dispatch.due.at, end_of(2025, 2, 5));
    let whole = during
        .iter()
        .find(|c| c.stage == SlaStage::WholeCase)
        .unwrap();
    assert_eq!(
        whole.due.at,
        end_of(2025, 2, 7),
        "3 working days: 5, 6, 7 Feb"
    );
    assert_eq!(
        answer_due(&during).map(|d| d.at),
        Some(end_of(2025, 2, 7)),
        "the receipt promises the whole case's due date"
    );

    // On 6 Feb the dispatch is overdue.
    let late = clocks(&view, &policy, &cal, at(2025, 2, 6, 9, 0));
    assert!(is_overdue(&late));
    assert!(matches!(
        late.iter().find(|c| c.stage == SlaStage::Dispatch).unwrap().status,
        SlaStatus::Overdue { by_ms } if by_ms == 9 * HOUR_MS
    ));

    // Marked special, the whole case gets 7 working days; 8 Feb (Saturday) is a make-up day.
    let mut events = events;
    events.push(w.write(body::classify()));
    events.push(w.write(EventBody::DeadlineSet(DeadlineSet {
        special: true,
        due: None,
        reason: None,
    })));
    let view = fold(w.case, &events);
    let whole = clocks(&view, &policy, &cal, at(2025, 2, 3, 12, 0))
        .into_iter()
        .find(|c| c.stage == SlaStage::WholeCase)
        .unwrap();
    assert_eq!(whole.due.at, end_of(2025, 2, 12));
}

#[test]
fn a_case_handled_in_time_is_on_time_at_every_stage() {
    let events = tousu_shared::testing::full_lifecycle(301, 1);
    let view = fold(events[0].case_id, &events);
    assert_eq!(view.stage, Stage::Closed);
    let all = clocks(
        &view,
        &SlaPolicy::default(),
        &WorkCalendar::china_default(),
        at(2026, 1, 1, 0, 0),
    );
    let stages: Vec<SlaStage> = all.iter().map(|c| c.stage).collect();
    assert_eq!(
        stages,
        vec![
            SlaStage::Register,
            SlaStage::Dispatch,
            SlaStage::PreliminaryOpinion,
            SlaStage::Review,
            SlaStage::Feedback,
            SlaStage::WholeCase,
            SlaStage::Revisit
        ]
    );
    assert!(all.iter().all(|c| c.status == SlaStatus::OnTime), "{all:?}");
}

#[test]
fn a_consultation_has_24_hours_and_no_dispatch_clock() {
    let mut w = Writer::user(302, 1, "clerk");
    let events = vec![w.write(EventBody::Registered(registration(
        CaseKind::Consultation,
        w.now,
    )))];
    let view = fold(w.case, &events);
    let all = clocks(
        &view,
        &SlaPolicy::default(),
        &WorkCalendar::china_default(),
        at(2025, 1, 28, 17, 0),
    );
    assert!(all.iter().all(|c| c.stage != SlaStage::Dispatch));
    let whole = all.iter().find(|c| c.stage == SlaStage::WholeCase).unwrap();
    assert_eq!(whole.due.at, at(2025, 1, 28, 16, 0));
    assert!(whole.is_overdue());
}
