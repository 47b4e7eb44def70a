//! `/stats/revisits?period=…` and `/stats/accountability?period=…`: the printed summaries of a
//! period (issue 14 §4) from the cases on this device, by the shared rule: the revisits (004
//! "回訪內容主要包括對處理結果的滿意度、對公司改進措施的建議等") and, for supervisors only, the
//! accountability decisions with their appeals (000 八、責任追究).

use leptos::prelude::*;
use tousu_shared::{
    number::provisional_label,
    reports::{AppealState, accountability_summary, revisit_summary},
    summary::CaseSummary,
    view::CaseView,
};

use super::picker::{PeriodError, PeriodFields, Picker};
use crate::{
    context::{App, use_app},
    labels::{self, Tr, use_tr},
    store::CaseStore as _,
};
use tousu_shared::stats::Period;

/// The cases on this device whose summary `wanted`, folded, in the order received.
pub(crate) async fn local_views(
    app: App,
    wanted: impl Fn(&CaseSummary) -> bool,
) -> Option<Vec<CaseView>> {
    let store = app.user_store()?;
    let mut found: Vec<CaseSummary> = app
        .summaries()
        .await?
        .iter()
        .filter(|s| wanted(s))
        .cloned()
        .collect();
    found.sort_by_key(|s| (s.received_at, s.id));
    let mut views = Vec::with_capacity(found.len());
    for s in found {
        let events = store.case_events(s.id).await.ok()?;
        views.push(tousu_shared::fold::fold(s.id, &events));
    }
    Some(views)
}

/// What a period's screen shows of the cases on this device, re-read when the period or the
/// local data change: the cases whose summary is `wanted` (given the period and the local
/// offset), folded, made into what the screen shows.
pub(crate) fn period_resource<T: 'static>(
    app: App,
    period: Memo<Option<Period>>,
    wanted: fn(&CaseSummary, Period, i32) -> bool,
    make: fn(Vec<CaseView>, Period, i32) -> T,
) -> LocalResource<Option<T>> {
    LocalResource::new(move || {
        let p = period.get();
        app.revision.get();
        async move {
            let p = p?;
            let offset = labels::local_offset();
            let views = local_views(app, |s| wanted(s, p, offset)).await?;
            Some(make(views, p, offset))
        }
    })
}

/// The page around a summary: title, print, period, the device's cases said plainly.
#[component]
fn SummaryPage(
    title: tousu_shared::words::Words,
    testid: &'static str,
    picker: Picker,
    children: Children,
) -> impl IntoView {
    let tr = use_tr();
    view! {
        <section class="page page-wide" data-testid=testid>
            <header class="page-head no-print">
                <h1 class="page-title">{move || tr.w(title)}</h1>
                <button type="button" class="btn" data-testid="print-summary" on:click=move |_| { let _ = window().print(); }>
                    {move || tr.t("打印", "列印", "Print")}
                </button>
            </header>
            <div class="filter-bar no-print" role="group" aria-label=move || tr.t("统计期间", "統計期間", "Period")>
                <PeriodFields picker=picker/>
            </div>
            <PeriodError period=picker.period/>
            <h1 class="print-only">{move || tr.w(title)}</h1>
            <p class="stats-source" data-testid="summary-source">{move || tr.t(
                "本设备上的案件，按日期排列。",
                "本裝置上的案件，按日期排列。",
                "The cases on this device, by date.",
            )}</p>
            {children()}
        </section>
    }
}

fn number(
    view_number: Option<tousu_shared::number::CaseNumber>,
    id: tousu_shared::ids::CaseId,
) -> String {
    view_number.map_or_else(|| provisional_label(id), |n| n.to_string())
}

fn heads<const N: usize>(tr: Tr, words: [tousu_shared::words::Words; N]) -> impl IntoView {
    let cells = words
        .map(|h| view! { <th scope="col">{tr.w(h)}</th> })
        .collect_view();
    view! { <thead><tr>{cells}</tr></thead> }
}

/// `/stats/revisits`.
#[component]
pub fn RevisitSummaryPage(
    /// The period named in the address.
    period: Option<String>,
) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let picker = Picker::new(period.as_deref());
    let period = picker.period;
    let summary = period_resource(
        app,
        period,
        |s, _, _| s.stat.as_ref().is_some_and(|r| r.satisfaction.is_some()),
        |views, p, offset| revisit_summary(&views, p, offset),
    );
    let head = [
        ["编号", "編號", "Number"],
        ["回访日期", "回訪日期", "Revisited"],
        ["投诉类别", "投訴類別", "Category"],
        ["责任部门", "責任部門", "Department"],
        ["方式", "方式", "Method"],
        ["满意度", "滿意度", "Satisfaction"],
        [
            "客户意见与建议",
            "客戶意見與建議",
            "What the complainant said",
        ],
    ];
    view! {
        <SummaryPage title=["回访汇总", "回訪匯總", "Revisit summary"] testid="page-revisit-summary" picker=picker>
            <Transition fallback=|| ()>
                {move || summary.get().flatten().map(|s| {
                    let [sat, partly, not] = s.satisfaction;
                    let [phone, site, form] = s.methods;
                    let totals = format!(
                        "{} {} · {} {sat} · {} {partly} · {} {not} · {} {phone} · {} {site} · {} {form}",
                        tr.t("回访", "回訪", "Revisits"),
                        s.lines.len(),
                        labels::satisfaction(tr, tousu_shared::model::Satisfaction::Satisfied),
                        labels::satisfaction(tr, tousu_shared::model::Satisfaction::PartlySatisfied),
                        labels::satisfaction(tr, tousu_shared::model::Satisfaction::NotSatisfied),
                        labels::revisit_method(tr, tousu_shared::model::RevisitMethod::Phone),
                        labels::revisit_method(tr, tousu_shared::model::RevisitMethod::OnSite),
                        labels::revisit_method(tr, tousu_shared::model::RevisitMethod::Questionnaire),
                    );
                    view! {
                        <p class="summary-totals" data-testid="revisit-totals">{totals}</p>
                        <div class="table-scroll">
                            <table class="dense-table text-table" data-testid="revisit-table">
                                {heads(tr, head)}
                                <tbody>{s.lines.into_iter().map(|l| view! {
                                    <tr data-testid="revisit-line">
                                        <td>{number(l.number, l.case)}</td>
                                        <td>{labels::date(tr, l.at)}</td>
                                        <td>{l.category.as_ref().map(|c| app.category_name(tr, c))}</td>
                                        <td>{l.department.as_ref().map(|d| app.department_name(d))}</td>
                                        <td>{labels::revisit_method(tr, l.method)}</td>
                                        <td>{labels::satisfaction(tr, l.satisfaction)}</td>
                                        <td>{l.comment}</td>
                                    </tr>
                                }).collect_view()}</tbody>
                            </table>
                        </div>
                    }
                })}
            </Transition>
        </SummaryPage>
    }
}

/// `/stats/accountability`: supervisors only (the menu offers it to no one else and the
/// device of anyone else holds only the records about themselves).
#[component]
pub fn AccountabilitySummaryPage(
    /// The period named in the address.
    period: Option<String>,
) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let picker = Picker::new(period.as_deref());
    let period = picker.period;
    let summary = period_resource(
        app,
        period,
        |s, _, _| {
            s.stat.as_ref().is_some_and(|r| {
                !r.accountable_people.is_empty() || !r.accountable_departments.is_empty()
            })
        },
        |views, p, offset| accountability_summary(&views, p, offset),
    );
    let head = [
        ["编号", "編號", "Number"],
        ["决定日期", "決定日期", "Decided"],
        ["责任人 / 部门", "責任人 / 部門", "Held responsible"],
        ["责任类型", "責任類型", "Responsibility"],
        ["处理措施", "處理措施", "Measure"],
        ["罚款（元）", "罰款（元）", "Fine (yuan)"],
        ["申诉", "申訴", "Appeal"],
    ];
    let appeal = move |a: AppealState| match a {
        AppealState::None => "",
        AppealState::Filed => tr.t("已申诉，待决定", "已申訴，待決定", "Appealed, pending"),
        AppealState::Upheld => tr.t("申诉成立，已撤销", "申訴成立，已撤銷", "Upheld: lifted"),
        AppealState::Dismissed => tr.t("申诉驳回", "申訴駁回", "Dismissed"),
    };
    view! {
        <SummaryPage title=["责任追究汇总", "責任追究匯總", "Accountability summary"] testid="page-accountability-summary" picker=picker>
            <Transition fallback=|| ()>
                {move || summary.get().flatten().map(|s| {
                    let measures = s
                        .measures
                        .iter()
                        .map(|(m, n)| format!("{} {n}", labels::measure(tr, *m)))
                        .collect::<Vec<_>>()
                        .join(" · ");
                    let measures = if measures.is_empty() { String::new() } else { format!(" · {measures}") };
                    let totals = format!(
                        "{} {}{measures} · {} {} / {} · {} ¥{}.{:02}",
                        tr.t("决定", "決定", "Decisions"),
                        s.lines.len(),
                        tr.t("申诉 / 成立", "申訴 / 成立", "Appealed / upheld"),
                        s.appealed,
                        s.upheld,
                        tr.t("罚款合计", "罰款合計", "Fines"),
                        s.fines_fen / 100,
                        s.fines_fen % 100,
                    );
                    view! {
                        <p class="summary-totals" data-testid="accountability-totals">{totals}</p>
                        <div class="table-scroll">
                            <table class="dense-table text-table" data-testid="accountability-table">
                                {heads(tr, head)}
                                <tbody>{s.lines.into_iter().map(|l| view! {
                                    <tr data-testid="accountability-line">
                                        <td>{number(l.number, l.case)}</td>
                                        <td>{labels::date(tr, l.at)}</td>
                                        <td>{app.responsible_name(&l.record)}</td>
                                        <td>{labels::responsibility(tr, l.record.responsibility)}</td>
                                        <td>{labels::measure(tr, l.record.measure)}</td>
                                        <td>{l.record.amount.map(|m| m.yuan())}</td>
                                        <td>{appeal(l.appeal)}</td>
                                    </tr>
                                }).collect_view()}</tbody>
                            </table>
                        </div>
                    }
                })}
            </Transition>
        </SummaryPage>
    }
}
