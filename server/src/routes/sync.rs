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
    store::StoreError,
    sync,
};

/// Most events accepted in one push.
pub const MAX_PUSH_BATCH: usize = 1000;

/// The body of a push as the server reads it: the shape of
/// [`PushRequest`](tousu_shared::api::sync::PushRequest), each event kept
/// as its JSON text, parsed once when judged (and stored as sent if quarantined).
#[derive(Deserialize)]
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
    let now = state.now();
    // The access context and the catalog are read on the writer's connection, right before
    // the batch is judged: one trip to the blocking pool instead of three.
    let response = state
        .store
        .with_conn(move |conn| {
            let ctx = crate::archive::context(conn, &caller.principal, now)?;
            let catalog = crate::store::load_catalog(conn)?;
            sync::push(conn, &caller, &req.events, &catalog, &ctx)
        })
        .await
        .map_err(|e| match e {
            StoreError::NoDevice => ApiError::BadRequest("this device is not registered".into()),
            other => other.into(),
        })?;
    Ok(Json(response))
}

/// Query of a pull.
#[derive(Debug, Deserialize)]
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
    let now = state.now();
    let limit = q.limit.unwrap_or(500);
    let response = state
        .store
        .read(move |conn| {
            let ctx = crate::archive::context(conn, &caller.principal, now)?;
            sync::pull(
                conn,
                &caller,
                q.cursor,
                q.after,
                limit,
                q.views.unwrap_or(true),
                &ctx,
            )
        })
        .await?;
    Ok(Json(response))
}

/// One quarantined event.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct QuarantinedEvent {
    /// Row id.
    pub id: i64,
    /// Who pushed it.
    pub author: String,
    /// Why (the `Quarantine` reason as JSON).
    pub reason: serde_json::Value,
    /// The event as pushed.
    pub event: serde_json::Value,
    /// When the server received it (ms).
    pub received_at: i64,
}

/// `GET /api/v1/sync/quarantine`: the caller's quarantined events; supervisors see all.
pub async fn quarantined(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<QuarantinedEvent>>, ApiError> {
    let all = matches!(&caller.principal, Principal::User { roles, .. } if roles.contains(&Role::Supervisor));
    let author = caller.audit_name();
    let rows = state
        .store
        .read(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT id, author, detail, event, received_at FROM quarantine
                 WHERE ?1 OR author = ?2 ORDER BY id DESC LIMIT 500",
            )?;
            let rows = stmt
                .query_map(rusqlite::params![all, author], |r| {
                    Ok(QuarantinedEvent {
                        id: r.get(0)?,
                        author: r.get(1)?,
                        reason: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or_default(),
                        event: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
                        received_at: r.get(4)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await?;
    Ok(Json(rows))
}
