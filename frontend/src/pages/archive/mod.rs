//! `/archive`: the archive at an office desk (issue 15). An archivist runs the monthly archive
//! (000 "每月將投訴處理記錄歸檔") and decides access requests with a comment and, if shorter,
//! a duration (000 "未經批准不得查閱"); everyone else asks for an archived case by its number
//! and follows their requests; an archivist also finds archived cases by month and number
//! ([`browse`]) and proposes destroying those past retention, which a leader approves or
//! refuses ([`destruction`]). The archive lives on the server: the screen needs a connection
//! and says so offline.

mod browse;
mod destruction;
pub mod reading;

use leptos::prelude::*;
use tousu_shared::{
    access::{GrantScope, Role},
    api::archive::{AccessDecision, AccessRequest, ArchiveRun, NewAccessRequest},
};

use crate::{
    api,
    context::{server_read, use_app},
    errors,
    labels::{self, Tr, use_tr},
    platform,
};

/// Parses `YYYY-MM` (a month input's value).
fn parse_month(text: &str) -> Option<(i32, u8)> {
    let (y, m) = text.trim().split_once('-')?;
    let (y, m) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

/// `/archive`.
#[component]
pub fn ArchivePage() -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let online = platform::use_online();
    let has = |role: Role| {
        app.session
            .with_untracked(|s| s.as_ref().is_some_and(|s| s.user.roles.contains(&role)))
    };
    let (archivist, leader) = (has(Role::Archivist), has(Role::Leader));
    // Bumped after each change: the list is read again.
    let changed = RwSignal::new(0u32);
    let requests = server_read(move |token| {
        changed.get();
        async move { api::access_requests(&token).await }
    });
    // An archivist's view of the requests: all, those waiting, or the grants in force.
    let shown = RwSignal::new(0u8);
    let admits = move |r: &AccessRequest| match shown.get() {
        1 => r.status == "pending",
        2 => r.status == "approved" && r.until.is_some_and(|u| u > labels::now().0),
        _ => true,
    };
    let segment = move |value: u8, testid: &'static str, label: [&'static str; 3]| {
        view! {
            <button type="button" class="seg" data-testid=testid aria-pressed=move || (shown.get() == value).to_string()
                on:click=move |_| shown.set(value)>{move || label[tr.index()]}</button>
        }
    };
    view! {
        <section class="page" data-testid="page-archive">
            <header class="page-head">
                <h1 class="page-title">{move || tr.t("档案", "檔案", "Archive")}</h1>
            </header>
            <Show when=move || !online.get()>
                <p class="notice" role="status" data-testid="archive-offline">{move || tr.t(
                    "档案保存在服务器上：联网后才能归档、申请或审批查阅。",
                    "檔案保存在伺服器上：連網後才能歸檔、申請或審批查閱。",
                    "The archive is kept on the server: archiving, asking and deciding need a connection.",
                )}</p>
            </Show>
            {archivist.then(|| view! {
                <RunArchive changed=changed/>
                <browse::Browse/>
                <destruction::ProposeDestruction changed=changed/>
            })}
            {(archivist || leader).then(|| view! { <destruction::Proposals changed=changed leader=leader/> })}
            {(!archivist && !leader).then(|| view! { <AskAccess changed=changed/> })}
            <Show when=move || !leader || archivist>
            <section class="sheet-section" aria-labelledby="archive-requests">
                <h2 id="archive-requests">{move || if archivist {
                    tr.t("查阅申请", "查閱申請", "Access requests")
                } else {
                    tr.t("我的查阅申请", "我的查閱申請", "My access requests")
                }}</h2>
                {archivist.then(|| view! {
                    <div class="segmented" role="group" aria-label=move || tr.t("显示哪些申请", "顯示哪些申請", "Which requests")>
                        {segment(0, "requests-all", ["全部", "全部", "All"])}
                        {segment(1, "requests-pending", ["待审批", "待審批", "Waiting"])}
                        {segment(2, "requests-active", ["有效授权", "有效授權", "Grants in force"])}
                    </div>
                })}
                <Suspense fallback=move || view! { <p class="muted">{tr.t("正在读取…", "正在讀取…", "Loading…")}</p> }>
                    {move || requests.get().flatten().map(|answer| match answer {
                        Err(e) => view! { <p class="notice" role="alert">{errors::api(tr, &e)}</p> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty" data-testid="requests-empty">{tr.t("没有查阅申请。", "沒有查閱申請。", "No access requests.")}</p>
                        }.into_any(),
                        Ok(list) => {
                            let list: Vec<AccessRequest> = list.into_iter().filter(admits).collect();
                            if list.is_empty() {
                                view! { <p class="empty" data-testid="requests-none">{tr.t("没有这类申请。", "沒有這類申請。", "None of these.")}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="request-list" data-testid="requests">
                                        {list.into_iter().map(|r| view! { <Request request=r archivist=archivist changed=changed/> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
            </section>
            </Show>
        </section>
    }
}

/// The archivist's monthly run: a month that is over, chosen by the archivist.
#[component]
fn RunArchive(changed: RwSignal<u32>) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let month = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<usize, String>>);
    let busy = RwSignal::new(false);
    let run = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((year, month)) = parse_month(&month.get_untracked()) else {
            outcome.set(Some(Err(tr
                .t(
                    "请选择要归档的月份。",
                    "請選擇要歸檔的月份。",
                    "Choose the month to archive.",
                )
                .to_string())));
            return;
        };
        let Some(token) = app.token() else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = api::archive_run(&token, &ArchiveRun { year, month }).await;
            busy.set(false);
            outcome.set(Some(
                answer.map(|a| a.archived).map_err(|e| errors::api(tr, &e)),
            ));
            changed.update(|n| *n += 1);
        });
    };
    view! {
        <form class="sheet-section" on:submit=run aria-labelledby="archive-run" data-testid="archive-run">
            <h2 id="archive-run">{move || tr.t("月度归档", "月度歸檔", "Monthly archive")}</h2>
            <p class="hint">{move || tr.t(
                "把该月已结案的案件归档（须是已经结束的月份）。归档后案件只读，查阅须经批准。",
                "把該月已結案的案件歸檔（須是已經結束的月份）。歸檔後案件唯讀，查閱須經批准。",
                "Archives the cases closed in that month (a month that is over). Archived cases are read only with an approved request.",
            )}</p>
            <div class="field">
                <label for="archive-month">{move || tr.t("月份", "月份", "Month")}</label>
                <input id="archive-month" type="month" data-testid="archive-month" required
                    prop:value=move || month.get() on:input=move |ev| month.set(event_target_value(&ev))/>
            </div>
            {move || outcome.get().map(|o| match o {
                Ok(n) => view! { <p class="notice-ok" role="status" data-testid="archive-result">{format!("{} {n}", tr.t("已归档案件：", "已歸檔案件：", "Cases archived:"))}</p> }.into_any(),
                Err(e) => view! { <p class="notice" role="alert" data-testid="archive-error">{e}</p> }.into_any(),
            })}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="archive-submit" disabled=move || busy.get()>
                    {move || tr.t("归档", "歸檔", "Archive")}
                </button>
            </div>
        </form>
    }
}

/// Asking for an archived case by its number, with a reason and for how many days.
#[component]
fn AskAccess(changed: RwSignal<u32>) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let (number, reason, days) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let days = days
            .get_untracked()
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=90).contains(d));
        let (number, reason) = (
            number.get_untracked().trim().to_string(),
            reason.get_untracked(),
        );
        let Some(days) = days.filter(|_| !number.is_empty() && !reason.trim().is_empty()) else {
            outcome.set(Some(Err(tr
                .t(
                    "请填写案件编号、理由和 1–90 天的期限。",
                    "請填寫案件編號、理由和 1–90 天的期限。",
                    "Give the case number, a reason and 1–90 days.",
                )
                .to_string())));
            return;
        };
        let Some(token) = app.token() else {
            return;
        };
        let request = NewAccessRequest {
            scope: None,
            number: Some(number),
            reason,
            days,
        };
        leptos::task::spawn_local(async move {
            let answer = api::request_access(&token, &request).await;
            let failed = answer.as_ref().err().map(|e| match e {
                api::ApiError::Refused { status: 404, .. } => tr
                    .t(
                        "没有这个编号的案件。",
                        "沒有這個編號的案件。",
                        "No case has that number.",
                    )
                    .to_string(),
                e => errors::api(tr, e),
            });
            outcome.set(Some(failed.map_or(Ok(()), Err)));
            changed.update(|n| *n += 1);
        });
    };
    view! {
        <form class="sheet-section" on:submit=ask aria-labelledby="archive-ask" data-testid="archive-ask">
            <h2 id="archive-ask">{move || tr.t("申请查阅归档案件", "申請查閱歸檔案件", "Ask to read an archived case")}</h2>
            <div class="grid-2">
                <div class="field">
                    <label for="ask-number">{move || tr.t("案件编号", "案件編號", "Case number")}</label>
                    <input id="ask-number" data-testid="ask-number" inputmode="numeric" required
                        prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="ask-days">{move || tr.t("期限（天，1–90）", "期限（天，1–90）", "For how many days (1–90)")}</label>
                    <input id="ask-days" data-testid="ask-days" type="number" min="1" max="90" required
                        prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev))/>
                </div>
            </div>
            <div class="field">
                <label for="ask-reason">{move || tr.t("理由", "理由", "Reason")}</label>
                <textarea id="ask-reason" data-testid="ask-reason" rows="3" required
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            </div>
            {move || outcome.get().map(|o| match o {
                Ok(()) => view! { <p class="notice-ok" role="status" data-testid="ask-sent">{tr.t("申请已提交，等待档案管理员审批。", "申請已提交，等待檔案管理員審批。", "Sent: an archivist decides.")}</p> }.into_any(),
                Err(e) => view! { <p class="notice" role="alert" data-testid="ask-error">{e}</p> }.into_any(),
            })}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="ask-submit">{move || tr.t("提交申请", "提交申請", "Ask")}</button>
            </div>
        </form>
    }
}

/// The status of a request in words.
fn status(tr: Tr, r: &AccessRequest) -> String {
    match r.status.as_str() {
        "pending" => tr.t("待审批", "待審批", "Waiting").into(),
        "approved" => {
            let until = r.until.unwrap_or_default();
            let words = if until > labels::now().0 {
                tr.t("已批准，有效至", "已批准，有效至", "Approved until")
            } else {
                tr.t("授权已结束于", "授權已結束於", "Grant ended")
            };
            format!(
                "{words} {}",
                labels::date_time(tr, tousu_shared::clock::Timestamp(until))
            )
        }
        "refused" => tr.t("已拒绝", "已拒絕", "Refused").into(),
        other => other.into(),
    }
}

/// One request; a pending one with the archivist's decision form.
#[component]
fn Request(request: AccessRequest, archivist: bool, changed: RwSignal<u32>) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let what = match (&request.scope, &request.number) {
        (_, Some(n)) => n.clone(),
        (GrantScope::Month { year, month }, _) => format!("{year:04}-{month:02}"),
        (GrantScope::Case { case }, None) => case.to_string(),
    };
    let pending = request.status == "pending";
    // An approved request is a grant while its time runs; an archivist may end it early.
    let active = request.status == "approved" && request.until.is_some_and(|u| u > labels::now().0);
    let (id, asked) = (request.id, request.days);
    let comment = RwSignal::new(String::new());
    let days = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let revoke = move |_| {
        let Some(token) = app.token() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::revoke_access(&token, id).await {
                Ok(()) => changed.update(|n| *n += 1),
                Err(e) => error.set(Some(errors::api(tr, &e))),
            }
        });
    };
    let decide = move |approve: bool| {
        let days = days.get_untracked();
        let days = match days.trim() {
            "" => None,
            d => match d.parse::<i64>().ok().filter(|d| (1..=asked).contains(d)) {
                Some(d) => Some(d),
                None => {
                    error.set(Some(format!(
                        "{} 1–{asked}",
                        tr.t("期限须为", "期限須為", "Days must be")
                    )));
                    return;
                }
            },
        };
        let comment = Some(comment.get_untracked()).filter(|c| !c.trim().is_empty());
        let Some(token) = app.token() else {
            return;
        };
        let decision = AccessDecision {
            approve,
            comment,
            days: days.filter(|_| approve),
        };
        leptos::task::spawn_local(async move {
            match api::decide_access(&token, id, &decision).await {
                Ok(()) => changed.update(|n| *n += 1),
                Err(e) => error.set(Some(errors::api(tr, &e))),
            }
        });
    };
    let shown = request.clone();
    let status_text = move || status(tr, &shown);
    let asked_days = move || format!("{asked} {}", tr.t("天", "天", "days"));
    let requester = app.account_name(&request.requester);
    view! {
        <li class="request" data-testid="request" data-status=request.status.clone()>
            <p><strong data-testid="request-what">{what}</strong>" · "{requester}" · "
                {asked_days}</p>
            <p class="muted">{request.reason.clone()}</p>
            <p data-testid="request-status">{status_text}
                {request.comment.clone().map(|c| format!(" — {c}"))}</p>
            {match (&request.scope, archivist, active) {
                (GrantScope::Case { case }, false, true) => Some(view! {
                    <div class="form-actions">
                        <a class="btn btn-primary" href=format!("/archive/cases/{case}") data-testid="open-granted">
                            {move || tr.t("打开（只读）", "打開（唯讀）", "Open (read only)")}
                        </a>
                    </div>
                }),
                _ => None,
            }}
            {(archivist && active).then(|| view! {
                {move || error.get().map(|e| view! { <p class="notice" role="alert">{e}</p> })}
                <div class="form-actions">
                    <button type="button" class="btn" data-testid="revoke" on:click=revoke>{move || tr.t("撤销授权", "撤銷授權", "Revoke the grant")}</button>
                </div>
            })}
            {(archivist && pending).then(|| view! {
                <div class="grid-2">
                    <div class="field">
                        <label for=format!("comment-{id}")>{move || tr.t("意见", "意見", "Comment")}</label>
                        <input id=format!("comment-{id}") data-testid="decision-comment"
                            prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for=format!("days-{id}")>{move || tr.t("批准天数（留空按申请）", "批准天數（留空按申請）", "Days approved (empty: as asked)")}</label>
                        <input id=format!("days-{id}") data-testid="decision-days" type="number" min="1" max=asked.to_string()
                            prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev))/>
                    </div>
                </div>
                {move || error.get().map(|e| view! { <p class="notice" role="alert">{e}</p> })}
                <div class="form-actions">
                    <button type="button" class="btn" data-testid="refuse" on:click=move |_| decide(false)>{move || tr.t("拒绝", "拒絕", "Refuse")}</button>
                    <button type="button" class="btn btn-primary" data-testid="approve" on:click=move |_| decide(true)>{move || tr.t("批准", "批准", "Approve")}</button>
                </div>
            })}
        </li>
    }
}
