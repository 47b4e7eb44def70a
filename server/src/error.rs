//! The API's error type: a stable code and status for clients, details only in the log.

use axum::{
    Json,
    extract::{FromRequest, Request, rejection::JsonRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::de::DeserializeOwned;
use tousu_shared::api::ApiErrorBody;

use crate::store::StoreError;

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
    /// The body is not the JSON this route expects.
    #[error("{0}")]
    BadRequest(String),
    /// No valid session or device token.
    #[error("sign in first")]
    Unauthorized,
    /// Wrong user name or password (deliberately not saying which).
    #[error("wrong user name or password")]
    InvalidCredentials,
    /// Signed in, but the policy says no.
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    /// The content is not one of the accepted types.
    #[error("unsupported content type: JPEG, PNG, WebP or PDF only")]
    UnsupportedMediaType,
    /// Signed in with a one-time password: only choosing a new one (or signing out) is
    /// possible until it is done.
    #[error("choose a new password first")]
    PasswordChangeRequired,
    /// A new password was refused; the code says why (`wrong_password`,
    /// `password_too_short`, `password_unchanged`).
    #[error("password refused: {0}")]
    PasswordRefused(&'static str),
    /// Too many failed logins; try again later.
    #[error("too many attempts; try again later")]
    RateLimited,
    /// The storage cannot take writes (disk full, read-only, I/O error): nothing was stored;
    /// retry later.
    #[error("the server cannot store anything right now ({0}); nothing was stored, retry later")]
    StorageUnavailable(&'static str),
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
            ApiError::BadRequest(_) => ("bad_request", StatusCode::BAD_REQUEST),
            ApiError::Unauthorized => ("unauthorized", StatusCode::UNAUTHORIZED),
            ApiError::InvalidCredentials => ("invalid_credentials", StatusCode::UNAUTHORIZED),
            ApiError::Forbidden(_) => ("forbidden", StatusCode::FORBIDDEN),
            ApiError::PasswordChangeRequired => ("password_change_required", StatusCode::FORBIDDEN),
            ApiError::PasswordRefused(code) => (code, StatusCode::BAD_REQUEST),
            ApiError::RateLimited => ("rate_limited", StatusCode::TOO_MANY_REQUESTS),
            ApiError::StorageUnavailable(code) => (code, StatusCode::SERVICE_UNAVAILABLE),
            ApiError::UnsupportedMediaType => {
                ("unsupported_media_type", StatusCode::UNSUPPORTED_MEDIA_TYPE)
            }
            ApiError::Internal(_) => ("internal", StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(storage) => ApiError::StorageUnavailable(storage.code()),
            err => ApiError::Internal(anyhow::Error::new(err)),
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

/// `Json<T>` whose rejections (malformed JSON, wrong types, unknown fields, wrong content
/// type, invalid UTF-8) are the API's JSON errors with the parser's explanation.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::PayloadTooLarge),
            Err(rejection) => Err(ApiError::BadRequest(rejection.body_text())),
        }
    }
}
