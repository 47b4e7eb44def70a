//! The archive's storage (DESIGN §9): archive runs and destruction as system events,
//! access requests (查閱權限) and the grants they become.

use rusqlite::{OptionalExtension, params};
use tousu_shared::{
    access::{AccessContext, GrantScope, Principal},
    clock::Timestamp,
    event::EventBody,
    ids::CaseId,
    view::CaseView,
};

use super::{Store, StoreError, audit, events, grants::context, json};

pub use tousu_shared::api::archive::AccessRequest;

/// A pending request as its decision sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestState {
    /// Who asked.
    pub requester: String,
    /// `pending`, `approved` or `refused`.
    pub status: String,
    /// Days asked for.
    pub days: i64,
}

/// What a decision writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// `approved` or `refused`.
    pub status: &'static str,
    /// Valid until (approved), ms.
    pub until: Option<i64>,
}

impl Store {
    /// The policy context of `principal` at `now`: the time and their active grants.
    pub async fn access_context(
        &self,
        principal: Principal,
        now: Timestamp,
    ) -> Result<AccessContext, StoreError> {
        self.read(move |conn| context(conn, &principal, now)).await
    }

    /// A case's current view (folded from its events) and the principal's access context,
    /// read together.
    pub async fn case_for(
        &self,
        principal: Principal,
        case: CaseId,
        now: Timestamp,
    ) -> Result<Option<(CaseView, AccessContext)>, StoreError> {
        self.read(move |conn| {
            let Some(view) = events::case_view(conn, case)? else {
                return Ok(None);
            };
            Ok(Some((view, context(conn, &principal, now)?)))
        })
        .await
    }

    /// The monthly archive run in one transaction: `pick` chooses among the closed cases
    /// (or refuses the run); each chosen case gets an `archived` event; one audit row
    /// (`archive_run`, subject `label`) records how many, unless none were and `quiet` (the
    /// server's own repeated runs).
    pub async fn archive_cases<E, P>(
        &self,
        actor: String,
        label: String,
        now: Timestamp,
        quiet: bool,
        pick: P,
    ) -> Result<usize, E>
    where
        E: From<StoreError> + Send + 'static,
        P: FnOnce(&[CaseView]) -> Result<Vec<CaseId>, E> + Send + 'static,
    {
        self.with_conn(move |conn| {
            let run = || -> Result<usize, E> {
                let tx = conn.transaction().map_err(StoreError::from)?;
                let closed: Vec<CaseView> = {
                    let mut stmt = tx
                        .prepare("SELECT id FROM cases WHERE stage = 'closed'")
                        .map_err(StoreError::from)?;
                    let ids = stmt
                        .query_map([], |r| r.get::<_, String>(0))
                        .map_err(StoreError::from)?
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(StoreError::from)?;
                    let mut out = Vec::new();
                    for id in ids {
                        out.extend(events::case_view(&tx, events::parse_case(&id)?)?);
                    }
                    out
                };
                let chosen = pick(&closed)?;
                for view in closed.iter().filter(|v| chosen.contains(&v.id)) {
                    events::write_system_event(&tx, view, EventBody::Archived, now)?;
                }
                let n = chosen.len();
                if n == 0 && quiet {
                    return Ok(0);
                }
                audit::append(
                    &tx,
                    now.0,
                    &actor,
                    "archive_run",
                    &label,
                    &format!("{{\"archived\":{n}}}"),
                )?;
                tx.commit().map_err(StoreError::from)?;
                Ok(n)
            };
            Ok(run())
        })
        .await
        .map_err(E::from)?
    }

    /// Files an access request (audited); returns its id.
    pub async fn request_access(
        &self,
        requester: String,
        scope: GrantScope,
        reason: String,
        days: i64,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            let request_id: i64 = tx.query_row(
                "INSERT INTO archive_requests (requester, scope, reason, days, status, created_at)
                 VALUES (?1, ?2, ?3, ?4, 'pending', ?5) RETURNING id",
                params![requester, json(&scope), reason, days, now.0],
                |r| r.get(0),
            )?;
            audit::append(
                &tx,
                now.0,
                &requester,
                "archive_request",
                &request_id.to_string(),
                &json(&scope),
            )?;
            tx.commit()?;
            Ok(request_id)
        })
        .await
    }

    /// Access requests, newest first: everyone's (`requester` None) or one person's.
    pub async fn access_requests(
        &self,
        requester: Option<String>,
    ) -> Result<Vec<AccessRequest>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT id, requester, scope, reason, days, status, decided_by, comment, until FROM archive_requests
                 WHERE ?1 IS NULL OR requester = ?1 ORDER BY id DESC",
            )?;
            let rows = stmt.query_map(params![requester], |r| {
                Ok(AccessRequest {
                    number: None,
                    id: r.get(0)?,
                    requester: r.get(1)?,
                    scope: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or(
                        GrantScope::Case {
                            case: CaseId::from_u128(0),
                        },
                    ),
                    reason: r.get(3)?,
                    days: r.get(4)?,
                    status: r.get(5)?,
                    decided_by: r.get(6)?,
                    comment: r.get(7)?,
                    until: r.get(8)?,
                })
            })?;
            let mut out: Vec<AccessRequest> = rows.collect::<Result<_, _>>()?;
            let mut number = conn.prepare("SELECT number FROM cases WHERE id = ?1")?;
            for request in &mut out {
                if let GrantScope::Case { case } = &request.scope {
                    request.number = number
                        .query_row([case.to_string()], |r| r.get::<_, Option<String>>(0))
                        .optional()?
                        .flatten();
                }
            }
            Ok(out)
        })
        .await
    }

    /// Ends approved request `id`'s grant at `now`, with its audit row, in one transaction;
    /// false when there is no active grant of that id (not approved, or already over).
    pub async fn revoke_access(
        &self,
        revoker: String,
        id: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            let n = tx.execute(
                "UPDATE archive_requests SET until = ?1
                 WHERE id = ?2 AND status = 'approved' AND until > ?1",
                params![now.0, id],
            )?;
            if n == 1 {
                audit::append(
                    &tx,
                    now.0,
                    &revoker,
                    "archive_grant_revoked",
                    &id.to_string(),
                    "{}",
                )?;
            }
            tx.commit()?;
            Ok(n == 1)
        })
        .await
    }

    /// The case numbered `number`, if there is one.
    pub async fn case_by_number(&self, number: String) -> Result<Option<CaseId>, StoreError> {
        self.read(move |conn| {
            let id: Option<String> = conn
                .query_row("SELECT id FROM cases WHERE number = ?1", [number], |r| {
                    r.get(0)
                })
                .optional()?;
            id.map(|id| events::parse_case(&id)).transpose()
        })
        .await
    }

    /// Decides request `id` in one transaction: `decide` judges its state (None when there
    /// is no such request); the decision and its audit row are written together.
    pub async fn decide_access<E, D>(
        &self,
        decider: String,
        id: i64,
        comment: Option<String>,
        now: Timestamp,
        decide: D,
    ) -> Result<(), E>
    where
        E: From<StoreError> + Send + 'static,
        D: FnOnce(Option<RequestState>) -> Result<Decided, E> + Send + 'static,
    {
        self.with_conn(move |conn| {
            let run = || -> Result<(), E> {
                let tx = conn.transaction().map_err(StoreError::from)?;
                let state = tx
                    .query_row(
                        "SELECT requester, status, days FROM archive_requests WHERE id = ?1",
                        [id],
                        |r| {
                            Ok(RequestState {
                                requester: r.get(0)?,
                                status: r.get(1)?,
                                days: r.get(2)?,
                            })
                        },
                    )
                    .optional()
                    .map_err(StoreError::from)?;
                let Decided { status, until } = decide(state)?;
                tx.execute(
                    "UPDATE archive_requests SET status = ?1, decided_by = ?2, decided_at = ?3, comment = ?4, until = ?5 WHERE id = ?6",
                    params![status, decider, now.0, comment, until, id],
                )
                .map_err(StoreError::from)?;
                audit::append(
                    &tx,
                    now.0,
                    &decider,
                    &format!("archive_request_{status}"),
                    &id.to_string(),
                    "{}",
                )?;
                tx.commit().map_err(StoreError::from)?;
                Ok(())
            };
            Ok(run())
        })
        .await
        .map_err(E::from)?
    }
}
