//! Case detail: the facts of the record sheet, the commands this person may take now (from the
//! shared workflow and policy, most likely first), open conflicts with a one-step resolution,
//! events the server refused, and the full timeline with what is synced and what is not.
//!
//! By concern: this module loads the case and lays the page out; [`panels`] shows what the
//! case holds (facts, accountability, photos, signatures, deadlines, timeline); [`conflicts`]
//! what waits for the user's choice (concurrent versions, refused events); [`next_step`] the
//! commands and their forms (each form is its own unit in [`crate::commands`]).

mod conflicts;
mod next_step;
mod panels;

use std::collections::BTreeSet;

use crate::store::CaseStore as _;
use leptos::prelude::*;
use tousu_shared::{
    event::{CommandKind, Event},
    fold::fold,
    ids::{CaseId, EventId},
    number::provisional_label,
    sla,
    view::CaseView,
    workflow::available_commands,
};

use crate::{
    commands::{self, Draft},
    components::{due_chip, path_chips, severity_chip, stage_chip},
    context::{App, use_app},
    labels::{self, use_tr},
    store::QuarantinedEvent,
};
use conflicts::{ConflictPanel, QuarantinePanel};
use next_step::CommandPanel;
use panels::{Accountability, Deadlines, Facts, Photos, Rectifications, Signatures, Timeline};
/// The record-sheet panels, shared with the archive's read-only view of a granted case.
#[cfg(feature = "office")]
pub(crate) use panels::{
    Accountability as AccountabilityPanel, Facts as FactsPanel,
    Rectifications as RectificationsPanel, Signatures as SignaturesPanel,
};

/// Everything the detail screen reads from the store.
#[derive(Clone)]
struct Loaded {
    view: CaseView,
    events: Vec<Event>,
    unsynced: BTreeSet<EventId>,
    quarantined: Vec<QuarantinedEvent>,
}

async fn load(app: App, case: CaseId) -> Option<Loaded> {
    let store = app.user_store()?;
    // Three read-only transactions at once: IndexedDB runs them side by side.
    let (events, quarantined, outbox) = futures::join!(
        store.case_events(case),
        store.quarantined(),
        store.outbox(u32::MAX)
    );
    let events = events.ok()?;
    let quarantined: Vec<QuarantinedEvent> = quarantined
        .unwrap_or_default()
        .into_iter()
        .filter(|q| q.event.case_id == case)
        .collect();
    if events.is_empty() && quarantined.is_empty() {
        return None;
    }
    let unsynced = tousu_shared::order::set_of(
        outbox
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.case_id == case)
            .map(|e| e.id),
    );
    Some(Loaded {
        view: fold(case, &events),
        events,
        unsynced,
        quarantined,
    })
}

/// `/cases/:id` (`just_registered` with `?new=1`).
#[component]
pub fn CasePage(id: String, just_registered: bool) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let case = id.parse::<uuid::Uuid>().ok().map(CaseId);
    // A case registered on this device a moment ago is its one event: shown at once, without
    // reading it back from the store.
    let registered = app
        .just_registered
        .try_update_value(Option::take)
        .flatten()
        .filter(|e| Some(e.case_id) == case)
        .map(|event| Loaded {
            view: fold(event.case_id, std::slice::from_ref(&event)),
            events: vec![event.clone()],
            unsynced: BTreeSet::from([event.id]),
            quarantined: Vec::new(),
        });
    let shown_at_once = registered.is_some();
    // `None` until the first read; what is shown stays until a newer read replaces it.
    let data = RwSignal::new(registered.map(Some));
    let reads = StoredValue::new(0u64);
    Effect::new(move |before: Option<u64>| {
        let revision = app.revision.get();
        if before.is_none() && shown_at_once {
            return revision;
        }
        let read = reads.get_value() + 1;
        reads.set_value(read);
        leptos::task::spawn_local(async move {
            let loaded = match case {
                Some(case) => load(app, case).await,
                None => None,
            };
            // A read that a later one overtook, or a page already left, changes nothing.
            if reads.try_get_value() == Some(read) {
                data.try_set(Some(loaded));
            }
        });
        revision
    });
    // What is being typed into a command form outlives the re-reads of the case (every sync
    // that brings news redraws the detail); opening another case opens another page.
    let draft = Draft::new();

    view! {
        <section class="page case-page" data-testid="page-case">
            {move || match data.get() {
                None => view! { <p>{move || tr.t("正在读取…", "正在讀取…", "Loading…")}</p> }.into_any(),
                Some(None) => view! {
                    <div class="empty" data-testid="case-missing">
                        {move || tr.t("本机没有这个案件。", "本機沒有這個案件。", "This case is not on this device.")}
                    </div>
                }.into_any(),
                Some(Some(loaded)) => view! {
                    <CaseDetail loaded=loaded just_registered=just_registered draft=draft/>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn CaseDetail(loaded: Loaded, just_registered: bool, draft: Draft) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let view_state = loaded.view.clone();
    let now = labels::now();
    let label = view_state
        .number
        .map(|n| n.to_string())
        .unwrap_or_else(|| provisional_label(view_state.id));
    let provisional = view_state.number.is_none();
    let rules = app.reference.with_untracked(|r| r.rules.clone());
    let clocks = sla::clocks(&view_state, &rules.policy, &rules.calendar, now);
    let next = sla::next_due(&clocks).map(|c| c.due.at);
    let answer = sla::answer_due(&clocks);
    let commands: Vec<CommandKind> = app
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.principal()))
        .map(|p| available_commands(&p, &view_state))
        .unwrap_or_default()
        .into_iter()
        .filter(|c| commands::has_form(*c))
        .collect();
    let registration = view_state.registration.clone();
    let conflicts = view_state.conflicts.clone();
    let quarantined = loaded.quarantined.clone();
    let unsynced = loaded.unsynced.clone();
    let all_synced = unsynced.is_empty();

    view! {
        <header class="case-head">
            <div>
                <p class="breadcrumb"><a href="/cases">{move || tr.t("案件", "案件", "Cases")}</a>" / "</p>
                <h1 class="page-title">
                    <span class="case-label" class:is-provisional=provisional data-testid="case-number">{label}</span>
                </h1>
                <div class="chips">
                    {registration.as_ref().map(|r| view! { <span class="chip">{labels::kind(tr, r.kind)}</span> })}
                    {severity_chip(tr, view_state.severity)}
                    {path_chips(tr, &view_state)}
                    {stage_chip(tr, view_state.stage)}
                    {due_chip(tr, next, now)}
                    <span class="chip" class:chip-left=all_synced class:chip-pending=!all_synced data-testid="sync-state">
                        {if all_synced {
                            tr.t("✓ 已同步", "✓ 已同步", "✓ synced")
                        } else {
                            tr.t("● 已保存在本机，待同步", "● 已儲存在本機，待同步", "● saved on this device, not yet synced")
                        }}
                    </span>
                </div>
            </div>
        </header>
        {just_registered.then(|| view! {
            <div class="notice notice-ok" role="status" data-testid="registered-notice">
                <p>{if provisional {
                    tr.t(
                        "已登记。临时编号在同步后换成正式投诉编号。",
                        "已登記。臨時編號在同步後換成正式投訴編號。",
                        "Registered. The provisional label becomes the official number after sync.",
                    )
                } else {
                    tr.t("已登记。", "已登記。", "Registered.")
                }}
                {answer.map(|d| view! {
                    " " {tr.t("预计答复日期：", "預計答覆日期：", "Expected answer by ")}
                    <strong data-testid="expected-answer">{labels::due_day(tr, d)}</strong>
                })}</p>
                <a class="btn" href=format!("/cases/{}/print/receipt", view_state.id) data-testid="print-receipt">
                    <svg class="btn-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 9V3h12v6M6 18H4v-7h16v7h-2M7 14h10v7H7z"/></svg>
                    {tr.t("打印回执", "列印回執", "Print receipt")}
                </a>
            </div>
        })}
        {(!quarantined.is_empty()).then(|| view! { <QuarantinePanel items=quarantined.clone()/> })}
        {(!conflicts.is_empty()).then(|| view! { <ConflictPanel view=view_state.clone()/> })}
        <div class="case-columns">
            <div class="case-main">
                <CommandPanel view=view_state.clone() commands=commands draft=draft/>
                <Timeline view=view_state.clone() events=loaded.events.clone() unsynced=unsynced/>
            </div>
            <aside class="case-side">
                <Facts view=view_state.clone()/>
                <Accountability view=view_state.clone()/>
                <Rectifications view=view_state.clone()/>
                <Photos view=view_state.clone()/>
                <Signatures view=view_state.clone()/>
                <Deadlines clocks=clocks now=now/>
                <p class="print-links">
                    <a class="btn" href=format!("/cases/{}/print/record", view_state.id) data-testid="print-record">
                        <svg class="btn-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 9V3h12v6M6 18H4v-7h16v7h-2M7 14h10v7H7z"/></svg>
                        {tr.t("记录单", "記錄單", "Record sheet")}
                    </a>
                    <a class="btn" href=format!("/cases/{}/print/handling", view_state.id) data-testid="print-handling">
                        <svg class="btn-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 9V3h12v6M6 18H4v-7h16v7h-2M7 14h10v7H7z"/></svg>
                        {tr.t("处理单", "處理單", "Handling sheet")}
                    </a>
                    <a class="btn" href=format!("/cases/{}/print/receipt", view_state.id) data-testid="print-receipt-side">
                        <svg class="btn-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 9V3h12v6M6 18H4v-7h16v7h-2M7 14h10v7H7z"/></svg>
                        {tr.t("回执", "回執", "Receipt")}
                    </a>
                </p>
            </aside>
        </div>
    }
}
