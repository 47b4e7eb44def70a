//! `GET /api/v1/health`: liveness plus database status, for monitoring and the app.

use axum::{Json, extract::State};
use tousu_shared::api::{DatabaseHealth, Health};

use crate::AppState;

/// Answers with the version and whether the database responds. Never fails: a broken
/// database is reported in the body so monitoring can tell it from a dead server.
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    let database = match state.store.schema_version().await {
        Ok(schema_version) => DatabaseHealth {
            status: "ok".into(),
            schema_version,
        },
        Err(err) => {
            tracing::error!(error = %err, "health check: database error");
            DatabaseHealth {
                status: "error".into(),
                schema_version: 0,
            }
        }
    };
    Json(Health {
        status: "ok".into(),
        version: tousu_shared::VERSION.into(),
        database,
    })
}
