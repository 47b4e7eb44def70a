//! `/complain`, the public's online complaint (000/001 website entry, 002 "在線反饋平台…隨時
//! 提交"), and `/status`, the lookup by number and code. No account; the server limits both.

use leptos::prelude::*;
use tousu_shared::api::public::{PublicStatus, StatusQuery, WebComplaint};

use super::{Draft, Receipt, ReceiptView, Step, StepView, Top, step_errors};
use crate::{api, labels::use_tr};

/// The web form: the kiosk's steps, sent at once; a refusal keeps every word typed.
#[component]
pub fn ComplainPage() -> impl IntoView {
    let tr = use_tr();
    let draft = Draft::new();
    let step = RwSignal::new(0usize);
    let errors = RwSignal::new(Vec::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let receipt = RwSignal::new(None::<Receipt>);
    let next = move |_| {
        let current = Step::ALL[step.get_untracked()];
        let found = step_errors(&draft, current);
        let ok = found.is_empty();
        errors.set(found);
        if !ok {
            super::show_errors();
            return;
        }
        if step.get_untracked() + 1 < Step::ALL.len() {
            step.update(|s| *s += 1);
            return;
        }
        let body = WebComplaint {
            complaint: draft.complaint(),
            photos: draft.photos(),
        };
        busy.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            match api::counter::complain(&body).await {
                Ok(r) => {
                    receipt.set(Some(Receipt::of(&r)));
                    draft.clear();
                }
                Err(e) => failure.set(Some(why(tr, &e))),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="counter counter-web" data-testid="complain-page">
            <Top title=["在线投诉", "線上投訴", "Make a complaint"]/>
            {move || match receipt.get() {
                Some(r) => view! {
                    <ReceiptView receipt=Signal::derive(move || r.clone())/>
                    <div class="counter-actions no-print">
                        <button type="button" class="btn btn-large" on:click=move |_| { let _ = window().print(); }>
                            {tr.t("打印回执", "列印回執", "Print the receipt")}
                        </button>
                    </div>
                }.into_any(),
                None => view! {
                    <form class="counter-card" novalidate on:submit=move |ev| { ev.prevent_default(); next(()); }>
                        {move || view! { <StepView draft=draft step=Step::ALL[step.get()] errors=errors/> }}
                        <Show when=move || failure.with(Option::is_some)>
                            <p class="error-summary" role="alert" data-testid="counter-failure">{move || failure.get()}</p>
                        </Show>
                        <div class="counter-actions">
                            <Show when=move || { step.get() > 0 }>
                                <button type="button" class="btn btn-large" data-testid="counter-back"
                                    on:click=move |_| { errors.set(Vec::new()); step.update(|s| *s -= 1); }>
                                    {move || tr.t("上一步", "上一步", "Back")}
                                </button>
                            </Show>
                            <button type="submit" class="btn btn-primary btn-large" data-testid="counter-next" disabled=move || busy.get()>
                                {move || if step.get() + 1 == Step::ALL.len() { tr.t("提交投诉", "提交投訴", "Submit") } else { tr.t("下一步", "下一步", "Next") }}
                            </button>
                        </div>
                    </form>
                }.into_any(),
            }}
        </main>
    }
}

/// Why a public call failed, in words (nothing typed is lost: the form stays as it was).
pub fn why(tr: crate::labels::Tr, e: &api::ApiError) -> String {
    match e {
        api::ApiError::Unreachable(_) => tr
            .t(
                "暂时无法连接服务器，您填写的内容仍在，请稍后再提交。",
                "暫時無法連接伺服器，您填寫的內容仍在，請稍後再提交。",
                "The server cannot be reached right now. What you wrote is kept: submit again later.",
            )
            .into(),
        api::ApiError::TooMany => tr
            .t(
                "提交太频繁，请稍后再试。",
                "提交太頻繁，請稍後再試。",
                "Too many submissions: try again in a few minutes.",
            )
            .into(),
        api::ApiError::Refused { body, .. } if body.code == "payload_too_large" => tr
            .t(
                "照片太大，请删除一张后再提交。",
                "照片太大，請刪除一張後再提交。",
                "The photos are too large: remove one and submit again.",
            )
            .into(),
        other => format!(
            "{} ({other})",
            tr.t("提交未成功", "提交未成功", "Not submitted")
        ),
    }
}

/// `/status`: number + lookup code → the stage in plain words.
#[component]
pub fn StatusPage() -> impl IntoView {
    let tr = use_tr();
    let number = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let answer = RwSignal::new(None::<Result<PublicStatus, String>>);
    let busy = RwSignal::new(false);
    let look = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = StatusQuery {
            number: number.get_untracked(),
            code: code.get_untracked(),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let found = api::counter::status(&query).await.map_err(|e| match &e {
                api::ApiError::Refused { status: 404, .. } => tr
                    .t(
                        "没有找到：请核对编号和查询码。",
                        "沒有找到：請核對編號和查詢碼。",
                        "Not found: check the number and the lookup code.",
                    )
                    .to_string(),
                other => why(tr, other),
            });
            answer.set(Some(found));
            busy.set(false);
        });
    };
    view! {
        <main class="counter counter-web" data-testid="status-page">
            <Top title=["投诉进度查询", "投訴進度查詢", "Complaint status"]/>
            <form class="counter-card" on:submit=look novalidate>
                <h1 class="counter-question">{move || tr.t("输入回执上的编号和查询码", "輸入回執上的編號和查詢碼", "Enter the number and lookup code from your receipt")}</h1>
                <div class="counter-field">
                    <label for="status-number">{move || tr.t("投诉编号", "投訴編號", "Complaint number")}</label>
                    <input id="status-number" data-testid="status-number" autocomplete="off"
                        prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev))/>
                </div>
                <div class="counter-field">
                    <label for="status-code">{move || tr.t("查询码", "查詢碼", "Lookup code")}</label>
                    <input id="status-code" data-testid="status-code" autocomplete="off" autocapitalize="characters"
                        prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                </div>
                <div class="counter-actions">
                    <button type="submit" class="btn btn-primary btn-large" data-testid="status-submit" disabled=move || busy.get()>
                        {move || tr.t("查询", "查詢", "Look up")}
                    </button>
                </div>
                <div aria-live="polite">
                    {move || answer.get().map(|a| match a {
                        Err(message) => view! { <p class="error-summary" role="alert" data-testid="status-error">{message}</p> }.into_any(),
                        Ok(s) => {
                            let words = s.stage.words();
                            let due = s.answer_due.clone();
                            view! {
                                <dl class="counter-status" data-testid="status-answer" data-stage=format!("{:?}", s.stage)>
                                    <dt>{move || tr.t("投诉编号", "投訴編號", "Complaint number")}</dt>
                                    <dd class="mono counter-big">{s.number.clone()}</dd>
                                    <dt>{move || tr.t("进度", "進度", "Progress")}</dt>
                                    <dd class="counter-big" data-testid="status-stage">{move || tr.t(words[0], words[1], words[2])}</dd>
                                    {due.map(|d| view! {
                                        <dt>{move || tr.t("预计答复日期", "預計答覆日期", "Expected answer by")}</dt>
                                        <dd>{move || super::show_date(tr, &d)}</dd>
                                    })}
                                </dl>
                            }.into_any()
                        }
                    })}
                </div>
            </form>
        </main>
    }
}
