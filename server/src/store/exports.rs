//! Reads for the exports (issue 14 §6): every case received in a period, folded from its
//! events and shaped for the reader exactly as the pull shapes it ([`visible_case`]), one case
//! at a time (an export of 100,000 cases never holds them all).

use rusqlite::params;
use tousu_shared::{
    access::{Principal, VisibleCase, visible_case},
    clock::Timestamp,
    fold::fold,
};

use super::{Store, StoreError, events, grants};

impl Store {
    /// Calls `f` on `state` with each case received in `[from, to)` that `principal` may see
    /// at `now`, shaped for them, in order of reception; hands `state` back.
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
            let mut stmt = conn.prepare(
                "SELECT id FROM cases WHERE received_at >= ?1 AND received_at < ?2
                 ORDER BY received_at, id",
            )?;
            let ids: Vec<String> = stmt
                .query_map(params![from.0, to.0], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for id in ids {
                let case = events::parse_case(&id)?;
                let view = fold(case, &events::case_events(conn, case)?);
                if let Some(shaped) = visible_case(&principal, &view, &ctx) {
                    f(&mut state, shaped)?;
                }
            }
            Ok(state)
        })
        .await
    }
}
