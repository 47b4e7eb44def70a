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
