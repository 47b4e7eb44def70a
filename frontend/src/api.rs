//! The HTTP client of the sync server (`/api/v1`). Architecture invariant: only this module
//! and [`crate::sync`] touch the network.

use serde::{Serialize, de::DeserializeOwned};
use tousu_shared::api::{
    API_PREFIX, ApiErrorBody, Reference,
    sync::{LoginRequest, LoginResponse, PullResponse, PushRequest, PushResponse},
};

/// Why a call failed, as screens need to tell it apart.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The server could not be reached (offline, server down, blocked).
    #[error("server unreachable: {0}")]
    Unreachable(String),
    /// The session is over (expired, revoked, signed out elsewhere): sign in again.
    #[error("session ended")]
    Unauthorized,
    /// Too many attempts: wait and retry.
    #[error("too many attempts")]
    TooMany,
    /// The server refused the call with a stable error code.
    #[error("{status} {}: {}", body.code, body.message)]
    Refused {
        /// HTTP status.
        status: u16,
        /// The error body.
        body: ApiErrorBody,
    },
    /// The answer did not parse (a server from another version?).
    #[error("unexpected answer: {0}")]
    Decode(String),
}

async fn answer<T: DeserializeOwned>(
    res: Result<gloo_net::http::Response, gloo_net::Error>,
) -> Result<T, ApiError> {
    let res = res.map_err(|e| ApiError::Unreachable(e.to_string()))?;
    match res.status() {
        200..=299 => res
            .json()
            .await
            .map_err(|e| ApiError::Decode(e.to_string())),
        401 => Err(ApiError::Unauthorized),
        429 => Err(ApiError::TooMany),
        status => {
            let body = res.json::<ApiErrorBody>().await.unwrap_or(ApiErrorBody {
                code: "http_error".into(),
                message: format!("HTTP {status}"),
            });
            // A proxy or captive portal answering 5xx is as good as unreachable.
            if status >= 500 && body.code == "http_error" {
                return Err(ApiError::Unreachable(format!("HTTP {status}")));
            }
            Err(ApiError::Refused { status, body })
        }
    }
}

fn url(path: &str) -> String {
    format!("{API_PREFIX}{path}")
}

async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<T, ApiError> {
    let mut req = gloo_net::http::Request::post(&url(path));
    if let Some(token) = token {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    let req = req
        .json(body)
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    answer(req.send().await).await
}

async fn get<T: DeserializeOwned>(path: &str, token: &str) -> Result<T, ApiError> {
    let res = gloo_net::http::Request::get(&url(path))
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await;
    answer(res).await
}

/// `POST /auth/login`.
pub async fn login(req: &LoginRequest) -> Result<LoginResponse, ApiError> {
    post("/auth/login", None, req).await
}

/// `POST /auth/logout`: ends the session on the server at once.
pub async fn logout(token: &str) -> Result<(), ApiError> {
    post::<_, serde_json::Value>("/auth/logout", Some(token), &serde_json::json!({}))
        .await
        .map(drop)
}

/// `POST /sync/push`.
pub async fn push(token: &str, events: Vec<serde_json::Value>) -> Result<PushResponse, ApiError> {
    post("/sync/push", Some(token), &PushRequest { events }).await
}

/// `GET /sync/pull`.
pub async fn pull(token: &str, cursor: i64, limit: u32) -> Result<PullResponse, ApiError> {
    get(&format!("/sync/pull?cursor={cursor}&limit={limit}"), token).await
}

/// `GET /reference`.
pub async fn reference(token: &str) -> Result<Reference, ApiError> {
    get("/reference", token).await
}
