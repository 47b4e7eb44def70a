//! The working-day calendar, one year of text at a time (the format of
//! `shared/data/calendar-cn.txt`). Checked as it is typed with the shared parser: an error
//! names its line in the box; stretches of more than six working days in a row are warned
//! of (the State Council rule since 2025). Saved on the server, it reaches devices with the
//! reference data and their deadlines follow it.

use leptos::prelude::*;
use tousu_shared::{calendar_text::CalendarText, clock::Date, sla::WorkCalendar};

use super::refusal;
use crate::{
    api,
    context::{server_read, use_app},
    labels::use_tr,
    platform,
};

/// What the text as typed gives: the problem and its line in the box, or the warnings.
#[derive(Debug, Clone, PartialEq)]
enum Check {
    Error { line: usize, problem: String },
    Fine { warnings: Vec<(Date, u32)> },
}

fn check(whole: &CalendarText, year: i32, block: &str) -> (String, Check) {
    let (text, before) = whole.with_block(year, block);
    let verdict = match WorkCalendar::parse(&text) {
        Err(e) => Check::Error {
            line: e.line.saturating_sub(before),
            problem: e.problem,
        },
        Ok(cal) => Check::Fine {
            warnings: cal.long_working_stretches(year),
        },
    };
    (text, verdict)
}

/// The calendar editor.
#[component]
pub fn CalendarEditor() -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let online = platform::use_online();
    let whole = RwSignal::new(None::<CalendarText>);
    let year = RwSignal::new(0i32);
    let block = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<Vec<String>, String>>);
    let load = server_read(move |token| async move { api::reference(&token).await });
    Effect::new(move |_| {
        if let Some(Some(Ok(reference))) = load.get() {
            let cut = CalendarText::split(&reference.calendar);
            let this_year = tousu_shared::clock::Timestamp(js_sys::Date::now() as i64)
                .date(tousu_shared::clock::CHINA_OFFSET_MINUTES)
                .year();
            let y = cut
                .years
                .iter()
                .map(|(y, _)| *y)
                .find(|y| *y >= this_year)
                .or_else(|| cut.years.last().map(|(y, _)| *y))
                .unwrap_or(this_year);
            block.set(cut.block(y));
            year.set(y);
            whole.set(Some(cut));
        }
    });
    let verdict = Memo::new(move |_| {
        whole.with(|w| w.as_ref().map(|w| check(w, year.get(), &block.get()).1))
    });
    let years = move || {
        whole.with(|w| {
            let mut ys: Vec<i32> = w
                .as_ref()
                .map(|w| w.years.iter().map(|(y, _)| *y).collect())
                .unwrap_or_default();
            if let Some(last) = ys.last().copied() {
                ys.push(last + 1);
            }
            ys
        })
    };
    let choose = move |y: i32| {
        whole.with_untracked(|w| {
            if let Some(w) = w {
                block.set(w.block(y));
            }
        });
        year.set(y);
        outcome.set(None);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(cut) = whole.get_untracked() else {
            return;
        };
        let (text, verdict) = check(&cut, year.get_untracked(), &block.get_untracked());
        if matches!(verdict, Check::Error { .. }) {
            return;
        }
        let Some(token) = app.token() else { return };
        leptos::task::spawn_local(async move {
            match api::admin::put_calendar(&token, &text).await {
                Ok(saved) => {
                    whole.set(Some(CalendarText::split(&text)));
                    outcome.set(Some(Ok(saved.warnings)));
                }
                Err(e) => outcome.set(Some(Err(refusal(tr, &e)))),
            }
        });
    };
    view! {
        <form class="sheet-section" on:submit=save novalidate data-testid="calendar-form" aria-labelledby="calendar-title">
            <h2 id="calendar-title">{move || tr.t("工作日历", "工作日曆", "Working-day calendar")}</h2>
            <p class="hint" id="calendar-hint">{move || tr.t(
                "每行一项：日期或日期范围（YYYY-MM-DD..YYYY-MM-DD），holiday（放假）或 workday（调休上班），可加说明。周末默认休息，工作日默认上班。保存后各设备在下次同步时按新日历计算期限。",
                "每行一項：日期或日期範圍（YYYY-MM-DD..YYYY-MM-DD），holiday（放假）或 workday（調休上班），可加說明。週末預設休息，工作日預設上班。儲存後各裝置在下次同步時按新日曆計算期限。",
                "One entry a line: a date or a range (YYYY-MM-DD..YYYY-MM-DD), holiday or workday (a make-up working day), and a label if you like. Weekends are off and weekdays are working days unless listed. Once saved, devices count deadlines on the new calendar at their next sync.",
            )}</p>
            <div class="field">
                <label for="calendar-year">{move || tr.t("年份", "年份", "Year")}</label>
                <select id="calendar-year" data-testid="calendar-year"
                    on:change=move |ev| if let Ok(y) = event_target_value(&ev).parse() { choose(y) }>
                    {move || years().into_iter().map(|y| view! {
                        <option value=y.to_string() selected=move || year.get() == y>{y.to_string()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="calendar-text">{move || format!("{} {}", year.get(), tr.t("年的日历", "年的日曆", "calendar"))}</label>
                <textarea id="calendar-text" class="calendar-text" data-testid="calendar-text" rows="18" spellcheck="false"
                    aria-describedby="calendar-hint calendar-check"
                    prop:value=move || block.get() on:input=move |ev| { block.set(event_target_value(&ev)); outcome.set(None); }></textarea>
            </div>
            <div id="calendar-check" aria-live="polite">
                {move || verdict.get().map(|v| match v {
                    Check::Error { line, problem } => view! {
                        <p class="error-summary" role="alert" data-testid="calendar-error">
                            {format!("{} {line} {}：{problem}", tr.t("第", "第", "Line"), tr.t("行", "行", ""))}
                        </p>
                    }.into_any(),
                    Check::Fine { warnings } if warnings.is_empty() => ().into_any(),
                    Check::Fine { warnings } => view! {
                        <ul class="notice" data-testid="calendar-warnings">
                            {warnings.into_iter().map(|(first, len)| view! {
                                <li>{format!("{first} {} {len} {}", tr.t("起连续", "起連續", "starts"), tr.t(
                                    "个工作日：超过 6 天，请核对调休安排。",
                                    "個工作日：超過 6 天，請核對調休安排。",
                                    "working days in a row: more than six, check the make-up days.",
                                ))}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </div>
            {move || outcome.get().map(|o| match o {
                Ok(_) => view! { <p class="notice" role="status" data-testid="calendar-saved">{tr.t(
                    "日历已保存。各设备下次同步时生效。",
                    "日曆已儲存。各裝置下次同步時生效。",
                    "Calendar saved. Devices use it from their next sync.",
                )}</p> }.into_any(),
                Err(e) => view! { <p class="error-summary" role="alert">{e}</p> }.into_any(),
            })}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="calendar-submit"
                    disabled=move || !online.get() || matches!(verdict.get(), Some(Check::Error { .. }) | None)>
                    {move || tr.t("保存日历", "儲存日曆", "Save calendar")}
                </button>
            </div>
        </form>
    }
}
