//! The server's storage, the one room that holds SQL: opening, pragmas, numbered
//! migrations, one writer connection and a pool of readers (WAL lets them run beside the
//! writer), and the typed operations the rest of the server calls, grouped by what they
//! keep. Nothing outside this module names `rusqlite`, holds a connection or a transaction;
//! no operation's signature carries a SQLite type, so a second implementation (DESIGN §13,
//! PostgreSQL) could offer the same operations.
//!
//! - [`events`]: the event store, case projections, numbering, quarantine, the pull reads;
//! - [`accounts`]: users, roles, sessions, devices and kiosks, failed logins;
//! - [`reference`]: departments, categories, calendar, SLA policy;
//! - [`admin`]: the one "change, audit, commit" path of administrators' changes;
//! - [`archive`]: archive runs, access requests, destruction; `grants`: the active grants;
//! - [`audit`]: the hash-chained audit trail and counted denials;
//! - [`blobs`]: attachments and the cases referring to them.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use rusqlite::Connection;

pub mod accounts;
pub mod admin;
pub mod archive;
pub mod audit;
pub mod blobs;
pub mod destruction;
pub mod events;
pub mod exports;
mod grants;
pub mod intake;
pub mod kiosks;
pub mod push;
pub mod reference;
pub mod schema;
pub mod sessions;
pub mod stats;

use schema::MIGRATIONS;

/// Schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database directory could not be created.
    #[error("cannot create the database directory {dir}: {source}")]
    CreateDir {
        /// Directory that could not be created.
        dir: PathBuf,
        /// Underlying I/O error.
        source: std::io::Error,
    },
    /// SQLite refused to open or write the file.
    #[error("cannot open the database {path}: {source}")]
    Open {
        /// Database path.
        path: PathBuf,
        /// Underlying database error.
        source: BoxError,
    },
    /// The file was written by a newer Tousu; opening it could lose data.
    #[error(
        "the database {path} has schema version {found}, newer than this server's {supported}; \
         run a newer tousu-server or restore a backup"
    )]
    TooNew {
        /// Database path.
        path: PathBuf,
        /// Version found in the file.
        found: u32,
        /// Highest version this build knows.
        supported: u32,
    },
    /// A query failed.
    #[error("database error: {0}")]
    Database(#[source] BoxError),
    /// Stored data no longer parses.
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// The session has no registered device, or the device was revoked.
    #[error("no registered device")]
    NoDevice,
    /// The storage cannot take writes now (disk full, file read-only, I/O error): nothing
    /// was written; the same request succeeds once the operator fixes it, without a restart.
    #[error("storage unavailable: {0:?}")]
    Unavailable(Storage),
}

/// Why the storage cannot take writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// The disk (or the file's quota) is full.
    Full,
    /// The database file is read-only.
    ReadOnly,
    /// The operating system reported an I/O error.
    Io,
}

impl Storage {
    /// The stable error code clients see.
    pub fn code(self) -> &'static str {
        match self {
            Storage::Full => "storage_full",
            Storage::ReadOnly => "storage_read_only",
            Storage::Io => "storage_io_error",
        }
    }
}

/// The cause of a database failure, whichever database it came from.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::DiskFull) => StoreError::Unavailable(Storage::Full),
            Some(C::ReadOnly) => StoreError::Unavailable(Storage::ReadOnly),
            Some(C::SystemIoFailure) => StoreError::Unavailable(Storage::Io),
            _ => StoreError::Database(Box::new(e)),
        }
    }
}

/// The server's SQLite database. Cheap to clone; one connection serialises writes, reads
/// take a connection of their own from a small pool.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<WriterConn>>,
    readers: Arc<Mutex<Vec<Connection>>>,
    path: Arc<PathBuf>,
    stats: Arc<Mutex<stats::StatCache>>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                dir: dir.to_path_buf(),
                source,
            })?;
        }
        let open_err = |source: rusqlite::Error| StoreError::Open {
            path: path.to_path_buf(),
            source: Box::new(source),
        };
        let mut conn = writer(path).map_err(open_err)?;
        migrate(&mut conn, path)?;
        let filled = events::backfill_stats(&mut conn)?;
        if filled > 0 {
            tracing::info!(cases = filled, "statistics rows filled in");
        }
        Ok(Store {
            conn: Arc::new(Mutex::new(WriterConn { conn, stale: false })),
            readers: Arc::new(Mutex::new(Vec::new())),
            path: Arc::new(path.to_path_buf()),
            stats: Arc::default(),
        })
    }

    /// Runs `f` with a read connection on a blocking thread. Reads never wait for the writer.
    async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let readers = self.readers.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = readers
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .pop();
            let conn = match pooled {
                Some(conn) => conn,
                None => reader(path.as_path())?,
            };
            let result = f(&conn);
            let mut pool = readers
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if pool.len() < 8 {
                pool.push(conn);
            }
            result
        })
        .await
        .expect("database task panicked")
    }

    /// Runs `f` with the writer connection on a blocking thread, off the async runtime.
    async fn with_conn<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = self.conn.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock cannot leave SQLite half-written (transactions
            // roll back), so a poisoned lock is safe to reuse.
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            // A connection opened on a read-only file stays read-only: after a read-only or
            // I/O failure every call opens it again until it is writable, so writes work once
            // the operator has made the file writable, without a restart. The old connection
            // is closed first (while it is open, SQLite opens the file read-only again).
            if guard.stale {
                drop(std::mem::replace(
                    &mut guard.conn,
                    Connection::open_in_memory()?,
                ));
                // On failure `stale` stays set: the next write tries again.
                guard.conn = writer(path.as_path())?;
                // Still read-only (the file is not writable yet): again at the next call.
                guard.stale = guard.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true);
            }
            let result = f(&mut guard.conn);
            if let Err(StoreError::Unavailable(storage)) = &result {
                tracing::error!(?storage, "the database cannot take writes; answering 503");
                guard.stale |= *storage != Storage::Full;
            }
            result
        })
        .await
        .expect("database task panicked")
    }

    /// Copies the database to `to` with SQLite's online backup, in one step under one read
    /// transaction: a consistent snapshot holding every commit made before it began, while
    /// the server (this process or another) goes on writing. Written beside `to` first,
    /// checked with `integrity_check`, then renamed into place; `to` must not exist. Answers
    /// the pages copied.
    pub async fn backup_to(&self, to: PathBuf) -> Result<u64, StoreError> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            if to.exists() {
                return Err(StoreError::Corrupt(format!(
                    "{} exists: a backup never overwrites a file",
                    to.display()
                )));
            }
            let partial = to.with_extension("partial");
            let _ = std::fs::remove_file(&partial);
            let source = reader(path.as_path())?;
            let mut copy = Connection::open(&partial)?;
            {
                let backup = rusqlite::backup::Backup::new(&source, &mut copy)?;
                // All pages in one step: one read transaction, so nothing written meanwhile
                // can make the copy start over or mix two moments.
                use rusqlite::backup::StepResult;
                loop {
                    match backup.step(-1)? {
                        StepResult::Done => break,
                        StepResult::More => {}
                        _ => std::thread::sleep(std::time::Duration::from_millis(50)),
                    }
                }
            }
            let check: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            if check != "ok" {
                return Err(StoreError::Corrupt(format!("the copy: {check}")));
            }
            let pages: i64 = copy.query_row("PRAGMA page_count", [], |r| r.get(0))?;
            drop(copy);
            std::fs::rename(&partial, &to).map_err(|e| {
                StoreError::Corrupt(format!("move the copy to {}: {e}", to.display()))
            })?;
            Ok(pages as u64)
        })
        .await
        .expect("backup task panicked")
    }

    /// Checks the database answers a query and returns its schema version.
    pub async fn schema_version(&self) -> Result<u32, StoreError> {
        self.with_conn(|conn| Ok(user_version(conn)?)).await
    }
}

/// A domain value as the JSON text the store keeps.
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("domain types serialize")
}

/// The writer connection, and whether a read-only or I/O failure calls for opening it again.
struct WriterConn {
    conn: Connection,
    stale: bool,
}

/// The one connection that writes.
fn writer(path: &Path) -> rusqlite::Result<Connection> {
    let mut conn = Connection::open(path)?;
    configure(&conn)?;
    // Every transaction of the writer takes the write lock when it begins. A deferred one
    // reads first and upgrades later, and SQLite answers an upgrade that meets a lock with
    // SQLITE_BUSY at once, without the busy timeout; a reader opening a connection holds
    // the WAL write lock for a moment while it reads the WAL index, so under load a push
    // failed with "database is locked" (2 runs in ~130 of the sync load harness).
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    Ok(conn)
}

/// A read-only connection for the pool.
fn reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // WAL lets readers run beside the writer; FULL makes every acknowledged commit durable.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, "SQLite did not switch to WAL mode");
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
    Ok(())
}

fn user_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let open_err = |source: rusqlite::Error| StoreError::Open {
        path: path.to_path_buf(),
        source: Box::new(source),
    };
    let found = user_version(conn).map_err(open_err)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (idx, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = idx as u32 + 1;
        let tx = conn.transaction().map_err(open_err)?;
        tx.execute_batch(sql).map_err(open_err)?;
        tx.pragma_update(None, "user_version", version)
            .map_err(open_err)?;
        tx.commit().map_err(open_err)?;
        tracing::info!(version, "applied database migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fresh_database_is_migrated_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/tousu.sqlite3");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().await.unwrap(), SCHEMA_VERSION);
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().await.unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn an_older_database_is_migrated_keeping_its_cases() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tousu.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            for (i, sql) in MIGRATIONS.iter().take(4).enumerate() {
                conn.execute_batch(sql).unwrap();
                conn.pragma_update(None, "user_version", i as i64 + 1)
                    .unwrap();
            }
            conn.execute(
                "INSERT INTO cases (id, stage, last_seq, view) VALUES ('c1', 'closed', 7, '{}')",
                [],
            )
            .unwrap();
            for seq in [3, 7] {
                conn.execute(
                    "INSERT INTO events (seq, id, case_id, device_id, dev_seq, kind, event, received_at)
                     VALUES (?1, ?2, 'c1', 'd1', ?1, 'registered', '{}', 0)",
                    rusqlite::params![seq, format!("e{seq}")],
                )
                .unwrap();
            }
        }
        let store = Store::open(&path).unwrap();
        let conn = &store.conn.lock().unwrap().conn;
        let (stage, seq): (String, i64) = conn
            .query_row(
                "SELECT stage, last_seq FROM cases WHERE id = 'c1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((stage.as_str(), seq), ("closed", 7));
        assert_eq!(user_version(conn).unwrap(), SCHEMA_VERSION);
        // The events kept their sequence numbers; the next one follows the highest.
        let next: i64 = conn
            .query_row(
                "INSERT INTO events (id, case_id, device_id, dev_seq, kind, event, received_at)
                 VALUES ('e8', 'c1', 'd1', 8, 'note_added', '{}', 0) RETURNING seq",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let seqs: Vec<i64> = conn
            .prepare("SELECT seq FROM events WHERE case_id = 'c1' ORDER BY seq")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!((seqs, next), (vec![3, 7, 8], 8));
        // Three indexes on events: the unique event id, the case's history and the teaching
        // cases.
        let indexes: Vec<(String, bool)> = conn
            .prepare("SELECT name, \"unique\" FROM pragma_index_list('events') ORDER BY name")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            indexes,
            vec![
                ("events_case".to_string(), false),
                ("events_teaching".to_string(), false),
                ("sqlite_autoindex_events_1".to_string(), true)
            ]
        );
    }

    /// Readers opening connections (as `read` does when its pool is empty) while the writer
    /// runs transactions that read before they write: no transaction may fail with
    /// SQLITE_BUSY. With deferred transactions this failed several times a second here.
    #[test]
    fn writes_do_not_fail_while_readers_open_connections() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tousu.sqlite3");
        let mut conn = writer(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
             CREATE TABLE d (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
             INSERT INTO d VALUES (1, 0);",
        )
        .unwrap();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let readers: Vec<_> = (0..6)
            .map(|_| {
                let (path, stop) = (path.clone(), stop.clone());
                std::thread::spawn(move || {
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let conn = reader(&path).unwrap();
                        for _ in 0..3 {
                            conn.query_row("SELECT n FROM d", [], |r| r.get::<_, i64>(0))
                                .unwrap();
                        }
                    }
                })
            })
            .collect();
        let started = std::time::Instant::now();
        let value = "x".repeat(400);
        let mut result = Ok(());
        while result.is_ok() && started.elapsed() < std::time::Duration::from_secs(2) {
            result = (|| {
                let tx = conn.transaction()?;
                let n: i64 = tx.query_row("SELECT n FROM d", [], |r| r.get(0))?;
                for _ in 0..20 {
                    tx.execute("INSERT INTO t (v) VALUES (?1)", [&value])?;
                }
                tx.execute("UPDATE d SET n = ?1", [n + 1])?;
                tx.commit()
            })();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for r in readers {
            r.join().unwrap();
        }
        result.expect("a write transaction never meets SQLITE_BUSY");
    }

    #[test]
    fn refuses_a_database_from_a_newer_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tousu.sqlite3");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = Store::open(&path).err().expect("must refuse");
        assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
        assert!(err.to_string().contains("newer"), "{err}");
    }

    #[test]
    fn unwritable_directory_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"not a directory").unwrap();
        let err = Store::open(&blocker.join("tousu.sqlite3"))
            .err()
            .expect("must fail");
        assert!(err.to_string().contains("cannot create"), "{err}");
    }
}
