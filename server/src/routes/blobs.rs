//! `/api/v1/blobs/{hash}`: content-addressed attachments. Upload is idempotent and checked
//! (hash, type, size); download only for principals who fully see a case that refers to it.

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};
use tousu_shared::{
    access::{Principal, Visibility},
    ids::CaseId,
    validate::BlobHash,
};

use crate::{AppState, auth::Caller, error::ApiError, sync};

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
    let now = state.now().0;
    let uploader = caller.audit_name();
    state
        .store
        .with_conn(move |conn| {
            conn.execute(
                "INSERT INTO blobs (hash, media_type, size, data, uploader, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                params![hash.as_str(), media_type, data.len() as i64, data.as_ref(), uploader, now],
            )?;
            Ok(())
        })
        .await?;
    Ok((
        StatusCode::OK,
        axum::Json(serde_json::json!({ "media_type": media_type })),
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
    let now = state.now();
    let found = state
        .store
        .read(move |conn| {
            let ctx = crate::archive::context(conn, &caller.principal, now)?;
            let cases: Vec<String> = conn
                .prepare_cached("SELECT case_id FROM blob_refs WHERE hash = ?1")?
                .query_map([hash.as_str()], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            // Attachments follow the text's rules: only full visibility of a referring case
            // shows them (a photo or signature can carry personal data that masking hides).
            let mut allowed = false;
            for id in cases {
                let Ok(uuid) = id.parse() else { continue };
                if let Some(view) = sync::case_view(conn, CaseId(uuid))?
                    && tousu_shared::access::visibility(&caller.principal, &view, &ctx)
                        == Visibility::Full
                {
                    allowed = true;
                    break;
                }
            }
            if !allowed {
                return Ok(None);
            }
            Ok(conn
                .query_row(
                    "SELECT media_type, data FROM blobs WHERE hash = ?1",
                    [hash.as_str()],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)),
                )
                .optional()?)
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
