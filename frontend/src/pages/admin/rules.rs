//! The regulation profile in force, edited (issue 15 §3): its clocks, its options, its
//! categories with sub-items and its causes ([`super::catalog`]). The edit is a draft on this
//! screen until it is put in force; every value shows its source (the seed's words), and a
//! changed value takes the basis the administrator gives (`shared::profile_edit::stamped`).
//! The server checks the whole profile again (clocks consistent on the calendar, sources,
//! version) and devices get it with the reference data; cases already registered keep the
//! rules they started under.

use leptos::prelude::*;
use tousu_shared::{
    profile::{Clocks, Profile, ProfileError, Sourced},
    profile_edit::{EditProblem, stamped},
    sla::Limit,
};

use super::{catalog, refusal};
use crate::{
    api,
    context::{server_read, use_app},
    labels::{Tr, date_time, names, use_tr},
    platform,
};

/// A clock's number and unit, as the form shows them.
fn limit_parts(l: Limit) -> (u32, &'static str) {
    match l {
        Limit::Minutes(n) => (n, "minutes"),
        Limit::Hours(n) => (n, "hours"),
        Limit::CalendarDays(n) => (n, "calendar_days"),
        Limit::WorkingDays(n) => (n, "working_days"),
    }
}

fn limit_from(n: u32, unit: &str) -> Limit {
    match unit {
        "minutes" => Limit::Minutes(n),
        "hours" => Limit::Hours(n),
        "calendar_days" => Limit::CalendarDays(n),
        _ => Limit::WorkingDays(n),
    }
}

type ClockOf = (
    [&'static str; 3],
    &'static str,
    fn(&Clocks) -> &Sourced<Limit>,
    fn(&mut Clocks) -> &mut Sourced<Limit>,
);

macro_rules! clock {
    ($field:ident, $names:expr) => {
        (
            $names,
            stringify!($field),
            |c: &Clocks| &c.$field,
            |c: &mut Clocks| &mut c.$field,
        )
    };
}

const CLOCKS: [ClockOf; 9] = [
    clock!(register, ["登记", "登記", "Registration"]),
    clock!(dispatch, ["派单", "派單", "Dispatch"]),
    clock!(
        preliminary_opinion,
        ["部门初步意见", "部門初步意見", "Department's opinion"]
    ),
    clock!(review, ["审核", "審核", "Review"]),
    clock!(
        feedback,
        ["答复投诉人", "答覆投訴人", "Answer to the complainant"]
    ),
    clock!(whole_case, ["整体时限", "整體時限", "Whole case"]),
    clock!(
        whole_case_special,
        [
            "特殊情况整体时限",
            "特殊情況整體時限",
            "Whole case, special cases"
        ]
    ),
    clock!(consultation, ["咨询答复", "諮詢答覆", "Consultations"]),
    clock!(revisit, ["回访", "回訪", "Revisit"]),
];

type OptionOf = (
    [&'static str; 3],
    &'static str,
    fn(&Profile) -> &Sourced<bool>,
    fn(&mut Profile) -> &mut Sourced<bool>,
);

macro_rules! option {
    ($($path:ident).+, $names:expr, $id:literal) => {
        ($names, $id, |p: &Profile| &p.$($path).+, |p: &mut Profile| &mut p.$($path).+)
    };
}

const OPTIONS: [OptionOf; 7] = [
    option!(
        workflow.short_path,
        [
            "一般性投诉可直接处理（不经方案审批）",
            "一般性投訴可直接處理（不經方案審批）",
            "General cases handled directly, without plan approval"
        ],
        "short-path"
    ),
    option!(
        workflow.unfounded_feedback,
        [
            "责任不在本单位时可直接解释答复",
            "責任不在本單位時可直接解釋答覆",
            "Unfounded complaints answered with an explanation"
        ],
        "unfounded-feedback"
    ),
    option!(
        workflow.supplement_pause,
        [
            "投诉人补充材料期间暂停计时",
            "投訴人補充材料期間暫停計時",
            "Clocks pause while the complainant completes the record"
        ],
        "supplement-pause"
    ),
    option!(
        workflow.rectification,
        [
            "跟踪整改措施",
            "跟蹤整改措施",
            "Rectification measures tracked"
        ],
        "rectification"
    ),
    option!(
        workflow.co_handling,
        [
            "多部门协同处理",
            "多部門協同處理",
            "Several departments may handle a case"
        ],
        "co-handling"
    ),
    option!(
        workflow.team,
        [
            "调查组及组长",
            "調查組及組長",
            "Investigation team with a lead"
        ],
        "team"
    ),
    option!(
        ask_fault,
        [
            "调查报告须认定责任方",
            "調查報告須認定責任方",
            "The investigation report names whose fault it was"
        ],
        "ask-fault"
    ),
];

fn problem_text(tr: Tr, p: &EditProblem) -> String {
    match p {
        EditProblem::NoBasis => tr
            .t(
                "请填写修改依据（如单位的通知、会议纪要）。",
                "請填寫修改依據（如單位的通知、會議紀要）。",
                "Give the basis of the change (the organisation's notice or minutes).",
            )
            .to_string(),
        EditProblem::NothingChanged => tr
            .t("没有任何修改。", "沒有任何修改。", "Nothing has changed.")
            .to_string(),
        EditProblem::BadNames(id) => format!(
            "{id}：{}",
            tr.t(
                "三种语言的名称都要填写（50 字以内）。",
                "三種語言的名稱都要填寫（50 字以內）。",
                "names in all three languages are needed (up to 50 characters).",
            )
        ),
        EditProblem::Twice(id) => format!(
            "{id}：{}",
            tr.t("编号重复。", "編號重複。", "this id is used twice.")
        ),
    }
}

/// The source line under a value.
fn source_line(tr: Tr, seed: String) -> impl IntoView {
    view! { <p class="muted source-line">{format!("{} {seed}", tr.t("依据：", "依據：", "Source:"))}</p> }
}

/// The profile editor.
#[component]
pub fn RulesEditor() -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let online = platform::use_online();
    let reloaded = RwSignal::new(0u32);
    let base = RwSignal::new(None::<Profile>);
    let draft = RwSignal::new(None::<Profile>);
    let basis = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<u32>);
    let busy = RwSignal::new(false);
    let load = server_read(move |token| {
        reloaded.get();
        async move { api::admin::profile(&token).await }
    });
    Effect::new(move |_| match load.get() {
        Some(Some(Ok(p))) => {
            base.set(Some(p.clone()));
            draft.set(Some(p));
        }
        Some(Some(Err(e))) => error.set(Some(refusal(tr, &e))),
        _ => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(old), Some(new)) = (base.get_untracked(), draft.get_untracked()) else {
            return;
        };
        let edited = match stamped(&old, new, &basis.get_untracked()) {
            Ok(p) => p,
            Err(p) => {
                error.set(Some(problem_text(tr, &p)));
                return;
            }
        };
        // The clocks are checked here first, so the refusal reads in the user's language;
        // the server checks again.
        let calendar = app.reference.with_untracked(|r| r.rules.calendar.clone());
        if let Err(ProfileError::Inconsistent { stages_end, whole }) =
            edited.check_clocks_all_year(&calendar)
        {
            error.set(Some(format!(
                "{}{}{}{}{}",
                tr.t(
                    "各阶段时限加起来超过整体时限。例如：各阶段都用足时限，要到 ",
                    "各階段時限加起來超過整體時限。例如：各階段都用足時限，要到 ",
                    "The stage limits add up to more than the whole-case limit. For example, with every stage taking its full time a case ends on ",
                ),
                date_time(tr, stages_end),
                tr.t(" 才完成，而整体时限在 ", " 才完成，而整體時限在 ", ", but the whole case is due on "),
                date_time(tr, whole),
                tr.t(" 到期。", " 到期。", "."),
            )));
            return;
        }
        let Some(token) = app.token() else { return };
        error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::admin::put_profile(&token, &edited).await {
                Ok(()) => {
                    saved.set(Some(edited.version));
                    basis.set(String::new());
                    reloaded.update(|n| *n += 1);
                }
                // The draft and the basis stay as typed.
                Err(e) => error.set(Some(refusal(tr, &e))),
            }
            busy.set(false);
        });
    };
    let clock_row = move |(label, id, get, set): ClockOf| {
        let value = move || draft.with(|d| d.as_ref().map(|p| get(&p.clocks).value));
        let seed = move || draft.with(|d| d.as_ref().map(|p| get(&p.clocks).seed.clone()));
        let put = move |l: Limit| {
            draft.update(|d| {
                if let Some(p) = d {
                    set(&mut p.clocks).value = l
                }
            })
        };
        let n_id = format!("clock-{id}");
        view! {
            <div class="clock-row" data-testid="clock-row" data-clock=id>
                <label for=n_id.clone()>{move || label[tr.index()]}</label>
                <div class="clock-inputs">
                    <input id=n_id type="number" min="1" max="999" inputmode="numeric" data-testid=format!("clock-{id}-n")
                        prop:value=move || value().map(|l| limit_parts(l).0.to_string()).unwrap_or_default()
                        on:input=move |ev| {
                            if let (Ok(n), Some(l)) = (event_target_value(&ev).parse::<u32>(), value()) {
                                put(limit_from(n.max(1), limit_parts(l).1));
                            }
                        }/>
                    <select data-testid=format!("clock-{id}-unit") aria-label=move || format!("{} {}", label[tr.index()], tr.t("单位", "單位", "unit"))
                        prop:value=move || value().map(|l| limit_parts(l).1).unwrap_or_default()
                        on:change=move |ev| { if let Some(l) = value() { put(limit_from(limit_parts(l).0, &event_target_value(&ev))) } }>
                        <option value="minutes">{move || tr.t("分钟", "分鐘", "minutes")}</option>
                        <option value="hours">{move || tr.t("小时", "小時", "hours")}</option>
                        <option value="calendar_days">{move || tr.t("自然日", "自然日", "calendar days")}</option>
                        <option value="working_days">{move || tr.t("工作日", "工作日", "working days")}</option>
                    </select>
                </div>
                {move || seed().map(|s| source_line(tr, s))}
            </div>
        }
    };
    let option_row = move |(label, id, get, set): OptionOf| {
        let on = move || draft.with(|d| d.as_ref().is_some_and(|p| get(p).value));
        let seed = move || draft.with(|d| d.as_ref().map(|p| get(p).seed.clone()));
        view! {
            <div class="option-row">
                <label class="choice">
                    <input type="checkbox" data-testid=format!("option-{id}") prop:checked=on
                        on:change=move |ev| {
                            let v = event_target_checked(&ev);
                            draft.update(|d| if let Some(p) = d { set(p).value = v });
                        }/>
                    <span>{move || label[tr.index()]}</span>
                </label>
                {move || seed().map(|s| source_line(tr, s))}
            </div>
        }
    };
    let retention = move || draft.with(|d| d.as_ref().map(|p| p.retention_days.clone()));
    let near = move || draft.with(|d| d.as_ref().map(|p| p.workflow.near_due_hours.clone()));
    view! {
        <form class="rules" on:submit=submit novalidate data-testid="rules-form" aria-labelledby="rules-title">
            <header class="sheet-section">
                <h2 id="rules-title">{move || tr.t("投诉处理规则", "投訴處理規則", "Complaint rules")}</h2>
                {move || base.get().map(|p| view! {
                    <p data-testid="rules-in-force">{format!("{}（{} {}，{} {}）", names(tr, &p.name),
                        tr.t("第", "第", "version"), p.version, tr.t("依据文件", "依據文件", "seed"), p.seed_file)}</p>
                })}
                <p class="muted">{move || tr.t(
                    "修改后成为新版本：新登记的投诉按新规则计时，已登记的投诉仍按登记时的规则。",
                    "修改後成為新版本：新登記的投訴按新規則計時，已登記的投訴仍按登記時的規則。",
                    "An edit becomes a new version: complaints registered from then on follow it; those registered before keep the rules they started under.",
                )}</p>
            </header>
            <section class="sheet-section" aria-labelledby="clocks-title">
                <h3 id="clocks-title">{move || tr.t("处理时限", "處理時限", "Time limits")}</h3>
                <div class="clock-grid" data-testid="clocks">{CLOCKS.into_iter().map(clock_row).collect_view()}</div>
            </section>
            <section class="sheet-section" aria-labelledby="options-title">
                <h3 id="options-title">{move || tr.t("流程选项", "流程選項", "Workflow options")}</h3>
                {OPTIONS.into_iter().map(option_row).collect_view()}
                <div class="field">
                    <label for="retention-days">{move || tr.t("归档保存天数", "歸檔保存天數", "Days an archived case is kept")}</label>
                    <input id="retention-days" type="number" min="1" max="36500" inputmode="numeric" data-testid="retention-days"
                        prop:value=move || retention().map(|r| r.value.to_string()).unwrap_or_default()
                        on:input=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                                draft.update(|d| if let Some(p) = d { p.retention_days.value = n.max(1) });
                            }
                        }/>
                    {move || retention().map(|r| source_line(tr, r.seed))}
                </div>
                <div class="field">
                    <label for="near-due-hours">{move || tr.t("期限前提醒（小时）", "期限前提醒（小時）", "Alert before a deadline (hours)")}</label>
                    <input id="near-due-hours" type="number" min="1" max="720" inputmode="numeric" data-testid="near-due-hours"
                        prop:value=move || near().map(|r| r.value.to_string()).unwrap_or_default()
                        on:input=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                                draft.update(|d| if let Some(p) = d { p.workflow.near_due_hours.value = n.clamp(1, 720) });
                            }
                        }/>
                    {move || near().map(|r| source_line(tr, r.seed))}
                </div>
            </section>
            <catalog::Categories draft=draft/>
            <catalog::Causes draft=draft/>
            <section class="sheet-section rules-save" aria-labelledby="rules-save-title">
                <h3 id="rules-save-title">{move || tr.t("生效", "生效", "Put in force")}</h3>
                <Show when=move || error.with(Option::is_some)>
                    <p class="error-summary" role="alert" data-testid="rules-error">{move || error.get()}</p>
                </Show>
                {move || saved.get().map(|v| view! {
                    <p class="notice" role="status" data-testid="rules-saved">{format!("{} {v}{}", tr.t("已生效：第", "已生效：第", "In force: version"),
                        tr.t(" 版。各设备下次同步时使用新规则。", " 版。各設備下次同步時使用新規則。", ". Devices take it at their next sync."))}</p>
                })}
                <div class="field">
                    <label for="rules-basis">{move || tr.t("修改依据（必填）", "修改依據（必填）", "Basis of the change (required)")}</label>
                    <input id="rules-basis" data-testid="rules-basis" autocomplete="off"
                        placeholder=move || tr.t("如：2026年第3号通知", "如：2026年第3號通知", "e.g. Notice No. 3 of 2026")
                        prop:value=move || basis.get() on:input=move |ev| basis.set(event_target_value(&ev))/>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" data-testid="rules-submit" disabled=move || busy.get() || !online.get()>
                        {move || tr.t("保存为新版本并生效", "儲存為新版本並生效", "Save as a new version in force")}
                    </button>
                    <button type="button" class="btn" data-testid="rules-discard" on:click=move |_| {
                        draft.set(base.get_untracked());
                        error.set(None);
                    }>{move || tr.t("放弃修改", "放棄修改", "Discard changes")}</button>
                </div>
            </section>
        </form>
    }
}
