//! Archive access grants: the approved, unexpired access requests of a person, which the
//! policy reads as part of their [`AccessContext`].

use rusqlite::{Connection, params};
use tousu_shared::{
    access::{AccessContext, ArchiveGrant, Principal},
    clock::Timestamp,
};

use super::StoreError;

/// The caller's active grants (approved and not expired).
pub(super) fn grants(
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
pub(super) fn context(
    conn: &Connection,
    principal: &Principal,
    now: Timestamp,
) -> Result<AccessContext, StoreError> {
    Ok(AccessContext {
        now,
        grants: grants(conn, principal, now)?,
    })
}
