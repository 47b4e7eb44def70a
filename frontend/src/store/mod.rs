//! The browser's local database (IndexedDB): schema, upgrades and small typed accessors.
//!
//! Architecture invariant: only this module touches IndexedDB. The schema is versioned; each
//! version's upgrade step runs once, in order, inside the browser's version-change
//! transaction, so a tablet that skipped releases upgrades through every step.

mod attachments;
pub mod bundles;
#[cfg(all(test, target_arch = "wasm32"))]
pub(crate) mod contract;
pub mod kept;
pub mod memory;
pub mod meta;
mod user;

use indexed_db_futures::{database::Database, prelude::*, transaction::TransactionMode};

use serde::{Deserialize, Serialize, de::DeserializeOwned};

pub use kept::Changed;
pub use memory::MemoryStore;
pub use meta::{DeviceStore, Session};
pub use user::UserStore;

pub use crate::pull::{PullPage, PullPosition};
use tousu_shared::{
    api::sync::Quarantine,
    author::Author,
    event::Event,
    fold::fold,
    ids::{CaseId, EventId},
    sla::{SlaPolicy, WorkCalendar},
    summary::CaseSummary,
};

/// Current schema version of the local database.
pub const SCHEMA_VERSION: u32 = 5;

/// Name of the device-wide database: device identity, chosen language, who is signed in.
/// Shared by every user of a tablet; holds no case data.
const DEVICE_DB: &str = "tousu-device";

/// Prefix of each user's own database (`tousu-user-<username>`): their session, cases,
/// outbox and sync state. Signing out deletes it, leaving other users' work alone.
pub const USER_DB_PREFIX: &str = "tousu-user-";

/// Key-value store: device id, session, writing state, sync cursor. Present since version 1.
pub const META: &str = "meta";
/// Each case's events as one JSON array, by case id (one record per case: a first sync of
/// 10,000 cases writes 10,000 records, not 50,000). Since v3.
pub const EVENTS: &str = "events";
/// Events not yet acknowledged by the server, by `dev_seq`. Since v3.
pub const OUTBOX: &str = "outbox";
/// One [`CaseSummary`] per case, by case id, for lists. Since v3.
pub const CASES: &str = "cases";
/// Events the server stored without applying, by event id, with the reason. Since v3.
pub const QUARANTINE: &str = "quarantine";

/// Attachment bytes by SHA-256 hash (photos taken here, or fetched once). Since v4.
pub const BLOBS: &str = "blobs";
/// Hashes of attachments taken here and not yet uploaded. Since v4.
pub const BLOB_OUTBOX: &str = "blob_outbox";

/// Meta key of this browser install's device id.
const DEVICE_ID_KEY: &str = "device_id";
/// Device meta key naming the user signed in on this tablet.
const CURRENT_USER_KEY: &str = "current_user";
/// User meta key of the session (token, user, expiry).
const SESSION_KEY: &str = "session";
/// User meta key of the [`Author`] state.
const AUTHOR_KEY: &str = "author";
/// User meta key of the pull cursor.
const CURSOR_KEY: &str = "cursor";
/// What this app keeps in a case summary; a database whose summaries were written by an
/// older app is folded again once. 2: the next step (my to-do, issue 15 §4).
pub const SUMMARY_FORMAT: &str = "2";
/// User meta key of the summary format the summaries were written in.
const SUMMARY_FORMAT_KEY: &str = "summary_format";
/// User meta key of the reference data (catalog, calendar, SLA policy).
const REFERENCE_KEY: &str = "reference";
/// User meta key of the last successful sync (ms since the epoch).
const LAST_SYNC_KEY: &str = "last_sync";
/// User meta key of the urgent cases whose alert this user acknowledged on this device.
const ALERTS_SEEN_KEY: &str = "alerts_seen";
/// Meta key of the deadline alerts already raised here (their keys).
const DEADLINES_ALERTED_KEY: &str = "deadlines_alerted";
/// Meta key: while a first pull's snapshot is being read, the case it continues after.
const SNAPSHOT_AFTER_KEY: &str = "snapshot_after";
/// User meta key of the scope key the pulled data was made for.
const SCOPE_KEY: &str = "scope";

pub use bundles::{EVENT_BUNDLES, SUMMARY_BUNDLES};

/// Why a local database operation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    /// Opening or upgrading the database failed (blocked, quota, private mode…).
    #[error("cannot open local database: {0}")]
    Open(String),
    /// A read or write failed.
    #[error("local database error: {0}")]
    Idb(String),
    /// A stored record no longer parses.
    #[error("corrupt local record: {0}")]
    Corrupt(String),
}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(err: indexed_db_futures::error::Error) -> Self {
        StoreError::Idb(err.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(err: indexed_db_futures::error::OpenDbError) -> Self {
        StoreError::Open(err.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(err: serde_json::Error) -> Self {
        StoreError::Corrupt(err.to_string())
    }
}

/// Opens `name` at the current schema version, upgrading it if it is older.
async fn open(name: &str) -> Result<Database, StoreError> {
    open_at_version(name, SCHEMA_VERSION).await
}

/// Opens `name` at `version`, running every upgrade step between the stored version and it.
/// Tests use it to create databases as an older release would have left them.
pub async fn open_at_version(name: &str, version: u32) -> Result<Database, StoreError> {
    let db = Database::open(name)
        .with_version(version)
        .with_on_upgrade_needed(|event, db| {
            let old = event.old_version() as u32;
            let new = event.new_version().map_or(old, |v| v as u32);
            for step in (old + 1)..=new {
                upgrade_to(&db, step)?;
            }
            Ok(())
        })
        .await?;
    Ok(db)
}

/// One schema step. Never edit a released step: add a new one.
fn upgrade_to(db: &Database, version: u32) -> indexed_db_futures::Result<()> {
    match version {
        1 => {
            db.create_object_store(META).build()?;
        }
        2 => {
            let events = db
                .create_object_store(EVENTS)
                .with_key_path("id".into())
                .build()?;
            events.create_index("by_case", "case_id".into()).build()?;
            db.create_object_store(OUTBOX)
                .with_key_path("dev_seq".into())
                .build()?;
        }
        3 => {
            // Version 2's stores were created by the skeleton and never written (nothing
            // wrote events before version 3), so they are replaced rather than migrated:
            // records are JSON text under out-of-line keys, parsed by the shared serde types.
            db.delete_object_store(EVENTS)?;
            db.delete_object_store(OUTBOX)?;
            db.create_object_store(EVENTS).build()?;
            db.create_object_store(OUTBOX).build()?;
            db.create_object_store(CASES).build()?;
            db.create_object_store(QUARANTINE).build()?;
        }
        4 => {
            db.create_object_store(BLOBS).build()?;
            db.create_object_store(BLOB_OUTBOX).build()?;
        }
        5 => {
            db.create_object_store(EVENT_BUNDLES).build()?;
            db.create_object_store(SUMMARY_BUNDLES).build()?;
        }
        _ => {}
    }
    Ok(())
}

/// Reads a string from the meta store.
async fn meta_get(db: &Database, key: &str) -> Result<Option<String>, StoreError> {
    let tx = db.transaction(META).build()?;
    let store = tx.object_store(META)?;
    let value: Option<String> = store.get(key).primitive()?.await?;
    Ok(value)
}

/// Writes a string to the meta store and commits.
async fn meta_put(db: &Database, key: &str, value: &str) -> Result<(), StoreError> {
    let tx = db
        .transaction(META)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let store = tx.object_store(META)?;
    store.put(value).with_key(key).primitive()?.await?;
    tx.commit().await?;
    Ok(())
}

/// Reads a JSON value from the meta store.
async fn meta_get_json<T: DeserializeOwned>(
    db: &Database,
    key: &str,
) -> Result<Option<T>, StoreError> {
    match meta_get(db, key).await? {
        Some(raw) => Ok(Some(tousu_shared::json::from_str(&raw)?)),
        None => Ok(None),
    }
}

/// Writes a JSON value to the meta store.
async fn meta_put_json<T: Serialize>(
    db: &Database,
    key: &str,
    value: &T,
) -> Result<(), StoreError> {
    meta_put(db, key, &serde_json::to_string(value)?).await
}

/// Returns this install's device id, creating and storing one (UUIDv7) on first use.
async fn device_id(db: &Database) -> Result<String, StoreError> {
    if let Some(id) = meta_get(db, DEVICE_ID_KEY).await? {
        return Ok(id);
    }
    let id = uuid::Uuid::now_v7().to_string();
    meta_put(db, DEVICE_ID_KEY, &id).await?;
    Ok(id)
}

/// The name of `username`'s own database.
pub fn user_db_name(username: &str) -> String {
    format!("{USER_DB_PREFIX}{username}")
}

/// An event the server stored without applying, kept with its reason until the user revises
/// or withdraws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarantinedEvent {
    /// The event as this device sent it.
    pub event: Event,
    /// Why the server did not apply it.
    pub why: Quarantine,
    /// When the answer came (ms since the epoch).
    pub at: i64,
}

/// What a case looks like on this device, with deadlines from the reference data.
pub struct Rules {
    /// Time limits.
    pub policy: SlaPolicy,
    /// Working-day calendar.
    pub calendar: WorkCalendar,
}

/// What the screens and the sync client need of a user's local case data. Two
/// implementations pass one contract suite (`contract.rs`, run in the browser): the IndexedDB
/// store the app uses and an in-memory one.
#[allow(async_fn_in_trait)]
pub trait CaseStore {
    /// Records an event made on this device: the event, its outbox entry, the case's new
    /// summary and the advanced writing state, all or nothing.
    async fn append_local(
        &self,
        event: &Event,
        author: &Author,
        rules: &Rules,
    ) -> Result<CaseSummary, StoreError>;
    /// Every event of `case` held here.
    async fn case_events(&self, case: CaseId) -> Result<Vec<Event>, StoreError>;
    /// Every case summary held here.
    async fn summaries(&self) -> Result<Vec<CaseSummary>, StoreError>;
    /// The outbox in `dev_seq` order, at most `limit` events.
    async fn outbox(&self, limit: u32) -> Result<Vec<Event>, StoreError>;
    /// How many events wait in the outbox.
    async fn outbox_len(&self) -> Result<u32, StoreError>;
    /// Events the server refused.
    async fn quarantined(&self) -> Result<Vec<QuarantinedEvent>, StoreError>;
    /// Takes the server's answers to a push: acknowledged events leave the outbox;
    /// quarantined ones leave it too, into the quarantine with their reason, and out of the
    /// case's events (the server never applied them).
    async fn acknowledge(
        &self,
        acked: &[u64],
        quarantined: &[QuarantinedEvent],
        rules: &Rules,
    ) -> Result<(), StoreError>;
    /// Forgets a quarantined event (withdrawn by the user).
    async fn dismiss_quarantined(&self, id: EventId) -> Result<(), StoreError>;
    /// Applies one pull page (events, grants, revocations, summaries, cursor) atomically, and
    /// says which summaries it changed.
    async fn apply_pull(&self, page: &PullPage, rules: &Rules) -> Result<Changed, StoreError>;
    /// Where the next pull starts.
    async fn position(&self) -> Result<PullPosition, StoreError>;
}

/// Folds `events` of `case` into its list summary; `None` when there are none.
pub fn summarize(case: CaseId, events: &[Event], rules: &Rules) -> Option<CaseSummary> {
    (!events.is_empty())
        .then(|| CaseSummary::of(&fold(case, events), &rules.policy, &rules.calendar))
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;
