//! Sessions and sign-in limits: a session opened at sign-in (only its token's hash is
//! stored), the token's owner on every call, the idle timer, sign-out; failed logins per
//! account and per client (kept in the database so several server processes share them).

use rusqlite::{OptionalExtension, params};
use tousu_shared::{
    access::Principal,
    clock::Timestamp,
    ids::{DeviceId, UserId},
};

use super::{Store, StoreError, accounts::load_principal, audit};

/// A session to open at sign-in.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Who signed in.
    pub user: UserId,
    /// The browser install they signed in from, if it said.
    pub device: Option<DeviceId>,
    /// SHA-256 of the token handed out.
    pub token_hash: Vec<u8>,
    /// When the session ends whatever happens (ms).
    pub expires_at: i64,
}

/// Who a token belongs to.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    /// The principal the policy judges.
    pub principal: Principal,
    /// The session's device (browser) or the kiosk itself.
    pub device: Option<DeviceId>,
    /// The session's idle timer is due a refresh.
    pub refresh: bool,
    /// The account signed in with a one-time password and has not chosen its own yet.
    pub must_change: bool,
}

/// Why a sign-in was refused, for the failure count and the audit row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefusal {
    /// Wrong name or password: counted against the account and the client.
    Failed,
    /// Too many failures already: only audited.
    RateLimited,
}

impl Store {
    /// Failed logins since `since` for an account and for a client address.
    pub async fn login_failures(
        &self,
        user: String,
        client: String,
        since: i64,
    ) -> Result<(i64, i64), StoreError> {
        self.read(move |conn| {
            let count = |key: String| -> Result<i64, StoreError> {
                Ok(conn
                    .prepare_cached(
                        "SELECT COUNT(*) FROM login_failures WHERE key = ?1 AND at > ?2",
                    )?
                    .query_row(params![key, since], |r| r.get(0))?)
            };
            Ok((
                count(format!("user:{user}"))?,
                count(format!("client:{client}"))?,
            ))
        })
        .await
    }

    /// Records a refused sign-in: counted (when it failed) and audited.
    pub async fn login_refused(
        &self,
        user: String,
        client: String,
        why: LoginRefusal,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            let action = match why {
                LoginRefusal::Failed => {
                    for key in [format!("user:{user}"), format!("client:{client}")] {
                        tx.execute(
                            "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
                            params![key, now.0],
                        )?;
                    }
                    "login_failed"
                }
                LoginRefusal::RateLimited => "login_rate_limited",
            };
            let detail = serde_json::json!({ "client": client }).to_string();
            audit::append(&tx, now.0, &user, action, &user, &detail)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Opens a session after a successful sign-in (a browser device is registered on first
    /// use; a shared tablet is one device for every user who signs in on it), clears the
    /// account's failures, audits the login. None when the device id is a kiosk's or the
    /// server's, or the account went away.
    pub async fn open_session(
        &self,
        session: NewSession,
        now: Timestamp,
    ) -> Result<Option<Principal>, StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            let user = session.user.as_str();
            if let Some(device) = session.device {
                let kind: Option<String> = tx
                    .query_row(
                        "SELECT kind FROM devices WHERE id = ?1",
                        [device.to_string()],
                        |r| r.get(0),
                    )
                    .optional()?;
                match kind.as_deref() {
                    None => {
                        tx.execute(
                            // Named after its first user: "张专员's tablet" in timelines.
                            "INSERT INTO devices (id, kind, user_id, name, created_at)
                             VALUES (?1, 'browser', ?2, (SELECT display_name FROM users WHERE id = ?2), ?3)",
                            params![device.to_string(), user, now.0],
                        )?;
                    }
                    Some("browser") => {
                        tx.execute(
                            "UPDATE devices SET user_id = ?1 WHERE id = ?2",
                            params![user, device.to_string()],
                        )?;
                    }
                    Some(_) => return Ok(None),
                }
            }
            tx.execute(
                "INSERT INTO sessions (token_hash, user_id, device_id, created_at, last_seen, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
                params![
                    session.token_hash,
                    user,
                    session.device.map(|d| d.to_string()),
                    now.0,
                    session.expires_at
                ],
            )?;
            tx.execute(
                "DELETE FROM login_failures WHERE key = ?1",
                [format!("user:{user}")],
            )?;
            let detail = serde_json::json!({ "device": session.device }).to_string();
            audit::append(&tx, now.0, user, "login", user, &detail)?;
            let principal = load_principal(&tx, user)?;
            tx.commit()?;
            Ok(principal)
        })
        .await
    }

    /// Ends a session at once (audited as `logout` by `actor`).
    pub async fn end_session(
        &self,
        token_hash: Vec<u8>,
        actor: String,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            tx.execute("DELETE FROM sessions WHERE token_hash = ?1", [&token_hash])?;
            audit::append(&tx, now.0, &actor, "logout", &actor, "{}")?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Who holds the token with this hash at `now`: a live session (not idle longer than
    /// `idle_ms`, not past its end) of an enabled account, or a kiosk not revoked.
    pub async fn token_owner(
        &self,
        token_hash: Vec<u8>,
        idle_ms: i64,
        now: Timestamp,
    ) -> Result<Option<TokenOwner>, StoreError> {
        self.read(move |conn| {
            let session: Option<(String, Option<String>, i64, i64, bool)> = conn
                .prepare_cached(
                    "SELECT s.user_id, s.device_id, s.last_seen, s.expires_at, u.must_change_password
                     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1",
                )?
                .query_row([&token_hash], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .optional()?;
            if let Some((user, device, last_seen, expires_at, must_change)) = session {
                if now.0 >= expires_at || now.0 - last_seen > idle_ms {
                    return Ok(None);
                }
                let Some(principal) = load_principal(conn, &user)? else {
                    return Ok(None);
                };
                return Ok(Some(TokenOwner {
                    principal,
                    device: device.and_then(|d| d.parse().ok().map(DeviceId)),
                    refresh: now.0 - last_seen > 60_000,
                    must_change,
                }));
            }
            let kiosk: Option<String> = conn
                .prepare_cached(
                    "SELECT id FROM devices WHERE token_hash = ?1 AND kind = 'kiosk' AND revoked = 0",
                )?
                .query_row([&token_hash], |r| r.get(0))
                .optional()?;
            Ok(kiosk.and_then(|id| id.parse().ok()).map(|uuid| {
                let device = DeviceId(uuid);
                TokenOwner {
                    principal: Principal::Kiosk { device },
                    device: Some(device),
                    refresh: false,
                    must_change: false,
                }
            }))
        })
        .await
    }

    /// Moves a session's idle timer to `now`.
    pub async fn touch_session(
        &self,
        token_hash: Vec<u8>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            conn.execute(
                "UPDATE sessions SET last_seen = ?1 WHERE token_hash = ?2",
                params![now.0, token_hash],
            )?;
            Ok(())
        })
        .await
    }
}
