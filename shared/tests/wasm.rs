//! The fold gives the same answer in the browser (wasm32, run by wasm-bindgen-test in
//! headless Chromium) as on the host: both compare with one recorded view of a fixed trace.
//! Regenerate the record on the host with `TOUSU_UPDATE_TRACE=1 cargo test -p tousu-shared
//! --test wasm` after an intended change of the view.

use tousu_shared::{
    event::{Actor, Event, EventBody},
    fold::fold,
    model::{CaseKind, Satisfaction},
    testing::{Writer, body, full_lifecycle, registration, t0, user},
};

const RECORDED: &str = include_str!("data/fixed_trace_view.json");

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
}
