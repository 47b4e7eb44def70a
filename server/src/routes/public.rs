//! The counter and the public (issue 16, DESIGN §12): `POST /public/complaints` (the web
//! form, no account), `POST /kiosk/complaints` (a kiosk's sealed complaint),
//! `GET /kiosk/seal-key`, and `POST /public/status` (number + lookup code → the stage in
//! plain words).
//!
//! The public routes are limited before anything touches the database: per client and
//! overall, in memory, so a flood is answered 429 from a counter check and staff sync never
//! waits behind it. Limits are per server process (docs/DECISIONS.md "Public intake").

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
};

use axum::{Json, extract::State};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use rand::RngExt as _;
use sha2::Digest as _;
use tousu_shared::{
    access::Principal,
    api::public::{
        KioskComplaint, MAX_PUBLIC_PHOTOS, PROMISE_DAYS, Promise, PublicComplaint, PublicPhoto,
        PublicReceipt, PublicStage, PublicStatus, SealKey, Sealed, StatusQuery, WebComplaint,
        lookup_code, normalise_lookup, normalise_reference,
    },
    clock::{CHINA_OFFSET_MINUTES, MAX_CLOCK_DRIFT_MS, Timestamp},
    event::Actor,
    ids::CaseId,
    model::Channel,
    validate::BlobHash,
};

use crate::{
    AppState, auth,
    auth::Caller,
    error::{ApiError, ApiJson},
    routes::{auth::ClientAddr, blobs::sniff},
    seal::SealKeys,
    store::intake::{Intake, Intaken},
};

/// Largest body of a public or kiosk complaint (three photos the form has shrunk).
pub const PUBLIC_BODY_LIMIT: usize = 4 * 1024 * 1024;
/// Largest photo, decoded.
pub const MAX_PHOTO_BYTES: usize = 1024 * 1024;
/// Web complaints one client may send per window.
pub const COMPLAINTS_PER_CLIENT: usize = 5;
/// Web complaints all clients together may send per window.
pub const COMPLAINTS_OVERALL: usize = 60;
/// Status lookups one client may make per window.
pub const LOOKUPS_PER_CLIENT: usize = 20;
/// The window of those limits.
pub const WINDOW_MS: i64 = 10 * 60 * 1000;
/// How old a kiosk's complaint may be when it arrives (a kiosk offline a month).
pub const MAX_KIOSK_DELAY_MS: i64 = 31 * 24 * 3600 * 1000;

const MEMO_KEY: &str = "seal_secret";

/// The counter's state: the sealing key and the in-memory limits.
#[derive(Default)]
pub struct Counter {
    keys: tokio::sync::OnceCell<SealKeys>,
    limits: Mutex<Limits>,
}

/// Recent requests by key, oldest first.
#[derive(Default)]
struct Limits {
    seen: HashMap<String, VecDeque<i64>>,
}

impl Limits {
    /// Counts a request of `key` at `now` if fewer than `max` were made in the window.
    fn admit(&mut self, key: &str, max: usize, now: i64) -> bool {
        if self.seen.len() > 100_000 {
            // A flood from ever new addresses: forget the quiet ones.
            self.seen
                .retain(|_, q| q.back().is_some_and(|&t| t > now - WINDOW_MS));
        }
        let q = self.seen.entry(key.to_string()).or_default();
        while q.front().is_some_and(|&t| t <= now - WINDOW_MS) {
            q.pop_front();
        }
        if q.len() >= max {
            return false;
        }
        q.push_back(now);
        true
    }
}

impl Counter {
    fn admit(&self, keys: &[(&str, usize)], now: i64) -> Result<(), ApiError> {
        let mut limits = self.limits.lock().unwrap_or_else(|p| p.into_inner());
        // All must admit; one that refuses counts nothing in the others.
        let refused = keys.iter().any(|(key, max)| {
            limits
                .seen
                .get(*key)
                .is_some_and(|q| q.iter().filter(|&&t| t > now - WINDOW_MS).count() >= *max)
        });
        if refused {
            return Err(ApiError::RateLimited);
        }
        for (key, max) in keys {
            limits.admit(key, *max, now);
        }
        Ok(())
    }

    /// The server's sealing key, made and stored on first use.
    pub async fn keys(&self, state: &AppState) -> Result<&SealKeys, ApiError> {
        self.keys
            .get_or_try_init(|| async {
                let fresh = SealKeys::generate().to_bytes();
                let stored = state.store.meta_or_insert(MEMO_KEY, fresh).await?;
                SealKeys::from_bytes(&stored).ok_or_else(|| {
                    ApiError::Internal(anyhow::anyhow!("stored seal key unreadable"))
                })
            })
            .await
    }
}

/// `POST /api/v1/public/complaints`: a complaint from the web form, answered with its receipt.
pub async fn complain(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: axum::body::Bytes,
) -> Result<Json<PublicReceipt>, ApiError> {
    let now = state.now();
    // Counted before the body is read as JSON: a flood costs a counter check, not a parse.
    state.counter.admit(
        &[
            (&format!("complain:{client}"), COMPLAINTS_PER_CLIENT),
            ("complain:*", COMPLAINTS_OVERALL),
        ],
        now.0,
    )?;
    let web: WebComplaint = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("the complaint: {e}")))?;
    if !web.complaint.website.is_empty() {
        // Only a robot fills a field no person sees: refused, and said so plainly.
        return Err(ApiError::BadRequest(
            "website: leave this field empty".into(),
        ));
    }
    let code = new_lookup_code();
    let intake = prepare(
        CaseId(uuid::Uuid::now_v7()),
        &web.complaint,
        &web.photos,
        Channel::Web,
        now,
        Actor::System,
        &code,
        "public".into(),
    )
    .await?;
    let stored = state.store.intake(intake, now).await?;
    Ok(Json(receipt(stored, code)))
}

/// `GET /api/v1/kiosk/seal-key`: the key a kiosk seals to (kiosks only).
pub async fn seal_key(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<SealKey>, ApiError> {
    kiosk_of(&caller)?;
    let keys = state.counter.keys(&state).await?;
    let promises = state
        .store
        .promises(state.now(), PROMISE_DAYS)
        .await?
        .into_iter()
        .map(|(at, due)| Promise {
            received: at.date(CHINA_OFFSET_MINUTES).to_string(),
            due: due.at.date(CHINA_OFFSET_MINUTES).to_string(),
            uncertain: due.uncertain,
        })
        .collect();
    Ok(Json(SealKey {
        key: keys.public_key(),
        promises,
    }))
}

/// `POST /api/v1/kiosk/complaints`: a kiosk's sealed complaint, opened here and stored as a
/// `kiosk`-channel case. A retry of one stored already answers the same receipt.
pub async fn kiosk_complaint(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(sealed): ApiJson<Sealed>,
) -> Result<Json<PublicReceipt>, ApiError> {
    let device = kiosk_of(&caller)?;
    let now = state.now();
    let keys = state.counter.keys(&state).await?;
    let opened = keys
        .open(&sealed)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let complaint: KioskComplaint = serde_json::from_slice(&opened)
        .map_err(|e| ApiError::BadRequest(format!("sealed complaint: {e}")))?;
    let at = complaint.submitted_at;
    if at.0 > now.0 + MAX_CLOCK_DRIFT_MS || at.0 < now.0 - MAX_KIOSK_DELAY_MS {
        return Err(ApiError::BadRequest(
            "submitted_at: the kiosk's clock is wrong (or the complaint is too old)".into(),
        ));
    }
    let code = normalise_lookup(&complaint.lookup_code);
    let intake = prepare(
        complaint.case_id,
        &complaint.complaint,
        &complaint.photos,
        Channel::Kiosk,
        at,
        Actor::Kiosk(device),
        &code,
        caller.audit_name(),
    )
    .await?;
    let stored = state.store.intake(intake, now).await?;
    Ok(Json(receipt(stored, code)))
}

/// `POST /api/v1/public/status`: number (or provisional label) + lookup code → where the
/// complaint stands. Any miss — unknown number, wrong code — is the same 404.
pub async fn status(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(query): ApiJson<StatusQuery>,
) -> Result<Json<PublicStatus>, ApiError> {
    let now = state.now();
    state
        .counter
        .admit(&[(&format!("status:{client}"), LOOKUPS_PER_CLIENT)], now.0)?;
    let reference = normalise_reference(&query.number);
    let code = normalise_lookup(&query.code);
    let found = if reference.len() > 40 || code.len() > 40 {
        None
    } else {
        state.store.lookup(reference).await?
    };
    // The hash is checked whether or not the number exists, so timing tells nothing.
    let hash = found
        .as_ref()
        .map(|(hash, _)| hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let matches = auth::password_work(move || auth::verify_password(&code, &hash)).await?;
    let view = match found {
        Some((_, view)) if matches => view,
        _ => return Err(ApiError::NotFound),
    };
    let (policy, calendar) = state.store.clock_rules().await?;
    let due =
        tousu_shared::sla::answer_due(&tousu_shared::sla::clocks(&view, &policy, &calendar, now));
    let stage = PublicStage::of(&view);
    let answered = !view.feedback.is_empty();
    Ok(Json(PublicStatus {
        number: view.label(),
        stage,
        received_at: received_at(&view),
        answer_due: (!answered
            && stage != PublicStage::NotAccepted
            && stage != PublicStage::Closed)
            .then(|| due.map(|d| d.at.date(CHINA_OFFSET_MINUTES).to_string()))
            .flatten(),
        answered,
    }))
}

/// An argon2 hash of no code, checked when the number is unknown (made once, as costly as
/// a real one).
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| auth::hash_password("no lookup code").expect("argon2 hashes"));

fn kiosk_of(caller: &Caller) -> Result<tousu_shared::ids::DeviceId, ApiError> {
    match caller.principal {
        Principal::Kiosk { device } => Ok(device),
        _ => Err(ApiError::Forbidden("kiosks only")),
    }
}

fn new_lookup_code() -> String {
    lookup_code(&rand::rng().random())
}

/// Checks a public complaint and its photos and hashes the lookup code (on a blocking thread:
/// argon2 is CPU-heavy).
#[allow(clippy::too_many_arguments)]
async fn prepare(
    case: CaseId,
    complaint: &PublicComplaint,
    photos: &[PublicPhoto],
    channel: Channel,
    received_at: Timestamp,
    actor: Actor,
    code: &str,
    author: String,
) -> Result<Intake, ApiError> {
    let registration = complaint
        .registration(channel, received_at)
        .map_err(|errors| {
            let fields: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", json_name(&e.field), json_name(&e.rule)))
                .collect();
            ApiError::BadRequest(fields.join("; "))
        })?;
    if photos.len() > MAX_PUBLIC_PHOTOS {
        return Err(ApiError::BadRequest(format!(
            "photos: at most {MAX_PUBLIC_PHOTOS}"
        )));
    }
    let mut read = Vec::new();
    for photo in photos {
        let data = STANDARD
            .decode(&photo.data)
            .map_err(|_| ApiError::BadRequest("photos: not base64".into()))?;
        if data.len() > MAX_PHOTO_BYTES {
            return Err(ApiError::PayloadTooLarge);
        }
        let media_type = sniff(&data)
            .filter(|t| t.starts_with("image/"))
            .ok_or(ApiError::UnsupportedMediaType)?;
        let hex: String = sha2::Sha256::digest(&data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let hash = BlobHash::parse(&hex).expect("a SHA-256 in hex");
        read.push((hash, media_type, data));
    }
    let code = code.to_string();
    let code_hash = auth::password_work(move || auth::hash_password(&code))
        .await?
        .map_err(ApiError::Internal)?;
    Ok(Intake {
        case,
        registration,
        actor,
        code_hash,
        photos: read,
        author,
    })
}

fn json_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// When a case was received (ms), as receipts and lookups say it.
fn received_at(view: &tousu_shared::view::CaseView) -> i64 {
    view.registration
        .as_ref()
        .map(|r| r.received_at.0)
        .unwrap_or_default()
}

fn receipt(stored: Intaken, lookup_code: String) -> PublicReceipt {
    let view = stored.view;
    PublicReceipt {
        case_id: view.id,
        number: view.label(),
        lookup_code,
        received_at: received_at(&view),
        answer_due: stored
            .answer_due
            .map(|d| d.at.date(CHINA_OFFSET_MINUTES).to_string()),
        answer_due_uncertain: stored.answer_due.is_some_and(|d| d.uncertain),
    }
}
