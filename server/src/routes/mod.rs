//! The `/api/v1` routes.

use axum::{Router, routing::get};

use crate::{AppState, error::ApiError};

pub mod health;

/// All API routes, to be nested under `/api/v1`. Unknown paths answer a JSON 404.
pub fn api() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .fallback(|| async { ApiError::NotFound })
}
