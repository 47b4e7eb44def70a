//! The HTTP client of the sync server (`/api/v1`). Architecture invariant: only this module
//! and [`crate::sync`] touch the network.

use crate::pull::{PullPage, PullPosition};
use serde::{Serialize, de::DeserializeOwned};
use tousu_shared::api::{
    API_PREFIX, ApiErrorBody, Reference,
    sync::{LoginRequest, LoginResponse, PushResponse},
};
use tousu_shared::event::Event;

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

/// The error body of a refused request, if it is one.
async fn error_body(res: &gloo_net::http::Response) -> Option<ApiErrorBody> {
    tousu_shared::json::from_str(&res.text().await.ok()?).ok()
}

async fn answer<T: DeserializeOwned>(
    res: Result<gloo_net::http::Response, gloo_net::Error>,
) -> Result<T, ApiError> {
    let res = res.map_err(|e| ApiError::Unreachable(e.to_string()))?;
    match res.status() {
        200..=299 => {
            let text = res
                .text()
                .await
                .map_err(|e| ApiError::Decode(e.to_string()))?;
            tousu_shared::json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()))
        }
        401 => Err(ApiError::Unauthorized),
        429 => Err(ApiError::TooMany),
        status => {
            let body = error_body(&res).await.unwrap_or(ApiErrorBody {
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

/// A PUT of JSON (the office's reference data).
#[cfg(feature = "office")]
async fn put<B: Serialize, T: DeserializeOwned>(
    path: &str,
    token: &str,
    body: &B,
) -> Result<T, ApiError> {
    let req = gloo_net::http::Request::put(&url(path))
        .header("Authorization", &format!("Bearer {token}"))
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

/// `POST /auth/password`: one's own new password (after a one-time password, the only call
/// the session may make).
pub async fn change_password(
    token: &str,
    change: &tousu_shared::api::admin::PasswordChange,
) -> Result<(), ApiError> {
    post::<_, serde_json::Value>("/auth/password", Some(token), change)
        .await
        .map(drop)
}

/// `POST /auth/logout`: ends the session on the server at once.
pub async fn logout(token: &str) -> Result<(), ApiError> {
    post::<_, serde_json::Value>("/auth/logout", Some(token), &serde_json::json!({}))
        .await
        .map(drop)
}

/// `POST /sync/push`. The body is [`PushRequest`](tousu_shared::api::sync::PushRequest)'s
/// shape, written from the typed events (a detour through `serde_json::Value` would put a
/// second serializer of every event type into the wasm).
pub async fn push(token: &str, events: &[Event]) -> Result<PushResponse, ApiError> {
    #[derive(Serialize)]
    struct Push<'a> {
        events: &'a [Event],
    }
    post("/sync/push", Some(token), &Push { events }).await
}

/// `GET /sync/pull`.
pub async fn pull(token: &str, from: PullPosition, limit: u32) -> Result<PullPage, ApiError> {
    let after = from
        .after
        .map(|a| format!("&after={a}"))
        .unwrap_or_default();
    get(
        &format!(
            "/sync/pull?cursor={}{after}&limit={limit}&views=false&scope={}",
            from.cursor, from.scope
        ),
        token,
    )
    .await
}

/// `PUT /blobs/{hash}`: uploads an attachment (idempotent).
pub async fn put_blob(
    token: &str,
    hash: &str,
    media_type: &str,
    bytes: &[u8],
) -> Result<(), ApiError> {
    let body = js_sys::Uint8Array::from(bytes);
    let res = gloo_net::http::Request::put(&url(&format!("/blobs/{hash}")))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", media_type)
        .body(body)
        .map_err(|e| ApiError::Decode(e.to_string()))?
        .send()
        .await;
    answer::<serde_json::Value>(res).await.map(drop)
}

/// `GET /blobs/{hash}`: an attachment's bytes.
pub async fn get_blob(token: &str, hash: &str) -> Result<Vec<u8>, ApiError> {
    get_bytes(token, &format!("/blobs/{hash}")).await
}

/// A GET answered with bytes (an attachment, an export).
async fn get_bytes(token: &str, path: &str) -> Result<Vec<u8>, ApiError> {
    let res = gloo_net::http::Request::get(&url(path))
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|e| ApiError::Unreachable(e.to_string()))?;
    match res.status() {
        200 => res
            .binary()
            .await
            .map_err(|e| ApiError::Decode(e.to_string())),
        401 => Err(ApiError::Unauthorized),
        status => Err(ApiError::Refused {
            status,
            body: error_body(&res).await.unwrap_or(ApiErrorBody {
                code: "http_error".into(),
                message: format!("HTTP {status}"),
            }),
        }),
    }
}

#[cfg(feature = "office")]
/// `GET /statistics?period=…&by=…`: the server's report over every case the caller may count.
pub async fn statistics(
    token: &str,
    period: tousu_shared::stats::Period,
    by: tousu_shared::stats::Dimension,
) -> Result<tousu_shared::stats::StatAnswer, ApiError> {
    let path = format!("/statistics?period={}&by={}", period.text(), by.tag());
    get(&path, token).await
}

#[cfg(feature = "office")]
/// `GET /appraisal?period=…&by=…`: 績效考核 lines the caller may see.
pub async fn appraisal(
    token: &str,
    period: tousu_shared::stats::Period,
    by: tousu_shared::stats::AppraisalBy,
) -> Result<tousu_shared::stats::AppraisalAnswer, ApiError> {
    let by = match by {
        tousu_shared::stats::AppraisalBy::Person => "person",
        tousu_shared::stats::AppraisalBy::Department => "department",
    };
    get(
        &format!("/appraisal?period={}&by={by}", period.text()),
        token,
    )
    .await
}

#[cfg(feature = "office")]
/// `GET /teaching-cases?lang=…`: every teaching case, anonymised by the server.
pub async fn teaching_cases(
    token: &str,
    lang: &str,
) -> Result<Vec<tousu_shared::teaching::TeachingCase>, ApiError> {
    get(&format!("/teaching-cases?lang={lang}"), token).await
}

#[cfg(feature = "office")]
/// `GET /exports/…`: a workbook the server writes (`path` under `/exports/`, with its query).
pub async fn export_bytes(token: &str, path: &str) -> Result<Vec<u8>, ApiError> {
    get_bytes(token, &format!("/exports/{path}")).await
}

/// `POST /archive/run`: archives the cases closed in a month that is over.
#[cfg(feature = "office")]
pub async fn archive_run(
    token: &str,
    run: &tousu_shared::api::archive::ArchiveRun,
) -> Result<tousu_shared::api::archive::ArchiveRunResult, ApiError> {
    post("/archive/run", Some(token), run).await
}

/// `GET /archive/requests`: one's own access requests; every one for archivists.
#[cfg(feature = "office")]
pub async fn access_requests(
    token: &str,
) -> Result<Vec<tousu_shared::api::archive::AccessRequest>, ApiError> {
    get("/archive/requests", token).await
}

/// `POST /archive/requests`: asks for time-limited access to archived cases.
#[cfg(feature = "office")]
pub async fn request_access(
    token: &str,
    request: &tousu_shared::api::archive::NewAccessRequest,
) -> Result<(), ApiError> {
    post::<_, serde_json::Value>("/archive/requests", Some(token), request)
        .await
        .map(drop)
}

/// `POST /archive/requests/{id}/decision`: an archivist approves or refuses.
#[cfg(feature = "office")]
pub async fn decide_access(
    token: &str,
    id: i64,
    decision: &tousu_shared::api::archive::AccessDecision,
) -> Result<(), ApiError> {
    post::<_, serde_json::Value>(
        &format!("/archive/requests/{id}/decision"),
        Some(token),
        decision,
    )
    .await
    .map(drop)
}

/// `POST /archive/requests/{id}/revoke`: an archivist ends an active grant now.
#[cfg(feature = "office")]
pub async fn revoke_access(token: &str, id: i64) -> Result<(), ApiError> {
    post::<_, serde_json::Value>(
        &format!("/archive/requests/{id}/revoke"),
        Some(token),
        &serde_json::json!({}),
    )
    .await
    .map(drop)
}

/// `GET /cases/{id}`: an archived case read under an active grant (audited on the server;
/// 404 once the grant is over). Kept in memory only, never on the device.
#[cfg(feature = "office")]
pub async fn granted_case(
    token: &str,
    case: tousu_shared::ids::CaseId,
) -> Result<tousu_shared::access::VisibleCase, ApiError> {
    get(&format!("/cases/{case}"), token).await
}

/// `GET /archive/cases?…`: archived cases by number, category and dates (`query` already
/// encoded).
#[cfg(feature = "office")]
pub async fn archived_cases(
    token: &str,
    query: &str,
) -> Result<Vec<tousu_shared::api::archive::ArchivedCase>, ApiError> {
    get(&format!("/archive/cases?{query}"), token).await
}

/// `GET /archive/destructions`: the destruction proposals.
#[cfg(feature = "office")]
pub async fn destruction_proposals(
    token: &str,
) -> Result<Vec<tousu_shared::api::archive::DestructionProposal>, ApiError> {
    get("/archive/destructions", token).await
}

/// `POST /archive/destructions`: an archivist proposes a destruction.
#[cfg(feature = "office")]
pub async fn propose_destruction(
    token: &str,
    proposal: &tousu_shared::api::archive::NewDestruction,
) -> Result<(), ApiError> {
    post::<_, serde_json::Value>("/archive/destructions", Some(token), proposal)
        .await
        .map(drop)
}

/// `POST /archive/destructions/{id}/decision`: a leader approves or refuses.
#[cfg(feature = "office")]
pub async fn decide_destruction(
    token: &str,
    id: i64,
    decision: &tousu_shared::api::archive::DestructionDecision,
) -> Result<(), ApiError> {
    post::<_, serde_json::Value>(
        &format!("/archive/destructions/{id}/decision"),
        Some(token),
        decision,
    )
    .await
    .map(drop)
}

/// `GET /audit?…`: the audit trail's matching rows and the chain's check (`query` already
/// encoded).
#[cfg(feature = "office")]
pub async fn audit(
    token: &str,
    query: &str,
) -> Result<tousu_shared::api::audit::AuditAnswer, ApiError> {
    get(&format!("/audit?{query}"), token).await
}

/// `GET /reference`.
pub async fn reference(token: &str) -> Result<Reference, ApiError> {
    get("/reference", token).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use tousu_shared::{
        access::{Visibility, visible_case},
        api::sync::{CaseGrant, PullResponse},
        fold::fold,
        testing::full_lifecycle,
    };

    #[test]
    fn a_pull_page_reads_the_servers_pull_response() {
        let events = full_lifecycle(1, 2);
        let case = events[0].case_id;
        let view = fold(case, &events);
        let supervisor = tousu_shared::access::Principal::System;
        let ctx = tousu_shared::access::AccessContext {
            now: tousu_shared::testing::t0(),
            grants: Vec::new(),
        };
        let visible = visible_case(&supervisor, &view, &ctx).expect("visible");
        assert_eq!(visible.visibility, Visibility::Full);
        let response = PullResponse {
            events: events[..2].to_vec(),
            grants: vec![CaseGrant {
                case: Some(visible),
                events: events.clone(),
            }],
            revocations: vec![case],
            cursor: 42,
            more: true,
            server_time: 7,
            snapshot: true,
            after: Some(case),
            total: Some(1),
            alerts: vec![case],
            scope: "0f65c7a1424351ce".into(),
        };
        let page: PullPage =
            serde_json::from_str(&serde_json::to_string(&response).unwrap()).unwrap();
        assert_eq!(page.events, response.events);
        assert_eq!(page.grants[0].events, events);
        assert_eq!((page.cursor, page.more, page.server_time), (42, true, 7));
        assert_eq!((page.snapshot, page.after), (true, Some(case)));
        assert_eq!(page.total, Some(1));
        assert_eq!(page.revocations, vec![case]);
        assert_eq!(page.scope, response.scope);
    }
}

/// Administration (`/admin/*`), administrators only.
#[cfg(feature = "office")]
pub mod admin {
    use tousu_shared::api::admin::{
        Created, DepartmentRow, KioskRegistered, KioskRow, NewKiosk, NewUser, UserRow, UserUpdate,
    };

    use super::{ApiError, get, post, put};

    /// `GET /admin/users`.
    pub async fn users(token: &str) -> Result<Vec<UserRow>, ApiError> {
        get("/admin/users", token).await
    }

    /// `POST /admin/users`: the answer carries the one-time password.
    pub async fn create_user(token: &str, user: &NewUser) -> Result<Created, ApiError> {
        post("/admin/users", Some(token), user).await
    }

    /// `PUT /admin/users/{id}`.
    pub async fn update_user(token: &str, id: &str, update: &UserUpdate) -> Result<(), ApiError> {
        put::<_, serde_json::Value>(&format!("/admin/users/{id}"), token, update)
            .await
            .map(drop)
    }

    /// `POST /admin/users/{id}/reset-password`: a new one-time password.
    pub async fn reset_password(token: &str, id: &str) -> Result<Created, ApiError> {
        let path = format!("/admin/users/{id}/reset-password");
        post(&path, Some(token), &serde_json::json!({})).await
    }

    /// `POST /admin/users/{id}/enable` or `…/disable`.
    pub async fn set_enabled(token: &str, id: &str, enabled: bool) -> Result<(), ApiError> {
        let verb = if enabled { "enable" } else { "disable" };
        let path = format!("/admin/users/{id}/{verb}");
        post::<_, serde_json::Value>(&path, Some(token), &serde_json::json!({}))
            .await
            .map(drop)
    }

    /// `GET /admin/departments`.
    pub async fn departments(token: &str) -> Result<Vec<DepartmentRow>, ApiError> {
        get("/admin/departments", token).await
    }

    /// `POST /admin/departments`: new or renamed.
    pub async fn save_department(token: &str, department: &DepartmentRow) -> Result<(), ApiError> {
        post::<_, serde_json::Value>("/admin/departments", Some(token), department)
            .await
            .map(drop)
    }

    /// `GET /admin/kiosks`.
    pub async fn kiosks(token: &str) -> Result<Vec<KioskRow>, ApiError> {
        get("/admin/kiosks", token).await
    }

    /// `POST /admin/kiosks`: the answer carries the one-time setup code.
    pub async fn register_kiosk(
        token: &str,
        name: &str,
        exit_pin: &str,
    ) -> Result<KioskRegistered, ApiError> {
        let kiosk = NewKiosk {
            name: name.to_string(),
            exit_pin: Some(exit_pin.to_string()),
        };
        post("/admin/kiosks", Some(token), &kiosk).await
    }

    /// `POST /admin/kiosks/{id}/revoke`.
    pub async fn revoke_kiosk(token: &str, id: &str) -> Result<(), ApiError> {
        let path = format!("/admin/kiosks/{id}/revoke");
        post::<_, serde_json::Value>(&path, Some(token), &serde_json::json!({}))
            .await
            .map(drop)
    }

    /// `GET /profile`: the regulation profile in force, whole.
    pub async fn profile(token: &str) -> Result<tousu_shared::profile::Profile, ApiError> {
        get("/profile", token).await
    }

    /// `PUT /admin/profile`: an edited profile put in force (checked again by the server).
    pub async fn put_profile(
        token: &str,
        profile: &tousu_shared::profile::Profile,
    ) -> Result<(), ApiError> {
        let body = serde_json::json!({ "profile": profile });
        put::<_, serde_json::Value>("/admin/profile", token, &body)
            .await
            .map(drop)
    }

    /// What the server says of a calendar it took.
    #[derive(Debug, Clone, serde::Deserialize)]
    pub struct CalendarSaved {
        /// Stretches of more than six working days in a row.
        #[serde(default)]
        pub warnings: Vec<String>,
    }

    /// `PUT /admin/calendar`: the whole calendar text.
    pub async fn put_calendar(token: &str, text: &str) -> Result<CalendarSaved, ApiError> {
        put(
            "/admin/calendar",
            token,
            &serde_json::json!({ "text": text }),
        )
        .await
    }
}

/// The counter's calls (kiosk, public form, status lookup): no staff session.
pub mod counter {
    use tousu_shared::api::{
        admin::{KioskCredentials, KioskSetup},
        public::{PublicReceipt, PublicStatus, SealKey, Sealed, StatusQuery, WebComplaint},
    };

    use super::{ApiError, get, post};

    /// `POST /kiosk/setup`: the setup code for the kiosk's credentials.
    pub async fn kiosk_setup(code: &str) -> Result<KioskCredentials, ApiError> {
        let setup = KioskSetup {
            code: code.to_string(),
        };
        post("/kiosk/setup", None, &setup).await
    }

    /// `GET /kiosk/seal-key`.
    pub async fn seal_key(token: &str) -> Result<SealKey, ApiError> {
        get("/kiosk/seal-key", token).await
    }

    /// `POST /kiosk/complaints`: one sealed complaint.
    pub async fn kiosk_complaint(token: &str, sealed: &Sealed) -> Result<PublicReceipt, ApiError> {
        post("/kiosk/complaints", Some(token), sealed).await
    }

    /// `POST /public/complaints`.
    pub async fn complain(complaint: &WebComplaint) -> Result<PublicReceipt, ApiError> {
        post("/public/complaints", None, complaint).await
    }

    /// `POST /public/status`.
    pub async fn status(query: &StatusQuery) -> Result<PublicStatus, ApiError> {
        post("/public/status", None, query).await
    }
}
