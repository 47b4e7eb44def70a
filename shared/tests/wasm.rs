//! The fold and the statistics report give the same answer in the browser (wasm32, run by
//! wasm-bindgen-test in headless Chromium) as on the host: both compare with one recorded view
//! of a fixed trace and one recorded report of its rows (issue 14: the same function on both
//! sides). Regenerate the records on the host with `TOUSU_UPDATE_TRACE=1 cargo test -p
//! tousu-shared --test wasm` after an intended change.

use tousu_shared::{
    event::{Actor, Event, EventBody},
    fold::fold,
    model::{CaseKind, Satisfaction},
    testing::{Writer, body, full_lifecycle, registration, t0, user},
};

const RECORDED: &str = include_str!("data/fixed_trace_view.json");
const RECORDED_REPORT: &str = include_str!("data/fixed_trace_report.json");

/// A lifecycle with notes, plus a second case with concurrent offline work and a conflict.
fn trace() -> Vec<Event> {
    let mut events = full_lifecycle(41, 3);
    let mut a = Writer::user(42, 1, "supervisor");
    let mut second = vec![
        a.write(EventBody::Registered(registration(
            CaseKind::Complaint,
            t0(),
        ))),
        a.write(body::classify()),
    ];
    let mut b = a.fork(2, Actor::User(user("supervisor2")));
    b.sees(&second);
    second.push(a.write(body::dispatch("ops")));
    second.push(b.write(body::out_of_scope()));
    second.push(b.write(body::revisit(Satisfaction::Satisfied)));
    events.extend(second);
    events
}

fn rendered() -> String {
    let events = trace();
    let first = fold(events[0].case_id, &events);
    let second = fold(events.last().unwrap().case_id, &events);
    serde_json::to_string_pretty(&(first, second)).unwrap() + "\n"
}

/// The statistics rows of the trace and of more lifecycles, and a report per dimension.
fn report_rendered() -> String {
    use tousu_shared::{
        clock::{CHINA_OFFSET_MINUTES, DAY_MS, Timestamp},
        sla::{SlaPolicy, WorkCalendar},
        stats::{Dimension, Period, StatFilter, StatRow, report},
    };
    let mut events = trace();
    for n in 0..6 {
        events.extend(full_lifecycle(50 + n, 1 + n as usize % 3));
    }
    let mut cases: Vec<_> = events.iter().map(|e| e.case_id).collect();
    cases.sort();
    cases.dedup();
    let rows: Vec<StatRow> = cases
        .iter()
        .filter_map(|c| {
            StatRow::of(
                &fold(*c, &events),
                &SlaPolicy::default(),
                &WorkCalendar::china_default(),
            )
        })
        .collect();
    let day = t0().date(CHINA_OFFSET_MINUTES);
    let period = Period::Range {
        from: tousu_shared::clock::Date::from_days(day.days() - 40),
        to: tousu_shared::clock::Date::from_days(day.days() + 40),
    };
    let now = Timestamp(t0().0 + 10 * DAY_MS);
    let reports: Vec<_> = Dimension::ALL
        .iter()
        .map(|by| {
            report(
                &rows,
                period,
                *by,
                &StatFilter::default(),
                CHINA_OFFSET_MINUTES,
                now,
            )
        })
        .collect();
    serde_json::to_string_pretty(&(rows, reports)).unwrap() + "\n"
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn host_report_matches_the_record() {
    let now = report_rendered();
    if std::env::var_os("TOUSU_UPDATE_TRACE").is_some() {
        std::fs::write(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/data/fixed_trace_report.json"
            ),
            &now,
        )
        .unwrap();
        return;
    }
    assert_eq!(now, RECORDED_REPORT);
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn host_fold_matches_the_record() {
    let now = rendered();
    if std::env::var_os("TOUSU_UPDATE_TRACE").is_some() {
        std::fs::write(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/data/fixed_trace_view.json"
            ),
            &now,
        )
        .unwrap();
        return;
    }
    assert_eq!(now, RECORDED);
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn browser_fold_matches_the_record() {
        assert_eq!(super::rendered(), super::RECORDED);
    }

    #[wasm_bindgen_test]
    fn browser_report_matches_the_record() {
        assert_eq!(super::report_rendered(), super::RECORDED_REPORT);
    }
}
