//! Printable forms from any case, offline: the record and handling sheets as the profile in
//! force lays them out (DESIGN §10's where none is: 客戶投訴記錄單, 客戶投訴處理單; see
//! [`super::sheets`]) and the complainant's receipt (受理回執). Print CSS hides the app frame
//! and keeps black on white.

use crate::store::CaseStore as _;
use leptos::prelude::*;
use tousu_shared::{fold::fold, ids::CaseId, number::provisional_label, profile::Forms};

use super::sheets::ProfileSheet;
use crate::{
    context::use_app,
    labels::{self, use_tr},
};

/// `/cases/:id/print/:sheet` (`record`, `handling` or `receipt`).
#[component]
pub fn PrintPage(id: String, sheet: String) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let id = id.parse::<uuid::Uuid>().ok().map(CaseId);
    let data = crate::reads::read(move || {
        app.revision.get();
        let sheet = sheet.clone();
        async move {
            let store = app.user_store()?;
            let id = id?;
            let events = store.case_events(id).await.ok()?;
            Some((fold(id, &events), sheet))
        }
    });
    view! {
        <section class="page print-page" data-testid="page-print">
            // Beside the sheet, not above it: the sheet starts at the top of the page.
            <p class="no-print print-tools">
                <button class="btn btn-primary" on:click=move |_| { let _ = window().print(); }>
                    <svg class="btn-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 9V3h12v6M6 18H4v-7h16v7h-2M7 14h10v7H7z"/></svg>
                    {move || tr.t("打印", "列印", "Print")}
                </button>
            </p>
            <>
                {move || data.get().flatten().map(|(view, sheet)| {
                    if sheet == "receipt" {
                        return view! { <Receipt view=view.clone()/> }.into_any();
                    }
                    // The profile's own layout, or DESIGN §10's where no profile is in force.
                    let forms = app
                        .reference
                        .with_untracked(|r| r.profile.as_ref().and_then(|p| p.forms.clone()))
                        .unwrap_or_else(Forms::generic);
                    let (form, testid) = if sheet == "handling" {
                        (forms.handling, "handling-sheet")
                    } else {
                        (forms.record, "record-sheet")
                    };
                    view! { <ProfileSheet view=view.clone() form=form testid=testid/> }.into_any()
                })}
            </>
        </section>
    }
}

/// The receipt handed to the complainant after registering (DESIGN §3: number or provisional
/// label, what happens next and the expected answer time; 002 "自動回復…預計處理時間"). Narrow
/// enough for an 80 mm receipt printer; on A4 it prints as a slip at the top of the page.
#[component]
fn Receipt(view: tousu_shared::view::CaseView) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let rules = app.reference.with_untracked(|r| r.rules.clone());
    let clocks = tousu_shared::sla::clocks(&view, &rules.policy, &rules.calendar, labels::now());
    let due = tousu_shared::sla::answer_due(&clocks);
    let provisional = view.number.is_none();
    let number = view
        .number
        .map(|n| n.to_string())
        .unwrap_or_else(|| provisional_label(view.id));
    let r = view.registration.clone();
    let row = |label: &'static str, value: String, testid: &'static str| {
        view! { <tr><th>{label}</th><td data-testid=testid>{value}</td></tr> }
    };
    view! {
        <article class="sheet-print receipt-print" data-testid="receipt">
            <h1>{tr.t("投诉受理回执", "投訴受理回執", "Complaint receipt")}</h1>
            <table class="print-table">
                {row(tr.t("投诉编号", "投訴編號", "Number"), number, "receipt-number")}
                {row(tr.t("受理时间", "受理時間", "Received"), r.as_ref().map(|r| labels::date_time(tr, r.received_at)).unwrap_or_default(), "receipt-received")}
                {row(tr.t("类型", "類型", "Kind"), r.as_ref().map(|r| labels::kind(tr, r.kind).to_string()).unwrap_or_default(), "receipt-kind")}
                {row(tr.t("渠道", "渠道", "Channel"), r.as_ref().map(|r| labels::channel(tr, r.channel).to_string()).unwrap_or_default(), "receipt-channel")}
                {row(tr.t("预计答复日期", "預計答覆日期", "Expected answer by"), due.map(|d| {
                    let date = labels::due_day(tr, d);
                    if d.uncertain {
                        format!("{date}{}", tr.t("（以节假日安排为准）", "（以節假日安排為準）", " (subject to the holiday schedule)"))
                    } else {
                        date
                    }
                }).unwrap_or_default(), "receipt-due")}
                {row(tr.t("受理人", "受理人", "Received by"), view.registered_by.as_ref().map(|a| app.actor_name(tr, a)).unwrap_or_default(), "receipt-by")}
            </table>
            <h2>{tr.t("接下来", "接下來", "What happens next")}</h2>
            <ol class="receipt-next">
                <li>{tr.t("我们登记您的投诉，并交由责任部门调查处理。", "我們登記您的投訴，並交由責任部門調查處理。", "We register your complaint and pass it to the department responsible.")}</li>
                <li>{tr.t("在预计答复日期前，我们会把处理结果告诉您。", "在預計答覆日期前，我們會把處理結果告訴您。", "By the expected date we tell you the outcome.")}</li>
                <li>{tr.t("之后我们会回访，了解您是否满意。", "之後我們會回訪，了解您是否滿意。", "Afterwards we call back to ask whether you are satisfied.")}</li>
            </ol>
            {provisional.then(|| view! {
                <p class="receipt-note" data-testid="receipt-provisional">{tr.t(
                    "这是临时编号：联网后换成正式投诉编号。",
                    "這是臨時編號：連網後換成正式投訴編號。",
                    "This is a provisional label: it becomes the official number once synced.",
                )}</p>
            })}
            <p class="receipt-note">{tr.t("查询进度请提供投诉编号。", "查詢進度請提供投訴編號。", "Quote the number when you ask about your complaint.")}</p>
        </article>
    }
}
