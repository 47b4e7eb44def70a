//! Tousu's browser app: Leptos (client-side rendered) against IndexedDB, offline first.

pub mod alerts;
pub mod api;
pub mod app;
#[cfg(feature = "office")]
pub mod charts;
pub mod commands;
pub mod components;
pub mod context;
pub mod counter;
pub mod errors;
pub mod forms;
pub mod i18n;
pub mod labels;
pub mod media;
pub mod pages;
pub mod platform;
pub mod pull;
pub mod reads;
pub mod router;
pub mod session;
pub mod store;
pub mod sync;

/// Starts the app: panic messages to the console, mount, service worker.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    platform::register_service_worker();
}
