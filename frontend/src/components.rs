//! Small form and display components shared by the screens: labelled fields bound to a
//! [`Values`] map (what was typed survives a rejection), the error summary, chips.
// Leptos turns component arguments into prop-struct fields; each component's doc comment
// describes its props.
#![allow(missing_docs)]

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

/// Photos from the tablet camera or files: each downscaled and hashed as it is picked, shown
/// as thumbnails with a remove button. The caller stores them when its form is saved.
#[component]
pub fn PhotoPicker(
    /// The photos picked so far.
    photos: RwSignal<Vec<crate::media::Photo>>,
    /// The file input's id (unique on the page).
    id: &'static str,
) -> impl IntoView {
    let tr = use_tr();
    let (error, set_error) = signal(None::<crate::media::MediaError>);
    let on_files = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
        else {
            return;
        };
        let Some(files) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        input.set_value("");
        leptos::task::spawn_local(async move {
            for file in files {
                match crate::media::prepare(file).await {
                    Ok(photo) => photos.update(|p| {
                        if !p.iter().any(|x| x.hash == photo.hash) {
                            p.push(photo)
                        }
                    }),
                    Err(e) => set_error.set(Some(e)),
                }
            }
        });
    };
    view! {
        <div class="photo-picker">
        <label class="btn photo-pick" for=id>
            {move || tr.t("拍照或选择照片", "拍照或選擇照片", "Take or choose photos")}
        </label>
        <input id=id class="visually-hidden" type="file" accept="image/*" capture="environment" multiple
            data-testid="field-photos" on:change=on_files/>
        <Show when=move || error.get().is_some()>
            <p class="field-error" role="alert">{move || error.get().map(|e| crate::errors::media(tr, &e))}</p>
        </Show>
        <ul class="thumbs" data-testid="photo-list">
            {move || photos.get().into_iter().map(|p| {
                // Revoked when this thumbnail goes (removed, or the form closed).
                let url = crate::media::ObjectUrl::new(&p.bytes, "image/jpeg");
                let src = url.as_ref().map(|u| u.as_str().to_string()).unwrap_or_default();
                let url = std::sync::Mutex::new(url);
                on_cleanup(move || drop(url.lock().map(|mut u| u.take())));
                let hash = p.hash.clone();
                let kb = p.bytes.len() / 1024;
                view! {
                    <li class="thumb" data-testid="photo-thumb">
                        <img src=src alt=p.name.clone()/>
                        <span class="muted">{format!("{kb} KB")}</span>
                        <button type="button" class="btn btn-ghost" on:click=move |_| {
                            let hash = hash.clone();
                            photos.update(|ps| ps.retain(|x| x.hash != hash));
                        }>{tr.t("移除", "移除", "Remove")}</button>
                    </li>
                }
            }).collect_view()}
        </ul>
        </div>
    }
}

/// The strokes of a signature, in canvas pixels: kept outside the pad so a redrawn screen
/// (a sync bringing news) draws them again instead of losing them.
pub type Strokes = RwSignal<Vec<Vec<(f64, f64)>>>;

/// Whether `strokes` hold anything visible (a tap without a move is not a signature).
pub fn signed(strokes: Strokes) -> bool {
    strokes.with_untracked(|s| s.iter().any(|stroke| stroke.len() > 1))
}

/// A box to sign in with a finger or stylus (签字确认). The caller keeps the `strokes` and
/// reads the canvas when its form is saved.
#[component]
pub fn SignaturePad(
    /// The canvas, read on save.
    canvas: NodeRef<leptos::html::Canvas>,
    /// What has been drawn.
    strokes: Strokes,
    /// What the signature confirms, shown above the box and read by screen readers.
    label: Signal<String>,
) -> impl IntoView {
    use wasm_bindgen::JsCast;
    let tr = use_tr();
    let down = StoredValue::new(false);
    let context = move || -> Option<(web_sys::HtmlCanvasElement, web_sys::CanvasRenderingContext2d)> {
        let el: web_sys::HtmlCanvasElement = canvas.get_untracked()?;
        let ctx = el
            .get_context("2d")
            .ok()??
            .dyn_into::<web_sys::CanvasRenderingContext2d>()
            .ok()?;
        ctx.set_line_width(4.0);
        ctx.set_line_cap("round");
        ctx.set_line_join("round");
        ctx.set_stroke_style_str("#111827");
        Some((el, ctx))
    };
    // Strokes kept from before this pad was drawn are drawn again once it is mounted.
    Effect::new(move |_| {
        if canvas.get().is_none() {
            return;
        }
        let Some((_, ctx)) = context() else { return };
        strokes.with_untracked(|all| {
            for stroke in all.iter().filter(|s| s.len() > 1) {
                ctx.begin_path();
                ctx.move_to(stroke[0].0, stroke[0].1);
                for &(x, y) in &stroke[1..] {
                    ctx.line_to(x, y);
                }
                ctx.stroke();
            }
        });
    });
    // Pointer position in canvas pixels (the box is scaled by CSS).
    let at = |el: &web_sys::HtmlCanvasElement, ev: &leptos::ev::PointerEvent| {
        let sx = el.width() as f64 / el.client_width().max(1) as f64;
        let sy = el.height() as f64 / el.client_height().max(1) as f64;
        (ev.offset_x() as f64 * sx, ev.offset_y() as f64 * sy)
    };
    let start = move |ev: leptos::ev::PointerEvent| {
        let Some((el, ctx)) = context() else { return };
        let _ = el.set_pointer_capture(ev.pointer_id());
        let (x, y) = at(&el, &ev);
        ctx.begin_path();
        ctx.move_to(x, y);
        strokes.update_untracked(|s| s.push(vec![(x, y)]));
        down.set_value(true);
    };
    let draw = move |ev: leptos::ev::PointerEvent| {
        if !down.get_value() {
            return;
        }
        let Some((el, ctx)) = context() else { return };
        let (x, y) = at(&el, &ev);
        // The canvas keeps the path begun at pointerdown: continue it.
        ctx.line_to(x, y);
        ctx.stroke();
        let first_move = strokes.try_update_untracked(|s| {
            let stroke = s.last_mut()?;
            stroke.push((x, y));
            Some(stroke.len() == 2)
        });
        if first_move.flatten() == Some(true) {
            strokes.notify();
        }
    };
    let stop = move |_| down.set_value(false);
    let clear = move |_| {
        if let Some((el, ctx)) = context() {
            ctx.clear_rect(0.0, 0.0, el.width() as f64, el.height() as f64);
        }
        strokes.set(Vec::new());
    };
    view! {
        <div class="signature">
            <span class="field-label">{move || label.get()}</span>
            <canvas node_ref=canvas class="signature-pad" width="900" height="300" role="img"
                aria-label=move || label.get() data-testid="signature-pad"
                on:pointerdown=start on:pointermove=draw on:pointerup=stop on:pointercancel=stop/>
            <button type="button" class="btn btn-ghost" on:click=clear
                disabled=move || strokes.with(|s| s.iter().all(|stroke| stroke.len() < 2))>
                {move || tr.t("清除重签", "清除重簽", "Clear and sign again")}
            </button>
        </div>
    }
}

/// An attachment shown as an image: from this device, or fetched once from the server and
/// kept; offline and not yet fetched, a plain note says so.
#[component]
pub fn BlobImage(
    /// The blob's SHA-256.
    hash: String,
    /// Its type (`image/jpeg`, `image/png`).
    media_type: &'static str,
    /// Text alternative.
    alt: &'static str,
    /// CSS class of the image.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let app = crate::context::use_app();
    let tr = use_tr();
    // The image's object URL lives as long as the image: revoked when the view goes.
    let held = std::sync::Arc::new(std::sync::Mutex::new(None::<crate::media::ObjectUrl>));
    let keep = held.clone();
    on_cleanup(move || drop(held.lock().map(|mut u| u.take())));
    let url = crate::reads::read(move || {
        let hash = hash.clone();
        let keep = keep.clone();
        async move {
            let store = app.user_store()?;
            let bytes = match store.blob(&hash).await.ok().flatten() {
                Some(bytes) => bytes,
                None => {
                    let token = app
                        .session
                        .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))?;
                    let bytes = crate::api::get_blob(&token, &hash).await.ok()?;
                    let _ = store.cache_blob(&hash, &bytes).await;
                    bytes
                }
            };
            let url = crate::media::ObjectUrl::new(&bytes, media_type)?;
            let src = url.as_str().to_string();
            if let Ok(mut held) = keep.lock() {
                *held = Some(url);
            }
            Some(src)
        }
    });
    move || {
        match url.get().flatten() {
        Some(src) => view! { <img src=src alt=alt class=class/> }.into_any(),
        None => view! { <span class="muted">{tr.t("图片未下载（离线）", "圖片未下載（離線）", "image not downloaded (offline)")}</span> }.into_any(),
    }
    }
}
