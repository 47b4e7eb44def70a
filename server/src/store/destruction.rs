//! Destruction's storage (DESIGN §9, 004 "經公司相關領導批准"): proposals by an archivist,
//! decided by a leader; an approval erases the cases in the same transaction as the
//! decision. The rules are `crate::archive`'s; this module only reads and writes.

use rusqlite::{Connection, OptionalExtension, params};
use tousu_shared::{
    api::archive::DestructionDecision, clock::Timestamp, event::EventBody, fold::fold, ids::CaseId,
    retention::erase_event, view::CaseView,
};

use super::{Store, StoreError, audit, events};

/// A stored proposal, its cases' current views beside it.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// Id.
    pub id: i64,
    /// The archivist's account id.
    pub proposed_by: String,
    /// When, ms.
    pub proposed_at: i64,
    /// Why.
    pub reason: String,
    /// The cases' views (as they are now: erased once approved).
    pub cases: Vec<CaseView>,
    /// `pending`, `approved` or `refused`.
    pub status: String,
    /// The leader who decided.
    pub decided_by: Option<String>,
    /// When, ms.
    pub decided_at: Option<i64>,
    /// The leader's comment.
    pub comment: Option<String>,
}

/// Writes the `destroyed` event of `view`'s case, rewrites every stored event of it without
/// personal data and free text, refreshes its folded row and audits it (call in a
/// transaction).
fn destroy_case(
    tx: &Connection,
    actor: &str,
    view: &CaseView,
    detail: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    let case = view.id;
    events::write_system_event(tx, view, EventBody::Destroyed, now)?;
    let erased: Vec<_> = events::case_events(tx, case)?
        .iter()
        .map(erase_event)
        .collect();
    for event in &erased {
        events::rewrite_event(tx, event)?;
    }
    let last = events::last_seq(tx, case)?;
    let inputs = super::stats::StatInputs::load(tx)?;
    events::store_view(tx, &fold(case, &erased), last, &inputs)?;
    audit::append(tx, now.0, actor, "destroy", &case.to_string(), detail)
}

fn views(conn: &Connection, cases: &[CaseId]) -> Result<Vec<CaseView>, StoreError> {
    let mut out = Vec::with_capacity(cases.len());
    for &case in cases {
        out.extend(events::case_view(conn, case)?);
    }
    Ok(out)
}

fn case_ids(raw: &str) -> Result<Vec<CaseId>, StoreError> {
    serde_json::from_str(raw).map_err(|e| StoreError::Corrupt(format!("destruction cases: {e}")))
}

impl Store {
    /// The views of every archived or destroyed case.
    pub async fn archived_views(&self) -> Result<Vec<CaseView>, StoreError> {
        self.read(|conn| {
            let ids: Vec<String> = conn
                .prepare("SELECT id FROM cases WHERE stage IN ('archived', 'destroyed')")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                out.extend(events::case_view(conn, events::parse_case(&id)?)?);
            }
            Ok(out)
        })
        .await
    }

    /// Files a destruction proposal in one transaction with its audit row: `check` judges
    /// the cases' views (one view per id, None for an unknown id) and may refuse.
    pub async fn propose_destruction<E, C>(
        &self,
        proposer: String,
        cases: Vec<CaseId>,
        reason: String,
        now: Timestamp,
        check: C,
    ) -> Result<i64, E>
    where
        E: From<StoreError> + Send + 'static,
        C: FnOnce(&[(CaseId, Option<CaseView>)]) -> Result<(), E> + Send + 'static,
    {
        self.with_conn(move |conn| {
            let run = || -> Result<i64, E> {
                let tx = conn.transaction().map_err(StoreError::from)?;
                let mut found = Vec::with_capacity(cases.len());
                for &case in &cases {
                    found.push((case, events::case_view(&tx, case)?));
                }
                check(&found)?;
                let ids = serde_json::to_string(&cases).expect("ids serialize");
                let id: i64 = tx
                    .query_row(
                        "INSERT INTO destructions (proposed_by, proposed_at, reason, cases, status)
                         VALUES (?1, ?2, ?3, ?4, 'pending') RETURNING id",
                        params![proposer, now.0, reason, ids],
                        |r| r.get(0),
                    )
                    .map_err(StoreError::from)?;
                let detail = format!("{{\"cases\":{ids}}}");
                audit::append(
                    &tx,
                    now.0,
                    &proposer,
                    "destruction_proposed",
                    &id.to_string(),
                    &detail,
                )?;
                tx.commit().map_err(StoreError::from)?;
                Ok(id)
            };
            Ok(run())
        })
        .await
        .map_err(E::from)?
    }

    /// Every destruction proposal, newest first, with its cases' views.
    pub async fn destruction_proposals(&self) -> Result<Vec<Proposal>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT id, proposed_by, proposed_at, reason, cases, status, decided_by, decided_at, comment
                 FROM destructions ORDER BY id DESC",
            )?;
            let rows: Vec<(Proposal, String)> = stmt
                .query_map([], |r| {
                    Ok((
                        Proposal {
                            id: r.get(0)?,
                            proposed_by: r.get(1)?,
                            proposed_at: r.get(2)?,
                            reason: r.get(3)?,
                            cases: Vec::new(),
                            status: r.get(5)?,
                            decided_by: r.get(6)?,
                            decided_at: r.get(7)?,
                            comment: r.get(8)?,
                        },
                        r.get(4)?,
                    ))
                })?
                .collect::<Result<_, _>>()?;
            let mut out = Vec::with_capacity(rows.len());
            for (mut proposal, ids) in rows {
                proposal.cases = views(conn, &case_ids(&ids)?)?;
                out.push(proposal);
            }
            Ok(out)
        })
        .await
    }

    /// Decides proposal `id` (approve or refuse, with a comment) in one transaction: `check` judges the stored proposal (None
    /// when there is none) and may refuse; an approval then destroys each of its cases
    /// (`recheck` judges each view again first, any refusal undoing all), and the decision
    /// and its audit rows are written together. Returns how many cases were destroyed.
    pub async fn decide_destruction<E, C, R>(
        &self,
        decider: String,
        id: i64,
        decision: DestructionDecision,
        now: Timestamp,
        check: C,
        recheck: R,
    ) -> Result<usize, E>
    where
        E: From<StoreError> + Send + 'static,
        C: FnOnce(Option<&Proposal>) -> Result<(), E> + Send + 'static,
        R: Fn(&CaseView) -> Result<(), E> + Send + 'static,
    {
        let DestructionDecision { approve, comment } = decision;
        self.with_conn(move |conn| {
            let run = || -> Result<usize, E> {
                let tx = conn.transaction().map_err(StoreError::from)?;
                let stored = tx
                    .query_row(
                        "SELECT proposed_by, status, cases FROM destructions WHERE id = ?1",
                        [id],
                        |r| {
                            Ok((
                                r.get::<_, String>(0)?,
                                r.get::<_, String>(1)?,
                                r.get::<_, String>(2)?,
                            ))
                        },
                    )
                    .optional()
                    .map_err(StoreError::from)?;
                let proposal = match stored {
                    Some((proposed_by, status, ids)) => Some(Proposal {
                        id,
                        proposed_by,
                        proposed_at: 0,
                        reason: String::new(),
                        cases: views(&tx, &case_ids(&ids)?)?,
                        status,
                        decided_by: None,
                        decided_at: None,
                        comment: None,
                    }),
                    None => None,
                };
                check(proposal.as_ref())?;
                let proposal = proposal.ok_or(StoreError::Corrupt("checked proposal".into()))?;
                let mut destroyed = 0;
                if approve {
                    let detail = serde_json::json!({
                        "proposal": id,
                        "proposed_by": proposal.proposed_by,
                    })
                    .to_string();
                    for view in &proposal.cases {
                        recheck(view)?;
                        destroy_case(&tx, &decider, view, &detail, now)?;
                        destroyed += 1;
                    }
                }
                let status = if approve { "approved" } else { "refused" };
                tx.execute(
                    "UPDATE destructions SET status = ?1, decided_by = ?2, decided_at = ?3, comment = ?4 WHERE id = ?5",
                    params![status, decider, now.0, comment, id],
                )
                .map_err(StoreError::from)?;
                audit::append(
                    &tx,
                    now.0,
                    &decider,
                    &format!("destruction_{status}"),
                    &id.to_string(),
                    &format!("{{\"destroyed\":{destroyed}}}"),
                )?;
                tx.commit().map_err(StoreError::from)?;
                Ok(destroyed)
            };
            Ok(run())
        })
        .await
        .map_err(E::from)?
    }
}
