//! Photos taken on the tablet: downscaled in the browser before they are stored (a phone
//! camera's 12-megapixel JPEG becomes a ~200 KB one), hashed with the browser's SHA-256 so
//! events can name them by content, and shown from local storage or fetched lazily.

use crate::platform::js_err;
use tousu_shared::{
    model::Attachment,
    validate::{BlobHash, Field, ShortText},
};
use wasm_bindgen::{JsCast, JsValue, prelude::Closure};
use wasm_bindgen_futures::JsFuture;

/// Longest side of a stored photo, in pixels.
pub const MAX_SIDE: u32 = 1600;
/// JPEG quality of stored photos.
const QUALITY: f64 = 0.82;

/// Why a photo or a signature could not be prepared (the browser's detail is for the
/// console; screens say which in the user's language).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MediaError {
    /// A chosen photo could not be read, scaled or encoded.
    #[error("photo: {0}")]
    Photo(String),
    /// The drawn signature could not be encoded.
    #[error("signature: {0}")]
    Signature(String),
}

/// A photo ready to attach.
#[derive(Debug, Clone, PartialEq)]
pub struct Photo {
    /// JPEG bytes.
    pub bytes: Vec<u8>,
    /// SHA-256 of the bytes, lowercase hex.
    pub hash: String,
    /// The original file name.
    pub name: String,
}

impl Photo {
    /// The attachment an event names this photo by.
    pub fn attachment(&self) -> Option<Attachment> {
        Some(Attachment {
            hash: BlobHash::parse(&self.hash).ok()?,
            media_type: ShortText::parse(Field::Attachment, "image/jpeg").ok()?,
            name: ShortText::parse(Field::Attachment, &self.name).ok(),
            size: self.bytes.len() as u64,
        })
    }
}

/// Decodes `file`, scales it to at most [`MAX_SIDE`] on its longest side, re-encodes it as
/// JPEG and hashes it.
pub async fn prepare(file: web_sys::File) -> Result<Photo, MediaError> {
    prepare_photo(file).await.map_err(|e| {
        leptos::logging::warn!("{e}");
        MediaError::Photo(e)
    })
}

async fn prepare_photo(file: web_sys::File) -> Result<Photo, String> {
    let window = web_sys::window().ok_or("no window")?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(
        window
            .create_image_bitmap_with_blob(&file)
            .map_err(js_err)?,
    )
    .await
    .map_err(js_err)?
    .dyn_into()
    .map_err(js_err)?;
    let (w, h) = (bitmap.width(), bitmap.height());
    let scale = (MAX_SIDE as f64 / w.max(h).max(1) as f64).min(1.0);
    let (nw, nh) = (
        ((w as f64 * scale).round() as u32).max(1),
        ((h as f64 * scale).round() as u32).max(1),
    );
    let document = window.document().ok_or("no document")?;
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(js_err)?
        .dyn_into()
        .map_err(|_| "no canvas".to_string())?;
    canvas.set_width(nw);
    canvas.set_height(nh);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(js_err)?
        .ok_or("no 2d context")?
        .dyn_into()
        .map_err(|_| "no 2d context".to_string())?;
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, nw as f64, nh as f64)
        .map_err(js_err)?;
    bitmap.close();
    let bytes = encode(&canvas, "image/jpeg", Some(QUALITY)).await?;
    let hash = sha256_hex(&bytes).await?;
    Ok(Photo {
        bytes,
        hash,
        name: file.name(),
    })
}

/// A drawn signature: the canvas as PNG (sharp lines, small), hashed.
pub async fn signature(canvas: &web_sys::HtmlCanvasElement) -> Result<Photo, MediaError> {
    signature_png(canvas).await.map_err(|e| {
        leptos::logging::warn!("{e}");
        MediaError::Signature(e)
    })
}

async fn signature_png(canvas: &web_sys::HtmlCanvasElement) -> Result<Photo, String> {
    let bytes = encode(canvas, "image/png", None).await?;
    let hash = sha256_hex(&bytes).await?;
    Ok(Photo {
        bytes,
        hash,
        name: "signature.png".into(),
    })
}

/// The canvas encoded as `media_type` (with a quality for lossy types).
async fn encode(
    canvas: &web_sys::HtmlCanvasElement,
    media_type: &str,
    quality: Option<f64>,
) -> Result<Vec<u8>, String> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        let quality = quality.map(JsValue::from_f64).unwrap_or(JsValue::UNDEFINED);
        if let Err(e) =
            canvas.to_blob_with_type_and_encoder_options(done.unchecked_ref(), media_type, &quality)
        {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    let blob: web_sys::Blob = JsFuture::from(promise)
        .await
        .map_err(js_err)?
        .dyn_into()
        .map_err(|_| "the image could not be encoded".to_string())?;
    let buffer = JsFuture::from(blob.array_buffer()).await.map_err(js_err)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// SHA-256 of `bytes` as lowercase hex, by the browser's Web Crypto.
pub async fn sha256_hex(bytes: &[u8]) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let subtle = window.crypto().map_err(js_err)?.subtle();
    let data = js_sys::Uint8Array::from(bytes);
    let digest = JsFuture::from(
        subtle
            .digest_with_str_and_buffer_source("SHA-256", &data)
            .map_err(js_err)?,
    )
    .await
    .map_err(js_err)?;
    let digest = js_sys::Uint8Array::new(&digest).to_vec();
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// An object URL showing bytes as an image, revoked when dropped: the browser keeps the
/// bytes of an object URL alive until it is revoked, so a view holds one only as long as its
/// image is shown (drop it in the view's cleanup).
#[derive(Debug, PartialEq, Eq)]
pub struct ObjectUrl(String);

impl ObjectUrl {
    /// A URL for `bytes` of `media_type`.
    pub fn new(bytes: &[u8], media_type: &str) -> Option<Self> {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(media_type);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
        web_sys::Url::create_object_url_with_blob(&blob)
            .ok()
            .map(ObjectUrl)
    }

    /// The URL, for an `src`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Drop for ObjectUrl {
    fn drop(&mut self) {
        let _ = web_sys::Url::revoke_object_url(&self.0);
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    async fn readable(url: &str) -> bool {
        let window = web_sys::window().unwrap();
        match JsFuture::from(window.fetch_with_str(url)).await {
            Ok(res) => res.dyn_into::<web_sys::Response>().is_ok_and(|r| r.ok()),
            Err(_) => false,
        }
    }

    /// An object URL works while held and is revoked when dropped.
    #[wasm_bindgen_test]
    async fn an_object_url_is_revoked_when_dropped() {
        let url = ObjectUrl::new(b"\x89PNG", "image/png").unwrap();
        let text = url.as_str().to_string();
        assert!(readable(&text).await);
        drop(url);
        assert!(!readable(&text).await);
    }
}
