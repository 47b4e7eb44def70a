//! One signed-in user's IndexedDB database as a [`CaseStore`]: events by case, summaries,
//! the outbox, quarantine and pulled pages, each change in one transaction.

use std::collections::{BTreeMap, BTreeSet};

use indexed_db_futures::{database::Database, prelude::*, transaction::TransactionMode};
use tousu_shared::{
    author::Author,
    event::Event,
    ids::{CaseId, EventId},
    summary::CaseSummary,
};

use super::{
    AUTHOR_KEY, BLOB_OUTBOX, BLOBS, CASES, CURSOR_KEY, CaseStore, Changed, EVENT_BUNDLES, EVENTS,
    META, OUTBOX, PullPage, PullPosition, QUARANTINE, QuarantinedEvent, Rules, SCOPE_KEY,
    SNAPSHOT_AFTER_KEY, SUMMARY_BUNDLES, SUMMARY_FORMAT, SUMMARY_FORMAT_KEY, StoreError,
    attachments, bundles, meta_get, meta_put, open, summarize, user_db_name,
};

/// One signed-in user's local database.
#[derive(Clone)]
pub struct UserStore {
    pub(super) db: std::rc::Rc<Database>,
}

impl UserStore {
    /// Opens (creating or upgrading) `username`'s database.
    pub async fn open(username: &str) -> Result<Self, StoreError> {
        Ok(UserStore {
            db: std::rc::Rc::new(open(&user_db_name(username)).await?),
        })
    }

    /// The underlying database, for meta reads and writes.
    pub(super) fn db(&self) -> &Database {
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
pub(super) async fn read_many(
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
