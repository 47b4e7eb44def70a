//! The statistics screen's charts: bars and columns drawn as SVG shapes by these components
//! (no chart library), each a link to the cases behind it, with its label and value as text
//! beside the shape so they read in any language, at any zoom and to a screen reader.

use leptos::prelude::*;

/// One bar or column: what it counts, how much, where it leads.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The group's name.
    pub label: String,
    /// The length it is drawn at (a count, or a rate in per mille).
    pub value: u32,
    /// The value as read (`12`, `93.4%`).
    pub text: String,
    /// The drill-down address, if the bar has cases to list.
    pub href: Option<String>,
}

/// The length of `value` against the largest, in tenths of a per cent of the track (at least
/// a sliver for anything above zero, so a small group is still seen). Integers: float
/// formatting would add kilobytes to the wasm.
fn share(value: u32, largest: u32) -> u32 {
    if largest == 0 || value == 0 {
        return 0;
    }
    (u64::from(value.min(largest)) * 1000 / u64::from(largest)).max(15) as u32
}

/// Tenths written as a decimal (`153` → `15.3`).
fn tenths(t: u32) -> String {
    format!("{}.{}", t / 10, t % 10)
}

/// Horizontal bars, largest first as given; `full` fixes the scale (1000 for rates in per
/// mille), otherwise the largest bar fills the track.
#[component]
pub fn BarChart(
    /// The chart's heading.
    title: String,
    /// The bars.
    bars: Vec<Bar>,
    /// `data-testid` of the chart.
    testid: &'static str,
    /// The value a full track stands for.
    #[prop(optional)]
    full: Option<u32>,
) -> impl IntoView {
    let largest = full.unwrap_or_else(|| bars.iter().map(|b| b.value).max().unwrap_or(0));
    let empty = bars.is_empty();
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption class="chart-title">{title}</figcaption>
            {empty.then(|| view! { <p class="chart-empty">"—"</p> })}
            <ul class="bars">
                {bars.into_iter().map(|b| {
                    let width = tenths(share(b.value, largest));
                    let body = view! {
                        <span class="bar-label">{b.label.clone()}</span>
                        <svg class="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                            <rect class="bar-fill" x="0" y="0" height="10" width=width/>
                        </svg>
                        <span class="bar-value">{b.text.clone()}</span>
                    };
                    match b.href {
                        Some(href) => view! {
                            <li><a class="bar-row" href=href data-testid="bar" data-key=b.label>{body}</a></li>
                        }.into_any(),
                        None => view! { <li><span class="bar-row">{body}</span></li> }.into_any(),
                    }
                }).collect_view()}
            </ul>
        </figure>
    }
}

/// Columns over time, oldest first, each labelled below.
#[component]
pub fn ColumnChart(
    /// The chart's heading.
    title: String,
    /// The columns.
    columns: Vec<Bar>,
    /// `data-testid` of the chart.
    testid: &'static str,
) -> impl IntoView {
    let largest = columns.iter().map(|b| b.value).max().unwrap_or(0);
    view! {
        <figure class="chart chart-columns" data-testid=testid>
            <figcaption class="chart-title">{title}</figcaption>
            <ol class="columns">
                {columns.into_iter().map(|b| {
                    let height = share(b.value, largest);
                    let y = tenths(1000 - height);
                    let height = tenths(height);
                    let body = view! {
                        <span class="col-value">{b.text.clone()}</span>
                        <svg class="col-track" viewBox="0 0 10 100" preserveAspectRatio="none" aria-hidden="true">
                            <rect class="bar-fill" x="0" width="10" y=y height=height/>
                        </svg>
                        <span class="col-label">{b.label.clone()}</span>
                    };
                    match b.href {
                        Some(href) => view! {
                            <li><a class="col" href=href data-testid="column">{body}</a></li>
                        }.into_any(),
                        None => view! { <li><span class="col">{body}</span></li> }.into_any(),
                    }
                }).collect_view()}
            </ol>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::{share, tenths};

    #[test]
    fn bars_are_drawn_to_scale_and_small_ones_stay_visible() {
        assert_eq!(share(0, 10), 0);
        assert_eq!(share(5, 0), 0);
        assert_eq!(share(10, 10), 1000);
        assert_eq!(share(5, 10), 500);
        assert_eq!(share(1, 1000), 15);
        assert_eq!(tenths(153), "15.3");
    }
}
