//! Snapshot bundles: the thousands of cases of a first pull's snapshot written as records of
//! [`BUNDLE_CASES`] cases each instead of two records per case (IndexedDB's cost is per
//! record: 10,000 cases took 1.6 s as 20,000 records).
//!
//! A bundle's key is the largest case id in it, and the bundles of one snapshot cover
//! disjoint ranges of ids (the server pages the snapshot in ascending id order), so the bundle
//! that may hold a case is the first whose key is not below the case's id: one request, no
//! index. A case's own record in `events` (written as soon as anything about it changes)
//! overrides its bundle entry; the stale entry stays until the case is revoked, when it is
//! removed from its bundle, so nothing of a case leaves its scope still on the tablet.

use indexed_db_futures::{KeyRange, object_store::ObjectStore, prelude::*};
use std::collections::{BTreeMap, BTreeSet};

use serde::{Serialize, de::DeserializeOwned};
use tousu_shared::{event::Event, ids::CaseId, summary::CaseSummary};

use super::{Rules, StoreError, summarize};

/// Object store of event bundles: `[[case id, [event, …]], …]` under the largest case id.
pub const EVENT_BUNDLES: &str = "event_bundles";
/// Object store of summary bundles: `[[case id, summary], …]` under the same key as the
/// event bundle of the same cases.
pub const SUMMARY_BUNDLES: &str = "summary_bundles";
/// Cases per bundle: reading one case parses its bundle (≈ 130 KB of JSON at 2.7 KB a case).
pub const BUNDLE_CASES: usize = 50;
/// A snapshot page with fewer grants than this is written case by case.
pub const BUNDLE_FROM: usize = 32;

type EventEntries = Vec<(CaseId, Vec<Event>)>;
type SummaryEntries = Vec<(CaseId, CaseSummary)>;

/// Writes `cases` (in ascending id order) as bundles with their summaries. The requests are
/// issued, not awaited: the transaction's commit reports a failure.
pub fn write(
    event_bundles: &ObjectStore<'_>,
    summary_bundles: &ObjectStore<'_>,
    cases: &[(CaseId, Vec<Event>)],
    rules: &Rules,
) -> Result<(), StoreError> {
    debug_assert!(cases.is_sorted_by_key(|(id, _)| *id));
    for chunk in cases.chunks(BUNDLE_CASES) {
        let key = chunk.last().expect("chunks are not empty").0.to_string();
        issue_put(event_bundles, &key, &chunk)?;
        issue_put(summary_bundles, &key, &summaries_of(chunk, rules))?;
    }
    Ok(())
}

fn summaries_of(cases: &[(CaseId, Vec<Event>)], rules: &Rules) -> SummaryEntries {
    cases
        .iter()
        .filter_map(|(id, events)| summarize(*id, events, rules).map(|s| (*id, s)))
        .collect()
}

/// Puts `value` as JSON under `key`, issued, not awaited.
pub(super) fn issue_put<T: Serialize>(
    store: &ObjectStore<'_>,
    key: &str,
    value: &T,
) -> Result<(), StoreError> {
    drop(
        store
            .put(serde_json::to_string(value)?)
            .with_key(key.to_string())
            .primitive()?,
    );
    Ok(())
}

/// The entries of the bundle under `key` (none if it is gone).
async fn read<T: DeserializeOwned>(
    store: &ObjectStore<'_>,
    key: &str,
) -> Result<Vec<T>, StoreError> {
    let raw: Option<String> = store.get(key.to_string()).primitive()?.await?;
    Ok(tousu_shared::json::from_str(
        raw.as_deref().unwrap_or("[]"),
    )?)
}

/// The key of the bundle that may hold `case`.
async fn key_for(
    event_bundles: &ObjectStore<'_>,
    case: CaseId,
) -> Result<Option<String>, StoreError> {
    Ok(event_bundles
        .get_key::<String, _>(KeyRange::LowerBound(case.to_string(), false))
        .primitive()?
        .await?)
}

/// The bundled events of those of `cases` that are in a bundle, each bundle read and parsed
/// once. Every request of a step is issued before any is awaited: a pull page may touch
/// hundreds of cases, and awaiting each request in turn costs an event-loop turn apiece.
pub async fn events_of(
    event_bundles: &ObjectStore<'_>,
    cases: &[CaseId],
) -> Result<BTreeMap<CaseId, Vec<Event>>, StoreError> {
    let lookups = cases
        .iter()
        .map(|case| {
            event_bundles
                .get_key::<String, _>(KeyRange::LowerBound(case.to_string(), false))
                .primitive()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let keys: Vec<Option<String>> = futures::future::try_join_all(lookups).await?;
    let wanted: BTreeSet<&String> = tousu_shared::order::set_of(keys.iter().flatten());
    let raws = get_many(event_bundles, wanted.iter().map(|key| key.to_string())).await?;
    let mut found = BTreeMap::new();
    let wanted_cases: BTreeSet<CaseId> = tousu_shared::order::set_of(cases.iter().copied());
    for raw in raws.into_iter().flatten() {
        let entries: EventEntries = tousu_shared::json::from_str(&raw)?;
        found.extend(
            entries
                .into_iter()
                .filter(|(id, _)| wanted_cases.contains(id)),
        );
    }
    Ok(found)
}

/// The text records under `keys`, every request issued before the first is awaited.
pub(super) async fn get_many(
    store: &ObjectStore<'_>,
    keys: impl Iterator<Item = String>,
) -> Result<Vec<Option<String>>, StoreError> {
    let reads = keys
        .map(|key| store.get::<String, String, _>(key).primitive())
        .collect::<Result<Vec<_>, _>>()?;
    Ok(futures::future::try_join_all(reads).await?)
}

/// Removes `case` from its bundle (revocation), deleting the bundle once empty.
pub async fn remove(
    event_bundles: &ObjectStore<'_>,
    summary_bundles: &ObjectStore<'_>,
    case: CaseId,
) -> Result<(), StoreError> {
    let Some(key) = key_for(event_bundles, case).await? else {
        return Ok(());
    };
    let mut entries: EventEntries = read(event_bundles, &key).await?;
    let before = entries.len();
    entries.retain(|(id, _)| *id != case);
    if entries.len() == before {
        return Ok(());
    }
    if entries.is_empty() {
        event_bundles.delete(key.clone()).primitive()?.await?;
        summary_bundles.delete(key).primitive()?.await?;
        return Ok(());
    }
    let mut summaries: SummaryEntries = read(summary_bundles, &key).await?;
    summaries.retain(|(id, _)| *id != case);
    issue_put(event_bundles, &key, &entries)?;
    issue_put(summary_bundles, &key, &summaries)
}

/// Every bundled summary whose case has no record of its own (`own`).
pub async fn summaries(
    summary_bundles: &ObjectStore<'_>,
    own: &BTreeSet<CaseId>,
    out: &mut Vec<CaseSummary>,
) -> Result<(), StoreError> {
    for raw in summary_bundles.get_all::<String>().primitive()?.await? {
        let entries: SummaryEntries = tousu_shared::json::from_str(&raw?)?;
        out.extend(
            entries
                .into_iter()
                .filter(|(id, _)| !own.contains(id))
                .map(|(_, s)| s),
        );
    }
    Ok(())
}

/// Recomputes every bundled summary (after the reference data changed).
pub async fn refold(
    event_bundles: &ObjectStore<'_>,
    summary_bundles: &ObjectStore<'_>,
    rules: &Rules,
) -> Result<(), StoreError> {
    let keys: Vec<String> = event_bundles
        .get_all_keys::<String>()
        .primitive()?
        .await?
        .collect::<Result<_, _>>()?;
    for key in keys {
        let entries: EventEntries = read(event_bundles, &key).await?;
        issue_put(summary_bundles, &key, &summaries_of(&entries, rules))?;
    }
    Ok(())
}

/// The cases that have records of their own in `events` (few: those touched since the
/// snapshot).
pub async fn own_cases(events: &ObjectStore<'_>) -> Result<BTreeSet<CaseId>, StoreError> {
    let mut own = BTreeSet::new();
    for key in events.get_all_keys::<String>().primitive()?.await? {
        let key = key?;
        let id = key
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("case key {key}")))?;
        own.insert(CaseId(id));
    }
    Ok(own)
}
