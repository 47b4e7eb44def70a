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
    let pending = LocalResource::new(move || {
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
