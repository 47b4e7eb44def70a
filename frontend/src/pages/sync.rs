//! Sync details: the outbox (what has not reached the server yet) and the events it refused,
//! with their reasons. Nothing disappears silently.

use crate::store::CaseStore as _;
use leptos::prelude::*;

use crate::{
    context::use_app,
    labels::{self, use_tr},
    sync,
};

/// `/sync`.
#[component]
pub fn SyncPage() -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let online = crate::platform::use_online();
    let data = crate::reads::read(move || {
        app.revision.get();
        app.sync.with(|s| s.unsynced);
        async move {
            let store = app.user_store()?;
            let outbox = store.outbox(1000).await.ok()?;
            let quarantined = store.quarantined().await.ok()?;
            Some((outbox, quarantined))
        }
    });
    view! {
        <section class="page" data-testid="page-sync">
            <header class="page-head">
                <h1 class="page-title">{move || tr.t("同步详情", "同步詳情", "Sync details")}</h1>
                <button class="btn btn-primary" data-testid="sync-now" on:click=move |_| sync::sync_now(app)>
                    {move || tr.t("立即同步", "立即同步", "Sync now")}
                </button>
            </header>
            {move || if online.get() {
                app.sync.with(|s| s.error.clone()).map(|e| view! { <p class="notice" role="alert">{crate::errors::failure(tr, &e)}</p> }.into_any())
            } else {
                // Offline is a state, not a failure: the outbox goes when the network returns.
                Some(view! { <p class="notice" data-testid="offline-notice">{tr.t("离线：连接网络后自动同步。", "離線：連線網路後自動同步。", "Offline: changes sync when the network returns.")}</p> }.into_any())
            }}
            <>
                {move || data.get().flatten().map(|(outbox, quarantined)| view! {
                    <section class="panel">
                        <h2>{tr.t("待上传", "待上傳", "Waiting to upload")} " (" {outbox.len()} ")"</h2>
                        <table class="table" data-testid="outbox">
                            <thead><tr>
                                <th>"#"</th>
                                <th>{tr.t("操作", "操作", "Action")}</th>
                                <th>{tr.t("案件", "案件", "Case")}</th>
                                <th>{tr.t("时间", "時間", "When")}</th>
                            </tr></thead>
                            <tbody>
                                {outbox.into_iter().map(|e| view! {
                                    <tr>
                                        <td>{e.dev_seq}</td>
                                        <td>{e.body.command().map(|c| labels::command(tr, c))}</td>
                                        <td><a href=format!("/cases/{}", e.case_id)>{tousu_shared::number::provisional_label(e.case_id)}</a></td>
                                        <td>{labels::date_time(tr, e.at())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                    <section class="panel">
                        <h2>{tr.t("被服务器拒绝", "被伺服器拒絕", "Refused by the server")} " (" {quarantined.len()} ")"</h2>
                        <table class="table" data-testid="quarantine-list">
                            <thead><tr>
                                <th>{tr.t("操作", "操作", "Action")}</th>
                                <th>{tr.t("案件", "案件", "Case")}</th>
                                <th>{tr.t("原因", "原因", "Reason")}</th>
                            </tr></thead>
                            <tbody>
                                {quarantined.into_iter().map(|q| view! {
                                    <tr>
                                        <td>{q.event.body.command().map(|c| labels::command(tr, c))}</td>
                                        <td><a href=format!("/cases/{}", q.event.case_id)>{tousu_shared::number::provisional_label(q.event.case_id)}</a></td>
                                        <td data-testid="quarantine-reason">{labels::quarantine(tr, &q.why)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                })}
            </>
        </section>
    }
}
