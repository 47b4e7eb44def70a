//! The statistics projection (issue 14): one [`StatRow`] per case, archived and destroyed
//! cases included (destruction erases personal data, not the figures), written with the
//! case's other projection and read by period for [`tousu_shared::stats::report`].

use std::sync::Arc;

use rusqlite::{Connection, params};
use tousu_shared::{
    sla::{CHINA_DEFAULT_CALENDAR, SlaPolicy, WorkCalendar},
    stats::StatRow,
    view::CaseView,
};

use super::{Store, StoreError, reference};

/// What a row's clocks need besides the case: the policy and calendar in force (cases
/// registered under a profile carry their own clocks).
pub(super) struct StatInputs {
    pub(super) policy: SlaPolicy,
    pub(super) calendar: WorkCalendar,
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
        "INSERT INTO stats (case_id, received_at, open, row, changed)
         VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(changed), 0) + 1 FROM stats))
         ON CONFLICT (case_id) DO UPDATE SET received_at = excluded.received_at,
           open = excluded.open, row = excluded.row, changed = excluded.changed",
    )?
    .execute(params![
        view.id.to_string(),
        row.received.0,
        row.stage.is_open(),
        serde_json::to_string(&row).expect("a row serializes"),
    ])?;
    Ok(())
}

/// The server's copy of every statistics row, brought up to date from the rows changed
/// since it last looked (`stats.changed`) before each report: a report over 100,000 cases
/// reads no JSON it has read before.
#[derive(Default)]
pub struct StatCache {
    rows: Vec<StatRow>,
    index: std::collections::HashMap<String, usize>,
    seen: i64,
}

impl StatCache {
    /// Reads the rows changed since the last call.
    fn refresh(&mut self, conn: &Connection) -> Result<(), StoreError> {
        let mut stmt = conn.prepare_cached(
            "SELECT case_id, row, changed FROM stats WHERE changed > ?1 ORDER BY changed",
        )?;
        let first = self.rows.is_empty() && self.seen == 0;
        let since = if first { -1 } else { self.seen };
        let mut found = stmt.query(params![since])?;
        while let Some(r) = found.next()? {
            let id: String = r.get(0)?;
            let json: String = r.get(1)?;
            let changed: i64 = r.get(2)?;
            let row: StatRow = serde_json::from_str(&json)
                .map_err(|e| StoreError::Corrupt(format!("stat row: {e}")))?;
            match self.index.get(&id) {
                Some(&i) => self.rows[i] = row,
                None => {
                    self.index.insert(id, self.rows.len());
                    self.rows.push(row);
                }
            }
            self.seen = self.seen.max(changed);
        }
        Ok(())
    }
}

impl Store {
    /// The SLA policy and working-day calendar in force (the shipped ones where none was
    /// saved).
    pub async fn clock_rules(&self) -> Result<(SlaPolicy, WorkCalendar), StoreError> {
        self.read(|conn| {
            let inputs = StatInputs::load(conn)?;
            Ok((inputs.policy, inputs.calendar.clone()))
        })
        .await
    }

    /// Runs `f` over every statistics row (brought up to date first), on a blocking thread.
    pub async fn with_stat_rows<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&[StatRow]) -> T + Send + 'static,
    {
        let cache = self.stats.clone();
        self.read(move |conn| {
            let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
            cache.refresh(conn)?;
            Ok(f(&cache.rows))
        })
        .await
    }
}
