//! `/api/v1/auth/*`: login, logout, who am I.

use super::answers::Done;
use std::sync::OnceLock;

use axum::{
    Json,
    extract::{FromRequestParts, State},
    http::request::Parts,
};
use tousu_shared::{
    access::Principal,
    api::{
        admin::{PasswordChange, PasswordProblem, password_problem},
        sync::{LoginRequest, LoginResponse, UserInfo},
    },
    ids::UserId,
};

use crate::{
    AppState,
    auth::{
        self, ABSOLUTE_TIMEOUT_MS, Caller, FAILURE_WINDOW_MS, IDLE_TIMEOUT_MS,
        MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_CLIENT,
    },
    error::{ApiError, ApiJson},
    store::sessions::{LoginRefusal, NewSession},
};

/// The calling client's address (for per-client login limits).
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(auth::client_address(parts, state.trusted_proxy)))
    }
}

/// A hash to verify against when the account does not exist, so a wrong user name costs
/// the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| auth::hash_password("tousu-no-such-user").expect("hash"))
}

/// Describes a principal for the app.
pub fn user_info(principal: &Principal, display_name: String) -> Option<UserInfo> {
    match principal {
        Principal::User {
            id,
            roles,
            department,
        } => Some(UserInfo {
            id: id.clone(),
            display_name,
            roles: roles.iter().copied().collect(),
            department: department.clone(),
        }),
        _ => None,
    }
}

/// `POST /api/v1/auth/login`.
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let now = state.now();
    let username = req.username.trim().to_string();
    let (user_failures, client_failures) = state
        .store
        .login_failures(username.clone(), client.clone(), now.0 - FAILURE_WINDOW_MS)
        .await?;
    if user_failures >= MAX_FAILURES_PER_ACCOUNT || client_failures >= MAX_FAILURES_PER_CLIENT {
        state
            .store
            .login_refused(username, client, LoginRefusal::RateLimited, now)
            .await?;
        return Err(ApiError::RateLimited);
    }
    let user = UserId::parse(&username).ok();
    let stored = match &user {
        Some(id) => state.store.credentials(id.clone()).await?,
        None => None,
    };
    let phc = stored
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let password = req.password.clone();
    let ok = auth::password_work(move || auth::verify_password(&password, &phc)).await?
        && stored.is_some();
    let (Some(user), Some(credentials), true) = (user, stored, ok) else {
        state
            .store
            .login_refused(username, client, LoginRefusal::Failed, now)
            .await?;
        return Err(ApiError::InvalidCredentials);
    };
    let (token, token_hash) = auth::new_token();
    let expires_at = now.0 + ABSOLUTE_TIMEOUT_MS;
    let session = NewSession {
        user,
        device: req.device_id,
        token_hash,
        expires_at,
    };
    let principal = state
        .store
        .open_session(session, now)
        .await?
        .ok_or(ApiError::BadRequest(
            "that device id belongs to a kiosk or the server".into(),
        ))?;
    Ok(Json(LoginResponse {
        token,
        expires_at,
        idle_timeout_s: IDLE_TIMEOUT_MS / 1000,
        user: user_info(&principal, credentials.display_name).ok_or(ApiError::Unauthorized)?,
        server_time: now.0,
        must_change_password: credentials.must_change,
    }))
}

/// `POST /api/v1/auth/password`: one's own new password, with the current one (the
/// one-time password after an administrator's reset). Every other session of the account
/// ends; this one goes on, no longer limited to this call.
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<Json<Done>, ApiError> {
    let Principal::User { id, .. } = &caller.principal else {
        return Err(ApiError::Forbidden("kiosk"));
    };
    let stored = state
        .store
        .credentials(id.clone())
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let current = change.current.clone();
    let ok =
        auth::password_work(move || auth::verify_password(&current, &stored.password_hash)).await?;
    if !ok {
        return Err(ApiError::PasswordRefused("wrong_password"));
    }
    match password_problem(&change.current, &change.new) {
        Some(PasswordProblem::TooShort) => {
            return Err(ApiError::PasswordRefused("password_too_short"));
        }
        Some(PasswordProblem::Unchanged) => {
            return Err(ApiError::PasswordRefused("password_unchanged"));
        }
        None => {}
    }
    let hash = auth::hash_password_blocking(change.new).await?;
    state
        .store
        .change_own_password(id.clone(), hash, caller.token_hash, state.now())
        .await?;
    Ok(Json(Done::YES))
}

/// `POST /api/v1/auth/logout`: ends this session at once.
pub async fn logout(State(state): State<AppState>, caller: Caller) -> Result<Json<Done>, ApiError> {
    let name = caller.audit_name();
    state
        .store
        .end_session(caller.token_hash, name, state.now())
        .await?;
    Ok(Json(Done::YES))
}

/// `GET /api/v1/auth/me`.
pub async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<UserInfo>, ApiError> {
    let Principal::User { id, .. } = &caller.principal else {
        return Err(ApiError::Forbidden("kiosk"));
    };
    let name = state
        .store
        .display_name(id.clone())
        .await?
        .ok_or(ApiError::Unauthorized)?;
    user_info(&caller.principal, name)
        .map(Json)
        .ok_or(ApiError::Unauthorized)
}
