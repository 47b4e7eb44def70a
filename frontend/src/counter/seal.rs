//! The kiosk's sealed outbox (issue 16 §2): a complaint is sealed with Web Crypto to the
//! server's key before anything of it touches storage (ECDH P-256 with a one-time key,
//! SHA-256 into an AES-256-GCM key: `tousu_server::seal` opens it), and only the sealed form
//! waits in Cache Storage until the server has it. Nobody at the counter, developer tools
//! included, can read an earlier complainant's words.

use js_sys::{Array, Object, Reflect, Uint8Array};
use tousu_shared::api::public::{SEAL_CONTEXT, Sealed};
use wasm_bindgen::{JsCast as _, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::platform::js_err;

/// The Cache Storage cache the sealed complaints wait in.
const OUTBOX: &str = "tousu-kiosk-outbox";
/// The address prefix each sealed complaint is kept under.
const PREFIX: &str = "/kiosk-outbox/";

fn subtle() -> Result<web_sys::SubtleCrypto, String> {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or_else(|| "Web Crypto is unavailable (not a secure context?)".into())
}

fn object(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn ecdh() -> Object {
    object(&[("name", "ECDH".into()), ("namedCurve", "P-256".into())])
}

async fn wait(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, String> {
    JsFuture::from(promise.map_err(js_err)?)
        .await
        .map_err(js_err)
}

fn bytes(value: &JsValue) -> Vec<u8> {
    Uint8Array::new(value).to_vec()
}

/// Random bytes from the browser's generator.
pub fn random<const N: usize>() -> Result<[u8; N], String> {
    let mut out = [0u8; N];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or("no Web Crypto")?
        .get_random_values_with_u8_array(&mut out)
        .map_err(js_err)?;
    Ok(out)
}

/// SHA-256 of `data`, lowercase hex.
pub async fn sha256_hex(data: &[u8]) -> Result<String, String> {
    let digest = wait(subtle()?.digest_with_str_and_u8_array("SHA-256", data)).await?;
    Ok(bytes(&digest).iter().map(|b| format!("{b:02x}")).collect())
}

/// Seals `plaintext` to the server's public key (`key`: base64 SEC1).
pub async fn seal(key: &str, plaintext: &[u8]) -> Result<Sealed, String> {
    let subtle = subtle()?;
    let server_raw = base64_decode(key).ok_or("the server's key is not base64")?;
    let usages = Array::new();
    let server = wait(subtle.import_key_with_object(
        "raw",
        &Uint8Array::from(server_raw.as_slice()),
        &ecdh(),
        false,
        &usages,
    ))
    .await?;
    let pair =
        wait(subtle.generate_key_with_object(&ecdh(), false, &Array::of1(&"deriveBits".into())))
            .await?;
    let private: web_sys::CryptoKey = Reflect::get(&pair, &"privateKey".into())
        .map_err(js_err)?
        .unchecked_into();
    let public: web_sys::CryptoKey = Reflect::get(&pair, &"publicKey".into())
        .map_err(js_err)?
        .unchecked_into();
    let mine = bytes(&wait(subtle.export_key("raw", &public)).await?);
    let derive = object(&[("name", "ECDH".into()), ("public", server)]);
    let shared = bytes(&wait(subtle.derive_bits_with_object(&derive, &private, 256)).await?);
    let mut material = Vec::with_capacity(SEAL_CONTEXT.len() + 32 + mine.len());
    material.extend_from_slice(SEAL_CONTEXT);
    material.extend_from_slice(&shared);
    material.extend_from_slice(&mine);
    let digest = bytes(&wait(subtle.digest_with_str_and_u8_array("SHA-256", &material)).await?);
    let aes = wait(subtle.import_key_with_object(
        "raw",
        &Uint8Array::from(digest.as_slice()),
        &object(&[("name", "AES-GCM".into())]),
        false,
        &Array::of1(&"encrypt".into()),
    ))
    .await?;
    let nonce: [u8; 12] = random()?;
    let params = object(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(&nonce[..]).into()),
    ]);
    let data =
        wait(subtle.encrypt_with_object_and_u8_array(&params, &aes.unchecked_into(), plaintext))
            .await?;
    Ok(Sealed {
        key: base64_encode(&mine),
        nonce: base64_encode(&nonce),
        data: base64_encode(&bytes(&data)),
    })
}

async fn outbox() -> Result<web_sys::Cache, String> {
    let caches = web_sys::window()
        .ok_or("no window")?
        .caches()
        .map_err(js_err)?;
    Ok(wait(Ok(caches.open(OUTBOX))).await?.unchecked_into())
}

/// Keeps a sealed complaint until the server has it.
pub async fn keep(id: &str, sealed: &Sealed) -> Result<(), String> {
    let json = serde_json::to_string(sealed).map_err(|e| e.to_string())?;
    let response = web_sys::Response::new_with_opt_str(Some(&json)).map_err(js_err)?;
    wait(Ok(outbox()
        .await?
        .put_with_str(&format!("{PREFIX}{id}"), &response)))
    .await
    .map(drop)
}

/// The sealed complaints waiting, by id.
pub async fn waiting() -> Result<Vec<(String, Sealed)>, String> {
    let cache = outbox().await?;
    let keys: Array = wait(Ok(cache.keys())).await?.unchecked_into();
    let mut out = Vec::new();
    for request in keys.iter() {
        let request: web_sys::Request = request.unchecked_into();
        let url = request.url();
        let Some(id) = url.split(PREFIX).nth(1).map(str::to_string) else {
            continue;
        };
        let response: web_sys::Response = wait(Ok(cache.match_with_request(&request)))
            .await?
            .unchecked_into();
        let text = wait(response.text()).await?.as_string().unwrap_or_default();
        match tousu_shared::json::from_str(&text) {
            Ok(sealed) => out.push((id, sealed)),
            Err(e) => leptos::logging::warn!("outbox entry {id} unreadable: {e}"),
        }
    }
    Ok(out)
}

/// Drops a sealed complaint the server has.
pub async fn forget(id: &str) -> Result<(), String> {
    wait(Ok(outbox()
        .await?
        .delete_with_str(&format!("{PREFIX}{id}"))))
    .await
    .map(drop)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64, padded or not; `None` when it is not base64.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut n, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = B64.iter().position(|&b| b == c)? as u32;
        n = n << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((n >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for data in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar"] {
            let text = base64_encode(data);
            assert_eq!(base64_decode(&text).as_deref(), Some(data));
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_decode("not base64!"), None);
    }
}
