//! `/stats`: the office's figures (issue 14 §3). The shared report runs at once over the
//! statistics rows of the cases on this device, so the screen shows figures on opening and
//! offline; when the server answers, its report (every case the user may count, archived and
//! destroyed ones included) replaces them. Which one is shown is said on the screen.

use leptos::prelude::*;
use tousu_shared::{
    clock::Date,
    ids::{CategoryId, DepartmentId},
    model::{CaseKind, Channel, ComplainantType, Satisfaction, Severity},
    stats::{self, Dimension, Period, StatFilter, StatRow, StatScope},
    words::Worded,
};

pub mod appraisal;
pub(crate) mod export;
mod parts;
mod picker;
pub mod summaries;
pub mod table;

pub use parts::DrillBanner;
use parts::{Changes, Charts, Figures, Source};
use picker::{PeriodError, PeriodFields, Picker};

use crate::{
    api,
    context::{App, use_app},
    forms::enum_parse,
    labels::{self, Tr, use_tr},
    platform,
    router::encode,
};

pub use tousu_shared::stats::percent;

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
    let picker = Picker::new(period.as_deref());
    let period = picker.period;
    let by = RwSignal::new(
        by.as_deref()
            .and_then(Dimension::from_tag)
            .unwrap_or(Dimension::Category),
    );
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
            let all: &[tousu_shared::summary::CaseSummary] =
                all.as_ref().map_or(&[], |a| a.as_slice());
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
    view! {
        <section class="page page-wide" data-testid="page-stats">
            <header class="page-head">
                <h1 class="page-title">{move || tr.t("统计分析", "統計分析", "Statistics")}</h1>
                <export::Exports period=period/>
            </header>
            <div class="filter-bar" role="group" aria-label=move || tr.t("统计期间", "統計期間", "Period")>
                <PeriodFields picker=picker/>
                <label class="filter">
                    <span>{move || tr.t("分组", "分組", "Group by")}</span>
                    <select data-testid="stats-by" prop:value=move || by.get().tag()
                        on:change=move |ev| if let Some(d) = Dimension::from_tag(&event_target_value(&ev)) { by.set(d) }>
                        {Dimension::ALL.map(|d| view! { <option value=d.tag()>{move || tr.w(d.words())}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <PeriodError period=period/>
            {move || shown().map(|(main, trend, device_rows)| view! {
                <Source device_rows=device_rows scope=scope.clone()/>
                <Figures report=main.clone()/>
                <Changes report=main.clone()/>
                <Charts report=main trend=trend/>
            })}
        </section>
    }
}
