//! Deterministic simulation of five devices and the server, in process (issue 17 §1): the
//! server's real push and pull (`tousu_server::sync`) over a real SQLite file, the
//! shared fold and workflow on every device, and a seeded network that delivers requests and
//! answers late, out of order, twice or never, partitions devices, crashes a device between
//! its local write and the acknowledgement, skews a device's clock beyond the drift bound, and
//! re-dispatches cases away from the handlers while they are offline. After the network heals,
//! every seed must show: each device holds exactly what a fresh pull gives its user (the same
//! events, masked alike, so nothing reached a device without the right), folded to the same
//! view; no acknowledged event is missing from the server; every concurrent change of a
//! single-valued fact is a visible conflict.
//!
//! `tests/simulation.rs` runs 200 seeds in the test command, the `simulation` binary 10,000;
//! `TOUSU_SIM_SEEDS=N` runs N seeds, `TOUSU_SIM_SEED=S` replays one; a failure names its seed.
//!
//! Mid-run an administrator moves a handler to another department and takes a
//! supervisor's role away: their devices must end holding what the new roles allow, no more.
//! The devices are a model of the app's sync client (outbox in `dev_seq` order, quarantine,
//! pull position and scope key, a new snapshot replacing what is held, one page asked at a
//! time: a pull answer to a position the device has since left is dropped), not the client
//! itself.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use tousu_server::{
    auth::Caller,
    store::{Store, accounts::NewAccount, admin::AdminChange},
    sync::{self, PullRequest},
};
use tousu_shared::{
    access::{Principal, Role},
    api::sync::{PullResponse, PushResponse, PushResult, Quarantine},
    clock::{Hlc, Timestamp},
    event::{Actor, CommandKind, Event, EventBody, SCHEMA_VERSION},
    fold::fold,
    ids::{CaseId, DepartmentId, DeviceId, EventId, UserId},
    model::{CaseKind, Severity},
    testing::{body, registration},
    view::{CaseView, FactValue},
    workflow::available_commands,
};

/// SplitMix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const USERS: [(&str, Role, Option<&str>); 5] = [
    ("sup1", Role::Supervisor, None),
    ("sup2", Role::Supervisor, None),
    ("hand1", Role::Handler, Some("ops")),
    ("hand2", Role::Handler, Some("ops")),
    ("sup3", Role::Supervisor, None),
];
/// The server's drift bound is five minutes; this device's clock runs ten ahead at times.
const SKEWED: usize = 4;
const STEP_MS: i64 = 1_000;

/// A device: what the app keeps durably (its log, outbox, quarantine, pull position, writing
/// state) and what a crash forgets (`epoch` makes answers to requests sent before it stale).
struct Device {
    id: DeviceId,
    caller: Caller,
    principal: Principal,
    actor: Actor,
    log: BTreeMap<CaseId, BTreeMap<EventId, Event>>,
    outbox: BTreeMap<u64, Event>,
    quarantined: Vec<(Event, Quarantine)>,
    acknowledged: BTreeSet<EventId>,
    cursor: i64,
    after: Option<CaseId>,
    /// The scope key of the last page applied ("" before the first).
    scope: String,
    /// Snapshots begun because the scope key changed.
    rescoped: usize,
    /// Pull answers dropped because the device had moved on since it asked.
    stale_answers: usize,
    seq: u64,
    hlc: Hlc,
    online: bool,
    epoch: u64,
}

enum Message {
    Push {
        device: usize,
        epoch: u64,
        events: Vec<Event>,
    },
    Pull {
        device: usize,
        epoch: u64,
        cursor: i64,
        after: Option<CaseId>,
        scope: String,
    },
    Pushed {
        device: usize,
        epoch: u64,
        answer: PushResponse,
    },
    Pulled {
        device: usize,
        epoch: u64,
        /// The position the request was made from.
        asked: (i64, Option<CaseId>, String),
        answer: PullResponse,
    },
}

impl Message {
    fn device(&self) -> usize {
        match self {
            Message::Push { device, .. }
            | Message::Pull { device, .. }
            | Message::Pushed { device, .. }
            | Message::Pulled { device, .. } => *device,
        }
    }
}

struct World {
    store: Store,
    devices: Vec<Device>,
    network: VecDeque<Message>,
    base: i64,
    step: i64,
    next_event: u128,
    seed: u64,
}

impl World {
    fn now(&self) -> Timestamp {
        Timestamp(self.base + self.step * STEP_MS)
    }

    fn device_now(&self, d: usize, rng_skew: bool) -> Timestamp {
        let skew = if d == SKEWED && rng_skew {
            10 * 60_000
        } else {
            (d as i64 - 2) * 20_000
        };
        Timestamp(self.now().0 + skew)
    }

    /// A local write: the device's own view decides what it may do, as the app's forms do.
    fn write(&mut self, d: usize, rng: &mut Rng, skewed: bool) {
        let now = self.device_now(d, skewed);
        let device = &self.devices[d];
        let cases: Vec<CaseId> = device.log.keys().copied().collect();
        let supervisor = matches!(USERS[d].1, Role::Supervisor);
        let (case, body) = if supervisor && (cases.is_empty() || rng.chance(15)) {
            self.next_event += 1;
            let case = CaseId::from_u128(
                0x0190_0000_0000_7000_8000_0000_0000_0000
                    | (self.seed as u128) << 32
                    | self.next_event,
            );
            let registered = EventBody::Registered(registration(CaseKind::Complaint, now));
            (case, registered)
        } else {
            if cases.is_empty() {
                return;
            }
            let case = cases[rng.below(cases.len() as u64) as usize];
            let events: Vec<Event> = device.log[&case].values().cloned().collect();
            let view = fold(case, &events);
            let offered: Vec<CommandKind> = available_commands(&device.principal, &view)
                .into_iter()
                .filter(|c| {
                    matches!(
                        c,
                        CommandKind::Classify | CommandKind::Dispatch | CommandKind::AddNote
                    )
                })
                .collect();
            if offered.is_empty() {
                return;
            }
            let body = match offered[rng.below(offered.len() as u64) as usize] {
                CommandKind::Classify => body::classify_as(
                    [Severity::General, Severity::Important][rng.below(2) as usize],
                ),
                CommandKind::Dispatch => body::dispatch(["ops", "qa"][rng.below(2) as usize]),
                _ => body::note(&format!("现场记录 {}", rng.below(1000))),
            };
            (case, body)
        };
        let heads = device
            .log
            .get(&case)
            .map(|events| fold(case, &events.values().cloned().collect::<Vec<_>>()).heads)
            .unwrap_or_default();
        self.next_event += 1;
        let device = &mut self.devices[d];
        device.seq += 1;
        device.hlc = device.hlc.tick(now);
        let event = Event {
            id: EventId::from_u128((self.seed as u128) << 64 | self.next_event),
            case_id: case,
            device_id: device.id,
            dev_seq: device.seq,
            actor: device.actor.clone(),
            hlc: device.hlc,
            parents: heads,
            schema: SCHEMA_VERSION,
            body,
        };
        device
            .log
            .entry(case)
            .or_default()
            .insert(event.id, event.clone());
        device.outbox.insert(event.dev_seq, event);
    }

    /// The administrator gives device `d`'s user another role and department; the device's
    /// next requests carry the new principal (its user signed in again; the app keeps its
    /// data and pull position across sign-ins).
    async fn change_user(&mut self, d: usize, role: Role, department: Option<&str>) {
        let user = USERS[d].0;
        let change = AdminChange::UpdateUser {
            id: user.into(),
            display_name: user.into(),
            roles: vec![role],
            department: department.map(Into::into),
        };
        self.store
            .admin_change("admin".into(), change, self.now())
            .await
            .unwrap()
            .unwrap();
        let principal = Principal::user(
            UserId::parse(user).unwrap(),
            &[role],
            department.map(|d| DepartmentId::parse(d).unwrap()),
        );
        self.devices[d].caller.principal = principal.clone();
        self.devices[d].principal = principal;
    }

    fn send_push(&mut self, d: usize) {
        let device = &self.devices[d];
        if device.outbox.is_empty() {
            return;
        }
        let events = device.outbox.values().take(20).cloned().collect();
        self.network.push_back(Message::Push {
            device: d,
            epoch: device.epoch,
            events,
        });
    }

    fn send_pull(&mut self, d: usize) {
        let device = &self.devices[d];
        self.network.push_back(Message::Pull {
            device: d,
            epoch: device.epoch,
            cursor: device.cursor,
            after: device.after,
            scope: device.scope.clone(),
        });
    }

    /// Delivers one message: a request reaches the server (its answer goes on the network),
    /// an answer reaches its device unless the device crashed since it asked.
    async fn deliver(&mut self, message: Message) {
        let now = self.now();
        match message {
            Message::Push {
                device,
                epoch,
                events,
            } => {
                let raw = events
                    .iter()
                    .map(|e| serde_json::value::to_raw_value(e).unwrap())
                    .collect();
                let caller = &self.devices[device].caller;
                let answer = sync::push(&self.store, caller, raw, now).await.unwrap();
                self.network.push_back(Message::Pushed {
                    device,
                    epoch,
                    answer,
                });
            }
            Message::Pull {
                device,
                epoch,
                cursor,
                after,
                scope,
            } => {
                let request = PullRequest {
                    cursor,
                    after,
                    limit: 7,
                    with_views: false,
                    scope: Some(scope),
                };
                let asked = (cursor, after, request.scope.clone().unwrap_or_default());
                let principal = self.devices[device].principal.clone();
                let answer = sync::pull(&self.store, principal, request, now)
                    .await
                    .unwrap();
                self.network.push_back(Message::Pulled {
                    device,
                    epoch,
                    asked,
                    answer,
                });
            }
            Message::Pushed {
                device,
                epoch,
                answer,
            } => {
                let d = &mut self.devices[device];
                if d.epoch != epoch {
                    return;
                }
                for result in answer.results {
                    match result {
                        PushResult::Applied { event_id, .. }
                        | PushResult::Duplicate { event_id, .. } => {
                            d.acknowledged.insert(event_id);
                            d.outbox.retain(|_, e| e.id != event_id);
                        }
                        PushResult::Quarantined {
                            why: Quarantine::Gap { .. },
                            ..
                        } => {}
                        PushResult::Quarantined { event_id, why } => {
                            let Some(id) = event_id else { continue };
                            let Some(seq) =
                                d.outbox.iter().find(|(_, e)| e.id == id).map(|(s, _)| *s)
                            else {
                                continue;
                            };
                            let event = d.outbox.remove(&seq).unwrap();
                            if let Some(log) = d.log.get_mut(&event.case_id) {
                                log.remove(&event.id);
                            }
                            d.quarantined.push((event, why));
                        }
                    }
                }
            }
            Message::Pulled {
                device,
                epoch,
                asked,
                answer,
            } => {
                let d = &mut self.devices[device];
                if d.epoch != epoch {
                    return;
                }
                // The app asks for one page at a time and applies its answer before it asks
                // again: an answer to a position the device has left (a late or duplicated
                // one) is never applied. Applying it could set a snapshot's first page over
                // later pages and leave the device with a cursor past cases it no longer holds.
                if asked != (d.cursor, d.after, d.scope.clone()) {
                    d.stale_answers += 1;
                    return;
                }
                if answer.snapshot && answer.total.is_some() {
                    // A snapshot's first page: what the device held goes (its unsent events
                    // stay in the outbox and join their case when a grant brings it).
                    if !d.scope.is_empty() && d.scope != answer.scope {
                        d.rescoped += 1;
                    }
                    d.log.clear();
                }
                d.scope = answer.scope.clone();
                for case in &answer.revocations {
                    d.log.remove(case);
                }
                for grant in &answer.grants {
                    // A granted case: the server's events, and this device's unsent ones.
                    let case = grant.events.first().map(|e| e.case_id);
                    for e in d.outbox.values().filter(|e| Some(e.case_id) == case) {
                        d.log.entry(e.case_id).or_default().insert(e.id, e.clone());
                    }
                    for e in &grant.events {
                        d.log.entry(e.case_id).or_default().insert(e.id, e.clone());
                    }
                }
                for e in &answer.events {
                    d.log.entry(e.case_id).or_default().insert(e.id, e.clone());
                    d.hlc = d.hlc.receive(e.hlc, now, i64::MAX / 4).unwrap_or(d.hlc);
                }
                d.cursor = answer.cursor;
                d.after = answer.after;
            }
        }
    }
}

/// A template database with the five users and their devices (fixed ids), copied per seed.
async fn template(dir: &std::path::Path) -> (std::path::PathBuf, Vec<DeviceId>) {
    let path = dir.join("template.sqlite3");
    let store = Store::open(&path).unwrap();
    let now = tousu_server::now();
    let accounts = USERS
        .iter()
        .map(|(id, role, dept)| NewAccount {
            id: UserId::parse(id).unwrap(),
            display_name: id.to_string(),
            roles: vec![*role],
            department: dept.map(|d| DepartmentId::parse(d).unwrap()),
            password_hash: "not used".into(),
            must_change: false,
        })
        .collect();
    let departments = vec![
        (DepartmentId::parse("ops").unwrap(), "运营服务部".into()),
        (DepartmentId::parse("qa").unwrap(), "质量管理部".into()),
    ];
    store
        .create_accounts(departments, accounts, now)
        .await
        .unwrap();
    let mut ids = Vec::new();
    for (i, (user, ..)) in USERS.iter().enumerate() {
        let random = store
            .register_browser(UserId::parse(user).unwrap(), format!("tablet {i}"), now)
            .await
            .unwrap();
        let fixed = DeviceId::from_u128(0xd000_0000_0000_7000_8000_0000_0000_0000 | i as u128);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE devices SET id = ?1 WHERE id = ?2",
            [fixed.to_string(), random.to_string()],
        )
        .unwrap();
        ids.push(fixed);
    }
    (path, ids)
}

/// What a fresh pull (a new device of the same user) gets: every case in scope, its events.
async fn server_truth(
    store: &Store,
    principal: &Principal,
    now: Timestamp,
) -> BTreeMap<CaseId, BTreeMap<EventId, Event>> {
    let mut out: BTreeMap<CaseId, BTreeMap<EventId, Event>> = BTreeMap::new();
    let (mut cursor, mut after) = (0, None);
    loop {
        let request = PullRequest {
            cursor,
            after,
            limit: 50,
            with_views: false,
            scope: None,
        };
        let page = sync::pull(store, principal.clone(), request, now)
            .await
            .unwrap();
        for grant in &page.grants {
            for e in &grant.events {
                out.entry(e.case_id).or_default().insert(e.id, e.clone());
            }
        }
        for e in &page.events {
            out.entry(e.case_id).or_default().insert(e.id, e.clone());
        }
        for case in &page.revocations {
            out.remove(case);
        }
        (cursor, after) = (page.cursor, page.after);
        if !page.more {
            return out;
        }
    }
}

/// Events `of` depends on (its parents, theirs, …).
fn ancestors(events: &BTreeMap<EventId, Event>, of: EventId) -> BTreeSet<EventId> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![of];
    while let Some(id) = todo.pop() {
        for parent in events
            .get(&id)
            .map(|e| e.parents.as_slice())
            .unwrap_or_default()
        {
            if seen.insert(*parent) {
                todo.push(*parent);
            }
        }
    }
    seen
}

/// The severities no later classification (or resolution) saw, that is the versions still
/// competing: when they differ, all of them are named in one open conflict. A version a later
/// write on its own branch replaced needs no mention; one that vanished without anyone having
/// seen it would be a silent win.
fn concurrent_changes_are_conflicts(
    events: &BTreeMap<EventId, Event>,
    view: &CaseView,
) -> Result<(), String> {
    let applied = |id: &EventId| !view.not_applied.iter().any(|(n, _)| n == id);
    let deciding: Vec<&Event> = events
        .values()
        .filter(|e| {
            applied(&e.id)
                && matches!(
                    e.body,
                    EventBody::Classified(_) | EventBody::ConflictResolved(_)
                )
        })
        .collect();
    let superseded: BTreeSet<EventId> = deciding
        .iter()
        .flat_map(|e| ancestors(events, e.id))
        .collect();
    let competing: Vec<(EventId, Severity)> = deciding
        .iter()
        .filter(|e| !superseded.contains(&e.id))
        .filter_map(|e| match &e.body {
            EventBody::Classified(c) => Some((e.id, c.severity)),
            _ => None,
        })
        .collect();
    let values: BTreeSet<String> = competing.iter().map(|(_, s)| format!("{s:?}")).collect();
    if values.len() < 2 {
        return Ok(());
    }
    let named = view.conflicts.iter().any(|c| {
        competing.iter().all(|(id, _)| {
            c.versions
                .iter()
                .any(|v| v.event == *id && matches!(v.value, FactValue::Severity { .. }))
        })
    });
    if named {
        Ok(())
    } else {
        Err(format!(
            "competing severities {competing:?} not all in one conflict: {:?}",
            view.conflicts
        ))
    }
}

/// What the seeds exercised, summed over a run (so the figures show the faults happened).
#[derive(Default, Debug)]
pub struct Tally {
    /// Case views compared with the server's.
    pub views: usize,
    /// Events acknowledged to devices.
    pub acknowledged: usize,
    /// Quarantines by reason.
    pub quarantined: BTreeMap<&'static str, usize>,
    /// Open conflicts seen in the views compared.
    pub conflicts: usize,
    /// Cases in the server's whole truth that a device did not hold (hidden or revoked).
    pub revoked_or_hidden: usize,
    /// Snapshots begun because a user's scope key changed.
    pub rescoped: usize,
    /// Pull answers dropped because the device had moved on since it asked.
    pub stale_answers: usize,
}

async fn run(
    seed: u64,
    template: &std::path::Path,
    ids: &[DeviceId],
    dir: &std::path::Path,
    tally: &mut Tally,
) -> Result<(), String> {
    let mut rng = Rng(seed);
    let path = dir.join(format!("seed-{seed}.sqlite3"));
    let _ = std::fs::remove_file(&path);
    rusqlite::Connection::open(template)
        .unwrap()
        .execute("VACUUM INTO ?1", [path.to_str().unwrap()])
        .unwrap();
    let store = Store::open(&path).unwrap();
    let devices = USERS
        .iter()
        .zip(ids)
        .map(|((user, role, dept), id)| {
            let user = UserId::parse(user).unwrap();
            let principal = Principal::user(
                user.clone(),
                &[*role],
                dept.map(|d| DepartmentId::parse(d).unwrap()),
            );
            Device {
                id: *id,
                caller: Caller {
                    principal: principal.clone(),
                    device: Some(*id),
                    token_hash: Vec::new(),
                },
                principal,
                actor: Actor::User(user),
                log: BTreeMap::new(),
                outbox: BTreeMap::new(),
                quarantined: Vec::new(),
                acknowledged: BTreeSet::new(),
                cursor: 0,
                after: None,
                scope: String::new(),
                rescoped: 0,
                stale_answers: 0,
                seq: 0,
                hlc: Hlc::ZERO,
                online: true,
                epoch: 0,
            }
        })
        .collect();
    let mut world = World {
        store,
        devices,
        network: VecDeque::new(),
        // A fixed start (2026-03-02 09:00 in China) so that a seed replays the same anywhere.
        base: 1_772_413_200_000,
        step: 0,
        next_event: 0,
        seed,
    };
    let skewed_from = rng.below(150) as i64;
    // Mid-run an administrator moves the second handler to another department and makes the
    // third supervisor a clerk (their devices sign in again; their data stays, as the app
    // keeps it): each device must end with what its new roles allow, and get what they add.
    let moved_at = rng.below(200) as i64;
    let demoted_at = rng.below(200) as i64;
    // Chaos: writes, requests and answers lost, late, reordered, duplicated; partitions and
    // crashes; a clock beyond the bound for a while.
    for _ in 0..200 {
        world.step += 1;
        let d = rng.below(USERS.len() as u64) as usize;
        let skewed = (skewed_from..skewed_from + 30).contains(&world.step);
        if world.step == moved_at {
            world.change_user(3, Role::Handler, Some("qa")).await;
        }
        if world.step == demoted_at {
            world.change_user(4, Role::Clerk, None).await;
        }
        match rng.below(100) {
            0..=34 => world.write(d, &mut rng, skewed),
            35..=49 => world.send_push(d),
            50..=64 => world.send_pull(d),
            65..=69 => world.devices[d].online = !world.devices[d].online,
            70..=72 => world.devices[d].epoch += 1,
            _ => {}
        }
        let deliveries = rng.below(3);
        for _ in 0..deliveries {
            if world.network.is_empty() {
                break;
            }
            let at = rng.below(world.network.len() as u64) as usize;
            let message = world.network.remove(at).unwrap();
            let cut = !world.devices[message.device()].online;
            if cut || rng.chance(15) {
                continue;
            }
            if rng.chance(10) {
                // Delivered twice: the copy stays on the network.
                let copy = match &message {
                    Message::Push {
                        device,
                        epoch,
                        events,
                    } => Some(Message::Push {
                        device: *device,
                        epoch: *epoch,
                        events: events.clone(),
                    }),
                    Message::Pull {
                        device,
                        epoch,
                        cursor,
                        after,
                        scope,
                    } => Some(Message::Pull {
                        device: *device,
                        epoch: *epoch,
                        cursor: *cursor,
                        after: *after,
                        scope: scope.clone(),
                    }),
                    _ => None,
                };
                world.network.extend(copy);
            }
            world.deliver(message).await;
        }
    }
    // Heal: everyone online, nothing lost; what is still on the network arrives late.
    for device in &mut world.devices {
        device.online = true;
    }
    while let Some(message) = world.network.pop_front() {
        world.deliver(message).await;
    }
    for _round in 0..4 {
        for d in 0..world.devices.len() {
            for _ in 0..20 {
                if world.devices[d].outbox.is_empty() {
                    break;
                }
                world.step += 1;
                world.send_push(d);
                while let Some(m) = world.network.pop_front() {
                    world.deliver(m).await;
                }
            }
        }
        for d in 0..world.devices.len() {
            loop {
                world.send_pull(d);
                while let Some(m) = world.network.pop_front() {
                    world.deliver(m).await;
                }
                if world.devices[d].after.is_none() {
                    // One more page past a snapshot's end: `more` was false when after is none.
                    break;
                }
            }
            // Drain every page after the cursor.
            for _ in 0..50 {
                let before = world.devices[d].cursor;
                world.send_pull(d);
                while let Some(m) = world.network.pop_front() {
                    world.deliver(m).await;
                }
                if world.devices[d].cursor == before {
                    break;
                }
            }
        }
    }
    // The checks.
    let now = world.now();
    let everything = server_truth(&world.store, &world.devices[0].principal, now).await;
    for (i, device) in world.devices.iter().enumerate() {
        tally.acknowledged += device.acknowledged.len();
        for (_, why) in &device.quarantined {
            let kind = match why {
                Quarantine::Forbidden { .. } => "forbidden",
                Quarantine::ClockAhead { .. } => "clock_ahead",
                Quarantine::Workflow { .. } => "workflow",
                Quarantine::Invalid { .. } => "invalid",
                Quarantine::SeqReused => "seq_reused",
                Quarantine::IdReused => "id_reused",
                _ => "other",
            };
            *tally.quarantined.entry(kind).or_default() += 1;
        }
        tally.rescoped += device.rescoped;
        tally.stale_answers += device.stale_answers;
        if device.scope != device.principal.scope_key() {
            return Err(format!("device {i} last pulled under another scope"));
        }
        tally.revoked_or_hidden +=
            everything.len() - device.log.values().filter(|l| !l.is_empty()).count();
        if !device.outbox.is_empty() {
            return Err(format!(
                "device {i} still has {} unacknowledged events",
                device.outbox.len()
            ));
        }
        for id in &device.acknowledged {
            if !everything.values().any(|events| events.contains_key(id)) {
                return Err(format!(
                    "device {i}: acknowledged event {id} missing on the server"
                ));
            }
        }
        let truth = server_truth(&world.store, &device.principal, now).await;
        let held: BTreeSet<&CaseId> = device
            .log
            .keys()
            .filter(|c| !device.log[*c].is_empty())
            .collect();
        let given: BTreeSet<&CaseId> = truth.keys().collect();
        if held != given {
            return Err(format!(
                "device {i} ({}) holds cases {held:?}, the server gives {given:?}",
                USERS[i].0
            ));
        }
        for (case, events) in &truth {
            let mine = &device.log[case];
            if mine != events {
                return Err(format!(
                    "device {i}: case {case} differs from the server's ({} vs {} events)",
                    mine.len(),
                    events.len()
                ));
            }
            let view = fold(*case, &mine.values().cloned().collect::<Vec<_>>());
            let servers = fold(*case, &events.values().rev().cloned().collect::<Vec<_>>());
            if view != servers {
                return Err(format!("device {i}: case {case} folds differently"));
            }
            concurrent_changes_are_conflicts(events, &view)
                .map_err(|e| format!("device {i}: {e}"))?;
            tally.views += 1;
            tally.conflicts += view.conflicts.len();
        }
    }
    drop(world);
    let _ = std::fs::remove_file(&path);
    Ok(())
}

/// The seeds to run: `TOUSU_SIM_SEED` (one, to replay), else 1..=`TOUSU_SIM_SEEDS`, else
/// 1..=`default`.
pub fn seeds_from_env(default: u64) -> Vec<u64> {
    match std::env::var("TOUSU_SIM_SEED") {
        Ok(one) => vec![one.parse().expect("TOUSU_SIM_SEED is a number")],
        Err(_) => {
            let n: u64 = std::env::var("TOUSU_SIM_SEEDS")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(default);
            (1..=n).collect()
        }
    }
}

/// Runs `seeds` in order, each on its own copy of a template database; the first failure
/// names its seed and how to replay it. After the run, the checks that span seeds: no
/// retried event heard another reason than its first, and (past 20 seeds) every fault
/// happened.
pub async fn run_seeds(seeds: &[u64]) -> Result<Tally, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (template, ids) = template(dir.path()).await;
    let mut tally = Tally::default();
    for seed in seeds {
        run(*seed, &template, &ids, dir.path(), &mut tally)
            .await
            .map_err(|why| {
                format!("seed {seed} failed (replay with TOUSU_SIM_SEED={seed}): {why}")
            })?;
    }
    // No device reuses a sequence number or an id: a retry must get its first answer again.
    if tally.quarantined.contains_key("seq_reused") || tally.quarantined.contains_key("id_reused") {
        return Err(format!(
            "a retried event got another reason than its first: {tally:?}"
        ));
    }
    let happened = |n: Option<&usize>| n.is_some_and(|n| *n > 0);
    if seeds.len() > 20
        && !(happened(tally.quarantined.get("clock_ahead"))
            && happened(tally.quarantined.get("forbidden"))
            && tally.conflicts > 0
            && tally.revoked_or_hidden > 0
            && tally.rescoped > 0)
    {
        return Err(format!(
            "a fault never happened, the seeds proved nothing: {tally:?}"
        ));
    }
    Ok(tally)
}
