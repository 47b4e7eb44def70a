//! `GET /api/v1/statistics`: the office's figures for a period (issue 14), computed by the
//! shared report over the server's statistics rows, scoped to who asks.

use axum::{
    Json,
    extract::{Query, State},
};
use serde::{Deserialize, Serialize};
use tousu_shared::{
    clock::CHINA_OFFSET_MINUTES,
    ids::DepartmentId,
    model::CaseKind,
    stats::{Dimension, Period, Report, StatFilter, StatScope, report},
};

use crate::{AppState, auth::Caller, error::ApiError};

/// Query of `GET /statistics`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatQuery {
    /// `2026-03`, `2026-Q1`, `2026` or `2026-01-01..2026-03-31`.
    pub period: String,
    /// What to group by (default: category).
    #[serde(default)]
    pub by: Option<Dimension>,
    /// Only this kind.
    #[serde(default)]
    pub kind: Option<CaseKind>,
    /// Only this department's cases (a head always gets only theirs).
    #[serde(default)]
    pub department: Option<DepartmentId>,
}

/// The answer: the report and whose cases it covers.
#[derive(Debug, Serialize, Deserialize)]
pub struct StatAnswer {
    /// Whose cases.
    pub scope: StatScope,
    /// The figures.
    pub report: Report,
}

/// `GET /api/v1/statistics?period=…&by=…`: supervisors get every case's figures, department
/// heads their department's; others are refused.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<StatQuery>,
) -> Result<Json<StatAnswer>, ApiError> {
    let scope = StatScope::of(&caller.principal).ok_or(ApiError::Forbidden("statistics"))?;
    let period = Period::parse(&q.period).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "period {:?}: give 2026-03, 2026-Q1, 2026 or 2026-01-01..2026-03-31",
            q.period
        ))
    })?;
    let filter = scope.narrow(StatFilter {
        department: q.department,
        kind: q.kind,
    });
    let rows = state.store.stat_rows(period).await?;
    let report = report(
        &rows,
        period,
        q.by.unwrap_or(Dimension::Category),
        &filter,
        CHINA_OFFSET_MINUTES,
        state.now(),
    );
    Ok(Json(StatAnswer { scope, report }))
}
