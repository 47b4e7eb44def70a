//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from [`ENDPOINTS`], the one
//! list of routes. A test calls every listed route to prove the list and the router agree.

use axum::Json;
use serde_json::{Map, Value, json};

/// One documented endpoint.
pub struct Endpoint {
    /// HTTP method, lowercase.
    pub method: &'static str,
    /// Path under `/api/v1`, with `{param}` placeholders.
    pub path: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Who may call it.
    pub who: &'static str,
    /// Request body, if any: a description of the JSON.
    pub request: Option<&'static str>,
    /// What a success answers.
    pub response: &'static str,
}

macro_rules! ep {
    ($m:literal, $p:literal, $s:literal, $w:literal, $req:expr, $res:literal) => {
        Endpoint {
            method: $m,
            path: $p,
            summary: $s,
            who: $w,
            request: $req,
            response: $res,
        }
    };
}

/// Every route of the API.
pub const ENDPOINTS: &[Endpoint] = &[
    ep!(
        "get",
        "/health",
        "Version and database status",
        "anyone",
        None,
        "Health"
    ),
    ep!(
        "get",
        "/openapi.json",
        "This document",
        "anyone",
        None,
        "OpenAPI 3.1 document"
    ),
    ep!(
        "post",
        "/auth/login",
        "Sign in; registers the browser's device",
        "anyone",
        Some("LoginRequest {username, password, device_id?}"),
        "LoginResponse {token, expires_at, idle_timeout_s, user, server_time}"
    ),
    ep!(
        "post",
        "/auth/logout",
        "End this session at once",
        "signed in",
        None,
        "{ok}"
    ),
    ep!("get", "/auth/me", "Who am I", "users", None, "UserInfo"),
    ep!(
        "post",
        "/auth/password",
        "Choose a new password (the only call, with sign-out and who-am-I, a one-time password allows)",
        "users",
        Some("PasswordChange {current, new}"),
        "{ok}"
    ),
    ep!(
        "post",
        "/sync/push",
        "Push this device's events in dev_seq order",
        "users with a device, kiosks",
        Some("PushRequest {events: [Event]}"),
        "PushResponse {results: [applied|duplicate|quarantined], numbers, server_time}"
    ),
    ep!(
        "get",
        "/sync/pull",
        "Events after ?cursor in scope, masked; grants; revocations (cursor 0, or ?scope not the caller's scope key: a snapshot in pages of ?limit cases, continued with ?after)",
        "users",
        None,
        "PullResponse {events, grants, revocations, cursor, more, server_time, snapshot, after, total, alerts, scope}"
    ),
    ep!(
        "get",
        "/sync/quarantine",
        "Quarantined events: one's own, all for supervisors",
        "users",
        None,
        "[QuarantinedEvent]"
    ),
    ep!(
        "get",
        "/cases/{id}",
        "A case as the caller may see it; archive reads audited",
        "users",
        None,
        "VisibleCase"
    ),
    ep!(
        "put",
        "/blobs/{hash}",
        "Upload an attachment by SHA-256 (JPEG, PNG, WebP, PDF; 10 MiB)",
        "users, kiosks",
        Some("the file's bytes"),
        "{media_type}"
    ),
    ep!(
        "get",
        "/blobs/{hash}",
        "Download an attachment of a case one fully sees",
        "users",
        None,
        "the file's bytes"
    ),
    ep!(
        "post",
        "/archive/run",
        "Archive the cases closed in a month that is over",
        "archivists",
        Some("{year, month}"),
        "{archived}"
    ),
    ep!(
        "get",
        "/archive/requests",
        "Access requests: one's own, all for archivists",
        "users",
        None,
        "[AccessRequest]"
    ),
    ep!(
        "post",
        "/archive/requests",
        "Ask for time-limited access to archived cases",
        "users",
        Some(
            "{scope: {type: case, case} | {type: month, year, month}, reason, days} or {number, reason, days}"
        ),
        "{id}"
    ),
    ep!(
        "post",
        "/archive/requests/{id}/decision",
        "Approve or refuse a request (never one's own)",
        "archivists",
        Some("{approve, comment?, days? (fewer than asked)}"),
        "{ok}"
    ),
    ep!(
        "post",
        "/archive/requests/{id}/revoke",
        "End an active grant now",
        "archivists",
        None,
        "{ok}"
    ),
    ep!(
        "get",
        "/archive/cases",
        "Archived cases by number, category and dates only (?month=YYYY-MM&number=&due=true)",
        "archivists",
        None,
        "[ArchivedCase]"
    ),
    ep!(
        "get",
        "/archive/destructions",
        "Destruction proposals and their decisions",
        "archivists, leaders",
        None,
        "[DestructionProposal]"
    ),
    ep!(
        "post",
        "/archive/destructions",
        "Propose destroying archived cases past retention (nothing is erased yet)",
        "archivists",
        Some("{cases: [CaseId], reason}"),
        "{id}"
    ),
    ep!(
        "post",
        "/archive/destructions/{id}/decision",
        "Approve (the cases are erased, statistics kept) or refuse a proposal; never one's own",
        "leaders",
        Some("{approve, comment?}"),
        "{destroyed}"
    ),
    ep!(
        "get",
        "/audit",
        "The audit trail, filtered (?actor=&action=&subject=&from=&to=&limit=), and the hash chain's check",
        "archivists, admins",
        None,
        "AuditAnswer"
    ),
    ep!(
        "get",
        "/reference",
        "Categories, departments, calendar, SLA policy, staff and devices by name, the profile in force",
        "signed in",
        None,
        "Reference"
    ),
    ep!(
        "put",
        "/admin/calendar",
        "Replace the working-day calendar",
        "admins",
        Some("{text}"),
        "{ok, warnings}"
    ),
    ep!(
        "put",
        "/admin/sla-policy",
        "Replace the time limits",
        "admins",
        Some("SlaPolicy"),
        "{ok}"
    ),
    ep!(
        "put",
        "/admin/categories",
        "Replace the category tree",
        "admins",
        Some("[Category]"),
        "{ok}"
    ),
    ep!(
        "put",
        "/admin/profile",
        "Put a regulation profile in force: a shipped one by id, or an edited one",
        "admins",
        Some("{id} | {profile}"),
        "{ok, profile}"
    ),
    ep!(
        "get",
        "/profile",
        "The regulation profile in force, with the seed's words beside each value",
        "signed in",
        None,
        "Profile"
    ),
    ep!(
        "get",
        "/statistics?period=2026-03&by=category",
        "Figures for a period grouped by a dimension, with the period before and the year before",
        "supervisors (all), department heads (their department)",
        None,
        "{scope, report}"
    ),
    ep!(
        "get",
        "/appraisal?period=2026&by=person",
        "Performance per person or department for a period: cases handled, on time, working days, satisfaction, reopened, accountability records",
        "supervisors (all), department heads (their department's cases), others (their own line; by department refused)",
        None,
        "{scope, lines}"
    ),
    ep!(
        "get",
        "/exports/cases.xlsx?period=2026-03&lang=zh-CN",
        "The case ledger (台账) of a period as an Excel workbook, masked as the pull is",
        "staff (the cases they may see)",
        None,
        "XLSX file"
    ),
    ep!(
        "get",
        "/exports/statistics-table.xlsx?period=2026-03&lang=zh-CN",
        "The statistics table (003 客户投诉统计表, or the profile's) of a period as an Excel workbook, masked as the pull is",
        "staff (the cases they may see)",
        None,
        "XLSX file"
    ),
    ep!(
        "get",
        "/exports/appraisal.xlsx?period=2026&by=person&lang=zh-CN",
        "The appraisal lines of GET /appraisal as an Excel workbook, with names",
        "as GET /appraisal",
        None,
        "XLSX file"
    ),
    ep!(
        "get",
        "/teaching-cases?lang=zh-CN",
        "The teaching cases (案例分析), anonymised: names, contacts, addresses, places and long numbers replaced",
        "staff",
        None,
        "[TeachingCase]"
    ),
    ep!(
        "get",
        "/exports/teaching-cases.xlsx?lang=zh-CN",
        "The teaching cases, anonymised, as an Excel workbook",
        "staff",
        None,
        "XLSX file"
    ),
    ep!(
        "get",
        "/admin/users",
        "List accounts",
        "admins",
        None,
        "[UserRow]"
    ),
    ep!(
        "post",
        "/admin/users",
        "Create an account; without a password the answer carries a one-time password, to be changed at the first sign-in",
        "admins",
        Some("NewUser {id, display_name, roles, department?, password?}"),
        "Created {one_time_password?}"
    ),
    ep!(
        "put",
        "/admin/users/{id}",
        "Replace an account's name, roles and department; its sessions end",
        "admins",
        Some("UserUpdate {display_name, roles, department?}"),
        "{ok}"
    ),
    ep!(
        "post",
        "/admin/users/{id}/reset-password",
        "A new one-time password, answered once; sessions end; a new password is due at the next sign-in",
        "admins",
        None,
        "Created {one_time_password}"
    ),
    ep!(
        "post",
        "/admin/users/{id}/enable",
        "Let a disabled account sign in again",
        "admins",
        None,
        "{ok}"
    ),
    ep!(
        "post",
        "/admin/users/{id}/disable",
        "Disable an account; its sessions end",
        "admins",
        None,
        "{ok}"
    ),
    ep!(
        "get",
        "/admin/departments",
        "List departments",
        "signed in",
        None,
        "[DepartmentRow]"
    ),
    ep!(
        "post",
        "/admin/departments",
        "Create or rename a department",
        "admins",
        Some("{id, name, parent?}"),
        "{ok}"
    ),
    ep!(
        "get",
        "/admin/kiosks",
        "Every kiosk and its state",
        "admins",
        None,
        "[KioskRow {device_id, name, created_at, state, setup_until?}]"
    ),
    ep!(
        "post",
        "/admin/kiosks",
        "Register a kiosk; its one-time setup code is shown once (24 h)",
        "admins",
        Some("{name, exit_pin?}"),
        "{device_id, setup_code, setup_until}"
    ),
    ep!(
        "post",
        "/kiosk/setup",
        "A kiosk's setup code, once, for its token (400 for any code not in force; 429 past the client's failure limit)",
        "anyone",
        Some("{code}"),
        "{device_id, token, name, exit_pin_hash?}"
    ),
    ep!(
        "get",
        "/kiosk/seal-key",
        "The server's sealing key and the expected answer dates of the coming days",
        "kiosks",
        None,
        "{key, promises: [{received, due, uncertain}]}"
    ),
    ep!(
        "post",
        "/kiosk/complaints",
        "A kiosk's complaint sealed to the server's key; stored as a kiosk case (a retry answers the same)",
        "kiosks",
        Some("{key, nonce, data}"),
        "PublicReceipt {case_id, number, lookup_code, received_at, answer_due?, answer_due_uncertain}"
    ),
    ep!(
        "post",
        "/public/complaints",
        "A complaint from the public web form (limited per client and overall: 429; 4 MB: 413; honeypot `website` refused)",
        "anyone",
        Some(
            "{what, ask?, place?, anonymous, name?, phone?, email?, privacy_accepted, photos?: [{media_type, data}]}"
        ),
        "PublicReceipt {case_id, number, lookup_code, received_at, answer_due?, answer_due_uncertain}"
    ),
    ep!(
        "post",
        "/public/status",
        "Where a complaint stands, by number (or offline label) and lookup code; a wrong code answers like an unknown number (404)",
        "anyone",
        Some("{number, code}"),
        "{number, stage, received_at, answer_due?, answered}"
    ),
    ep!(
        "post",
        "/admin/kiosks/{id}/revoke",
        "Revoke a kiosk",
        "admins",
        None,
        "{ok}"
    ),
];

/// The document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for e in ENDPOINTS {
        let params: Vec<Value> = e
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let mut op = json!({
            "summary": e.summary,
            "description": format!("Who: {}.", e.who),
            "responses": {
                "200": {"description": e.response},
                "4XX": {"description": "ApiErrorBody {code, message}", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiErrorBody"}}}}
            }
        });
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        if let Some(req) = e.request {
            op["requestBody"] = json!({"description": req, "required": true});
        }
        if e.who != "anyone" {
            op["security"] = json!([{"bearer": []}]);
        }
        let path = paths
            .entry(format!("/api/v1{}", e.path))
            .or_insert_with(|| json!({}));
        path[e.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Tousu API", "version": tousu_shared::VERSION},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"ApiErrorBody": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}
        }
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Json<Value> {
    Json(document())
}
