//! The statistics core (issue 14): rows from folded cases, reports over rows.

use tousu_shared::{
    clock::{CHINA_OFFSET_MINUTES, Date, HOUR_MS, Timestamp},
    event::{EventBody, Reasoned, Supplement},
    fold::fold,
    model::{CaseKind, Satisfaction, Severity},
    profile::Profile,
    sla::{SlaPolicy, WorkCalendar},
    stats::{Dimension, Drill, Period, StatFilter, StatRow, report},
    testing::{Writer, body, dept, long, registration},
};

fn at(y: i32, m: u8, d: u8, h: u32) -> Timestamp {
    Timestamp::from_local(Date::new(y, m, d).unwrap(), h, 0, CHINA_OFFSET_MINUTES)
}

/// A complaint received at `received`, walked `steps` far (0: registered only … 9: closed),
/// at `severity`, dispatched to `department`, revisited `satisfaction`.
fn case(
    no: u64,
    received: Timestamp,
    severity: Severity,
    department: &str,
    steps: usize,
    satisfaction: Satisfaction,
) -> StatRow {
    let mut w = Writer::user(no, 1, "supervisor");
    w.now = received;
    let mut r = registration(CaseKind::Complaint, received);
    r.rules = Some(Box::new(Profile::builtin("metro").unwrap().rules()));
    let mut events = vec![w.write(EventBody::Registered(r))];
    let path = [
        body::classify_as(severity),
        body::dispatch(department),
        EventBody::InvestigationStarted,
        body::report(),
        body::plan(),
        body::approve(),
        body::execute(),
        body::feedback(),
        body::revisit(satisfaction),
        body::close(),
    ];
    // An unsatisfied revisit sends the case back to investigating: it does not close.
    let steps = if satisfaction == Satisfaction::NotSatisfied {
        steps.min(9)
    } else {
        steps
    };
    for b in path.into_iter().take(steps) {
        w.wait_hours(2);
        events.push(w.write(b));
    }
    let view = fold(w.case, &events);
    assert!(view.not_applied.is_empty(), "{:?}", view.not_applied);
    StatRow::of(&view, &SlaPolicy::default(), &WorkCalendar::china_default()).unwrap()
}

fn rows() -> Vec<StatRow> {
    let mut rows = Vec::new();
    let severities = [
        Severity::General,
        Severity::Important,
        Severity::UrgentMajor,
    ];
    let departments = ["ops", "north", "ops"];
    for i in 0..30u64 {
        let day = (i % 28) as u8 + 1;
        let month = if i < 20 { 3 } else { 2 };
        rows.push(case(
            i + 1,
            at(2026, month, day, 10),
            severities[i as usize % 3],
            departments[i as usize % 3],
            (i as usize * 7) % 11,
            if i % 5 == 0 {
                Satisfaction::NotSatisfied
            } else {
                Satisfaction::Satisfied
            },
        ));
    }
    // A year before.
    rows.push(case(
        99,
        at(2025, 3, 12, 10),
        Severity::General,
        "ops",
        10,
        Satisfaction::Satisfied,
    ));
    rows
}

#[test]
fn totals_are_the_sums_of_their_groups_and_rates_are_shares() {
    let rows = rows();
    let now = at(2026, 4, 30, 12);
    for by in Dimension::ALL {
        let r = report(
            &rows,
            Period::Month {
                year: 2026,
                month: 3,
            },
            by,
            &StatFilter::default(),
            CHINA_OFFSET_MINUTES,
            now,
        );
        assert_eq!(r.total.count, 20, "{by:?}");
        let sum = |f: fn(&tousu_shared::stats::Figures) -> u64| -> u64 {
            r.groups.iter().map(|g| f(&g.figures)).sum()
        };
        assert_eq!(
            sum(|f| u64::from(f.count)),
            u64::from(r.total.count),
            "{by:?}"
        );
        assert_eq!(
            sum(|f| u64::from(f.on_time)),
            u64::from(r.total.on_time),
            "{by:?}"
        );
        assert_eq!(
            sum(|f| u64::from(f.late)),
            u64::from(r.total.late),
            "{by:?}"
        );
        assert_eq!(
            sum(|f| u64::from(f.satisfied)),
            u64::from(r.total.satisfied),
            "{by:?}"
        );
        assert_eq!(sum(|f| f.working_days), r.total.working_days, "{by:?}");
        for rate in [
            r.total.on_time_rate(),
            r.total.satisfaction_rate(),
            r.total.reopen_rate(),
        ]
        .into_iter()
        .flatten()
        {
            assert!((0.0..=1.0).contains(&rate), "{by:?}: {rate}");
        }
        assert_eq!(r.previous.count, 10, "February");
        assert_eq!(r.year_before.count, 1, "March 2025");
    }
    let by_dept = report(
        &rows,
        Period::Quarter {
            year: 2026,
            quarter: 1,
        },
        Dimension::Department,
        &StatFilter::default(),
        CHINA_OFFSET_MINUTES,
        now,
    );
    assert_eq!(by_dept.total.count, 30);
    // A department's own report: only its cases.
    let ops = StatFilter {
        department: Some(dept("ops")),
        kind: None,
    };
    let mine = report(
        &rows,
        Period::Quarter {
            year: 2026,
            quarter: 1,
        },
        Dimension::Department,
        &ops,
        CHINA_OFFSET_MINUTES,
        now,
    );
    let registered_only = rows
        .iter()
        .filter(|r| r.department.is_none() && r.received >= at(2026, 1, 1, 0))
        .count() as u32;
    assert_eq!(
        mine.total.count
            + by_dept
                .groups
                .iter()
                .find(|g| g.key == "north")
                .map_or(0, |g| g.figures.count)
            + registered_only,
        30
    );
}

#[test]
fn a_reopened_case_counts_once_and_paused_time_is_left_out() {
    // Reopened by an unsatisfied revisit, then answered again: one case in its month.
    let mut w = Writer::user(1, 1, "supervisor");
    let received = at(2026, 3, 9, 10);
    w.now = received;
    let mut r = registration(CaseKind::Complaint, received);
    r.rules = Some(Box::new(
        Profile::builtin("complaint-office").unwrap().rules(),
    ));
    let mut events = vec![w.write(EventBody::Registered(r))];
    let steps = [
        body::classify(),
        body::dispatch("ops"),
        EventBody::SupplementRequested(Reasoned {
            reason: long("请补充订单号"),
        }),
    ];
    for b in steps {
        w.wait_hours(1);
        events.push(w.write(b));
    }
    // Paused for three days (Monday 11:00 to Thursday 11:00).
    w.wait_hours(72);
    events.push(w.write(EventBody::SupplementReceived(Supplement { text: None })));
    for b in [
        EventBody::InvestigationStarted,
        body::report(),
        body::plan(),
        body::approve(),
        body::execute(),
        body::feedback(),
        body::revisit(Satisfaction::NotSatisfied),
        body::plan(),
        body::approve(),
        body::execute(),
        body::feedback(),
    ] {
        w.wait_minutes(30);
        events.push(w.write(b));
    }
    let view = fold(w.case, &events);
    assert!(view.not_applied.is_empty(), "{:?}", view.not_applied);
    let calendar = WorkCalendar::china_default();
    let row = StatRow::of(&view, &SlaPolicy::default(), &calendar).unwrap();
    assert_eq!(row.reopen_count, 1);
    assert!(row.paused_ms >= 72 * HOUR_MS);
    // Answered on Thursday: without the pause three working days; with it left out, none.
    assert_eq!(row.working_days, Some(0), "{row:?}");
    let r = report(
        &[row],
        Period::Month {
            year: 2026,
            month: 3,
        },
        Dimension::Kind,
        &StatFilter::default(),
        CHINA_OFFSET_MINUTES,
        at(2026, 3, 31, 0),
    );
    assert_eq!(r.total.count, 1);
    assert_eq!(r.total.reopened, 1);
}

#[test]
fn periods_read_and_step_back() {
    assert_eq!(
        Period::parse("2026-03"),
        Some(Period::Month {
            year: 2026,
            month: 3
        })
    );
    assert_eq!(
        Period::parse("2026-Q1"),
        Some(Period::Quarter {
            year: 2026,
            quarter: 1
        })
    );
    assert_eq!(Period::parse("2026"), Some(Period::Year { year: 2026 }));
    assert_eq!(Period::parse("2026-13"), None);
    assert_eq!(Period::parse("2026-Q5"), None);
    // Years of four digits from 1900: a year near i32::MAX overflowed the month's end.
    for bad in [
        "2147483647-12",
        "2147483647-Q4",
        "99999",
        "10000-01",
        "1899-12",
        "+202-03",
        "-1-03",
    ] {
        assert_eq!(Period::parse(bad), None, "{bad}");
    }
    assert_eq!(
        Period::parse("9999-12").map(|p| p.bounds().1),
        Date::new(9999, 12, 31)
    );
    let range = Period::parse("2026-03-01..2026-03-10").unwrap();
    assert_eq!(
        range.previous().bounds(),
        (
            Date::new(2026, 2, 19).unwrap(),
            Date::new(2026, 2, 28).unwrap()
        )
    );
    assert_eq!(
        Period::Month {
            year: 2026,
            month: 1
        }
        .previous(),
        Period::Month {
            year: 2025,
            month: 12
        }
    );
    assert_eq!(
        Period::Quarter {
            year: 2026,
            quarter: 1
        }
        .bounds(),
        (
            Date::new(2026, 1, 1).unwrap(),
            Date::new(2026, 3, 31).unwrap()
        )
    );
    assert_eq!(
        Period::Month {
            year: 2024,
            month: 2
        }
        .bounds()
        .1,
        Date::new(2024, 2, 29).unwrap()
    );
    assert_eq!(
        Period::Quarter {
            year: 2026,
            quarter: 2
        }
        .year_before(),
        Period::Quarter {
            year: 2025,
            quarter: 2
        }
    );
}

#[test]
fn appraisal_lines_sum_to_the_period_and_changes_are_ranked() {
    use tousu_shared::stats::{AppraisalBy, Measure, appraisal, per_mille};
    let mut rows = rows();
    // An accountability record naming the north department on one case.
    rows[1]
        .accountable_departments
        .push(tousu_shared::testing::dept("north"));
    let now = at(2026, 4, 30, 12);
    let march = Period::Month {
        year: 2026,
        month: 3,
    };
    let lines = appraisal(
        &rows,
        march,
        AppraisalBy::Department,
        &StatFilter::default(),
        CHINA_OFFSET_MINUTES,
        now,
    );
    let all = report(
        &rows,
        march,
        Dimension::Department,
        &StatFilter::default(),
        CHINA_OFFSET_MINUTES,
        now,
    );
    for line in &lines {
        let group = all.groups.iter().find(|g| g.key == line.key).unwrap();
        assert_eq!(line.figures, group.figures, "{}", line.key);
    }
    let north = lines.iter().find(|l| l.key == "north").unwrap();
    assert_eq!(north.accountability, 1);
    assert!(
        lines
            .windows(2)
            .all(|w| w[0].figures.count >= w[1].figures.count)
    );
    // By person: everyone who executed a plan, no one else.
    let people = appraisal(
        &rows,
        march,
        AppraisalBy::Person,
        &StatFilter::default(),
        CHINA_OFFSET_MINUTES,
        now,
    );
    let handled: u32 = people.iter().map(|l| l.figures.count).sum();
    let executed = rows
        .iter()
        .filter(|r| march.contains(r.received.date(CHINA_OFFSET_MINUTES)) && r.handled_by.is_some())
        .count() as u32;
    assert_eq!(handled, executed);

    // March has 20 cases against February's 10: the total's count comes first.
    let changes = all.largest_changes(5);
    assert_eq!(changes[0].key, None);
    assert_eq!(changes[0].measure, Measure::Count);
    assert_eq!((changes[0].from, changes[0].to), (10, 20));
    assert!(changes.iter().all(|c| c.from != c.to));
    assert!(changes.len() <= 5);
    assert_eq!(per_mille(1, 3), Some(333));
    assert_eq!(per_mille(2, 3), Some(667));
    assert_eq!(per_mille(0, 0), None);
    assert_eq!(per_mille(5, 5), Some(1000));
}

#[test]
fn periods_and_dimensions_round_trip_and_a_drill_finds_its_groups_cases() {
    for text in ["2026-03", "2026-Q1", "2026", "2026-01-01..2026-03-31"] {
        assert_eq!(Period::parse(text).unwrap().text(), text);
    }
    for by in Dimension::ALL {
        assert_eq!(Dimension::from_tag(by.tag()), Some(by));
        assert_eq!(
            serde_json::to_value(by).unwrap().as_str(),
            Some(by.tag()),
            "the tag is the wire name"
        );
    }
    let rows = rows();
    let now = at(2026, 4, 30, 12);
    let period = Period::Month {
        year: 2026,
        month: 3,
    };
    for by in Dimension::ALL {
        let r = report(
            &rows,
            period,
            by,
            &StatFilter::default(),
            CHINA_OFFSET_MINUTES,
            now,
        );
        for g in &r.groups {
            let drill = Drill {
                period,
                by,
                key: g.key.clone(),
            };
            let n = rows
                .iter()
                .filter(|row| drill.admits(row, CHINA_OFFSET_MINUTES))
                .count();
            assert_eq!(n as u32, g.figures.count, "{by:?} {}", g.key);
        }
    }
}

proptest::proptest! {
    /// Whatever a query string holds, a period is refused, or it steps back and is written
    /// back without panicking (a year near `i32::MAX` once overflowed the month's end).
    #[test]
    fn any_period_text_is_refused_or_safe(
        year in proptest::prop_oneof![
            proptest::prelude::any::<i32>(),
            proptest::strategy::Just(i32::MAX),
            proptest::strategy::Just(i32::MIN),
            1800..10100i32,
        ],
        form in 0..4u8,
        n in 0..14u8,
        days in 0..4000i64,
    ) {
        let text = match form {
            0 => year.to_string(),
            1 => format!("{year}-{n:02}"),
            2 => format!("{year}-Q{n}"),
            _ => {
                let from = Date::new(year.clamp(-9999, 9999), 1, 1).unwrap_or(Date::from_days(0));
                format!("{from}..{}", Date::from_days(from.days() + days))
            }
        };
        if let Some(period) = Period::parse(&text) {
            let (from, to) = period.bounds();
            proptest::prop_assert!(from <= to);
            let _ = period.previous().bounds();
            let _ = period.year_before().bounds();
            proptest::prop_assert_eq!(Period::parse(&period.text()), Some(period));
        }
    }
}
