//! `GET /api/v1/statistics`: the office's figures for a period (issue 14), computed by the
//! shared report over the server's statistics rows, scoped to who asks.

use axum::{
    Json,
    extract::{Query, State},
};
use serde::Deserialize;
use tousu_shared::{
    access::Principal,
    clock::CHINA_OFFSET_MINUTES,
    ids::DepartmentId,
    model::CaseKind,
    stats::{
        self, AppraisalAnswer, AppraisalBy, Dimension, Period, StatAnswer, StatFilter, StatScope,
        report,
    },
};

use crate::{AppState, auth::Caller, error::ApiError};

/// Query of `GET /statistics`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatQuery {
    /// `2026-03`, `2026-Q1`, `2026` or `2026-01-01..2026-03-31`.
    #[schemars(pattern(tousu_shared::schema::PERIOD))]
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

/// `GET /api/v1/statistics?period=…&by=…`: supervisors get every case's figures, department
/// heads their department's; others are refused.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<StatQuery>,
) -> Result<Json<StatAnswer>, ApiError> {
    let scope = StatScope::of(&caller.principal).ok_or(ApiError::Forbidden("statistics"))?;
    let period = parse_period(&q.period)?;
    let filter = scope.narrow(StatFilter {
        department: q.department,
        kind: q.kind,
    });
    let by = q.by.unwrap_or(Dimension::Category);
    let now = state.now();
    let report = state
        .store
        .with_stat_rows(move |rows| report(rows, period, by, &filter, CHINA_OFFSET_MINUTES, now))
        .await?;
    Ok(Json(StatAnswer { scope, report }))
}

/// Query of `GET /appraisal`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppraisalQuery {
    /// As for `/statistics`.
    #[schemars(pattern(tousu_shared::schema::PERIOD))]
    pub period: String,
    /// `department` or `person` (default: person).
    #[serde(default)]
    pub by: Option<AppraisalBy>,
}

/// `GET /api/v1/appraisal?period=…&by=person|department` (績效考核): supervisors see everyone,
/// department heads their department's cases, every other staff member their own line.
pub async fn appraisal(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<AppraisalQuery>,
) -> Result<Json<AppraisalAnswer>, ApiError> {
    let period = parse_period(&q.period)?;
    let (scope, lines) =
        appraisal_lines(&state, &caller, period, q.by.unwrap_or(AppraisalBy::Person)).await?;
    Ok(Json(AppraisalAnswer { scope, lines }))
}

/// The appraisal lines `caller` may see: supervisors everyone's, heads their department's
/// cases', every other member of staff their own line (by person only).
pub(crate) async fn appraisal_lines(
    state: &AppState,
    caller: &Caller,
    period: Period,
    by: AppraisalBy,
) -> Result<(Option<StatScope>, Vec<stats::AppraisalLine>), ApiError> {
    let Principal::User { id, .. } = &caller.principal else {
        return Err(ApiError::Forbidden("appraisal"));
    };
    let own = id.to_string();
    let scope = StatScope::of(&caller.principal);
    if scope.is_none() && by != AppraisalBy::Person {
        return Err(ApiError::Forbidden("appraisal"));
    }
    let filter = scope
        .as_ref()
        .map_or_else(StatFilter::default, |s| s.narrow(StatFilter::default()));
    let now = state.now();
    let mut lines = state
        .store
        .with_stat_rows(move |rows| {
            stats::appraisal(rows, period, by, &filter, CHINA_OFFSET_MINUTES, now)
        })
        .await?;
    if scope.is_none() {
        lines.retain(|l| l.key == own);
    }
    Ok((scope, lines))
}

/// A period from a query, or a 400 naming the forms accepted.
pub(crate) fn parse_period(text: &str) -> Result<Period, ApiError> {
    Period::parse(text).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "period {text:?}: give 2026-03, 2026-Q1, 2026 or 2026-01-01..2026-03-31"
        ))
    })
}
