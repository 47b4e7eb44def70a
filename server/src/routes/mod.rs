//! The `/api/v1` routes.

use axum::{
    Router,
    routing::{get, post, put},
};

use crate::{AppState, error::ApiError};

pub mod admin;
pub mod answers;
pub mod archive;
pub mod audit;
pub mod auth;
pub mod blobs;
pub mod endpoints;
pub mod exports;
pub mod health;
pub mod openapi;
pub mod public;
pub mod reference;
pub mod stats;
pub mod sync;
pub mod tables;
pub mod teaching;

/// Attachment routes, with their own (larger) body limit.
pub fn blob_routes() -> Router<AppState> {
    Router::new().route("/blobs/{hash}", get(blobs::download).put(blobs::upload))
}

/// The counter's and the public's complaint routes, with their own body limit (photos).
pub fn public_routes() -> Router<AppState> {
    Router::new()
        .route("/public/complaints", post(public::complain))
        .route("/kiosk/complaints", post(public::kiosk_complaint))
}

/// All other API routes, to be nested under `/api/v1`. Unknown paths answer a JSON 404.
pub fn api() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/openapi.json", get(openapi::openapi))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/auth/password", post(auth::change_password))
        .route("/sync/push", post(sync::push))
        .route("/sync/pull", get(sync::pull))
        .route("/sync/quarantine", get(sync::quarantined))
        .route("/cases/{id}", get(archive::case))
        .route("/archive/run", post(archive::run))
        .route(
            "/archive/requests",
            get(archive::list).post(archive::request),
        )
        .route("/archive/requests/{id}/decision", post(archive::decide))
        .route("/archive/requests/{id}/revoke", post(archive::revoke))
        .route("/archive/cases", get(archive::browse))
        .route("/audit", get(audit::get))
        .route(
            "/archive/destructions",
            get(archive::proposals).post(archive::propose),
        )
        .route(
            "/archive/destructions/{id}/decision",
            post(archive::decide_destruction),
        )
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/{id}", put(admin::update_user))
        .route("/admin/users/{id}/disable", post(admin::disable_user))
        .route("/admin/users/{id}/enable", post(admin::enable_user))
        .route(
            "/admin/users/{id}/reset-password",
            post(admin::reset_password),
        )
        .route(
            "/admin/departments",
            get(admin::departments).post(admin::create_department),
        )
        .route(
            "/admin/kiosks",
            get(admin::kiosks).post(admin::create_kiosk),
        )
        .route("/kiosk/setup", post(admin::kiosk_setup))
        .route("/kiosk/seal-key", get(public::seal_key))
        .route("/public/status", post(public::status))
        .route("/admin/kiosks/{id}/revoke", post(admin::revoke_kiosk))
        .route("/reference", get(reference::get))
        .route("/admin/calendar", put(reference::put_calendar))
        .route("/admin/sla-policy", put(reference::put_sla))
        .route("/admin/categories", put(reference::put_categories))
        .route("/admin/profile", put(reference::put_profile))
        .route("/profile", get(reference::get_profile))
        .route("/statistics", get(stats::get))
        .route("/appraisal", get(stats::appraisal))
        .route("/exports/cases.xlsx", get(exports::cases_xlsx))
        .route(
            "/exports/statistics-table.xlsx",
            get(tables::statistics_table),
        )
        .route("/exports/appraisal.xlsx", get(tables::appraisal))
        .route("/teaching-cases", get(teaching::list))
        .route("/exports/teaching-cases.xlsx", get(teaching::xlsx))
        .fallback(|| async { ApiError::NotFound })
}
