//! Reference data: the category tree, departments, the working-day calendar and the SLA
//! policy. Every signed-in device reads them (the app computes deadlines offline with the
//! same data); admins edit them. Stored in `meta`; shipped defaults until edited.

use axum::{Json, extract::State};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use tousu_shared::{
    access::{Principal, Role},
    api::Reference,
    model::{Catalog, Category},
    sla::{CHINA_DEFAULT_CALENDAR, SlaPolicy, WorkCalendar},
};

use crate::{
    AppState,
    auth::Caller,
    error::{ApiError, ApiJson},
    store::{self, StoreError, audit},
};

const CALENDAR_KEY: &str = "calendar";
const SLA_KEY: &str = "sla_policy";
/// Meta key of the admin-edited category tree.
pub const CATEGORIES_KEY: &str = "categories";

fn meta(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The category tree in force (edited, or the shipped default).
pub fn categories(conn: &Connection) -> Result<Vec<Category>, StoreError> {
    match meta(conn, CATEGORIES_KEY)? {
        Some(json) => serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string())),
        None => Ok(Catalog::default_categories()),
    }
}

/// `GET /api/v1/reference`.
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Reference>, ApiError> {
    let reference = state
        .store
        .read(|conn| {
            Ok(Reference {
                catalog: store::load_catalog(conn)?,
                calendar: meta(conn, CALENDAR_KEY)?
                    .unwrap_or_else(|| CHINA_DEFAULT_CALENDAR.to_string()),
                sla_policy: match meta(conn, SLA_KEY)? {
                    Some(json) => serde_json::from_str(&json)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    None => SlaPolicy::default(),
                },
            })
        })
        .await?;
    Ok(Json(reference))
}

fn require_admin(caller: &Caller) -> Result<String, ApiError> {
    match &caller.principal {
        Principal::User { id, roles, .. } if roles.contains(&Role::Admin) => Ok(id.to_string()),
        _ => Err(ApiError::Forbidden("admins only")),
    }
}

async fn save(
    state: &AppState,
    admin: String,
    key: &'static str,
    value: String,
) -> Result<(), ApiError> {
    let now = state.now().0;
    state
        .store
        .with_conn(move |conn| {
            let tx = conn.transaction()?;
            set_meta(&tx, key, &value)?;
            audit::append(&tx, now, &admin, &format!("admin_{key}_saved"), key, "{}")?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(())
}

/// Body of a calendar edit.
#[derive(Debug, Deserialize)]
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
) -> Result<Json<serde_json::Value>, ApiError> {
    let admin = require_admin(&caller)?;
    let calendar =
        WorkCalendar::parse(&body.text).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let warnings: Vec<String> = calendar
        .years
        .iter()
        .flat_map(|&y| calendar.long_working_stretches(y))
        .map(|(first, len)| format!("{len} working days in a row from {first}"))
        .collect();
    save(&state, admin, CALENDAR_KEY, body.text).await?;
    Ok(Json(
        serde_json::json!({ "ok": true, "warnings": warnings }),
    ))
}

/// `PUT /api/v1/admin/sla-policy`.
pub async fn put_sla(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(policy): ApiJson<SlaPolicy>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let admin = require_admin(&caller)?;
    save(
        &state,
        admin,
        SLA_KEY,
        serde_json::to_string(&policy).expect("json"),
    )
    .await?;
    Ok(Json(serde_json::json!({ "ok": true })))
}

/// `PUT /api/v1/admin/categories`: the whole tree; ids unique, parents known and listed first,
/// names non-empty.
pub async fn put_categories(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(tree): ApiJson<Vec<Category>>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let admin = require_admin(&caller)?;
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
    Ok(Json(serde_json::json!({ "ok": true })))
}
