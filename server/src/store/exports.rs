//! Reads for the exports (issue 14 §6): every case received in a period, folded from its
//! events and shaped for the reader exactly as the pull shapes it ([`visible_case`]), one case
//! at a time (an export of 100,000 cases never holds them all); and the teaching cases.

use rusqlite::params;
use tousu_shared::{
    access::{Principal, VisibleCase, visible_case},
    clock::Timestamp,
    fold::fold,
    view::CaseView,
};

use super::{Store, StoreError, events, grants};

impl Store {
    /// Calls `f` on `state` with each case received in `[from, to)` that `principal` may see
    /// at `now`, shaped for them, in order of case id (the order they were made in); hands `state`
    /// back.
    pub async fn each_visible_case<S, F>(
        &self,
        principal: Principal,
        now: Timestamp,
        (from, to): (Timestamp, Timestamp),
        mut state: S,
        f: F,
    ) -> Result<S, StoreError>
    where
        S: Send + 'static,
        F: Fn(&mut S, VisibleCase) -> Result<(), StoreError> + Send + 'static,
    {
        self.read(move |conn| {
            let ctx = grants::context(conn, &principal, now)?;
            // One scan of the events of the period's cases, case by case (a query per case
            // cost a third of a 100,000-case export).
            let mut stmt = conn.prepare(
                "SELECT e.case_id, e.event FROM events e JOIN cases c ON c.id = e.case_id
                 WHERE c.received_at >= ?1 AND c.received_at < ?2
                 ORDER BY e.case_id, e.seq",
            )?;
            let mut rows = stmt.query(params![from.0, to.0])?;
            let mut current: Option<(String, Vec<tousu_shared::event::Event>)> = None;
            let finish = |current: Option<(String, Vec<tousu_shared::event::Event>)>,
                          state: &mut S|
             -> Result<(), StoreError> {
                if let Some((id, list)) = current {
                    let case = events::parse_case(&id)?;
                    let view = fold(case, &list);
                    if let Some(shaped) = visible_case(&principal, &view, &ctx) {
                        f(state, shaped)?;
                    }
                }
                Ok(())
            };
            while let Some(row) = rows.next()? {
                let id: String = row.get(0)?;
                if current.as_ref().is_some_and(|(c, _)| *c != id) {
                    finish(current.take(), &mut state)?;
                }
                let raw: String = row.get(1)?;
                let event = events::parse_event(&raw, &id)?;
                current
                    .get_or_insert_with(|| (id, Vec::new()))
                    .1
                    .push(event);
            }
            finish(current.take(), &mut state)?;
            Ok(state)
        })
        .await
    }

    /// Every case marked as a teaching case (destroyed ones included: the caller drops them),
    /// folded, most recently marked first.
    pub async fn teaching_views(&self) -> Result<Vec<CaseView>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT case_id FROM events WHERE kind = 'teaching_case_marked'
                 GROUP BY case_id ORDER BY max(seq) DESC",
            )?;
            let ids = stmt
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            ids.iter()
                .map(|id| {
                    let case = events::parse_case(id)?;
                    Ok(fold(case, &events::case_events(conn, case)?))
                })
                .collect()
        })
        .await
    }
}
