//! Criterion benchmarks of the domain core: folding cases and computing deadlines.
//! Run: `cargo bench -p tousu-shared --bench fold`. Figures go to docs/BENCHMARKS.md.

#[cfg(not(target_arch = "wasm32"))]
mod host {
    use std::hint::black_box;

    use criterion::{Criterion, criterion_group};
    use tousu_shared::{
        clock::{HOUR_MS, Timestamp},
        event::{Event, EventBody},
        fold::fold,
        model::CaseKind,
        sla::{SlaPolicy, WorkCalendar, clocks},
        testing::{Writer, body, full_lifecycle, registration, t0},
    };

    /// A case of exactly 100 events: the whole lifecycle plus investigation notes.
    fn hundred_events() -> Vec<Event> {
        let base = full_lifecycle(1, 0).len();
        let events = full_lifecycle(1, 100 - base);
        assert_eq!(events.len(), 100);
        events
    }

    /// 10,000 cases of 5 events each (registered, classified, dispatched, started, note).
    fn many_small_cases() -> Vec<Vec<Event>> {
        (0..10_000u64)
            .map(|n| {
                let mut w = Writer::user(n + 1000, 1, "supervisor");
                vec![
                    w.write(EventBody::Registered(registration(
                        CaseKind::Complaint,
                        t0(),
                    ))),
                    w.write(body::classify()),
                    w.write(body::dispatch("ops")),
                    w.write(EventBody::InvestigationStarted),
                    w.write(body::note("现场查看")),
                ]
            })
            .collect()
    }

    fn benches(c: &mut Criterion) {
        let hundred = hundred_events();
        let id = hundred[0].case_id;
        c.bench_function("fold 1 case of 100 events", |b| {
            b.iter(|| fold(black_box(id), black_box(&hundred)))
        });

        let cases = many_small_cases();
        let mut group = c.benchmark_group("fold many");
        group.sample_size(10);
        group.bench_function("fold 10,000 cases of 5 events", |b| {
            b.iter(|| {
                for events in &cases {
                    black_box(fold(events[0].case_id, events));
                }
            })
        });
        // The device's and the server's reading of stored events: each case's events as one
        // JSON array (how the browser stores them), read back.
        let texts: Vec<String> = cases
            .iter()
            .map(|e| serde_json::to_string(e).unwrap())
            .collect();
        group.bench_function("read 10,000 cases of 5 events from JSON", |b| {
            b.iter(|| {
                for text in &texts {
                    black_box(serde_json::from_str::<Vec<Event>>(text).unwrap());
                }
            })
        });
        group.finish();

        let calendar = WorkCalendar::china_default();
        let starts: Vec<Timestamp> = (0..1000)
            .map(|i| Timestamp(t0().0 + i * 7 * HOUR_MS))
            .collect();
        c.bench_function("due date: 1,000 × 3 working days", |b| {
            b.iter(|| {
                for &s in &starts {
                    black_box(calendar.add_working_days(black_box(s), 3));
                }
            })
        });
        let view = fold(id, &hundred);
        let policy = SlaPolicy::default();
        c.bench_function("SLA clocks of a closed case", |b| {
            b.iter(|| {
                clocks(
                    black_box(&view),
                    &policy,
                    &calendar,
                    Timestamp(t0().0 + 1000 * HOUR_MS),
                )
            })
        });
    }

    criterion_group!(all, benches);

    pub fn main() {
        all();
        criterion::Criterion::default()
            .configure_from_args()
            .final_summary();
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    host::main();
}
