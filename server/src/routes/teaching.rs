//! Teaching cases (issue 14 §6, 000 案例分析, 003 "案例的學習與分享"): the cases supervisors
//! marked, anonymised by the shared rule for whoever of the staff reads them:
//! `GET /api/v1/teaching-cases` and `GET /api/v1/exports/teaching-cases.xlsx`.
//!
//! Every member of staff may read them, outside their scope too and after the case is
//! archived: what they read names nobody, and the supervisor's mark is the approval to use
//! the case for training. A destroyed case is a teaching case no more.

use axum::{
    Json,
    extract::{Query, State},
    response::Response,
};
use serde::Deserialize;
use tousu_shared::{
    access::Principal,
    clock::CHINA_OFFSET_MINUTES,
    teaching::{HEADINGS, TeachingCase, anonymised},
};

use super::exports::{parse_lang, table_xlsx};
use crate::{AppState, auth::Caller, error::ApiError};

/// Query of the teaching cases.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeachingQuery {
    /// `zh-CN` (default), `zh-TW` or `en`: the language of the placeholders (and the
    /// export's words).
    #[serde(default)]
    #[schemars(extend("enum" = ["zh-CN", "zh-TW", "en"]))]
    pub lang: Option<String>,
}

async fn teaching_cases(
    state: &AppState,
    caller: &Caller,
    lang: usize,
) -> Result<Vec<TeachingCase>, ApiError> {
    if !matches!(caller.principal, Principal::User { .. }) {
        return Err(ApiError::Forbidden("teaching cases"));
    }
    let staff: Vec<String> = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| u.display_name)
        .collect();
    let views = state.store.teaching_views().await?;
    Ok(views
        .iter()
        .filter_map(|v| anonymised(v, &staff, lang, CHINA_OFFSET_MINUTES))
        .collect())
}

/// `GET /api/v1/teaching-cases?lang=…`: the teaching cases, anonymised, most recently marked
/// first; any member of staff.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<TeachingQuery>,
) -> Result<Json<Vec<TeachingCase>>, ApiError> {
    let lang = parse_lang(q.lang.as_deref())?;
    Ok(Json(teaching_cases(&state, &caller, lang).await?))
}

/// `GET /api/v1/exports/teaching-cases.xlsx?lang=…`: the same as a workbook, a line per case.
pub async fn xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<TeachingQuery>,
) -> Result<Response, ApiError> {
    let lang = parse_lang(q.lang.as_deref())?;
    let cases = teaching_cases(&state, &caller, lang).await?;
    let catalog = state.store.catalog().await?;
    let lines: Vec<_> = cases.iter().map(|c| c.cells(&catalog, lang)).collect();
    let headings: Vec<&str> = HEADINGS.iter().map(|h| h[lang]).collect();
    table_xlsx(
        "tousu-teaching-cases.xlsx",
        ["教学案例", "教學案例", "Teaching cases"][lang],
        &headings,
        &lines,
    )
}
