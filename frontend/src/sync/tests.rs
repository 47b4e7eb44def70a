//! The sync client's push and pull against a fake transport, with the in-memory and the
//! IndexedDB store.

use std::cell::RefCell;

use tousu_shared::{
    api::sync::{PushResponse, PushResult, Quarantine},
    event::Event,
    testing::body,
};
use wasm_bindgen_test::*;

use super::{Transport, pull_pages, push_outbox};
use crate::{
    api::ApiError,
    pull::{GrantEvents, PullPage},
    store::{
        CaseStore, MemoryStore, PullPosition, UserStore,
        contract::{Tablet, registered, rules},
    },
};

wasm_bindgen_test_configure!(run_in_browser);

/// A server in memory: remembers pushed batches, refuses events whose note text says so,
/// fails while `down`, and serves prepared pull pages.
#[derive(Default)]
struct FakeServer {
    down: RefCell<bool>,
    batches: RefCell<Vec<Vec<Event>>>,
    pages: RefCell<Vec<PullPage>>,
    asked: RefCell<Vec<PullPosition>>,
}

impl Transport for FakeServer {
    async fn push(&self, events: &[Event]) -> Result<PushResponse, ApiError> {
        if *self.down.borrow() {
            return Err(ApiError::Unreachable("offline".into()));
        }
        let events = events.to_vec();
        let results = events
            .iter()
            .map(|e| {
                if serde_json::to_string(&e.body).unwrap().contains("越权") {
                    PushResult::Quarantined {
                        event_id: Some(e.id),
                        why: Quarantine::Forbidden {
                            denied: tousu_shared::access::Denied::RoleLacks,
                        },
                    }
                } else {
                    PushResult::Applied {
                        event_id: e.id,
                        seq: e.dev_seq as i64,
                    }
                }
            })
            .collect();
        self.batches.borrow_mut().push(events);
        Ok(PushResponse {
            results,
            numbers: Vec::new(),
            server_time: 1,
        })
    }

    async fn pull(&self, from: PullPosition, _limit: u32) -> Result<PullPage, ApiError> {
        self.asked.borrow_mut().push(from.clone());
        let mut pages = self.pages.borrow_mut();
        if !pages.is_empty() {
            return Ok(pages.remove(0));
        }
        if *self.down.borrow() {
            return Err(ApiError::Unreachable("offline".into()));
        }
        Ok(PullPage {
            cursor: from.cursor,
            more: false,
            server_time: 2,
            ..Default::default()
        })
    }
}

impl FakeServer {
    fn cursors_asked(&self) -> Vec<i64> {
        self.asked.borrow().iter().map(|p| p.cursor).collect()
    }
}

async fn push_files_every_answer<S: CaseStore>(store: S) {
    let mut tablet = Tablet::new(7, "handler");
    let mut written = Vec::new();
    // More than one batch (200): 250 registrations, one event the server refuses.
    for n in 0..250 {
        let e = registered(&mut tablet, n);
        store
            .append_local(&e, &tablet.author, &rules())
            .await
            .unwrap();
        written.push(e);
    }
    let bad = tablet.write(
        written[0].case_id,
        vec![written[0].id],
        body::note("越权操作"),
    );
    store
        .append_local(&bad, &tablet.author, &rules())
        .await
        .unwrap();

    let server = FakeServer::default();
    *server.down.borrow_mut() = true;
    let err = push_outbox(&store, &server, &rules(), 9).await;
    assert!(matches!(
        err,
        Err(super::SyncError::Api(ApiError::Unreachable(_)))
    ));
    assert_eq!(
        store.outbox_len().await.unwrap(),
        251,
        "nothing lost while offline"
    );

    *server.down.borrow_mut() = false;
    let progress = push_outbox(&store, &server, &rules(), 9).await.unwrap();
    assert_eq!((progress.acknowledged, progress.quarantined), (250, 1));
    let sent: Vec<u64> = server
        .batches
        .borrow()
        .iter()
        .flat_map(|b| b.iter().map(|e| e.dev_seq))
        .collect();
    assert_eq!(sent, (1..=251).collect::<Vec<u64>>(), "in dev_seq order");
    assert_eq!(server.batches.borrow().len(), 2);
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    let refused = store.quarantined().await.unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].event.id, bad.id);
    assert_eq!(refused[0].at, 9);
}

async fn pull_follows_pages_and_resumes_from_the_cursor<S: CaseStore>(store: S) {
    let mut office = Tablet::new(8, "supervisor");
    let a = registered(&mut office, 1);
    let b = registered(&mut office, 2);
    let page = |events: Vec<Event>, cursor, more| PullPage {
        events,
        cursor,
        more,
        server_time: 3,
        ..Default::default()
    };
    let server = FakeServer::default();
    *server.pages.borrow_mut() = vec![page(vec![a], 10, true), page(vec![b], 20, false)];
    let progress = pull_pages(&store, &server, &rules(), &|_| {}, &|_| {})
        .await
        .unwrap();
    assert_eq!(progress.changed_pages, 2);
    assert_eq!(server.cursors_asked(), vec![0, 10]);
    assert_eq!(store.summaries().await.unwrap().len(), 2);
    // The next run starts where this one ended.
    pull_pages(&store, &server, &rules(), &|_| {}, &|_| {})
        .await
        .unwrap();
    assert_eq!(server.cursors_asked(), vec![0, 10, 20]);
}

async fn a_broken_snapshot_resumes_after_its_last_page<S: CaseStore>(store: S) {
    let mut office = Tablet::new(9, "supervisor");
    let mut grants: Vec<GrantEvents> = (0..6)
        .map(|n| GrantEvents {
            events: vec![registered(&mut office, 100 + n)],
        })
        .collect();
    grants.sort_by_key(|g| g.events[0].case_id);
    let page = |grants: &[GrantEvents], after: bool| PullPage {
        grants: grants.to_vec(),
        cursor: 40,
        more: after,
        server_time: 3,
        snapshot: true,
        after: after.then(|| grants.last().unwrap().events[0].case_id),
        ..Default::default()
    };
    let server = FakeServer::default();
    *server.pages.borrow_mut() = vec![page(&grants[..2], true), page(&grants[2..4], true)];
    *server.down.borrow_mut() = true;
    // The connection drops after two pages (the third request fails).
    assert!(
        pull_pages(&store, &server, &rules(), &|_| {}, &|_| {})
            .await
            .is_err()
    );
    assert_eq!(store.summaries().await.unwrap().len(), 4);
    let resume = PullPosition {
        cursor: 40,
        after: Some(grants[3].events[0].case_id),
        scope: String::new(),
    };
    assert_eq!(server.asked.borrow().last(), Some(&resume));
    // Back online: the snapshot goes on where it stopped, then events from its cursor.
    *server.down.borrow_mut() = false;
    *server.pages.borrow_mut() = vec![page(&grants[4..], false)];
    pull_pages(&store, &server, &rules(), &|_| {}, &|_| {})
        .await
        .unwrap();
    assert_eq!(server.asked.borrow()[3], resume);
    assert_eq!(store.summaries().await.unwrap().len(), 6);
    assert_eq!(
        store.position().await.unwrap(),
        PullPosition {
            cursor: 40,
            after: None,
            scope: String::new(),
        }
    );
}

async fn idb(name: &str) -> UserStore {
    UserStore::open(&format!("sync-{name}-{}", uuid::Uuid::now_v7()))
        .await
        .unwrap()
}

#[wasm_bindgen_test]
async fn memory_push_files_every_answer() {
    push_files_every_answer(MemoryStore::new()).await;
}

#[wasm_bindgen_test]
async fn idb_push_files_every_answer() {
    push_files_every_answer(idb("push").await).await;
}

#[wasm_bindgen_test]
async fn memory_pull_follows_pages_and_resumes() {
    pull_follows_pages_and_resumes_from_the_cursor(MemoryStore::new()).await;
}

#[wasm_bindgen_test]
async fn idb_pull_follows_pages_and_resumes() {
    pull_follows_pages_and_resumes_from_the_cursor(idb("pull").await).await;
}

#[wasm_bindgen_test]
async fn memory_a_broken_snapshot_resumes() {
    a_broken_snapshot_resumes_after_its_last_page(MemoryStore::new()).await;
}

#[wasm_bindgen_test]
async fn idb_a_broken_snapshot_resumes() {
    a_broken_snapshot_resumes_after_its_last_page(idb("resume").await).await;
}
