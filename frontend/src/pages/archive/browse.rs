//! Browsing the archive (004 "按編號歸檔"): an archivist finds archived cases by the month
//! they closed in and by number, and sees only their number, category and dates; reading a
//! case still takes an approved request.

use leptos::prelude::*;
use tousu_shared::clock::Timestamp;

use super::destruction::category_name;
use crate::{
    api,
    context::use_app,
    errors,
    labels::{self, use_tr},
};

/// The archive browser: a month and a number (or its first digits), then a table.
#[component]
pub fn Browse() -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let month = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let found =
        RwSignal::new(None::<Result<Vec<tousu_shared::api::archive::ArchivedCase>, String>>);
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = app.token() else {
            return;
        };
        let encode = |s: String| String::from(js_sys::encode_uri_component(s.trim()));
        let query = format!(
            "month={}&number={}",
            encode(month.get_untracked()),
            encode(number.get_untracked())
        );
        leptos::task::spawn_local(async move {
            let answer = api::archived_cases(&token, &query).await;
            found.set(Some(answer.map_err(|e| errors::api(tr, &e))));
        });
    };
    let date =
        move |t: Option<i64>| t.map_or_else(|| "—".into(), |t| labels::date(tr, Timestamp(t)));
    view! {
        <form class="sheet-section" on:submit=search aria-labelledby="archive-browse" data-testid="archive-browse">
            <h2 id="archive-browse">{move || tr.t("查找归档案件", "查找歸檔案件", "Find archived cases")}</h2>
            <p class="hint">{move || tr.t(
                "按结案月份或编号查找；这里只显示编号、类别和日期，查阅内容须经批准。",
                "按結案月份或編號查找；這裡只顯示編號、類別和日期，查閱內容須經批准。",
                "By the month cases closed in or by number; only numbers, categories and dates are shown: reading a case needs an approved request.",
            )}</p>
            <div class="filters">
                <div class="field">
                    <label for="browse-month">{move || tr.t("结案月份", "結案月份", "Closed in")}</label>
                    <input id="browse-month" type="month" data-testid="browse-month"
                        prop:value=move || month.get() on:input=move |ev| month.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="browse-number">{move || tr.t("编号", "編號", "Number")}</label>
                    <input id="browse-number" inputmode="numeric" data-testid="browse-number"
                        prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev))/>
                </div>
                <button type="submit" class="btn" data-testid="browse-submit">{move || tr.t("查找", "查找", "Find")}</button>
            </div>
            {move || found.get().map(|answer| match answer {
                Err(e) => view! { <p class="notice" role="alert">{e}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! {
                    <p class="empty" data-testid="browse-empty">{tr.t("没有符合的归档案件。", "沒有符合的歸檔案件。", "No archived case matches.")}</p>
                }.into_any(),
                Ok(list) => view! {
                    <div class="table-scroll">
                        <table class="table" data-testid="browse-table">
                            <thead><tr>
                                <th scope="col">{tr.t("编号", "編號", "Number")}</th>
                                <th scope="col">{tr.t("类别", "類別", "Category")}</th>
                                <th scope="col">{tr.t("受理", "受理", "Received")}</th>
                                <th scope="col">{tr.t("结案", "結案", "Closed")}</th>
                                <th scope="col">{tr.t("归档", "歸檔", "Archived")}</th>
                                <th scope="col">{tr.t("保管期至", "保管期至", "Kept until")}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| view! {
                                    <tr data-testid="browse-row">
                                        <td>{c.number.clone().unwrap_or_default()}
                                            {c.destroyed.map(|_| format!(" ({})", tr.t("已销毁", "已銷毀", "destroyed")))}</td>
                                        <td>{category_name(tr, c.category.as_deref())}</td>
                                        <td>{date(c.received)}</td>
                                        <td>{date(c.closed)}</td>
                                        <td>{date(Some(c.archived))}</td>
                                        <td>{date(Some(c.retention_over))}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            })}
        </form>
    }
}
