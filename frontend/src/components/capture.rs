//! Photos and signatures: the picker that downscales and hashes what the camera gives, the
//! pad a complainant signs on, and an attachment shown from the local store or the server.
#![allow(missing_docs)]

use leptos::prelude::*;

use crate::labels::use_tr;

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
