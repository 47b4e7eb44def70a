//! Small bindings to browser facilities the shell needs: saved language, network state,
//! service worker registration.

use leptos::prelude::*;

/// `localStorage` key of the language the user picked on this device.
const LOCALE_KEY: &str = "tousu.locale";

/// The language tag saved on this device, if the user ever picked one.
pub fn saved_locale() -> Option<String> {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|storage| storage.get_item(LOCALE_KEY).ok().flatten())
}

/// Remembers the chosen language and tells assistive technology (`<html lang>`).
pub fn apply_locale(tag: &str) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        // Private browsing may refuse storage; the choice then lasts for this visit only.
        let _ = storage.set_item(LOCALE_KEY, tag);
    }
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", tag);
    }
}

/// Whether the browser believes it has a network connection, kept up to date by the
/// `online` / `offline` events. (Reaching our server is the sync client's business.)
pub fn use_online() -> ReadSignal<bool> {
    let (online, set_online) = signal(window().navigator().on_line());
    let handle_on = window_event_listener(leptos::ev::online, move |_| set_online.set(true));
    let handle_off = window_event_listener(leptos::ev::offline, move |_| set_online.set(false));
    on_cleanup(move || {
        handle_on.remove();
        handle_off.remove();
    });
    online
}

/// Whether this is the office build (`--features office`: the field app and the office
/// screens), served to supervisors, managers, archivists and administrators.
pub const OFFICE_BUILD: bool = cfg!(feature = "office");

/// The cookie by which the server picks the build a navigation loads (docs/DECISIONS.md
/// "Two builds"). Not a secret: it names a bundle, and the server checks every request anyway.
const BUILD_COOKIE: &str = "tousu_app";

/// `sessionStorage` key of the last switch, so a switch that did not take (offline, the other
/// build not cached) is not retried in a loop.
const SWITCH_KEY: &str = "tousu.build_switch";

/// Makes the next load use the office build or the field one; reloads when that is not the
/// build running now and the network is there to fetch it. Returns whether it reloads.
pub fn switch_build(office: bool) -> bool {
    if office == OFFICE_BUILD || !window().navigator().on_line() {
        return false;
    }
    let now = js_sys::Date::now() as i64;
    let storage = window().session_storage().ok().flatten();
    let recent = storage
        .as_ref()
        .and_then(|s| s.get_item(SWITCH_KEY).ok().flatten())
        .and_then(|v| v.parse::<i64>().ok())
        .is_some_and(|at| now - at < 60_000);
    if recent {
        return false;
    }
    if let Some(s) = &storage {
        let _ = s.set_item(SWITCH_KEY, &now.to_string());
    }
    let value = if office { "office" } else { "field" };
    let cookie = format!("{BUILD_COOKIE}={value}; Path=/; Max-Age=31536000; SameSite=Strict");
    use wasm_bindgen::JsCast as _;
    let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() else {
        return false;
    };
    if doc.set_cookie(&cookie).is_err() {
        return false;
    }
    window().location().reload().is_ok()
}

/// Registers `/sw.js`, which precaches the app shell so it opens with no network.
pub fn register_service_worker() {
    let navigator = window().navigator();
    let supported = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if !supported {
        leptos::logging::warn!("service workers unavailable: the app will not open offline");
        return;
    }
    let promise = navigator.service_worker().register("/sw.js");
    leptos::task::spawn_local(async move {
        if let Err(err) = wasm_bindgen_futures::JsFuture::from(promise).await {
            leptos::logging::error!("service worker registration failed: {err:?}");
        }
    });
}

/// Asks the browser to keep this site's storage under pressure (`navigator.storage.persist()`);
/// returns whether it is persistent.
pub async fn request_persistence() -> bool {
    let Some(storage) = storage_manager() else {
        return false;
    };
    call_promise(&storage, "persist")
        .await
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Bytes used and available to this site, by `navigator.storage.estimate()`.
pub async fn storage_estimate() -> Option<(f64, f64)> {
    let storage = storage_manager()?;
    let estimate = call_promise(&storage, "estimate").await?;
    let get = |k: &str| {
        js_sys::Reflect::get(&estimate, &k.into())
            .ok()
            .and_then(|v| v.as_f64())
    };
    Some((get("usage")?, get("quota")?))
}

fn storage_manager() -> Option<wasm_bindgen::JsValue> {
    let storage = js_sys::Reflect::get(&window().navigator(), &"storage".into()).ok()?;
    (!storage.is_undefined()).then_some(storage)
}

async fn call_promise(
    target: &wasm_bindgen::JsValue,
    method: &str,
) -> Option<wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let f = js_sys::Reflect::get(target, &method.into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let promise = f.call0(target).ok()?.dyn_into::<js_sys::Promise>().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise).await.ok()
}

/// Focuses the element with `id`, the caret after its text when it is a text field.
pub fn focus_at_end(id: &str) {
    use wasm_bindgen::JsCast;
    let Some(el) = document().get_element_by_id(id) else {
        return;
    };
    if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        let _ = input.focus();
        let end = input.value().encode_utf16().count() as u32;
        // Types without a caret (date, checkbox…) refuse; focus is enough for them.
        let _ = input.set_selection_range(end, end);
    } else if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        let _ = area.focus();
        let end = area.value().encode_utf16().count() as u32;
        let _ = area.set_selection_range(end, end);
    } else if let Some(other) = el.dyn_ref::<web_sys::HtmlElement>() {
        let _ = other.focus();
    }
}

/// A JavaScript exception as text: its message, or the value itself.
pub fn js_err(e: wasm_bindgen::JsValue) -> String {
    e.as_string()
        .or_else(|| {
            wasm_bindgen::JsCast::dyn_ref::<js_sys::Error>(&e).map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}
