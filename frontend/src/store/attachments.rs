//! Attachments on this device: photos taken here wait in `blob_outbox` until uploaded; photos
//! fetched to be shown are cached in `blobs`; both leave with the cases naming them.

use std::collections::BTreeSet;

use indexed_db_futures::prelude::*;
use tousu_shared::ids::CaseId;

use super::{BLOB_OUTBOX, BLOBS, StoreError, TransactionMode, UserStore, user::read_many};

impl UserStore {
    /// Keeps an attachment taken on this device, to be uploaded before the events naming it.
    pub async fn put_local_blob(
        &self,
        hash: &str,
        bytes: &[u8],
        media_type: &str,
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([BLOBS, BLOB_OUTBOX])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        put_bytes(&tx, hash, bytes).await?;
        tx.object_store(BLOB_OUTBOX)?
            .put(media_type)
            .with_key(hash)
            .primitive()?
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores attachment bytes fetched from the server (not to be uploaded again).
    pub async fn cache_blob(&self, hash: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(BLOBS)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        put_bytes(&tx, hash, bytes).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Attachment bytes held on this device.
    pub async fn blob(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let tx = self.db.transaction(BLOBS).build()?;
        let value: Option<wasm_bindgen::JsValue> =
            tx.object_store(BLOBS)?.get(hash).primitive()?.await?;
        Ok(value
            .filter(|v| !v.is_undefined() && !v.is_null())
            .map(|v| js_sys::Uint8Array::new(&v).to_vec()))
    }

    /// Attachments waiting for upload: (hash, media type).
    pub async fn blob_outbox(&self) -> Result<Vec<(String, String)>, StoreError> {
        let tx = self.db.transaction(BLOB_OUTBOX).build()?;
        let store = tx.object_store(BLOB_OUTBOX)?;
        let keys: Vec<String> = store
            .get_all_keys::<String>()
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        let types: Vec<String> = store
            .get_all::<String>()
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        Ok(keys.into_iter().zip(types).collect())
    }

    /// Marks an attachment uploaded.
    pub async fn blob_uploaded(&self, hash: &str) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(BLOB_OUTBOX)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(BLOB_OUTBOX)?
            .delete(hash)
            .primitive()?
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Attachments leave the device with the cases naming them: those of the `revoked` cases, or
/// every one when a new snapshot begins (`fresh`). A photo of a case still held is fetched
/// again when the case is opened; those taken here and waiting for upload always stay.
pub(super) async fn forget(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    fresh: bool,
    revoked: &BTreeSet<CaseId>,
    events: &indexed_db_futures::object_store::ObjectStore<'_>,
    event_bundles: &indexed_db_futures::object_store::ObjectStore<'_>,
) -> Result<(), StoreError> {
    if !fresh && revoked.is_empty() {
        return Ok(());
    }
    let blobs = tx.object_store(BLOBS)?;
    // Vectors, not sets: a set of strings would bring a sort into the wasm (5 KB), and a
    // hash deleted twice does no harm.
    let doomed: Vec<String> = if fresh {
        blobs
            .get_all_keys::<String>()
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?
    } else {
        let cases: Vec<CaseId> = revoked.iter().copied().collect();
        read_many(events, event_bundles, &cases)
            .await?
            .iter()
            .flatten()
            .flat_map(|e| e.body.attachment_hashes())
            .map(|h| h.as_str().to_string())
            .collect()
    };
    if doomed.is_empty() {
        return Ok(());
    }
    let waiting: Vec<String> = tx
        .object_store(BLOB_OUTBOX)?
        .get_all_keys::<String>()
        .primitive()?
        .await?
        .collect::<Result<_, _>>()?;
    for hash in doomed.iter().filter(|h| !waiting.contains(h)) {
        drop(blobs.delete(hash.as_str()).primitive()?);
    }
    Ok(())
}

/// Writes attachment bytes under their hash in `tx`'s `blobs` store.
async fn put_bytes(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    hash: &str,
    bytes: &[u8],
) -> Result<(), StoreError> {
    tx.object_store(BLOBS)?
        .put(wasm_bindgen::JsValue::from(js_sys::Uint8Array::from(bytes)))
        .with_key(hash)
        .primitive()?
        .await?;
    Ok(())
}
