//! The statistics projection (issue 14): one [`StatRow`] per case, archived and destroyed
//! cases included (destruction erases personal data, not the figures), written with the
//! case's other projection and read by period for [`tousu_shared::stats::report`].

use std::sync::Arc;

use rusqlite::{Connection, params};
use tousu_shared::{
    clock::{CHINA_OFFSET_MINUTES, DAY_MS, Timestamp},
    sla::{CHINA_DEFAULT_CALENDAR, SlaPolicy, WorkCalendar},
    stats::{Period, StatRow},
    view::CaseView,
};

use super::{Store, StoreError, reference};

/// What a row's clocks need besides the case: the policy and calendar in force (cases
/// registered under a profile carry their own clocks).
pub(super) struct StatInputs {
    policy: SlaPolicy,
    calendar: WorkCalendar,
}

/// The inputs last parsed, with the texts they were parsed from: a push reads the two meta
/// rows and parses them again only when an admin changed one (parsing the calendar on
/// every small push cost the steady load about 8 %).
static LAST: std::sync::Mutex<Option<Parsed>> = std::sync::Mutex::new(None);

/// The policy text, the calendar text, and what they parsed to.
type Parsed = (Option<String>, Option<String>, Arc<StatInputs>);

impl StatInputs {
    /// The policy and calendar in force (the shipped ones where none was saved).
    pub(super) fn load(conn: &Connection) -> Result<Arc<Self>, StoreError> {
        let policy_text = reference::meta(conn, reference::SLA_KEY)?;
        let calendar_text = reference::meta(conn, reference::CALENDAR_KEY)?;
        let mut last = LAST.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((p, c, inputs)) = last.as_ref()
            && *p == policy_text
            && *c == calendar_text
        {
            return Ok(inputs.clone());
        }
        let policy = match &policy_text {
            Some(json) => serde_json::from_str(json)
                .map_err(|e| StoreError::Corrupt(format!("sla policy: {e}")))?,
            None => SlaPolicy::default(),
        };
        let calendar =
            WorkCalendar::parse(calendar_text.as_deref().unwrap_or(CHINA_DEFAULT_CALENDAR))
                .unwrap_or_else(|_| WorkCalendar::china_default());
        let inputs = Arc::new(StatInputs { policy, calendar });
        *last = Some((policy_text, calendar_text, inputs.clone()));
        Ok(inputs)
    }
}

/// Writes the statistics row of `view` (nothing before its registration is known).
pub(super) fn store_row(
    tx: &Connection,
    view: &CaseView,
    inputs: &StatInputs,
) -> Result<(), StoreError> {
    let Some(row) = StatRow::of(view, &inputs.policy, &inputs.calendar) else {
        return Ok(());
    };
    tx.prepare_cached(
        "INSERT INTO stats (case_id, received_at, open, row) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (case_id) DO UPDATE SET received_at = excluded.received_at,
           open = excluded.open, row = excluded.row",
    )?
    .execute(params![
        view.id.to_string(),
        row.received.0,
        row.stage.is_open(),
        serde_json::to_string(&row).expect("a row serializes"),
    ])?;
    Ok(())
}

impl Store {
    /// The rows a report of `period` reads: the cases received in it, in the period before
    /// and the same period a year before, and every open case (what is overdue now).
    pub async fn stat_rows(&self, period: Period) -> Result<Vec<StatRow>, StoreError> {
        let bound = |p: Period| {
            let (from, to) = p.bounds();
            (
                Timestamp::from_local(from, 0, 0, CHINA_OFFSET_MINUTES).0,
                Timestamp::from_local(to, 0, 0, CHINA_OFFSET_MINUTES).0 + DAY_MS,
            )
        };
        let (from, to) = bound(period);
        let (prev_from, _) = bound(period.previous());
        let (yb_from, yb_to) = bound(period.year_before());
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT row FROM stats
                 WHERE (received_at >= ?1 AND received_at < ?2)
                    OR (received_at >= ?3 AND received_at < ?4) OR open = 1",
            )?;
            let rows = stmt.query_map(params![prev_from.min(from), to, yb_from, yb_to], |r| {
                r.get::<_, String>(0)
            })?;
            let mut out = Vec::new();
            for json in rows {
                let json = json?;
                out.push(
                    serde_json::from_str(&json)
                        .map_err(|e| StoreError::Corrupt(format!("stat row: {e}")))?,
                );
            }
            Ok(out)
        })
        .await
    }
}
