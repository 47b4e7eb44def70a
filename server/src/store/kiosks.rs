//! Kiosks (DESIGN §12): registered by an administrator with a one-time setup code (its
//! SHA-256 and expiry stored), which the counter's browser exchanges once for the kiosk's
//! token; listed for the administrator; revoked. Only hashes are stored, never a code or a
//! token.

use rusqlite::{Connection, OptionalExtension, params};
use tousu_shared::{
    api::admin::{KioskRow, KioskState},
    clock::Timestamp,
    ids::DeviceId,
};

use super::{Store, StoreError, audit};

/// How long a setup code may be used after the kiosk is registered.
pub const SETUP_CODE_VALID_MS: i64 = 24 * 60 * 60 * 1000;

/// Registers a kiosk awaiting its setup (no token yet).
pub(super) fn insert_kiosk(
    conn: &Connection,
    device: DeviceId,
    name: &str,
    (setup_hash, setup_until): (&[u8], i64),
    exit_pin_hash: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO devices (id, kind, name, setup_hash, setup_until, created_at, exit_pin_hash) \
         VALUES (?1, 'kiosk', ?2, ?3, ?4, ?5, ?6)",
        params![
            device.to_string(),
            name,
            setup_hash,
            setup_until,
            now,
            exit_pin_hash
        ],
    )?;
    Ok(())
}

/// Revokes a kiosk (its setup code too); false when there is no such kiosk.
pub(super) fn revoke_kiosk(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE devices SET revoked = 1, setup_hash = NULL WHERE id = ?1 AND kind = 'kiosk'",
        [id],
    )? > 0)
}

impl Store {
    /// Every kiosk, newest first, with its state at `now`.
    pub async fn kiosks(&self, now: Timestamp) -> Result<Vec<KioskRow>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, COALESCE(name, ''), created_at, revoked, token_hash IS NOT NULL, \
                 setup_until FROM devices WHERE kind = 'kiosk' ORDER BY created_at DESC, id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, name, created_at, revoked, has_token, setup_until) = row?;
                let Ok(uuid) = id.parse() else { continue };
                let state = match (revoked, has_token, setup_until) {
                    (true, _, _) => KioskState::Revoked,
                    (false, true, _) => KioskState::Active,
                    (false, false, Some(until)) if until > now.0 => KioskState::AwaitingSetup,
                    (false, false, _) => KioskState::SetupExpired,
                };
                out.push(KioskRow {
                    device_id: DeviceId(uuid),
                    name,
                    created_at,
                    setup_until: (state == KioskState::AwaitingSetup)
                        .then_some(setup_until)
                        .flatten(),
                    state,
                });
            }
            Ok(out)
        })
        .await
    }

    /// Exchanges a setup code (its hash) for the kiosk's token (its hash stored): once, before
    /// the code expires, for a kiosk not revoked. Audited as the kiosk's own act. `None` for
    /// any code that does not open a kiosk, whatever the reason.
    pub async fn kiosk_set_up(
        &self,
        setup_hash: Vec<u8>,
        token_hash: Vec<u8>,
        now: Timestamp,
    ) -> Result<Option<(DeviceId, String, Option<String>)>, StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            let found: Option<(String, String, Option<String>)> = tx
                .query_row(
                    "SELECT id, COALESCE(name, ''), exit_pin_hash FROM devices WHERE setup_hash = ?1 \
                     AND kind = 'kiosk' AND revoked = 0 AND token_hash IS NULL \
                     AND setup_until > ?2",
                    params![setup_hash, now.0],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((id, name, pin)) = found else {
                return Ok(None);
            };
            tx.execute(
                "UPDATE devices SET token_hash = ?2, setup_hash = NULL, setup_until = NULL \
                 WHERE id = ?1",
                params![id, token_hash],
            )?;
            audit::append(
                &tx,
                now.0,
                &format!("kiosk:{id}"),
                "kiosk_set_up",
                &id,
                "{}",
            )?;
            tx.commit()?;
            Ok(id.parse().ok().map(|uuid| (DeviceId(uuid), name, pin)))
        })
        .await
    }
}
