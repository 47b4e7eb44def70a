//! Small form and display components shared by the screens: labelled fields bound to a
//! [`Values`] map (what was typed survives a rejection), the error summary, chips; photos
//! and signatures in `capture`.
// Leptos turns component arguments into prop-struct fields; each component's doc comment
// describes its props.
#![allow(missing_docs)]

mod capture;

pub use capture::{BlobImage, PhotoPicker, SignaturePad, Strokes, signed};
use leptos::prelude::*;
use tousu_shared::{
    clock::Timestamp,
    model::{Severity, Stage},
    validate::{Field, FieldError},
};

use crate::{
    forms::Values,
    labels::{self, Tr, use_tr},
};

/// Form state: values as typed and the errors of the last attempt.
#[derive(Clone, Copy)]
pub struct FormState {
    /// Field name → text.
    pub values: RwSignal<Values>,
    /// Broken rules from the last submit.
    pub errors: RwSignal<Vec<FieldError>>,
}

impl FormState {
    /// An empty form with some defaults.
    pub fn new(defaults: &[(&str, String)]) -> Self {
        FormState {
            values: RwSignal::new(tousu_shared::order::map_of(
                defaults.iter().map(|(k, v)| (k.to_string(), v.clone())),
            )),
            errors: RwSignal::new(Vec::new()),
        }
    }

    /// The current value of `name`.
    pub fn get(&self, name: &str) -> String {
        self.values
            .with(|v| v.get(name).cloned().unwrap_or_default())
    }

    /// Sets `name`.
    pub fn set(&self, name: &str, value: String) {
        self.values.update(|v| {
            v.insert(name.to_string(), value);
        });
    }

    fn error_for(&self, field: Option<Field>) -> Option<FieldError> {
        let field = field?;
        self.errors
            .with(|e| e.iter().find(|e| e.field == field).cloned())
    }
}

fn input_id(name: &str) -> String {
    format!("f-{name}")
}

/// The list of broken rules at the top of a form (GOV.UK pattern), announced to screen
/// readers, each linking to its field.
#[component]
pub fn ErrorSummary(
    form: FormState,
    #[prop(into)] fields: Vec<(Field, &'static str)>,
) -> impl IntoView {
    let tr = use_tr();
    view! {
        <Show when=move || form.errors.with(|e| !e.is_empty())>
            <div class="error-summary" role="alert" tabindex="-1" data-testid="error-summary">
                <h2>{move || tr.t("请修改以下内容", "請修改以下內容", "There is a problem")}</h2>
                <ul>
                    {
                        let fields = fields.clone();
                        move || {
                            form.errors
                                .get()
                                .into_iter()
                                .map(|e| {
                                    let target = fields
                                        .iter()
                                        .find(|(f, _)| *f == e.field)
                                        .map(|(_, name)| format!("#{}", input_id(name)))
                                        .unwrap_or_default();
                                    let text = labels::field_error(tr, &e);
                                    view! { <li><a href=target>{text}</a></li> }
                                })
                                .collect_view()
                        }
                    }
                </ul>
            </div>
        </Show>
    }
}

/// A labelled text input (or textarea when `multiline`).
#[component]
pub fn TextField(
    form: FormState,
    name: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(optional)] field: Option<Field>,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] required: bool,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional, into)] hint: Option<Signal<String>>,
) -> impl IntoView {
    let tr = use_tr();
    let id = input_id(name);
    let error = move || form.error_for(field);
    let error_id = format!("{id}-error");
    let on_input = move |ev| form.set(name, event_target_value(&ev));
    let control = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=name
                rows="4"
                data-testid=format!("field-{name}")
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || form.get(name)
                on:input=on_input
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=name
                type=input_type
                data-testid=format!("field-{name}")
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || form.get(name)
                on:input=on_input
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:has-error=move || error().is_some()>
            <label for=id>
                {label}
                {required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
            </label>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            <p class="field-error" id=format!("{}-error", input_id(name))>
                {move || error().map(|e| format!("⚠ {}", labels::rule(tr, &e.rule)))}
            </p>
            {control}
        </div>
    }
}

/// A labelled select from `(value, label)` options; an empty value means "not chosen".
#[component]
pub fn SelectField(
    form: FormState,
    name: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(optional)] field: Option<Field>,
    #[prop(optional)] required: bool,
    #[prop(optional)] placeholder: bool,
) -> impl IntoView {
    let tr = use_tr();
    let id = input_id(name);
    let error = move || form.error_for(field);
    view! {
        <div class="field" class:has-error=move || error().is_some()>
            <label for=id.clone()>
                {label}
                {required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
            </label>
            <p class="field-error">
                {move || error().map(|e| format!("⚠ {}", labels::rule(tr, &e.rule)))}
            </p>
            <select
                id=id
                name=name
                data-testid=format!("field-{name}")
                aria-invalid=move || error().is_some().to_string()
                on:change=move |ev| form.set(name, event_target_value(&ev))
                prop:value=move || form.get(name)
            >
                {placeholder.then(|| view! {
                    <option value="">{move || tr.t("请选择", "請選擇", "Choose…")}</option>
                })}
                {move || {
                    let current = form.get(name);
                    options
                        .get()
                        .into_iter()
                        .map(|(value, text)| {
                            let selected = value == current;
                            view! { <option value=value selected=selected>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// A group of large radio buttons (touch-friendly) from `(value, label)` options; with a
/// `field`, its broken rule is shown and the error summary links to the group.
#[component]
pub fn RadioGroup(
    form: FormState,
    name: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(optional)] field: Option<Field>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let tr = use_tr();
    let error = move || form.error_for(field);
    view! {
        <fieldset class="radio-group" id=input_id(name) tabindex="-1" data-testid=format!("field-{name}")
            class:has-error=move || error().is_some()
            aria-invalid=move || error().is_some().to_string()>
            <legend>
                {label}
                {required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
            </legend>
            <p class="field-error">
                {move || error().map(|e| format!("⚠ {}", labels::rule(tr, &e.rule)))}
            </p>
            {move || {
                options
                    .get()
                    .into_iter()
                    .map(|(value, text)| {
                        let v = value.clone();
                        let checked = Signal::derive(move || form.get(name) == v);
                        let v2 = value.clone();
                        view! {
                            <label class="radio" class:is-checked=checked>
                                <input
                                    type="radio"
                                    name=name
                                    value=value.clone()
                                    data-testid=format!("radio-{name}-{value}")
                                    prop:checked=checked
                                    on:change=move |_| form.set(name, v2.clone())
                                />
                                <span>{text}</span>
                            </label>
                        }
                    })
                    .collect_view()
            }}
        </fieldset>
    }
}

/// What a decision rests on, shown above the form's fields: label and text, one row each.
#[component]
pub fn Basis(rows: Vec<(Signal<String>, String)>) -> impl IntoView {
    (!rows.is_empty()).then(|| {
        view! {
            <dl class="facts form-basis" data-testid="form-basis">
                {rows.into_iter().map(|(label, value)| view! {
                    <div class="fact"><dt>{label}</dt><dd>{value}</dd></div>
                }).collect_view()}
            </dl>
        }
    })
}

/// Several choices of a list as checkboxes, stored as the chosen values separated by spaces
/// (ids have none): co-handling departments, team members.
#[component]
pub fn MultiCheck(
    form: FormState,
    name: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(optional)] field: Option<Field>,
) -> impl IntoView {
    let tr = use_tr();
    let error = move || form.error_for(field);
    let chosen = move || -> Vec<String> {
        form.get(name)
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    view! {
        <fieldset class="radio-group" id=input_id(name) tabindex="-1" data-testid=format!("field-{name}")
            class:has-error=move || error().is_some()>
            <legend>{label}</legend>
            <p class="field-error">
                {move || error().map(|e| format!("⚠ {}", labels::rule(tr, &e.rule)))}
            </p>
            {move || {
                options
                    .get()
                    .into_iter()
                    .map(|(value, text)| {
                        let v = value.clone();
                        let checked = Signal::derive(move || chosen().contains(&v));
                        let v2 = value.clone();
                        view! {
                            <label class="radio" class:is-checked=checked>
                                <input
                                    type="checkbox"
                                    value=value.clone()
                                    data-testid=format!("check-{name}-{value}")
                                    prop:checked=checked
                                    on:change=move |ev| {
                                        let mut now = chosen();
                                        now.retain(|c| *c != v2);
                                        if event_target_checked(&ev) {
                                            now.push(v2.clone());
                                        }
                                        form.set(name, now.join(" "));
                                    }
                                />
                                <span>{text}</span>
                            </label>
                        }
                    })
                    .collect_view()
            }}
        </fieldset>
    }
}

/// A labelled checkbox storing `"true"` / `""`.
#[component]
pub fn CheckField(
    form: FormState,
    name: &'static str,
    #[prop(into)] label: Signal<String>,
) -> impl IntoView {
    let id = input_id(name);
    view! {
        <div class="field check">
            <input
                id=id.clone()
                type="checkbox"
                data-testid=format!("field-{name}")
                prop:checked=move || form.get(name) == "true"
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    form.set(name, if on { "true".into() } else { String::new() });
                }
            />
            <label for=id>{label}</label>
        </div>
    }
}

/// Severity chip: icon and text, never colour alone.
pub fn severity_chip(tr: Tr, s: Option<Severity>) -> impl IntoView {
    s.map(|s| {
        let (class, icon) = match s {
            Severity::UrgentMajor => ("chip chip-urgent", "!! "),
            Severity::Important => ("chip chip-important", "! "),
            Severity::General => ("chip chip-general", ""),
        };
        view! { <span class=class>{icon}{labels::severity(tr, s)}</span> }
    })
}

/// The path the case's rules put it on, and a pause of its clocks, as chips.
pub fn path_chips(tr: Tr, view: &tousu_shared::view::CaseView) -> impl IntoView + use<> {
    use tousu_shared::rules::Path;
    let path = match view.path() {
        Path::Emergency => Some((
            "chip chip-urgent",
            tr.t("紧急处理路径", "緊急處理路徑", "Emergency path"),
        )),
        Path::Short => Some((
            "chip chip-general",
            tr.t(
                "简易流程：直接处理",
                "簡易流程：直接處理",
                "Short path: handled directly",
            ),
        )),
        Path::Standard => None,
    };
    let paused = view.paused().then(|| {
        tr.t(
            "等待投诉人补充 · 计时暂停",
            "等待投訴人補充 · 計時暫停",
            "Waiting for the complainant · clocks paused",
        )
    });
    view! {
        {path.map(|(class, text)| view! { <span class=class data-testid="path-chip">{text}</span> })}
        {paused.map(|text| view! { <span class="chip chip-pending" data-testid="paused-chip">{text}</span> })}
    }
}

/// Stage chip.
pub fn stage_chip(tr: Tr, s: Stage) -> impl IntoView {
    let class = if s.is_open() {
        "chip chip-stage"
    } else {
        "chip chip-done"
    };
    view! { <span class=class data-testid="stage-chip">{labels::stage(tr, s)}</span> }
}

/// Time left or overdue for a due moment.
pub fn due_chip(tr: Tr, due: Option<Timestamp>, now: Timestamp) -> impl IntoView {
    due.map(|due| {
        let left = due.0 - now.0;
        if left < 0 {
            let text = format!(
                "{}{}",
                tr.t("超时 ", "逾時 ", "overdue "),
                labels::duration(tr, left)
            );
            view! { <span class="chip chip-overdue" data-testid="sla-chip">{clock_icon()}{text}</span> }
        } else {
            let text = format!(
                "{}{}",
                tr.t("剩余 ", "剩餘 ", "left "),
                labels::duration(tr, left)
            );
            view! { <span class="chip chip-left" data-testid="sla-chip">{clock_icon()}{text}</span> }
        }
    })
}

/// A small clock drawn in SVG (emoji clocks are missing from many tablet fonts).
fn clock_icon() -> impl IntoView {
    view! {
        <svg class="chip-icon" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="12" cy="12" r="9"/>
            <path d="M12 7v5l3 2"/>
        </svg>
    }
}
