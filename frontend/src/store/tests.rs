//! The IndexedDB store in Chromium: schema steps, upgrades, meta records, bundles.

use super::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn unique_name(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::now_v7())
}

fn store_names(db: &Database) -> Vec<String> {
    let mut names: Vec<String> = db.object_store_names().collect();
    names.sort();
    names
}

#[wasm_bindgen_test]
async fn round_trip_survives_close_and_reopen() {
    let name = unique_name("round-trip");
    let db = open(&name).await.unwrap();
    meta_put(&db, "greeting", "你好").await.unwrap();
    db.close();

    let db = open(&name).await.unwrap();
    assert_eq!(
        meta_get(&db, "greeting").await.unwrap().as_deref(),
        Some("你好")
    );
    assert_eq!(meta_get(&db, "absent").await.unwrap(), None);
    db.delete().unwrap().await.unwrap();
}

#[wasm_bindgen_test]
async fn upgrade_from_version_1_keeps_data_and_adds_stores() {
    let name = unique_name("upgrade");
    let db = open_at_version(&name, 1).await.unwrap();
    assert_eq!(store_names(&db), vec![META.to_string()]);
    meta_put(&db, DEVICE_ID_KEY, "device-from-v1")
        .await
        .unwrap();
    db.close();

    let db = open(&name).await.unwrap();
    assert_eq!(db.version() as u32, SCHEMA_VERSION);
    assert_eq!(
        store_names(&db),
        [
            BLOB_OUTBOX,
            BLOBS,
            CASES,
            EVENT_BUNDLES,
            EVENTS,
            META,
            OUTBOX,
            QUARANTINE,
            SUMMARY_BUNDLES
        ]
        .map(String::from)
        .to_vec()
    );
    assert_eq!(device_id(&db).await.unwrap(), "device-from-v1");
    db.delete().unwrap().await.unwrap();
}

#[wasm_bindgen_test]
async fn refolding_recomputes_bundled_and_own_summaries() {
    use contract::{Tablet, registered, rules, snapshot_page};
    let store = UserStore::open(&unique_name("refold")).await.unwrap();
    let mut office = Tablet::new(11, "supervisor");
    let page = snapshot_page(&mut office, 0..40, false);
    store.apply_pull(&page, &rules()).await.unwrap();
    let mut tablet = Tablet::new(12, "handler");
    let mine = registered(&mut tablet, 1);
    store
        .append_local(&mine, &tablet.author, &rules())
        .await
        .unwrap();
    let due = |summaries: &[CaseSummary]| -> Vec<_> {
        let mut due: Vec<_> = summaries.iter().map(|s| (s.id, s.next_due)).collect();
        due.sort();
        due
    };
    let before = due(&store.summaries().await.unwrap());
    assert_eq!(before.len(), 41);
    let slower = Rules {
        policy: SlaPolicy {
            register: tousu_shared::sla::Limit::WorkingDays(3),
            dispatch: tousu_shared::sla::Limit::WorkingDays(5),
            ..SlaPolicy::default()
        },
        ..rules()
    };
    store.refold_all(&slower).await.unwrap();
    let after = due(&store.summaries().await.unwrap());
    assert_eq!(after.len(), 41);
    let changed = before.iter().zip(&after).filter(|(b, a)| b != a).count();
    assert_eq!(changed, 41, "every deadline moved: {before:?} → {after:?}");
    store.close();
}

#[wasm_bindgen_test]
async fn summaries_of_an_older_app_are_folded_again_once() {
    use contract::{Tablet, registered, rules};
    let store = UserStore::open(&unique_name("summary-format"))
        .await
        .unwrap();
    let mut tablet = Tablet::new(13, "supervisor");
    let event = registered(&mut tablet, 1);
    let case = event.case_id;
    store
        .append_local(&event, &tablet.author, &rules())
        .await
        .unwrap();
    // The summary as an app before the to-do wrote it: no next step.
    let mut old = store.summaries().await.unwrap().remove(0);
    assert!(
        old.next_step.is_some(),
        "a fresh summary names the next step"
    );
    old.next_step = None;
    let tx = store
        .db()
        .transaction(CASES)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    bundles::issue_put(&tx.object_store(CASES).unwrap(), &case.to_string(), &old).unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.summaries().await.unwrap()[0].next_step, None);

    assert!(store.upgrade_summaries(&rules()).await.unwrap());
    assert!(store.summaries().await.unwrap()[0].next_step.is_some());
    // Once only.
    assert!(!store.upgrade_summaries(&rules()).await.unwrap());
    store.close();
}

#[wasm_bindgen_test]
async fn device_id_is_created_once() {
    let name = unique_name("device");
    let db = open(&name).await.unwrap();
    let first = device_id(&db).await.unwrap();
    assert_eq!(first.len(), 36);
    assert_eq!(device_id(&db).await.unwrap(), first);
    db.delete().unwrap().await.unwrap();
}

/// Photos leave the device with the cases naming them (revoked, or a new snapshot); a photo
/// taken here and waiting for upload stays.
#[wasm_bindgen_test]
async fn attachments_leave_with_their_cases() {
    use contract::{Tablet, rules, snapshot_page};
    use tousu_shared::{event::EventBody, model::Attachment, testing::body, validate::ShortText};
    let store = UserStore::open(&unique_name("blobs")).await.unwrap();
    let mut office = Tablet::new(13, "supervisor");
    let mut page = snapshot_page(&mut office, 0..2, false);
    let hash = |n: u8| format!("{:064x}", n);
    // Case 0 has a photo in a note; the device opened it (cached).
    let case0 = page.grants[0].events[0].case_id;
    let mut note = office.write(case0, vec![page.grants[0].events[1].id], body::note("照片"));
    if let EventBody::NoteAdded(n) = &mut note.body {
        n.attachments.push(Attachment {
            hash: tousu_shared::validate::BlobHash::parse(&hash(1)).unwrap(),
            media_type: ShortText::parse(tousu_shared::validate::Field::Attachment, "image/jpeg")
                .unwrap(),
            name: None,
            size: 3,
        });
    }
    page.grants[0].events.push(note);
    store.apply_pull(&page, &rules()).await.unwrap();
    store.cache_blob(&hash(1), &[1, 2, 3]).await.unwrap();
    store.cache_blob(&hash(2), &[4]).await.unwrap();
    store
        .put_local_blob(&hash(3), &[5], "image/png")
        .await
        .unwrap();

    // Case 0 leaves this user's scope: its photo goes, the others stay.
    let revoke = PullPage {
        revocations: vec![case0],
        cursor: 600,
        ..Default::default()
    };
    store.apply_pull(&revoke, &rules()).await.unwrap();
    assert_eq!(store.blob(&hash(1)).await.unwrap(), None);
    assert_eq!(store.blob(&hash(2)).await.unwrap(), Some(vec![4]));

    // A new snapshot (the user's roles changed): every cached photo goes, not the unsent one.
    let mut again = snapshot_page(&mut office, 5..6, false);
    again.total = Some(1);
    store.apply_pull(&again, &rules()).await.unwrap();
    assert_eq!(store.blob(&hash(2)).await.unwrap(), None);
    assert_eq!(store.blob(&hash(3)).await.unwrap(), Some(vec![5]));
    store.close();
}
