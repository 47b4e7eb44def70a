//! The emergency path's alert (DESIGN §4: "urgent-major cases start the emergency path:
//! supervisor and department are alerted first"; 002: "立即啟動應急預案,第一時間通知"): in the
//! status strip, always in view, the urgent-major open cases on this device that this user has
//! not acknowledged yet; they arrive with a sync, so the alert comes at the next sync.

use leptos::prelude::*;
use tousu_shared::{access, ids::CaseId};

use crate::{context::use_app, i18n::Locale, labels::use_tr};

/// The alert, for the roles that act on urgent cases (supervisors, managers, handlers).
#[component]
pub fn UrgentAlert() -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let acts = move || {
        app.session
            .with(|s| s.as_ref().is_some_and(|s| access::alerted(&s.user.roles)))
    };
    // Acknowledging re-reads only what was seen: the case data did not change.
    let acknowledged = RwSignal::new(0u32);
    let pending = crate::reads::read(move || {
        app.revision.get();
        acknowledged.get();
        async move {
            let store = app.user_store()?;
            let seen = store.alerts_seen().await.unwrap_or_default();
            let urgent: Vec<(CaseId, String)> = app
                .summaries()
                .await?
                .iter()
                .filter(|c| c.is_urgent() && !seen.contains(&c.id))
                .map(|c| (c.id, c.label()))
                .collect();
            Some(urgent)
        }
    });
    let acknowledge = move |_| {
        leptos::task::spawn_local(async move {
            let Some(store) = app.user_store() else {
                return;
            };
            let mut seen = store.alerts_seen().await.unwrap_or_default();
            if let Some(Some(urgent)) = pending.get_untracked() {
                seen.extend(urgent.iter().map(|(id, _)| *id));
            }
            if store.put_alerts_seen(&seen).await.is_ok() {
                acknowledged.update(|n| *n += 1);
            }
        });
    };
    move || {
        let urgent = pending.get().flatten().unwrap_or_default();
        (acts() && !urgent.is_empty()).then(|| {
            let n = urgent.len();
            let first = format!("/cases/{}", urgent[0].0);
            let text = match tr.locale() {
                Locale::en => format!("! {n} urgent, major complaint(s) need action now"),
                Locale::zh_TW => format!("! 緊急重大投訴 {n} 件，需立即處理"),
                Locale::zh_CN => format!("! 紧急重大投诉 {n} 件，需立即处理"),
            };
            view! {
                <span class="urgent-alert" role="alert" data-testid="urgent-alert">
                    <a href=first data-testid="urgent-alert-open">{text}</a>
                    <button class="btn btn-small" data-testid="urgent-alert-ack" on:click=acknowledge>
                        {tr.t("知道了", "知道了", "Noted")}
                    </button>
                </span>
            }
        })
    }
}

/// Near-due and overdue cases whose next step this user owes (issue 16 §6; 001 督促),
/// computed from the cases on this device every 20 s and at each change, offline too. A
/// count in the strip opens the list; each new alert raises one browser notification when
/// the user allowed them, and is remembered (`Alert::key`) so nothing is alerted twice.
#[component]
pub fn DeadlineAlerts() -> impl IntoView {
    use tousu_shared::alerts::{Alert, AlertKind, DEFAULT_NEAR_DUE_HOURS, alerts};
    let app = use_app();
    let tr = use_tr();
    let summaries = app.summaries_resource();
    let tick = RwSignal::new(0u32);
    if let Ok(handle) = set_interval_with_handle(
        move || tick.update(|n| *n += 1),
        std::time::Duration::from_secs(20),
    ) {
        on_cleanup(move || handle.clear());
    }
    let found = Memo::new(move |_| {
        tick.get();
        let me = app.session.with(|s| s.as_ref().map(|s| s.principal()));
        let hours = app.reference.with(|r| {
            r.profile
                .as_ref()
                .map_or(DEFAULT_NEAR_DUE_HOURS, |p| p.near_due_hours)
        });
        match (me, summaries.get()) {
            (Some(me), Some(all)) => alerts(&me, &all, crate::labels::now(), hours),
            _ => Vec::new(),
        }
    });
    // Each alert is raised once: remembered by key, notified if the user allowed it.
    Effect::new(move |_| {
        let list = found.get();
        if list.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            let Some(store) = app.user_store() else {
                return;
            };
            let mut raised = store.deadlines_alerted().await.unwrap_or_default();
            let new: Vec<&Alert> = list.iter().filter(|a| !raised.contains(&a.key())).collect();
            if new.is_empty() {
                return;
            }
            for alert in &new {
                notify(&alert_text(tr, alert), &alert.key());
            }
            raised.extend(new.iter().map(|a| a.key()));
            // Keys of alerts no longer shown can go, but not so soon that one comes back:
            // the newest 500 are kept.
            let skip = raised.len().saturating_sub(500);
            let _ = store.put_deadlines_alerted(&raised[skip..]).await;
        });
    });
    let open = RwSignal::new(false);
    let permission = RwSignal::new(notification_permission());
    let allow = move |_| {
        leptos::task::spawn_local(async move {
            permission.set(request_notifications().await);
        });
    };
    move || {
        let list = found.get();
        (!list.is_empty()).then(|| {
            let overdue = list.iter().filter(|a| a.kind == AlertKind::Overdue).count();
            let n = list.len();
            view! {
                <span class="deadline-alerts">
                    <button type="button" class="btn btn-small" class:btn-danger={overdue > 0}
                        data-testid="deadline-alerts" data-count=n.to_string() aria-expanded=move || open.get().to_string()
                        on:click=move |_| open.update(|o| *o = !*o)>
                        {match tr.locale() {
                            Locale::en => format!("Deadlines: {n} ({overdue} overdue)"),
                            Locale::zh_TW => format!("期限提醒 {n}（逾期 {overdue}）"),
                            Locale::zh_CN => format!("期限提醒 {n}（逾期 {overdue}）"),
                        }}
                    </button>
                    <Show when=move || open.get()>
                        <div class="deadline-panel" role="region" aria-label=tr.t("期限提醒", "期限提醒", "Deadline alerts")>
                            <ul>
                                {list.iter().map(|a| view! {
                                    <li data-testid="deadline-alert" data-kind=format!("{:?}", a.kind)>
                                        <a href=format!("/cases/{}", a.case)>{alert_text(tr, a)}</a>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <Show when=move || permission.get() == "default">
                                <button type="button" class="btn btn-small" data-testid="deadline-notify" on:click=allow>
                                    {tr.t("允许浏览器通知", "允許瀏覽器通知", "Allow browser notifications")}
                                </button>
                            </Show>
                        </div>
                    </Show>
                </span>
            }
        })
    }
}

fn alert_text(tr: crate::labels::Tr, a: &tousu_shared::alerts::Alert) -> String {
    use tousu_shared::alerts::AlertKind;
    let stage = crate::labels::sla_stage(tr, a.stage);
    let when = crate::labels::date_time(tr, a.due);
    match (a.kind, tr.locale()) {
        (AlertKind::Overdue, Locale::en) => format!("{}: {stage} overdue since {when}", a.label),
        (AlertKind::Overdue, Locale::zh_TW) => format!("{}：{stage}已逾期（{when}）", a.label),
        (AlertKind::Overdue, Locale::zh_CN) => format!("{}：{stage}已逾期（{when}）", a.label),
        (AlertKind::NearDue, Locale::en) => format!("{}: {stage} due {when}", a.label),
        (AlertKind::NearDue, Locale::zh_TW) => format!("{}：{stage}將於 {when} 到期", a.label),
        (AlertKind::NearDue, Locale::zh_CN) => format!("{}：{stage}将于 {when} 到期", a.label),
    }
}

/// The page's `Notification` constructor, if the browser has one.
fn notification_class() -> Option<js_sys::Function> {
    use wasm_bindgen::JsCast as _;
    js_sys::Reflect::get(&window(), &"Notification".into())
        .ok()
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
}

/// `granted`, `denied`, `default`, or `unsupported`.
fn notification_permission() -> String {
    notification_class()
        .and_then(|c| js_sys::Reflect::get(&c, &"permission".into()).ok())
        .and_then(|p| p.as_string())
        .unwrap_or_else(|| "unsupported".into())
}

/// Asks the user (after their click) to allow notifications; answers the permission.
async fn request_notifications() -> String {
    let Some(class) = notification_class() else {
        return "unsupported".into();
    };
    let ask = js_sys::Reflect::get(&class, &"requestPermission".into())
        .ok()
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok());
    if let Some(promise) = ask.and_then(|f| f.call0(&class).ok()) {
        let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&promise)).await;
    }
    notification_permission()
}

/// One browser notification, when allowed (`tag` lets the system replace, not repeat).
fn notify(text: &str, tag: &str) {
    if notification_permission() != "granted" {
        return;
    }
    let Some(class) = notification_class() else {
        return;
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"body".into(), &text.into());
    let _ = js_sys::Reflect::set(&options, &"tag".into(), &tag.into());
    let args = js_sys::Array::of2(&"Tousu".into(), &options);
    if let Err(e) = js_sys::Reflect::construct(&class, &args) {
        leptos::logging::warn!("notification: {e:?}");
    }
}
