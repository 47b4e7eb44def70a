//! `/appraisal`: 績效考核 per person or department for a period (issue 14 §5; 000 "將投訴處理
//! 情況納入工作人員的績效評估體系"): cases handled, on-time rate, average working days,
//! satisfaction, reopen rate and accountability records. Like the statistics, the lines come
//! from the device's rows at once and from the server when it answers, and say which.

use leptos::prelude::*;
use tousu_shared::{
    ids::{DepartmentId, UserId},
    stats::{self, APPRAISAL_HEADINGS, AppraisalBy, AppraisalLine, StatFilter, StatRow, StatScope},
};

use super::{
    export::ServerXlsx,
    parts::Source,
    picker::{PeriodError, PeriodFields, Picker},
};
use crate::{api, context::use_app, labels, platform, router::encode};

/// `/appraisal`.
#[component]
pub fn AppraisalPage(
    /// The period named in the address.
    period: Option<String>,
) -> impl IntoView {
    let app = use_app();
    let tr = labels::use_tr();
    let offset = labels::local_offset();
    let picker = Picker::new(period.as_deref());
    let period = picker.period;
    let by = RwSignal::new(AppraisalBy::Person);
    let scope = app
        .session
        .with_untracked(|s| s.as_ref().and_then(|s| StatScope::of(&s.principal())));
    let filter = scope
        .clone()
        .map(|s| s.narrow(StatFilter::default()))
        .unwrap_or_default();
    let summaries = app.summaries_resource();
    let device = Memo::new(move |_| {
        let p = period.get()?;
        let by = by.get();
        summaries.with(|all| {
            let rows: Vec<StatRow> = all
                .iter()
                .flat_map(|all| all.iter())
                .filter_map(|s| s.stat.clone())
                .collect();
            let lines = stats::appraisal(&rows, p, by, &filter, offset, labels::now());
            Some((lines, rows.len()))
        })
    });
    let online = platform::use_online();
    let server = LocalResource::new(move || {
        let (p, by, on) = (period.get(), by.get(), online.get());
        let token = app.session.with(|s| s.as_ref().map(|s| s.token.clone()));
        async move {
            let (p, token) = (p.filter(|_| on)?, token?);
            api::appraisal(&token, p, by).await.ok().map(|a| a.lines)
        }
    });
    let shown = move || match server.get().flatten() {
        Some(lines) => Some((lines, None)),
        None => device.get().map(|(lines, n)| (lines, Some(n))),
    };
    let name = move |key: &str| match by.get_untracked() {
        AppraisalBy::Person => UserId::parse(key)
            .map(|u| app.person_name(&u))
            .unwrap_or_else(|_| key.to_string()),
        AppraisalBy::Department => DepartmentId::parse(key)
            .map(|d| app.department_name(&d))
            .unwrap_or_else(|_| key.to_string()),
    };
    let row = move |l: AppraisalLine| {
        view! {
            <tr data-testid="appraisal-line">
                <th scope="row">{name(&l.key)}</th>
                {l.cells().map(|c| view! { <td>{c}</td> }).collect_view()}
            </tr>
        }
    };
    view! {
        <section class="page page-wide" data-testid="page-appraisal">
            <header class="page-head">
                <h1 class="page-title">{move || tr.t("绩效考核", "績效考核", "Appraisal")}</h1>
                <div class="exports">
                    <ServerXlsx path=Signal::derive(move || period.get().map(|p| format!("appraisal.xlsx?period={}&by={}", encode(&p.text()), if by.get() == AppraisalBy::Department { "department" } else { "person" })))
                        name=Signal::derive(move || format!("tousu-appraisal-{}.xlsx", period.get().map(|p| p.text().replace("..", "_")).unwrap_or_default()))
                        label=["导出 XLSX（服务器）", "匯出 XLSX（伺服器）", "XLSX (server)"] testid="export-appraisal"/>
                </div>
            </header>
            <div class="filter-bar" role="group" aria-label=move || tr.t("考核期间", "考核期間", "Period")>
                <PeriodFields picker=picker/>
                <label class="filter">
                    <span>{move || tr.t("按", "按", "By")}</span>
                    <select data-testid="appraisal-by" on:change=move |ev| by.set(if event_target_value(&ev) == "department" { AppraisalBy::Department } else { AppraisalBy::Person })>
                        <option value="person">{move || tr.t("人员", "人員", "Person")}</option>
                        <option value="department">{move || tr.t("部门", "部門", "Department")}</option>
                    </select>
                </label>
            </div>
            <PeriodError period=period/>
            {move || shown().map(|(lines, device_rows)| view! {
                <Source device_rows=device_rows scope=scope.clone()/>
                {lines.is_empty().then(|| view! {
                    <p class="empty" data-testid="appraisal-empty">{tr.t(
                        "该期间受理的案件还没有人办理。",
                        "該期間受理的案件還沒有人辦理。",
                        "Nobody has handled a case received in this period yet.",
                    )}</p>
                })}
                <div class="table-scroll">
                    <table class="dense-table" data-testid="appraisal-table">
                        <thead><tr>{APPRAISAL_HEADINGS.map(|h| view! { <th scope="col">{tr.w(h)}</th> }).collect_view()}</tr></thead>
                        <tbody>{lines.into_iter().map(row).collect_view()}</tbody>
                    </table>
                </div>
            })}
        </section>
    }
}
