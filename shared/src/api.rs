//! Wire types of the HTTP API (`/api/v1`), serialized as JSON by the server and read by the app.

use serde::{Deserialize, Serialize};

/// The API version prefix every route lives under.
pub const API_PREFIX: &str = "/api/v1";

/// Answer of `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Always `"ok"` when the server answers; a database problem shows in `database`.
    pub status: String,
    /// Server version (`tousu-server` crate version).
    pub version: String,
    /// Database status.
    pub database: DatabaseHealth,
}

/// Database part of [`Health`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseHealth {
    /// `"ok"` when a query on the database succeeded, `"error"` otherwise.
    pub status: String,
    /// Schema version (number of applied migrations).
    pub schema_version: u32,
}

/// Error body of every failed API call: a stable machine-readable `code` and a human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    /// Stable error code, e.g. `not_found`, `payload_too_large`, `internal`.
    pub code: String,
    /// A short English description for logs and developers; screens translate by `code`.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_wire_form_is_stable() {
        let health = Health {
            status: "ok".into(),
            version: "0.1.0".into(),
            database: DatabaseHealth {
                status: "ok".into(),
                schema_version: 1,
            },
        };
        let json = serde_json::to_string(&health).unwrap();
        assert_eq!(
            json,
            r#"{"status":"ok","version":"0.1.0","database":{"status":"ok","schema_version":1}}"#
        );
        assert_eq!(serde_json::from_str::<Health>(&json).unwrap(), health);
    }
}
