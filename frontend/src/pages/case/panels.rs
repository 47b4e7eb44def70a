//! What the case holds, panel by panel: the record sheet, accountability, photos,
//! signatures, deadlines and the timeline.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use tousu_shared::{
    clock::Timestamp,
    event::{CommandKind, Event, EventBody},
    ids::{CategoryId, EventId},
    model::Severity,
    sla::SlaClock,
    validate::LongText,
    view::{CaseView, EntryStatus},
};

use crate::{
    components::{BlobImage, due_chip},
    context::use_app,
    labels::{self, Tr, use_tr},
};

/// The case's clocks: each stage's due time, done or how long is left.
#[component]
pub(super) fn Deadlines(clocks: Vec<SlaClock>, now: Timestamp) -> impl IntoView {
    let tr = use_tr();
    view! {
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
    }
}

#[component]
pub(crate) fn Facts(view: CaseView) -> impl IntoView {
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
                {row(tr.t("回执承诺答复", "回執承諾答覆", "Receipt promised an answer by"), r.promised_answer.map(|at| labels::date(tr, at)))}
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
                {row(tr.t("类别", "類別", "Category"), view.category.as_ref().map(|c| app.category_name(tr, c)))}
                {row(tr.t("责任部门", "責任部門", "Department"), view.department.as_ref().map(|d| app.department_name(d)))}
                {row(tr.t("协办部门", "協辦部門", "Co-handling"), (!view.co_departments.is_empty()).then(|| view.co_departments.iter().map(|d| app.department_name(d)).collect::<Vec<_>>().join("、")))}
                {row(tr.t("调查人员", "調查人員", "Investigators"), view.team.as_ref().map(|t| t.members.iter().map(|m| if *m == t.lead { format!("{}（{}）", app.person_name(m), tr.t("组长", "組長", "lead")) } else { app.person_name(m) }).collect::<Vec<_>>().join("、")))}
                {row(tr.t("处理方案", "處理方案", "Plan"), view.plan.as_ref().map(|p| p.plan.as_str().to_string()))}
            </dl>
        </section>
    }.into_any()
}

/// Accountability decisions, appeals and their outcomes (confidential: the server sends them
/// only to supervisors and the person concerned).
#[component]
pub(crate) fn Accountability(view: CaseView) -> impl IntoView {
    let (tr, app) = (use_tr(), use_app());
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
                        <strong>{app.responsible_name(&a.value)}</strong>
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

/// Rectification measures (整改措施): each with its owner, deadline and whether it is done.
#[component]
pub(crate) fn Rectifications(view: CaseView) -> impl IntoView {
    let (tr, app) = (use_tr(), use_app());
    (!view.rectifications.is_empty()).then(|| {
        let items = view
            .rectifications
            .iter()
            .map(|r| {
                let state = match r.done {
                    Some(at) => format!("{} {}", tr.t("已完成", "已完成", "done"), labels::date(tr, at)),
                    None => tr.t("未完成", "未完成", "open").to_string(),
                };
                view! {
                    <li data-testid="rectification-item" class:is-done=r.done.is_some()>
                        <p class="timeline-text">{r.value.measure.as_str().to_string()}</p>
                        <p class="muted">
                            {app.person_name(&r.value.owner)} " · "
                            {tr.t("期限 ", "期限 ", "due ")}{labels::date(tr, Timestamp(r.value.due.0 - 1))}
                            " · " {state}
                        </p>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="panel" data-testid="rectifications">
                <h2>{tr.t("整改措施", "整改措施", "Rectification measures")}</h2>
                <ul class="plain-list">{items}</ul>
            </section>
        }
    })
}

/// Every photo of the case, from this device or fetched once from the server.
#[component]
pub(super) fn Photos(view: CaseView) -> impl IntoView {
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
pub(crate) fn Signatures(view: CaseView) -> impl IntoView {
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

/// What each decision-like step decided, in words: a review approved or returned (with its
/// comment), a revisit's satisfaction, an appeal's outcome, a classification's old → new
/// values (the values before it, from the registration or the classification before).
fn outcomes(tr: Tr, view: &CaseView, events: &[Event]) -> BTreeMap<EventId, String> {
    let app = use_app();
    let by_id: BTreeMap<EventId, &Event> =
        tousu_shared::order::map_of(events.iter().map(|e| (e.id, e)));
    let with = |head: &str, comment: Option<&LongText>| match comment {
        Some(c) => format!("{head}：{}", c.as_str()),
        None => head.to_string(),
    };
    let mut before: (Option<CategoryId>, Option<Severity>) = (None, None);
    let mut out = BTreeMap::new();
    for entry in &view.timeline {
        let applied = matches!(entry.status, EntryStatus::Applied);
        let Some(event) = by_id.get(&entry.event) else {
            continue;
        };
        let text = match &event.body {
            EventBody::Registered(r) if applied => {
                before = (r.category.clone(), r.severity);
                continue;
            }
            EventBody::Classified(c) => {
                let category = |id: &Option<CategoryId>| {
                    id.as_ref()
                        .map(|c| app.category_name(tr, c))
                        .unwrap_or("—".into())
                };
                let severity =
                    |s: Option<Severity>| s.map(|s| labels::severity(tr, s)).unwrap_or("—");
                let new = (Some(c.category.clone()), Some(c.severity));
                let mut parts = vec![format!("{} → {}", category(&before.0), category(&new.0))];
                parts.push(format!("{} → {}", severity(before.1), severity(new.1)));
                if applied {
                    before = new;
                }
                parts.join(" · ")
            }
            EventBody::ReportSubmitted(r) => {
                let mut head = r
                    .finding
                    .map(|f| labels::finding(tr, f).to_string())
                    .unwrap_or_default();
                if let Some(f) = r.fault {
                    head = format!(
                        "{head} · {}：{}",
                        tr.t("责任方", "責任方", "fault"),
                        labels::fault(tr, f)
                    );
                }
                with(&head, Some(&r.findings))
            }
            EventBody::PlanReviewed(r) => {
                with(labels::decision(tr, r.decision), r.comment.as_ref())
            }
            EventBody::RevisitRecorded(r) => with(
                &labels::satisfaction(tr, r.satisfaction),
                r.comment.as_ref(),
            ),
            EventBody::AppealDecided(d) => {
                let outcome = if d.upheld {
                    tr.t("申诉成立", "申訴成立", "upheld")
                } else {
                    tr.t("维持原决定", "維持原決定", "dismissed")
                };
                with(outcome, Some(&d.decision))
            }
            _ => continue,
        };
        out.insert(entry.event, text);
    }
    out
}

#[component]
pub(super) fn Timeline(
    view: CaseView,
    events: Vec<Event>,
    unsynced: BTreeSet<EventId>,
) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let entries = view.timeline.clone();
    let mut outcomes = outcomes(tr, &view, &events);
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
                    let detail = outcomes.remove(&e.event).or_else(|| entry_text(&view, e.event));
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
                                {app.actor_name(tr, &e.actor)} " · " {labels::date_time(tr, e.hlc.timestamp())}
                                " · " <span data-testid="entry-device">{app.device_name(tr, &e.device)}</span>
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
        .or_else(|| {
            let interim = view.interim.iter().find(|d| d.event == event);
            let pause = view.pauses.iter().find(|p| p.event == event);
            let fix = view.rectifications.iter().find(|r| r.event == event);
            interim
                .map(|d| d.value.as_str())
                .or(pause.map(|p| p.reason.as_str()))
                .or(fix.map(|r| r.value.measure.as_str()))
                .map(str::to_string)
        })
}
