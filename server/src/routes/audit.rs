//! `GET /api/v1/audit`: the audit trail for its custodians (archivists and administrators).

use axum::{
    Json,
    extract::{Query, State},
};
use tousu_shared::{
    access::{Principal, Role},
    api::audit::AuditAnswer,
};

use crate::{AppState, auth::Caller, error::ApiError, store::audit::AuditFilter};

/// `GET /api/v1/audit?actor=&action=&subject=&from=&to=&limit=`: the matching rows, newest
/// first, and the check of the whole hash chain. A subject that is a case number stands for
/// that case.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<AuditFilter>,
) -> Result<Json<AuditAnswer>, ApiError> {
    let custodian = matches!(&caller.principal, Principal::User { roles, .. }
        if roles.contains(&Role::Archivist) || roles.contains(&Role::Admin));
    if !custodian {
        return Err(ApiError::Forbidden("archivists and admins only"));
    }
    let blank = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    // A case is found by its number too: its rows name it by id.
    let mut subject = blank(filter.subject.clone());
    if let Some(number) = subject
        .clone()
        .filter(|s| s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()))
        && let Some(case) = state.store.case_by_number(number).await?
    {
        subject = Some(case.to_string());
    }
    let filter = AuditFilter {
        actor: blank(filter.actor),
        action: blank(filter.action),
        subject,
        ..filter
    };
    let rows = state.store.audit_trail(filter).await?;
    let chain = state.store.chain_check().await?;
    Ok(Json(AuditAnswer { rows, chain }))
}
