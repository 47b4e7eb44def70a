//! The audit trail: logins, permission denials, archive reads, exports (DESIGN §9). Rows are
//! written in the same transaction as the change they record and chained by hash, so a
//! changed or deleted row is found by `verify`.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

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
) -> rusqlite::Result<()> {
    let prev: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev_hash) = match prev {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let hash = row_hash(&prev_hash, seq, at, actor, action, subject, detail);
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, at, actor, action, subject, detail, prev_hash, hash],
    )?;
    Ok(())
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
pub fn verify(conn: &Connection) -> Result<u64, ChainError> {
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
        conn.execute_batch(crate::store::schema::MIGRATIONS[1])
            .unwrap();
        conn
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
