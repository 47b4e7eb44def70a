//! The API's error type: a stable code and status for clients, details only in the log.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use tousu_shared::api::ApiErrorBody;

/// An error answered by an API route.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No such API route or resource.
    #[error("not found")]
    NotFound,
    /// The route exists but not for this HTTP method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The request body is larger than the route accepts.
    #[error("request body too large")]
    PayloadTooLarge,
    /// The request took longer than the server allows.
    #[error("request timed out")]
    Timeout,
    /// Anything the client cannot fix; logged, never shown.
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// The stable code and HTTP status of this error.
    pub fn code_and_status(&self) -> (&'static str, StatusCode) {
        match self {
            ApiError::NotFound => ("not_found", StatusCode::NOT_FOUND),
            ApiError::MethodNotAllowed => ("method_not_allowed", StatusCode::METHOD_NOT_ALLOWED),
            ApiError::PayloadTooLarge => ("payload_too_large", StatusCode::PAYLOAD_TOO_LARGE),
            ApiError::Timeout => ("timeout", StatusCode::REQUEST_TIMEOUT),
            ApiError::Internal(_) => ("internal", StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, status) = self.code_and_status();
        let message = match &self {
            ApiError::Internal(err) => {
                // The cause goes to the log; the client learns only that it was our fault.
                tracing::error!(error = %format!("{err:#}"), "internal error");
                "internal server error".to_string()
            }
            other => other.to_string(),
        };
        let body = ApiErrorBody {
            code: code.to_string(),
            message,
        };
        (status, Json(body)).into_response()
    }
}
