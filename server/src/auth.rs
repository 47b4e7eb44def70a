//! Authentication: argon2id password hashes, opaque session tokens stored only as hashes,
//! idle and absolute expiry, failed-login rate limits kept in the database (so several
//! server processes share them), kiosk device tokens.

use std::net::SocketAddr;

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};
use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{header, request::Parts},
};
use base64::Engine as _;
use rand::RngExt as _;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use tousu_shared::{
    access::{Principal, Role},
    ids::{DepartmentId, DeviceId, UserId},
};

use crate::{AppState, error::ApiError, store::StoreError};

/// A session ends this long after it was last used (a tablet offline longer signs in again;
/// its unsynced work stays on the tablet).
pub const IDLE_TIMEOUT_MS: i64 = 72 * 3600 * 1000;
/// A session ends this long after sign-in whatever happens.
pub const ABSOLUTE_TIMEOUT_MS: i64 = 14 * 24 * 3600 * 1000;
/// Failed logins counted over this window.
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failed logins allowed per account within the window.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed logins allowed per client address within the window.
pub const MAX_FAILURES_PER_CLIENT: i64 = 20;

/// Hashes a password with argon2id and a random salt (PHC string). CPU-heavy (about 24 ms
/// here): call from a blocking thread.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hash password: {e}"))
}

/// Checks a password against a PHC string. CPU-heavy: call from a blocking thread.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A fresh opaque token: 256 random bits, URL-safe base64. Returns it and the hash to store.
pub fn new_token() -> (String, Vec<u8>) {
    let bytes: [u8; 32] = rand::rng().random();
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Who is calling, established from the bearer token.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The principal the policy judges.
    pub principal: Principal,
    /// The device of the session (browser) or the kiosk itself.
    pub device: Option<DeviceId>,
    /// Hash of the token used (to end the session at logout).
    pub token_hash: Vec<u8>,
}

impl Caller {
    /// A short description for the audit trail.
    pub fn audit_name(&self) -> String {
        match &self.principal {
            Principal::User { id, .. } => id.to_string(),
            Principal::Kiosk { device } => format!("kiosk:{device}"),
            Principal::System => "system".into(),
        }
    }
}

/// Loads a user's principal (roles and department).
pub fn load_principal(conn: &Connection, user: &str) -> Result<Option<Principal>, StoreError> {
    let row: Option<(Option<String>, i64)> = conn
        .query_row(
            "SELECT department, disabled FROM users WHERE id = ?1",
            [user],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((department, disabled)) = row else {
        return Ok(None);
    };
    if disabled != 0 {
        return Ok(None);
    }
    let mut stmt = conn.prepare("SELECT role FROM user_roles WHERE user_id = ?1")?;
    let roles: Vec<Role> = stmt
        .query_map([user], |r| r.get::<_, String>(0))?
        .filter_map(|r| r.ok())
        .filter_map(|r| serde_json::from_value(serde_json::Value::String(r)).ok())
        .collect();
    let (Ok(id), department) = (
        UserId::parse(user),
        department.and_then(|d| DepartmentId::parse(&d).ok()),
    ) else {
        return Ok(None);
    };
    Ok(Some(Principal::user(id, &roles, department)))
}

/// Resolves a bearer token at `now` (read-only): a live session or a kiosk. The second
/// value says whether the session's idle timer is due a refresh (at most once a minute).
pub fn resolve_token(
    conn: &Connection,
    token: &str,
    now: i64,
) -> Result<Option<(Caller, bool)>, StoreError> {
    let hash = token_hash(token);
    let session: Option<(String, Option<String>, i64, i64)> = conn
        .query_row(
            "SELECT user_id, device_id, last_seen, expires_at FROM sessions WHERE token_hash = ?1",
            [&hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    if let Some((user, device, last_seen, expires_at)) = session {
        if now >= expires_at || now - last_seen > IDLE_TIMEOUT_MS {
            return Ok(None);
        }
        let Some(principal) = load_principal(conn, &user)? else {
            return Ok(None);
        };
        let caller = Caller {
            principal,
            device: device.and_then(|d| d.parse().ok().map(DeviceId)),
            token_hash: hash,
        };
        return Ok(Some((caller, now - last_seen > 60_000)));
    }
    let kiosk: Option<String> = conn
        .query_row(
            "SELECT id FROM devices WHERE token_hash = ?1 AND kind = 'kiosk' AND revoked = 0",
            [&hash],
            |r| r.get(0),
        )
        .optional()?;
    Ok(kiosk.and_then(|id| id.parse().ok()).map(|uuid| {
        let device = DeviceId(uuid);
        let caller = Caller {
            principal: Principal::Kiosk { device },
            device: Some(device),
            token_hash: hash,
        };
        (caller, false)
    }))
}

/// Recent failed logins for an account and a client.
pub fn recent_failures(
    conn: &Connection,
    user: &str,
    client: &str,
    now: i64,
) -> Result<(i64, i64), StoreError> {
    let count = |key: String| -> Result<i64, StoreError> {
        Ok(conn.query_row(
            "SELECT COUNT(*) FROM login_failures WHERE key = ?1 AND at > ?2",
            params![key, now - FAILURE_WINDOW_MS],
            |r| r.get(0),
        )?)
    };
    Ok((
        count(format!("user:{user}"))?,
        count(format!("client:{client}"))?,
    ))
}

/// The client address, when the server was started with connect info (tests without a
/// socket have none).
pub fn client_address(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() < 200)
            .ok_or(ApiError::Unauthorized)?
            .to_string();
        let now = state.now().0;
        let (caller, refresh) = state
            .store
            .read(move |conn| resolve_token(conn, &token, now))
            .await?
            .ok_or(ApiError::Unauthorized)?;
        if refresh {
            let hash = caller.token_hash.clone();
            state
                .store
                .with_conn(move |conn| {
                    conn.execute(
                        "UPDATE sessions SET last_seen = ?1 WHERE token_hash = ?2",
                        params![now, hash],
                    )?;
                    Ok(())
                })
                .await?;
        }
        Ok(caller)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let phc = hash_password("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("wrong", &phc));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(ha, token_hash(&a));
        assert_ne!(ha, a.as_bytes());
    }
}
