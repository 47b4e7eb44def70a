//! `/api/v1/auth/*`: login, logout, who am I.

use std::sync::OnceLock;

use axum::{
    Json,
    extract::{FromRequestParts, State},
    http::request::Parts,
};
use rusqlite::{OptionalExtension, params};
use tousu_shared::{
    access::Principal,
    api::sync::{LoginRequest, LoginResponse, UserInfo},
    ids::UserId,
};

use crate::{
    AppState,
    auth::{
        self, ABSOLUTE_TIMEOUT_MS, Caller, IDLE_TIMEOUT_MS, MAX_FAILURES_PER_ACCOUNT,
        MAX_FAILURES_PER_CLIENT,
    },
    error::{ApiError, ApiJson},
    store::audit,
};

/// The calling client's address (for per-client login limits).
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(auth::client_address(parts)))
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
    let now = state.now().0;
    let username = req.username.trim().to_string();
    let (user_failures, client_failures) = {
        let (u, c) = (username.clone(), client.clone());
        state
            .store
            .read(move |conn| auth::recent_failures(conn, &u, &c, now))
            .await?
    };
    if user_failures >= MAX_FAILURES_PER_ACCOUNT || client_failures >= MAX_FAILURES_PER_CLIENT {
        let (u, c) = (username.clone(), client.clone());
        state
            .store
            .with_conn(move |conn| {
                Ok(audit::append(
                    conn,
                    now,
                    &u,
                    "login_rate_limited",
                    &u,
                    &format!("{{\"client\":\"{c}\"}}"),
                )?)
            })
            .await?;
        return Err(ApiError::RateLimited);
    }
    let stored: Option<(String, String)> = match UserId::parse(&username) {
        Ok(id) => {
            let id = id.to_string();
            state
                .store
                .read(move |conn| {
                    Ok(conn
                        .query_row(
                            "SELECT password_hash, display_name FROM users WHERE id = ?1 AND disabled = 0",
                            [id],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .optional()?)
                })
                .await?
        }
        Err(_) => None,
    };
    let phc = stored
        .as_ref()
        .map(|(h, _)| h.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let password = req.password.clone();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &phc))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        && stored.is_some();
    if !ok {
        let (u, c) = (username.clone(), client.clone());
        state
            .store
            .with_conn(move |conn| {
                let tx = conn.transaction()?;
                tx.execute(
                    "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
                    params![format!("user:{u}"), now],
                )?;
                tx.execute(
                    "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
                    params![format!("client:{c}"), now],
                )?;
                audit::append(
                    &tx,
                    now,
                    &u,
                    "login_failed",
                    &u,
                    &format!("{{\"client\":\"{c}\"}}"),
                )?;
                tx.commit()?;
                Ok(())
            })
            .await?;
        return Err(ApiError::InvalidCredentials);
    }
    let display_name = stored.map(|(_, d)| d).unwrap_or_default();
    let (token, hash) = auth::new_token();
    let expires_at = now + ABSOLUTE_TIMEOUT_MS;
    let device = req.device_id;
    let user = username.clone();
    let principal = state
        .store
        .with_conn(move |conn| {
            let tx = conn.transaction()?;
            if let Some(device) = device {
                // A shared tablet is one device for every user who signs in on it.
                let kind: Option<String> = tx
                    .query_row("SELECT kind FROM devices WHERE id = ?1", [device.to_string()], |r| r.get(0))
                    .optional()?;
                match kind.as_deref() {
                    None => {
                        tx.execute(
                            "INSERT INTO devices (id, kind, user_id, created_at) VALUES (?1, 'browser', ?2, ?3)",
                            params![device.to_string(), user, now],
                        )?;
                    }
                    Some("browser") => {
                        tx.execute("UPDATE devices SET user_id = ?1 WHERE id = ?2", params![user, device.to_string()])?;
                    }
                    Some(_) => return Ok(None),
                }
            }
            tx.execute(
                "INSERT INTO sessions (token_hash, user_id, device_id, created_at, last_seen, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
                params![hash, user, device.map(|d| d.to_string()), now, expires_at],
            )?;
            tx.execute("DELETE FROM login_failures WHERE key = ?1", [format!("user:{user}")])?;
            audit::append(&tx, now, &user, "login", &user, &format!("{{\"device\":{}}}", device.map(|d| format!("\"{d}\"")).unwrap_or("null".into())))?;
            let principal = auth::load_principal(&tx, &user)?;
            tx.commit()?;
            Ok(principal)
        })
        .await?
        .ok_or(ApiError::BadRequest("that device id belongs to a kiosk or the server".into()))?;
    Ok(Json(LoginResponse {
        token,
        expires_at,
        idle_timeout_s: IDLE_TIMEOUT_MS / 1000,
        user: user_info(&principal, display_name).ok_or(ApiError::Unauthorized)?,
        server_time: now,
    }))
}

/// `POST /api/v1/auth/logout`: ends this session at once.
pub async fn logout(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    let now = state.now().0;
    let name = caller.audit_name();
    state
        .store
        .with_conn(move |conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "DELETE FROM sessions WHERE token_hash = ?1",
                [&caller.token_hash],
            )?;
            audit::append(&tx, now, &name, "logout", &name, "{}")?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Json(serde_json::json!({ "ok": true })))
}

/// `GET /api/v1/auth/me`.
pub async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<UserInfo>, ApiError> {
    let Principal::User { id, .. } = &caller.principal else {
        return Err(ApiError::Forbidden("kiosk"));
    };
    let id = id.to_string();
    let name: String = state
        .store
        .read(move |conn| {
            Ok(
                conn.query_row("SELECT display_name FROM users WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?,
            )
        })
        .await?;
    user_info(&caller.principal, name)
        .map(Json)
        .ok_or(ApiError::Unauthorized)
}
