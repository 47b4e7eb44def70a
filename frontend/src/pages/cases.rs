//! The case list: filters, sort, counts and SLA chips over every case on this device, with the
//! shared filter and the order the user chose (urgent first unless they choose otherwise).

use leptos::prelude::*;
use tousu_shared::{
    access::Role,
    event::Actor,
    model::{CaseKind, Severity, Stage},
    stats::Drill,
    summary::{CaseFilter, CaseSort, CaseSummary, query},
};

use crate::{
    components::{due_chip, severity_chip, stage_chip},
    context::use_app,
    forms::enum_str,
    labels::{self, use_tr},
};

/// Rows rendered at first; more on request (the filter runs over all of them).
const PAGE_ROWS: usize = 100;

fn parse<T: serde::de::DeserializeOwned>(raw: &str) -> Option<T> {
    crate::forms::enum_parse(raw)
}

/// The list; with a `drill`, only the cases behind one bar of the statistics.
#[component]
pub fn CasesPage(
    /// The statistics group whose cases to list.
    #[prop(optional_no_strip)]
    drill: Option<(Drill, Option<u32>)>,
    /// Open as "my to-do" (`/todo`): only the cases waiting for this person's step.
    #[prop(optional)]
    to_do: bool,
) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let summaries = app.summaries_resource();
    let (stage, set_stage) = signal(String::new());
    let (kind, set_kind) = signal(String::new());
    let (severity, set_severity) = signal(String::new());
    let (overdue, set_overdue) = signal(false);
    let (mine, set_mine) = signal(false);
    let (todo_only, set_todo_only) = signal(to_do);
    let me = StoredValue::new(
        app.session
            .with_untracked(|s| s.as_ref().map(|s| s.principal())),
    );
    // The step this person owes on a case, when the to-do view is on.
    let owed = move |c: &CaseSummary| {
        me.with_value(|m| m.as_ref().and_then(|p| tousu_shared::todo::owed(p, c)))
    };
    // Open cases first for those who work them; an archivist's cases are all closed.
    let works_open = app.session.with_untracked(|s| {
        s.as_ref().is_some_and(|s| {
            s.user
                .roles
                .iter()
                .any(|r| !matches!(r, Role::Archivist | Role::Admin))
        })
    });
    let (open_only, set_open_only) = signal(works_open && drill.is_none());
    let (text, set_text) = signal(String::new());
    let (category, set_category) = signal(String::new());
    let (department, set_department) = signal(String::new());
    let (sort, set_sort) = signal(String::from("urgent"));
    let (shown, set_shown) = signal(PAGE_ROWS);
    // Office desktops read a dense table; tablets keep the cards (either may switch).
    #[cfg(feature = "office")]
    let table_view = RwSignal::new(
        web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|w| w.as_f64())
            .is_some_and(|w| w >= 1440.0),
    );

    let filter = Memo::new(move |_| CaseFilter {
        stage: parse(&stage.get()),
        open_only: open_only.get(),
        kind: parse(&kind.get()),
        severity: parse(&severity.get()),
        category: tousu_shared::ids::CategoryId::parse(&category.get()).ok(),
        department: tousu_shared::ids::DepartmentId::parse(&department.get()).ok(),
        overdue: overdue.get(),
        registered_by: mine
            .get()
            .then(|| {
                app.session
                    .with(|s| s.as_ref().map(|s| Actor::User(s.user.id.clone())))
            })
            .flatten(),
        text: text.get(),
    });
    let drilling = drill.clone();
    let rows = Memo::new(move |_| {
        let drill = &drilling;
        let all = summaries.get().unwrap_or_default();
        let now = labels::now();
        let sort: CaseSort = parse(&sort.get()).unwrap_or_default();
        let f = filter.get();
        #[cfg(not(feature = "office"))]
        let drilled = |_: &CaseSummary| drill.is_none();
        #[cfg(feature = "office")]
        let offset = labels::local_offset();
        #[cfg(feature = "office")]
        let drilled = |c: &CaseSummary| {
            drill
                .as_ref()
                .is_none_or(|(d, _)| c.stat.as_ref().is_some_and(|row| d.admits(row, offset)))
        };
        let total = all.len();
        let matching: Vec<CaseSummary> = query(&all, &f, sort, now)
            .into_iter()
            .filter(|c| drilled(c))
            .filter(|c| !todo_only.get() || owed(c).is_some())
            .cloned()
            .collect();
        (total, matching)
    });

    let select = move |label: &'static str,
                       testid: &'static str,
                       value: ReadSignal<String>,
                       set: WriteSignal<String>,
                       options: Signal<Vec<(String, String)>>| {
        view! {
            <label class="filter">
                <span>{label}</span>
                <select data-testid=testid prop:value=value on:change=move |ev| set.set(event_target_value(&ev))>
                    <option value="">{move || tr.t("全部", "全部", "All")}</option>
                    {move || options.get().into_iter().map(|(v, t)| view! { <option value=v>{t}</option> }).collect_view()}
                </select>
            </label>
        }
    };
    let stages = Signal::derive(move || {
        Stage::ALL
            .iter()
            .map(|s| (enum_str(s), labels::stage(tr, *s).to_string()))
            .collect()
    });
    let kinds = Signal::derive(move || {
        [
            CaseKind::Complaint,
            CaseKind::Suggestion,
            CaseKind::Consultation,
        ]
        .iter()
        .map(|k| (enum_str(k), labels::kind(tr, *k).to_string()))
        .collect()
    });
    let categories = Signal::derive(move || app.category_options(tr));
    let departments = Signal::derive(move || {
        app.reference.with(|r| {
            r.catalog
                .departments
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone()))
                .collect()
        })
    });
    let severities = Signal::derive(move || {
        [
            Severity::UrgentMajor,
            Severity::Important,
            Severity::General,
        ]
        .iter()
        .map(|s| (enum_str(s), labels::severity(tr, *s).to_string()))
        .collect()
    });

    #[cfg(feature = "office")]
    let (view_switch, table, cards_hidden) = {
        let segment = move |on: bool, testid: &'static str, label: [&'static str; 3]| {
            view! {
                <button type="button" class="seg" data-testid=testid
                    aria-pressed=move || (table_view.get() == on).to_string()
                    on:click=move |_| table_view.set(on)>{move || label[tr.index()]}</button>
            }
        };
        let switch = view! {
            <div class="segmented view-switch" role="group" aria-label=move || tr.t("显示方式", "顯示方式", "Show as")>
                {segment(false, "view-cards", ["卡片", "卡片", "Cards"])}
                {segment(true, "view-table", ["表格", "表格", "Table"])}
            </div>
        };
        let table_rows = Signal::derive(move || {
            let to_do = todo_only.get();
            rows.with(|(_, m)| {
                m.iter()
                    .map(|c| (c.clone(), if to_do { owed(c) } else { None }))
                    .collect::<Vec<_>>()
            })
        });
        let table = move || {
            table_view.get().then(|| {
                view! { <crate::pages::case_table::CaseTable rows=table_rows shown=Signal::from(shown)/> }
            })
        };
        (Some(switch), table, move || table_view.get())
    };
    #[cfg(not(feature = "office"))]
    let (view_switch, table, cards_hidden) = (None::<()>, (), || false);
    #[cfg(feature = "office")]
    let drill_banner = drill.map(|(drill, counted)| {
        let shown = Signal::derive(move || rows.with(|(_, m)| m.len()));
        view! { <crate::pages::stats::DrillBanner drill=drill counted=counted shown=shown/> }
    });
    #[cfg(not(feature = "office"))]
    let drill_banner = drill.map(|_| ());
    view! {
        <section class="page" data-testid="page-cases">
            <header class="page-head">
                <h1 class="page-title">{move || if todo_only.get() {
                    tr.t("我的待办", "我的待辦", "My to-do")
                } else {
                    tr.t("案件", "案件", "Cases")
                }}</h1>
                <Show when=move || app.menu().intake>
                    <a href="/intake" class="btn btn-primary" data-testid="new-case">
                        {move || tr.t("＋ 新登记", "＋ 新登記", "+ New")}
                    </a>
                </Show>
            </header>
            {drill_banner}
            <div class="filter-bar" role="search">
                <label class="filter filter-text">
                    <span class="visually-hidden">{move || tr.t("搜索", "搜尋", "Search")}</span>
                    <input
                        type="search"
                        data-testid="filter-text"
                        placeholder=move || tr.t("搜索编号、投诉人、电话、内容", "搜尋編號、投訴人、電話、內容", "Search number, complainant, phone, content")
                        prop:value=text
                        on:input=move |ev| set_text.set(event_target_value(&ev))
                    />
                </label>
                {move || select(tr.t("阶段", "階段", "Stage"), "filter-stage", stage, set_stage, stages)}
                {move || select(tr.t("类型", "類型", "Kind"), "filter-kind", kind, set_kind, kinds)}
                {move || select(tr.t("紧急程度", "緊急程度", "Severity"), "filter-severity", severity, set_severity, severities)}
                {move || select(tr.t("类别", "類別", "Category"), "filter-category", category, set_category, categories)}
                {move || select(tr.t("责任部门", "責任部門", "Department"), "filter-department", department, set_department, departments)}
                <label class="filter filter-check">
                    <input type="checkbox" data-testid="filter-open" prop:checked=open_only
                        on:change=move |ev| set_open_only.set(event_target_checked(&ev))/>
                    <span>{move || tr.t("仅未结案", "僅未結案", "Open only")}</span>
                </label>
                <label class="filter filter-check">
                    <input type="checkbox" data-testid="filter-overdue" prop:checked=overdue
                        on:change=move |ev| set_overdue.set(event_target_checked(&ev))/>
                    <span>{move || tr.t("已超时", "已逾時", "Overdue")}</span>
                </label>
                <label class="filter filter-check">
                    <input type="checkbox" data-testid="filter-mine" prop:checked=mine
                        on:change=move |ev| set_mine.set(event_target_checked(&ev))/>
                    <span>{move || tr.t("我登记的", "我登記的", "Mine")}</span>
                </label>
                <label class="filter filter-check">
                    <input type="checkbox" data-testid="filter-todo" prop:checked=todo_only
                        on:change=move |ev| set_todo_only.set(event_target_checked(&ev))/>
                    <span>{move || tr.t("待我处理", "待我處理", "Waiting for me")}</span>
                </label>
                <label class="filter">
                    <span>{move || tr.t("排序", "排序", "Sort")}</span>
                    <select data-testid="sort" prop:value=sort on:change=move |ev| set_sort.set(event_target_value(&ev))>
                        <option value="urgent">{move || tr.t("紧急优先", "緊急優先", "Urgent first")}</option>
                        <option value="due_time">{move || tr.t("到期时间", "到期時間", "Due time")}</option>
                        <option value="severity">{move || tr.t("紧急程度", "緊急程度", "Severity")}</option>
                        <option value="newest">{move || tr.t("最新受理", "最新受理", "Newest")}</option>
                    </select>
                </label>
            </div>
            <p class="counts" role="status" aria-live="polite" data-testid="case-count">
                {move || {
                    let (total, matching) = rows.get();
                    match tr.locale() {
                        crate::i18n::Locale::en => format!("{} of {} cases", matching.len(), total),
                        _ => format!(
                            "共 {} 件，{} {} 件",
                            total,
                            tr.t("显示", "顯示", ""),
                            matching.len()
                        ),
                    }
                }}
            </p>
            {view_switch}
            <Show
                when=move || summaries.with(Option::is_some)
                fallback=move || view! { <p>{move || tr.t("正在读取…", "正在讀取…", "Loading…")}</p> }
            >
                {table}
                <Show when=move || !cards_hidden()>
                <ul class="case-list" data-testid="case-list">
                    {move || {
                        let now = labels::now();
                        let (_, matching) = rows.get();
                        matching
                            .into_iter()
                            .take(shown.get())
                            .map(|c| {
                                let owed = if todo_only.get() { owed(&c) } else { None };
                                case_row(tr, c, now, owed)
                            })
                            .collect_view()
                    }}
                </ul>
                </Show>
                <Show when=move || rows.with(|(_, m)| m.len() > shown.get())>
                    <button class="btn" data-testid="show-more" on:click=move |_| set_shown.update(|n| *n += PAGE_ROWS)>
                        {move || tr.t("显示更多", "顯示更多", "Show more")}
                    </button>
                </Show>
                <Show when=move || rows.with(|(_, m)| m.is_empty())>
                    <p class="empty" data-testid="no-cases">{move || tr.t("没有符合条件的案件。", "沒有符合條件的案件。", "No cases match.")}</p>
                </Show>
            </Show>
        </section>
    }
}

/// One row; `owed`, the step this person owes on it (shown as the row's next step).
fn case_row(
    tr: labels::Tr,
    c: CaseSummary,
    now: tousu_shared::clock::Timestamp,
    owed: Option<tousu_shared::event::CommandKind>,
) -> impl IntoView {
    let label = c.label();
    let provisional = c.number.is_none();
    let urgent = c.is_urgent();
    let overdue = c.is_overdue(now);
    let href = format!("/cases/{}", c.id);
    view! {
        <li class="case-row" class:is-urgent=urgent class:is-overdue=overdue data-testid="case-row" data-received=c.received_at.map(|t| t.0)
            data-owed=owed.map(|o| enum_str(&o))>
            <a href=href class="case-link">
                <span class="case-label" class:is-provisional=provisional data-testid="case-label">{label}</span>
                <span class="case-kind">{c.kind.map(|k| labels::kind(tr, k))}</span>
                {severity_chip(tr, c.severity)}
                {stage_chip(tr, c.stage)}
                {owed.map(|o| view! { <span class="chip chip-next" data-testid="owed-step">{format!("{} {}", tr.t("待我：", "待我：", "For me:"), labels::command(tr, o))}</span> })}
                {due_chip(tr, c.next_due.map(|(_, d)| d), now)}
                {(c.n_conflicts > 0).then(|| view! {
                    <span class="chip chip-conflict">"! " {tr.t("有冲突", "有衝突", "conflict")}</span>
                })}
                <span class="case-excerpt">{c.complainant.clone().map(|n| format!("{n} · "))}{c.excerpt.clone()}</span>
                <span class="case-dept">{c.department.as_ref().map(|d| crate::context::use_app().department_name(d))}</span>
            </a>
        </li>
    }
}
