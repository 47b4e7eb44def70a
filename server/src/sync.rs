//! Push and pull (DESIGN §11): the server's side of the merge. Every pushed event is judged
//! on its own, against the server's current state and the authenticated principal (never the
//! claimed actor or time), stored, and answered only after the commit.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::value::RawValue;
use tousu_shared::{
    access::{AccessContext, Principal, Visibility, authorize_event, shape_event, visible_case},
    api::sync::{CaseGrant, PullResponse, PushResponse, PushResult, Quarantine},
    clock::{CHINA_OFFSET_MINUTES, Hlc, MAX_CLOCK_DRIFT_MS, Timestamp},
    event::{Actor, Event, EventBody, NumberAssigned, SCHEMA_VERSION},
    fold::{CaseView, NotApplied, fold, fold_after},
    ids::{CaseId, DeviceId, EventId},
    model::Catalog,
    number::CaseNumber,
};

use crate::{auth::Caller, store::StoreError, store::audit};

/// Meta key of the server's own device id (it writes number and archive events).
const SERVER_DEVICE_KEY: &str = "server_device_id";

/// Largest pull page.
pub const MAX_PULL_PAGE: i64 = 2000;

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("domain types serialize")
}

/// The events of a case in commit order.
pub fn case_events(conn: &Connection, case: CaseId) -> Result<Vec<Event>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT event FROM events WHERE case_id = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([case.to_string()], |r| r.get::<_, String>(0))?;
    let mut events = Vec::new();
    for row in rows {
        // Stored events were parsed before they were stored; a row that no longer parses
        // is a corrupted database, reported rather than skipped.
        let event: Event = serde_json::from_str(&row?)
            .map_err(|e| StoreError::Corrupt(format!("stored event of case {case}: {e}")))?;
        events.push(event);
    }
    Ok(events)
}

/// The current view of a case (folded from its events), if it exists.
pub fn case_view(conn: &Connection, case: CaseId) -> Result<Option<CaseView>, StoreError> {
    let events = case_events(conn, case)?;
    Ok((!events.is_empty()).then(|| fold(case, &events)))
}

/// Writes a case's projection.
pub fn store_view(tx: &Transaction, view: &CaseView, last_seq: i64) -> Result<(), StoreError> {
    let registered_by = match &view.registered_by {
        Some(Actor::User(u)) => Some(u.to_string()),
        _ => None,
    };
    tx.prepare_cached(
        "INSERT INTO cases (id, number, stage, department, registered_by, received_at, last_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET number = excluded.number, stage = excluded.stage,
           department = excluded.department, registered_by = excluded.registered_by,
           received_at = excluded.received_at, last_seq = excluded.last_seq",
    )?
    .execute(params![
        view.id.to_string(),
        view.number.map(|n| n.to_string()),
        json(&view.stage).trim_matches('"'),
        view.department.as_ref().map(|d| d.to_string()),
        registered_by,
        view.registration.as_ref().map(|r| r.received_at.0),
        last_seq,
    ])?;
    Ok(())
}

/// The server's device id, created on first use.
pub fn server_device(conn: &Connection, now: i64) -> Result<DeviceId, StoreError> {
    let existing: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([SERVER_DEVICE_KEY], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing.and_then(|s| s.parse().ok()) {
        return Ok(DeviceId(id));
    }
    let id = DeviceId(uuid::Uuid::now_v7());
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
        params![SERVER_DEVICE_KEY, id.to_string()],
    )?;
    conn.execute(
        "INSERT INTO devices (id, kind, next_seq, created_at) VALUES (?1, 'server', 1, ?2)",
        params![id.to_string(), now],
    )?;
    Ok(id)
}

fn insert_event(tx: &Transaction, event: &Event, now: i64) -> Result<i64, StoreError> {
    let kind = event
        .body
        .command()
        .map(|c| c.as_str())
        .unwrap_or("unknown");
    Ok(tx
        .prepare_cached(
            "INSERT INTO events (id, case_id, device_id, dev_seq, kind, event, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING seq",
        )?
        .query_row(
            params![
                event.id.to_string(),
                event.case_id.to_string(),
                event.device_id.to_string(),
                event.dev_seq as i64,
                kind,
                json(event),
                now,
            ],
            |r| r.get(0),
        )?)
}

/// Writes an event made by the server itself (numbers, archive runs), after `parents`.
pub fn write_system_event(
    tx: &Transaction,
    case: CaseId,
    parents: Vec<EventId>,
    after: Hlc,
    body: EventBody,
    now: Timestamp,
) -> Result<(Event, i64), StoreError> {
    SystemWriter::reserve(tx, 1, now)?.write(tx, case, parents, after, body)
}

/// Writes `count` events of the server's own device with `dev_seq`s taken in one statement.
struct SystemWriter {
    device: DeviceId,
    next_seq: i64,
    end: i64,
    now: Timestamp,
}

impl SystemWriter {
    fn reserve(tx: &Transaction, count: i64, now: Timestamp) -> Result<Self, StoreError> {
        let device = server_device(tx, now.0)?;
        let next_seq: i64 = tx
            .prepare_cached(
                "UPDATE devices SET next_seq = next_seq + ?2 WHERE id = ?1 RETURNING next_seq - ?2",
            )?
            .query_row(params![device.to_string(), count], |r| r.get(0))?;
        Ok(SystemWriter {
            device,
            next_seq,
            end: next_seq + count,
            now,
        })
    }

    fn write(
        &mut self,
        tx: &Transaction,
        case: CaseId,
        parents: Vec<EventId>,
        after: Hlc,
        body: EventBody,
    ) -> Result<(Event, i64), StoreError> {
        assert!(self.next_seq < self.end, "more system events than reserved");
        let now = self.now;
        let hlc = after
            .max(Hlc {
                wall_ms: now.0,
                counter: 0,
            })
            .tick(now);
        let event = Event {
            id: EventId(uuid::Uuid::now_v7()),
            case_id: case,
            device_id: self.device,
            dev_seq: self.next_seq as u64,
            actor: Actor::System,
            hlc,
            parents,
            schema: SCHEMA_VERSION,
            body,
        };
        self.next_seq += 1;
        let seq = insert_event(tx, &event, now.0)?;
        Ok((event, seq))
    }
}

/// The month (`YYMM`, China time) whose serials number a case received at `received`.
fn serial_month(received: Timestamp) -> String {
    let date = received.date(CHINA_OFFSET_MINUTES);
    format!("{:02}{:02}", date.year() % 100, date.month())
}

/// Takes `count` serials of `month` in this transaction: the first of them.
fn take_serials(tx: &Transaction, month: &str, count: i64) -> Result<i64, StoreError> {
    let last: i64 = tx
        .prepare_cached(
            "INSERT INTO serials (month, last) VALUES (?1, ?2)
             ON CONFLICT (month) DO UPDATE SET last = last + ?2 RETURNING last",
        )?
        .query_row(params![month, count], |r| r.get(0))?;
    Ok(last - count + 1)
}

fn quarantine(
    tx: &Transaction,
    caller: &Caller,
    raw: &RawValue,
    event: Option<&Event>,
    why: &Quarantine,
    now: i64,
) -> Result<PushResult, StoreError> {
    let reason = serde_json::to_value(why).expect("serializes");
    tx.execute(
        "INSERT INTO quarantine (event_id, case_id, device_id, dev_seq, author, reason, detail, event, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            event.map(|e| e.id.to_string()),
            event.map(|e| e.case_id.to_string()),
            caller.device.map(|d| d.to_string()),
            event.map(|e| e.dev_seq as i64),
            caller.audit_name(),
            reason["reason"].as_str().unwrap_or(""),
            reason.to_string(),
            raw.get(),
            now,
        ],
    )?;
    if let Quarantine::Forbidden { denied } = why {
        audit::append(
            tx,
            now,
            &caller.audit_name(),
            "permission_denied",
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

/// Applies a pushed batch in one transaction; the caller answers after `commit`.
pub fn push(
    conn: &mut Connection,
    caller: &Caller,
    raw_events: &[Box<RawValue>],
    catalog: &Catalog,
    ctx: &AccessContext,
) -> Result<PushResponse, StoreError> {
    let now = ctx.now;
    let device = caller.device.ok_or(StoreError::NoDevice)?;
    let tx = conn.transaction()?;
    let mut next_seq: i64 = tx
        .query_row(
            "SELECT next_seq FROM devices WHERE id = ?1 AND revoked = 0",
            [device.to_string()],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(StoreError::NoDevice)?;
    // Events and current view of the cases this batch touched.
    let mut cache: BTreeMap<CaseId, (Vec<Event>, Option<CaseView>)> = BTreeMap::new();
    // Projections are written once per case per batch, after its last event (at this seq).
    let mut dirty: BTreeMap<CaseId, i64> = BTreeMap::new();
    let mut results = Vec::with_capacity(raw_events.len());
    let mut numbers = Vec::new();
    let mut to_number: Vec<CaseId> = Vec::new();

    // Each event parsed once; which of their ids the store already holds, in one query per
    // chunk instead of one per event (a retried batch is the rare case).
    let parsed: Vec<Result<Event, serde_json::Error>> = raw_events
        .iter()
        .map(|raw| serde_json::from_str(raw.get()))
        .collect();
    let ids: Vec<String> = parsed
        .iter()
        .filter_map(|e| e.as_ref().ok().map(|e| e.id.to_string()))
        .collect();
    let mut known: BTreeSet<EventId> = stored(&tx, "id", &ids)?.into_iter().map(EventId).collect();
    // Which cases have events already: a new case's (empty) history is not queried.
    let cases: BTreeSet<String> = parsed
        .iter()
        .filter_map(|e| e.as_ref().ok().map(|e| e.case_id.to_string()))
        .collect();
    let old_cases: BTreeSet<CaseId> =
        stored(&tx, "case_id", &cases.into_iter().collect::<Vec<_>>())?
            .into_iter()
            .map(CaseId)
            .collect();

    for (raw, parsed) in raw_events.iter().zip(parsed) {
        let event: Event = match parsed {
            Ok(event) => event,
            Err(e) => {
                let why = Quarantine::Invalid {
                    message: e.to_string(),
                    fields: Vec::new(),
                };
                results.push(quarantine(&tx, caller, raw, None, &why, now.0)?);
                continue;
            }
        };
        let reject = |why: Quarantine, tx: &Transaction| {
            quarantine(tx, caller, raw, Some(&event), &why, now.0)
        };
        if event.device_id != device {
            results.push(reject(Quarantine::ForeignDevice, &tx)?);
            continue;
        }
        // Same id again: a retry if identical, an error if not.
        let existing: Option<(i64, String)> = if known.contains(&event.id) {
            tx.prepare_cached("SELECT seq, event FROM events WHERE id = ?1")?
                .query_row([event.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
        } else {
            None
        };
        if let Some((seq, stored)) = existing {
            let same = serde_json::from_str::<Event>(&stored).is_ok_and(|s| s == event);
            results.push(if same {
                PushResult::Duplicate {
                    event_id: event.id,
                    seq,
                }
            } else {
                reject(Quarantine::IdReused, &tx)?
            });
            continue;
        }
        let dev_seq = event.dev_seq as i64;
        if dev_seq < next_seq {
            // A quarantined event keeps its place in the sequence: retrying it is a
            // duplicate of the quarantine, not a new event.
            results.push(reject(Quarantine::SeqReused, &tx)?);
            continue;
        }
        if dev_seq > next_seq {
            results.push(reject(
                Quarantine::Gap {
                    expected: next_seq as u64,
                },
                &tx,
            )?);
            continue;
        }
        next_seq += 1;

        if event.schema > SCHEMA_VERSION || matches!(event.body, EventBody::Unknown(_)) {
            results.push(reject(Quarantine::Unsupported, &tx)?);
            continue;
        }
        let ahead_ms = event.hlc.wall_ms - now.0;
        let received_ahead = match &event.body {
            EventBody::Registered(r) => r.received_at.0 - now.0,
            _ => 0,
        };
        if ahead_ms.max(received_ahead) > MAX_CLOCK_DRIFT_MS {
            results.push(reject(
                Quarantine::ClockAhead {
                    ahead_ms: ahead_ms.max(received_ahead),
                },
                &tx,
            )?);
            continue;
        }
        if let EventBody::Registered(r) = &event.body
            && let Err(fields) = r.check(catalog)
        {
            let why = Quarantine::Invalid {
                message: "the record sheet breaks field rules".into(),
                fields,
            };
            results.push(reject(why, &tx)?);
            continue;
        }
        if let EventBody::Dispatched(d) = &event.body
            && !catalog.has_department(&d.department)
        {
            let why = Quarantine::Invalid {
                message: format!("unknown department {}", d.department),
                fields: vec![tousu_shared::validate::FieldError::new(
                    tousu_shared::validate::Field::Department,
                    tousu_shared::validate::Rule::UnknownDepartment,
                )],
            };
            results.push(reject(why, &tx)?);
            continue;
        }

        let (mut events, before) = match cache.remove(&event.case_id) {
            Some(cached) => cached,
            None if !old_cases.contains(&event.case_id) => (Vec::new(), None),
            None => {
                let events = case_events(&tx, event.case_id)?;
                let view = (!events.is_empty()).then(|| fold(event.case_id, &events));
                (events, view)
            }
        };
        if let Err(denied) = authorize_event(&caller.principal, &event, before.as_ref(), ctx) {
            cache.insert(event.case_id, (events, before));
            results.push(reject(Quarantine::Forbidden { denied }, &tx)?);
            continue;
        }
        let view = fold_after(event.case_id, before.as_ref(), &events, &event);
        events.push(event.clone());
        if let Some((_, why)) = view.not_applied.iter().find(|(id, _)| *id == event.id) {
            let why = match why {
                NotApplied::Workflow { error } => Quarantine::Workflow {
                    error: error.clone(),
                },
                other => Quarantine::Invalid {
                    message: format!("{other:?}"),
                    fields: Vec::new(),
                },
            };
            events.pop();
            cache.insert(event.case_id, (events, before));
            results.push(reject(why, &tx)?);
            continue;
        }
        let seq = insert_event(&tx, &event, now.0)?;
        known.insert(event.id);
        for hash in referenced_blobs(&event.body) {
            tx.prepare_cached(
                "INSERT INTO blob_refs (hash, case_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?
            .execute(params![hash, event.case_id.to_string()])?;
        }
        results.push(PushResult::Applied {
            event_id: event.id,
            seq,
        });
        // First acceptance of a registration: numbered at the end of the batch, so the
        // device's own later events for the case (sent with it) follow one another.
        if view.number.is_none()
            && view.registration.is_some()
            && before.as_ref().is_none_or(|b| b.registration.is_none())
        {
            to_number.push(event.case_id);
        }
        dirty.insert(event.case_id, seq);
        cache.insert(event.case_id, (events, Some(view)));
    }
    // The month's next serial for each newly registered case, in this transaction, in the
    // order the registrations were accepted: serials and the server's `dev_seq`s are taken
    // for the whole batch at once.
    let registered: Vec<(CaseId, Timestamp)> = to_number
        .into_iter()
        .filter_map(|case| {
            let (_, view) = cache.get(&case)?;
            Some((case, view.as_ref()?.registration.as_ref()?.received_at))
        })
        .collect();
    let mut serials: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (_, received) in &registered {
        serials.entry(serial_month(*received)).or_default().1 += 1;
    }
    for (month, (first, count)) in serials.iter_mut() {
        *first = take_serials(&tx, month, *count)?;
    }
    let mut system = if registered.is_empty() {
        None
    } else {
        Some(SystemWriter::reserve(&tx, registered.len() as i64, now)?)
    };
    for (case, received) in registered {
        let (events, Some(view)) = cache.get_mut(&case).expect("collected above") else {
            continue;
        };
        let next = serials
            .get_mut(&serial_month(received))
            .expect("counted above");
        let date = received.date(CHINA_OFFSET_MINUTES);
        let number = CaseNumber::new(date, next.0 as u32)
            .map_err(|e| StoreError::Corrupt(format!("number: {e}")))?;
        next.0 += 1;
        let after = events.iter().map(|e| e.hlc).max().unwrap_or(Hlc::ZERO);
        let (assigned, seq) = system.as_mut().expect("reserved above").write(
            &tx,
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
    for (case, last_seq) in &dirty {
        if let Some((_, Some(view))) = cache.get(case) {
            store_view(&tx, view, *last_seq)?;
        }
    }
    tx.execute(
        "UPDATE devices SET next_seq = ?1 WHERE id = ?2",
        params![next_seq, device.to_string()],
    )?;
    tx.commit()?;
    Ok(PushResponse {
        results,
        numbers,
        server_time: now.0,
    })
}

/// Which of `values` the event table holds in `column` (`id` or `case_id`), in one query
/// per 500 instead of one per event.
fn stored(
    tx: &Transaction,
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

/// The attachment hashes an event refers to (photos, documents, signatures).
pub fn referenced_blobs(body: &EventBody) -> Vec<String> {
    match body {
        EventBody::Registered(r) => r
            .attachments
            .iter()
            .map(|a| a.hash.as_str().to_string())
            .collect(),
        EventBody::NoteAdded(n) => n
            .attachments
            .iter()
            .map(|a| a.hash.as_str().to_string())
            .chain(n.signature.iter().map(|s| s.as_str().to_string()))
            .collect(),
        EventBody::AttachmentAdded(a) => vec![a.attachment.hash.as_str().to_string()],
        _ => Vec::new(),
    }
}

/// Scope-changing events: a case that one of these touches may have just entered the
/// caller's scope, so it is sent whole.
fn enters_scope(body: &EventBody) -> bool {
    matches!(
        body,
        EventBody::Registered(_) | EventBody::Dispatched(_) | EventBody::Reopened(_)
    )
}

fn grant(
    principal: &Principal,
    view: &CaseView,
    events: &[Event],
    ctx: &AccessContext,
    with_view: bool,
) -> Option<CaseGrant> {
    let case = visible_case(principal, view, ctx)?;
    let events = events
        .iter()
        .map(|e| shape_event(principal, view, e, case.visibility))
        .collect();
    Some(CaseGrant {
        case: with_view.then_some(case),
        events,
    })
}

/// Fills one snapshot page: the next `limit` cases in the caller's scope after `after`, by
/// one scan of the events in (case, commit) order (the `events_case` index), each case folded
/// when its last event has been read. Later events than the first page's cursor may appear;
/// the incremental pulls that follow bring them again and the client keeps one copy.
fn snapshot_page(
    conn: &Connection,
    principal: &Principal,
    after: Option<CaseId>,
    limit: i64,
    with_views: bool,
    ctx: &AccessContext,
    response: &mut PullResponse,
) -> Result<(), StoreError> {
    let after = after.map(|c| c.to_string()).unwrap_or_default();
    let mut stmt = conn.prepare_cached(
        "SELECT case_id, event FROM events WHERE case_id > ?1 ORDER BY case_id, seq",
    )?;
    let mut rows = stmt.query([&after])?;
    let mut current: Option<(String, Vec<Event>)> = None;
    let full = |response: &PullResponse| response.grants.len() as i64 >= limit;
    let finish = |current: Option<(String, Vec<Event>)>, response: &mut PullResponse| {
        let Some((_, events)) = current else { return };
        let Some(case) = events.first().map(|e| e.case_id) else {
            return;
        };
        let view = fold(case, &events);
        if let Some(g) = grant(principal, &view, &events, ctx, with_views) {
            response.grants.push(g);
            response.after = Some(case);
        }
    };
    while let Some(row) = rows.next()? {
        let case_id: String = row.get(0)?;
        if current.as_ref().is_some_and(|(id, _)| *id != case_id) {
            finish(current.take(), response);
            if full(response) {
                // A case follows: the snapshot goes on after the last one granted.
                response.more = true;
                return Ok(());
            }
        }
        let raw: String = row.get(1)?;
        let event: Event = serde_json::from_str(&raw)
            .map_err(|e| StoreError::Corrupt(format!("stored event of case {case_id}: {e}")))?;
        match &mut current {
            Some((_, events)) => events.push(event),
            None => current = Some((case_id, vec![event])),
        }
    }
    finish(current, response);
    response.after = None;
    Ok(())
}

/// One page of what changed after `cursor` in the caller's scope. A first pull (cursor 0) is
/// a snapshot of every case in scope, each with its events, in pages of at most `limit` cases
/// by ascending case id: each page names the case to continue `after`, and the cursor taken at
/// the first page stays the same until the snapshot is complete.
pub fn pull(
    conn: &Connection,
    caller: &Caller,
    cursor: i64,
    after: Option<CaseId>,
    limit: i64,
    with_views: bool,
    ctx: &AccessContext,
) -> Result<PullResponse, StoreError> {
    let principal = &caller.principal;
    let limit = limit.clamp(1, MAX_PULL_PAGE);
    let mut response = PullResponse {
        events: Vec::new(),
        grants: Vec::new(),
        revocations: Vec::new(),
        cursor,
        more: false,
        server_time: ctx.now.0,
        snapshot: false,
        after: None,
    };
    if cursor <= 0 || after.is_some() {
        if after.is_none() {
            response.cursor =
                conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0))?;
        }
        response.snapshot = true;
        snapshot_page(
            conn,
            principal,
            after,
            limit,
            with_views,
            ctx,
            &mut response,
        )?;
        return Ok(response);
    }
    let mut stmt =
        conn.prepare_cached("SELECT seq, event FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
    let rows: Vec<(i64, String)> = stmt
        .query_map(params![cursor, limit + 1], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    response.more = rows.len() as i64 > limit;
    // Each case's view and events, folded once per page.
    let mut views: BTreeMap<CaseId, Option<(CaseView, Vec<Event>)>> = BTreeMap::new();
    let mut granted: BTreeSet<CaseId> = BTreeSet::new();
    let mut revoked: BTreeSet<CaseId> = BTreeSet::new();
    for (seq, raw) in rows.into_iter().take(limit as usize) {
        response.cursor = seq;
        let event: Event =
            serde_json::from_str(&raw).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let case = event.case_id;
        if let std::collections::btree_map::Entry::Vacant(slot) = views.entry(case) {
            let events = case_events(conn, case)?;
            let view = (!events.is_empty()).then(|| fold(case, &events));
            slot.insert(view.map(|v| (v, events)));
        }
        let Some((view, events)) = views[&case].as_ref() else {
            continue;
        };
        let visibility = tousu_shared::access::visibility(principal, view, ctx);
        if visibility == Visibility::Hidden {
            revoked.insert(case);
            continue;
        }
        if enters_scope(&event.body) && !granted.contains(&case) {
            if let Some(g) = grant(principal, view, events, ctx, with_views) {
                response.grants.push(g);
            }
            granted.insert(case);
            continue;
        }
        if !granted.contains(&case) {
            response
                .events
                .push(shape_event(principal, view, &event, visibility));
        }
    }
    response.revocations = revoked.into_iter().collect();
    Ok(response)
}

/// Re-folds every case from its events and rewrites the projections (`tousu-server rebuild`).
pub fn rebuild_projections(conn: &mut Connection) -> Result<usize, StoreError> {
    let tx = conn.transaction()?;
    let ids: Vec<String> = {
        let mut stmt = tx.prepare("SELECT DISTINCT case_id FROM events")?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    tx.execute("DELETE FROM cases", [])?;
    for id in &ids {
        let case = CaseId(
            id.parse()
                .map_err(|_| StoreError::Corrupt(format!("case id {id}")))?,
        );
        let events = case_events(&tx, case)?;
        let last_seq: i64 = tx.query_row(
            "SELECT MAX(seq) FROM events WHERE case_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        store_view(&tx, &fold(case, &events), last_seq)?;
    }
    tx.commit()?;
    Ok(ids.len())
}
