//! `/teaching`: the teaching cases (案例分析, issue 14 §6; 000 "通過實際案例分析,加深工作人員對投訴
//! 處理的理解和掌握"; 003 "通過案例的學習與分享"), read anonymised by every member of staff;
//! `/teaching?case=…` shows one, to print. Online the server's list (every teaching case,
//! anonymised there); offline the cases on this device marked as teaching cases, anonymised
//! here by the same shared rule, and the screen says which.

use leptos::prelude::*;
use tousu_shared::{
    fold::fold,
    teaching::{TeachingCase, anonymised, day_words},
    words::Worded as _,
};

use crate::{
    api,
    context::{App, use_app},
    labels::{self, Tr, use_tr},
    pages::stats::export::ServerXlsx,
    platform,
    store::CaseStore as _,
};

/// The device's teaching cases, anonymised for a reader of `lang`.
async fn on_device(app: App, lang: usize) -> Option<Vec<TeachingCase>> {
    let store = app.user_store()?;
    let staff: Vec<String> = app
        .reference
        .with_untracked(|r| r.people.iter().map(|p| p.display_name.clone()).collect());
    let offset = labels::local_offset();
    let mut out = Vec::new();
    for s in app.summaries().await?.iter().filter(|s| s.teaching) {
        let events = store.case_events(s.id).await.ok()?;
        out.extend(anonymised(&fold(s.id, &events), &staff, lang, offset));
    }
    Some(out)
}

/// `/teaching`.
#[component]
pub fn TeachingPage(
    /// The one case to show, from the address.
    case: Option<String>,
) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let online = platform::use_online();
    let only = case.clone();
    let cases = LocalResource::new(move || {
        let (on, lang, locale) = (online.get(), tr.index(), tr.locale().as_str());
        app.revision.get();
        let token = app.session.with(|s| s.as_ref().map(|s| s.token.clone()));
        async move {
            if let (true, Some(token)) = (on, token)
                && let Ok(list) = api::teaching_cases(&token, locale).await
            {
                return Some((list, false));
            }
            on_device(app, lang).await.map(|list| (list, true))
        }
    });
    let title = move || tr.t("教学案例", "教學案例", "Teaching cases");
    view! {
        <section class="page" data-testid="page-teaching">
            <header class="page-head no-print">
                <h1 class="page-title">{title}</h1>
                <div class="exports">
                    <button type="button" class="btn" data-testid="print-teaching" on:click=move |_| { let _ = window().print(); }>
                        {move || tr.t("打印", "列印", "Print")}
                    </button>
                    <ServerXlsx path=Signal::derive(|| Some("teaching-cases.xlsx".to_string()))
                        name="tousu-teaching-cases.xlsx".to_string()
                        label=["导出 XLSX（服务器）", "匯出 XLSX（伺服器）", "XLSX (server)"] testid="export-teaching"/>
                </div>
            </header>
            <h1 class="print-only">{title}</h1>
            {only.clone().map(|_| view! {
                <p class="no-print"><a href="/teaching" data-testid="teaching-all">{move || tr.t("全部教学案例", "全部教學案例", "All teaching cases")}</a></p>
            })}
            <Suspense fallback=move || view! { <p class="muted">{tr.t("正在读取…", "正在讀取…", "Loading…")}</p> }>
                {move || cases.get().map(|found| match found {
                    None => view! { <p class="notice" role="alert">{tr.t("无法读取教学案例。", "無法讀取教學案例。", "The teaching cases could not be read.")}</p> }.into_any(),
                    Some((list, device)) => {
                        let list: Vec<_> = list
                            .into_iter()
                            .filter(|c| only.as_ref().is_none_or(|id| c.case.to_string() == *id))
                            .collect();
                        view! {
                            <p class="stats-source no-print" data-testid="teaching-source">{if device {
                                tr.t(
                                    "离线：只显示本设备上的教学案例，已在本机匿名化。",
                                    "離線：只顯示本裝置上的教學案例，已在本機匿名化。",
                                    "Offline: only the teaching cases on this device, anonymised here.",
                                )
                            } else {
                                tr.t(
                                    "全部教学案例，已由服务器匿名化：姓名、联系方式、地址、地点和长号码均已替换。",
                                    "全部教學案例，已由伺服器匿名化：姓名、聯絡方式、地址、地點和長號碼均已替換。",
                                    "Every teaching case, anonymised by the server: names, contacts, addresses, places and long numbers replaced.",
                                )
                            }}</p>
                            {list.is_empty().then(|| view! {
                                <p class="empty" data-testid="teaching-empty">{tr.t(
                                    "还没有教学案例。主管可以在已结案的案件上「标为教学案例」。",
                                    "還沒有教學案例。主管可以在已結案的案件上「標為教學案例」。",
                                    "No teaching cases yet. A supervisor marks a closed case as one.",
                                )}</p>
                            })}
                            {list.into_iter().map(|c| view! { <Case case=c tr=tr/> }).collect_view()}
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One teaching case, as it prints.
#[component]
fn Case(case: TeachingCase, tr: Tr) -> impl IntoView {
    let app = use_app();
    let word = |w: Option<tousu_shared::words::Words>| w.map(|w| tr.w(w).to_string());
    let category = case.category.as_ref().map(|c| app.category_name(tr, c));
    let heading = format!(
        "{} · {}",
        category
            .clone()
            .unwrap_or_else(|| tr.w(case.kind.words()).to_string()),
        case.month
    );
    let facts: Vec<(&'static str, Option<String>)> = vec![
        (tr.t("类型", "類型", "Kind"), word(Some(case.kind.words()))),
        (
            tr.t("渠道", "渠道", "Channel"),
            word(Some(case.channel.words())),
        ),
        (
            tr.t("紧急程度", "緊急程度", "Severity"),
            word(case.severity.map(|s| s.words())),
        ),
        (tr.t("原因", "原因", "Cause"), case.cause.clone()),
        (
            tr.t("责任部门", "責任部門", "Department"),
            case.department.as_ref().map(|d| app.department_name(d)),
        ),
        (
            tr.t("调查结论", "調查結論", "Finding"),
            word(case.finding.map(|f| f.words())),
        ),
        (
            tr.t("结果", "結果", "Outcome"),
            word(case.outcome.map(|o| o.words())),
        ),
        (
            tr.t("满意度", "滿意度", "Satisfaction"),
            word(case.satisfaction.map(|s| s.words())),
        ),
        (
            tr.t("重开次数", "重開次數", "Reopened"),
            (case.reopen_count > 0).then(|| case.reopen_count.to_string()),
        ),
        (tr.t("诉求", "訴求", "Request"), case.request.clone()),
    ];
    let lang = tr.index();
    let href = format!("/teaching?case={}", case.case);
    view! {
        <article class="sheet teaching-case" data-testid="teaching-case">
            <header class="page-head">
                <h2>{heading}</h2>
                <a class="btn no-print" href=href data-testid="teaching-open">{tr.t("单独查看 / 打印", "單獨查看 / 列印", "Open / print")}</a>
            </header>
            <dl class="teaching-facts">
                {facts.into_iter().filter_map(|(k, v)| v.map(|v| view! { <dt>{k}</dt><dd>{v}</dd> })).collect_view()}
            </dl>
            <h3>{tr.t("处理经过", "處理經過", "Course")}</h3>
            <ol class="teaching-steps" data-testid="teaching-steps">
                {case.steps.into_iter().map(|s| view! {
                    <li>
                        <span class="teaching-day">{day_words(s.day, lang)}</span>
                        " "
                        <strong>{labels::command(tr, s.step)}</strong>
                        {(!s.text.is_empty()).then(|| view! { <p>{s.text}</p> })}
                    </li>
                }).collect_view()}
            </ol>
            <h3>{tr.t("案例启示", "案例啟示", "Lesson")}</h3>
            {case.lessons.into_iter().map(|l| view! { <blockquote class="teaching-lesson" data-testid="teaching-lesson">{l}</blockquote> }).collect_view()}
        </article>
    }
}
