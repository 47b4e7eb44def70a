//! Tousu's domain core, shared by the browser app and the sync server.
//!
//! Architecture invariant: this crate does no I/O and reads no clock or randomness; time and
//! ids come in as arguments. It compiles for `wasm32-unknown-unknown` and depends on none of
//! tokio, rusqlite, web-sys or leptos (checked by `scripts/test.sh`).
//!
//! - [`validate`]: parsed value types (phone, e-mail, texts, money) with typed errors.
//! - [`ids`], [`clock`]: identifiers, timestamps, civil dates, the hybrid logical clock.
//! - [`model`]: the record sheet and what a case accumulates.
//! - [`event`]: events and their versioned wire form.
//! - [`author`]: writing a device's next event (sequence, clock, parents).
//! - [`view`]: the folded state of a case ([`view::CaseView`]) and its parts.
//! - [`fold`]: events into a [`view::CaseView`], with conflicts and the full timeline.
//! - [`retention`]: erasure of a destroyed case's personal data and free text.
//! - [`rules`]: the workflow settings and clocks a case runs under (from its profile).
//! - [`workflow`]: the lifecycle state machine.
//! - [`access`]: the permission policy and masking.
//! - [`alerts`]: near-due and overdue alerts for whoever owes the next step.
//! - [`sheets`]: what each field of the printed forms shows of a case.
//! - [`sla`]: the working-day calendar and deadlines.
//! - [`order`]: sorting with one sort routine in the browser build.
//! - [`number`]: complaint numbers and provisional labels.
//! - [`profile`]: each organisation's regulation as data (clocks, categories, measures, forms).
//! - [`reports`]: the printed summaries of a period (revisits, accountability).
//! - [`stats`]: one statistics row per case and the reports computed from rows.
//! - [`summary`]: list rows of cases, with the filter and sort every list uses.
//! - [`teaching`]: teaching cases and the anonymisation they are read through.
//! - [`api`]: HTTP wire types.
//! - [`testing`]: builders of cases and events for tests and benchmarks.

pub mod access;
pub mod alerts;
pub mod api;
pub mod author;
pub mod calendar_text;
pub mod clock;
pub mod event;
pub mod fold;
pub mod ids;
pub mod json;
pub mod ledger;
pub mod model;
pub mod number;
pub mod order;
pub mod profile;
pub mod profile_edit;
pub mod reports;
pub mod retention;
pub mod rules;
#[cfg(feature = "schema")]
pub mod schema;
pub mod sheets;
pub mod sla;
pub mod stats;
pub mod summary;
pub mod teaching;
pub mod todo;
pub mod validate;
pub mod view;
mod wire;
pub mod words;
pub mod workflow;

pub mod testing;

/// The product version, shared by server and app so both report the same build.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
