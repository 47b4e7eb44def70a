//! The archive (DESIGN §9): monthly archive runs, time-limited access requests and their
//! grants, audited reads, destruction after retention.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use tousu_shared::{
    access::{AccessContext, ArchiveGrant, GrantScope, Principal},
    clock::{CHINA_OFFSET_MINUTES, DAY_MS, Timestamp},
    event::{CommandKind, EventBody},
    fold::{CaseView, erase_event, fold},
    ids::CaseId,
    model::Stage,
};

use crate::{
    store::{StoreError, audit},
    sync::{self, case_events},
};

/// An access request as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequest {
    /// Id.
    pub id: i64,
    /// Who asks.
    pub requester: String,
    /// Which cases.
    pub scope: GrantScope,
    /// Why.
    pub reason: String,
    /// For how many days.
    pub days: i64,
    /// `pending`, `approved` or `refused`.
    pub status: String,
    /// Who decided.
    pub decided_by: Option<String>,
    /// The decider's comment.
    pub comment: Option<String>,
    /// Valid until (approved requests), ms.
    pub until: Option<i64>,
}

/// The caller's active grants (approved and not expired).
pub fn grants(
    conn: &Connection,
    principal: &Principal,
    now: Timestamp,
) -> Result<Vec<ArchiveGrant>, StoreError> {
    let Principal::User { id, .. } = principal else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT scope, until FROM archive_requests WHERE requester = ?1 AND status = 'approved' AND until > ?2",
    )?;
    let rows = stmt.query_map(params![id.to_string(), now.0], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (scope, until) = row?;
        let scope = serde_json::from_str(&scope).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        out.push(ArchiveGrant {
            scope,
            until: Timestamp(until),
        });
    }
    Ok(out)
}

/// The policy context of a principal at `now`, with their grants.
pub fn context(
    conn: &Connection,
    principal: &Principal,
    now: Timestamp,
) -> Result<AccessContext, StoreError> {
    Ok(AccessContext {
        now,
        grants: grants(conn, principal, now)?,
    })
}

/// Why an archive operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The policy says no.
    #[error("not allowed")]
    Forbidden,
    /// Only past months are archived (month-end archiving).
    #[error("only months that have ended can be archived")]
    MonthNotOver,
    /// Not found (or not visible).
    #[error("not found")]
    NotFound,
    /// The request was already decided, or is the decider's own.
    #[error("{0}")]
    Conflict(&'static str),
    /// Retention is not over.
    #[error("retention is not over for case {0}")]
    RetentionNotOver(CaseId),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ArchiveError {
    fn from(e: rusqlite::Error) -> Self {
        ArchiveError::Store(e.into())
    }
}

fn write_case_event(
    tx: &rusqlite::Transaction,
    view: &CaseView,
    body: EventBody,
    now: Timestamp,
) -> Result<CaseView, StoreError> {
    let mut events = case_events(tx, view.id)?;
    let after = events
        .iter()
        .map(|e| e.hlc)
        .max()
        .unwrap_or(tousu_shared::clock::Hlc::ZERO);
    let (event, seq) = sync::write_system_event(tx, view.id, view.heads.clone(), after, body, now)?;
    events.push(event);
    let view = fold(view.id, &events);
    sync::store_view(tx, &view, seq)?;
    Ok(view)
}

/// Archives the cases closed in `year`-`month` (China time). The month must be over.
pub fn run(
    conn: &mut Connection,
    principal: &Principal,
    year: i32,
    month: u8,
    now: Timestamp,
) -> Result<usize, ArchiveError> {
    let today = now.date(CHINA_OFFSET_MINUTES);
    if (year, month) >= (today.year(), today.month()) {
        return Err(ArchiveError::MonthNotOver);
    }
    let ctx = AccessContext {
        now,
        grants: Vec::new(),
    };
    let tx = conn.transaction()?;
    let views: Vec<CaseView> = {
        let mut stmt = tx.prepare("SELECT id FROM cases WHERE stage = 'closed'")?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::new();
        for id in ids {
            let case = CaseId(
                id.parse()
                    .map_err(|_| StoreError::Corrupt(format!("case id {id}")))?,
            );
            out.extend(sync::case_view(&tx, case)?);
        }
        out
    };
    let mut n = 0;
    for view in views {
        let Some(closed) = view.entered(Stage::Closed) else {
            continue;
        };
        let d = closed.date(CHINA_OFFSET_MINUTES);
        if (d.year(), d.month()) != (year, month) {
            continue;
        }
        if tousu_shared::access::authorize(principal, CommandKind::Archive, Some(&view), &ctx)
            .is_err()
        {
            return Err(ArchiveError::Forbidden);
        }
        write_case_event(&tx, &view, EventBody::Archived, now)?;
        n += 1;
    }
    let who = actor_name(principal);
    audit::append(
        &tx,
        now.0,
        &who,
        "archive_run",
        &format!("{year:04}-{month:02}"),
        &format!("{{\"archived\":{n}}}"),
    )?;
    tx.commit()?;
    Ok(n)
}

fn actor_name(principal: &Principal) -> String {
    match principal {
        Principal::User { id, .. } => id.to_string(),
        Principal::Kiosk { device } => format!("kiosk:{device}"),
        Principal::System => "system".into(),
    }
}

/// Files an access request.
pub fn request(
    conn: &mut Connection,
    principal: &Principal,
    scope: &GrantScope,
    reason: &str,
    days: i64,
    now: Timestamp,
) -> Result<i64, ArchiveError> {
    let Principal::User { id, .. } = principal else {
        return Err(ArchiveError::Forbidden);
    };
    let tx = conn.transaction()?;
    let request_id: i64 = tx.query_row(
        "INSERT INTO archive_requests (requester, scope, reason, days, status, created_at)
         VALUES (?1, ?2, ?3, ?4, 'pending', ?5) RETURNING id",
        params![
            id.to_string(),
            serde_json::to_string(scope).expect("json"),
            reason,
            days,
            now.0
        ],
        |r| r.get(0),
    )?;
    audit::append(
        &tx,
        now.0,
        id.as_str(),
        "archive_request",
        &request_id.to_string(),
        &serde_json::to_string(scope).expect("json"),
    )?;
    tx.commit()?;
    Ok(request_id)
}

/// Lists requests: one's own, or all for archivists.
pub fn list(conn: &Connection, principal: &Principal) -> Result<Vec<AccessRequest>, StoreError> {
    let (me, all) = match principal {
        Principal::User { id, roles, .. } => (
            id.to_string(),
            roles.contains(&tousu_shared::access::Role::Archivist),
        ),
        _ => return Ok(Vec::new()),
    };
    let mut stmt = conn.prepare(
        "SELECT id, requester, scope, reason, days, status, decided_by, comment, until FROM archive_requests
         WHERE ?1 OR requester = ?2 ORDER BY id DESC",
    )?;
    let rows = stmt.query_map(params![all, me], |r| {
        Ok(AccessRequest {
            id: r.get(0)?,
            requester: r.get(1)?,
            scope: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or(GrantScope::Case {
                case: CaseId::from_u128(0),
            }),
            reason: r.get(3)?,
            days: r.get(4)?,
            status: r.get(5)?,
            decided_by: r.get(6)?,
            comment: r.get(7)?,
            until: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An archivist approves or refuses a pending request (not their own).
pub fn decide(
    conn: &mut Connection,
    principal: &Principal,
    request_id: i64,
    approve: bool,
    comment: Option<&str>,
    now: Timestamp,
) -> Result<(), ArchiveError> {
    let Principal::User { id, roles, .. } = principal else {
        return Err(ArchiveError::Forbidden);
    };
    if !roles.contains(&tousu_shared::access::Role::Archivist) {
        return Err(ArchiveError::Forbidden);
    }
    let tx = conn.transaction()?;
    let row: Option<(String, String, i64)> = tx
        .query_row(
            "SELECT requester, status, days FROM archive_requests WHERE id = ?1",
            [request_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (requester, status, days) = row.ok_or(ArchiveError::NotFound)?;
    if status != "pending" {
        return Err(ArchiveError::Conflict("the request is already decided"));
    }
    if requester == id.as_str() {
        return Err(ArchiveError::Conflict("nobody decides their own request"));
    }
    let (status, until) = if approve {
        ("approved", Some(now.0 + days * DAY_MS))
    } else {
        ("refused", None)
    };
    tx.execute(
        "UPDATE archive_requests SET status = ?1, decided_by = ?2, decided_at = ?3, comment = ?4, until = ?5 WHERE id = ?6",
        params![status, id.to_string(), now.0, comment, until, request_id],
    )?;
    audit::append(
        &tx,
        now.0,
        id.as_str(),
        &format!("archive_request_{status}"),
        &request_id.to_string(),
        "{}",
    )?;
    tx.commit()?;
    Ok(())
}

/// Reads a case as `principal` may see it; reads of archived cases are audited.
pub fn read_case(
    conn: &Connection,
    principal: &Principal,
    case: CaseId,
    now: Timestamp,
) -> Result<Option<tousu_shared::access::VisibleCase>, StoreError> {
    let Some(view) = sync::case_view(conn, case)? else {
        return Ok(None);
    };
    let ctx = context(conn, principal, now)?;
    let visible = tousu_shared::access::visible_case(principal, &view, &ctx);
    if visible.is_some() && matches!(view.stage, Stage::Archived | Stage::Destroyed) {
        audit::append(
            conn,
            now.0,
            &actor_name(principal),
            "archive_read",
            &case.to_string(),
            "{}",
        )?;
    }
    Ok(visible)
}

/// Destroys archived cases whose retention is over: a `destroyed` event, then every stored
/// event of the case rewritten without personal data and free text.
pub fn destroy(
    conn: &mut Connection,
    principal: &Principal,
    cases: &[CaseId],
    retention_days: i64,
    now: Timestamp,
) -> Result<usize, ArchiveError> {
    let ctx = AccessContext {
        now,
        grants: Vec::new(),
    };
    let tx = conn.transaction()?;
    for &case in cases {
        let view = sync::case_view(&tx, case)?.ok_or(ArchiveError::NotFound)?;
        tousu_shared::access::authorize(principal, CommandKind::Destroy, Some(&view), &ctx)
            .map_err(|_| ArchiveError::Forbidden)?;
        let archived = view
            .entered(Stage::Archived)
            .ok_or(ArchiveError::Forbidden)?;
        if now.0 - archived.0 < retention_days * DAY_MS {
            return Err(ArchiveError::RetentionNotOver(case));
        }
        let view = write_case_event(&tx, &view, EventBody::Destroyed, now)?;
        let events = case_events(&tx, case)?;
        for event in &events {
            tx.execute(
                "UPDATE events SET event = ?1 WHERE id = ?2",
                params![
                    serde_json::to_string(&erase_event(event)).expect("json"),
                    event.id.to_string()
                ],
            )?;
        }
        let erased: Vec<_> = events.iter().map(erase_event).collect();
        let last_seq: i64 = tx.query_row(
            "SELECT MAX(seq) FROM events WHERE case_id = ?1",
            [case.to_string()],
            |r| r.get(0),
        )?;
        sync::store_view(&tx, &fold(case, &erased), last_seq)?;
        let _ = view;
        audit::append(
            &tx,
            now.0,
            &actor_name(principal),
            "destroy",
            &case.to_string(),
            "{}",
        )?;
    }
    tx.commit()?;
    Ok(cases.len())
}
