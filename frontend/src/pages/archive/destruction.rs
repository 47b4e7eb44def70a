//! Destruction at the archive desk (004 "保存期滿需銷毀的，經公司相關領導批准後方可銷毀"): an
//! archivist proposes the cases past retention with a reason; a leader, never the proposer,
//! approves (the server erases them at once, keeping the statistics) or refuses.

use leptos::prelude::*;
use tousu_shared::{
    api::archive::{ArchivedCase, DestructionDecision, DestructionProposal, NewDestruction},
    clock::Timestamp,
    ids::CaseId,
};

use crate::{
    api,
    context::{server_read, use_app},
    errors,
    labels::{self, Tr, use_tr},
};

/// One archived case in a line: number, category, when archived and when retention ends.
pub fn case_line(tr: Tr, category: &str, c: &ArchivedCase) -> String {
    let number = c.number.clone().unwrap_or_else(|| c.case.to_string());
    format!(
        "{number} · {category} · {} {} · {} {}",
        tr.t("归档于", "歸檔於", "archived"),
        labels::date(tr, Timestamp(c.archived)),
        tr.t("保管期至", "保管期至", "kept until"),
        labels::date(tr, Timestamp(c.retention_over)),
    )
}

/// The name of category `code` in the current language, or the code.
pub fn category_name(tr: Tr, code: Option<&str>) -> String {
    let app = use_app();
    let Some(code) = code else {
        return "—".into();
    };
    app.category_options(tr)
        .into_iter()
        .find(|(id, _)| id == code)
        .map_or_else(|| code.to_string(), |(_, name)| name)
}

/// The archivist's proposal: the cases whose retention is over, chosen one by one, and why.
#[component]
pub fn ProposeDestruction(changed: RwSignal<u32>) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let due = server_read(move |token| {
        changed.get();
        async move { api::archived_cases(&token, "due=true").await }
    });
    let chosen = RwSignal::new(Vec::<CaseId>::new());
    let reason = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let propose = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let cases = chosen.get_untracked();
        let why = reason.get_untracked();
        if cases.is_empty() || why.trim().is_empty() {
            outcome.set(Some(Err(tr
                .t(
                    "请选择要销毁的案件并写明理由。",
                    "請選擇要銷毀的案件並寫明理由。",
                    "Choose the cases to destroy and give a reason.",
                )
                .to_string())));
            return;
        }
        let Some(token) = app.token() else {
            return;
        };
        let proposal = NewDestruction { cases, reason: why };
        leptos::task::spawn_local(async move {
            match api::propose_destruction(&token, &proposal).await {
                Ok(()) => {
                    chosen.set(Vec::new());
                    reason.set(String::new());
                    outcome.set(Some(Ok(())));
                    changed.update(|n| *n += 1);
                }
                Err(e) => outcome.set(Some(Err(errors::api(tr, &e)))),
            }
        });
    };
    view! {
        <form class="sheet-section" on:submit=propose aria-labelledby="destruction-propose" data-testid="destruction-propose">
            <h2 id="destruction-propose">{move || tr.t("销毁申请", "銷毀申請", "Propose destruction")}</h2>
            <p class="hint">{move || tr.t(
                "保管期满的档案，经公司相关领导批准后方可销毁：这里只提出申请，领导批准后才删除个人信息和文字内容，统计数据保留。",
                "保存期滿的檔案，經公司相關領導批准後方可銷毀：這裡只提出申請，領導批准後才刪除個人資料和文字內容，統計數據保留。",
                "Records past retention are destroyed only with a leader's approval: this only proposes; personal data and text are erased when a leader approves, the statistics stay.",
            )}</p>
            <Suspense fallback=move || view! { <p class="muted">{tr.t("正在读取…", "正在讀取…", "Loading…")}</p> }>
                {move || due.get().flatten().map(|answer| match answer {
                    Err(e) => view! { <p class="notice" role="alert">{errors::api(tr, &e)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty" data-testid="due-empty">{tr.t("没有保管期满的案件。", "沒有保存期滿的案件。", "No case is past retention.")}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <fieldset class="choice-list" data-testid="due-cases">
                            <legend>{tr.t("保管期满的案件", "保存期滿的案件", "Cases past retention")}</legend>
                            {list.into_iter().map(|c| {
                                let id = c.case;
                                let line = case_line(tr, &category_name(tr, c.category.as_deref()), &c);
                                view! {
                                    <label class="choice">
                                        <input type="checkbox" data-testid="due-case"
                                            prop:checked=move || chosen.with(|v| v.contains(&id))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                chosen.update(|v| {
                                                    v.retain(|x| *x != id);
                                                    if on { v.push(id); }
                                                });
                                            }/>
                                        <span>{line}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                    }.into_any(),
                })}
            </Suspense>
            <div class="field">
                <label for="destruction-reason">{move || tr.t("理由", "理由", "Reason")}</label>
                <textarea id="destruction-reason" data-testid="destruction-reason" rows="2"
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            </div>
            {move || outcome.get().map(|o| match o {
                Ok(()) => view! { <p class="notice-ok" role="status" data-testid="destruction-sent">{tr.t("申请已提交，等待领导批准。", "申請已提交，等待領導批准。", "Proposed: a leader decides.")}</p> }.into_any(),
                Err(e) => view! { <p class="notice" role="alert" data-testid="destruction-error">{e}</p> }.into_any(),
            })}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="destruction-submit">{move || tr.t("提出销毁申请", "提出銷毀申請", "Propose")}</button>
            </div>
        </form>
    }
}

/// The destruction proposals; a leader decides the pending ones.
#[component]
pub fn Proposals(changed: RwSignal<u32>, leader: bool) -> impl IntoView {
    let tr = use_tr();
    let list = server_read(move |token| {
        changed.get();
        async move { api::destruction_proposals(&token).await }
    });
    view! {
        <section class="sheet-section" aria-labelledby="destructions">
            <h2 id="destructions">{move || if leader {
                tr.t("待批准的销毁申请", "待批准的銷毀申請", "Destructions to approve")
            } else {
                tr.t("销毁申请记录", "銷毀申請記錄", "Destruction proposals")
            }}</h2>
            <Suspense fallback=move || view! { <p class="muted">{tr.t("正在读取…", "正在讀取…", "Loading…")}</p> }>
                {move || list.get().flatten().map(|answer| match answer {
                    Err(e) => view! { <p class="notice" role="alert">{errors::api(tr, &e)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty" data-testid="proposals-empty">{tr.t("没有销毁申请。", "沒有銷毀申請。", "No destruction proposals.")}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="request-list" data-testid="proposals">
                            {list.into_iter().map(|p| view! { <Proposal proposal=p leader=leader changed=changed/> }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

fn status(tr: Tr, p: &DestructionProposal) -> String {
    let when = p
        .decided_at
        .map(|t| format!(" {}", labels::date_time(tr, Timestamp(t))))
        .unwrap_or_default();
    let words = match p.status.as_str() {
        "pending" => tr.t("待领导批准", "待領導批准", "Waiting for a leader"),
        "approved" => tr.t("已批准并销毁", "已批准並銷毀", "Approved and destroyed"),
        "refused" => tr.t("已拒绝", "已拒絕", "Refused"),
        other => return other.into(),
    };
    format!("{words}{when}")
}

/// One proposal; a pending one, for a leader who did not make it, with the decision.
#[component]
fn Proposal(proposal: DestructionProposal, leader: bool, changed: RwSignal<u32>) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let id = proposal.id;
    let me = app
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.user.id.to_string()));
    let decides =
        leader && proposal.status == "pending" && me.as_deref() != Some(&proposal.proposed_by);
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let decide = move |approve: bool| {
        let Some(token) = app.token() else {
            return;
        };
        let decision = DestructionDecision {
            approve,
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
        };
        leptos::task::spawn_local(async move {
            match api::decide_destruction(&token, id, &decision).await {
                Ok(()) => changed.update(|n| *n += 1),
                Err(e) => error.set(Some(errors::api(tr, &e))),
            }
        });
    };
    let proposer = app.account_name(&proposal.proposed_by);
    let decider = proposal.decided_by.as_deref().map(|d| app.account_name(d));
    let n = proposal.cases.len();
    let shown = proposal.clone();
    let cases = proposal.cases.clone();
    view! {
        <li class="request" data-testid="proposal" data-status=proposal.status.clone()>
            <p><strong>{move || cases_count(tr, n)}</strong>
                " · "{proposer}" · "{move || labels::date_time(tr, Timestamp(proposal.proposed_at))}</p>
            <p class="muted">{proposal.reason.clone()}</p>
            <ul class="plain-list" data-testid="proposal-cases">
                {cases.into_iter().map(|c| {
                    view! { <li>{move || case_line(tr, &category_name(tr, c.category.as_deref()), &c)}</li> }
                }).collect_view()}
            </ul>
            <p data-testid="proposal-status">{move || status(tr, &shown)}
                {decider.map(|d| format!(" · {d}"))}
                {proposal.comment.clone().map(|c| format!(" — {c}"))}</p>
            {decides.then(|| view! {
                <div class="field">
                    <label for=format!("destruction-comment-{id}")>{move || tr.t("意见", "意見", "Comment")}</label>
                    <input id=format!("destruction-comment-{id}") data-testid="destruction-comment"
                        prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))/>
                </div>
                {move || error.get().map(|e| view! { <p class="notice" role="alert">{e}</p> })}
                <div class="form-actions">
                    <button type="button" class="btn" data-testid="destruction-refuse" on:click=move |_| decide(false)>{move || tr.t("不同意", "不同意", "Refuse")}</button>
                    <button type="button" class="btn btn-danger" data-testid="destruction-approve" on:click=move |_| decide(true)>{move || tr.t("批准销毁", "批准銷毀", "Approve destruction")}</button>
                </div>
            })}
        </li>
    }
}

fn cases_count(tr: Tr, n: usize) -> String {
    match tr.is_en() {
        true if n == 1 => "1 case".into(),
        true => format!("{n} cases"),
        false => format!("{n} {}", tr.t("件案件", "件案件", "")),
    }
}
