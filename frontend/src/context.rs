//! App-wide state, provided once in `app.rs` and read through [`use_app`]: who is signed in,
//! their local store, the reference data, and the sync status strip. Domain structs hold no
//! signals; this is the one place that does.

use crate::store::CaseStore as _;
use leptos::prelude::*;
use tousu_shared::{
    api::Reference,
    author::Author,
    event::{Event, EventBody},
    ids::{CaseId, DeviceId, EventId},
    model::Catalog,
    sla::{SlaPolicy, WorkCalendar},
    summary::CaseSummary,
};

use crate::{
    labels,
    store::{Rules, Session, StoreError, UserStore},
};

/// What the status strip shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncStatus {
    /// A sync is running.
    pub syncing: bool,
    /// Events waiting in the outbox.
    pub unsynced: u32,
    /// When the oldest of them was made.
    pub oldest_unsynced: Option<i64>,
    /// Last successful sync.
    pub last_sync: Option<i64>,
    /// Events the server refused, waiting for the user.
    pub quarantined: u32,
    /// The last attempt's failure, if it failed.
    pub error: Option<crate::errors::Failure>,
}

/// Reference data in the form the rules need.
#[derive(Clone)]
pub struct RefData {
    /// Categories and departments.
    pub catalog: Catalog,
    /// Deadlines.
    pub rules: std::rc::Rc<Rules>,
}

impl RefData {
    /// From the server's answer (an unreadable calendar falls back to the shipped one).
    pub fn from_reference(r: &Reference) -> Self {
        RefData {
            catalog: r.catalog.clone(),
            rules: std::rc::Rc::new(Rules {
                policy: r.sla_policy,
                calendar: WorkCalendar::parse(&r.calendar)
                    .unwrap_or_else(|_| WorkCalendar::china_default()),
            }),
        }
    }

    /// The shipped defaults, until the server has been reached once.
    pub fn defaults() -> Self {
        RefData {
            catalog: Catalog {
                categories: Catalog::default_categories(),
                departments: Vec::new(),
            },
            rules: std::rc::Rc::new(Rules {
                policy: SlaPolicy::default(),
                calendar: WorkCalendar::china_default(),
            }),
        }
    }
}

/// A category's name in `locale`.
pub fn category_label(c: &tousu_shared::model::Category, locale: crate::i18n::Locale) -> String {
    match locale {
        crate::i18n::Locale::zh_CN => c.name_zh_cn.clone(),
        crate::i18n::Locale::zh_TW => c.name_zh_tw.clone(),
        crate::i18n::Locale::en => c.name_en.clone(),
    }
}

/// Everything screens share. `Copy`: pass it into closures freely.
#[derive(Clone, Copy)]
pub struct App {
    /// The signed-in session, if any.
    pub session: RwSignal<Option<Session>>,
    /// The user's local database.
    pub store: StoredValue<Option<UserStore>, LocalStorage>,
    /// Writing state of this device for the user.
    pub author: StoredValue<Option<Author>, LocalStorage>,
    /// Reference data.
    pub reference: RwSignal<RefData, LocalStorage>,
    /// Bumped whenever local case data changes; lists and details re-read on it.
    pub revision: RwSignal<u64>,
    /// The status strip.
    pub sync: RwSignal<SyncStatus>,
    /// Set once the device database has been read (signed in or not).
    pub ready: RwSignal<bool>,
    /// Why the local database could not be opened, if it could not.
    pub storage_error: RwSignal<Option<StoreError>>,
    /// Called after every local write (the sync client sets it when it starts: it syncs
    /// shortly after).
    pub after_write: StoredValue<Option<fn(App)>>,
    /// The registration just written by the intake form, taken by the case screen it opens
    /// (a new case is its one event, so it is shown without reading it back).
    pub just_registered: StoredValue<Option<tousu_shared::event::Event>>,
}

/// The app state provided by the root component.
pub fn use_app() -> App {
    expect_context::<App>()
}

impl App {
    /// Fresh state: nobody signed in yet.
    pub fn new() -> Self {
        App {
            session: RwSignal::new(None),
            store: StoredValue::new_local(None),
            author: StoredValue::new_local(None),
            reference: RwSignal::new_local(RefData::defaults()),
            revision: RwSignal::new(0),
            sync: RwSignal::new(SyncStatus::default()),
            ready: RwSignal::new(false),
            storage_error: RwSignal::new(None),
            after_write: StoredValue::new(None),
            just_registered: StoredValue::new(None),
        }
    }

    /// The categories as `(id, name in the current language)`, for selects (reactive).
    pub fn category_options(&self, tr: crate::labels::Tr) -> Vec<(String, String)> {
        let locale = tr.locale();
        self.reference.with(|r| {
            r.catalog
                .categories
                .iter()
                .map(|c| (c.id.to_string(), category_label(c, locale)))
                .collect()
        })
    }

    /// A category's name in the current language (its id if the catalog does not know it).
    pub fn category_name(
        &self,
        tr: crate::labels::Tr,
        id: &tousu_shared::ids::CategoryId,
    ) -> String {
        self.reference.with_untracked(|r| {
            r.catalog
                .categories
                .iter()
                .find(|c| &c.id == id)
                .map(|c| category_label(c, tr.locale()))
                .unwrap_or_else(|| id.to_string())
        })
    }

    /// A department's name (its id if the catalog does not know it).
    pub fn department_name(&self, id: &tousu_shared::ids::DepartmentId) -> String {
        self.reference.with_untracked(|r| {
            r.catalog
                .departments
                .iter()
                .find(|d| &d.id == id)
                .map(|d| d.name.clone())
                .unwrap_or_else(|| id.to_string())
        })
    }

    /// Every case summary on this device, re-read whenever local data changes.
    pub fn summaries_resource(&self) -> LocalResource<Vec<CaseSummary>> {
        let app = *self;
        LocalResource::new(move || {
            app.revision.get();
            async move {
                match app.user_store() {
                    Some(store) => store.summaries().await.unwrap_or_default(),
                    None => Vec::new(),
                }
            }
        })
    }

    /// The local store, when someone is signed in.
    pub fn user_store(&self) -> Option<UserStore> {
        self.store.get_value()
    }

    /// Keeps photos (JPEG) and a signature (PNG) on this device, queued for upload, before
    /// the event that names them is recorded.
    pub async fn keep_blobs(
        &self,
        photos: &[crate::media::Photo],
        signature: Option<&crate::media::Photo>,
    ) -> Result<(), StoreError> {
        let Some(store) = self.user_store() else {
            return Ok(());
        };
        let typed = photos
            .iter()
            .map(|p| (p, "image/jpeg"))
            .chain(signature.map(|s| (s, "image/png")));
        for (blob, media_type) in typed {
            store
                .put_local_blob(&blob.hash, &blob.bytes, media_type)
                .await?;
        }
        Ok(())
    }

    /// This device's id for the signed-in user.
    pub fn device(&self) -> Option<DeviceId> {
        self.author.with_value(|a| a.as_ref().map(|a| a.device))
    }

    /// Records a new event on `case` after `parents`, locally and atomically (event, outbox,
    /// summary, writing state), and asks for a sync.
    pub async fn record(
        &self,
        case: CaseId,
        parents: Vec<EventId>,
        body: EventBody,
    ) -> Result<(Event, CaseSummary), StoreError> {
        let store = self
            .user_store()
            .ok_or_else(|| StoreError::Open("not signed in".into()))?;
        let mut author = self
            .author
            .get_value()
            .ok_or_else(|| StoreError::Open("not signed in".into()))?;
        let event = author.write(
            EventId(uuid::Uuid::now_v7()),
            case,
            parents,
            body,
            labels::now(),
        );
        let rules = self.reference.with_untracked(|r| r.rules.clone());
        let summary = store.append_local(&event, &author, &rules).await?;
        // Only after the commit: a failed write leaves the sequence where it was.
        self.author.set_value(Some(author));
        self.revision.update(|r| *r += 1);
        if let Some(after_write) = self.after_write.get_value() {
            after_write(*self);
        }
        Ok((event, summary))
    }

    /// Refreshes the status strip's counts from the store.
    pub async fn refresh_counts(&self) {
        let Some(store) = self.user_store() else {
            return;
        };
        let unsynced = store.outbox_len().await.unwrap_or(0);
        let oldest = if unsynced > 0 {
            store
                .outbox(1)
                .await
                .ok()
                .and_then(|o| o.first().map(|e| e.hlc.wall_ms))
        } else {
            None
        };
        let quarantined = store.quarantined().await.map(|q| q.len()).unwrap_or(0) as u32;
        let last_sync = store.last_sync().await.ok().flatten();
        self.sync.update(|s| {
            s.unsynced = unsynced;
            s.oldest_unsynced = oldest;
            s.quarantined = quarantined;
            s.last_sync = last_sync;
        });
    }
}

impl Default for App {
    fn default() -> Self {
        Self::new()
    }
}
