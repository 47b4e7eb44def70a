//! Revisit list (回訪): cases whose complainant was told the result, soonest revisit deadline
//! first, each with a quick entry form usable one-handed.

use crate::store::CaseStore as _;
use leptos::prelude::*;
use tousu_shared::{
    event::CommandKind,
    fold::fold,
    model::Stage,
    summary::{CaseFilter, CaseSort, query},
};

use crate::{
    commands::{self, Ctx, Draft},
    components::{ErrorSummary, due_chip},
    context::use_app,
    labels::{self, use_tr},
};

/// `/revisit`.
#[component]
pub fn RevisitPage() -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let (open, set_open) = signal(None::<tousu_shared::ids::CaseId>);
    // The revisit form is the case page's: the same unit, its own draft here.
    let revisit = commands::form(CommandKind::RecordRevisit).expect("revisits have a form");
    let draft = Draft::new();
    let form = draft.form;
    let ctx = move || Ctx {
        view: None,
        catalog: app.reference.with_untracked(|r| r.catalog.clone()),
        offset: labels::local_offset(),
        me: None,
        link_target: None,
    };
    // The cases waiting for a revisit, each folded: a phone revisit needs what was done and
    // what the complainant was told, not only the summary (few cases wait at a time).
    let waiting = crate::reads::read(move || {
        app.revision.get();
        async move {
            let store = app.user_store()?;
            let all = app.summaries().await?;
            let now = labels::now();
            let filter = CaseFilter {
                stage: Some(Stage::FeedbackGiven),
                ..Default::default()
            };
            let mut out = Vec::new();
            for c in query(&all, &filter, CaseSort::Urgent, now) {
                let events = store.case_events(c.id).await.unwrap_or_default();
                out.push((c.clone(), fold(c.id, &events)));
            }
            Some(out)
        }
    });
    view! {
        <section class="page" data-testid="page-revisit">
            <header class="page-head">
                <h1 class="page-title">{move || tr.t("回访", "回訪", "Revisits")}</h1>
            </header>
            <p class="page-lead">{move || tr.t(
                "已反馈客户、等待回访的案件。不满意将重新打开案件。",
                "已回饋客戶、等待回訪的案件。不滿意將重新開啟案件。",
                "Cases whose complainant has been told the result. Not satisfied reopens the case.",
            )}</p>
            <>
                {move || waiting.get().flatten().filter(|w| w.is_empty()).map(|_| view! {
                    <div class="empty" data-testid="revisit-empty">
                        {tr.t("目前没有等待回访的案件。", "目前沒有等待回訪的案件。", "No case is waiting for a revisit.")}
                    </div>
                })}
                <ul class="case-list" data-testid="revisit-list">
                    {move || {
                        let now = labels::now();
                        waiting.get().flatten().unwrap_or_default().into_iter().map(|(c, view)| {
                            let id = c.id;
                            let label = c.label();
                            let who = c.complainant.clone().unwrap_or_else(|| tr.t("匿名", "匿名", "anonymous").into());
                            let phone = c.phone.clone();
                            let due = c.next_due.map(|(_, d)| d);
                            let done = view.executions.last().map(|e| e.value.result.as_str().to_string())
                                .or_else(|| view.plan.as_ref().map(|p| p.plan.as_str().to_string()));
                            let told = view.feedback.last().map(|f| format!(
                                "{} · {}", labels::feedback_channel(tr, f.value.channel), f.value.text.as_str()
                            ));
                            let submit = move |ev: leptos::ev::SubmitEvent| {
                                ev.prevent_default();
                                match revisit.parse(&form.values.get_untracked(), &ctx()) {
                                    Err(errors) => form.errors.set(errors),
                                    Ok(body) => leptos::task::spawn_local(async move {
                                        let Some(store) = app.user_store() else { return };
                                        let heads = fold(id, &store.case_events(id).await.unwrap_or_default()).heads;
                                        if app.record(id, heads, body).await.is_ok() {
                                            set_open.set(None);
                                        }
                                    }),
                                }
                            };
                            view! {
                                <li class="case-row revisit-row" data-testid="revisit-row">
                                    <div class="case-link">
                                        <a href=format!("/cases/{id}") class="case-label">{label}</a>
                                        <span data-testid="revisit-who">{who}</span>
                                        {phone.map(|p| {
                                            // A number a tablet can dial; masked ones are shown, not linked.
                                            let dial = p.chars().all(|c| c.is_ascii_digit() || c == '+');
                                            let href = format!("tel:{p}");
                                            view! {
                                                <a class="revisit-phone" href=dial.then_some(href) data-testid="revisit-phone">{p}</a>
                                            }
                                        })}
                                        {due_chip(tr, due, now)}
                                        <dl class="revisit-facts">
                                            <dt>{tr.t("投诉事由", "投訴事由", "Complaint")}</dt>
                                            <dd>{c.excerpt.clone()}</dd>
                                            <dt>{tr.t("处理结果", "處理結果", "What was done")}</dt>
                                            <dd data-testid="revisit-done">{done.unwrap_or_else(|| "—".into())}</dd>
                                            <dt>{tr.t("已反馈", "已回饋", "Feedback given")}</dt>
                                            <dd data-testid="revisit-told">{told.unwrap_or_else(|| "—".into())}</dd>
                                        </dl>
                                        <button class="btn btn-primary" data-testid="revisit-open" on:click=move |_| {
                                            draft.open(CommandKind::RecordRevisit, &ctx());
                                            set_open.set(Some(id));
                                        }>{tr.t("记录回访", "記錄回訪", "Record revisit")}</button>
                                    </div>
                                    <Show when=move || open.get() == Some(id)>
                                        <form class="command-form" on:submit=submit novalidate>
                                            <ErrorSummary form=form fields=revisit.targets().to_vec()/>
                                            {revisit.fields(draft, &ctx())}
                                            <button type="submit" class="btn btn-primary btn-large" data-testid="revisit-submit">
                                                {tr.t("保存回访", "儲存回訪", "Save revisit")}
                                            </button>
                                        </form>
                                    </Show>
                                </li>
                            }
                        }).collect_view()
                    }}
                </ul>
            </>
        </section>
    }
}
