//! `/api/v1/admin/*`: users, departments, kiosks. Admins only; every change audited.

use axum::{
    Json,
    extract::{Path, State},
};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use tousu_shared::{
    access::{Principal, Role},
    ids::{DepartmentId, DeviceId, UserId},
};

use crate::{
    AppState,
    auth::{self, Caller},
    error::{ApiError, ApiJson},
    store::{StoreError, audit},
};

fn require_admin(caller: &Caller) -> Result<String, ApiError> {
    match &caller.principal {
        Principal::User { id, roles, .. } if roles.contains(&Role::Admin) => Ok(id.to_string()),
        _ => Err(ApiError::Forbidden("admins only")),
    }
}

/// A user as listed (no password hash, ever).
#[derive(Debug, Serialize, Deserialize)]
pub struct UserRow {
    /// Id.
    pub id: String,
    /// Display name.
    pub display_name: String,
    /// Roles.
    pub roles: Vec<Role>,
    /// Department.
    pub department: Option<String>,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
}

/// `GET /api/v1/admin/users`.
pub async fn users(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<UserRow>>, ApiError> {
    require_admin(&caller)?;
    let rows = state
        .store
        .read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT u.id, u.display_name, u.department, u.disabled, COALESCE(group_concat(r.role), '')
                 FROM users u LEFT JOIN user_roles r ON r.user_id = u.id GROUP BY u.id ORDER BY u.id",
            )?;
            let rows = stmt.query_map([], |r| {
                let roles: String = r.get(4)?;
                Ok(UserRow {
                    id: r.get(0)?,
                    display_name: r.get(1)?,
                    department: r.get(2)?,
                    disabled: r.get::<_, i64>(3)? != 0,
                    roles: roles
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .filter_map(|s| serde_json::from_value(serde_json::Value::String(s.into())).ok())
                        .collect(),
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(Json(rows))
}

/// Body of a new user.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Account id (lowercase slug).
    pub id: String,
    /// Display name.
    pub display_name: String,
    /// Roles.
    pub roles: Vec<Role>,
    /// Department (handlers and managers).
    #[serde(default)]
    pub department: Option<String>,
    /// Initial password, at least 10 characters.
    pub password: String,
}

/// `POST /api/v1/admin/users`.
pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(u): ApiJson<NewUser>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let admin = require_admin(&caller)?;
    let id = UserId::parse(&u.id).map_err(|e| ApiError::BadRequest(format!("id: {e}")))?;
    let name = u.display_name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::BadRequest(
            "display_name: 1–100 characters".into(),
        ));
    }
    if u.password.chars().count() < 10 {
        return Err(ApiError::BadRequest(
            "password: at least 10 characters".into(),
        ));
    }
    if u.roles.is_empty() {
        return Err(ApiError::BadRequest("roles: at least one".into()));
    }
    let department = u
        .department
        .as_deref()
        .map(DepartmentId::parse)
        .transpose()
        .map_err(|e| ApiError::BadRequest(format!("department: {e}")))?;
    let now = state.now().0;
    let created = state
        .store
        .with_conn(move |conn| {
            let tx = conn.transaction()?;
            let exists: Option<i64> = tx
                .query_row("SELECT 1 FROM users WHERE id = ?1", [id.as_str()], |r| {
                    r.get(0)
                })
                .optional()?;
            if exists.is_some() {
                return Ok(Err("that id is taken"));
            }
            if let Some(d) = &department {
                let known: Option<i64> = tx
                    .query_row(
                        "SELECT 1 FROM departments WHERE id = ?1",
                        [d.as_str()],
                        |r| r.get(0),
                    )
                    .optional()?;
                if known.is_none() {
                    return Ok(Err("unknown department"));
                }
            }
            crate::demo::create_user(
                &tx,
                id.as_str(),
                &name,
                &u.roles,
                department.as_ref().map(|d| d.as_str()),
                &u.password,
                now,
            )?;
            audit::append(&tx, now, &admin, "admin_user_created", id.as_str(), "{}")?;
            tx.commit()?;
            Ok(Ok(()))
        })
        .await?;
    created.map_err(|why| ApiError::BadRequest(why.into()))?;
    Ok(Json(serde_json::json!({ "ok": true })))
}

/// `POST /api/v1/admin/users/{id}/disable`: the account stops at once (sessions ended).
pub async fn disable_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let admin = require_admin(&caller)?;
    let now = state.now().0;
    let changed = state
        .store
        .with_conn(move |conn| {
            let tx = conn.transaction()?;
            let n = tx.execute("UPDATE users SET disabled = 1 WHERE id = ?1", [&id])?;
            tx.execute("DELETE FROM sessions WHERE user_id = ?1", [&id])?;
            audit::append(&tx, now, &admin, "admin_user_disabled", &id, "{}")?;
            tx.commit()?;
            Ok(n)
        })
        .await?;
    if changed == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(Json(serde_json::json!({ "ok": true })))
}

/// A department.
#[derive(Debug, Serialize, Deserialize)]
pub struct DepartmentRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// `GET /api/v1/admin/departments` (any signed-in user: screens need the names).
pub async fn departments(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<DepartmentRow>>, ApiError> {
    let rows = state
        .store
        .read(|conn| {
            let mut stmt = conn.prepare("SELECT id, name FROM departments ORDER BY id")?;
            let rows = stmt.query_map([], |r| {
                Ok(DepartmentRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(Json(rows))
}

/// `POST /api/v1/admin/departments`.
pub async fn create_department(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(d): ApiJson<DepartmentRow>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let admin = require_admin(&caller)?;
    let id = DepartmentId::parse(&d.id).map_err(|e| ApiError::BadRequest(format!("id: {e}")))?;
    let name = d.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::BadRequest("name: 1–100 characters".into()));
    }
    let now = state.now().0;
    state
        .store
        .with_conn(move |conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO departments (id, name) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                params![id.as_str(), name],
            )?;
            audit::append(&tx, now, &admin, "admin_department_saved", id.as_str(), "{}")?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Json(serde_json::json!({ "ok": true })))
}

/// Body of a new kiosk.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewKiosk {
    /// Where it stands, e.g. "朝阳门站点 大厅".
    pub name: String,
}

/// The new kiosk's credentials: shown once, stored only as a hash.
#[derive(Debug, Serialize, Deserialize)]
pub struct KioskCredentials {
    /// The kiosk's device id.
    pub device_id: DeviceId,
    /// Its bearer token.
    pub token: String,
}

/// `POST /api/v1/admin/kiosks`: registers a kiosk; its token may only push new kiosk
/// complaints.
pub async fn create_kiosk(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(k): ApiJson<NewKiosk>,
) -> Result<Json<KioskCredentials>, ApiError> {
    let admin = require_admin(&caller)?;
    let name = k.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::BadRequest("name: 1–100 characters".into()));
    }
    let (token, hash) = auth::new_token();
    let device = DeviceId(uuid::Uuid::now_v7());
    let now = state.now().0;
    state
        .store
        .with_conn(move |conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO devices (id, kind, name, token_hash, created_at) VALUES (?1, 'kiosk', ?2, ?3, ?4)",
                params![device.to_string(), name, hash, now],
            )?;
            audit::append(&tx, now, &admin, "admin_kiosk_registered", &device.to_string(), "{}")?;
            tx.commit()?;
            Ok::<_, StoreError>(())
        })
        .await?;
    Ok(Json(KioskCredentials {
        device_id: device,
        token,
    }))
}

/// `POST /api/v1/admin/kiosks/{id}/revoke`.
pub async fn revoke_kiosk(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let admin = require_admin(&caller)?;
    let now = state.now().0;
    let n = state
        .store
        .with_conn(move |conn| {
            let tx = conn.transaction()?;
            let n = tx.execute(
                "UPDATE devices SET revoked = 1 WHERE id = ?1 AND kind = 'kiosk'",
                [&id],
            )?;
            audit::append(&tx, now, &admin, "admin_kiosk_revoked", &id, "{}")?;
            tx.commit()?;
            Ok(n)
        })
        .await?;
    if n == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(Json(serde_json::json!({ "ok": true })))
}
