//! `/stats/table?period=…`: the statistics table (003 客戶投訴統計表: "《客戶投訴統計表》格式如下:
//! 投訴 姓名 內容 責任部門 處理方式 損失金額 備註 日期 編號 品名 數量 賠償 折算"), a line per case
//! received in the period on this device, in the columns of the profile's table (003's where
//! the profile has none), each cell filled as the printed sheets fill it; printable.

use leptos::prelude::*;
use tousu_shared::profile::Forms;

use super::{
    export::ServerXlsx,
    picker::{PeriodError, PeriodFields, Picker},
    summaries::period_resource,
};
use crate::{
    context::use_app,
    labels::{self, use_tr},
    pages::sheets::value,
    router::encode,
};

/// `/stats/table`.
#[component]
pub fn StatisticsTable(
    /// The period named in the address.
    period: Option<String>,
) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let picker = Picker::new(period.as_deref());
    let period = picker.period;
    let form = app
        .reference
        .with_untracked(|r| {
            r.profile
                .as_ref()
                .and_then(|p| p.forms.as_ref())
                .and_then(|f| f.statistics.clone())
        })
        .unwrap_or_else(Forms::generic_statistics);
    let title = labels::names(tr, &form.title);
    let cases = period_resource(
        app,
        period,
        |s, p, offset| {
            s.stat
                .as_ref()
                .is_some_and(|r| p.contains(r.received.date(offset)))
        },
        |views, _, _| views,
    );
    let heads = form.fields.clone();
    view! {
        <section class="page page-wide" data-testid="page-stats-table">
            <header class="page-head no-print">
                <h1 class="page-title">{title.clone()}</h1>
                <div class="exports">
                    <button type="button" class="btn" data-testid="print-table" on:click=move |_| { let _ = window().print(); }>
                        {move || tr.t("打印", "列印", "Print")}
                    </button>
                    <ServerXlsx path=Signal::derive(move || period.get().map(|p| format!("statistics-table.xlsx?period={}", encode(&p.text()))))
                        name=Signal::derive(move || format!("tousu-statistics-table-{}.xlsx", period.get().map(|p| p.text().replace("..", "_")).unwrap_or_default()))
                        label=["导出 XLSX（服务器，全部可见案件）", "匯出 XLSX（伺服器，全部可見案件）", "XLSX (server, every case you may see)"] testid="export-table"/>
                </div>
            </header>
            <div class="filter-bar no-print" role="group" aria-label=move || tr.t("统计期间", "統計期間", "Period")>
                <PeriodFields picker=picker/>
            </div>
            <PeriodError period=period/>
            <h1 class="print-only">{title}</h1>
            <p class="stats-source" data-testid="table-source">{move || tr.t(
                "本设备上的案件，按受理时间排列。",
                "本裝置上的案件，按受理時間排列。",
                "The cases on this device, in the order received.",
            )}</p>
            <div class="table-scroll">
                <table class="dense-table stats-table" data-testid="stats-table">
                    <thead><tr>{heads.iter().map(|f| view! { <th scope="col">{labels::names(tr, &f.name)}</th> }).collect_view()}</tr></thead>
                    <Transition fallback=|| ()>
                        <tbody>
                            {move || cases.get().flatten().unwrap_or_default().into_iter().map(|v| {
                                let cells = form.fields.iter().map(|f| view! { <td>{value(app, tr, &v, f.key)}</td> }).collect_view();
                                view! { <tr data-testid="stats-table-row">{cells}</tr> }
                            }).collect_view()}
                        </tbody>
                    </Transition>
                </table>
            </div>
        </section>
    }
}
