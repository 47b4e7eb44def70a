//! The small records the local databases keep beside the cases, each with a typed accessor:
//! in the device database, who is signed in and the install id; in a user's database, their
//! session, writing state ([`Author`]), reference data and last successful sync. Nothing
//! outside the store names a meta key.

use indexed_db_futures::database::Database;
use serde::{Deserialize, Serialize};
use tousu_shared::{
    access::Principal,
    api::{Reference, sync::UserInfo},
    author::Author,
};

use super::{
    ALERTS_SEEN_KEY, AUTHOR_KEY, CURRENT_USER_KEY, DEADLINES_ALERTED_KEY, DEVICE_DB, LAST_SYNC_KEY,
    REFERENCE_KEY, SESSION_KEY, StoreError, UserStore, device_id, meta_get, meta_get_json,
    meta_put, meta_put_json, open,
};

/// A signed-in session as this device keeps it (in the user's own database).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Bearer token.
    pub token: String,
    /// Who.
    pub user: UserInfo,
    /// Account name used to sign in (names the local database).
    pub username: String,
    /// Absolute expiry (ms since the epoch).
    pub expires_at: i64,
    /// The server said the session ended (sign in again; local work is kept).
    #[serde(default)]
    pub ended: bool,
}

impl Session {
    /// The permission principal the shared policy judges.
    pub fn principal(&self) -> Principal {
        Principal::user(
            self.user.id.clone(),
            &self.user.roles,
            self.user.department.clone(),
        )
    }
}

/// The device-wide database: who is signed in on this tablet, the install id. Holds no case
/// data.
pub struct DeviceStore {
    db: Database,
}

impl DeviceStore {
    /// Opens (creating or upgrading) the device database.
    pub async fn open() -> Result<Self, StoreError> {
        Ok(DeviceStore {
            db: open(DEVICE_DB).await?,
        })
    }

    /// This install's id, created on first use.
    pub async fn install_id(&self) -> Result<String, StoreError> {
        device_id(&self.db).await
    }

    /// The user signed in on this tablet, if anyone.
    pub async fn current_user(&self) -> Result<Option<String>, StoreError> {
        // Signing out leaves an empty name: nobody is signed in.
        Ok(meta_get(&self.db, CURRENT_USER_KEY)
            .await?
            .filter(|u| !u.is_empty()))
    }

    /// Names who is signed in (`None`: nobody).
    pub async fn set_current_user(&self, username: Option<&str>) -> Result<(), StoreError> {
        meta_put(&self.db, CURRENT_USER_KEY, username.unwrap_or("")).await
    }

    /// Closes the database.
    pub fn close(self) {
        self.db.close();
    }
}

impl UserStore {
    /// The session kept for this user, if any.
    pub async fn session(&self) -> Result<Option<Session>, StoreError> {
        meta_get_json(self.db(), SESSION_KEY).await
    }

    /// Keeps the session.
    pub async fn put_session(&self, session: &Session) -> Result<(), StoreError> {
        meta_put_json(self.db(), SESSION_KEY, session).await
    }

    /// This user's writing state on this device, if it has one yet.
    pub async fn author(&self) -> Result<Option<Author>, StoreError> {
        meta_get_json(self.db(), AUTHOR_KEY).await
    }

    /// Keeps the writing state (local writes keep it with their event, in one transaction).
    pub async fn put_author(&self, author: &Author) -> Result<(), StoreError> {
        meta_put_json(self.db(), AUTHOR_KEY, author).await
    }

    /// The reference data last received.
    pub async fn reference(&self) -> Result<Option<Reference>, StoreError> {
        meta_get_json(self.db(), REFERENCE_KEY).await
    }

    /// Keeps the reference data.
    pub async fn put_reference(&self, reference: &Reference) -> Result<(), StoreError> {
        meta_put_json(self.db(), REFERENCE_KEY, reference).await
    }

    /// When the last sync succeeded (ms since the epoch).
    pub async fn last_sync(&self) -> Result<Option<i64>, StoreError> {
        Ok(meta_get(self.db(), LAST_SYNC_KEY)
            .await?
            .and_then(|s| s.parse().ok()))
    }

    /// The urgent cases whose alert this user acknowledged here.
    pub async fn alerts_seen(&self) -> Result<Vec<tousu_shared::ids::CaseId>, StoreError> {
        Ok(meta_get_json(self.db(), ALERTS_SEEN_KEY)
            .await?
            .unwrap_or_default())
    }

    /// Keeps the acknowledged alerts.
    pub async fn put_alerts_seen(
        &self,
        seen: &[tousu_shared::ids::CaseId],
    ) -> Result<(), StoreError> {
        meta_put_json(self.db(), ALERTS_SEEN_KEY, &seen.to_vec()).await
    }

    /// The deadline alerts already raised on this device (`shared::alerts::Alert::key`).
    pub async fn deadlines_alerted(&self) -> Result<Vec<String>, StoreError> {
        Ok(meta_get_json(self.db(), DEADLINES_ALERTED_KEY)
            .await?
            .unwrap_or_default())
    }

    /// Keeps the deadline alerts raised.
    pub async fn put_deadlines_alerted(&self, keys: &[String]) -> Result<(), StoreError> {
        meta_put_json(self.db(), DEADLINES_ALERTED_KEY, &keys.to_vec()).await
    }

    /// Records a successful sync at `at` (ms since the epoch).
    pub async fn set_last_sync(&self, at: i64) -> Result<(), StoreError> {
        meta_put(self.db(), LAST_SYNC_KEY, &at.to_string()).await
    }
}
