//! The contract every [`CaseStore`] keeps, run in the browser against the in-memory store and
//! the IndexedDB store alike.

use tousu_shared::{
    api::sync::Quarantine,
    author::Author,
    event::{Actor, Event, EventBody},
    ids::{CaseId, DeviceId, EventId},
    model::{CaseKind, Stage},
    sla::{SlaPolicy, WorkCalendar},
    testing::{body, registration, t0, user},
};
use wasm_bindgen_test::*;

use super::{CaseStore, MemoryStore, QuarantinedEvent, Rules, UserStore};
use crate::api::{GrantEvents, PullPage};

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
    assert_eq!(store.cursor().await.unwrap(), 0);
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
        more: false,
        server_time: 0,
    };
    store.apply_pull(&page, &rules()).await.unwrap();
    assert_eq!(store.cursor().await.unwrap(), 17);
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
