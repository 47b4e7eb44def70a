//! The event store and what is derived from it: events in commit order (`seq`, the pull
//! cursor), the case projections (query columns; views are folded from events when read),
//! the server's own device and its system events, complaint-number serials, quarantined
//! events, and the reads a pull makes.

use std::{
    collections::{BTreeMap, BTreeSet},
    ops::ControlFlow,
};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::value::RawValue;
use tousu_shared::{
    access::{AccessContext, Principal, ScopeFacts},
    api::sync::{PushResponse, PushResult, Quarantine},
    clock::{CHINA_OFFSET_MINUTES, Hlc, Timestamp},
    event::{Actor, Event, EventBody, NumberAssigned, SCHEMA_VERSION},
    fold::{fold, fold_after},
    ids::{CaseId, DepartmentId, DeviceId, EventId, UserId},
    model::{Catalog, Stage},
    number::CaseNumber,
    view::CaseView,
};

use super::{Store, StoreError, audit, grants, json, reference};

/// Meta key of the server's own device id (it writes number and archive events).
const SERVER_DEVICE_KEY: &str = "server_device_id";

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

/// One quarantined event as listed.
#[derive(Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct QuarantinedEvent {
    /// Row id.
    pub id: i64,
    /// Who pushed it.
    pub author: String,
    /// Why (the `Quarantine` reason as JSON).
    pub reason: serde_json::Value,
    /// The event as pushed.
    pub event: serde_json::Value,
    /// When the server received it (ms).
    pub received_at: i64,
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

    /// The events of a case in commit order.
    pub async fn case_events(&self, case: CaseId) -> Result<Vec<Event>, StoreError> {
        self.read(move |conn| case_events(conn, case)).await
    }

    /// Reads for a pull, all on one connection: `f` gets typed reads of the event store.
    pub async fn read_events<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&EventReads) -> Result<T, StoreError> + Send + 'static,
    {
        self.read(move |conn| f(&EventReads { conn })).await
    }

    /// Quarantined events: the author's own, or everyone's (`all`), newest first, at most 500.
    pub async fn quarantined(
        &self,
        all: bool,
        author: String,
    ) -> Result<Vec<QuarantinedEvent>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT id, author, detail, event, received_at FROM quarantine
                 WHERE ?1 OR author = ?2 ORDER BY id DESC LIMIT 500",
            )?;
            let rows = stmt
                .query_map(params![all, author], |r| {
                    Ok(QuarantinedEvent {
                        id: r.get(0)?,
                        author: r.get(1)?,
                        reason: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or_default(),
                        event: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
                        received_at: r.get(4)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// Re-folds every case from its events and rewrites the projections (`tousu-server
    /// rebuild`); returns how many cases.
    pub async fn rebuild_projections(&self) -> Result<usize, StoreError> {
        self.with_conn(|conn| {
            let tx = conn.transaction()?;
            let ids: Vec<String> = {
                let mut stmt = tx.prepare("SELECT DISTINCT case_id FROM events")?;
                stmt.query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?
            };
            tx.execute("DELETE FROM cases", [])?;
            let inputs = super::stats::StatInputs::load(&tx)?;
            for id in &ids {
                let case = parse_case(id)?;
                let events = case_events(&tx, case)?;
                store_view(&tx, &fold(case, &events), last_seq(&tx, case)?, &inputs)?;
            }
            tx.commit()?;
            Ok(ids.len())
        })
        .await
    }
}

/// Typed reads of the event store on one connection (a pull's).
pub struct EventReads<'c> {
    conn: &'c Connection,
}

impl EventReads<'_> {
    /// The newest committed `seq` (0 when empty).
    pub fn head(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0))?)
    }

    /// A case's events in commit order.
    pub fn case_events(&self, case: CaseId) -> Result<Vec<Event>, StoreError> {
        case_events(self.conn, case)
    }

    /// At most `limit` events committed after `cursor`, with their `seq`.
    pub fn events_after(&self, cursor: i64, limit: i64) -> Result<Vec<(i64, Event)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, event FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
        let rows: Vec<(i64, String)> = stmt
            .query_map(params![cursor, limit], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(seq, raw)| Ok((seq, parse_event(&raw, "pulled")?)))
            .collect()
    }

    /// Each case after `after` in ascending id, with all its events, by one scan of the
    /// `events_case` index. `f` says whether to go on; returns true when it stopped early
    /// with another case still to come.
    pub fn each_case_after(
        &self,
        after: Option<CaseId>,
        mut f: impl FnMut(CaseId, Vec<Event>) -> ControlFlow<()>,
    ) -> Result<bool, StoreError> {
        let after = after.map(|c| c.to_string()).unwrap_or_default();
        let mut stmt = self.conn.prepare_cached(
            "SELECT case_id, event FROM events WHERE case_id > ?1 ORDER BY case_id, seq",
        )?;
        let mut rows = stmt.query([&after])?;
        let mut current: Option<(String, Vec<Event>)> = None;
        let finish =
            |current: Option<(String, Vec<Event>)>,
             f: &mut dyn FnMut(CaseId, Vec<Event>) -> ControlFlow<()>| {
                match current {
                    Some((_, events)) if !events.is_empty() => f(events[0].case_id, events),
                    _ => ControlFlow::Continue(()),
                }
            };
        while let Some(row) = rows.next()? {
            let case_id: String = row.get(0)?;
            if current.as_ref().is_some_and(|(id, _)| *id != case_id)
                && finish(current.take(), &mut f).is_break()
            {
                return Ok(true);
            }
            let raw: String = row.get(1)?;
            let event = parse_event(&raw, &case_id)?;
            match &mut current {
                Some((_, events)) => events.push(event),
                None => current = Some((case_id, vec![event])),
            }
        }
        let _ = finish(current, &mut f);
        Ok(false)
    }

    /// How many cases are in `principal`'s scope, counted from the case projections by the
    /// shared scope rule (what a first pull is about to bring, for its progress).
    pub fn count_in_scope(
        &self,
        principal: &Principal,
        ctx: &AccessContext,
    ) -> Result<u32, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, number, stage, department, registered_by, co_departments, team
                 FROM cases",
        )?;
        let mut rows = stmt.query([])?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            let id = parse_case(&row.get::<_, String>(0)?)?;
            let number: Option<String> = row.get(1)?;
            let stage: String = row.get(2)?;
            let department: Option<String> = row.get(3)?;
            let registered_by: Option<String> = row.get(4)?;
            let co: String = row.get(5)?;
            let team: String = row.get(6)?;
            let co: Vec<DepartmentId> = co
                .split_whitespace()
                .filter_map(|d| DepartmentId::parse(d).ok())
                .collect();
            let team: Vec<UserId> = team
                .split_whitespace()
                .filter_map(|u| UserId::parse(u).ok())
                .collect();
            let stage: Stage = serde_json::from_value(serde_json::Value::String(stage))
                .map_err(|e| StoreError::Corrupt(format!("stage of case {id}: {e}")))?;
            let department = department.and_then(|d| DepartmentId::parse(&d).ok());
            let registered_by = registered_by.and_then(|u| UserId::parse(&u).ok());
            let facts = ScopeFacts {
                id,
                number: number.and_then(|n| CaseNumber::parse(&n).ok()),
                stage,
                department: department.as_ref(),
                registered_by: registered_by.as_ref(),
                co_departments: &co,
                team: &team,
            };
            n += u32::from(
                tousu_shared::access::kept_on_devices(stage)
                    && tousu_shared::access::in_scope(principal, &facts, ctx),
            );
        }
        Ok(n)
    }

    /// The principal's access context at `now` (their active archive grants).
    pub fn context(
        &self,
        principal: &Principal,
        now: Timestamp,
    ) -> Result<AccessContext, StoreError> {
        grants::context(self.conn, principal, now)
    }
}

pub(super) fn parse_event(raw: &str, whose: &str) -> Result<Event, StoreError> {
    // Stored events were parsed before they were stored; a row that no longer parses is a
    // corrupted database, reported rather than skipped.
    tousu_shared::json::from_str(raw)
        .map_err(|e| StoreError::Corrupt(format!("stored event of case {whose}: {e}")))
}

pub(super) fn parse_case(id: &str) -> Result<CaseId, StoreError> {
    id.parse()
        .map(CaseId)
        .map_err(|_| StoreError::Corrupt(format!("case id {id}")))
}

/// The events of a case in commit order.
pub(super) fn case_events(conn: &Connection, case: CaseId) -> Result<Vec<Event>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT event FROM events WHERE case_id = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([case.to_string()], |r| r.get::<_, String>(0))?;
    let whose = case.to_string();
    let mut events = Vec::new();
    for row in rows {
        events.push(parse_event(&row?, &whose)?);
    }
    Ok(events)
}

/// The current view of a case (folded from its events), if it exists.
pub(super) fn case_view(conn: &Connection, case: CaseId) -> Result<Option<CaseView>, StoreError> {
    let events = case_events(conn, case)?;
    Ok((!events.is_empty()).then(|| fold(case, &events)))
}

/// The `seq` of a case's last event.
pub(super) fn last_seq(conn: &Connection, case: CaseId) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT MAX(seq) FROM events WHERE case_id = ?1",
        [case.to_string()],
        |r| r.get(0),
    )?)
}

/// Ids as the projection keeps them: space-separated.
fn ids<T: std::fmt::Display>(items: impl Iterator<Item = T>) -> String {
    items.map(|i| i.to_string()).collect::<Vec<_>>().join(" ")
}

/// Fills the statistics rows of cases that have none (a database from before statistics).
pub(super) fn backfill_stats(conn: &mut Connection) -> Result<usize, StoreError> {
    let missing: Vec<String> = {
        let mut stmt =
            conn.prepare("SELECT id FROM cases WHERE id NOT IN (SELECT case_id FROM stats)")?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    if missing.is_empty() {
        return Ok(0);
    }
    let tx = conn.transaction()?;
    let inputs = super::stats::StatInputs::load(&tx)?;
    // A case that does not read is left without a row (and said so): statistics must not
    // keep the server from starting.
    for id in &missing {
        let view = parse_case(id).and_then(|case| case_view(&tx, case));
        match view {
            Ok(Some(view)) => super::stats::store_row(&tx, &view, &inputs)?,
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(case = %id, error = %e, "no statistics row: the case does not read")
            }
        }
    }
    tx.commit()?;
    Ok(missing.len())
}

/// Writes a case's projection.
pub(super) fn store_view(
    tx: &Connection,
    view: &CaseView,
    last_seq: i64,
    inputs: &super::stats::StatInputs,
) -> Result<(), StoreError> {
    super::stats::store_row(tx, view, inputs)?;
    let registered_by = match &view.registered_by {
        Some(Actor::User(u)) => Some(u.to_string()),
        _ => None,
    };
    tx.prepare_cached(
        "INSERT INTO cases (id, number, stage, department, registered_by, received_at, last_seq,
           co_departments, team)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET number = excluded.number, stage = excluded.stage,
           department = excluded.department, registered_by = excluded.registered_by,
           received_at = excluded.received_at, last_seq = excluded.last_seq,
           co_departments = excluded.co_departments, team = excluded.team",
    )?
    .execute(params![
        view.id.to_string(),
        view.number.map(|n| n.to_string()),
        json(&view.stage).trim_matches('"'),
        view.department.as_ref().map(|d| d.to_string()),
        registered_by,
        view.registration.as_ref().map(|r| r.received_at.0),
        last_seq,
        ids(view.co_departments.iter()),
        ids(view.team.iter().flat_map(|t| t.members.iter())),
    ])?;
    Ok(())
}

/// Rewrites a stored event in place (destruction erases its personal data).
pub(super) fn rewrite_event(tx: &Connection, event: &Event) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE events SET event = ?1 WHERE id = ?2",
        params![json(event), event.id.to_string()],
    )?;
    Ok(())
}

/// The server's device id, created on first use.
fn server_device(conn: &Connection, now: i64) -> Result<DeviceId, StoreError> {
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

pub(super) fn insert_event(tx: &Connection, event: &Event, now: i64) -> Result<i64, StoreError> {
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

/// Writes a case event made by the server itself (archive runs) after the case's current
/// heads, and its projection; returns the new view.
pub(super) fn write_system_event(
    tx: &Connection,
    view: &CaseView,
    body: EventBody,
    now: Timestamp,
) -> Result<CaseView, StoreError> {
    let mut events = case_events(tx, view.id)?;
    let after = events.iter().map(|e| e.hlc).max().unwrap_or(Hlc::ZERO);
    let (event, seq) =
        SystemWriter::reserve(tx, 1, now)?.write(tx, view.id, view.heads.clone(), after, body)?;
    events.push(event);
    let view = fold(view.id, &events);
    let inputs = super::stats::StatInputs::load(tx)?;
    store_view(tx, &view, seq, &inputs)?;
    Ok(view)
}

/// Writes `count` events of the server's own device with `dev_seq`s taken in one statement.
pub(super) struct SystemWriter {
    device: DeviceId,
    next_seq: i64,
    end: i64,
    now: Timestamp,
}

impl SystemWriter {
    pub(super) fn reserve(tx: &Connection, count: i64, now: Timestamp) -> Result<Self, StoreError> {
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

    pub(super) fn write(
        &mut self,
        tx: &Connection,
        case: CaseId,
        parents: Vec<EventId>,
        after: Hlc,
        body: EventBody,
    ) -> Result<(Event, i64), StoreError> {
        self.write_as(tx, Actor::System, case, parents, after, body)
    }

    /// As [`Self::write`], for `actor` (a kiosk's complaint, opened by the server).
    pub(super) fn write_as(
        &mut self,
        tx: &Connection,
        actor: Actor,
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
            actor,
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
pub(super) fn serial_month(received: Timestamp) -> String {
    let date = received.date(CHINA_OFFSET_MINUTES);
    format!("{:02}{:02}", date.year() % 100, date.month())
}

/// Takes `count` serials of `month` in this transaction: the first of them.
pub(super) fn take_serials(tx: &Connection, month: &str, count: i64) -> Result<i64, StoreError> {
    let last: i64 = tx
        .prepare_cached(
            "INSERT INTO serials (month, last) VALUES (?1, ?2)
             ON CONFLICT (month) DO UPDATE SET last = last + ?2 RETURNING last",
        )?
        .query_row(params![month, count], |r| r.get(0))?;
    Ok(last - count + 1)
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
