//! `/api/v1/reference` and its admin edits: the category tree, departments, the working-day
//! calendar and the SLA policy. Every signed-in device reads them (the app computes
//! deadlines offline with the same data); admins edit them.

use super::answers::{CalendarSaved, Done, ProfileSaved};
use axum::{Json, extract::State};
use serde::Deserialize;
use tousu_shared::{
    api::Reference,
    model::Category,
    profile::Profile,
    sla::{SlaPolicy, WorkCalendar},
};

use crate::{
    AppState,
    auth::Caller,
    error::{ApiError, ApiJson},
    routes::admin::Admin,
    store::{
        admin::AdminChange,
        reference::{CALENDAR_KEY, CATEGORIES_KEY, SLA_KEY},
    },
};

/// `GET /api/v1/reference`.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Reference>, ApiError> {
    let mut reference = state.store.reference().await?;
    // A kiosk reads nothing of anyone: it gets the rules, not the staff.
    if !matches!(
        caller.principal,
        tousu_shared::access::Principal::User { .. }
    ) {
        reference.people.clear();
        reference.devices.clear();
    }
    Ok(Json(reference))
}

async fn save(
    state: &AppState,
    admin: Admin,
    key: &'static str,
    value: String,
) -> Result<(), ApiError> {
    admin
        .change(state, AdminChange::SaveReference { key, value })
        .await
}

/// Body of a calendar edit.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarText {
    /// The calendar in its text form.
    pub text: String,
}

/// `PUT /api/v1/admin/calendar`: a parse error names the line; stretches of more than six
/// working days are returned as warnings.
pub async fn put_calendar(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CalendarText>,
) -> Result<Json<CalendarSaved>, ApiError> {
    let admin = Admin::authorize(&caller)?;
    let calendar =
        WorkCalendar::parse(&body.text).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let warnings: Vec<String> = calendar
        .years
        .iter()
        .flat_map(|&y| calendar.long_working_stretches(y))
        .map(|(first, len)| format!("{len} working days in a row from {first}"))
        .collect();
    save(&state, admin, CALENDAR_KEY, body.text).await?;
    Ok(Json(CalendarSaved { ok: true, warnings }))
}

/// Body of `PUT /admin/profile`: a shipped profile's id, or a whole profile (an edit).
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileChoice {
    /// One of the shipped profiles' ids.
    #[serde(default)]
    pub id: Option<String>,
    /// An edited profile: every value with its source, a version above the one in force.
    #[serde(default)]
    pub profile: Option<serde_json::Value>,
}

/// `PUT /api/v1/admin/profile`: puts a regulation profile in force, a shipped one by id or
/// an admin's edit (checked by [`Profile::check_edit`]: sources, version, consistent clocks
/// on the calendar in force). Its clocks and category tree replace the current ones; devices
/// get them with the reference data; cases already registered keep the rules they carry.
pub async fn put_profile(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(choice): ApiJson<ProfileChoice>,
) -> Result<Json<ProfileSaved>, ApiError> {
    let admin = Admin::authorize(&caller)?;
    let bad = |e: tousu_shared::profile::ProfileError| ApiError::BadRequest(e.to_string());
    let profile = match (choice.id, choice.profile) {
        (Some(id), None) => Profile::builtin(&id).map_err(bad)?,
        (None, Some(json)) => {
            let profile = Profile::parse(&json.to_string()).map_err(bad)?;
            let reference = state.store.reference().await?;
            let calendar = tousu_shared::sla::WorkCalendar::parse(&reference.calendar)
                .unwrap_or_else(|_| tousu_shared::sla::WorkCalendar::china_default());
            profile
                .check_edit(reference.profile.as_ref(), &calendar)
                .map_err(bad)?;
            profile
        }
        _ => {
            return Err(ApiError::BadRequest(
                "give either `id` (a shipped profile) or `profile` (an edited one)".into(),
            ));
        }
    };
    admin
        .change(&state, AdminChange::apply_profile(&profile))
        .await?;
    Ok(Json(ProfileSaved {
        ok: true,
        profile: profile.info(),
    }))
}

/// `GET /api/v1/profile`: the regulation profile in force, whole (its sources included);
/// 404 while none is chosen.
pub async fn get_profile(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Profile>, ApiError> {
    let profile = state
        .store
        .profile_full()
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(profile))
}

/// `PUT /api/v1/admin/sla-policy`.
pub async fn put_sla(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(policy): ApiJson<SlaPolicy>,
) -> Result<Json<Done>, ApiError> {
    let admin = Admin::authorize(&caller)?;
    save(
        &state,
        admin,
        SLA_KEY,
        serde_json::to_string(&policy).expect("json"),
    )
    .await?;
    Ok(Json(Done::YES))
}

/// `PUT /api/v1/admin/categories`: the whole tree; ids unique, parents known and listed first,
/// names non-empty.
pub async fn put_categories(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(tree): ApiJson<Vec<Category>>,
) -> Result<Json<Done>, ApiError> {
    let admin = Admin::authorize(&caller)?;
    let mut seen = std::collections::BTreeSet::new();
    for c in &tree {
        if [&c.name_zh_cn, &c.name_zh_tw, &c.name_en]
            .iter()
            .any(|n| n.trim().is_empty() || n.chars().count() > 50)
        {
            return Err(ApiError::BadRequest(format!(
                "category {}: names of 1–50 characters in every language",
                c.id
            )));
        }
        if let Some(parent) = &c.parent
            && !seen.contains(parent)
        {
            return Err(ApiError::BadRequest(format!(
                "category {}: parent {parent} must come first",
                c.id
            )));
        }
        if !seen.insert(c.id.clone()) {
            return Err(ApiError::BadRequest(format!("category {} twice", c.id)));
        }
    }
    if tree.is_empty() {
        return Err(ApiError::BadRequest("at least one category".into()));
    }
    save(
        &state,
        admin,
        CATEGORIES_KEY,
        serde_json::to_string(&tree).expect("json"),
    )
    .await?;
    Ok(Json(Done::YES))
}
