//! The period picker of the office's screens: month, quarter, year or any range, read as the
//! shared `Period::parse` reads it, starting on the period the address names.

use leptos::prelude::*;
use tousu_shared::{clock::Date, stats::Period};

use crate::labels::{self, use_tr};

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

/// The picker's state: which kind of period, the six fields, and the period they make.
#[derive(Clone, Copy)]
pub struct Picker {
    /// The period chosen (`None` while the fields make none).
    pub period: Memo<Option<Period>>,
    kind: RwSignal<String>,
    fields: [RwSignal<String>; 6],
}

impl Picker {
    /// Starts on `period` (as written in an address), else this month.
    pub fn new(period: Option<&str>) -> Self {
        let (kind0, fields0) = start(period, labels::now().date(labels::local_offset()));
        let kind = RwSignal::new(kind0);
        let fields = fields0.map(RwSignal::new);
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
        Picker {
            period,
            kind,
            fields,
        }
    }
}

/// The picker's fields, for a filter bar.
#[component]
pub fn PeriodFields(picker: Picker) -> impl IntoView {
    let tr = use_tr();
    let Picker { kind, fields, .. } = picker;
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
    }
}

/// Says so while the fields make no period (what was typed stays).
#[component]
pub fn PeriodError(period: Memo<Option<Period>>) -> impl IntoView {
    let tr = use_tr();
    move || {
        period.get().is_none().then(|| view! {
            <p class="notice" role="alert" data-testid="period-error">{tr.t(
                "请选择一个有效的期间（时间段的开始不能晚于结束，且不超过十年）。",
                "請選擇一個有效的期間（時間段的開始不能晚於結束，且不超過十年）。",
                "Choose a valid period (a range starts no later than it ends and spans at most ten years).",
            )}</p>
        })
    }
}
