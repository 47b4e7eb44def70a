//! The push judgement without a database: one row per answer and per quarantine reason.

use super::*;
use tousu_shared::{
    access::Role,
    api::sync::Quarantine as Q,
    clock::HOUR_MS,
    event::{Actor, Classified, RecordAmended, UnknownBody},
    ids::CategoryId,
    model::{CaseKind, Complainant, Department},
    testing::{Writer, body, dept, registration, t0, user},
};

fn supervisor() -> Principal {
    Principal::user(user("supervisor"), &[Role::Supervisor], None)
}

fn catalog() -> Catalog {
    Catalog {
        categories: Catalog::default_categories(),
        departments: vec![Department {
            id: dept("ops"),
            name: "运营服务部".into(),
            parent: None,
        }],
    }
}

/// A registered case (stored) and the writer that goes on from it.
fn stored_case() -> (Writer, Vec<Event>) {
    let mut w = Writer::user(1, 1, "supervisor");
    let events = vec![w.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        t0(),
    )))];
    (w, events)
}

fn state(w: &Writer, history: &[Event]) -> PushState {
    PushState {
        next_seq: history.iter().filter(|e| e.device_id == w.device).count() as u64 + 1,
        stored: history
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id, (i as i64 + 1, e.clone())))
            .collect(),
        histories: [(w.case, history.to_vec())].into_iter().collect(),
        quarantined: BTreeMap::new(),
        catalog: catalog(),
        known_rules: Vec::new(),
    }
}

fn now() -> Timestamp {
    Timestamp(t0().0 + HOUR_MS)
}

/// What one verdict says, in a word, for the table.
fn word(v: &Verdict) -> String {
    match v {
        Verdict::Apply(_) => "apply".into(),
        Verdict::Duplicate { .. } => "duplicate".into(),
        Verdict::Repeat { .. } => "repeat".into(),
        Verdict::Requarantined { .. } => "requarantined".into(),
        Verdict::Quarantine { why, .. } => {
            let json = serde_json::to_value(why).unwrap();
            let reason = json["reason"].as_str().unwrap_or("?").to_string();
            match why {
                Q::Forbidden { denied } => format!("{reason}:{denied:?}"),
                Q::Invalid { fields, .. } => format!(
                    "{reason}:{}",
                    fields
                        .iter()
                        .map(|f| format!("{:?}", f.rule))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                _ => reason,
            }
        }
    }
}

fn judge_one(
    principal: &Principal,
    w: &Writer,
    history: &[Event],
    batch: Vec<Result<Event, String>>,
) -> Vec<String> {
    let judged = judge(w.device, principal, &batch, state(w, history), now());
    judged.verdicts.iter().map(word).collect()
}

#[test]
fn every_answer_and_every_quarantine_reason() {
    type Row = (
        &'static str,
        fn() -> (Principal, Writer, Vec<Event>, Vec<Result<Event, String>>),
        &'static str,
    );
    let rows: Vec<Row> = vec![
        (
            "applied",
            || {
                let (mut w, h) = stored_case();
                let e = w.write(body::classify());
                (supervisor(), w, h, vec![Ok(e)])
            },
            "apply",
        ),
        (
            "duplicate of a stored event",
            || {
                let (w, h) = stored_case();
                let e = h[0].clone();
                (supervisor(), w, h, vec![Ok(e)])
            },
            "duplicate",
        ),
        (
            "does not parse",
            || {
                let (w, h) = stored_case();
                (
                    supervisor(),
                    w,
                    h,
                    vec![Err("expected value at line 1".into())],
                )
            },
            "invalid:",
        ),
        (
            "another device's event",
            || {
                let (w, h) = stored_case();
                let mut other = w.fork(9, Actor::User(user("supervisor")));
                (supervisor(), w, h, vec![Ok(other.write(body::note("x")))])
            },
            "foreign_device",
        ),
        (
            "same id, other content",
            || {
                let (w, h) = stored_case();
                let mut e = h[0].clone();
                e.hlc.counter += 1;
                (supervisor(), w, h, vec![Ok(e)])
            },
            "id_reused",
        ),
        (
            "dev_seq already used",
            || {
                let (mut w, h) = stored_case();
                let mut e = w.write(body::classify());
                e.dev_seq = 1;
                (supervisor(), w, h, vec![Ok(e)])
            },
            "seq_reused",
        ),
        (
            "dev_seq gap",
            || {
                let (mut w, h) = stored_case();
                w.write(body::classify());
                let e = w.write(body::classify());
                (supervisor(), w, h, vec![Ok(e)])
            },
            "gap",
        ),
        (
            "newer schema",
            || {
                let (mut w, h) = stored_case();
                let e = w.write(EventBody::Unknown(UnknownBody {
                    kind: "later".into(),
                    raw: serde_json::json!({"kind": "later"}),
                }));
                (supervisor(), w, h, vec![Ok(e)])
            },
            "unsupported",
        ),
        (
            "clock too far ahead",
            || {
                let (mut w, h) = stored_case();
                w.wait_hours(5);
                let e = w.write(body::classify());
                (supervisor(), w, h, vec![Ok(e)])
            },
            "clock_ahead",
        ),
        (
            "record sheet breaks a field rule",
            || {
                let mut w = Writer::user(2, 1, "supervisor");
                let mut r = registration(CaseKind::Complaint, t0());
                r.complainant = Complainant {
                    name: r.complainant.name.clone(),
                    ..Complainant::default()
                };
                let e = w.write(EventBody::Registered(r));
                (supervisor(), w, Vec::new(), vec![Ok(e)])
            },
            "invalid:ContactRequired",
        ),
        (
            "dispatch to an unknown department",
            || {
                let (mut w, h) = stored_case();
                let e = w.write(body::dispatch("nowhere"));
                (supervisor(), w, h, vec![Ok(e)])
            },
            "invalid:UnknownDepartment",
        ),
        (
            "classification in a category the catalog lacks",
            || {
                let (mut w, h) = stored_case();
                let e = w.write(EventBody::Classified(Classified {
                    category: CategoryId::parse("made-up").unwrap(),
                    cause: None,
                    severity: tousu_shared::model::Severity::General,
                }));
                (supervisor(), w, h, vec![Ok(e)])
            },
            "invalid:UnknownCategory",
        ),
        (
            "amendment strips every contact of a named complainant",
            || {
                let (mut w, h) = stored_case();
                let e = w.write(EventBody::RecordAmended(RecordAmended {
                    complainant: Some(Complainant {
                        name: Some(tousu_shared::testing::short("张三")),
                        ..Complainant::default()
                    }),
                    anonymous: Some(false),
                    details: None,
                }));
                (supervisor(), w, h, vec![Ok(e)])
            },
            "invalid:ContactRequired",
        ),
        (
            "role lacks the command",
            || {
                let (w0, h) = stored_case();
                let mut w = w0.fork(3, Actor::User(user("clerk")));
                w.heads = h.iter().map(|e| e.id).collect();
                let e = w.write(body::dispatch("ops"));
                let clerk = Principal::user(user("clerk"), &[Role::Clerk], None);
                (clerk, w, h, vec![Ok(e)])
            },
            "forbidden:RoleLacks",
        ),
        (
            "claimed actor is not the caller",
            || {
                let (mut w, h) = stored_case();
                w.actor = Actor::User(user("manager"));
                let e = w.write(body::classify());
                (supervisor(), w, h, vec![Ok(e)])
            },
            "forbidden:ActorMismatch",
        ),
        (
            "workflow does not allow it",
            || {
                let (mut w, h) = stored_case();
                let e = w.write(body::approve());
                (supervisor(), w, h, vec![Ok(e)])
            },
            "workflow",
        ),
    ];
    for (name, make, expected) in rows {
        let (principal, w, history, batch) = make();
        let got = judge_one(&principal, &w, &history, batch);
        assert_eq!(got.len(), 1, "{name}");
        assert!(
            got[0] == expected || (expected.ends_with(':') && got[0].starts_with(expected)),
            "{name}: expected {expected}, got {}",
            got[0]
        );
    }
}

#[test]
fn an_event_sent_twice_in_one_batch_is_a_repeat_and_a_registration_is_numbered() {
    let mut w = Writer::user(3, 1, "supervisor");
    let e = w.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        t0(),
    )));
    let start = PushState {
        next_seq: 1,
        catalog: catalog(),
        ..PushState::default()
    };
    let judged = judge(
        w.device,
        &supervisor(),
        &[Ok(e.clone()), Ok(e.clone())],
        start,
        now(),
    );
    let words: Vec<String> = judged.verdicts.iter().map(word).collect();
    assert_eq!(words, ["apply", "repeat"]);
    assert_eq!(judged.to_number, vec![e.case_id]);
    assert_eq!(judged.next_seq, 2);
    assert_eq!(judged.changed[&e.case_id].0.len(), 1);
}

/// An answer lost, the device pushes a quarantined event again: it hears the first reason
/// (found by the deterministic simulation, which saw "seq_reused" instead of the clock).
#[test]
fn a_retried_quarantined_event_gets_its_first_reason_again() {
    let (mut w, h) = stored_case();
    let e = w.write(body::classify());
    let first = Q::ClockAhead { ahead_ms: 600_000 };
    let retried = |event: Event| {
        let mut s = state(&w, &h);
        s.next_seq += 1;
        s.quarantined.insert(e.id, (e.clone(), first.clone()));
        judge(w.device, &supervisor(), &[Ok(event)], s, now()).verdicts
    };
    assert_eq!(
        retried(e.clone()),
        vec![Verdict::Requarantined {
            event_id: e.id,
            why: first.clone()
        }]
    );
    let mut other = e.clone();
    other.body = body::note("另一条");
    assert_eq!(word(&retried(other)[0]), "id_reused");
}
