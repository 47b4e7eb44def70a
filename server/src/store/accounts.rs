//! Accounts and who is calling: users and their roles, browser devices, the principal an
//! account signs in as; sessions and failed logins are in `sessions.rs`.

use rusqlite::{Connection, OptionalExtension, params};
use tousu_shared::{
    access::{Principal, Role},
    api::{DeviceKind, DeviceLabel, Person},
    clock::Timestamp,
    ids::{DepartmentId, DeviceId, UserId},
};

use super::{Store, StoreError, audit, json};

pub use tousu_shared::api::admin::UserRow;

/// A new account, its password already hashed.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Account id.
    pub id: UserId,
    /// Display name.
    pub display_name: String,
    /// Roles.
    pub roles: Vec<Role>,
    /// Department (handlers and managers).
    pub department: Option<DepartmentId>,
    /// argon2id PHC string.
    pub password_hash: String,
    /// The password is a one-time password: a new one must be chosen at sign-in.
    pub must_change: bool,
}

/// What sign-in checks of an enabled account.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// argon2id PHC string.
    pub password_hash: String,
    /// Display name.
    pub display_name: String,
    /// Signed in with a one-time password: a new one is due.
    pub must_change: bool,
}

fn role_name(role: &Role) -> String {
    json(role).trim_matches('"').to_string()
}

/// Every account as colleagues see it (reference data): id, name, roles, department.
pub(super) fn people(conn: &Connection) -> Result<Vec<Person>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.display_name, u.department, u.disabled, COALESCE(group_concat(r.role), '')
         FROM users u LEFT JOIN user_roles r ON r.user_id = u.id GROUP BY u.id ORDER BY u.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, i64>(3)? != 0,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, display_name, department, disabled, roles) = row?;
        let Ok(id) = UserId::parse(&id) else {
            continue;
        };
        out.push(Person {
            id,
            display_name,
            roles: roles.split(',').filter_map(parse_role).collect(),
            department: department.and_then(|d| DepartmentId::parse(&d).ok()),
            disabled,
        });
    }
    Ok(out)
}

/// Every device by name (reference data). A browser is named after whoever first signed in
/// on it, or its current user where no name was kept (devices registered before names were).
pub(super) fn device_labels(conn: &Connection) -> Result<Vec<DeviceLabel>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, d.kind, COALESCE(d.name, u.display_name)
         FROM devices d LEFT JOIN users u ON u.id = d.user_id ORDER BY d.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, name) = row?;
        let Ok(id) = id.parse::<uuid::Uuid>() else {
            continue;
        };
        let kind = match kind.as_str() {
            "kiosk" => DeviceKind::Kiosk,
            "server" => DeviceKind::Server,
            _ => DeviceKind::Browser,
        };
        out.push(DeviceLabel {
            id: DeviceId(id),
            kind,
            name,
        });
    }
    Ok(out)
}

fn parse_role(name: &str) -> Option<Role> {
    serde_json::from_value(serde_json::Value::String(name.into())).ok()
}

/// Loads a user's principal (roles and department); None when unknown or disabled.
pub(super) fn load_principal(
    conn: &Connection,
    user: &str,
) -> Result<Option<Principal>, StoreError> {
    let row: Option<(Option<String>, i64)> = conn
        .prepare_cached("SELECT department, disabled FROM users WHERE id = ?1")?
        .query_row([user], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((department, disabled)) = row else {
        return Ok(None);
    };
    if disabled != 0 {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached("SELECT role FROM user_roles WHERE user_id = ?1")?;
    let roles: Vec<Role> = stmt
        .query_map([user], |r| r.get::<_, String>(0))?
        .filter_map(|r| r.ok())
        .filter_map(|r| parse_role(&r))
        .collect();
    let (Ok(id), department) = (
        UserId::parse(user),
        department.and_then(|d| DepartmentId::parse(&d).ok()),
    ) else {
        return Ok(None);
    };
    Ok(Some(Principal::user(id, &roles, department)))
}

/// Inserts an account and its roles (no audit row: the caller writes the one it needs).
pub(super) fn insert_account(
    conn: &Connection,
    account: &NewAccount,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO users (id, display_name, password_hash, department, created_at, must_change_password)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            account.id.as_str(),
            account.display_name,
            account.password_hash,
            account.department.as_ref().map(|d| d.as_str()),
            now,
            account.must_change
        ],
    )?;
    // A role named twice is held once (schemathesis found the second insert answering 500).
    for role in &tousu_shared::order::set_of(account.roles.iter().copied()) {
        conn.execute(
            "INSERT INTO user_roles (user_id, role) VALUES (?1, ?2)",
            params![account.id.as_str(), role_name(role)],
        )?;
    }
    Ok(())
}

pub(super) fn user_exists(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .query_row("SELECT 1 FROM users WHERE id = ?1", [id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Disables an account and ends its sessions; false when there is no such account.
pub(super) fn disable_user(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    let n = conn.execute("UPDATE users SET disabled = 1 WHERE id = ?1", [id])?;
    conn.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
    Ok(n > 0)
}

/// Lets a disabled account sign in again; false when there is no such account.
pub(super) fn enable_user(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn.execute("UPDATE users SET disabled = 0 WHERE id = ?1", [id])? > 0)
}

/// Replaces an account's name, roles and department; false when there is no such account.
/// Its sessions end, so the new roles apply at its next sign-in and nothing runs on the old.
pub(super) fn update_user(
    conn: &Connection,
    id: &str,
    display_name: &str,
    roles: &[Role],
    department: Option<&str>,
) -> Result<bool, StoreError> {
    let n = conn.execute(
        "UPDATE users SET display_name = ?2, department = ?3 WHERE id = ?1",
        params![id, display_name, department],
    )?;
    if n == 0 {
        return Ok(false);
    }
    conn.execute("DELETE FROM user_roles WHERE user_id = ?1", [id])?;
    for role in &tousu_shared::order::set_of(roles.iter().copied()) {
        conn.execute(
            "INSERT INTO user_roles (user_id, role) VALUES (?1, ?2)",
            params![id, role_name(role)],
        )?;
    }
    conn.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
    Ok(true)
}

/// Sets an account's password hash; `must_change` when it is a one-time password. Every
/// session of the account ends but `keep` (the session that chose the new password).
pub(super) fn set_password(
    conn: &Connection,
    id: &str,
    password_hash: &str,
    must_change: bool,
    keep: Option<&[u8]>,
) -> Result<bool, StoreError> {
    let n = conn.execute(
        "UPDATE users SET password_hash = ?2, must_change_password = ?3 WHERE id = ?1",
        params![id, password_hash, must_change],
    )?;
    conn.execute(
        "DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS NOT ?2",
        params![id, keep],
    )?;
    Ok(n > 0)
}

impl Store {
    /// Whether the database has no users yet (a fresh install).
    pub async fn has_no_users(&self) -> Result<bool, StoreError> {
        self.read(|conn| {
            let n: i64 = conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?;
            Ok(n == 0)
        })
        .await
    }

    /// Creates accounts made by the system (the first administrator, demo users), and
    /// departments they belong to, in one transaction; each audited as `user_created`.
    pub async fn create_accounts(
        &self,
        departments: Vec<(DepartmentId, String)>,
        accounts: Vec<NewAccount>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            for (id, name) in &departments {
                super::reference::save_department(&tx, id.as_str(), name, None)?;
            }
            for account in &accounts {
                insert_account(&tx, account, now.0)?;
                audit::append(
                    &tx,
                    now.0,
                    "system",
                    "user_created",
                    account.id.as_str(),
                    "{}",
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Registers a browser device for a user (demo data's devices); returns its id.
    pub async fn register_browser(
        &self,
        user: UserId,
        name: String,
        now: Timestamp,
    ) -> Result<DeviceId, StoreError> {
        self.with_conn(move |conn| {
            let device = DeviceId(uuid::Uuid::now_v7());
            conn.execute(
                "INSERT INTO devices (id, kind, user_id, name, created_at) VALUES (?1, 'browser', ?2, ?3, ?4)",
                params![device.to_string(), user.as_str(), name, now.0],
            )?;
            Ok(device)
        })
        .await
    }

    /// What sign-in checks of an enabled account.
    pub async fn credentials(&self, user: UserId) -> Result<Option<Credentials>, StoreError> {
        self.read(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT password_hash, display_name, must_change_password FROM users
                     WHERE id = ?1 AND disabled = 0",
                    [user.as_str()],
                    |r| {
                        Ok(Credentials {
                            password_hash: r.get(0)?,
                            display_name: r.get(1)?,
                            must_change: r.get(2)?,
                        })
                    },
                )
                .optional()?)
        })
        .await
    }

    /// One's own new password (already checked against the current one): the one-time
    /// flag clears and every other session of the account ends. Audited.
    pub async fn change_own_password(
        &self,
        user: UserId,
        password_hash: String,
        session: Vec<u8>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            set_password(&tx, user.as_str(), &password_hash, false, Some(&session))?;
            audit::append(
                &tx,
                now.0,
                user.as_str(),
                "password_changed",
                user.as_str(),
                "{}",
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// A user's display name.
    pub async fn display_name(&self, user: UserId) -> Result<Option<String>, StoreError> {
        self.read(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT display_name FROM users WHERE id = ?1",
                    [user.as_str()],
                    |r| r.get(0),
                )
                .optional()?)
        })
        .await
    }

    /// Every account, by id.
    pub async fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT u.id, u.display_name, u.department, u.disabled, COALESCE(group_concat(r.role), ''),
                        u.must_change_password
                 FROM users u LEFT JOIN user_roles r ON r.user_id = u.id GROUP BY u.id ORDER BY u.id",
            )?;
            let rows = stmt.query_map([], |r| {
                let roles: String = r.get(4)?;
                Ok(UserRow {
                    id: r.get(0)?,
                    display_name: r.get(1)?,
                    department: r.get(2)?,
                    disabled: r.get::<_, i64>(3)? != 0,
                    must_change_password: r.get(5)?,
                    roles: roles
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .filter_map(parse_role)
                        .collect(),
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}
