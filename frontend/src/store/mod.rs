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

use indexed_db_futures::{database::Database, prelude::*, transaction::TransactionMode};
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize, de::DeserializeOwned};

pub use kept::Changed;
pub use memory::MemoryStore;
pub use meta::{DeviceStore, Session};

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

/// One signed-in user's local database.
#[derive(Clone)]
pub struct UserStore {
    db: std::rc::Rc<Database>,
}

impl UserStore {
    /// Opens (creating or upgrading) `username`'s database.
    pub async fn open(username: &str) -> Result<Self, StoreError> {
        Ok(UserStore {
            db: std::rc::Rc::new(open(&user_db_name(username)).await?),
        })
    }

    /// The underlying database, for meta reads and writes.
    fn db(&self) -> &Database {
        &self.db
    }

    /// Folds every summary again once when they were written by an app that kept less in
    /// them ([`SUMMARY_FORMAT`]); true when it did. Without it an upgraded tablet would count
    /// no to-do for its older cases until each changed.
    pub async fn upgrade_summaries(&self, rules: &Rules) -> Result<bool, StoreError> {
        if meta_get(self.db(), SUMMARY_FORMAT_KEY).await?.as_deref() == Some(SUMMARY_FORMAT) {
            return Ok(false);
        }
        self.refold_all(rules).await?;
        meta_put(self.db(), SUMMARY_FORMAT_KEY, SUMMARY_FORMAT).await?;
        Ok(true)
    }

    /// Recomputes every summary (after the reference data changed).
    pub async fn refold_all(&self, rules: &Rules) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([EVENTS, CASES, EVENT_BUNDLES, SUMMARY_BUNDLES])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let events = tx.object_store(EVENTS)?;
        let cases = tx.object_store(CASES)?;
        let event_bundles = tx.object_store(EVENT_BUNDLES)?;
        bundles::refold(&event_bundles, &tx.object_store(SUMMARY_BUNDLES)?, rules).await?;
        for id in bundles::own_cases(&events).await? {
            let list = read_case_events(&events, &event_bundles, id).await?;
            write_summary(&cases, id, &list, rules)?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Closes this connection. Every connection must be closed before the database can be
    /// deleted at sign-out (a forgotten one blocks the deletion until it is collected).
    pub fn close(&self) {
        self.db.as_ref().clone().close();
    }

    /// Closes the database and deletes it (sign-out).
    pub async fn wipe(self, username: &str) -> Result<(), StoreError> {
        self.db.as_ref().clone().close();
        Database::delete_by_name(&user_db_name(username))?.await?;
        Ok(())
    }
}

impl CaseStore for UserStore {
    /// Records an event made on this device: the event, its outbox entry, the case's new
    /// summary and the advanced writing state, in one transaction (all or nothing).
    async fn append_local(
        &self,
        event: &Event,
        author: &Author,
        rules: &Rules,
    ) -> Result<CaseSummary, StoreError> {
        let tx = self
            .db
            .transaction([EVENTS, OUTBOX, CASES, META, EVENT_BUNDLES])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let events = tx.object_store(EVENTS)?;
        // A registration starts a case made here, under a fresh id: it has no history to read.
        let mut list = if matches!(event.body, tousu_shared::event::EventBody::Registered(_)) {
            Vec::new()
        } else {
            read_case_events(&events, &tx.object_store(EVENT_BUNDLES)?, event.case_id).await?
        };
        merge(&mut list, std::slice::from_ref(event));
        write_case_events(&events, event.case_id, &list)?;
        // Issued, not awaited one by one: the awaited commit reports any failure, and then
        // nothing of this write happened.
        drop(
            tx.object_store(OUTBOX)?
                .put(serde_json::to_string(event)?.as_str())
                .with_key(event.dev_seq as f64)
                .primitive()?,
        );
        let summary = write_summary(&tx.object_store(CASES)?, event.case_id, &list, rules)?;
        drop(
            tx.object_store(META)?
                .put(serde_json::to_string(author)?.as_str())
                .with_key(AUTHOR_KEY)
                .primitive()?,
        );
        tx.commit().await?;
        Ok(summary.expect("the case has at least the event just written"))
    }

    /// Every event of `case` held on this device.
    async fn case_events(&self, case: CaseId) -> Result<Vec<Event>, StoreError> {
        let tx = self.db.transaction([EVENTS, EVENT_BUNDLES]).build()?;
        read_case_events(
            &tx.object_store(EVENTS)?,
            &tx.object_store(EVENT_BUNDLES)?,
            case,
        )
        .await
    }

    /// Every case summary on this device: the cases' own, then the snapshot bundles' for
    /// cases without records of their own.
    async fn summaries(&self) -> Result<Vec<CaseSummary>, StoreError> {
        let tx = self
            .db
            .transaction([CASES, EVENTS, SUMMARY_BUNDLES])
            .build()?;
        let store = tx.object_store(CASES)?;
        let mut out = Vec::new();
        for raw in store.get_all::<String>().primitive()?.await? {
            out.push(tousu_shared::json::from_str(&raw?)?);
        }
        let own = bundles::own_cases(&tx.object_store(EVENTS)?).await?;
        bundles::summaries(&tx.object_store(SUMMARY_BUNDLES)?, &own, &mut out).await?;
        Ok(out)
    }

    /// The outbox in `dev_seq` order, at most `limit` events.
    async fn outbox(&self, limit: u32) -> Result<Vec<Event>, StoreError> {
        let tx = self.db.transaction(OUTBOX).build()?;
        let store = tx.object_store(OUTBOX)?;
        let mut out = Vec::new();
        for raw in store
            .get_all::<String>()
            .with_limit(limit)
            .primitive()?
            .await?
        {
            out.push(tousu_shared::json::from_str(&raw?)?);
        }
        Ok(out)
    }

    /// How many events wait in the outbox.
    async fn outbox_len(&self) -> Result<u32, StoreError> {
        let tx = self.db.transaction(OUTBOX).build()?;
        let store = tx.object_store(OUTBOX)?;
        Ok(store.count().primitive()?.await?)
    }

    /// The quarantined events.
    async fn quarantined(&self) -> Result<Vec<QuarantinedEvent>, StoreError> {
        let tx = self.db.transaction(QUARANTINE).build()?;
        let store = tx.object_store(QUARANTINE)?;
        let mut out = Vec::new();
        for raw in store.get_all::<String>().primitive()?.await? {
            out.push(tousu_shared::json::from_str(&raw?)?);
        }
        Ok(out)
    }

    /// Takes the server's answers to a push: acknowledged events leave the outbox;
    /// quarantined ones leave it too, into the quarantine store with their reason, and out of
    /// the case's events (the server never applied them), whose summary is refolded.
    async fn acknowledge(
        &self,
        acked: &[u64],
        quarantined: &[QuarantinedEvent],
        rules: &Rules,
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([EVENTS, OUTBOX, CASES, QUARANTINE, EVENT_BUNDLES])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let outbox = tx.object_store(OUTBOX)?;
        for seq in acked {
            outbox.delete(*seq as f64).primitive()?.await?;
        }
        let events = tx.object_store(EVENTS)?;
        let cases = tx.object_store(CASES)?;
        let quarantine = tx.object_store(QUARANTINE)?;
        let event_bundles = tx.object_store(EVENT_BUNDLES)?;
        for q in quarantined {
            outbox.delete(q.event.dev_seq as f64).primitive()?.await?;
            let mut list = read_case_events(&events, &event_bundles, q.event.case_id).await?;
            list.retain(|e| e.id != q.event.id);
            write_case_events(&events, q.event.case_id, &list)?;
            write_summary(&cases, q.event.case_id, &list, rules)?;
            quarantine
                .put(serde_json::to_string(q)?.as_str())
                .with_key(q.event.id.to_string())
                .primitive()?
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets a quarantined event (the user withdrew it or wrote a revised one).
    async fn dismiss_quarantined(&self, id: EventId) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(QUARANTINE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(QUARANTINE)?
            .delete(id.to_string())
            .primitive()?
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Applies one pull page in one transaction: its events, grants (complete cases) and
    /// revocations (cases to purge), the touched cases' summaries, and the new position, so a
    /// crash leaves either the whole page or none of it. A snapshot page's grants are written
    /// as bundles ([`bundles`]).
    async fn apply_pull(&self, page: &PullPage, rules: &Rules) -> Result<Changed, StoreError> {
        let mut changed = Changed::default();
        // Relaxed durability: a pulled page lost to a power cut before the disk flush is
        // pulled again (its position is in the same transaction); local work is never written
        // this way.
        let tx = self
            .db
            .transaction([
                EVENTS,
                CASES,
                META,
                OUTBOX,
                EVENT_BUNDLES,
                SUMMARY_BUNDLES,
                BLOBS,
                BLOB_OUTBOX,
            ])
            .with_mode(TransactionMode::Readwrite)
            .with_options(
                indexed_db_futures::transaction::TransactionOptions::new().with_durability(
                    indexed_db_futures::transaction::TransactionDurability::Relaxed,
                ),
            )
            .build()?;
        let events = tx.object_store(EVENTS)?;
        let cases = tx.object_store(CASES)?;
        let meta = tx.object_store(META)?;
        let event_bundles = tx.object_store(EVENT_BUNDLES)?;
        let summary_bundles = tx.object_store(SUMMARY_BUNDLES)?;
        let fresh = page.starts_snapshot();
        if fresh {
            // The first page of a snapshot replaces everything pulled before (an unfinished
            // earlier snapshot's bundles, the cases of roles the user no longer holds). Unsent
            // events stay in the outbox, and join their case when the snapshot brings it.
            event_bundles.clear()?.await?;
            summary_bundles.clear()?.await?;
            events.clear()?.await?;
            cases.clear()?.await?;
            changed.all = true;
        }
        let revoked: BTreeSet<CaseId> =
            tousu_shared::order::set_of(page.revocations.iter().copied());
        attachments::forget(&tx, fresh, &revoked, &events, &event_bundles).await?;
        for case in &revoked {
            drop(events.delete(case.to_string()).primitive()?);
            drop(cases.delete(case.to_string()).primitive()?);
            bundles::remove(&event_bundles, &summary_bundles, *case).await?;
            changed.gone.push(*case);
        }
        // A grant is the case complete: its record is the grant's events plus this device's
        // own unsent ones, written without reading the case back.
        let mut unsent: BTreeMap<CaseId, Vec<Event>> = BTreeMap::new();
        if !page.grants.is_empty() {
            for raw in tx
                .object_store(OUTBOX)?
                .get_all::<String>()
                .primitive()?
                .await?
            {
                let event: Event = tousu_shared::json::from_str(&raw?)?;
                unsent.entry(event.case_id).or_default().push(event);
            }
        }
        let bundle = page.snapshot && page.grants.len() >= bundles::BUNDLE_FROM;
        let own = if bundle {
            bundles::own_cases(&events).await?
        } else {
            BTreeSet::new()
        };
        let mut bundled: Vec<(CaseId, Vec<Event>)> = Vec::new();
        let mut granted = BTreeSet::new();
        for grant in &page.grants {
            let Some(case) = grant.events.first().map(|e| e.case_id) else {
                continue;
            };
            if revoked.contains(&case) || !granted.insert(case) {
                continue;
            }
            let mut list = grant.events.clone();
            match unsent.remove(&case) {
                None if bundle => {
                    if own.contains(&case) {
                        // The server's complete copy replaces this device's.
                        drop(events.delete(case.to_string()).primitive()?);
                        drop(cases.delete(case.to_string()).primitive()?);
                    }
                    bundled.push((case, list));
                    continue;
                }
                mine => merge(&mut list, &mine.unwrap_or_default()),
            }
            write_case_events(&events, case, &list)?;
            changed.note(case, write_summary(&cases, case, &list, rules)?);
        }
        // Bundled summaries are not listed: a snapshot is a first sync, nothing kept yet.
        changed.all |= !bundled.is_empty();
        tousu_shared::order::sort_by_key(&mut bundled, |(id, _)| *id);
        bundles::write(&event_bundles, &summary_bundles, &bundled, rules)?;
        let mut news: BTreeMap<CaseId, Vec<Event>> = BTreeMap::new();
        for event in &page.events {
            if !revoked.contains(&event.case_id) && !granted.contains(&event.case_id) {
                news.entry(event.case_id).or_default().push(event.clone());
            }
        }
        let touched: Vec<CaseId> = news.keys().copied().collect();
        let lists = read_many(&events, &event_bundles, &touched).await?;
        for ((case, new), mut list) in news.into_iter().zip(lists) {
            merge(&mut list, &new);
            write_case_events(&events, case, &list)?;
            changed.note(case, write_summary(&cases, case, &list, rules)?);
        }
        drop(
            meta.put(page.cursor.to_string().as_str())
                .with_key(CURSOR_KEY)
                .primitive()?,
        );
        if !page.scope.is_empty() {
            drop(
                meta.put(page.scope.as_str())
                    .with_key(SCOPE_KEY)
                    .primitive()?,
            );
        }
        match page.after {
            Some(after) if page.snapshot => drop(
                meta.put(after.to_string().as_str())
                    .with_key(SNAPSHOT_AFTER_KEY)
                    .primitive()?,
            ),
            _ => drop(meta.delete(SNAPSHOT_AFTER_KEY).primitive()?),
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn position(&self) -> Result<PullPosition, StoreError> {
        let cursor = meta_get(&self.db, CURSOR_KEY)
            .await?
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let after = meta_get(&self.db, SNAPSHOT_AFTER_KEY)
            .await?
            .and_then(|c| c.parse().ok())
            .map(CaseId);
        let scope = meta_get(&self.db, SCOPE_KEY).await?.unwrap_or_default();
        Ok(PullPosition {
            cursor,
            after,
            scope,
        })
    }
}

/// A case's events: its own record, else its snapshot bundle's entry, else none.
async fn read_case_events(
    events: &indexed_db_futures::object_store::ObjectStore<'_>,
    event_bundles: &indexed_db_futures::object_store::ObjectStore<'_>,
    case: CaseId,
) -> Result<Vec<Event>, StoreError> {
    Ok(read_many(events, event_bundles, &[case])
        .await?
        .pop()
        .unwrap_or_default())
}

/// [`read_case_events`] of each of `cases`, in order, with the requests of each step issued
/// together (see [`bundles::events_of`]).
async fn read_many(
    events: &indexed_db_futures::object_store::ObjectStore<'_>,
    event_bundles: &indexed_db_futures::object_store::ObjectStore<'_>,
    cases: &[CaseId],
) -> Result<Vec<Vec<Event>>, StoreError> {
    let own = bundles::get_many(events, cases.iter().map(|case| case.to_string())).await?;
    let missing: Vec<CaseId> = cases
        .iter()
        .zip(&own)
        .filter_map(|(case, raw)| raw.is_none().then_some(*case))
        .collect();
    let mut bundled = if missing.is_empty() {
        BTreeMap::new()
    } else {
        bundles::events_of(event_bundles, &missing).await?
    };
    cases
        .iter()
        .zip(own)
        .map(|(case, raw)| match raw {
            Some(raw) => Ok(tousu_shared::json::from_str(&raw)?),
            None => Ok(bundled.remove(case).unwrap_or_default()),
        })
        .collect()
}

/// Adds `new` to `list`, an event already there (same id) replaced by its newer copy (the
/// server's masked copy of an event replaces this device's).
fn merge(list: &mut Vec<Event>, new: &[Event]) {
    for event in new {
        match list.iter_mut().find(|e| e.id == event.id) {
            Some(slot) => *slot = event.clone(),
            None => list.push(event.clone()),
        }
    }
}

/// Writes a case's event record (deleting it when empty). The request is issued, not awaited:
/// IndexedDB runs a transaction's requests in order, and a failure aborts the transaction,
/// which its commit reports; waiting for each answer would cost an event-loop turn per case.
fn write_case_events(
    events: &indexed_db_futures::object_store::ObjectStore<'_>,
    case: CaseId,
    list: &[Event],
) -> Result<(), StoreError> {
    if list.is_empty() {
        drop(events.delete(case.to_string()).primitive()?);
        Ok(())
    } else {
        bundles::issue_put(events, &case.to_string(), &list)
    }
}

/// Folds `list` and writes the case's summary (issued, not awaited, as above).
fn write_summary(
    cases: &indexed_db_futures::object_store::ObjectStore<'_>,
    case: CaseId,
    list: &[Event],
    rules: &Rules,
) -> Result<Option<CaseSummary>, StoreError> {
    let Some(summary) = summarize(case, list, rules) else {
        drop(cases.delete(case.to_string()).primitive()?);
        return Ok(None);
    };
    bundles::issue_put(cases, &case.to_string(), &summary)?;
    Ok(Some(summary))
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;
