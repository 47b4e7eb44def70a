//! What a pull brings and where the next one starts: the app's reading of
//! `GET /api/v1/sync/pull`, shared by the HTTP client ([`crate::api`]), the sync client and
//! the store that applies pages.

use tousu_shared::ids::CaseId;

/// One page of `GET /sync/pull` as the app reads it: the shared
/// [`PullResponse`](tousu_shared::api::sync::PullResponse) without each grant's folded view,
/// which the app recomputes from the grant's events with the same fold (reading it would pull
/// every view type's deserializer into the wasm for nothing).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct PullPage {
    /// Events after the cursor in the caller's scope, masked by the server.
    pub events: Vec<tousu_shared::event::Event>,
    /// Cases that entered the caller's scope, with all their events.
    pub grants: Vec<GrantEvents>,
    /// Cases to purge from this device.
    pub revocations: Vec<tousu_shared::ids::CaseId>,
    /// The next cursor.
    pub cursor: i64,
    /// More pages wait.
    pub more: bool,
    /// The server's clock.
    pub server_time: i64,
    /// Part of a first pull's snapshot (grants in ascending case id order).
    #[serde(default)]
    pub snapshot: bool,
    /// The snapshot goes on after this case.
    #[serde(default)]
    pub after: Option<tousu_shared::ids::CaseId>,
    /// On a snapshot's first page: about how many cases it brings.
    #[serde(default)]
    pub total: Option<u32>,
    /// The scope key this page was made for, passed back with the next pull.
    #[serde(default)]
    pub scope: String,
}

impl PullPage {
    /// The first page of a snapshot (a first pull, or the user's roles or department changed):
    /// the snapshot replaces every case the device holds, but its own unsent events.
    pub fn starts_snapshot(&self) -> bool {
        self.snapshot && self.total.is_some()
    }
}

/// The events of a granted case.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct GrantEvents {
    /// All its events, masked for the caller.
    pub events: Vec<tousu_shared::event::Event>,
}

/// Where the next pull starts: after `cursor`, or, while a first pull's snapshot is being
/// read, after case `after` of the snapshot taken at `cursor`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PullPosition {
    /// The server sequence already covered (0 before the first pull).
    pub cursor: i64,
    /// The last snapshot case received, while the snapshot is incomplete.
    pub after: Option<CaseId>,
    /// The scope key of the last page applied ("" before the first pull): when the server's
    /// key for the user differs, it answers with a new snapshot.
    pub scope: String,
}

impl PullPosition {
    /// Where the pull goes on after `page`.
    pub fn after_page(page: &PullPage) -> Self {
        PullPosition {
            cursor: page.cursor,
            after: page.after,
            scope: page.scope.clone(),
        }
    }
}
