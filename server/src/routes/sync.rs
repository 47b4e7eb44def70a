//! `/api/v1/sync/*`: push, pull, quarantine.

use axum::{
    Json,
    extract::{Query, State},
};
use serde::Deserialize;
use tousu_shared::{
    access::{Principal, Role},
    api::sync::{PullResponse, PushResponse},
};

use crate::{
    AppState,
    auth::Caller,
    error::{ApiError, ApiJson},
    store::{StoreError, events::QuarantinedEvent},
    sync,
};

/// Most events accepted in one push.
pub const MAX_PUSH_BATCH: usize = 1000;

/// The body of a push as the server reads it: the shape of
/// [`PushRequest`](tousu_shared::api::sync::PushRequest), each event kept
/// as its JSON text, parsed once when judged (and stored as sent if quarantined).
#[derive(Deserialize, schemars::JsonSchema)]
pub struct PushBody {
    /// The events.
    pub events: Vec<Box<serde_json::value::RawValue>>,
}

/// `POST /api/v1/sync/push`.
pub async fn push(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<PushBody>,
) -> Result<Json<PushResponse>, ApiError> {
    if req.events.len() > MAX_PUSH_BATCH {
        return Err(ApiError::BadRequest(format!(
            "at most {MAX_PUSH_BATCH} events per push"
        )));
    }
    if caller.device.is_none() {
        return Err(ApiError::BadRequest(
            "sign in with a device_id to push".into(),
        ));
    }
    let response = sync::push(&state.store, &caller, req.events, state.now())
        .await
        .map_err(|e| match e {
            StoreError::NoDevice => ApiError::BadRequest("this device is not registered".into()),
            other => other.into(),
        })?;
    Ok(Json(response))
}

/// Query of a pull.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct PullQuery {
    /// The cursor from the previous pull; 0 or absent for a first (snapshot) pull.
    #[serde(default)]
    pub cursor: i64,
    /// Page size: events, or cases in a snapshot (default 500, at most 2000).
    #[serde(default)]
    pub limit: Option<i64>,
    /// Whether grants carry the folded, masked view besides their events (default true;
    /// the app passes `false` and folds the events itself).
    #[serde(default)]
    pub views: Option<bool>,
    /// Continues a snapshot after this case (the `after` of the previous page).
    #[serde(default)]
    pub after: Option<tousu_shared::ids::CaseId>,
    /// The `scope` of the previous page. When it is not the caller's scope now (roles or
    /// department changed), the answer is a new snapshot whatever the cursor. Absent: no check.
    #[serde(default)]
    pub scope: Option<String>,
}

/// `GET /api/v1/sync/pull?cursor=…`.
pub async fn pull(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<PullQuery>,
) -> Result<Json<PullResponse>, ApiError> {
    if matches!(caller.principal, Principal::Kiosk { .. }) {
        return Err(ApiError::Forbidden("a kiosk reads nothing"));
    }
    let request = sync::PullRequest {
        cursor: q.cursor,
        after: q.after,
        limit: q.limit.unwrap_or(500),
        with_views: q.views.unwrap_or(true),
        scope: q.scope,
    };
    let response = sync::pull(&state.store, caller.principal, request, state.now()).await?;
    Ok(Json(response))
}

/// `GET /api/v1/sync/quarantine`: the caller's quarantined events; supervisors see all.
pub async fn quarantined(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<QuarantinedEvent>>, ApiError> {
    let all = matches!(&caller.principal, Principal::User { roles, .. } if roles.contains(&Role::Supervisor));
    let rows = state.store.quarantined(all, caller.audit_name()).await?;
    Ok(Json(rows))
}
