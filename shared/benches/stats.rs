//! Criterion benchmarks of the statistics core (issue 14): reports and appraisal over
//! 100,000 rows, the size the server answers within 200 ms.
//! Run: `cargo bench -p tousu-shared --bench stats`. Figures go to docs/BENCHMARKS.md.

#[cfg(not(target_arch = "wasm32"))]
mod host {
    use std::hint::black_box;

    use criterion::{Criterion, criterion_group};
    use tousu_shared::{
        clock::{CHINA_OFFSET_MINUTES, DAY_MS, Timestamp},
        fold::fold,
        sla::{SlaPolicy, WorkCalendar},
        stats::{AppraisalBy, Dimension, Period, StatFilter, StatRow, appraisal, report},
        testing::{dept, full_lifecycle},
    };

    /// 100,000 rows: a closed case's row copied across 2025 and 2026 and three departments.
    fn rows() -> Vec<StatRow> {
        let events = full_lifecycle(1, 0);
        let view = fold(events[0].case_id, &events);
        let row = StatRow::of(&view, &SlaPolicy::default(), &WorkCalendar::china_default())
            .expect("a registered case");
        let start = Timestamp::from_local(
            tousu_shared::clock::Date::new(2025, 1, 1).unwrap(),
            9,
            0,
            CHINA_OFFSET_MINUTES,
        );
        let departments = [dept("ops"), dept("north"), dept("south")];
        (0..100_000i64)
            .map(|i| {
                let mut r = row.clone();
                let shift = (i % 700) * DAY_MS;
                r.received = Timestamp(start.0 + shift);
                for c in &mut r.clocks {
                    c.due = Timestamp(c.due.0 - row.received.0 + r.received.0);
                    c.done = c
                        .done
                        .map(|d| Timestamp(d.0 - row.received.0 + r.received.0));
                }
                r.department = Some(departments[(i % 3) as usize].clone());
                r
            })
            .collect()
    }

    fn benches(c: &mut Criterion) {
        let rows = rows();
        let now = Timestamp(rows[0].received.0 + 800 * DAY_MS);
        let year = Period::Year { year: 2026 };
        c.bench_function("report 100,000 rows, a year by department", |b| {
            b.iter(|| {
                report(
                    black_box(&rows),
                    year,
                    Dimension::Department,
                    &StatFilter::default(),
                    CHINA_OFFSET_MINUTES,
                    now,
                )
            })
        });
        c.bench_function("report 100,000 rows, a year by month", |b| {
            b.iter(|| {
                report(
                    black_box(&rows),
                    year,
                    Dimension::Month,
                    &StatFilter::default(),
                    CHINA_OFFSET_MINUTES,
                    now,
                )
            })
        });
        c.bench_function("appraisal 100,000 rows, a year by person", |b| {
            b.iter(|| {
                appraisal(
                    black_box(&rows),
                    year,
                    AppraisalBy::Person,
                    &StatFilter::default(),
                    CHINA_OFFSET_MINUTES,
                    now,
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
