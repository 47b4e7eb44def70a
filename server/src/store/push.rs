//! A push in the store: what is loaded for the judgement of a batch ([`PushState`]), the
//! verdicts ([`Judged`]) and how they are written in the push's one transaction: events,
//! projections, quarantine rows, device sequence, numbers for new cases.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::value::RawValue;
use tousu_shared::{
    access::Principal,
    api::sync::{PushResponse, PushResult, Quarantine},
    clock::{CHINA_OFFSET_MINUTES, Hlc, Timestamp},
    event::{Event, EventBody, NumberAssigned},
    fold::fold_after,
    ids::{CaseId, DeviceId, EventId},
    model::Catalog,
    number::CaseNumber,
    view::CaseView,
};

use super::{
    Store, StoreError, audit,
    events::{SystemWriter, case_events, insert_event, serial_month, store_view, take_serials},
    json, reference,
};

/// A pushed batch as the store receives it: who pushes from which device, each event's
/// JSON text as sent (kept as sent when quarantined) and its parse.
pub struct PushBatch {
    /// The device pushing (from the session).
    pub device: DeviceId,
    /// The pusher as named in quarantine and audit rows.
    pub author: String,
    /// The principal the batch is judged for.
    pub principal: Principal,
    /// The events as sent.
    pub raw: Vec<Box<RawValue>>,
    /// Each event parsed, or why it did not parse.
    pub parsed: Vec<Result<Event, String>>,
}

/// What the store holds about a batch, loaded in the push's transaction before judging.
#[derive(Debug, Clone, Default)]
pub struct PushState {
    /// The `dev_seq` the device must send next.
    pub next_seq: u64,
    /// The batch's event ids the store already holds: their `seq` and the stored event.
    pub stored: BTreeMap<EventId, (i64, Event)>,
    /// The stored events of the batch's cases that exist, in commit order.
    pub histories: BTreeMap<CaseId, Vec<Event>>,
    /// The batch's events this device pushed before that the server quarantined after they
    /// took their place in the sequence: each as stored, with its first reason.
    pub quarantined: BTreeMap<EventId, (Event, Quarantine)>,
    /// Categories and departments in force.
    pub catalog: Catalog,
    /// The rules of admin-edited profile versions put in force (shipped ones are known to
    /// every build).
    pub known_rules: Vec<tousu_shared::rules::CaseRules>,
}

/// The decision on one pushed event.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Store it.
    Apply(Box<Event>),
    /// The same event is stored already at `seq`.
    Duplicate {
        /// The event.
        event_id: EventId,
        /// Where it is stored.
        seq: i64,
    },
    /// The same event was applied earlier in this batch (sent twice).
    Repeat {
        /// The event.
        event_id: EventId,
    },
    /// A retry of an event quarantined before: the first reason again, no second row.
    Requarantined {
        /// The event.
        event_id: EventId,
        /// The reason it was quarantined for.
        why: Quarantine,
    },
    /// Refused: kept in quarantine with the reason.
    Quarantine {
        /// The event, when it parsed.
        event: Option<Box<Event>>,
        /// Why.
        why: Quarantine,
    },
}

/// A judged batch: one verdict per event, in order, and what follows from them.
#[derive(Debug, Clone, Default)]
pub struct Judged {
    /// One per pushed event.
    pub verdicts: Vec<Verdict>,
    /// The device's next `dev_seq` after the batch.
    pub next_seq: u64,
    /// Every case an applied event changed: its events (stored and applied) and view.
    pub changed: BTreeMap<CaseId, (Vec<Event>, CaseView)>,
    /// Cases registered by this batch, in acceptance order: they get their numbers.
    pub to_number: Vec<CaseId>,
}

impl Store {
    /// Judges and stores a pushed batch in one transaction: loads what the batch needs
    /// ([`PushState`]), asks `judge` for the verdicts, writes them, numbers the new cases
    /// and answers only after the commit.
    pub async fn push<J>(
        &self,
        batch: PushBatch,
        now: Timestamp,
        judge: J,
    ) -> Result<PushResponse, StoreError>
    where
        J: FnOnce(&PushBatch, PushState) -> Judged + Send + 'static,
    {
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            let state = load_push_state(&tx, &batch)?;
            let judged = judge(&batch, state);
            let response = apply(&tx, &batch, judged, now)?;
            tx.commit()?;
            Ok(response)
        })
        .await
    }
}

/// Which of `values` the event table holds in `column` (`id` or `case_id`), in one query
/// per 500 instead of one per event.
fn stored(
    tx: &Connection,
    column: &'static str,
    values: &[String],
) -> Result<BTreeSet<uuid::Uuid>, StoreError> {
    let mut found = BTreeSet::new();
    for chunk in values.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT DISTINCT {column} FROM events WHERE {column} IN ({marks})"
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(chunk), |r| r.get::<_, String>(0))?;
        for value in rows {
            if let Ok(value) = value?.parse() {
                found.insert(value);
            }
        }
    }
    Ok(found)
}

/// Loads what the judgement of `batch` needs, in the push's transaction.
fn load_push_state(tx: &Transaction, batch: &PushBatch) -> Result<PushState, StoreError> {
    let next_seq: i64 = tx
        .prepare_cached("SELECT next_seq FROM devices WHERE id = ?1 AND revoked = 0")?
        .query_row([batch.device.to_string()], |r| r.get(0))
        .optional()?
        .ok_or(StoreError::NoDevice)?;
    let events = || batch.parsed.iter().filter_map(|e| e.as_ref().ok());
    // Which ids the store already holds, in one query per chunk (a retried batch is the rare
    // case); only those rows are read whole.
    let ids: Vec<String> = events().map(|e| e.id.to_string()).collect();
    let mut state = PushState {
        next_seq: next_seq as u64,
        ..PushState::default()
    };
    for id in stored(tx, "id", &ids)? {
        let found: Option<(i64, String)> = tx
            .prepare_cached("SELECT seq, event FROM events WHERE id = ?1")?
            .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((seq, raw)) = found {
            // A stored row that no longer parses cannot equal the pushed event: kept apart.
            if let Ok(event) = tousu_shared::json::from_str::<Event>(&raw) {
                state.stored.insert(EventId(id), (seq, event));
            }
        }
    }
    // Events behind the device's sequence that are not stored may be retries of quarantined
    // ones (an answer lost): their first reason is answered again. A retried batch of
    // applied events (the usual retry) asks nothing more.
    for event in
        events().filter(|e| e.dev_seq < state.next_seq && !state.stored.contains_key(&e.id))
    {
        let found: Option<(String, String)> = tx
            .prepare_cached(
                "SELECT detail, event FROM quarantine WHERE device_id = ?1 AND event_id = ?2
                 AND reason <> 'gap' ORDER BY id LIMIT 1",
            )?
            .query_row([batch.device.to_string(), event.id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((detail, raw)) = found
            && let (Ok(why), Ok(stored)) = (
                tousu_shared::json::from_str::<Quarantine>(&detail),
                tousu_shared::json::from_str::<Event>(&raw),
            )
        {
            state.quarantined.insert(event.id, (stored, why));
        }
    }
    // Only cases with events already are read: a new case's (empty) history is not queried.
    let cases: BTreeSet<String> = events().map(|e| e.case_id.to_string()).collect();
    for case in stored(tx, "case_id", &cases.into_iter().collect::<Vec<_>>())? {
        let case = CaseId(case);
        state.histories.insert(case, case_events(tx, case)?);
    }
    state.catalog = reference::load_catalog(tx)?;
    state.known_rules = reference::known_rules(tx)?;
    Ok(state)
}

/// Writes a judged batch: events, attachment references, quarantine rows (denials
/// audited), numbers for new cases, projections, the device's next `dev_seq`.
fn apply(
    tx: &Transaction,
    batch: &PushBatch,
    judged: Judged,
    now: Timestamp,
) -> Result<PushResponse, StoreError> {
    let Judged {
        verdicts,
        next_seq,
        mut changed,
        to_number,
    } = judged;
    let mut results = Vec::with_capacity(verdicts.len());
    // Projections are written once per case per batch, after its last event (at this seq).
    let mut dirty: BTreeMap<CaseId, i64> = BTreeMap::new();
    let mut inserted: BTreeMap<EventId, i64> = BTreeMap::new();
    for (raw, verdict) in batch.raw.iter().zip(verdicts) {
        results.push(match verdict {
            Verdict::Apply(event) => {
                let seq = insert_event(tx, &event, now.0)?;
                for hash in event.body.attachment_hashes() {
                    tx.prepare_cached(
                        "INSERT INTO blob_refs (hash, case_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                    )?
                    .execute(params![hash.as_str(), event.case_id.to_string()])?;
                }
                dirty.insert(event.case_id, seq);
                inserted.insert(event.id, seq);
                PushResult::Applied {
                    event_id: event.id,
                    seq,
                }
            }
            Verdict::Duplicate { event_id, seq } => PushResult::Duplicate { event_id, seq },
            Verdict::Repeat { event_id } => PushResult::Duplicate {
                event_id,
                seq: *inserted
                    .get(&event_id)
                    .ok_or_else(|| StoreError::Corrupt("a repeat of no applied event".into()))?,
            },
            Verdict::Requarantined { event_id, why } => PushResult::Quarantined {
                event_id: Some(event_id),
                why,
            },
            Verdict::Quarantine { event, why } => {
                quarantine(tx, batch, raw, event.as_deref(), &why, now)?
            }
        });
    }
    // The month's next serial for each newly registered case, in the order the
    // registrations were accepted: serials and the server's `dev_seq`s are taken for the
    // whole batch at once.
    let registered: Vec<(CaseId, Timestamp)> = to_number
        .into_iter()
        .filter_map(|case| {
            let (_, view) = changed.get(&case)?;
            Some((case, view.registration.as_ref()?.received_at))
        })
        .collect();
    let mut serials: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (_, received) in &registered {
        serials.entry(serial_month(*received)).or_default().1 += 1;
    }
    for (month, (first, count)) in serials.iter_mut() {
        *first = take_serials(tx, month, *count)?;
    }
    let mut numbers = Vec::new();
    if !registered.is_empty() {
        let mut system = SystemWriter::reserve(tx, registered.len() as i64, now)?;
        for (case, received) in registered {
            let (events, view) = changed.get_mut(&case).expect("collected above");
            let next = serials
                .get_mut(&serial_month(received))
                .expect("counted above");
            let date = received.date(CHINA_OFFSET_MINUTES);
            let number = CaseNumber::new(date, next.0 as u32)
                .map_err(|e| StoreError::Corrupt(format!("number: {e}")))?;
            next.0 += 1;
            let after = events.iter().map(|e| e.hlc).max().unwrap_or(Hlc::ZERO);
            let (assigned, seq) = system.write(
                tx,
                case,
                view.heads.clone(),
                after,
                EventBody::NumberAssigned(NumberAssigned { number }),
            )?;
            *view = fold_after(case, Some(view), events, &assigned);
            events.push(assigned);
            dirty.insert(case, seq);
            numbers.push((case, number));
        }
    }
    let inputs = super::stats::StatInputs::load(tx)?;
    for (case, last_seq) in &dirty {
        if let Some((_, view)) = changed.get(case) {
            store_view(tx, view, *last_seq, &inputs)?;
        }
    }
    tx.prepare_cached("UPDATE devices SET next_seq = ?1 WHERE id = ?2")?
        .execute(params![next_seq as i64, batch.device.to_string()])?;
    Ok(PushResponse {
        results,
        numbers,
        server_time: now.0,
    })
}

fn quarantine(
    tx: &Connection,
    batch: &PushBatch,
    raw: &RawValue,
    event: Option<&Event>,
    why: &Quarantine,
    now: Timestamp,
) -> Result<PushResult, StoreError> {
    let reason = serde_json::to_value(why).expect("serializes");
    tx.prepare_cached(
        "INSERT INTO quarantine (event_id, case_id, device_id, dev_seq, author, reason, detail, event, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        event.map(|e| e.id.to_string()),
        event.map(|e| e.case_id.to_string()),
        batch.device.to_string(),
        event.map(|e| e.dev_seq as i64),
        batch.author,
        reason["reason"].as_str().unwrap_or(""),
        reason.to_string(),
        raw.get(),
        now.0,
    ])?;
    if let Quarantine::Forbidden { denied } = why {
        audit::deny(
            tx,
            now.0,
            &batch.author,
            &event.map(|e| e.case_id.to_string()).unwrap_or_default(),
            &json(denied),
        )?;
    }
    let event_id = event.map(|e| e.id).or_else(|| {
        #[derive(serde::Deserialize)]
        struct Id {
            id: Option<uuid::Uuid>,
        }
        serde_json::from_str::<Id>(raw.get())
            .ok()
            .and_then(|i| i.id)
            .map(EventId)
    });
    Ok(PushResult::Quarantined {
        event_id,
        why: why.clone(),
    })
}
