//! Case detail: the facts of the record sheet, the commands this person may take now (from the
//! shared workflow and policy, most likely first), open conflicts with a one-step resolution,
//! events the server refused, and the full timeline with what is synced and what is not.

use std::collections::BTreeSet;

use crate::store::CaseStore as _;
use leptos::prelude::*;
use tousu_shared::{
    event::{CommandKind, ConflictResolved, EventBody},
    fold::fold,
    ids::{CaseId, EventId},
    model::{
        FeedbackChannel, Measure, NoteKind, PlanDecision, Responsibility, RevisitMethod,
        Satisfaction, Severity,
    },
    number::provisional_label,
    sla,
    validate::Field,
    view::{CaseView, EntryStatus, FactValue},
    workflow::available_commands,
};

use crate::{
    components::{
        BlobImage, CheckField, ErrorSummary, FormState, PhotoPicker, RadioGroup, SelectField,
        SignaturePad, Strokes, TextField, due_chip, severity_chip, signed, stage_chip,
    },
    context::{App, use_app},
    forms,
    labels::{self, Tr, use_tr},
    pages::intake::enum_str,
    store::QuarantinedEvent,
};

/// Everything the detail screen reads from the store.
#[derive(Clone)]
struct Loaded {
    view: CaseView,
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
    let unsynced = outbox
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.case_id == case)
        .map(|e| e.id)
        .collect();
    Some(Loaded {
        view: fold(case, &events),
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
    let draft = CommandDraft::new();

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

/// A command form being filled in: which command, the values typed, the note's photos and
/// signature strokes.
#[derive(Clone, Copy)]
struct CommandDraft {
    selected: RwSignal<Option<CommandKind>>,
    form: FormState,
    photos: RwSignal<Vec<crate::media::Photo>>,
    strokes: Strokes,
    /// The id of the field last focused, focused again when the form is redrawn.
    focused: RwSignal<Option<String>>,
}

impl CommandDraft {
    fn new() -> Self {
        CommandDraft {
            selected: RwSignal::new(None),
            form: FormState::new(&[]),
            photos: RwSignal::new(Vec::new()),
            strokes: RwSignal::new(Vec::new()),
            focused: RwSignal::new(None),
        }
    }

    /// Starts over with `command` (or none), from `values`.
    fn start(&self, command: Option<CommandKind>, values: forms::Values) {
        self.form.values.set(values);
        self.form.errors.set(Vec::new());
        self.photos.set(Vec::new());
        self.strokes.set(Vec::new());
        self.focused.set(None);
        self.selected.set(command);
    }

    fn clear(&self) {
        self.start(None, forms::Values::new());
    }
}

#[component]
fn CaseDetail(loaded: Loaded, just_registered: bool, draft: CommandDraft) -> impl IntoView {
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
    let commands: Vec<CommandKind> = app
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.principal()))
        .map(|p| available_commands(&p, &view_state))
        .unwrap_or_default()
        .into_iter()
        .filter(|c| forms::has_form(*c))
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
                {if provisional {
                    tr.t(
                        "已登记。临时编号在同步后换成正式投诉编号。",
                        "已登記。臨時編號在同步後換成正式投訴編號。",
                        "Registered. The provisional label becomes the official number after sync.",
                    )
                } else {
                    tr.t("已登记。", "已登記。", "Registered.")
                }}
            </div>
        })}
        {(!quarantined.is_empty()).then(|| view! { <QuarantinePanel items=quarantined.clone()/> })}
        {(!conflicts.is_empty()).then(|| {
            let heads = view_state.heads.clone();
            let case = view_state.id;
            view! {
                <section class="panel panel-conflict" data-testid="conflicts" aria-labelledby="conflicts-h">
                    <h2 id="conflicts-h">"! " {tr.t("并发修改冲突", "並行修改衝突", "Concurrent changes conflict")}</h2>
                    <p>{tr.t(
                        "两台设备离线时对同一事项做了不同修改。请选择保留哪一个：",
                        "兩台裝置離線時對同一事項做了不同修改。請選擇保留哪一個：",
                        "Two devices changed the same fact while offline. Choose the version to keep:",
                    )}</p>
                    {conflicts.into_iter().map(|c| {
                        let fact = c.fact;
                        view! {
                            <h3 class="conflict-fact">{labels::fact(tr, fact)}</h3>
                            <div class="conflict">
                                {c.versions.into_iter().map(|v| {
                                    let heads = heads.clone();
                                    let chosen = v.event;
                                    let text = fact_value(tr, &v.value);
                                    let who = actor(&v.actor);
                                    let when = labels::date_time(tr, v.at);
                                    view! {
                                        <div class="conflict-version">
                                            <p><strong>{text}</strong></p>
                                            <p class="muted">{who}" · "{when}</p>
                                            <button class="btn" data-testid="resolve-conflict" on:click=move |_| {
                                                let heads = heads.clone();
                                                leptos::task::spawn_local(async move {
                                                    let _ = app.record(case, heads, EventBody::ConflictResolved(ConflictResolved { fact, chosen })).await;
                                                });
                                            }>{tr.t("保留此版本", "保留此版本", "Keep this one")}</button>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        }
                    }).collect_view()}
                </section>
            }
        })}
        <div class="case-columns">
            <div class="case-main">
                <CommandPanel view=view_state.clone() commands=commands draft=draft/>
                <Timeline view=view_state.clone() unsynced=unsynced/>
            </div>
            <aside class="case-side">
                <Facts view=view_state.clone()/>
                <Accountability view=view_state.clone()/>
                <Photos view=view_state.clone()/>
                <Signatures view=view_state.clone()/>
                <section class="panel">
                    <h2>{tr.t("时限", "時限", "Deadlines")}</h2>
                    <ul class="clock-list" data-testid="sla-clocks">
                        {clocks.into_iter().map(|c| view! {
                            <li>
                                <span>{labels::sla_stage(tr, c.stage)}</span>
                                <span class="muted">{labels::date_time(tr, c.due.at)}</span>
                                {match c.done {
                                    Some(_) => view! { <span class="chip chip-done">"✓"</span> }.into_any(),
                                    None => due_chip(tr, Some(c.due.at), now).into_any(),
                                }}
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
                <p class="print-links">
                    <a class="btn" href=format!("/cases/{}/print/record", view_state.id) data-testid="print-record">
                        <svg class="btn-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 9V3h12v6M6 18H4v-7h16v7h-2M7 14h10v7H7z"/></svg>
                        {tr.t("记录单", "記錄單", "Record sheet")}
                    </a>
                    <a class="btn" href=format!("/cases/{}/print/handling", view_state.id) data-testid="print-handling">
                        <svg class="btn-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 9V3h12v6M6 18H4v-7h16v7h-2M7 14h10v7H7z"/></svg>
                        {tr.t("处理单", "處理單", "Handling sheet")}
                    </a>
                </p>
            </aside>
        </div>
    }
}

fn actor(a: &tousu_shared::event::Actor) -> String {
    match a {
        tousu_shared::event::Actor::User(u) => u.to_string(),
        tousu_shared::event::Actor::Kiosk(d) => format!("kiosk {}", &d.to_string()[..8]),
        tousu_shared::event::Actor::System => "Tousu".into(),
    }
}

fn fact_value(tr: Tr, v: &FactValue) -> String {
    match v {
        FactValue::Stage { stage, .. } => labels::stage(tr, *stage).into(),
        FactValue::Department { department } => department_name(&use_app(), department),
        FactValue::Severity { severity } => labels::severity(tr, *severity).into(),
        FactValue::Category { category, .. } => category.to_string(),
        FactValue::PlanDecision { decision } => decision
            .map(|d| labels::decision(tr, d).to_string())
            .unwrap_or_default(),
        FactValue::Plan { plan } => plan.plan.as_str().to_string(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// A category's name in the current language (its id if the catalog does not know it).
pub fn category_name(app: &App, tr: Tr, id: &tousu_shared::ids::CategoryId) -> String {
    app.reference.with_untracked(|r| {
        r.catalog
            .categories
            .iter()
            .find(|c| &c.id == id)
            .map(|c| crate::context::category_label(c, tr.locale()))
            .unwrap_or_else(|| id.to_string())
    })
}

/// A department's name (its id if the catalog does not know it).
pub fn department_name(app: &App, id: &tousu_shared::ids::DepartmentId) -> String {
    app.reference.with_untracked(|r| {
        r.catalog
            .departments
            .iter()
            .find(|d| &d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| id.to_string())
    })
}

#[component]
fn Facts(view: CaseView) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let Some(r) = view.registration.clone() else {
        return view! {
            <section class="panel"><p>{tr.t("登记信息尚未同步到本机。", "登記資訊尚未同步到本機。", "The record sheet has not reached this device yet.")}</p></section>
        }.into_any();
    };
    let row = |label: &'static str, value: Option<String>| {
        value.map(|v| view! { <div class="fact"><dt>{label}</dt><dd>{v}</dd></div> })
    };
    let c = &r.complainant;
    view! {
        <section class="panel" data-testid="facts">
            <h2>{tr.t("记录单", "記錄單", "Record sheet")}</h2>
            <dl class="facts">
                {row(tr.t("渠道", "渠道", "Channel"), Some(labels::channel(tr, r.channel).into()))}
                {row(tr.t("受理时间", "受理時間", "Received"), Some(labels::date_time(tr, r.received_at)))}
                {row(tr.t("投诉人", "投訴人", "Complainant"), if r.anonymous {
                    Some(tr.t("匿名", "匿名", "anonymous").into())
                } else {
                    c.name.as_ref().map(|n| n.as_str().to_string())
                })}
                {row(tr.t("电话", "電話", "Phone"), c.phone.as_ref().map(|p| p.as_str().to_string()))}
                {row(tr.t("电子邮件", "電子郵件", "E-mail"), c.email.as_ref().map(|p| p.as_str().to_string()))}
                {row(tr.t("地点", "地點", "Where"), r.details.location.as_ref().map(|p| p.as_str().to_string()))}
                {row(tr.t("投诉事由", "投訴事由", "What happened"), Some(r.details.description.as_str().to_string()))}
                {row(tr.t("客户诉求", "客戶訴求", "Asks for"), r.details.request.as_ref().map(|p| p.as_str().to_string()))}
                {row(tr.t("品名/数量", "品名/數量", "Goods"), r.details.goods.as_ref().map(|g| format!("{} × {}", g.name.as_str(), g.quantity)))}
                {row(tr.t("类别", "類別", "Category"), view.category.as_ref().map(|c| category_name(&app, tr, c)))}
                {row(tr.t("责任部门", "責任部門", "Department"), view.department.as_ref().map(|d| department_name(&app, d)))}
                {row(tr.t("处理方案", "處理方案", "Plan"), view.plan.as_ref().map(|p| p.plan.as_str().to_string()))}
            </dl>
        </section>
    }.into_any()
}

/// Accountability decisions, appeals and their outcomes (confidential: the server sends them
/// only to supervisors and the person concerned).
#[component]
fn Accountability(view: CaseView) -> impl IntoView {
    let tr = use_tr();
    (!view.accountability.is_empty()).then(|| {
        let items = view
            .accountability
            .iter()
            .map(|a| {
                let appeals: Vec<String> = view
                    .appeals
                    .iter()
                    .filter(|p| p.value.accountability == a.event)
                    .map(|p| {
                        let outcome = view
                            .appeal_decisions
                            .iter()
                            .find(|d| d.value.appeal == p.event)
                            .map(|d| {
                                if d.value.upheld {
                                    tr.t("申诉成立", "申訴成立", "upheld")
                                } else {
                                    tr.t("维持原决定", "維持原決定", "dismissed")
                                }
                            })
                            .unwrap_or(tr.t("待决定", "待決定", "pending"));
                        format!("{}: {} ({outcome})", tr.t("申诉", "申訴", "Appeal"), p.value.reason.as_str())
                    })
                    .collect();
                view! {
                    <li data-testid="accountability-item">
                        <strong>{a.value.person.to_string()}</strong>
                        " · " {labels::responsibility(tr, a.value.responsibility)}
                        " · " {labels::measure(tr, a.value.measure)}
                        <p class="timeline-text">{a.value.reason.as_str().to_string()}</p>
                        <p class="muted">{tr.t("申诉截止 ", "申訴截止 ", "appeals until ")}{labels::date_time(tr, a.value.appeal_until)}</p>
                        {appeals.into_iter().map(|t| view! { <p class="muted">{t}</p> }).collect_view()}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="panel" data-testid="accountability">
                <h2>{tr.t("责任追究（保密）", "責任追究（保密）", "Accountability (confidential)")}</h2>
                <ul class="plain-list">{items}</ul>
            </section>
        }
    })
}

/// Every photo of the case, from this device or fetched once from the server.
#[component]
fn Photos(view: CaseView) -> impl IntoView {
    let tr = use_tr();
    let mut hashes: Vec<String> = Vec::new();
    let mut add = |a: &tousu_shared::model::Attachment| {
        if a.media_type.as_str().starts_with("image/")
            && !hashes.contains(&a.hash.as_str().to_string())
        {
            hashes.push(a.hash.as_str().to_string());
        }
    };
    view.registration
        .iter()
        .flat_map(|r| r.attachments.iter())
        .for_each(&mut add);
    view.attachments
        .iter()
        .for_each(|a| add(&a.value.attachment));
    view.notes
        .iter()
        .flat_map(|n| n.value.attachments.iter())
        .for_each(&mut add);
    (!hashes.is_empty()).then(|| {
        view! {
            <section class="panel">
                <h2>{tr.t("照片", "照片", "Photos")}</h2>
                <ul class="thumbs" data-testid="case-photos">
                    {hashes.into_iter().map(|h| view! { <Thumb hash=h/> }).collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn Thumb(hash: String) -> impl IntoView {
    let tr = use_tr();
    view! {
        <li class="thumb" data-testid="case-photo">
            <BlobImage hash=hash media_type="image/jpeg" alt=tr.t("案件照片", "案件照片", "case photo")/>
        </li>
    }
}

/// The signatures on the case's notes (interviewees, the customer), with who signed.
#[component]
fn Signatures(view: CaseView) -> impl IntoView {
    let tr = use_tr();
    let signed: Vec<(String, String, String)> = view
        .notes
        .iter()
        .filter_map(|n| {
            let hash = n.value.signature.as_ref()?.as_str().to_string();
            let who = n
                .value
                .signed_by
                .as_ref()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default();
            Some((
                hash,
                labels::note_kind(tr, n.value.note_kind).to_string(),
                who,
            ))
        })
        .collect();
    (!signed.is_empty()).then(|| {
        view! {
            <section class="panel">
                <h2>{tr.t("签字", "簽字", "Signatures")}</h2>
                <ul class="thumbs" data-testid="case-signatures">
                    {signed.into_iter().map(|(hash, kind, who)| view! {
                        <li class="thumb" data-testid="case-signature">
                            <BlobImage hash=hash media_type="image/png" class="signature-img"
                                alt=tr.t("签字", "簽字", "signature")/>
                            <span class="muted">{format!("{kind} {who}")}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn Timeline(view: CaseView, unsynced: BTreeSet<EventId>) -> impl IntoView {
    let tr = use_tr();
    let entries = view.timeline.clone();
    view! {
        <section class="panel" aria-labelledby="timeline-h">
            <h2 id="timeline-h">{tr.t("处理记录", "處理記錄", "Timeline")}</h2>
            <ol class="timeline" data-testid="timeline">
                {entries.into_iter().rev().map(|e| {
                    let command = CommandKind::ALL.iter().find(|c| c.as_str() == e.kind).copied();
                    let confidential = e.kind == tousu_shared::access::CONFIDENTIAL_KIND;
                    let what = if confidential {
                        tr.t("保密记录（仅主管与当事人可见）", "保密記錄（僅主管與當事人可見）", "Confidential record (supervisors and the person concerned)").to_string()
                    } else {
                        command
                            .map(|c| labels::command(tr, c).to_string())
                            .unwrap_or_else(|| format!("{} ({})", tr.t("需要更新应用", "需要更新應用", "update the app"), e.kind))
                    };
                    let pending = unsynced.contains(&e.event);
                    let detail = entry_text(&view, e.event);
                    let not_applied = match &e.status {
                        EntryStatus::NotApplied { why } if !confidential => Some(labels::not_applied(tr, why)),
                        _ => None,
                    };
                    view! {
                        <li class="timeline-entry" class:is-pending=pending data-testid="timeline-entry" data-kind=e.kind.clone()>
                            <div class="timeline-what"><strong>{what}</strong>
                                {pending.then(|| view! { <span class="chip chip-pending" data-testid="entry-unsynced">{tr.t("待同步", "待同步", "not synced")}</span> })}
                                {not_applied.map(|w| view! { <span class="chip chip-overdue">{tr.t("未生效", "未生效", "not applied")}" "{w}</span> })}
                            </div>
                            {detail.map(|d| view! { <p class="timeline-text">{d}</p> })}
                            <p class="muted">
                                {actor(&e.actor)} " · " {labels::date_time(tr, e.hlc.timestamp())}
                                " · " {tr.t("设备 ", "裝置 ", "device ")} {e.device.to_string()[28..].to_string()}
                            </p>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// The free text an event added, for the timeline.
fn entry_text(view: &CaseView, event: EventId) -> Option<String> {
    view.notes
        .iter()
        .find(|d| d.event == event)
        .map(|d| d.value.text.as_str().to_string())
        .or_else(|| {
            view.reports
                .iter()
                .find(|d| d.event == event)
                .map(|d| d.value.findings.as_str().to_string())
        })
        .or_else(|| {
            view.plans
                .iter()
                .find(|d| d.event == event)
                .map(|d| d.value.plan.as_str().to_string())
        })
        .or_else(|| {
            view.reviews
                .iter()
                .find(|d| d.event == event)
                .and_then(|d| d.value.comment.as_ref().map(|c| c.as_str().to_string()))
        })
        .or_else(|| {
            view.executions
                .iter()
                .find(|d| d.event == event)
                .map(|d| d.value.result.as_str().to_string())
        })
        .or_else(|| {
            view.feedback
                .iter()
                .find(|d| d.event == event)
                .map(|d| d.value.text.as_str().to_string())
        })
        .or_else(|| {
            view.revisits
                .iter()
                .find(|d| d.event == event)
                .and_then(|d| d.value.comment.as_ref().map(|c| c.as_str().to_string()))
        })
        .or_else(|| {
            view.reasons
                .iter()
                .find(|d| d.event == event)
                .map(|d| d.value.as_str().to_string())
        })
}

#[component]
fn QuarantinePanel(items: Vec<QuarantinedEvent>) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    view! {
        <section class="panel panel-quarantine" role="alert" data-testid="quarantined">
            <h2>"✕ " {tr.t("服务器拒绝的操作", "伺服器拒絕的操作", "Refused by the server")}</h2>
            <ul>
                {items.into_iter().map(|q| {
                    let what = q.event.body.command().map(|c| labels::command(tr, c)).unwrap_or("?");
                    let why = labels::quarantine(tr, &q.why);
                    let id = q.event.id;
                    view! {
                        <li class="quarantine-item">
                            <strong>{what}</strong>" — "<span data-testid="quarantine-reason">{why}</span>
                            <p class="muted">{labels::date_time(tr, q.event.at())}</p>
                            <button class="btn" data-testid="withdraw" on:click=move |_| {
                                leptos::task::spawn_local(async move {
                                    if let Some(store) = app.user_store() {
                                        let _ = store.dismiss_quarantined(id).await;
                                        app.revision.update(|r| *r += 1);
                                        app.refresh_counts().await;
                                    }
                                });
                            }>{tr.t("撤回", "撤回", "Withdraw")}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="muted">{tr.t(
                "撤回后记录保留在服务器的隔离区；如需修改，请用下方可用的操作重新提交。",
                "撤回後記錄保留在伺服器的隔離區；如需修改，請用下方可用的操作重新提交。",
                "Withdrawn events stay in the server's quarantine; to revise, submit again with an available action below.",
            )}</p>
        </section>
    }
}

/// The commands this person may take now, the most likely first, each with its form.
#[component]
fn CommandPanel(view: CaseView, commands: Vec<CommandKind>, draft: CommandDraft) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let form = draft.form;
    let (failure, set_failure) = signal(None::<String>);
    let (saving, set_saving) = signal(false);
    // Photos taken for an investigation note, and a signature drawn for it (interviewee or
    // customer).
    let photos = draft.photos;
    let signature_pad = NodeRef::<leptos::html::Canvas>::new();
    let strokes = draft.strokes;
    // A command that news from a sync made unavailable closes its form.
    let offered = commands.clone();
    let selected = Memo::new(move |_| draft.selected.get().filter(|c| offered.contains(c)));
    // Redrawn while someone types: the caret goes back to the field it was in.
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if form_ref.get().is_some()
            && let Some(id) = draft.focused.get_untracked()
        {
            crate::platform::focus_at_end(&id);
        }
    });
    let remember_focus = move |ev: leptos::ev::FocusEvent| {
        use wasm_bindgen::JsCast;
        if let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            && !el.id().is_empty()
        {
            draft.focused.set(Some(el.id()));
        }
    };
    let case = view.id;
    let heads = view.heads.clone();
    let view_for_fields = view.clone();
    if commands.is_empty() {
        return view! {
            <section class="panel" data-testid="commands">
                <p class="muted">{tr.t("您当前没有可执行的操作。", "您目前沒有可執行的操作。", "There is nothing for you to do on this case now.")}</p>
            </section>
        }.into_any();
    }
    let current = StoredValue::new(view.registration.clone());
    let choose = move |c: CommandKind| {
        let current = current.get_value();
        let mut start = defaults(c);
        if c == CommandKind::AmendRecord
            && let Some(r) = &current
        {
            start = forms::amend_values(r, labels::local_offset());
            if let Some(goods) = &r.details.goods {
                start.insert(
                    "__goods".into(),
                    serde_json::to_string(goods).unwrap_or_default(),
                );
            }
        }
        set_failure.set(None);
        draft.start(Some(c), start);
    };
    let heads = StoredValue::new(heads);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(command) = selected.get_untracked() else {
            return;
        };
        if saving.get_untracked() {
            return;
        }
        set_saving.set(true);
        let heads = heads.get_value();
        leptos::task::spawn_local(async move {
            let mut values = form.values.get_untracked();
            if command == CommandKind::LinkDuplicate {
                // The original is named by its number (or provisional label) on this device.
                let wanted = values.get("of_label").cloned().unwrap_or_default();
                let wanted = wanted.trim().to_uppercase();
                let found = match app.user_store() {
                    Some(store) => store
                        .summaries()
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .find(|s| s.id != case && !wanted.is_empty() && s.label() == wanted),
                    None => None,
                };
                values.insert(
                    "of".into(),
                    found.map(|s| s.id.to_string()).unwrap_or_default(),
                );
            }
            match forms::command_body(command, &values, labels::local_offset()) {
                Err(errors) => form.errors.set(errors),
                Ok(mut body) => {
                    // The note's photos are stored first: the note names them by hash.
                    if let EventBody::NoteAdded(note) = &mut body {
                        let taken = photos.get_untracked();
                        let signature = match signature_pad.get_untracked() {
                            Some(canvas) if signed(strokes) => {
                                crate::media::signature(&canvas).await.map(Some)
                            }
                            _ => Ok(None),
                        };
                        let stored = match signature {
                            Ok(signature) => app
                                .keep_blobs(&taken, signature.as_ref())
                                .await
                                .map(|()| signature),
                            Err(e) => Err(e),
                        };
                        match stored {
                            Ok(signature) => {
                                note.signature = signature.and_then(|s| {
                                    tousu_shared::validate::BlobHash::parse(&s.hash).ok()
                                });
                            }
                            Err(e) => {
                                set_failure.set(Some(e));
                                set_saving.set(false);
                                return;
                            }
                        }
                        note.attachments = taken
                            .iter()
                            .filter_map(crate::media::Photo::attachment)
                            .collect();
                    }
                    match app.record(case, heads, body).await {
                        Ok(_) => draft.clear(),
                        Err(e) => set_failure.set(Some(e.to_string())),
                    }
                }
            }
            set_saving.set(false);
        });
    };
    let first = commands[0];
    view! {
        <section class="panel" data-testid="commands" aria-labelledby="commands-h">
            <h2 id="commands-h">{tr.t("下一步", "下一步", "Next step")}</h2>
            <div class="command-buttons">
                {commands.iter().map(|&c| {
                    let primary = c == first;
                    view! {
                        <button
                            class="btn"
                            class:btn-primary=primary
                            data-testid=format!("cmd-{}", c.as_str())
                            aria-pressed=move || (selected.get() == Some(c)).to_string()
                            on:click=move |_| choose(c)
                        >{labels::command(tr, c)}</button>
                    }
                }).collect_view()}
            </div>
            {move || selected.get().map(|c| view! {
                <form class="command-form" on:submit=submit on:focusin=remember_focus novalidate
                    node_ref=form_ref data-testid="command-form">
                    <h3>{labels::command(tr, c)}</h3>
                    <ErrorSummary form=form fields=vec![]/>
                    <Show when=move || failure.get().is_some()>
                        <p class="error-summary" role="alert">{move || failure.get()}</p>
                    </Show>
                    <CommandFields command=c form=form view=view_for_fields.clone()/>
                    {(c == CommandKind::AddNote).then(|| view! {
                        <div class="field">
                            <PhotoPicker photos=photos id="f-note-photos"/>
                        </div>
                        <div class="form-block">
                            <SignaturePad canvas=signature_pad strokes=strokes
                                label=Signal::derive(move || tr.t("签字确认（受访人或客户，可选）", "簽字確認（受訪人或客戶，可選）", "Signature of the interviewee or customer (optional)").to_string())/>
                        </div>
                    })}
                    <div class="form-actions">
                        <button type="button" class="btn" on:click=move |_| draft.clear()>
                            {tr.t("取消", "取消", "Cancel")}
                        </button>
                        <button type="submit" class="btn btn-primary" data-testid="command-submit" disabled=saving>
                            {tr.t("提交", "提交", "Submit")}
                        </button>
                    </div>
                </form>
            })}
        </section>
    }.into_any()
}

fn defaults(c: CommandKind) -> forms::Values {
    let pairs: &[(&str, &str)] = match c {
        CommandKind::AddNote => &[("note_kind", "investigation")],
        CommandKind::ReviewPlan => &[("decision", "approved")],
        CommandKind::GiveFeedback => &[("channel", "phone")],
        CommandKind::RecordRevisit => &[("method", "phone"), ("satisfaction", "satisfied")],
        CommandKind::Classify => &[("severity", "general")],
        _ => &[],
    };
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn options<T: Copy + serde::Serialize + Send + Sync + 'static>(
    tr: Tr,
    all: &[T],
    name: fn(Tr, T) -> &'static str,
) -> Signal<Vec<(String, String)>> {
    let all = all.to_vec();
    Signal::derive(move || {
        all.iter()
            .map(|v| (enum_str(v), name(tr, *v).to_string()))
            .collect()
    })
}

/// The fields of one command's form; `view` names the records an appeal or its decision
/// refers to.
#[component]
pub fn CommandFields(
    command: CommandKind,
    form: FormState,
    #[prop(optional)] view: Option<CaseView>,
) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let t = move |a: &'static str, b: &'static str, c: &'static str| {
        Signal::derive(move || tr.t(a, b, c).to_string())
    };
    use CommandKind as C;
    match command {
        C::Classify => {
            let categories = Signal::derive(move || app.category_options(tr));
            view! {
                <SelectField form=form name="category" field=Field::Category required=true placeholder=true label=t("类别", "類別", "Category") options=categories/>
                <RadioGroup form=form name="severity" label=t("紧急程度", "緊急程度", "Severity")
                    options=options(tr, &[Severity::General, Severity::Important, Severity::UrgentMajor], labels::severity)/>
                <TextField form=form name="cause" field=Field::Cause label=t("原因", "原因", "Cause")/>
            }.into_any()
        }
        C::RejectOutOfScope | C::Reopen => view! {
            <TextField form=form name="reason" field=Field::Reason multiline=true required=true label=t("原因说明（将告知投诉人）", "原因說明（將告知投訴人）", "Reason (told to the complainant)")/>
        }.into_any(),
        C::Dispatch => {
            let departments = Signal::derive(move || app.reference.with(|r| r.catalog.departments.iter().map(|d| (d.id.to_string(), d.name.clone())).collect()));
            view! {
                <SelectField form=form name="department" field=Field::Department required=true placeholder=true label=t("责任部门", "責任部門", "Department") options=departments/>
                <TextField form=form name="instructions" field=Field::Comment multiline=true label=t("处理要求", "處理要求", "Instructions")/>
            }.into_any()
        }
        C::SetDeadline => view! {
            <CheckField form=form name="special" label=t("特殊案件（整体时限延长至7个工作日）", "特殊案件（整體時限延長至7個工作日）", "Special case (whole-case limit 7 working days)")/>
            <TextField form=form name="reason" field=Field::Reason multiline=true label=t("原因", "原因", "Reason")/>
        }.into_any(),
        C::StartInvestigation => view! {
            <p class="muted">{move || tr.t("确认由本部门开始调查。", "確認由本部門開始調查。", "Confirm that your department takes the case up.")}</p>
        }.into_any(),
        C::AddNote => view! {
            <SelectField form=form name="note_kind" label=t("记录类型", "記錄類型", "Kind of note")
                options=options(tr, &[NoteKind::Investigation, NoteKind::Interview, NoteKind::DepartmentOpinion, NoteKind::CustomerOpinion, NoteKind::Remark], labels::note_kind)/>
            <TextField form=form name="text" field=Field::Text multiline=true required=true label=t("内容", "內容", "Text")/>
            <TextField form=form name="signed_by" field=Field::Person label=t("签字确认人（访谈时）", "簽字確認人（訪談時）", "Signed by (interviews)")/>
        }.into_any(),
        C::SubmitReport => view! {
            <TextField form=form name="findings" field=Field::Text multiline=true required=true label=t("调查经过与结论", "調查經過與結論", "Findings")/>
            <TextField form=form name="cause" field=Field::Cause label=t("原因", "原因", "Cause")/>
        }.into_any(),
        C::ProposePlan => view! {
            <TextField form=form name="plan" field=Field::Plan multiline=true required=true label=t("处理方案", "處理方案", "Handling plan")/>
            <TextField form=form name="opinion" field=Field::Opinion multiline=true label=t("部门负责人意见", "部門負責人意見", "Department manager's opinion")/>
            <div class="grid-2">
                <TextField form=form name="compensation" field=Field::Amount input_type="number" label=t("赔偿金额（元）", "賠償金額（元）", "Compensation (yuan)")/>
                <TextField form=form name="loss" field=Field::Amount input_type="number" label=t("损失金额（元）", "損失金額（元）", "Loss (yuan)")/>
            </div>
        }.into_any(),
        C::ReviewPlan => view! {
            <RadioGroup form=form name="decision" label=t("审核结果", "審核結果", "Decision")
                options=options(tr, &[PlanDecision::Approved, PlanDecision::Returned], labels::decision)/>
            <TextField form=form name="comment" field=Field::Comment multiline=true label=t("审核意见（退回时必填）", "審核意見（退回時必填）", "Comment (required when returning)")/>
        }.into_any(),
        C::RecordExecution => view! {
            <TextField form=form name="result" field=Field::Result multiline=true required=true label=t("处理结果", "處理結果", "What was done")/>
            <div class="grid-2">
                <TextField form=form name="compensation" field=Field::Amount input_type="number" label=t("实际赔偿（元）", "實際賠償（元）", "Compensation paid (yuan)")/>
                <TextField form=form name="loss" field=Field::Amount input_type="number" label=t("损失金额（元）", "損失金額（元）", "Loss (yuan)")/>
            </div>
        }.into_any(),
        C::GiveFeedback => view! {
            <SelectField form=form name="channel" label=t("反馈方式", "回饋方式", "How")
                options=options(tr, &[FeedbackChannel::Phone, FeedbackChannel::Sms, FeedbackChannel::Email, FeedbackChannel::Letter, FeedbackChannel::InPerson], labels::feedback_channel)/>
            <TextField form=form name="text" field=Field::Text multiline=true required=true label=t("告知内容", "告知內容", "What they were told")/>
        }.into_any(),
        C::RecordRevisit => view! {
            <RadioGroup form=form name="satisfaction" label=t("满意度", "滿意度", "Satisfaction")
                options=options(tr, &[Satisfaction::Satisfied, Satisfaction::PartlySatisfied, Satisfaction::NotSatisfied], labels::satisfaction)/>
            <RadioGroup form=form name="method" label=t("回访方式", "回訪方式", "Method")
                options=options(tr, &[RevisitMethod::Phone, RevisitMethod::OnSite, RevisitMethod::Questionnaire], labels::revisit_method)/>
            <TextField form=form name="comment" field=Field::Comment multiline=true label=t("客户意见", "客戶意見", "Their words")/>
        }.into_any(),
        C::Close => view! {
            <TextField form=form name="summary" field=Field::Summary multiline=true label=t("结案说明", "結案說明", "Summary")/>
        }.into_any(),
        C::RecordAccountability => view! {
            <TextField form=form name="person" field=Field::Person required=true label=t("责任人（账号）", "責任人（帳號）", "Person held responsible (account)")/>
            <div class="grid-2">
                <SelectField form=form name="responsibility" label=t("责任类型", "責任類型", "Responsibility")
                    options=options(tr, &[Responsibility::Direct, Responsibility::Indirect, Responsibility::Primary, Responsibility::Secondary, Responsibility::Leadership], labels::responsibility)/>
                <SelectField form=form name="measure" label=t("处理措施", "處理措施", "Measure")
                    options=options(tr, &[Measure::CriticismEducation, Measure::WrittenSelfReview, Measure::Fine, Measure::Reassignment, Measure::Dismissal], labels::measure)/>
            </div>
            <TextField form=form name="reason" field=Field::Reason multiline=true required=true label=t("事实与理由", "事實與理由", "Facts and reasons")/>
            <TextField form=form name="appeal_until" field=Field::Deadline input_type="date" required=true label=t("申诉截止日期", "申訴截止日期", "Appeals accepted until")/>
        }.into_any(),
        C::FileAppeal => {
            let me = app.session.with_untracked(|s| s.as_ref().map(|s| s.user.id.clone()));
            let choices: Vec<(String, String)> = view
                .as_ref()
                .map(|v| v.accountability.iter().filter(|a| Some(&a.value.person) == me.as_ref()).map(|a| {
                    (a.event.to_string(), format!("{} · {}", labels::measure(tr, a.value.measure), labels::date(tr, a.at)))
                }).collect())
                .unwrap_or_default();
            view! {
                <SelectField form=form name="accountability" field=Field::Accountability required=true placeholder=true
                    label=t("申诉的决定", "申訴的決定", "Decision appealed") options=Signal::derive(move || choices.clone())/>
                <TextField form=form name="reason" field=Field::Reason multiline=true required=true label=t("申诉理由", "申訴理由", "Grounds")/>
            }.into_any()
        }
        C::DecideAppeal => {
            let choices: Vec<(String, String)> = view
                .as_ref()
                .map(|v| v.appeals.iter()
                    .filter(|a| !v.appeal_decisions.iter().any(|d| d.value.appeal == a.event))
                    .map(|a| (a.event.to_string(), format!("{} · {}", actor(&a.actor), a.value.reason.as_str())))
                    .collect())
                .unwrap_or_default();
            view! {
                <SelectField form=form name="appeal" field=Field::Appeal required=true placeholder=true
                    label=t("申诉", "申訴", "Appeal") options=Signal::derive(move || choices.clone())/>
                <CheckField form=form name="upheld" label=t("申诉成立（撤销处理措施）", "申訴成立（撤銷處理措施）", "Upheld (the measure is lifted)")/>
                <TextField form=form name="decision" field=Field::Text multiline=true required=true label=t("决定", "決定", "Decision")/>
            }.into_any()
        }
        C::AmendRecord => view! {
            <CheckField form=form name="anonymous" label=t("匿名投诉（不留个人信息）", "匿名投訴（不留個人資訊）", "Anonymous (no personal data)")/>
            <div class="grid-2">
                <TextField form=form name="name" field=Field::ComplainantName label=t("姓名", "姓名", "Name")/>
                <TextField form=form name="phone" input_type="tel" field=Field::Phone label=t("联系电话", "聯絡電話", "Phone")/>
                <TextField form=form name="email" input_type="email" field=Field::Email label=t("电子邮件", "電子郵件", "E-mail")/>
                <TextField form=form name="organisation" field=Field::Organisation label=t("单位", "單位", "Organisation")/>
            </div>
            <TextField form=form name="address" field=Field::Address label=t("地址", "地址", "Address")/>
            <div class="grid-2">
                <TextField form=form name="occurred_at" input_type="datetime-local" field=Field::OccurredAt label=t("发生时间", "發生時間", "When it happened")/>
                <TextField form=form name="location" field=Field::Location label=t("发生地点", "發生地點", "Where")/>
            </div>
            <TextField form=form name="description" multiline=true required=true field=Field::Description label=t("投诉事由", "投訴事由", "What happened")/>
            <TextField form=form name="request" multiline=true field=Field::Request label=t("客户诉求", "客戶訴求", "What the complainant asks for")/>
        }.into_any(),
        C::LinkDuplicate => view! {
            <TextField form=form name="of_label" field=Field::CaseNumber required=true
                label=t("原案件编号（或临时编号）", "原案件編號（或臨時編號）", "Number (or provisional label) of the original case")/>
        }.into_any(),
        _ => view! { <p/> }.into_any(),
    }
}
