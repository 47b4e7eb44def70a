//! `/stats`: the office's figures (issue 14 §3). The shared report runs at once over the
//! statistics rows of the cases on this device, so the screen shows figures on opening and
//! offline; when the server answers, its report (every case the user may count, archived and
//! destroyed ones included) replaces them. Which one is shown is said on the screen.

use leptos::prelude::*;
use tousu_shared::{
    clock::Date,
    ids::{CategoryId, DepartmentId},
    model::{CaseKind, Channel, ComplainantType, Satisfaction, Severity},
    stats::{self, Dimension, Period, Report, StatFilter, StatRow, StatScope},
    words::Worded,
};

use crate::{
    api,
    charts::{Bar, BarChart, ColumnChart},
    context::{App, use_app},
    forms::enum_parse,
    labels::{self, Tr, use_tr},
    platform,
    router::encode,
};

/// A rate in per mille as read: `93.4%`, or a dash without cases to rate.
pub fn percent(per_mille: Option<u32>) -> String {
    per_mille.map_or_else(|| "—".to_string(), |p| format!("{}.{}%", p / 10, p % 10))
}

/// The twelve months up to the end of `period` (a longer range: all of it), for the volume
/// over time.
pub fn trend_period(period: Period) -> Period {
    let (first, last) = period.bounds();
    let months = last.year() * 12 + i32::from(last.month()) - 1 - 11;
    let start =
        Date::new(months.div_euclid(12), (months.rem_euclid(12) + 1) as u8, 1).unwrap_or(first);
    Period::Range {
        from: start.min(first),
        to: last,
    }
}

/// The address of the cases behind a group of `count` cases.
pub fn drill_href(period: Period, by: Dimension, key: &str, count: u32) -> String {
    format!(
        "/cases?period={}&by={}&key={}&n={count}",
        encode(&period.text()),
        by.tag(),
        encode(key)
    )
}

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

/// A group's key as the user reads it.
pub fn group_label(app: App, tr: Tr, by: Dimension, key: &str) -> String {
    fn word<T: Worded + serde::de::DeserializeOwned>(tr: Tr, key: &str) -> Option<String> {
        enum_parse::<T>(key).map(|v| tr.w(v.words()).to_string())
    }
    if key.is_empty() {
        return tr.t("未填写", "未填寫", "Not set").to_string();
    }
    let named = match by {
        Dimension::Category => CategoryId::parse(key)
            .ok()
            .map(|c| app.category_name(tr, &c)),
        Dimension::Department => DepartmentId::parse(key)
            .ok()
            .map(|d| app.department_name(&d)),
        Dimension::Channel => word::<Channel>(tr, key),
        Dimension::Severity => word::<Severity>(tr, key),
        Dimension::Kind => word::<CaseKind>(tr, key),
        Dimension::Finding => word::<tousu_shared::event::Finding>(tr, key),
        Dimension::ComplainantType => word::<ComplainantType>(tr, key),
        Dimension::Satisfaction => {
            enum_parse::<Satisfaction>(key).map(|s| labels::satisfaction(tr, s))
        }
        Dimension::Cause | Dimension::Month => None,
    };
    named.unwrap_or_else(|| key.to_string())
}

/// What the picker starts on: the period in the address, else this month.
fn start(period: Option<&str>, today: Date) -> (String, [String; 6]) {
    let this_month = format!("{:04}-{:02}", today.year(), today.month());
    let mut fields = [
        this_month.clone(),
        today.year().to_string(),
        ((today.month() - 1) / 3 + 1).to_string(),
        today.year().to_string(),
        format!("{this_month}-01"),
        today.to_string(),
    ];
    let kind = match period.and_then(Period::parse) {
        Some(Period::Quarter { year, quarter }) => {
            fields[1] = year.to_string();
            fields[2] = quarter.to_string();
            "quarter"
        }
        Some(Period::Year { year }) => {
            fields[3] = year.to_string();
            "year"
        }
        Some(Period::Range { from, to }) => {
            fields[4] = from.to_string();
            fields[5] = to.to_string();
            "range"
        }
        Some(p @ Period::Month { .. }) => {
            fields[0] = p.text();
            "month"
        }
        None => "month",
    };
    (kind.to_string(), fields)
}

/// `/stats`.
#[component]
pub fn StatsPage(
    /// The period named in the address.
    period: Option<String>,
    /// The grouping named in the address.
    by: Option<String>,
) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let offset = labels::local_offset();
    let (kind0, fields0) = start(period.as_deref(), labels::now().date(offset));
    let kind = RwSignal::new(kind0);
    let fields = fields0.map(RwSignal::new);
    let by = RwSignal::new(
        by.as_deref()
            .and_then(Dimension::from_tag)
            .unwrap_or(Dimension::Category),
    );
    let period = Memo::new(move |_| {
        let f = |i: usize| fields[i].get().trim().to_string();
        let text = match kind.get().as_str() {
            "quarter" => format!("{}-Q{}", f(1), f(2)),
            "year" => f(3),
            "range" => format!("{}..{}", f(4), f(5)),
            _ => f(0),
        };
        Period::parse(&text)
    });
    let scope = app
        .session
        .with_untracked(|s| s.as_ref().and_then(|s| StatScope::of(&s.principal())));
    let filter = scope
        .clone()
        .map(|s| s.narrow(StatFilter::default()))
        .unwrap_or_default();
    let summaries = app.summaries_resource();
    let rows = Memo::new(move |_| {
        summaries.with(|all| {
            let all = all.as_deref().unwrap_or_default();
            if all
                .iter()
                .any(|s| s.received_at.is_some() && s.stat.is_none())
            {
                refold_once(app);
            }
            all.iter()
                .filter_map(|s| s.stat.clone())
                .collect::<Vec<StatRow>>()
        })
    });
    let device = Memo::new(move |_| {
        let p = period.get()?;
        let by = by.get();
        let now = labels::now();
        rows.with(|rows| {
            let main = stats::report(rows, p, by, &filter, offset, now);
            let trend = stats::report(
                rows,
                trend_period(p),
                Dimension::Month,
                &filter,
                offset,
                now,
            );
            Some((main, trend, rows.len()))
        })
    });
    let online = platform::use_online();
    let server = LocalResource::new(move || {
        let (p, by, on) = (period.get(), by.get(), online.get());
        let token = app.session.with(|s| s.as_ref().map(|s| s.token.clone()));
        async move {
            let (p, token) = (p.filter(|_| on)?, token?);
            let main = api::statistics(&token, p, by).await.ok()?;
            let trend = api::statistics(&token, trend_period(p), Dimension::Month)
                .await
                .ok()?;
            Some((main.report, trend.report))
        }
    });
    let shown = move || match server.get().flatten() {
        Some((main, trend)) => Some((main, trend, None)),
        None => device.get().map(|(main, trend, n)| (main, trend, Some(n))),
    };
    let kinds = [
        ("month", ["月", "月", "Month"]),
        ("quarter", ["季度", "季度", "Quarter"]),
        ("year", ["年", "年", "Year"]),
        ("range", ["时间段", "時間段", "Range"]),
    ];
    let input = move |i: usize,
                      ty: &'static str,
                      label: [&'static str; 3],
                      testid: &'static str| {
        view! {
            <label class="filter">
                <span>{move || tr.w(label)}</span>
                <input type=ty data-testid=testid prop:value=fields[i] on:change=move |ev| fields[i].set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <section class="page page-wide" data-testid="page-stats">
            <header class="page-head">
                <h1 class="page-title">{move || tr.t("统计分析", "統計分析", "Statistics")}</h1>
            </header>
            <div class="filter-bar" role="group" aria-label=move || tr.t("统计期间", "統計期間", "Period")>
                <label class="filter">
                    <span>{move || tr.t("期间", "期間", "Period")}</span>
                    <select data-testid="period-kind" prop:value=kind on:change=move |ev| kind.set(event_target_value(&ev))>
                        {kinds.map(|(v, w)| view! { <option value=v>{move || tr.w(w)}</option> }).collect_view()}
                    </select>
                </label>
                {move || match kind.get().as_str() {
                    "quarter" => view! {
                        {input(1, "number", ["年份", "年份", "Year"], "period-qyear")}
                        <label class="filter">
                            <span>{move || tr.t("季度", "季度", "Quarter")}</span>
                            <select data-testid="period-quarter" prop:value=fields[2] on:change=move |ev| fields[2].set(event_target_value(&ev))>
                                {["1", "2", "3", "4"].map(|q| view! { <option value=q>{format!("Q{q}")}</option> }).collect_view()}
                            </select>
                        </label>
                    }.into_any(),
                    "year" => input(3, "number", ["年份", "年份", "Year"], "period-year").into_any(),
                    "range" => view! {
                        {input(4, "date", ["从", "從", "From"], "period-from")}
                        {input(5, "date", ["至", "至", "To"], "period-to")}
                    }.into_any(),
                    _ => input(0, "month", ["月份", "月份", "Month"], "period-month").into_any(),
                }}
                <label class="filter">
                    <span>{move || tr.t("分组", "分組", "Group by")}</span>
                    <select data-testid="stats-by" prop:value=move || by.get().tag()
                        on:change=move |ev| if let Some(d) = Dimension::from_tag(&event_target_value(&ev)) { by.set(d) }>
                        {Dimension::ALL.map(|d| view! { <option value=d.tag()>{move || tr.w(d.words())}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            {move || period.get().is_none().then(|| view! {
                <p class="notice" role="alert" data-testid="period-error">{tr.t(
                    "请选择一个有效的期间（时间段的开始不能晚于结束，且不超过十年）。",
                    "請選擇一個有效的期間（時間段的開始不能晚於結束，且不超過十年）。",
                    "Choose a valid period (a range starts no later than it ends and spans at most ten years).",
                )}</p>
            })}
            {move || shown().map(|(main, trend, device_rows)| view! {
                <Source device_rows=device_rows scope=scope.clone()/>
                <Figures report=main.clone()/>
                <Charts report=main trend=trend/>
            })}
        </section>
    }
}

/// Rebuilds the summaries written before they carried statistics rows, once per page.
fn refold_once(app: App) {
    thread_local!(static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if DONE.with(|d| d.replace(true)) {
        return;
    }
    leptos::task::spawn_local(async move {
        let rules = app.reference.with_untracked(|r| r.rules.clone());
        if let Some(store) = app.user_store()
            && store.refold_all(&rules).await.is_ok()
        {
            app.revision.update(|r| *r += 1);
        }
    });
}

/// Whose cases the figures read: the server's, or only this device's (said plainly).
#[component]
fn Source(device_rows: Option<usize>, scope: Option<StatScope>) -> impl IntoView {
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
fn Figures(report: Report) -> impl IntoView {
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
fn Charts(report: Report, trend: Report) -> impl IntoView {
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
