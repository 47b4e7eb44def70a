//! The audit trail: logins, permission denials, archive reads, exports (DESIGN §9). Rows are
//! written in the same transaction as the change they record and chained by hash, so a
//! changed or deleted row is found by `verify`.
//!
//! Denials are counted: the first `permission_denied` of an actor writes a chained row;
//! further denials of the same actor within [`DENIAL_WINDOW_MS`] add to that row's count in
//! `audit_denials` instead of writing rows, so nobody can flood the trail.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use tousu_shared::clock::Timestamp;

use super::{Store, StoreError};

/// Denials by one actor within this window are counted in one audit row.
pub const DENIAL_WINDOW_MS: i64 = 60_000;

/// The chain's starting value.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn row_hash(
    prev: &str,
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &seq.to_string(),
        &at.to_string(),
        actor,
        action,
        subject,
        detail,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends an audit row (call inside the transaction of the change it records).
pub fn append(
    conn: &Connection,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), StoreError> {
    let prev: Option<(i64, String)> = conn
        .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev_hash) = match prev {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let hash = row_hash(&prev_hash, seq, at, actor, action, subject, detail);
    conn.prepare_cached(
        "INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        seq, at, actor, action, subject, detail, prev_hash, hash
    ])?;
    Ok(())
}

/// Records a permission denial: a chained `permission_denied` row for the first denial of
/// `actor` in a window, a count beside that row for the next ones.
pub(super) fn deny(
    conn: &Connection,
    at: i64,
    actor: &str,
    subject: &str,
    detail: &str,
) -> Result<(), StoreError> {
    let counted = conn
        .prepare_cached(
            "UPDATE audit_denials SET count = count + 1 WHERE actor = ?1 AND since > ?2",
        )?
        .execute(params![actor, at - DENIAL_WINDOW_MS])?;
    if counted > 0 {
        return Ok(());
    }
    append(conn, at, actor, "permission_denied", subject, detail)?;
    conn.prepare_cached(
        "INSERT INTO audit_denials (actor, audit_seq, since, count)
         VALUES (?1, (SELECT MAX(seq) FROM audit), ?2, 1)
         ON CONFLICT (actor) DO UPDATE SET audit_seq = excluded.audit_seq,
           since = excluded.since, count = 1",
    )?
    .execute(params![actor, at])?;
    Ok(())
}

/// One audit row to write on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Who (user id, `kiosk:…` or `system`).
    pub actor: String,
    /// What, e.g. `login_rate_limited` or `archive_read`.
    pub action: &'static str,
    /// What it concerns (a user, a case, a month).
    pub subject: String,
    /// More, as JSON.
    pub detail: String,
}

pub use tousu_shared::api::audit::{AuditRow, ChainCheck};

/// Which audit rows to list: each filter that is set must match (actor, action and subject
/// exactly; `from`/`to` in ms, `to` exclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditFilter {
    /// Who.
    pub actor: Option<String>,
    /// What.
    pub action: Option<String>,
    /// Which subject (a case id, a month, a request); a case also matches the access
    /// requests for it and their decisions.
    pub subject: Option<String>,
    /// From, ms.
    pub from: Option<i64>,
    /// Until (exclusive), ms.
    pub to: Option<i64>,
    /// At most this many rows (1–1000, 200 when absent).
    pub limit: Option<i64>,
}

impl Store {
    /// The newest audit rows matching `filter`, newest first.
    pub async fn audit_trail(&self, filter: AuditFilter) -> Result<Vec<AuditRow>, StoreError> {
        let limit = filter.limit.unwrap_or(200).clamp(1, 1000);
        self.read(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT a.seq, a.at, a.actor, a.action, a.subject, a.detail, COALESCE(d.count, 1)
                 FROM audit a LEFT JOIN audit_denials d ON d.audit_seq = a.seq
                 WHERE (?1 IS NULL OR a.actor = ?1) AND (?2 IS NULL OR a.action = ?2)
                   AND (?3 IS NULL OR a.subject = ?3
                        OR (a.action LIKE 'archive_request%' AND a.subject IN (
                            SELECT CAST(id AS TEXT) FROM archive_requests
                            WHERE json_extract(scope, '$.case') = ?3)))
                   AND (?4 IS NULL OR a.at >= ?4)
                   AND (?5 IS NULL OR a.at < ?5)
                 ORDER BY a.seq DESC LIMIT ?6",
            )?;
            let f = filter;
            let rows = stmt.query_map(
                params![f.actor, f.action, f.subject, f.from, f.to, limit],
                |r| {
                    Ok(AuditRow {
                        seq: r.get(0)?,
                        at: r.get(1)?,
                        actor: r.get(2)?,
                        action: r.get(3)?,
                        subject: r.get(4)?,
                        detail: r.get(5)?,
                        count: r.get(6)?,
                    })
                },
            )?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    /// Appends one audit row.
    pub async fn audit(&self, entry: Entry, now: Timestamp) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            append(
                conn,
                now.0,
                &entry.actor,
                entry.action,
                &entry.subject,
                &entry.detail,
            )
        })
        .await
    }

    /// Records a permission denial (counted per actor and minute, see [`DENIAL_WINDOW_MS`]).
    pub async fn deny(
        &self,
        actor: String,
        subject: String,
        detail: String,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            deny(&tx, now.0, &actor, &subject, &detail)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Walks the audit trail's hash chain: intact, or the first bad row.
    pub async fn chain_check(&self) -> Result<ChainCheck, StoreError> {
        self.read(|conn| {
            let rows: i64 = conn.query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))?;
            Ok(match verify(conn) {
                Ok(n) => ChainCheck {
                    intact: true,
                    rows: n,
                    broken_at: None,
                },
                Err(ChainError::Broken { seq }) => ChainCheck {
                    intact: false,
                    rows: rows as u64,
                    broken_at: Some(seq),
                },
                Err(ChainError::Sqlite(e)) => return Err(StoreError::Corrupt(e)),
            })
        })
        .await
    }

    /// Walks the audit trail's hash chain; the number of rows when intact.
    pub async fn verify_audit(&self) -> Result<u64, StoreError> {
        self.read(|conn| verify(conn).map_err(|e| StoreError::Corrupt(e.to_string())))
            .await
    }
}

/// Where the chain breaks.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// A row's content does not match its hash, or its link to the previous row is broken.
    #[error("audit row {seq} was altered or a row before it was removed")]
    Broken {
        /// The first bad row.
        seq: i64,
    },
    /// Reading failed.
    #[error("cannot read the audit trail: {0}")]
    Sqlite(String),
}

/// Walks the whole chain; returns the number of rows when intact.
fn verify(conn: &Connection) -> Result<u64, ChainError> {
    let sqlite = |e: rusqlite::Error| ChainError::Sqlite(e.to_string());
    let mut stmt = conn
        .prepare("SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq")
        .map_err(sqlite)?;
    let mut rows = stmt.query([]).map_err(sqlite)?;
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    let mut n = 0;
    while let Some(r) = rows.next().map_err(sqlite)? {
        let seq: i64 = r.get(0).map_err(sqlite)?;
        let at: i64 = r.get(1).map_err(sqlite)?;
        let actor: String = r.get(2).map_err(sqlite)?;
        let action: String = r.get(3).map_err(sqlite)?;
        let subject: String = r.get(4).map_err(sqlite)?;
        let detail: String = r.get(5).map_err(sqlite)?;
        let prev_hash: String = r.get(6).map_err(sqlite)?;
        let hash: String = r.get(7).map_err(sqlite)?;
        if seq != expected_seq
            || prev_hash != prev
            || hash != row_hash(&prev, seq, at, &actor, &action, &subject, &detail)
        {
            return Err(ChainError::Broken { seq });
        }
        prev = hash;
        expected_seq += 1;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        for sql in crate::store::schema::MIGRATIONS {
            conn.execute_batch(sql).unwrap();
        }
        conn
    }

    fn denials(conn: &Connection) -> Vec<(i64, String, i64)> {
        conn.prepare(
            "SELECT a.seq, a.actor, d.count FROM audit a LEFT JOIN audit_denials d ON d.audit_seq = a.seq
             WHERE a.action = 'permission_denied' ORDER BY a.seq",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<i64>>(2)?.unwrap_or(0))))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    #[test]
    fn repeated_denials_within_a_minute_are_counted_in_one_row() {
        let conn = db();
        for i in 0..50 {
            deny(&conn, 1_000 + i * 100, "handler", "case-1", "{}").unwrap();
        }
        deny(&conn, 2_000, "clerk", "case-2", "{}").unwrap();
        assert_eq!(
            denials(&conn),
            vec![(1, "handler".into(), 50), (2, "clerk".into(), 1)]
        );
        // A minute after the first, a new row.
        deny(&conn, 1_000 + DENIAL_WINDOW_MS, "handler", "case-1", "{}").unwrap();
        assert_eq!(denials(&conn).len(), 3);
        assert_eq!(verify(&conn), Ok(3));
    }

    #[test]
    fn an_intact_chain_verifies_and_tampering_is_found() {
        let conn = db();
        for i in 0..5 {
            append(&conn, i, "supervisor", "login", "supervisor", "{}").unwrap();
        }
        assert_eq!(verify(&conn), Ok(5));
        conn.execute("UPDATE audit SET actor = 'admin' WHERE seq = 3", [])
            .unwrap();
        assert_eq!(verify(&conn), Err(ChainError::Broken { seq: 3 }));
    }

    #[test]
    fn a_deleted_row_is_found() {
        let conn = db();
        for i in 0..4 {
            append(&conn, i, "a", "login", "a", "{}").unwrap();
        }
        conn.execute("DELETE FROM audit WHERE seq = 2", []).unwrap();
        assert_eq!(verify(&conn), Err(ChainError::Broken { seq: 3 }));
    }
}
