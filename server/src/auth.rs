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
use sha2::{Digest, Sha256};
use tousu_shared::{access::Principal, ids::DeviceId};

use crate::{AppState, error::ApiError};

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

/// Hashes a password on a blocking thread (argon2 is CPU-heavy).
pub async fn hash_password_blocking(password: String) -> Result<String, ApiError> {
    password_work(move || hash_password(&password))
        .await?
        .map_err(ApiError::Internal)
}

/// Argon2 work (hashing or checking a password, a lookup code) that may run at once: one,
/// so a flood of logins or public requests uses at most one core and staff sync keeps the
/// rest (issue 17 §5).
const PASSWORD_LANES: usize = 1;
/// Argon2 requests allowed to wait for the lane; more are answered 429 at once.
const PASSWORD_QUEUE: usize = 64;

static PASSWORD_LANE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(PASSWORD_LANES);
static PASSWORD_WAITING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs argon2 work `f` on a blocking thread, in the password lane: one at a time, at most
/// [`PASSWORD_QUEUE`] waiting (beyond that, 429 without hashing anything).
pub async fn password_work<T, F>(f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    use std::sync::atomic::Ordering;
    if PASSWORD_WAITING.fetch_add(1, Ordering::SeqCst) >= PASSWORD_QUEUE {
        PASSWORD_WAITING.fetch_sub(1, Ordering::SeqCst);
        return Err(ApiError::RateLimited);
    }
    let permit = PASSWORD_LANE.acquire().await;
    PASSWORD_WAITING.fetch_sub(1, Ordering::SeqCst);
    let _permit = permit.map_err(|e| ApiError::Internal(e.into()))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(e.into()))
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

/// A one-time password an administrator reads out or hands over: 12 characters in three
/// groups (`k7mq-3vxa-9pte`), from an alphabet without look-alikes (no 0/o, 1/l/i), about 60
/// bits. Stored only as its argon2 hash; the account must replace it at the next sign-in.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let mut out = String::with_capacity(14);
    for i in 0..12 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(ALPHABET[rng.random_range(0..ALPHABET.len())] as char);
    }
    out
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

/// The client address, when the server was started with connect info (tests without a
/// socket have none). Behind `trusted_proxy`, the last address of `X-Forwarded-For` (the one
/// the proxy appended; earlier ones are the client's own word).
pub fn client_address(parts: &Parts, trusted_proxy: Option<std::net::IpAddr>) -> String {
    let Some(peer) = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip())
    else {
        return "local".into();
    };
    let forwarded = || {
        parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .last()
            .and_then(|last| last.trim().parse::<std::net::IpAddr>().ok())
    };
    match trusted_proxy {
        Some(proxy) if proxy == peer => forwarded().unwrap_or(peer).to_string(),
        _ => peer.to_string(),
    }
}

/// What a session signed in with a one-time password may call (paths inside `/api/v1`).
const ALLOWED_BEFORE_PASSWORD_CHANGE: &[&str] = &["/auth/password", "/auth/logout", "/auth/me"];

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
        let now = state.now();
        let hash = token_hash(&token);
        let owner = state
            .store
            .token_owner(hash.clone(), IDLE_TIMEOUT_MS, now)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        // A one-time password opens only the way to a new one (and out).
        if owner.must_change && !ALLOWED_BEFORE_PASSWORD_CHANGE.contains(&parts.uri.path()) {
            return Err(ApiError::PasswordChangeRequired);
        }
        // The idle timer moves at most once a minute.
        if owner.refresh {
            state.store.touch_session(hash.clone(), now).await?;
        }
        Ok(Caller {
            principal: owner.principal,
            device: owner.device,
            token_hash: hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts_from(peer: &str, forwarded: &[&str]) -> Parts {
        let mut req = axum::http::Request::builder();
        for f in forwarded {
            req = req.header("x-forwarded-for", *f);
        }
        let (mut parts, ()) = req.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        parts
    }

    #[test]
    fn the_client_is_the_proxys_last_forwarded_address_only_behind_the_trusted_proxy() {
        let proxy = Some("10.0.0.1".parse().unwrap());
        // The proxy appended 203.0.113.7; the client claimed 1.2.3.4 itself.
        let behind = parts_from("10.0.0.1:5000", &["1.2.3.4, 203.0.113.7"]);
        assert_eq!(client_address(&behind, proxy), "203.0.113.7");
        // Two header lines read as one list.
        let split = parts_from("10.0.0.1:5000", &["1.2.3.4", "203.0.113.8"]);
        assert_eq!(client_address(&split, proxy), "203.0.113.8");
        // Anyone else's header is ignored, and so is every header without a trusted proxy.
        let direct = parts_from("198.51.100.2:5000", &["203.0.113.7"]);
        assert_eq!(client_address(&direct, proxy), "198.51.100.2");
        assert_eq!(client_address(&behind, None), "10.0.0.1");
        // A proxy that sent nothing usable: the proxy itself.
        let garbage = parts_from("10.0.0.1:5000", &["unknown"]);
        assert_eq!(client_address(&garbage, proxy), "10.0.0.1");
    }

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

    #[test]
    fn one_time_passwords_are_long_random_and_unambiguous() {
        let a = one_time_password();
        assert_eq!(a.len(), 14);
        assert_eq!(a.matches('-').count(), 2);
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_alphanumeric()));
        assert!(!a.contains(['0', 'o', '1', 'l', 'i']));
        assert_ne!(a, one_time_password());
        assert!(a.chars().count() >= tousu_shared::api::admin::MIN_PASSWORD_CHARS);
    }
}
