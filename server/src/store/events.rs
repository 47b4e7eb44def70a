//! The event store and what is derived from it: events in commit order (`seq`, the pull
//! cursor), the case projections (query columns; views are folded from events when read),
//! the server's own device and its system events, complaint-number serials, quarantined
//! events, and the reads a pull makes.

use std::ops::ControlFlow;

use rusqlite::{Connection, OptionalExtension, params};
use tousu_shared::{
    access::{AccessContext, Principal, ScopeFacts},
    clock::{CHINA_OFFSET_MINUTES, Hlc, Timestamp},
    event::{Actor, Event, EventBody, SCHEMA_VERSION},
    fold::fold,
    ids::{CaseId, DepartmentId, DeviceId, EventId, UserId},
    model::Stage,
    number::CaseNumber,
    view::CaseView,
};

use super::{Store, StoreError, grants, json};

/// Meta key of the server's own device id (it writes number and archive events).
const SERVER_DEVICE_KEY: &str = "server_device_id";

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
