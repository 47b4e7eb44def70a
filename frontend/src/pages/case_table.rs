//! The case list as a dense table for office desktops (issue 15 §4, UI.md "Office lists are
//! compact tables with sticky headers and sortable columns"): one line per case, the header
//! kept in view, each sortable column ordered by `shared::summary::sort_by_column`, over
//! 40 rows in view at 1920×1080. Tablets keep the card list.

use leptos::prelude::*;
use tousu_shared::{
    clock::Timestamp,
    event::CommandKind,
    summary::{CaseSummary, Column, sort_by_column},
};

use crate::{
    components::{due_chip, severity_chip, stage_chip},
    context::use_app,
    labels::{self, Tr, use_tr},
};

/// A case with the step this person owes on it (in the to-do view).
pub type TableRow = (CaseSummary, Option<CommandKind>);

const COLUMNS: [(Column, &str, [&str; 3]); 7] = [
    (Column::Number, "number", ["编号", "編號", "Number"]),
    (Column::Kind, "kind", ["类型", "類型", "Kind"]),
    (
        Column::Severity,
        "severity",
        ["紧急程度", "緊急程度", "Severity"],
    ),
    (Column::Stage, "stage", ["阶段", "階段", "Stage"]),
    (
        Column::Department,
        "department",
        ["责任部门", "責任部門", "Department"],
    ),
    (Column::Due, "due", ["时限", "時限", "Time limit"]),
    (
        Column::Received,
        "received",
        ["受理时间", "受理時間", "Received"],
    ),
];

/// The table over `rows` (already filtered, in the list's order), the first `shown` of them;
/// a click on a column's head orders by it, a second click reverses it.
#[component]
pub fn CaseTable(rows: Signal<Vec<TableRow>>, shown: Signal<usize>) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    // None: the order the filter bar chose.
    let order = RwSignal::new(None::<(Column, bool)>);
    let sorted = Memo::new(move |_| {
        let mut list = rows.get();
        if let Some((column, descending)) = order.get() {
            let name = |d: &tousu_shared::ids::DepartmentId| app.department_name(d);
            sort_by_column(&mut list, column, descending, &name, |(c, _)| c);
        }
        list
    });
    let head = move |(column, key, label): (Column, &'static str, [&'static str; 3])| {
        let state = move || order.get().filter(|(c, _)| *c == column).map(|(_, d)| d);
        view! {
            <th scope="col" aria-sort=move || match state() {
                None => "none",
                Some(false) => "ascending",
                Some(true) => "descending",
            }>
                <button type="button" class="th-sort" data-testid=format!("sort-{key}") on:click=move |_| {
                    order.update(|o| *o = match *o {
                        Some((c, d)) if c == column => Some((c, !d)),
                        _ => Some((column, false)),
                    });
                }>
                    {move || label[tr.index()]}
                    <span class="sort-mark" aria-hidden="true">{move || match state() {
                        None => "↕",
                        Some(false) => "↑",
                        Some(true) => "↓",
                    }}</span>
                </button>
            </th>
        }
    };
    view! {
        <table class="dense-table case-table" data-testid="case-table">
            <caption class="visually-hidden">{move || tr.t("案件列表（点击列标题排序）", "案件列表（點擊欄標題排序）", "Cases (select a column heading to sort)")}</caption>
            <colgroup>
                <col class="w-number"/><col class="w-kind"/><col class="w-severity"/><col class="w-stage"/>
                <col class="w-dept"/><col class="w-due"/><col class="w-name"/><col/><col class="w-received"/>
            </colgroup>
            <thead><tr>
                {COLUMNS[..6].iter().copied().map(head).collect_view()}
                <th scope="col">{move || tr.t("投诉人", "投訴人", "Complainant")}</th>
                <th scope="col">{move || tr.t("事由", "事由", "What happened")}</th>
                {head(COLUMNS[6])}
            </tr></thead>
            <tbody>
                {move || {
                    let now = labels::now();
                    sorted.with(|list| list.iter().take(shown.get()).map(|(c, owed)| table_row(tr, c, *owed, now)).collect_view())
                }}
            </tbody>
        </table>
    }
}

fn table_row(
    tr: Tr,
    c: &CaseSummary,
    owed: Option<CommandKind>,
    now: Timestamp,
) -> impl IntoView + use<> {
    let provisional = c.number.is_none();
    view! {
        <tr class:is-urgent=c.is_urgent() class:is-overdue=c.is_overdue(now) data-testid="case-table-row"
            data-owed=owed.map(|o| crate::forms::enum_str(&o))>
            <td><a href=format!("/cases/{}", c.id) class="case-label" class:is-provisional=provisional data-testid="case-label">{c.label()}</a></td>
            <td>{c.kind.map(|k| labels::kind(tr, k))}</td>
            <td>{severity_chip(tr, c.severity)}</td>
            <td>{stage_chip(tr, c.stage)}{owed.map(|o| view! { <span class="chip chip-next" data-testid="owed-step">{labels::command(tr, o)}</span> })}</td>
            <td>{c.department.as_ref().map(|d| use_app().department_name(d))}</td>
            <td>{due_chip(tr, c.next_due.map(|(_, d)| d), now)}</td>
            <td class="cell-clip">{c.complainant.clone()}</td>
            <td class="cell-clip">{c.excerpt.clone()}</td>
            <td>{c.received_at.map(|t| labels::date(tr, t))}</td>
        </tr>
    }
}
