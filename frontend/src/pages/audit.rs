//! `/audit`: the audit trail for its custodians, archivists and administrators (000 "檔案
//!管理員負責保管", DESIGN §9): every sign-in, denial, archive run, request, decision, read
//! and destruction, filtered by who, what, which case and when, with the result of the
//! hash-chain check over the whole trail. The trail is on the server: the screen needs a
//! connection.

use leptos::prelude::*;
use tousu_shared::{api::audit::AuditAnswer, clock::Timestamp};

use crate::{
    api,
    context::{server_read, use_app},
    errors,
    labels::{self, Tr, use_tr},
    platform,
};

/// The actions a filter offers, with their names.
const ACTIONS: &[(&str, [&str; 3])] = &[
    ("login", ["登录", "登入", "Sign-in"]),
    ("login_failed", ["登录失败", "登入失敗", "Failed sign-in"]),
    (
        "permission_denied",
        ["越权访问被拒", "越權存取被拒", "Access denied"],
    ),
    ("archive_run", ["月度归档", "月度歸檔", "Monthly archive"]),
    (
        "archive_request",
        ["查阅申请", "查閱申請", "Access request"],
    ),
    (
        "archive_request_approved",
        ["批准查阅", "批准查閱", "Access approved"],
    ),
    (
        "archive_request_refused",
        ["拒绝查阅", "拒絕查閱", "Access refused"],
    ),
    (
        "archive_grant_revoked",
        ["撤销授权", "撤銷授權", "Grant revoked"],
    ),
    (
        "archive_read",
        ["查阅归档案件", "查閱歸檔案件", "Archived case read"],
    ),
    (
        "destruction_proposed",
        ["提出销毁", "提出銷毀", "Destruction proposed"],
    ),
    (
        "destruction_approved",
        ["批准销毁", "批准銷毀", "Destruction approved"],
    ),
    (
        "destruction_refused",
        ["拒绝销毁", "拒絕銷毀", "Destruction refused"],
    ),
    ("destroy", ["销毁案件", "銷毀案件", "Case destroyed"]),
    (
        "admin_user_created",
        ["新建用户", "新增使用者", "User created"],
    ),
    (
        "admin_user_updated",
        ["修改用户", "修改使用者", "User changed"],
    ),
    (
        "admin_user_disabled",
        ["停用用户", "停用使用者", "User disabled"],
    ),
    (
        "admin_user_enabled",
        ["启用用户", "啟用使用者", "User enabled"],
    ),
    (
        "admin_password_reset",
        ["重置密码", "重設密碼", "Password reset"],
    ),
    (
        "password_changed",
        ["修改本人密码", "修改本人密碼", "Own password changed"],
    ),
    (
        "admin_department_saved",
        ["保存部门", "儲存部門", "Department saved"],
    ),
    (
        "admin_calendar_saved",
        ["保存日历", "儲存日曆", "Calendar saved"],
    ),
    (
        "admin_profile_applied",
        ["启用规程配置", "啟用規程配置", "Profile applied"],
    ),
    (
        "admin_kiosk_registered",
        ["登记自助终端", "登記自助終端", "Kiosk registered"],
    ),
    (
        "admin_kiosk_revoked",
        ["吊销自助终端", "吊銷自助終端", "Kiosk revoked"],
    ),
];

fn action_name(tr: Tr, action: &str) -> String {
    ACTIONS
        .iter()
        .find(|(a, _)| *a == action)
        .map_or_else(|| action.to_string(), |(_, n)| n[tr.index()].to_string())
}

/// Local midnight of a date input's `YYYY-MM-DD`, ms; a day later when `end`.
fn day_ms(text: &str, end: bool) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let date = js_sys::Date::new_with_year_month_day(y as u32, m - 1, d + i32::from(end));
    let ms = date.get_time();
    ms.is_finite().then_some(ms as i64)
}

/// `/audit`.
#[component]
pub fn AuditPage() -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let online = platform::use_online();
    let (actor, action, subject, from, to) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    // The query of the last search (set by the form; empty lists the newest rows).
    let query = RwSignal::new(String::new());
    let answer = server_read(move |token| {
        let q = query.get();
        async move { api::audit(&token, &q).await }
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let encode = |s: String| String::from(js_sys::encode_uri_component(s.trim()));
        let mut q = format!(
            "actor={}&action={}&subject={}",
            encode(actor.get_untracked()),
            encode(action.get_untracked()),
            encode(subject.get_untracked()),
        );
        if let Some(ms) = day_ms(&from.get_untracked(), false) {
            q.push_str(&format!("&from={ms}"));
        }
        if let Some(ms) = day_ms(&to.get_untracked(), true) {
            q.push_str(&format!("&to={ms}"));
        }
        query.set(q);
    };
    let people = move || {
        app.reference.with(|r| {
            r.people
                .iter()
                .map(|p| (p.id.to_string(), p.display_name.clone()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="page" data-testid="page-audit">
            <header class="page-head">
                <h1 class="page-title">{move || tr.t("审计记录", "稽核記錄", "Audit trail")}</h1>
            </header>
            <Show when=move || !online.get()>
                <p class="notice" role="status" data-testid="audit-offline">{move || tr.t(
                    "审计记录保存在服务器上：联网后才能查看。",
                    "稽核記錄保存在伺服器上：連網後才能查看。",
                    "The audit trail is kept on the server: it needs a connection.",
                )}</p>
            </Show>
            <form class="sheet-section" on:submit=search aria-label=move || tr.t("筛选", "篩選", "Filter") data-testid="audit-filters">
                <div class="filters">
                    <div class="field">
                        <label for="audit-actor">{move || tr.t("操作人", "操作人", "Who")}</label>
                        <select id="audit-actor" data-testid="audit-actor" on:change=move |ev| actor.set(event_target_value(&ev))>
                            <option value="">{move || tr.t("全部", "全部", "Anyone")}</option>
                            {move || people().into_iter().map(|(id, name)| view! { <option value=id.clone()>{name}</option> }).collect_view()}
                            <option value="system">{move || tr.t("系统", "系統", "The system")}</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="audit-action">{move || tr.t("操作", "操作", "What")}</label>
                        <select id="audit-action" data-testid="audit-action" on:change=move |ev| action.set(event_target_value(&ev))>
                            <option value="">{move || tr.t("全部", "全部", "Anything")}</option>
                            {ACTIONS.iter().map(|(a, n)| view! { <option value=*a>{move || n[tr.index()]}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="audit-subject">{move || tr.t("案件编号或对象", "案件編號或對象", "Case number or subject")}</label>
                        <input id="audit-subject" data-testid="audit-subject"
                            prop:value=move || subject.get() on:input=move |ev| subject.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="audit-from">{move || tr.t("起始日期", "起始日期", "From")}</label>
                        <input id="audit-from" type="date" data-testid="audit-from"
                            prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="audit-to">{move || tr.t("截止日期", "截止日期", "To")}</label>
                        <input id="audit-to" type="date" data-testid="audit-to"
                            prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/>
                    </div>
                    <button type="submit" class="btn btn-primary" data-testid="audit-submit">{move || tr.t("筛选", "篩選", "Filter")}</button>
                </div>
            </form>
            <Suspense fallback=move || view! { <p class="muted">{tr.t("正在读取…", "正在讀取…", "Loading…")}</p> }>
                {move || answer.get().flatten().map(|a| match a {
                    Err(e) => view! { <p class="notice" role="alert">{errors::api(tr, &e)}</p> }.into_any(),
                    Ok(a) => view! { <Trail answer=a/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// The chain's check and the rows.
#[component]
fn Trail(answer: AuditAnswer) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let chain = answer.chain.clone();
    let check = move || match chain.broken_at {
        None => format!(
            "{} {}{}",
            tr.t(
                "哈希链校验通过：审计记录完整，共",
                "雜湊鏈校驗通過：稽核記錄完整，共",
                "Hash chain intact: rows checked:"
            ),
            chain.rows,
            tr.t(" 条", " 條", ""),
        ),
        Some(seq) => format!(
            "{} {seq}",
            tr.t(
                "哈希链校验失败：审计记录被改动或删除，自第",
                "雜湊鏈校驗失敗：稽核記錄被改動或刪除，自第",
                "Hash chain broken: altered or removed rows from row",
            )
        ),
    };
    let intact = answer.chain.intact;
    let rows = answer.rows;
    view! {
        <p class=if intact { "notice-ok" } else { "notice" } role=if intact { "status" } else { "alert" }
            data-testid="audit-chain" data-intact=intact.to_string()>{check}</p>
        {if rows.is_empty() {
            view! { <p class="empty" data-testid="audit-empty">{move || tr.t("没有符合的记录。", "沒有符合的記錄。", "No row matches.")}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="table" data-testid="audit-table">
                        <thead><tr>
                            <th scope="col">{move || tr.t("时间", "時間", "When")}</th>
                            <th scope="col">{move || tr.t("操作人", "操作人", "Who")}</th>
                            <th scope="col">{move || tr.t("操作", "操作", "What")}</th>
                            <th scope="col">{move || tr.t("对象", "對象", "Subject")}</th>
                            <th scope="col">{move || tr.t("详情", "詳情", "Detail")}</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| {
                                let who = app.account_name(&r.actor);
                                let action = r.action.clone();
                                let count = (r.count > 1).then(|| format!(" ×{}", r.count));
                                view! {
                                    <tr data-testid="audit-row" data-action=r.action.clone()>
                                        <td>{move || labels::date_time(tr, Timestamp(r.at))}</td>
                                        <td>{who}</td>
                                        <td>{move || action_name(tr, &action)}{count}</td>
                                        <td class="mono">{r.subject.clone()}</td>
                                        <td class="mono">{(r.detail != "{}").then(|| r.detail.clone())}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
