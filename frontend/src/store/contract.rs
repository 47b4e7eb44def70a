//! The contract every [`CaseStore`] keeps, run in the browser against the in-memory store and
//! the IndexedDB store alike.

use tousu_shared::{
    api::sync::Quarantine,
    author::Author,
    event::{Actor, Event, EventBody},
    ids::{CaseId, DeviceId, EventId},
    model::{CaseKind, Stage},
    sla::{SlaPolicy, WorkCalendar},
    summary::CaseSummary,
    testing::{body, registration, t0, user},
};
use wasm_bindgen_test::*;

use super::kept::Kept;
use super::{CaseStore, Changed, MemoryStore, PullPosition, QuarantinedEvent, Rules, UserStore};
use crate::pull::{GrantEvents, PullPage};

wasm_bindgen_test_configure!(run_in_browser);

/// Fixed rules for the contract.
pub fn rules() -> Rules {
    Rules {
        policy: SlaPolicy::default(),
        calendar: WorkCalendar::china_default(),
    }
}

/// A device writing events, with ids from a counter.
pub struct Tablet {
    /// Writing state.
    pub author: Author,
    next_id: u128,
}

impl Tablet {
    /// Device `n` of user `id`.
    pub fn new(n: u128, id: &str) -> Self {
        Tablet {
            author: Author::new(
                DeviceId(uuid::Uuid::from_u128(n << 96)),
                Actor::User(user(id)),
            ),
            next_id: n << 64,
        }
    }

    /// The next event of `case` after `parents`.
    pub fn write(&mut self, case: CaseId, parents: Vec<EventId>, body: EventBody) -> Event {
        self.next_id += 1;
        self.author.write(
            EventId(uuid::Uuid::from_u128(self.next_id)),
            case,
            parents,
            body,
            t0(),
        )
    }
}

/// A new complaint's registration.
pub fn registered(tablet: &mut Tablet, case_no: u128) -> Event {
    tablet.write(
        CaseId(uuid::Uuid::from_u128(0xca5e << 64 | case_no)),
        Vec::new(),
        EventBody::Registered(registration(CaseKind::Complaint, t0())),
    )
}

async fn append<S: CaseStore>(store: &S, tablet: &Tablet, event: &Event) {
    store
        .append_local(event, &tablet.author, &rules())
        .await
        .expect("append");
}

async fn local_events_wait_in_the_outbox_in_order<S: CaseStore>(store: S) {
    let mut tablet = Tablet::new(1, "handler");
    let reg = registered(&mut tablet, 1);
    append(&store, &tablet, &reg).await;
    let note = tablet.write(reg.case_id, vec![reg.id], body::note("现场查看"));
    append(&store, &tablet, &note).await;
    let other = registered(&mut tablet, 2);
    append(&store, &tablet, &other).await;

    let outbox = store.outbox(10).await.unwrap();
    assert_eq!(
        outbox.iter().map(|e| e.dev_seq).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(store.outbox(2).await.unwrap().len(), 2);
    assert_eq!(store.outbox_len().await.unwrap(), 3);
    assert_eq!(store.case_events(reg.case_id).await.unwrap().len(), 2);
    let summaries = store.summaries().await.unwrap();
    assert_eq!(summaries.len(), 2);
    assert!(summaries.iter().all(|s| s.stage == Stage::Registered));
}

async fn answers_empty_the_outbox_and_refusals_are_kept_with_their_reason<S: CaseStore>(store: S) {
    let mut tablet = Tablet::new(2, "handler");
    let reg = registered(&mut tablet, 1);
    append(&store, &tablet, &reg).await;
    let start = tablet.write(reg.case_id, vec![reg.id], EventBody::InvestigationStarted);
    append(&store, &tablet, &start).await;
    let refused = QuarantinedEvent {
        event: start.clone(),
        why: Quarantine::Forbidden {
            denied: tousu_shared::access::Denied::NotInScope,
        },
        at: 5,
    };
    store
        .acknowledge(&[reg.dev_seq], std::slice::from_ref(&refused), &rules())
        .await
        .unwrap();
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    assert_eq!(store.quarantined().await.unwrap(), vec![refused]);
    // The refused event no longer shapes the case.
    assert_eq!(
        store.case_events(reg.case_id).await.unwrap(),
        vec![reg.clone()]
    );
    assert_eq!(store.summaries().await.unwrap()[0].stage, Stage::Registered);
    store.dismiss_quarantined(start.id).await.unwrap();
    assert!(store.quarantined().await.unwrap().is_empty());
}

async fn a_pull_page_brings_events_grants_and_revocations_with_its_cursor<S: CaseStore>(store: S) {
    assert_eq!(store.position().await.unwrap(), PullPosition::default());
    let mut office = Tablet::new(3, "supervisor");
    let kept = registered(&mut office, 1);
    let granted = registered(&mut office, 2);
    let classify = office.write(granted.case_id, vec![granted.id], body::classify());
    let mut tablet = Tablet::new(4, "handler");
    let mine = registered(&mut tablet, 3);
    append(&store, &tablet, &mine).await;

    let page = PullPage {
        events: vec![kept.clone()],
        grants: vec![GrantEvents {
            events: vec![granted.clone(), classify],
        }],
        revocations: vec![mine.case_id],
        cursor: 17,
        ..Default::default()
    };
    store.apply_pull(&page, &rules()).await.unwrap();
    assert_eq!(store.position().await.unwrap().cursor, 17);
    let mut stages: Vec<Stage> = store
        .summaries()
        .await
        .unwrap()
        .iter()
        .map(|s| s.stage)
        .collect();
    stages.sort();
    assert_eq!(stages, vec![Stage::Registered, Stage::Triaged]);
    assert!(
        store.case_events(mine.case_id).await.unwrap().is_empty(),
        "revoked"
    );
    // Pulling the same page again changes nothing.
    store.apply_pull(&page, &rules()).await.unwrap();
    assert_eq!(store.summaries().await.unwrap().len(), 2);
}

/// A snapshot page of `cases` (ascending), each registered and classified by the office.
pub fn snapshot_page(office: &mut Tablet, cases: std::ops::Range<u128>, after: bool) -> PullPage {
    let grants = cases
        .map(|n| {
            let reg = registered(office, 1000 + n);
            let classify = office.write(reg.case_id, vec![reg.id], body::classify());
            GrantEvents {
                events: vec![reg, classify],
            }
        })
        .collect::<Vec<_>>();
    let last = grants.last().map(|g| g.events[0].case_id);
    PullPage {
        grants,
        cursor: 500,
        more: after,
        server_time: 0,
        snapshot: true,
        after: if after { last } else { None },
        ..Default::default()
    }
}

async fn a_snapshot_in_pages_resumes_and_later_changes_override_it<S: CaseStore>(store: S) {
    let mut office = Tablet::new(5, "supervisor");
    let mut tablet = Tablet::new(6, "handler");
    // Registered here before the first pull and still unsent: kept through the snapshot.
    let mine = registered(&mut tablet, 1);
    append(&store, &tablet, &mine).await;

    let first = snapshot_page(&mut office, 0..120, true);
    store.apply_pull(&first, &rules()).await.unwrap();
    let resume = store.position().await.unwrap();
    assert_eq!(resume, PullPosition::after_page(&first));
    assert_eq!(resume.after, Some(first.grants[119].events[0].case_id));
    let second = snapshot_page(&mut office, 120..150, false);
    store.apply_pull(&second, &rules()).await.unwrap();
    assert_eq!(
        store.position().await.unwrap(),
        PullPosition {
            cursor: 500,
            after: None,
            scope: String::new(),
        }
    );
    assert_eq!(store.summaries().await.unwrap().len(), 151);
    let some = first.grants[77].events.clone();
    let case = some[0].case_id;
    assert_eq!(store.case_events(case).await.unwrap(), some);
    assert_eq!(
        store.case_events(mine.case_id).await.unwrap(),
        vec![mine.clone()]
    );

    // A local note on a snapshot case: one summary for it, the new stage, no duplicate.
    let note = tablet.write(case, vec![some[1].id], body::dispatch("ops"));
    append(&store, &tablet, &note).await;
    let summaries = store.summaries().await.unwrap();
    assert_eq!(summaries.len(), 151);
    let of_case: Vec<_> = summaries.iter().filter(|s| s.id == case).collect();
    assert_eq!(of_case.len(), 1);
    assert_eq!(of_case[0].stage, Stage::Dispatched);
    assert_eq!(store.case_events(case).await.unwrap().len(), 3);

    // News from the office for two cases of one bundle: each gets the note, once.
    let (x, y) = (&first.grants[10].events, &first.grants[11].events);
    let nx = office.write(x[0].case_id, vec![x[1].id], body::note("补充 x"));
    let ny = office.write(y[0].case_id, vec![y[1].id], body::note("补充 y"));
    let news = PullPage {
        events: vec![nx.clone(), ny.clone()],
        cursor: 500,
        ..Default::default()
    };
    let mut kept = (Kept::default(), 0);
    kept.0.keep(
        0,
        user("handler"),
        0,
        std::rc::Rc::new(store.summaries().await.unwrap()),
    );
    let changed = store.apply_pull(&news, &rules()).await.unwrap();
    assert_eq!(changed.written.len(), 2, "{changed:?}");
    follows(&store, &mut kept, &changed).await;
    let mut with_note = x.clone();
    with_note.push(nx);
    assert_eq!(store.case_events(x[0].case_id).await.unwrap(), with_note);
    assert_eq!(store.case_events(y[0].case_id).await.unwrap().len(), 3);
    assert_eq!(store.summaries().await.unwrap().len(), 151);

    // Revoked: gone, the local copy and the snapshot's alike; its neighbours stay.
    let other = first.grants[3].events[0].case_id;
    let page = PullPage {
        revocations: vec![case, other],
        cursor: 501,
        ..Default::default()
    };
    let changed = store.apply_pull(&page, &rules()).await.unwrap();
    follows(&store, &mut kept, &changed).await;
    assert!(store.case_events(case).await.unwrap().is_empty());
    assert!(store.case_events(other).await.unwrap().is_empty());
    assert_eq!(store.summaries().await.unwrap().len(), 149);
    let neighbour = &first.grants[4].events;
    assert_eq!(
        &store.case_events(neighbour[0].case_id).await.unwrap(),
        neighbour
    );
    // Granted again later: back, whole.
    let page = PullPage {
        grants: vec![first.grants[3].clone()],
        revocations: Vec::new(),
        cursor: 502,
        ..page
    };
    let changed = store.apply_pull(&page, &rules()).await.unwrap();
    follows(&store, &mut kept, &changed).await;
    assert_eq!(store.summaries().await.unwrap().len(), 150);
    assert_eq!(store.case_events(other).await.unwrap().len(), 2);
}

/// A snapshot's first page (here: the user's roles changed, so the server's scope key did)
/// replaces every case pulled before; this device's unsent events stay in the outbox.
async fn a_new_snapshot_replaces_what_was_pulled_but_unsent_work<S: CaseStore>(store: S) {
    let mut office = Tablet::new(7, "supervisor");
    let mut tablet = Tablet::new(8, "handler");
    let mut old = snapshot_page(&mut office, 0..3, false);
    (old.total, old.scope) = (Some(3), "aaaa".into());
    store.apply_pull(&old, &rules()).await.unwrap();
    assert_eq!(store.position().await.unwrap().scope, "aaaa");
    let case = |page: &PullPage, i: usize| page.grants[i].events[0].case_id;
    let noted = case(&old, 0);
    let note = tablet.write(noted, vec![old.grants[0].events[1].id], body::note("现场"));
    append(&store, &tablet, &note).await;
    let mine = registered(&mut tablet, 9);
    append(&store, &tablet, &mine).await;

    let mut new = snapshot_page(&mut office, 3..5, false);
    (new.total, new.scope) = (Some(2), "bbbb".into());
    let changed = store.apply_pull(&new, &rules()).await.unwrap();
    assert!(changed.all, "every kept summary is stale");
    let mut held: Vec<CaseId> = store
        .summaries()
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    held.sort();
    let mut expected = vec![case(&new, 0), case(&new, 1)];
    expected.sort();
    assert_eq!(held, expected, "only what the snapshot brings");
    assert!(store.case_events(noted).await.unwrap().is_empty());
    assert!(store.case_events(case(&old, 1)).await.unwrap().is_empty());
    // Unsent work stays in the outbox (pushed next; refused, it is quarantined and shown).
    assert_eq!(store.outbox(10).await.unwrap(), vec![note.clone(), mine]);
    let position = store.position().await.unwrap();
    assert_eq!((position.cursor, position.scope.as_str()), (500, "bbbb"));
}

/// The summaries kept in memory, brought forward by what a pull page changed, are what the
/// store now reads.
async fn follows<S: CaseStore>(store: &S, kept: &mut (Kept, u64), changed: &Changed) {
    let (kept, revision) = (&mut kept.0, &mut kept.1);
    kept.apply(*revision, changed);
    *revision += 1;
    kept.advance(*revision - 1, *revision);
    let by_id = |mut v: Vec<CaseSummary>| {
        v.sort_by_key(|s| s.id);
        v
    };
    let read = by_id(store.summaries().await.unwrap());
    assert_eq!(
        by_id(
            kept.get(&user("handler"), *revision)
                .expect("kept")
                .to_vec()
        ),
        read
    );
}

async fn fresh_idb(name: &str) -> UserStore {
    let user = format!("contract-{name}-{}", uuid::Uuid::now_v7());
    UserStore::open(&user).await.expect("open")
}

#[wasm_bindgen_test]
async fn memory_local_events_wait_in_the_outbox_in_order() {
    local_events_wait_in_the_outbox_in_order(MemoryStore::new()).await;
}

#[wasm_bindgen_test]
async fn idb_local_events_wait_in_the_outbox_in_order() {
    local_events_wait_in_the_outbox_in_order(fresh_idb("outbox").await).await;
}

#[wasm_bindgen_test]
async fn memory_answers_empty_the_outbox_and_refusals_are_kept() {
    answers_empty_the_outbox_and_refusals_are_kept_with_their_reason(MemoryStore::new()).await;
}

#[wasm_bindgen_test]
async fn idb_answers_empty_the_outbox_and_refusals_are_kept() {
    answers_empty_the_outbox_and_refusals_are_kept_with_their_reason(fresh_idb("answers").await)
        .await;
}

#[wasm_bindgen_test]
async fn memory_a_pull_page_brings_events_grants_and_revocations() {
    a_pull_page_brings_events_grants_and_revocations_with_its_cursor(MemoryStore::new()).await;
}

#[wasm_bindgen_test]
async fn idb_a_pull_page_brings_events_grants_and_revocations() {
    a_pull_page_brings_events_grants_and_revocations_with_its_cursor(fresh_idb("pull").await).await;
}

#[wasm_bindgen_test]
async fn memory_a_snapshot_in_pages_resumes_and_is_overridden() {
    a_snapshot_in_pages_resumes_and_later_changes_override_it(MemoryStore::new()).await;
}

#[wasm_bindgen_test]
async fn idb_a_snapshot_in_pages_resumes_and_is_overridden() {
    a_snapshot_in_pages_resumes_and_later_changes_override_it(fresh_idb("snapshot").await).await;
}

#[wasm_bindgen_test]
async fn memory_a_new_snapshot_replaces_what_was_pulled() {
    a_new_snapshot_replaces_what_was_pulled_but_unsent_work(MemoryStore::new()).await;
}

#[wasm_bindgen_test]
async fn idb_a_new_snapshot_replaces_what_was_pulled() {
    a_new_snapshot_replaces_what_was_pulled_but_unsent_work(fresh_idb("rescope").await).await;
}
