//! Reference data: departments, the category tree, the working-day calendar and the SLA
//! policy. Every signed-in device reads them; admins edit them (through [`super::admin`]).
//! Stored in `meta`; the shipped defaults until edited.

use rusqlite::{Connection, OptionalExtension, params};
use tousu_shared::{
    api::Reference,
    ids::DepartmentId,
    model::{Catalog, Category, Department},
    profile::{Profile, ProfileInfo},
    sla::{CHINA_DEFAULT_CALENDAR, SlaPolicy},
};

use super::{Store, StoreError};

/// Meta key of the admin-edited calendar text.
pub const CALENDAR_KEY: &str = "calendar";
/// Meta key of the admin-edited SLA policy.
pub const SLA_KEY: &str = "sla_policy";
/// Meta key of the admin-edited category tree.
pub const CATEGORIES_KEY: &str = "categories";
/// Meta key of the regulation profile in force (its id and version, JSON).
pub const PROFILE_KEY: &str = "profile";
/// Meta key of the whole profile in force, sources included (JSON).
pub const PROFILE_FULL_KEY: &str = "profile_full";
/// Meta key of the rules of every admin-edited profile version ever put in force (a JSON
/// array): registrations carrying them are accepted, as those carrying shipped rules are.
pub const KNOWN_RULES_KEY: &str = "profile_rules";

/// The rules of the edited profile versions put in force so far.
pub(super) fn known_rules(
    conn: &Connection,
) -> Result<Vec<tousu_shared::rules::CaseRules>, StoreError> {
    match meta(conn, KNOWN_RULES_KEY)? {
        Some(json) => {
            serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("rules: {e}")))
        }
        None => Ok(Vec::new()),
    }
}

pub use tousu_shared::api::admin::DepartmentRow;

pub(super) fn meta(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub(super) fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The category tree in force (edited, or the shipped default).
fn categories(conn: &Connection) -> Result<Vec<Category>, StoreError> {
    match meta(conn, CATEGORIES_KEY)? {
        Some(json) => serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string())),
        None => Ok(Catalog::default_categories()),
    }
}

/// The configured departments and category tree.
pub(super) fn load_catalog(conn: &Connection) -> Result<Catalog, StoreError> {
    let departments = department_rows(conn)?
        .into_iter()
        .filter_map(|d| {
            DepartmentId::parse(&d.id).ok().map(|id| Department {
                id,
                name: d.name,
                parent: d.parent.and_then(|p| DepartmentId::parse(&p).ok()),
            })
        })
        .collect();
    Ok(Catalog {
        categories: categories(conn)?,
        departments,
    })
}

fn profile_info(conn: &Connection) -> Result<Option<ProfileInfo>, StoreError> {
    match meta(conn, PROFILE_KEY)? {
        Some(json) => serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("profile: {e}"))),
        None => Ok(None),
    }
}

/// The whole profile in force (see [`Store::profile_full`]).
pub(super) fn profile_full(conn: &Connection) -> Result<Option<Profile>, StoreError> {
    if let Some(json) = meta(conn, PROFILE_FULL_KEY)? {
        return serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("profile: {e}")));
    }
    Ok(profile_info(conn)?.and_then(|info| Profile::builtin(&info.id).ok()))
}

fn department_rows(conn: &Connection) -> Result<Vec<DepartmentRow>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, name, parent FROM departments ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(DepartmentRow {
            id: r.get(0)?,
            name: r.get(1)?,
            parent: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn department_exists(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .query_row("SELECT 1 FROM departments WHERE id = ?1", [id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether `id` would be its own ancestor if it belonged to `parent`.
pub(super) fn would_loop(conn: &Connection, id: &str, parent: &str) -> Result<bool, StoreError> {
    let mut at = Some(parent.to_string());
    // A chain longer than the table is already a loop; the bound keeps a corrupt table finite.
    for _ in 0..=department_rows(conn)?.len() {
        match at {
            None => return Ok(false),
            Some(p) if p == id => return Ok(true),
            Some(p) => {
                at = conn
                    .query_row("SELECT parent FROM departments WHERE id = ?1", [&p], |r| {
                        r.get::<_, Option<String>>(0)
                    })
                    .optional()?
                    .flatten();
            }
        }
    }
    Ok(true)
}

pub(super) fn save_department(
    conn: &Connection,
    id: &str,
    name: &str,
    parent: Option<&str>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO departments (id, name, parent) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, parent = excluded.parent",
        params![id, name, parent],
    )?;
    Ok(())
}

impl Store {
    /// Everything a device needs to work offline: catalog, calendar, SLA policy, and the
    /// staff and devices by name.
    pub async fn reference(&self) -> Result<Reference, StoreError> {
        self.read(|conn| {
            Ok(Reference {
                catalog: load_catalog(conn)?,
                calendar: meta(conn, CALENDAR_KEY)?
                    .unwrap_or_else(|| CHINA_DEFAULT_CALENDAR.to_string()),
                sla_policy: match meta(conn, SLA_KEY)? {
                    Some(json) => serde_json::from_str(&json)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    None => SlaPolicy::default(),
                },
                people: super::accounts::people(conn)?,
                devices: super::accounts::device_labels(conn)?,
                profile: profile_info(conn)?,
            })
        })
        .await
    }

    /// The regulation profile in force, if one was chosen.
    pub async fn profile(&self) -> Result<Option<ProfileInfo>, StoreError> {
        self.read(profile_info).await
    }

    /// The whole profile in force (sources included): as put in force, or for a database
    /// from before that was kept, the shipped profile of its id.
    pub async fn profile_full(&self) -> Result<Option<Profile>, StoreError> {
        self.read(profile_full).await
    }

    /// The departments and category tree in force.
    pub async fn catalog(&self) -> Result<Catalog, StoreError> {
        self.read(load_catalog).await
    }

    /// The departments, by id.
    pub async fn departments(&self) -> Result<Vec<DepartmentRow>, StoreError> {
        self.read(department_rows).await
    }
}
