//! The browser's local database (IndexedDB): schema, upgrades and small typed accessors.
//!
//! Architecture invariant: only this module touches IndexedDB. The schema is versioned; each
//! version's upgrade step runs once, in order, inside the browser's version-change
//! transaction, so a tablet that skipped releases upgrades through every step.

use indexed_db_futures::{database::Database, prelude::*, transaction::TransactionMode};

/// Current schema version of the local database.
pub const SCHEMA_VERSION: u32 = 2;

/// Name of the device-wide database (settings and device identity, shared by all users of a
/// tablet). Per-user case data gets databases of its own when sign-in lands.
pub const DEVICE_DB: &str = "tousu-device";

/// Key-value store: device id, HLC, sync cursor, preferences. Present since version 1.
pub const META: &str = "meta";
/// Events made or received on this device, by event id, indexed by case. Since version 2.
pub const EVENTS: &str = "events";
/// Events not yet acknowledged by the server, by `dev_seq`. Since version 2.
pub const OUTBOX: &str = "outbox";

/// Meta key of this browser install's device id.
pub const DEVICE_ID_KEY: &str = "device_id";

/// Why a local database operation failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// Opening or upgrading the database failed (blocked, quota, private mode…).
    #[error("cannot open local database: {0}")]
    Open(String),
    /// A read or write failed.
    #[error("local database error: {0}")]
    Idb(String),
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

/// Opens `name` at the current schema version, upgrading it if it is older.
pub async fn open(name: &str) -> Result<Database, StoreError> {
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
        _ => {}
    }
    Ok(())
}

/// Reads a string from the meta store.
pub async fn meta_get(db: &Database, key: &str) -> Result<Option<String>, StoreError> {
    let tx = db.transaction(META).build()?;
    let store = tx.object_store(META)?;
    let value: Option<String> = store.get(key).primitive()?.await?;
    Ok(value)
}

/// Writes a string to the meta store and commits.
pub async fn meta_put(db: &Database, key: &str, value: &str) -> Result<(), StoreError> {
    let tx = db
        .transaction(META)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let store = tx.object_store(META)?;
    store.put(value).with_key(key).primitive()?.await?;
    tx.commit().await?;
    Ok(())
}

/// Returns this install's device id, creating and storing one (UUIDv7) on first use.
pub async fn device_id(db: &Database) -> Result<String, StoreError> {
    if let Some(id) = meta_get(db, DEVICE_ID_KEY).await? {
        return Ok(id);
    }
    let id = uuid::Uuid::now_v7().to_string();
    meta_put(db, DEVICE_ID_KEY, &id).await?;
    Ok(id)
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn unique_name(prefix: &str) -> String {
        format!("{prefix}-{}", uuid::Uuid::now_v7())
    }

    fn store_names(db: &Database) -> Vec<String> {
        let mut names: Vec<String> = db.object_store_names().collect();
        names.sort();
        names
    }

    #[wasm_bindgen_test]
    async fn round_trip_survives_close_and_reopen() {
        let name = unique_name("round-trip");
        let db = open(&name).await.unwrap();
        meta_put(&db, "greeting", "你好").await.unwrap();
        db.close();

        let db = open(&name).await.unwrap();
        assert_eq!(
            meta_get(&db, "greeting").await.unwrap().as_deref(),
            Some("你好")
        );
        assert_eq!(meta_get(&db, "absent").await.unwrap(), None);
        db.delete().unwrap().await.unwrap();
    }

    #[wasm_bindgen_test]
    async fn upgrade_from_version_1_keeps_data_and_adds_stores() {
        let name = unique_name("upgrade");
        let db = open_at_version(&name, 1).await.unwrap();
        assert_eq!(store_names(&db), vec![META.to_string()]);
        meta_put(&db, DEVICE_ID_KEY, "device-from-v1")
            .await
            .unwrap();
        db.close();

        let db = open(&name).await.unwrap();
        assert_eq!(db.version() as u32, SCHEMA_VERSION);
        assert_eq!(
            store_names(&db),
            vec![EVENTS.to_string(), META.to_string(), OUTBOX.to_string()]
        );
        assert_eq!(device_id(&db).await.unwrap(), "device-from-v1");
        db.delete().unwrap().await.unwrap();
    }

    #[wasm_bindgen_test]
    async fn device_id_is_created_once() {
        let name = unique_name("device");
        let db = open(&name).await.unwrap();
        let first = device_id(&db).await.unwrap();
        assert_eq!(first.len(), 36);
        assert_eq!(device_id(&db).await.unwrap(), first);
        db.delete().unwrap().await.unwrap();
    }
}
