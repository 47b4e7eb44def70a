//! Sealing a kiosk's complaint to the server (issue 16 §2): ECDH on P-256 between a fresh key
//! of the kiosk's and the server's sealing key, SHA-256 over [`SEAL_CONTEXT`], the shared
//! secret (its x coordinate, as Web Crypto's `deriveBits` gives it) and the kiosk's public
//! key into an AES-256-GCM key. The kiosk writes only the sealed form to its storage; only the
//! server, which keeps the secret key in its database, can open it.

use aes_gcm::{Aes256Gcm, KeyInit as _, Nonce, aead::Aead as _};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use p256::{PublicKey, SecretKey, ecdh::diffie_hellman, elliptic_curve::sec1::ToEncodedPoint as _};
use rand::RngExt as _;
use sha2::{Digest as _, Sha256};
use tousu_shared::api::public::{SEAL_CONTEXT, Sealed};

/// Why a sealed complaint does not open.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    /// A part is not base64, or the key not a P-256 point.
    #[error("the seal is malformed: {0}")]
    Malformed(&'static str),
    /// The data was not sealed to this server's key, or was altered.
    #[error("the seal does not open with this server's key")]
    DoesNotOpen,
}

/// The server's sealing key pair.
#[derive(Clone)]
pub struct SealKeys {
    secret: SecretKey,
}

impl SealKeys {
    /// A new random key.
    pub fn generate() -> Self {
        loop {
            let bytes: [u8; 32] = rand::rng().random();
            if let Ok(secret) = SecretKey::from_slice(&bytes) {
                return SealKeys { secret };
            }
        }
    }

    /// The key from its stored bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        SecretKey::from_slice(bytes)
            .ok()
            .map(|secret| SealKeys { secret })
    }

    /// The secret's bytes, to store.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.secret.to_bytes().to_vec()
    }

    /// The public key as kiosks import it: uncompressed SEC1, base64.
    pub fn public_key(&self) -> String {
        let point = self.secret.public_key().to_encoded_point(false);
        STANDARD.encode(point.as_bytes())
    }

    /// Opens a sealed complaint.
    pub fn open(&self, sealed: &Sealed) -> Result<Vec<u8>, SealError> {
        let b64 = |s: &str, what| STANDARD.decode(s).map_err(|_| SealError::Malformed(what));
        let key = b64(&sealed.key, "key")?;
        let nonce = b64(&sealed.nonce, "nonce")?;
        let data = b64(&sealed.data, "data")?;
        if nonce.len() != 12 {
            return Err(SealError::Malformed("nonce"));
        }
        let theirs = PublicKey::from_sec1_bytes(&key).map_err(|_| SealError::Malformed("key"))?;
        let shared = diffie_hellman(self.secret.to_nonzero_scalar(), theirs.as_affine());
        cipher(shared.raw_secret_bytes(), &key)
            .decrypt(Nonce::from_slice(&nonce), data.as_slice())
            .map_err(|_| SealError::DoesNotOpen)
    }
}

/// The AES key both sides derive.
fn cipher(shared_x: &[u8], their_key: &[u8]) -> Aes256Gcm {
    let mut h = Sha256::new();
    h.update(SEAL_CONTEXT);
    h.update(shared_x);
    h.update(their_key);
    Aes256Gcm::new_from_slice(&h.finalize()).expect("32 bytes")
}

/// Seals `plaintext` to the public key `server_key` (base64 SEC1) as a kiosk does (tests and
/// tools; the kiosk itself uses Web Crypto).
pub fn seal(server_key: &str, plaintext: &[u8]) -> Result<Sealed, SealError> {
    let server = STANDARD
        .decode(server_key)
        .ok()
        .and_then(|k| PublicKey::from_sec1_bytes(&k).ok())
        .ok_or(SealError::Malformed("key"))?;
    let mine = SealKeys::generate();
    let my_key = mine.secret.public_key().to_encoded_point(false);
    let shared = diffie_hellman(mine.secret.to_nonzero_scalar(), server.as_affine());
    let nonce: [u8; 12] = rand::rng().random();
    let data = cipher(shared.raw_secret_bytes(), my_key.as_bytes())
        .encrypt(Nonce::from_slice(&nonce), plaintext)
        .map_err(|_| SealError::DoesNotOpen)?;
    Ok(Sealed {
        key: STANDARD.encode(my_key.as_bytes()),
        nonce: STANDARD.encode(nonce),
        data: STANDARD.encode(data),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_sealed_opens_only_with_the_servers_key() {
        let server = SealKeys::generate();
        let sealed = seal(&server.public_key(), "王女士 13800138000".as_bytes()).unwrap();
        assert!(!sealed.data.contains("13800138000"));
        assert_eq!(
            server.open(&sealed).unwrap(),
            "王女士 13800138000".as_bytes()
        );
        let other = SealKeys::generate();
        assert_eq!(other.open(&sealed), Err(SealError::DoesNotOpen));
        let again = SealKeys::from_bytes(&server.to_bytes()).unwrap();
        assert_eq!(again.public_key(), server.public_key());
    }

    #[test]
    fn an_altered_seal_is_refused() {
        let server = SealKeys::generate();
        let mut sealed = seal(&server.public_key(), b"complaint").unwrap();
        let mut data = STANDARD.decode(&sealed.data).unwrap();
        data[0] ^= 1;
        sealed.data = STANDARD.encode(data);
        assert_eq!(server.open(&sealed), Err(SealError::DoesNotOpen));
        sealed.key = "not base64!".into();
        assert_eq!(server.open(&sealed), Err(SealError::Malformed("key")));
    }
}
