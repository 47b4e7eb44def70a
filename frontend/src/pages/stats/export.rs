//! The statistics screen's downloads: the case ledger of the period as CSV, made on the device
//! from its own cases (offline too, with the shared ledger's columns and masking), and as XLSX
//! from the server (every case the user may see, archived ones included).

use leptos::prelude::*;
use tousu_shared::{
    access::{AccessContext, Role, visible_case},
    fold::fold,
    ledger::{self, HEADINGS, Reader},
    stats::Period,
};
use wasm_bindgen::JsCast as _;

use crate::{
    api,
    context::{App, use_app},
    labels::{self, use_tr},
    media::ObjectUrl,
    store::CaseStore as _,
};

/// The ledger of `period` as CSV, from the cases on this device: the text and its row count.
async fn device_csv(app: App, period: Period, lang: usize) -> Option<(String, usize)> {
    let store = app.user_store()?;
    let session = app.session.get_untracked()?;
    let principal = session.principal();
    let offset = labels::local_offset();
    let catalog = app.reference.with_untracked(|r| r.catalog.clone());
    let reader = Reader {
        lang,
        full_phones: session.user.roles.contains(&Role::Supervisor),
        offset_minutes: offset,
    };
    let ctx = AccessContext {
        now: labels::now(),
        grants: Vec::new(),
    };
    let mut cases: Vec<_> = app
        .summaries()
        .await?
        .iter()
        .filter_map(|s| s.stat.clone())
        .filter(|row| period.contains(row.received.date(offset)))
        .collect();
    cases.sort_by_key(|row| (row.received, row.case));
    // A byte-order mark, so spreadsheet programs read the Chinese as UTF-8.
    let mut out = String::from("\u{feff}");
    out.push_str(&ledger::csv_line(HEADINGS.map(|h| h[lang].to_string())));
    let mut n = 0;
    for row in &cases {
        let events = store.case_events(row.case).await.ok()?;
        let view = fold(row.case, &events);
        let Some(shaped) = visible_case(&principal, &view, &ctx) else {
            continue;
        };
        let cells = ledger::row(&shaped, Some(&ledger::Facts::of(row)), &catalog, reader);
        out.push_str(&ledger::csv_line(cells.iter().map(ledger::Cell::text)));
        n += 1;
    }
    Some((out, n))
}

/// Hands `bytes` to the browser as a download named `name`.
pub(crate) fn download(bytes: &[u8], media_type: &str, name: &str) -> Option<ObjectUrl> {
    let url = ObjectUrl::new(bytes, media_type)?;
    let doc = document();
    let a = doc.create_element("a").ok()?;
    a.set_attribute("href", url.as_str()).ok()?;
    a.set_attribute("download", name).ok()?;
    a.set_attribute("data-testid", "download-link").ok()?;
    a.set_attribute("hidden", "").ok()?;
    let body = doc.body()?;
    // Replace the previous download's link (the test reads the last one).
    if let Ok(Some(old)) = doc.query_selector("[data-testid=download-link]") {
        old.remove();
    }
    body.append_child(&a).ok()?;
    a.dyn_ref::<web_sys::HtmlElement>()?.click();
    Some(url)
}

/// The two download buttons and what the last download said.
#[component]
pub fn Exports(period: Memo<Option<Period>>) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let (said, set_said) = signal(None::<String>);
    // The object URL of the last download lives as long as the screen.
    let last = StoredValue::new_local(None::<ObjectUrl>);
    let csv = move |_| {
        let Some(p) = period.get_untracked() else {
            return;
        };
        let lang = tr.index();
        leptos::task::spawn_local(async move {
            let result = device_csv(app, p, lang).await;
            let text = match result {
                Some((csv, n)) => {
                    let name = format!("tousu-ledger-{}.csv", p.text().replace("..", "_"));
                    last.set_value(download(csv.as_bytes(), "text/csv;charset=utf-8", &name));
                    match tr.locale() {
                        crate::i18n::Locale::en => format!("CSV of {n} cases on this device."),
                        crate::i18n::Locale::zh_TW => {
                            format!("已匯出本裝置上的 {n} 件案件（CSV）。")
                        }
                        _ => format!("已导出本设备上的 {n} 件案件（CSV）。"),
                    }
                }
                None => tr
                    .t(
                        "无法读取本设备上的案件。",
                        "無法讀取本裝置上的案件。",
                        "The cases on this device could not be read.",
                    )
                    .to_string(),
            };
            set_said.set(Some(text));
        });
    };
    view! {
        <div class="exports no-print">
            <button type="button" class="btn" data-testid="export-csv" on:click=csv
                disabled=move || period.get().is_none()>
                {move || tr.t("导出台账 CSV（本设备）", "匯出台賬 CSV（本裝置）", "Ledger CSV (this device)")}
            </button>
            <ServerXlsx path=Signal::derive(move || period.get().map(|p| format!("cases.xlsx?period={}", crate::router::encode(&p.text()))))
                name=Signal::derive(move || format!("tousu-ledger-{}.xlsx", period.get().map(|p| p.text().replace("..", "_")).unwrap_or_default()))
                label=["导出台账 XLSX（服务器）", "匯出台賬 XLSX（伺服器）", "Ledger XLSX (server)"] testid="export-xlsx"/>
            <a class="btn" data-testid="open-table"
                href=move || period.get().map(|p| format!("/stats/table?period={}", crate::router::encode(&p.text())))>
                {move || tr.t("统计表", "統計表", "Statistics table")}
            </a>
            <a class="btn" data-testid="open-revisits"
                href=move || period.get().map(|p| format!("/stats/revisits?period={}", crate::router::encode(&p.text())))>
                {move || tr.t("回访汇总", "回訪匯總", "Revisit summary")}
            </a>
            <Show when=move || app.menu().accountability>
                <a class="btn" data-testid="open-accountability"
                    href=move || period.get().map(|p| format!("/stats/accountability?period={}", crate::router::encode(&p.text())))>
                    {move || tr.t("责任追究汇总", "責任追究匯總", "Accountability summary")}
                </a>
            </Show>
            <span class="exports-said" role="status" data-testid="export-said">{said}</span>
        </div>
    }
}

/// A button that downloads a workbook the server writes (`/exports/{path}`, the language
/// shown added), online only, and says how it went.
#[component]
pub fn ServerXlsx(
    /// The path under `/exports/` with its query, when there is something to export.
    #[prop(into)]
    path: Signal<Option<String>>,
    /// The file's name.
    #[prop(into)]
    name: Signal<String>,
    /// The button's words.
    label: tousu_shared::words::Words,
    /// The button's test id; its status line is `{testid}-said`.
    testid: &'static str,
) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let online = crate::platform::use_online();
    let (said, set_said) = signal(None::<String>);
    let last = StoredValue::new_local(None::<ObjectUrl>);
    let click = move |_| {
        let (Some(path), Some(token)) = (
            path.get_untracked(),
            app.session
                .with_untracked(|s| s.as_ref().map(|s| s.token.clone())),
        ) else {
            return;
        };
        let sep = if path.contains('?') { '&' } else { '?' };
        let path = format!("{path}{sep}lang={}", tr.locale().as_str());
        let name = name.get_untracked();
        leptos::task::spawn_local(async move {
            let text = match api::export_bytes(&token, &path).await {
                Ok(bytes) => {
                    let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                    last.set_value(download(&bytes, kind, &name));
                    tr.t(
                        "已从服务器导出（XLSX）。",
                        "已從伺服器匯出（XLSX）。",
                        "Exported from the server (XLSX).",
                    )
                    .to_string()
                }
                Err(e) => crate::errors::api(tr, &e),
            };
            set_said.set(Some(text));
        });
    };
    view! {
        <button type="button" class="btn" data-testid=testid on:click=click
            disabled=move || path.get().is_none() || !online.get()>
            {move || tr.w(label)}
        </button>
        <span class="exports-said" role="status" data-testid=format!("{testid}-said")>{said}</span>
    }
}
