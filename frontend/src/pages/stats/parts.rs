//! The statistics screen's parts: whose cases, the headline figures, the charts, and the
//! banner over a drilled case list.

use leptos::prelude::*;
use tousu_shared::{
    stats::{self, Change, Dimension, Measure, Report, StatScope},
    words::Worded,
};

use super::{drill_href, group_label, percent};
use crate::{
    charts::{Bar, BarChart, ColumnChart},
    context::use_app,
    labels::use_tr,
};

/// Above the drilled case list: which bar it is, and how many of its cases are not on this
/// device (archived ones stay on the server; reading them goes through the archive).
#[component]
pub fn DrillBanner(
    drill: stats::Drill,
    /// The bar's count, when the statistics said it.
    counted: Option<u32>,
    /// The cases listed.
    shown: Signal<usize>,
) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let group = group_label(app, tr, drill.by, &drill.key);
    let back = format!(
        "/stats?period={}&by={}",
        drill.period.text(),
        drill.by.tag()
    );
    let missing = move || {
        let n = counted? as usize;
        let m = shown.get();
        (n > m).then(|| match tr.locale() {
            crate::i18n::Locale::en => format!(" The statistics count {n}; {} are not on this device (archived cases stay on the server).", n - m),
            crate::i18n::Locale::zh_TW => format!("統計共 {n} 件，其中 {} 件不在本裝置上（已歸檔的案件只存於伺服器）。", n - m),
            _ => format!("统计共 {n} 件，其中 {} 件不在本设备上（已归档的案件只存于服务器）。", n - m),
        })
    };
    view! {
        <p class="notice drill" role="status" data-testid="drill">
            {tr.t("统计明细：", "統計明細：", "From the statistics: ")}
            {drill.period.text()} " · " {tr.w(drill.by.words())} " = " <strong data-testid="drill-group">{group}</strong> " "
            <a href=back data-testid="drill-back">{tr.t("返回统计", "返回統計", "Back to the statistics")}</a>
            <span data-testid="drill-missing">{missing}</span>
        </p>
    }
}

/// Whose cases the figures read: the server's, or only this device's (said plainly).
#[component]
pub fn Source(device_rows: Option<usize>, scope: Option<StatScope>) -> impl IntoView {
    let tr = use_tr();
    let whose = match scope {
        Some(StatScope::Department(_)) => {
            tr.t("本部门的案件", "本部門的案件", "your department's cases")
        }
        _ => tr.t("全部案件", "全部案件", "all cases"),
    };
    match device_rows {
        Some(n) => view! {
            <p class="notice notice-device" role="status" data-testid="stats-device">
                {match tr.locale() {
                    crate::i18n::Locale::en => format!("Only the {n} cases on this device are counted (offline or the server did not answer); archived cases kept only on the server are missing."),
                    crate::i18n::Locale::zh_TW => format!("僅統計本裝置上的 {n} 件案件（離線或伺服器未回應），只存於伺服器的已歸檔案件不在其中。"),
                    _ => format!("仅统计本设备上的 {n} 件案件（离线或服务器未响应），只存于服务器的已归档案件不在其中。"),
                }}
            </p>
        }.into_any(),
        None => view! {
            <p class="stats-source" role="status" data-testid="stats-server">
                {tr.t("服务器统计：", "伺服器統計：", "From the server: ")}{whose}
                {tr.t("，含已归档和已销毁的案件。", "，含已歸檔和已銷毀的案件。", ", archived and destroyed ones included.")}
            </p>
        }.into_any(),
    }
}

/// The headline figures, each with the period before and the same period a year before.
#[component]
pub(super) fn Figures(report: Report) -> impl IntoView {
    let tr = use_tr();
    let t = report.total;
    let compare = move |now: u32, before: u32, year: u32| match tr.locale() {
        crate::i18n::Locale::en => format!("{now} · previous {before} · a year before {year}"),
        crate::i18n::Locale::zh_TW => format!("{now} · 上期 {before} · 去年同期 {year}"),
        _ => format!("{now} · 上期 {before} · 去年同期 {year}"),
    };
    let days = t
        .average_working_days_tenths()
        .map_or_else(|| "—".to_string(), |d| format!("{}.{}", d / 10, d % 10));
    let yuan = format!(
        "{}.{:02}",
        t.compensation_fen / 100,
        t.compensation_fen % 100
    );
    let tiles: [([&str; 3], String, String, &str); 8] = [
        (
            ["受理", "受理", "Received"],
            t.count.to_string(),
            compare(t.count, report.previous.count, report.year_before.count),
            "fig-count",
        ),
        (
            ["已答复", "已答覆", "Answered"],
            t.answered.to_string(),
            String::new(),
            "fig-answered",
        ),
        (
            ["按时办结率", "按時辦結率", "On time"],
            percent(t.on_time_per_mille()),
            format!("{} / {}", t.on_time, t.on_time + t.late),
            "fig-on-time",
        ),
        (
            ["满意率", "滿意率", "Satisfied"],
            percent(t.satisfaction_per_mille()),
            format!("{} / {}", t.satisfied, t.revisited),
            "fig-satisfaction",
        ),
        (
            ["重开率", "重開率", "Reopened"],
            percent(t.reopen_per_mille()),
            t.reopened.to_string(),
            "fig-reopen",
        ),
        (
            [
                "平均办理（工作日）",
                "平均辦理（工作日）",
                "Average working days",
            ],
            days,
            String::new(),
            "fig-days",
        ),
        (
            ["当前超时", "目前逾時", "Overdue now"],
            report.overdue_now.to_string(),
            String::new(),
            "fig-overdue",
        ),
        (
            ["赔偿合计（元）", "賠償合計（元）", "Compensation (yuan)"],
            yuan,
            String::new(),
            "fig-compensation",
        ),
    ];
    view! {
        <dl class="figures">
            {tiles.into_iter().map(|(label, value, detail, testid)| view! {
                <div class="figure" data-testid=testid>
                    <dt>{tr.w(label)}</dt>
                    <dd class="figure-value">{value}</dd>
                    <dd class="figure-detail">{detail}</dd>
                </div>
            }).collect_view()}
        </dl>
    }
}

/// The groups, the volume over time and the clocks, each bar leading to its cases.
#[component]
pub(super) fn Charts(report: Report, trend: Report) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let by = report.by;
    let groups = report
        .groups
        .iter()
        .map(|g| Bar {
            label: group_label(app, tr, by, &g.key),
            value: g.figures.count,
            text: g.figures.count.to_string(),
            href: Some(drill_href(report.period, by, &g.key, g.figures.count)),
        })
        .collect();
    // Every month of the range, those without cases too.
    let (from, to) = trend.period.bounds();
    let columns = (from.year() * 12 + i32::from(from.month()) - 1
        ..=to.year() * 12 + i32::from(to.month()) - 1)
        .map(|m| {
            let key = format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1);
            let count = trend
                .groups
                .iter()
                .find(|g| g.key == key)
                .map_or(0, |g| g.figures.count);
            Bar {
                label: key.get(2..).unwrap_or(&key).to_string(),
                value: count,
                text: count.to_string(),
                href: (count > 0).then(|| drill_href(trend.period, Dimension::Month, &key, count)),
            }
        })
        .collect();
    let clocks = report
        .clocks
        .iter()
        .map(|c| {
            let rate = stats::per_mille(c.met, c.met + c.missed);
            Bar {
                label: tr.w(c.stage.words()).to_string(),
                value: rate.unwrap_or(0),
                text: format!("{} ({}/{})", percent(rate), c.met, c.met + c.missed),
                href: None,
            }
        })
        .collect();
    let by_title = format!("{}{}", tr.t("按", "按", "By "), tr.w(by.words()));
    view! {
        <div class="charts">
            <ColumnChart title=tr.t("受理量（按月）", "受理量（按月）", "Cases received by month").to_string() columns=columns testid="chart-months"/>
            <BarChart title=by_title bars=groups testid="chart-groups"/>
            <BarChart title=tr.t("各时限按时率", "各時限按時率", "On time per deadline").to_string() bars=clocks testid="chart-clocks" full=1000/>
        </div>
    }
}

/// One change against the period before, written out as the printed report says it.
fn sentence(app: crate::context::App, tr: crate::labels::Tr, by: Dimension, c: &Change) -> String {
    let subject = match &c.key {
        None => tr.t("全部案件", "全部案件", "all cases").to_string(),
        Some(k) => format!("{}「{}」", tr.w(by.words()), group_label(app, tr, by, k)),
    };
    let (measure, value): (&str, fn(u32) -> String) = match c.measure {
        Measure::Count => (tr.t("受理量", "受理量", "cases received"), |n| {
            n.to_string()
        }),
        Measure::OnTime => (
            tr.t("按时办结率", "按時辦結率", "on-time rate"),
            |p| percent(Some(p)),
        ),
        Measure::Satisfaction => (tr.t("满意率", "滿意率", "satisfaction rate"), |p| {
            percent(Some(p))
        }),
    };
    let up = c.to > c.from;
    let (from, to) = (value(c.from), value(c.to));
    match tr.locale() {
        crate::i18n::Locale::en => format!(
            "The {measure} of {subject} {} from {from} to {to}.",
            if up { "rose" } else { "fell" }
        ),
        _ => format!(
            "{subject}的{measure}由 {from} {}至 {to}。",
            if up {
                tr.t("上升", "上升", "")
            } else {
                tr.t("下降", "下降", "")
            }
        ),
    }
}

/// The largest changes against the period before, a sentence each (the printed report's
/// summary), and the button that prints the screen as the period's report.
#[component]
pub(super) fn Changes(report: Report) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let by = report.by;
    let sentences: Vec<String> = report
        .largest_changes(5)
        .iter()
        .map(|c| sentence(app, tr, by, c))
        .collect();
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <section class="changes" aria-labelledby="changes-h" data-testid="changes">
            <div class="changes-head">
                <h2 id="changes-h">{tr.t("与上期相比", "與上期相比", "Against the period before")}</h2>
                <button type="button" class="btn no-print" data-testid="print-report" on:click=print>
                    {tr.t("打印报告", "列印報告", "Print the report")}
                </button>
            </div>
            {sentences.is_empty().then(|| view! {
                <p class="chart-empty">{tr.t("与上期相比没有变化。", "與上期相比沒有變化。", "No change against the period before.")}</p>
            })}
            <ul>
                {sentences.into_iter().map(|s| view! { <li data-testid="change">{s}</li> }).collect_view()}
            </ul>
        </section>
    }
}
