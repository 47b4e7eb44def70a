//! `/api/v1/admin/*`: users, departments, kiosks. Admins only; every change goes through one
//! path: [`Admin::authorize`], then [`Admin::change`] (the change and its audit row in one
//! transaction).

use super::answers::Done;
use axum::{
    Json,
    extract::{Path, State},
};
use tousu_shared::{
    access::{Principal, Role},
    api::admin::{
        Created, KioskCredentials, KioskRegistered, KioskRow, KioskSetup, MIN_PASSWORD_CHARS,
        NewKiosk, NewUser, UserUpdate, admin_name, department_required, exit_pin_ok, exit_pin_text,
        normalise_code,
    },
    ids::{DepartmentId, DeviceId, UserId},
};

use crate::{
    AppState,
    auth::{self, Caller, FAILURE_WINDOW_MS, MAX_FAILURES_PER_CLIENT},
    error::{ApiError, ApiJson},
    routes::auth::ClientAddr,
    store::{
        accounts::{NewAccount, UserRow},
        admin::{AdminChange, AdminRefusal},
        kiosks::SETUP_CODE_VALID_MS,
        reference::DepartmentRow,
        sessions::LoginRefusal,
    },
};

/// Proof that the caller is an administrator: the only way to make an [`AdminChange`].
pub struct Admin(String);

impl Admin {
    /// The caller, if they hold the admin role.
    pub fn authorize(caller: &Caller) -> Result<Admin, ApiError> {
        match &caller.principal {
            Principal::User { id, roles, .. } if roles.contains(&Role::Admin) => {
                Ok(Admin(id.to_string()))
            }
            _ => Err(ApiError::Forbidden("admins only")),
        }
    }

    /// Makes `change`, audited in the same transaction; a refusal is the client's error.
    pub async fn change(self, state: &AppState, change: AdminChange) -> Result<(), ApiError> {
        state
            .store
            .admin_change(self.0, change, state.now())
            .await?
            .map_err(|refusal| match refusal {
                AdminRefusal::NotFound => ApiError::NotFound,
                other => ApiError::BadRequest(other.to_string()),
            })
    }
}

fn ok() -> Json<Done> {
    Json(Done::YES)
}

/// `GET /api/v1/admin/users`.
pub async fn users(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<UserRow>>, ApiError> {
    Admin::authorize(&caller)?;
    Ok(Json(state.store.users().await?))
}

/// Checks a display name, roles and department as given; the name trimmed.
fn checked_account(
    display_name: &str,
    roles: &[Role],
    department: Option<&str>,
) -> Result<(String, Option<DepartmentId>), ApiError> {
    let name = admin_name(display_name)
        .ok_or_else(|| ApiError::BadRequest("display_name: 1–100 characters".into()))?;
    if roles.is_empty() {
        return Err(ApiError::BadRequest("roles: at least one".into()));
    }
    if department.is_none() && department_required(roles) {
        return Err(ApiError::BadRequest(
            "department: handlers and department heads belong to one".into(),
        ));
    }
    let department = department
        .map(DepartmentId::parse)
        .transpose()
        .map_err(|e| ApiError::BadRequest(format!("department: {e}")))?;
    Ok((name, department))
}

/// `POST /api/v1/admin/users`: without a password in the body the answer carries a
/// one-time password, shown once; the account must choose its own at its first sign-in.
pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(u): ApiJson<NewUser>,
) -> Result<Json<Created>, ApiError> {
    let admin = Admin::authorize(&caller)?;
    let id = UserId::parse(&u.id).map_err(|e| ApiError::BadRequest(format!("id: {e}")))?;
    let (name, department) = checked_account(&u.display_name, &u.roles, u.department.as_deref())?;
    if let Some(p) = &u.password
        && p.chars().count() < MIN_PASSWORD_CHARS
    {
        return Err(ApiError::BadRequest(format!(
            "password: at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    let one_time = u.password.is_none().then(auth::one_time_password);
    let password = u.password.or_else(|| one_time.clone()).unwrap_or_default();
    let password_hash = auth::hash_password_blocking(password).await?;
    let account = NewAccount {
        id,
        display_name: name,
        roles: u.roles,
        department,
        password_hash,
        must_change: one_time.is_some(),
    };
    admin
        .change(&state, AdminChange::CreateUser(account))
        .await?;
    Ok(Json(Created {
        one_time_password: one_time,
    }))
}

/// `PUT /api/v1/admin/users/{id}`: name, roles and department replaced; the account's
/// sessions end so the new roles apply from its next sign-in.
pub async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(u): ApiJson<UserUpdate>,
) -> Result<Json<Done>, ApiError> {
    let admin = Admin::authorize(&caller)?;
    let (display_name, department) =
        checked_account(&u.display_name, &u.roles, u.department.as_deref())?;
    if admin.0 == id && !u.roles.contains(&Role::Admin) {
        return Err(ApiError::BadRequest(
            "roles: an administrator cannot remove their own admin role".into(),
        ));
    }
    let change = AdminChange::UpdateUser {
        id,
        display_name,
        roles: u.roles,
        department: department.map(|d| d.to_string()),
    };
    admin.change(&state, change).await?;
    Ok(ok())
}

/// `POST /api/v1/admin/users/{id}/reset-password`: a new one-time password, answered once;
/// the account's sessions end and it must choose its own password at the next sign-in.
pub async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Created>, ApiError> {
    let admin = Admin::authorize(&caller)?;
    if admin.0 == id {
        return Err(ApiError::BadRequest(
            "an administrator changes their own password with their current one, not a reset"
                .into(),
        ));
    }
    let one_time = auth::one_time_password();
    let password_hash = auth::hash_password_blocking(one_time.clone()).await?;
    let change = AdminChange::ResetPassword { id, password_hash };
    admin.change(&state, change).await?;
    Ok(Json(Created {
        one_time_password: Some(one_time),
    }))
}

/// `POST /api/v1/admin/users/{id}/enable`: a disabled account may sign in again.
pub async fn enable_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Done>, ApiError> {
    let admin = Admin::authorize(&caller)?;
    admin.change(&state, AdminChange::EnableUser(id)).await?;
    Ok(ok())
}

/// `POST /api/v1/admin/users/{id}/disable`: the account stops at once (sessions ended).
pub async fn disable_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Done>, ApiError> {
    let admin = Admin::authorize(&caller)?;
    if admin.0 == id {
        // Found by schemathesis: an administrator could lock themselves out.
        return Err(ApiError::BadRequest(
            "an administrator cannot disable their own account".into(),
        ));
    }
    admin.change(&state, AdminChange::DisableUser(id)).await?;
    Ok(ok())
}

/// `GET /api/v1/admin/departments` (any signed-in user: screens need the names).
pub async fn departments(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<DepartmentRow>>, ApiError> {
    Ok(Json(state.store.departments().await?))
}

/// `POST /api/v1/admin/departments`.
pub async fn create_department(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(d): ApiJson<DepartmentRow>,
) -> Result<Json<Done>, ApiError> {
    let admin = Admin::authorize(&caller)?;
    let id = DepartmentId::parse(&d.id).map_err(|e| ApiError::BadRequest(format!("id: {e}")))?;
    let name =
        admin_name(&d.name).ok_or_else(|| ApiError::BadRequest("name: 1–100 characters".into()))?;
    let parent = d
        .parent
        .as_deref()
        .map(DepartmentId::parse)
        .transpose()
        .map_err(|e| ApiError::BadRequest(format!("parent: {e}")))?;
    let change = AdminChange::SaveDepartment {
        id: id.to_string(),
        name,
        parent: parent.map(|p| p.to_string()),
    };
    admin.change(&state, change).await?;
    Ok(ok())
}

/// `POST /api/v1/admin/kiosks`: registers a kiosk and answers its one-time setup code,
/// shown once (24 hours); the counter's browser exchanges it for a token that may only push
/// new kiosk complaints ([`kiosk_setup`]).
pub async fn create_kiosk(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(k): ApiJson<NewKiosk>,
) -> Result<Json<KioskRegistered>, ApiError> {
    let admin = Admin::authorize(&caller)?;
    let name =
        admin_name(&k.name).ok_or_else(|| ApiError::BadRequest("name: 1–100 characters".into()))?;
    let pin = k
        .exit_pin
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    if pin.is_some_and(|p| !exit_pin_ok(p)) {
        return Err(ApiError::BadRequest("exit_pin: 4 to 8 digits".into()));
    }
    let code = auth::one_time_password();
    let device = DeviceId(uuid::Uuid::now_v7());
    let exit_pin_hash = pin.map(|p| {
        <sha2::Sha256 as sha2::Digest>::digest(exit_pin_text(device, p).as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    });
    let setup_until = state.now().0 + SETUP_CODE_VALID_MS;
    let change = AdminChange::RegisterKiosk {
        device,
        name,
        setup_hash: auth::token_hash(&code),
        setup_until,
        exit_pin_hash,
    };
    admin.change(&state, change).await?;
    Ok(Json(KioskRegistered {
        device_id: device,
        setup_code: code,
        setup_until,
    }))
}

/// `GET /api/v1/admin/kiosks`: every kiosk and its state.
pub async fn kiosks(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<KioskRow>>, ApiError> {
    Admin::authorize(&caller)?;
    Ok(Json(state.store.kiosks(state.now()).await?))
}

/// `POST /api/v1/kiosk/setup` (no session): a registered kiosk's setup code, once, for its
/// token. A wrong, used, expired or revoked code all answer the same 400; failures count
/// against the client as failed sign-ins do (429 past the limit).
pub async fn kiosk_setup(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(setup): ApiJson<KioskSetup>,
) -> Result<Json<KioskCredentials>, ApiError> {
    const WHO: &str = "kiosk-setup";
    let now = state.now();
    let (_, client_failures) = state
        .store
        .login_failures(WHO.into(), client.clone(), now.0 - FAILURE_WINDOW_MS)
        .await?;
    if client_failures >= MAX_FAILURES_PER_CLIENT {
        state
            .store
            .login_refused(WHO.into(), client, LoginRefusal::RateLimited, now)
            .await?;
        return Err(ApiError::RateLimited);
    }
    let code = normalise_code(&setup.code);
    let (token, token_hash) = auth::new_token();
    match state
        .store
        .kiosk_set_up(auth::token_hash(&code), token_hash, now)
        .await?
    {
        Some((device_id, name, exit_pin_hash)) => Ok(Json(KioskCredentials {
            device_id,
            token,
            name,
            exit_pin_hash,
        })),
        None => {
            state
                .store
                .login_refused(WHO.into(), client, LoginRefusal::Failed, now)
                .await?;
            Err(ApiError::BadRequest(
                "code: not a setup code in force (wrong, used, expired or revoked)".into(),
            ))
        }
    }
}

/// `POST /api/v1/admin/kiosks/{id}/revoke`.
pub async fn revoke_kiosk(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Done>, ApiError> {
    let admin = Admin::authorize(&caller)?;
    admin.change(&state, AdminChange::RevokeKiosk(id)).await?;
    Ok(ok())
}
