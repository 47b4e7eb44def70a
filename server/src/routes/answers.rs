//! Small answers of the API that have no type in `shared`: each is what its handler sends,
//! and its JSON Schema in the OpenAPI document is derived from the same type.

use schemars::JsonSchema;
use serde::Serialize;

/// The change was made.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Done {
    /// Always true.
    pub ok: bool,
}

impl Done {
    /// `{"ok": true}`.
    pub const YES: Done = Done { ok: true };
}

/// A new record's id.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NewId {
    /// Its id.
    pub id: i64,
}

/// Archived cases erased by an approved destruction.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Destroyed {
    /// How many were erased (0 when refused).
    pub destroyed: usize,
}

/// A calendar saved, with its warnings.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CalendarSaved {
    /// Always true.
    pub ok: bool,
    /// Stretches of more than six working days in a row.
    pub warnings: Vec<String>,
}

/// A profile put in force.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProfileSaved {
    /// Always true.
    pub ok: bool,
    /// Which profile, which version.
    pub profile: tousu_shared::profile::ProfileInfo,
}

/// An attachment stored.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BlobStored {
    /// Its media type, as sniffed from its bytes.
    pub media_type: String,
}
