//! Tousu's domain core, shared by the browser app and the sync server.
//!
//! Architecture invariant: this crate does no I/O and reads no clock or randomness; time and
//! ids come in as arguments. It compiles for `wasm32-unknown-unknown` and depends on none of
//! tokio, rusqlite, web-sys or leptos (checked by `scripts/test.sh`).

pub mod api;

/// The product version, shared by server and app so both report the same build.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
