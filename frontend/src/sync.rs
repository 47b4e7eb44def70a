//! The sync client: push the outbox in `dev_seq` order, then pull by cursor, one IndexedDB
//! transaction per page (DESIGN §11). Triggers: a local write, coming back online, the window
//! regaining focus, and a timer; failures back off exponentially with jitter. Only one tab
//! syncs at a time (Web Locks); the others hear about new data on a broadcast channel.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue, prelude::Closure};

use tousu_shared::{
    api::sync::{PushResponse, PushResult, Quarantine},
    clock::Hlc,
    event::Event,
};

use crate::{
    api::{self, ApiError},
    context::App,
    errors::Failure,
    labels,
    store::{self, CaseStore, PullPosition, QuarantinedEvent},
};

/// Events per push request.
const PUSH_BATCH: u32 = 200;
/// Events per pull page.
const PULL_PAGE: u32 = 500;
/// Timer between background syncs.
const INTERVAL_MS: u32 = 30_000;
/// Longest wait between retries after failures.
const MAX_BACKOFF_MS: f64 = 60_000.0;
/// Name of the Web Lock and broadcast channel.
const CHANNEL: &str = "tousu-sync";
/// After a local write, the sync waits this long: the screen that shows the write renders
/// first, and a burst of writes (a form, then a note) goes in one push.
const AFTER_WRITE_MS: u64 = 300;

#[derive(Default)]
struct Engine {
    running: bool,
    again: bool,
    failures: u32,
    not_before: f64,
    channel: Option<web_sys::BroadcastChannel>,
    after_write_pending: bool,
}

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::default());
}

/// Why a sync stopped.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SyncError {
    /// The server said no or could not be reached.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The local database failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

impl From<SyncError> for Failure {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Api(e) => Failure::Api(e),
            SyncError::Store(e) => Failure::Store(e),
        }
    }
}

/// Starts the triggers: timer, `online`, focus, and messages from other tabs.
pub fn start(app: App) {
    app.after_write.set_value(Some(request_sync_after_write));
    let _ = set_interval_with_handle(
        move || request_sync(app),
        std::time::Duration::from_millis(INTERVAL_MS as u64),
    );
    window_event_listener(leptos::ev::online, move |_| sync_now(app));
    window_event_listener(leptos::ev::focus, move |_| request_sync(app));
    if let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) {
        let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| {
            // Another tab synced: re-read what it wrote.
            app.revision.update(|r| *r += 1);
            leptos::task::spawn_local(async move { app.refresh_counts().await });
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        ENGINE.with_borrow_mut(|e| e.channel = Some(channel));
    }
    request_sync(app);
}

/// Asks for a sync soon, respecting the backoff after failures.
pub fn request_sync(app: App) {
    let wait = ENGINE.with_borrow(|e| e.not_before > js_sys::Date::now());
    if !wait {
        sync_now(app);
    }
}

/// Asks for a sync shortly after a local write ([`AFTER_WRITE_MS`]); writes in between
/// join the same request.
pub fn request_sync_after_write(app: App) {
    let pending = ENGINE.with_borrow_mut(|e| std::mem::replace(&mut e.after_write_pending, true));
    if pending {
        return;
    }
    set_timeout(
        move || {
            ENGINE.with_borrow_mut(|e| e.after_write_pending = false);
            request_sync(app);
        },
        std::time::Duration::from_millis(AFTER_WRITE_MS),
    );
}

/// Syncs now, whatever the backoff says (the user pressed the button, the network came back).
pub fn sync_now(app: App) {
    let busy = ENGINE.with_borrow_mut(|e| {
        if e.running {
            e.again = true;
            true
        } else {
            e.running = true;
            false
        }
    });
    if busy {
        return;
    }
    leptos::task::spawn_local(async move {
        loop {
            let result = with_lock(app).await;
            after(app, result);
            let again = ENGINE.with_borrow_mut(|e| std::mem::take(&mut e.again));
            if !again {
                break;
            }
        }
        ENGINE.with_borrow_mut(|e| e.running = false);
    });
}

fn after(app: App, result: Result<bool, SyncError>) {
    match result {
        Ok(synced) => {
            ENGINE.with_borrow_mut(|e| {
                e.failures = 0;
                e.not_before = 0.0;
                if synced && let Some(channel) = &e.channel {
                    let _ = channel.post_message(&JsValue::from_str("synced"));
                }
            });
            app.sync.update(|s| s.error = None);
        }
        Err(err) => {
            let failures = ENGINE.with_borrow_mut(|e| {
                e.failures += 1;
                e.failures
            });
            let base = (1000.0 * 2f64.powi(failures.min(16) as i32)).min(MAX_BACKOFF_MS);
            let wait = base * (0.5 + js_sys::Math::random());
            ENGINE.with_borrow_mut(|e| e.not_before = js_sys::Date::now() + wait);
            app.sync.update(|s| s.error = Some(err.into()));
        }
    }
    app.sync.update(|s| s.syncing = false);
    leptos::task::spawn_local(async move { app.refresh_counts().await });
}

/// Runs one sync under the `tousu-sync` Web Lock, if no other tab holds it; `Ok(false)` when
/// another tab is syncing (it will broadcast when done). Without Web Locks, syncs directly.
async fn with_lock(app: App) -> Result<bool, SyncError> {
    let navigator = window().navigator();
    let locks = js_sys::Reflect::get(&navigator, &"locks".into()).unwrap_or(JsValue::UNDEFINED);
    let request = js_sys::Reflect::get(&locks, &"request".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(request) = request else {
        return sync_once(app).await.map(|()| true);
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let outcome: std::rc::Rc<RefCell<Option<Result<bool, SyncError>>>> = Default::default();
    let slot = outcome.clone();
    let callback = Closure::once_into_js(move |lock: JsValue| -> js_sys::Promise {
        wasm_bindgen_futures::future_to_promise(async move {
            let result = if lock.is_null() {
                Ok(false)
            } else {
                sync_once(app).await.map(|()| true)
            };
            *slot.borrow_mut() = Some(result);
            Ok(JsValue::UNDEFINED)
        })
    });
    let promise = request
        .call3(&locks, &CHANNEL.into(), &options, &callback)
        .map_err(|e| ApiError::Unreachable(crate::platform::js_err(e)))?;
    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await;
    outcome.borrow_mut().take().unwrap_or(Ok(false))
}

/// One full sync: push everything, pull everything, refresh reference data.
async fn sync_once(app: App) -> Result<(), SyncError> {
    let Some(session) = app.session.get_untracked() else {
        return Ok(());
    };
    if session.ended {
        return Ok(());
    }
    let Some(store) = app.user_store() else {
        return Ok(());
    };
    app.sync.update(|s| s.syncing = true);
    let token = session.token.clone();
    let result = async {
        upload_blobs(&store, &token).await?;
        push_all(app, &store, &token).await?;
        // Reference data first: new deadlines refold the cases already here, not the ones
        // about to arrive (on a fresh device that is none).
        refresh_reference(app, &store, &token).await?;
        pull_all(app, &store, &token).await?;
        store.set_last_sync(js_sys::Date::now() as i64).await?;
        Ok::<(), SyncError>(())
    }
    .await;
    if let Err(SyncError::Api(ApiError::Unauthorized)) = &result {
        // The session is over: keep every local change, ask to sign in again.
        let ended = store::Session {
            ended: true,
            ..session
        };
        let _ = store.put_session(&ended).await;
        app.session.set(Some(ended));
    }
    result
}

fn observe(app: App, server_time: i64) {
    app.author.update_value(|a| {
        if let Some(a) = a {
            a.observe(
                Hlc {
                    wall_ms: server_time,
                    counter: 0,
                },
                labels::now(),
            );
        }
    });
}

/// Uploads the attachments taken here before the events that name them.
async fn upload_blobs(store: &store::UserStore, token: &str) -> Result<(), SyncError> {
    for (hash, media_type) in store.blob_outbox().await? {
        if let Some(bytes) = store.blob(&hash).await? {
            api::put_blob(token, &hash, &media_type, &bytes).await?;
        }
        store.blob_uploaded(&hash).await?;
    }
    Ok(())
}

/// The server as the sync client sees it: push a batch, pull a page. The app's transport is
/// HTTP ([`Http`]); tests use a fake one.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// `POST /sync/push`.
    async fn push(&self, events: &[Event]) -> Result<PushResponse, ApiError>;
    /// `GET /sync/pull`.
    async fn pull(&self, from: PullPosition, limit: u32)
    -> Result<crate::pull::PullPage, ApiError>;
}

/// The sync server over HTTP, with the session's token.
pub struct Http<'a> {
    /// Bearer token.
    pub token: &'a str,
}

impl Transport for Http<'_> {
    async fn push(&self, events: &[Event]) -> Result<PushResponse, ApiError> {
        api::push(self.token, events).await
    }

    async fn pull(
        &self,
        from: PullPosition,
        limit: u32,
    ) -> Result<crate::pull::PullPage, ApiError> {
        api::pull(self.token, from, limit).await
    }
}

/// What one push or pull run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// Events acknowledged (applied or duplicate).
    pub acknowledged: usize,
    /// Events the server refused (now in the quarantine).
    pub quarantined: usize,
    /// Pull pages applied that changed something.
    pub changed_pages: usize,
    /// The latest server clock seen.
    pub server_time: Option<i64>,
    /// Milliseconds waiting for the server (requests and decoding).
    pub network_ms: f64,
    /// Milliseconds writing to the store.
    pub store_ms: f64,
    /// Cases that arrived whole (a first pull's snapshot, cases entering the scope).
    pub received_cases: usize,
    /// How many cases the snapshot brings in all, as its first page said.
    pub expected_cases: Option<u32>,
}

/// Pushes the whole outbox in `dev_seq` order, in batches, and files the answers: applied and
/// duplicate events leave the outbox, refused ones go to the quarantine with their reason. A
/// gap (the server misses earlier events) stops the run with the outbox intact.
pub async fn push_outbox<S: CaseStore, T: Transport>(
    store: &S,
    transport: &T,
    rules: &store::Rules,
    now: i64,
) -> Result<Progress, SyncError> {
    let mut progress = Progress::default();
    loop {
        let batch = store.outbox(PUSH_BATCH).await?;
        if batch.is_empty() {
            return Ok(progress);
        }
        let answer = transport.push(&batch).await?;
        progress.server_time = Some(answer.server_time);
        let mut acked = Vec::new();
        let mut quarantined = Vec::new();
        let mut blocked = false;
        for (event, result) in batch.iter().zip(answer.results) {
            match result {
                PushResult::Applied { .. } | PushResult::Duplicate { .. } => {
                    acked.push(event.dev_seq)
                }
                // Earlier events are missing on the server: keep these and report.
                PushResult::Quarantined {
                    why: Quarantine::Gap { .. },
                    ..
                } => blocked = true,
                PushResult::Quarantined { why, .. } => quarantined.push(QuarantinedEvent {
                    event: event.clone(),
                    why,
                    at: now,
                }),
            }
        }
        store.acknowledge(&acked, &quarantined, rules).await?;
        progress.acknowledged += acked.len();
        progress.quarantined += quarantined.len();
        if blocked {
            return Err(ApiError::Refused {
                status: 409,
                body: tousu_shared::api::ApiErrorBody {
                    code: "sequence_gap".into(),
                    message: "the server is missing earlier events of this device".into(),
                },
            }
            .into());
        }
        if acked.is_empty() && quarantined.is_empty() {
            // The server answered nothing for this batch: try again later, do not spin.
            return Ok(progress);
        }
    }
}

/// Pulls every page after the stored position, each applied in one transaction with its
/// position. While a page is written the next one is already asked for, so the server, the
/// network and IndexedDB work at the same time (a first pull is tens of pages).
pub async fn pull_pages<S: CaseStore, T: Transport>(
    store: &S,
    transport: &T,
    rules: &store::Rules,
    on_page: &dyn Fn(&Progress),
    on_changed: &dyn Fn(&store::Changed),
) -> Result<Progress, SyncError> {
    let mut progress = Progress::default();
    // Each future times itself: with both running at once, the two figures overlap.
    let fetch = async |from: PullPosition| {
        let t0 = js_sys::Date::now();
        let page = transport.pull(from, PULL_PAGE).await;
        (page, js_sys::Date::now() - t0)
    };
    let write = async |page: &crate::pull::PullPage| {
        let t0 = js_sys::Date::now();
        // Told right after the page's commit, before any later write can commit.
        let done = store.apply_pull(page, rules).await.map(|c| on_changed(&c));
        (done, js_sys::Date::now() - t0)
    };
    let (first, ms) = fetch(store.position().await?).await;
    progress.network_ms += ms;
    let mut page = first?;
    loop {
        progress.server_time = Some(page.server_time);
        if page.total.is_some() {
            progress.expected_cases = page.total;
        }
        if !page.events.is_empty() || !page.grants.is_empty() || !page.revocations.is_empty() {
            progress.changed_pages += 1;
        }
        if !page.more {
            let (stored, ms) = write(&page).await;
            progress.store_ms += ms;
            stored?;
            progress.received_cases += page.grants.len();
            on_page(&progress);
            return Ok(progress);
        }
        let ((stored, store_ms), (next, network_ms)) =
            futures::future::join(write(&page), fetch(PullPosition::after_page(&page))).await;
        progress.store_ms += store_ms;
        progress.network_ms += network_ms;
        stored?;
        progress.received_cases += page.grants.len();
        on_page(&progress);
        page = next?;
    }
}

async fn push_all(app: App, store: &store::UserStore, token: &str) -> Result<(), SyncError> {
    let rules = app.reference.with_untracked(|r| r.rules.clone());
    let progress = push_outbox(store, &Http { token }, &rules, js_sys::Date::now() as i64).await;
    if let Ok(p) = &progress {
        if let Some(t) = p.server_time {
            observe(app, t);
        }
        if p.quarantined > 0 {
            app.revision.update(|r| *r += 1);
        }
    }
    progress.map(drop)
}

/// Keeps the last run's timings on `window.__tousuSync` for benchmarks and support staff.
fn record_timing(what: &str, progress: &Progress) {
    let entry = js_sys::Object::new();
    let set = |k: &str, v: f64| {
        let _ = js_sys::Reflect::set(&entry, &k.into(), &JsValue::from_f64(v));
    };
    set("network_ms", progress.network_ms);
    set("store_ms", progress.store_ms);
    set("changed_pages", progress.changed_pages as f64);
    let _ = js_sys::Reflect::set(&entry, &"what".into(), &what.into());
    let _ = js_sys::Reflect::set(&window(), &"__tousuSync".into(), &entry);
}

async fn pull_all(app: App, store: &store::UserStore, token: &str) -> Result<(), SyncError> {
    let rules = app.reference.with_untracked(|r| r.rules.clone());
    let shown = |p: &Progress| {
        if p.received_cases > 0 {
            app.sync
                .update(|s| s.received = Some((p.received_cases as u32, p.expected_cases)));
        }
    };
    let kept = |changed: &store::Changed| app.summaries_changed(changed);
    let progress = pull_pages(store, &Http { token }, &rules, &shown, &kept).await;
    app.sync.update(|s| s.received = None);
    let progress = progress?;
    record_timing("pull", &progress);
    if let Some(t) = progress.server_time {
        observe(app, t);
    }
    if progress.changed_pages > 0 {
        app.changed();
    }
    Ok(())
}

async fn refresh_reference(
    app: App,
    store: &store::UserStore,
    token: &str,
) -> Result<(), SyncError> {
    let reference = api::reference(token).await?;
    let before = store.reference().await?;
    if before.as_ref() == Some(&reference) {
        return Ok(());
    }
    store.put_reference(&reference).await?;
    let data = crate::context::RefData::from_reference(&reference);
    let rules = data.rules.clone();
    app.reference.set(data);
    // Deadlines depend on the calendar and policy: recompute every summary, but not when only
    // the names of people or devices changed (a new tablet signing in somewhere).
    let rules_changed = before.is_none_or(|b| {
        (&b.catalog, &b.calendar, &b.sla_policy)
            != (
                &reference.catalog,
                &reference.calendar,
                &reference.sla_policy,
            )
    });
    if rules_changed {
        store.refold_all(&rules).await?;
    }
    app.revision.update(|r| *r += 1);
    Ok(())
}

/// Pushes and pulls once, now, and says how it went (sign-out flushes the outbox with it).
pub async fn flush(app: App) -> Result<(), SyncError> {
    let result = sync_once(app).await;
    after(app, result.clone().map(|()| true));
    result
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;
