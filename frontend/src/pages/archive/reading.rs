//! `/archive/cases/:id`: an archived case opened under an active grant (000 "未經批准不得查閱").
//! Read-only: fetched from the server each time it is opened (the server audits every
//! opening), held in memory while the page is shown and never written to the device, so
//! nothing of it remains once the grant ends; the server then answers 404 and the page says
//! the grant is over.

use leptos::prelude::*;
use tousu_shared::{access::GrantScope, api::archive::AccessRequest, ids::CaseId};

use crate::{
    api::{self, ApiError},
    context::use_app,
    errors,
    labels::{self, use_tr},
    pages::case::{AccountabilityPanel, FactsPanel, RectificationsPanel, SignaturesPanel},
    platform,
};

/// When `requests` hold an active grant on `case`, its end.
fn grant_until(requests: &[AccessRequest], case: CaseId, now: i64) -> Option<i64> {
    requests
        .iter()
        .filter(|r| r.status == "approved" && r.scope == GrantScope::Case { case })
        .filter_map(|r| r.until.filter(|u| *u > now))
        .max()
}

/// `/archive/cases/:id`.
#[component]
pub fn GrantedCasePage(id: String) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let online = platform::use_online();
    let case = id.parse::<uuid::Uuid>().ok().map(CaseId);
    let read = LocalResource::new(move || {
        let on = online.get();
        let token = app.token();
        async move {
            let (token, case) = (token.filter(|_| on)?, case?);
            let (visible, requests) = futures::join!(
                api::granted_case(&token, case),
                api::access_requests(&token)
            );
            let until = requests
                .ok()
                .and_then(|r| grant_until(&r, case, labels::now().0));
            Some(visible.map(|v| (v, until)))
        }
    });
    view! {
        <section class="page case-page" data-testid="page-granted-case">
            <p class="breadcrumb"><a href="/archive">{move || tr.t("档案", "檔案", "Archive")}</a>" / "</p>
            <Show when=move || !online.get()>
                <p class="notice" role="status" data-testid="granted-offline">{move || tr.t(
                    "归档案件只在联网时从服务器读取，不保存在本机。",
                    "歸檔案件只在連網時從伺服器讀取，不儲存在本機。",
                    "Archived cases are read from the server while online and never kept on this device.",
                )}</p>
            </Show>
            <Suspense fallback=move || view! { <p class="muted">{tr.t("正在读取…", "正在讀取…", "Loading…")}</p> }>
                {move || read.get().flatten().map(|answer| match answer {
                    Err(ApiError::Refused { status: 404, .. }) => view! {
                        <p class="empty" data-testid="granted-gone">{tr.t(
                            "查阅授权已结束或未获批准：这个归档案件不能再打开。",
                            "查閱授權已結束或未獲批准：這個歸檔案件不能再打開。",
                            "The access grant is over or was never given: this archived case cannot be opened.",
                        )}</p>
                    }.into_any(),
                    Err(e) => view! { <p class="notice" role="alert">{errors::api(tr, &e)}</p> }.into_any(),
                    Ok((visible, until)) => {
                        let view_state = visible.view;
                        let label = view_state.number.map(|n| n.to_string()).unwrap_or_default();
                        view! {
                            <header class="case-head">
                                <h1 class="page-title"><span class="case-label" data-testid="case-number">{label}</span></h1>
                                <div class="chips">
                                    <span class="chip">{tr.t("已归档 · 只读", "已歸檔 · 唯讀", "Archived · read only")}</span>
                                </div>
                            </header>
                            <p class="notice" role="status" data-testid="granted-notice">
                                {tr.t(
                                    "根据查阅授权显示，本次打开已记入审计；内容不保存在本机。",
                                    "根據查閱授權顯示，本次打開已記入稽核；內容不儲存在本機。",
                                    "Shown under an access grant; this opening is in the audit trail and nothing is kept on this device.",
                                )}
                                {until.map(|u| format!(" {} {}", tr.t("授权有效至", "授權有效至", "Grant ends"), labels::date_time(tr, tousu_shared::clock::Timestamp(u))))}
                            </p>
                            <div class="case-columns">
                                <div class="case-main">
                                    <FactsPanel view=view_state.clone()/>
                                </div>
                                <aside class="case-side">
                                    <AccountabilityPanel view=view_state.clone()/>
                                    <RectificationsPanel view=view_state.clone()/>
                                    <SignaturesPanel view=view_state/>
                                </aside>
                            </div>
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}
