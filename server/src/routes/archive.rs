//! `/api/v1/archive/*` and `/api/v1/cases/{id}`.

use super::answers::{Destroyed, Done, NewId};
use axum::{
    Json,
    extract::{Path, Query, State},
};
use tousu_shared::{access::GrantScope, access::VisibleCase, ids::CaseId};

use crate::{
    AppState,
    archive::{self, ArchiveError},
    auth::Caller,
    error::{ApiError, ApiJson},
};
use tousu_shared::api::archive::{
    AccessDecision, AccessRequest, ArchiveRun, ArchiveRunResult, ArchivedCase, DestructionDecision,
    DestructionProposal, NewAccessRequest, NewDestruction,
};

impl From<ArchiveError> for ApiError {
    fn from(e: ArchiveError) -> Self {
        match e {
            ArchiveError::Forbidden => ApiError::Forbidden("archive"),
            ArchiveError::TwoPeople => {
                ApiError::Forbidden("a destruction takes two people: not the proposer")
            }
            ArchiveError::NotFound => ApiError::NotFound,
            ArchiveError::MonthNotOver => ApiError::BadRequest(e.to_string()),
            ArchiveError::Conflict(why) => ApiError::BadRequest(why.into()),
            ArchiveError::RetentionNotOver(_) => ApiError::BadRequest(e.to_string()),
            ArchiveError::Store(s) => s.into(),
        }
    }
}

/// `POST /api/v1/archive/run`: archives the cases closed in a past month.
pub async fn run(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<ArchiveRun>,
) -> Result<Json<ArchiveRunResult>, ApiError> {
    if !(1..=12).contains(&req.month) {
        return Err(ApiError::BadRequest("month must be 1–12".into()));
    }
    let n = archive::run(
        &state.store,
        &caller.principal,
        req.year,
        req.month,
        state.now(),
    )
    .await?;
    Ok(Json(ArchiveRunResult { archived: n }))
}

/// `POST /api/v1/archive/requests`.
pub async fn request(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<NewAccessRequest>,
) -> Result<Json<NewId>, ApiError> {
    if !(1..=90).contains(&req.days) {
        return Err(ApiError::BadRequest("days must be 1–90".into()));
    }
    let reason = req.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::BadRequest(
            "a reason of 1–500 characters is required".into(),
        ));
    }
    let scope = match (req.scope, req.number) {
        (Some(scope), None) => scope,
        (None, Some(number)) => {
            let number = number.trim().to_string();
            let case = state.store.case_by_number(number).await?;
            GrantScope::Case {
                case: case.ok_or(ApiError::NotFound)?,
            }
        }
        _ => {
            return Err(ApiError::BadRequest(
                "give either a scope or a case number".into(),
            ));
        }
    };
    let id = archive::request(
        &state.store,
        &caller.principal,
        scope,
        reason,
        req.days,
        state.now(),
    )
    .await?;
    Ok(Json(NewId { id }))
}

/// `GET /api/v1/archive/requests`: one's own; archivists see all.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<AccessRequest>>, ApiError> {
    Ok(Json(archive::list(&state.store, &caller.principal).await?))
}

/// `POST /api/v1/archive/requests/{id}/decision`.
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<AccessDecision>,
) -> Result<Json<Done>, ApiError> {
    archive::decide(
        &state.store,
        &caller.principal,
        id,
        d.approve,
        d.days,
        d.comment,
        state.now(),
    )
    .await?;
    Ok(Json(Done::YES))
}

/// `POST /api/v1/archive/requests/{id}/revoke`: ends an active grant now (archivists).
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Done>, ApiError> {
    archive::revoke(&state.store, &caller.principal, id, state.now()).await?;
    Ok(Json(Done::YES))
}

/// `GET /api/v1/archive/cases?month=YYYY-MM&number=&due=`: archived cases by number,
/// category and dates only (archivists).
pub async fn browse(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<archive::Browse>,
) -> Result<Json<Vec<ArchivedCase>>, ApiError> {
    Ok(Json(
        archive::browse(
            &state.store,
            &caller.principal,
            q,
            state.retention_days,
            state.now(),
        )
        .await?,
    ))
}

/// `GET /api/v1/archive/destructions`: every proposal (archivists and leaders).
pub async fn proposals(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<DestructionProposal>>, ApiError> {
    Ok(Json(
        archive::proposals(&state.store, &caller.principal, state.retention_days).await?,
    ))
}

/// `POST /api/v1/archive/destructions`: an archivist proposes; nothing is erased yet.
pub async fn propose(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(d): ApiJson<NewDestruction>,
) -> Result<Json<NewId>, ApiError> {
    let reason = d.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::BadRequest(
            "a reason of 1–500 characters is required".into(),
        ));
    }
    let id = archive::propose(
        &state.store,
        &caller.principal,
        d.cases,
        reason,
        state.retention_days,
        state.now(),
    )
    .await?;
    Ok(Json(NewId { id }))
}

/// `POST /api/v1/archive/destructions/{id}/decision`: a leader other than the proposer
/// approves (the cases are destroyed) or refuses.
pub async fn decide_destruction(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<DestructionDecision>,
) -> Result<Json<Destroyed>, ApiError> {
    let comment = d
        .comment
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > 500) {
        return Err(ApiError::BadRequest(
            "a comment is at most 500 characters".into(),
        ));
    }
    let n = archive::decide_destruction(
        &state.store,
        &caller.principal,
        id,
        d.approve,
        comment,
        state.retention_days,
        state.now(),
    )
    .await?;
    Ok(Json(Destroyed { destroyed: n }))
}

/// `GET /api/v1/cases/{id}`: the case as the caller may see it (404 when hidden, with a
/// counted `permission_denied` audit row); reads of archived cases need an active grant and
/// are audited.
pub async fn case(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<CaseId>,
) -> Result<Json<VisibleCase>, ApiError> {
    let visible = archive::read_case(&state.store, &caller.principal, id, state.now()).await?;
    visible.map(Json).ok_or(ApiError::NotFound)
}
