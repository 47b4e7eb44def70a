//! `/api/v1/blobs/{hash}`: content-addressed attachments. Upload is idempotent and checked
//! (hash, type, size); download only for principals who fully see a case that refers to it.

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};
use tousu_shared::{
    access::{Principal, Visibility, visibility},
    validate::BlobHash,
};

use crate::{AppState, auth::Caller, error::ApiError};

/// Largest attachment accepted (photos are downscaled in the browser before upload).
pub const MAX_BLOB_BYTES: usize = 10 * 1024 * 1024;

/// The media type of `data`, judged by its first bytes, if it is one we accept.
pub fn sniff(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else if data.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// `PUT /api/v1/blobs/{hash}`.
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(hash): Path<String>,
    data: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let hash = BlobHash::parse(&hash)
        .map_err(|_| ApiError::BadRequest("the path must be a SHA-256 in hex".into()))?;
    let actual: String = Sha256::digest(&data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if actual != hash.as_str() {
        return Err(ApiError::BadRequest(format!(
            "content hash is {actual}, not {}",
            hash.as_str()
        )));
    }
    let media_type = sniff(&data).ok_or(ApiError::UnsupportedMediaType)?;
    state
        .store
        .put_blob(
            hash,
            media_type,
            data.to_vec(),
            caller.audit_name(),
            state.now(),
        )
        .await?;
    Ok((
        StatusCode::OK,
        axum::Json(super::answers::BlobStored {
            media_type: media_type.into(),
        }),
    ))
}

/// `GET /api/v1/blobs/{hash}`.
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(hash): Path<String>,
) -> Result<Response, ApiError> {
    let hash = BlobHash::parse(&hash).map_err(|_| ApiError::NotFound)?;
    if matches!(caller.principal, Principal::Kiosk { .. }) {
        return Err(ApiError::Forbidden("a kiosk reads nothing"));
    }
    let ctx = state
        .store
        .access_context(caller.principal.clone(), state.now())
        .await?;
    // Attachments follow the text's rules: only full visibility of a referring case shows
    // them (a photo or signature can carry personal data that masking hides).
    let principal = caller.principal;
    let found = state
        .store
        .blob(hash, move |view| {
            visibility(&principal, view, &ctx) == Visibility::Full
        })
        .await?;
    let (media_type, data) = found.ok_or(ApiError::NotFound)?;
    let mut res = data.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&media_type).expect("ascii"),
    );
    Ok(res)
}
