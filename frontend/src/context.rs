//! App-wide state, provided once in `app.rs` and read through [`use_app`]: who is signed in,
//! their local store, the reference data, and the sync status strip. Domain structs hold no
//! signals; this is the one place that does.

use crate::store::CaseStore as _;
use leptos::prelude::*;
use tousu_shared::{
    access::{Role, roles_allow},
    api::{DeviceKind, DeviceLabel, Person, Reference},
    author::Author,
    event::{CommandKind, Event, EventBody},
    ids::{CaseId, DeviceId, EventId},
    model::Catalog,
    sla::{SlaPolicy, WorkCalendar},
    summary::CaseSummary,
};

use crate::{
    labels,
    store::{
        Changed, Rules, Session, StoreError, UserStore,
        kept::{Kept, Summaries},
    },
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
    /// While a pull is landing cases: how many have arrived, of how many in all.
    pub received: Option<(u32, Option<u32>)>,
}

/// Which screens the signed-in roles have work on (the menu shows only these).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Menu {
    /// Registering cases.
    pub intake: bool,
    /// The case list.
    pub cases: bool,
    /// Revisits.
    pub revisit: bool,
    /// The office's statistics.
    pub stats: bool,
    /// Teaching cases: every member of staff (the screen is in the office build).
    pub teaching: bool,
    /// The accountability summary: supervisors (the records are confidential).
    pub accountability: bool,
    /// The archive: archivists run it and decide requests; every other user asks (office
    /// build).
    pub archive: bool,
    /// The audit trail: its custodians, archivists and administrators (office build).
    pub audit: bool,
    /// Administration: accounts, departments, the calendar (office build).
    pub admin: bool,
}

impl Menu {
    /// The menu of `roles`.
    pub fn of(roles: &[Role]) -> Self {
        Menu {
            intake: roles_allow(roles, CommandKind::Register),
            // Every role but the administrator's reads cases (the archivist the closed ones).
            cases: roles
                .iter()
                .any(|r| !matches!(r, Role::Admin | Role::Leader)),
            revisit: roles_allow(roles, CommandKind::RecordRevisit),
            stats: crate::platform::OFFICE_BUILD && tousu_shared::stats::reads_statistics(roles),
            teaching: crate::platform::OFFICE_BUILD && !roles.is_empty(),
            accountability: crate::platform::OFFICE_BUILD && roles.contains(&Role::Supervisor),
            archive: crate::platform::OFFICE_BUILD && roles.iter().any(|r| *r != Role::Admin),
            audit: crate::platform::OFFICE_BUILD
                && roles
                    .iter()
                    .any(|r| matches!(r, Role::Archivist | Role::Admin)),
            admin: crate::platform::OFFICE_BUILD && roles.contains(&Role::Admin),
        }
    }

    /// Whether someone with `roles` works at an office desk, so their device loads the office
    /// build: supervisors, department heads, archivists, administrators and leaders.
    pub fn office_desk(roles: &[Role]) -> bool {
        roles.iter().any(|r| {
            matches!(
                r,
                Role::Supervisor | Role::Manager | Role::Archivist | Role::Admin | Role::Leader
            )
        })
    }
}

/// What the strip says about sync, most pressing first (issue 12: "all synced" only when the
/// outbox is empty and nothing is landing; being offline is not a failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncLine {
    /// A pull is landing cases: how many have arrived, of how many in all when known.
    Receiving(u32, Option<u32>),
    /// A sync is running.
    Syncing,
    /// Changes wait in the outbox: how many, and when the oldest was made.
    Waiting(u32, Option<i64>),
    /// Online, and the last attempt could not reach the server.
    Unreachable,
    /// Online, and the last attempt failed otherwise.
    Failed,
    /// Nothing has been synced on this device yet.
    NeverSynced,
    /// The outbox is empty and the last sync succeeded.
    AllSynced,
}

impl SyncStatus {
    /// The strip's sync line for this status, `online` as the browser reports it.
    pub fn line(&self, online: bool) -> SyncLine {
        if let Some((n, total)) = self.received {
            return SyncLine::Receiving(n, total.map(|t| t.max(n)));
        }
        if self.syncing {
            return SyncLine::Syncing;
        }
        if self.unsynced > 0 {
            return SyncLine::Waiting(self.unsynced, self.oldest_unsynced);
        }
        match (&self.error, online) {
            (Some(crate::errors::Failure::Api(crate::api::ApiError::Unreachable(_))), true) => {
                SyncLine::Unreachable
            }
            (Some(_), true) => SyncLine::Failed,
            _ if self.last_sync.is_none() => SyncLine::NeverSynced,
            _ => SyncLine::AllSynced,
        }
    }
}

/// Reference data in the form the rules need.
#[derive(Clone)]
pub struct RefData {
    /// Categories and departments.
    pub catalog: Catalog,
    /// Deadlines.
    pub rules: std::rc::Rc<Rules>,
    /// Staff by name.
    pub people: std::rc::Rc<Vec<Person>>,
    /// Devices by name.
    pub devices: std::rc::Rc<Vec<DeviceLabel>>,
    /// The regulation profile in force, as the server named it.
    pub profile: Option<std::rc::Rc<tousu_shared::profile::ProfileInfo>>,
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
            people: std::rc::Rc::new(r.people.clone()),
            devices: std::rc::Rc::new(r.devices.clone()),
            profile: r.profile.clone().map(std::rc::Rc::new),
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
            people: Default::default(),
            devices: Default::default(),
            profile: None,
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
    /// The summaries last read, for whom and at which revision, kept current by the writes
    /// that say what they changed: a screen opened after another (the statistics after the
    /// list, after a sync) shows them without reading the database again.
    kept: StoredValue<Kept, LocalStorage>,
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
            kept: StoredValue::new_local(Kept::default()),
        }
    }

    /// The categories as `(id, name in the current language)`, for selects (reactive).
    pub fn category_options(&self, tr: crate::labels::Tr) -> Vec<(String, String)> {
        let locale = tr.locale();
        self.reference.with(|r| {
            let cats = &r.catalog.categories;
            cats.iter()
                .map(|c| {
                    // A sub-item reads with its category: "快件丢失/损坏 › 丢失".
                    let parent = c
                        .parent
                        .as_ref()
                        .and_then(|p| cats.iter().find(|x| &x.id == p));
                    let name = match parent {
                        Some(p) => format!(
                            "{} › {}",
                            category_label(p, locale),
                            category_label(c, locale)
                        ),
                        None => category_label(c, locale),
                    };
                    (c.id.to_string(), name)
                })
                .collect()
        })
    }

    /// What the signed-in roles have work on.
    pub fn menu(&self) -> Menu {
        self.session
            .with(|s| s.as_ref().map(|s| Menu::of(&s.user.roles)))
            .unwrap_or_default()
    }

    /// A category's name in the current language, a sub-item with its category (its id if
    /// the catalog does not know it).
    pub fn category_name(
        &self,
        tr: crate::labels::Tr,
        id: &tousu_shared::ids::CategoryId,
    ) -> String {
        self.category_options(tr)
            .into_iter()
            .find(|(c, _)| c == id.as_str())
            .map(|(_, name)| name)
            .unwrap_or_else(|| id.to_string())
    }

    /// A department's name (its id if the catalog does not know it).
    pub fn department_name(&self, id: &tousu_shared::ids::DepartmentId) -> String {
        self.reference
            .with_untracked(|r| tousu_shared::ledger::department_name(&r.catalog, id))
    }

    /// Who an accountability decision holds responsible: a colleague or a department, by name.
    pub fn responsible_name(&self, record: &tousu_shared::event::AccountabilityRecorded) -> String {
        match (&record.person, &record.department) {
            (Some(p), _) => self.person_name(p),
            (None, Some(d)) => self.department_name(d),
            (None, None) => String::new(),
        }
    }

    /// A colleague's display name (the account id where this device does not know it).
    pub fn person_name(&self, id: &tousu_shared::ids::UserId) -> String {
        self.account_name(id.as_str())
    }

    /// A display name for an account id as the server's lists give it (an audit row's actor,
    /// a request's requester); the id itself where this device does not know it.
    pub fn account_name(&self, id: &str) -> String {
        self.reference.with_untracked(|r| {
            r.people
                .iter()
                .find(|p| p.id.as_str() == id)
                .map_or_else(|| id.to_string(), |p| p.display_name.clone())
        })
    }

    /// Who an event's author is, by name.
    pub fn actor_name(&self, tr: crate::labels::Tr, actor: &tousu_shared::event::Actor) -> String {
        use tousu_shared::event::Actor;
        match actor {
            Actor::User(u) => self.person_name(u),
            Actor::Kiosk(d) => self.device_name(tr, d),
            Actor::System => tr.t("系统", "系統", "Tousu").into(),
        }
    }

    /// A device by name: "张专员的设备", "自助终端 东门", "服务器"; a device this one does not
    /// know yet by the end of its id.
    pub fn device_name(&self, tr: crate::labels::Tr, id: &DeviceId) -> String {
        let label = self
            .reference
            .with_untracked(|r| r.devices.iter().find(|d| &d.id == id).cloned());
        let short = || id.to_string()[28..].to_string();
        match label {
            Some(DeviceLabel {
                kind: DeviceKind::Server,
                ..
            }) => tr.t("服务器", "伺服器", "the server").into(),
            Some(DeviceLabel {
                kind: DeviceKind::Kiosk,
                name,
                ..
            }) => format!(
                "{} {}",
                tr.t("自助终端", "自助終端", "kiosk"),
                name.unwrap_or_else(short)
            ),
            Some(DeviceLabel {
                kind: DeviceKind::Browser,
                name: Some(name),
                ..
            }) => match tr.locale() {
                crate::i18n::Locale::en => format!("{name}'s device"),
                crate::i18n::Locale::zh_TW => format!("{name}的裝置"),
                crate::i18n::Locale::zh_CN => format!("{name}的设备"),
            },
            _ => format!("{} {}", tr.t("设备", "裝置", "device"), short()),
        }
    }

    /// Staff who may be chosen for something, as `(id, name)`: enabled accounts for which
    /// `eligible` holds, by name.
    pub fn people_options(&self, eligible: impl Fn(&Person) -> bool) -> Vec<(String, String)> {
        self.reference.with(|r| {
            let mut out: Vec<(String, String)> = r
                .people
                .iter()
                .filter(|p| !p.disabled && eligible(p))
                .map(|p| (p.id.to_string(), p.display_name.clone()))
                .collect();
            tousu_shared::order::sort_by(&mut out, |a, b| a.1.cmp(&b.1));
            out
        })
    }

    /// Every case summary on this device, re-read whenever local data changes (and kept
    /// until it does, for the next screen that lists them).
    pub fn summaries_resource(&self) -> crate::reads::Read<Summaries> {
        let app = *self;
        crate::reads::read(move || {
            let revision = app.revision.get();
            async move { app.read_summaries(revision).await.unwrap_or_default() }
        })
    }

    /// Every case summary on this device now (kept in memory between changes).
    pub async fn summaries(self) -> Option<Summaries> {
        self.read_summaries(self.revision.get_untracked()).await
    }

    async fn read_summaries(self, revision: u64) -> Option<Summaries> {
        let user = self
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.user.id.clone()))?;
        if let Some(kept) = self.kept.with_value(|k| k.get(&user, revision)) {
            return Some(kept);
        }
        let writes = self.kept.with_value(Kept::writes);
        let read = Summaries::new(self.user_store()?.summaries().await.ok()?);
        #[cfg(feature = "office")]
        self.refold_without_stat_rows(&read);
        self.kept
            .update_value(|k| k.keep(writes, user, revision, read.clone()));
        Some(read)
    }

    /// Rebuilds, once per page, summaries written without statistics rows (by the field
    /// build, or before summaries carried them): every office screen counts from them.
    #[cfg(feature = "office")]
    fn refold_without_stat_rows(self, read: &Summaries) {
        thread_local!(static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
        if !read
            .iter()
            .any(|s| s.received_at.is_some() && s.stat.is_none())
            || DONE.with(|d| d.replace(true))
        {
            return;
        }
        leptos::task::spawn_local(async move {
            let rules = self.reference.with_untracked(|r| r.rules.clone());
            if let Some(store) = self.user_store()
                && store.refold_all(&rules).await.is_ok()
            {
                self.revision.update(|r| *r += 1);
            }
        });
    }

    /// Brings the kept summaries forward by what a committed write changed (call it at once
    /// after the commit; [`App::changed`] then tells the screens).
    pub fn summaries_changed(&self, changed: &Changed) {
        let revision = self.revision.get_untracked();
        self.kept.update_value(|k| k.apply(revision, changed));
    }

    /// Tells every screen that local case data changed, the kept summaries included in the
    /// new revision (any other bump of `revision` drops them: they are read again).
    pub fn changed(&self) {
        let revision = self.revision.get_untracked();
        self.kept
            .update_value(|k| k.advance(revision, revision + 1));
        self.revision.set(revision + 1);
    }

    /// The signed-in session's token, if any (untracked: for handlers and tasks).
    pub fn token(&self) -> Option<String> {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
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
        self.summaries_changed(&Changed::one(summary.clone()));
        // Only after the commit: a failed write leaves the sequence where it was.
        self.author.set_value(Some(author));
        // The strip tells the truth at once: one more change waits.
        self.sync.update(|s| {
            s.unsynced += 1;
            s.oldest_unsynced.get_or_insert(event.hlc.wall_ms);
        });
        self.changed();
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

/// A read from the server for a screen that needs one (the office's lists and forms): run
/// again when the connection comes back and when a signal `read` tracks before its future
/// changes; `None` while offline or signed out. `read` gets the session's token.
pub fn server_read<T, Fut>(read: impl Fn(String) -> Fut + 'static) -> LocalResource<Option<T>>
where
    T: 'static,
    Fut: std::future::Future<Output = T> + 'static,
{
    let app = use_app();
    let online = crate::platform::use_online();
    LocalResource::new(move || {
        let on = online.get();
        let pending = app.token().filter(|_| on).map(&read);
        async move {
            match pending {
                Some(answer) => Some(answer.await),
                None => None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{SyncLine, SyncStatus};
    use crate::{api::ApiError, errors::Failure};

    #[test]
    fn all_synced_only_when_nothing_waits_or_lands() {
        let done = SyncStatus {
            last_sync: Some(1),
            ..SyncStatus::default()
        };
        assert_eq!(done.line(true), SyncLine::AllSynced);
        assert_eq!(done.line(false), SyncLine::AllSynced);
        let waiting = SyncStatus {
            unsynced: 1,
            oldest_unsynced: Some(5),
            ..done.clone()
        };
        assert_eq!(waiting.line(false), SyncLine::Waiting(1, Some(5)));
        let landing = SyncStatus {
            syncing: true,
            received: Some((300, Some(7000))),
            ..done.clone()
        };
        assert_eq!(landing.line(true), SyncLine::Receiving(300, Some(7000)));
        let beyond = SyncStatus {
            received: Some((12, Some(10))),
            ..done.clone()
        };
        assert_eq!(
            beyond.line(true),
            SyncLine::Receiving(12, Some(12)),
            "never more received than in all"
        );
        let syncing = SyncStatus {
            syncing: true,
            ..done.clone()
        };
        assert_eq!(syncing.line(true), SyncLine::Syncing);
        assert_eq!(SyncStatus::default().line(true), SyncLine::NeverSynced);
    }

    #[test]
    fn offline_is_not_a_failure() {
        let failed = SyncStatus {
            last_sync: Some(1),
            error: Some(Failure::Api(ApiError::Unreachable("TypeError".into()))),
            ..SyncStatus::default()
        };
        assert_eq!(failed.line(false), SyncLine::AllSynced);
        assert_eq!(failed.line(true), SyncLine::Unreachable);
        let refused = SyncStatus {
            error: Some(Failure::Api(ApiError::TooMany)),
            ..failed
        };
        assert_eq!(refused.line(true), SyncLine::Failed);
    }
}
