//! What waits for the user's decision on a case: versions of a fact changed concurrently
//! offline, and events the server refused (withdrawn here, revised with a new step).

use leptos::prelude::*;
use tousu_shared::{
    event::{ConflictResolved, EventBody, Fact},
    ids::{CaseId, EventId},
    view::{CaseView, ConflictVersion, FactValue},
};

use crate::{
    context::use_app,
    labels::{self, Tr, use_tr},
    store::{CaseStore as _, QuarantinedEvent},
};

/// Single-valued facts two devices changed while offline: both versions of each, and one
/// step to keep one (taken by whoever may take the step the version records).
#[component]
pub(super) fn ConflictPanel(view: CaseView) -> impl IntoView {
    let tr = use_tr();
    let heads = view.heads.clone();
    let case = view.id;
    view! {
        <section class="panel panel-conflict" data-testid="conflicts" aria-labelledby="conflicts-h">
            <h2 id="conflicts-h">"! " {tr.t("并发修改冲突", "並行修改衝突", "Concurrent changes conflict")}</h2>
            <p>{tr.t(
                "两台设备离线时对同一事项做了不同修改。请选择保留哪一个：",
                "兩台裝置離線時對同一事項做了不同修改。請選擇保留哪一個：",
                "Two devices changed the same fact while offline. Choose the version to keep:",
            )}</p>
            {view.conflicts.into_iter().map(|conflict| view! {
                <h3 class="conflict-fact">{labels::fact(tr, conflict.fact)}</h3>
                <div class="conflict">
                    {conflict.versions.into_iter().map(|version| view! {
                        <VersionChoice case=case heads=heads.clone() fact=conflict.fact version=version/>
                    }).collect_view()}
                </div>
            }).collect_view()}
        </section>
    }
}

/// One version of a conflicting fact, and the button that keeps it.
#[component]
fn VersionChoice(
    case: CaseId,
    heads: Vec<EventId>,
    fact: Fact,
    version: ConflictVersion,
) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let chosen = version.event;
    let keep = move |_| {
        let heads = heads.clone();
        let body = EventBody::ConflictResolved(ConflictResolved { fact, chosen });
        leptos::task::spawn_local(async move {
            let _ = app.record(case, heads, body).await;
        });
    };
    view! {
        <div class="conflict-version">
            <p><strong>{fact_value(tr, &version.value)}</strong></p>
            <p class="muted">{app.actor_name(tr, &version.actor)}" · "{labels::date_time(tr, version.at)}</p>
            <button class="btn" data-testid="resolve-conflict" on:click=keep>
                {tr.t("保留此版本", "保留此版本", "Keep this one")}
            </button>
        </div>
    }
}

fn fact_value(tr: Tr, v: &FactValue) -> String {
    match v {
        FactValue::Stage { stage, .. } => labels::stage(tr, *stage).into(),
        FactValue::Department {
            department,
            co_departments,
        } => {
            let app = use_app();
            let mut names = vec![app.department_name(department)];
            names.extend(co_departments.iter().map(|d| app.department_name(d)));
            names.join(" + ")
        }
        FactValue::Team { team } => {
            let app = use_app();
            team.members
                .iter()
                .map(|m| app.person_name(m))
                .collect::<Vec<_>>()
                .join("、")
        }
        FactValue::Severity { severity } => labels::severity(tr, *severity).into(),
        FactValue::Category { category, .. } => use_app().category_name(tr, category),
        FactValue::PlanDecision { decision } => decision
            .map(|d| labels::decision(tr, d).to_string())
            .unwrap_or_default(),
        FactValue::Plan { plan } => plan.plan.as_str().to_string(),
        FactValue::Deadline { special, due } => {
            let kind = if *special {
                tr.t("特殊案件", "特殊案件", "special case")
            } else {
                tr.t("普通案件", "普通案件", "ordinary case")
            };
            match due {
                Some(at) => format!("{kind} · {}", labels::date_time(tr, *at)),
                None => kind.into(),
            }
        }
        FactValue::Complainant {
            anonymous: true, ..
        } => tr.t("匿名", "匿名", "anonymous").into(),
        FactValue::Complainant { complainant, .. } => [
            complainant.name.as_ref().map(|n| n.as_str().to_string()),
            complainant.phone.as_ref().map(|p| p.as_str().to_string()),
            complainant.email.as_ref().map(|e| e.as_str().to_string()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · "),
        FactValue::Details { details } => details.description.as_str().to_string(),
        FactValue::Number { number } => number.to_string(),
        FactValue::DuplicateOf { case } => format!(
            "{} {}",
            tr.t("重复于", "重複於", "duplicate of"),
            tousu_shared::number::provisional_label(*case)
        ),
    }
}

#[component]
pub(super) fn QuarantinePanel(items: Vec<QuarantinedEvent>) -> impl IntoView {
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
