//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from [`ENDPOINTS`], the one
//! list of routes, with JSON Schemas derived (schemars) from the very types each handler reads
//! and answers: requests and query strings as they are read (deserialized), answers as they
//! are written (serialized). A test calls every listed route to prove the list and the router
//! agree; schemathesis calls every operation against its schemas (`scripts/api-fuzz.sh`).

use std::collections::BTreeMap;

use axum::Json;
use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings};
use serde_json::{Map, Value, json};
use tousu_shared::{
    access::VisibleCase,
    api::{
        ApiErrorBody, Health, Reference,
        admin::{
            Created, DepartmentRow, KioskCredentials, KioskRegistered, KioskRow, KioskSetup,
            NewKiosk, NewUser, PasswordChange, UserRow, UserUpdate,
        },
        archive::{
            AccessDecision, AccessRequest, ArchiveRun, ArchiveRunResult, ArchivedCase,
            DestructionDecision, DestructionProposal, NewAccessRequest, NewDestruction,
        },
        audit::AuditAnswer,
        public::{PublicReceipt, PublicStatus, SealKey, Sealed, StatusQuery, WebComplaint},
        sync::{LoginRequest, LoginResponse, PullResponse, PushResponse, UserInfo},
    },
    model::Category,
    profile::Profile,
    sla::SlaPolicy,
    stats::{AppraisalAnswer, StatAnswer},
    teaching::TeachingCase,
};

use super::{
    answers::{BlobStored, CalendarSaved, Destroyed, Done, NewId, ProfileSaved},
    exports::ExportQuery,
    reference::{CalendarText, ProfileChoice},
    stats::{AppraisalQuery, StatQuery},
    sync::{PullQuery, PushBody},
    tables::TableQuery,
    teaching::TeachingQuery,
};
use crate::{archive::Browse, store::audit::AuditFilter, store::events::QuarantinedEvent};

/// A type's schema, from a generator (a reference into `components/schemas` for named types).
pub type SchemaOf = fn(&mut SchemaGenerator) -> Schema;

fn of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// The Excel workbook media type.
const XLSX: &[&str] = &["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"];
/// What an attachment may be (sniffed from its bytes).
const ATTACHMENT: &[&str] = &["image/jpeg", "image/png", "image/webp", "application/pdf"];

/// A request or response body.
pub enum Body {
    /// JSON of this type.
    Json(SchemaOf),
    /// Bytes of one of these media types (an attachment, a workbook).
    Bytes(&'static [&'static str]),
}

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
    /// The query string's type, if it reads one.
    pub query: Option<SchemaOf>,
    /// Request body, if any.
    pub request: Option<Body>,
    /// What a success (200) answers.
    pub response: Body,
}

/// Every route of the API.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "get",
        path: "/health",
        summary: "Version and database status",
        who: "anyone",
        query: None,
        request: None,
        response: Body::Json(of::<Health>),
    },
    Endpoint {
        method: "get",
        path: "/openapi.json",
        summary: "This document",
        who: "anyone",
        query: None,
        request: None,
        response: Body::Json(of::<Value>),
    },
    Endpoint {
        method: "post",
        path: "/auth/login",
        summary: "Sign in; registers the browser's device",
        who: "anyone",
        query: None,
        request: Some(Body::Json(of::<LoginRequest>)),
        response: Body::Json(of::<LoginResponse>),
    },
    Endpoint {
        method: "post",
        path: "/auth/logout",
        summary: "End this session at once",
        who: "signed in",
        query: None,
        request: None,
        response: Body::Json(of::<Done>),
    },
    Endpoint {
        method: "get",
        path: "/auth/me",
        summary: "Who am I",
        who: "users",
        query: None,
        request: None,
        response: Body::Json(of::<UserInfo>),
    },
    Endpoint {
        method: "post",
        path: "/auth/password",
        summary: "Choose a new password (the only call, with sign-out and who-am-I, a one-time password allows)",
        who: "users",
        query: None,
        request: Some(Body::Json(of::<PasswordChange>)),
        response: Body::Json(of::<Done>),
    },
    Endpoint {
        method: "post",
        path: "/sync/push",
        summary: "Push this device's events in dev_seq order",
        who: "users with a device, kiosks",
        query: None,
        request: Some(Body::Json(of::<PushBody>)),
        response: Body::Json(of::<PushResponse>),
    },
    Endpoint {
        method: "get",
        path: "/sync/pull",
        summary: "Events after ?cursor in scope, masked; grants; revocations (cursor 0, or ?scope not the caller's scope key: a snapshot in pages of ?limit cases, continued with ?after)",
        who: "users",
        query: Some(of::<PullQuery>),
        request: None,
        response: Body::Json(of::<PullResponse>),
    },
    Endpoint {
        method: "get",
        path: "/sync/quarantine",
        summary: "Quarantined events: one's own, all for supervisors",
        who: "users",
        query: None,
        request: None,
        response: Body::Json(of::<Vec<QuarantinedEvent>>),
    },
    Endpoint {
        method: "get",
        path: "/cases/{id}",
        summary: "A case as the caller may see it; archive reads audited",
        who: "users",
        query: None,
        request: None,
        response: Body::Json(of::<VisibleCase>),
    },
    Endpoint {
        method: "put",
        path: "/blobs/{hash}",
        summary: "Upload an attachment by SHA-256 (JPEG, PNG, WebP, PDF; 10 MiB)",
        who: "users, kiosks",
        query: None,
        request: Some(Body::Bytes(ATTACHMENT)),
        response: Body::Json(of::<BlobStored>),
    },
    Endpoint {
        method: "get",
        path: "/blobs/{hash}",
        summary: "Download an attachment of a case one fully sees",
        who: "users",
        query: None,
        request: None,
        response: Body::Bytes(ATTACHMENT),
    },
    Endpoint {
        method: "post",
        path: "/archive/run",
        summary: "Archive the cases closed in a month that is over",
        who: "archivists",
        query: None,
        request: Some(Body::Json(of::<ArchiveRun>)),
        response: Body::Json(of::<ArchiveRunResult>),
    },
    Endpoint {
        method: "get",
        path: "/archive/requests",
        summary: "Access requests: one's own, all for archivists",
        who: "users",
        query: None,
        request: None,
        response: Body::Json(of::<Vec<AccessRequest>>),
    },
    Endpoint {
        method: "post",
        path: "/archive/requests",
        summary: "Ask for time-limited access to archived cases",
        who: "users",
        query: None,
        request: Some(Body::Json(of::<NewAccessRequest>)),
        response: Body::Json(of::<NewId>),
    },
    Endpoint {
        method: "post",
        path: "/archive/requests/{id}/decision",
        summary: "Approve or refuse a request (never one's own)",
        who: "archivists",
        query: None,
        request: Some(Body::Json(of::<AccessDecision>)),
        response: Body::Json(of::<Done>),
    },
    Endpoint {
        method: "post",
        path: "/archive/requests/{id}/revoke",
        summary: "End an active grant now",
        who: "archivists",
        query: None,
        request: None,
        response: Body::Json(of::<Done>),
    },
    Endpoint {
        method: "get",
        path: "/archive/cases",
        summary: "Archived cases by number, category and dates only (?month=YYYY-MM&number=&due=true)",
        who: "archivists",
        query: Some(of::<Browse>),
        request: None,
        response: Body::Json(of::<Vec<ArchivedCase>>),
    },
    Endpoint {
        method: "get",
        path: "/archive/destructions",
        summary: "Destruction proposals and their decisions",
        who: "archivists, leaders",
        query: None,
        request: None,
        response: Body::Json(of::<Vec<DestructionProposal>>),
    },
    Endpoint {
        method: "post",
        path: "/archive/destructions",
        summary: "Propose destroying archived cases past retention (nothing is erased yet)",
        who: "archivists",
        query: None,
        request: Some(Body::Json(of::<NewDestruction>)),
        response: Body::Json(of::<NewId>),
    },
    Endpoint {
        method: "post",
        path: "/archive/destructions/{id}/decision",
        summary: "Approve (the cases are erased, statistics kept) or refuse a proposal; never one's own",
        who: "leaders",
        query: None,
        request: Some(Body::Json(of::<DestructionDecision>)),
        response: Body::Json(of::<Destroyed>),
    },
    Endpoint {
        method: "get",
        path: "/audit",
        summary: "The audit trail, filtered (?actor=&action=&subject=&from=&to=&limit=), and the hash chain's check",
        who: "archivists, admins",
        query: Some(of::<AuditFilter>),
        request: None,
        response: Body::Json(of::<AuditAnswer>),
    },
    Endpoint {
        method: "get",
        path: "/reference",
        summary: "Categories, departments, calendar, SLA policy, staff and devices by name, the profile in force",
        who: "signed in",
        query: None,
        request: None,
        response: Body::Json(of::<Reference>),
    },
    Endpoint {
        method: "put",
        path: "/admin/calendar",
        summary: "Replace the working-day calendar",
        who: "admins",
        query: None,
        request: Some(Body::Json(of::<CalendarText>)),
        response: Body::Json(of::<CalendarSaved>),
    },
    Endpoint {
        method: "put",
        path: "/admin/sla-policy",
        summary: "Replace the time limits",
        who: "admins",
        query: None,
        request: Some(Body::Json(of::<SlaPolicy>)),
        response: Body::Json(of::<Done>),
    },
    Endpoint {
        method: "put",
        path: "/admin/categories",
        summary: "Replace the category tree",
        who: "admins",
        query: None,
        request: Some(Body::Json(of::<Vec<Category>>)),
        response: Body::Json(of::<Done>),
    },
    Endpoint {
        method: "put",
        path: "/admin/profile",
        summary: "Put a regulation profile in force: a shipped one by id, or an edited one",
        who: "admins",
        query: None,
        request: Some(Body::Json(of::<ProfileChoice>)),
        response: Body::Json(of::<ProfileSaved>),
    },
    Endpoint {
        method: "get",
        path: "/profile",
        summary: "The regulation profile in force, with the seed's words beside each value",
        who: "signed in",
        query: None,
        request: None,
        response: Body::Json(of::<Profile>),
    },
    Endpoint {
        method: "get",
        path: "/statistics",
        summary: "Figures for a period grouped by a dimension, with the period before and the year before",
        who: "supervisors (all), department heads (their department)",
        query: Some(of::<StatQuery>),
        request: None,
        response: Body::Json(of::<StatAnswer>),
    },
    Endpoint {
        method: "get",
        path: "/appraisal",
        summary: "Performance per person or department for a period: cases handled, on time, working days, satisfaction, reopened, accountability records",
        who: "supervisors (all), department heads (their department's cases), others (their own line; by department refused)",
        query: Some(of::<AppraisalQuery>),
        request: None,
        response: Body::Json(of::<AppraisalAnswer>),
    },
    Endpoint {
        method: "get",
        path: "/exports/cases.xlsx",
        summary: "The case ledger (台账) of a period as an Excel workbook, masked as the pull is",
        who: "staff (the cases they may see)",
        query: Some(of::<ExportQuery>),
        request: None,
        response: Body::Bytes(XLSX),
    },
    Endpoint {
        method: "get",
        path: "/exports/statistics-table.xlsx",
        summary: "The statistics table (003 客户投诉统计表, or the profile's) of a period as an Excel workbook, masked as the pull is",
        who: "staff (the cases they may see)",
        query: Some(of::<TableQuery>),
        request: None,
        response: Body::Bytes(XLSX),
    },
    Endpoint {
        method: "get",
        path: "/exports/appraisal.xlsx",
        summary: "The appraisal lines of GET /appraisal as an Excel workbook, with names",
        who: "as GET /appraisal",
        query: Some(of::<TableQuery>),
        request: None,
        response: Body::Bytes(XLSX),
    },
    Endpoint {
        method: "get",
        path: "/teaching-cases",
        summary: "The teaching cases (案例分析), anonymised: names, contacts, addresses, places and long numbers replaced",
        who: "staff",
        query: Some(of::<TeachingQuery>),
        request: None,
        response: Body::Json(of::<Vec<TeachingCase>>),
    },
    Endpoint {
        method: "get",
        path: "/exports/teaching-cases.xlsx",
        summary: "The teaching cases, anonymised, as an Excel workbook",
        who: "staff",
        query: Some(of::<TeachingQuery>),
        request: None,
        response: Body::Bytes(XLSX),
    },
    Endpoint {
        method: "get",
        path: "/admin/users",
        summary: "List accounts",
        who: "admins",
        query: None,
        request: None,
        response: Body::Json(of::<Vec<UserRow>>),
    },
    Endpoint {
        method: "post",
        path: "/admin/users",
        summary: "Create an account; without a password the answer carries a one-time password, to be changed at the first sign-in",
        who: "admins",
        query: None,
        request: Some(Body::Json(of::<NewUser>)),
        response: Body::Json(of::<Created>),
    },
    Endpoint {
        method: "put",
        path: "/admin/users/{id}",
        summary: "Replace an account's name, roles and department; its sessions end",
        who: "admins",
        query: None,
        request: Some(Body::Json(of::<UserUpdate>)),
        response: Body::Json(of::<Done>),
    },
    Endpoint {
        method: "post",
        path: "/admin/users/{id}/reset-password",
        summary: "A new one-time password, answered once; sessions end; a new password is due at the next sign-in",
        who: "admins",
        query: None,
        request: None,
        response: Body::Json(of::<Created>),
    },
    Endpoint {
        method: "post",
        path: "/admin/users/{id}/enable",
        summary: "Let a disabled account sign in again",
        who: "admins",
        query: None,
        request: None,
        response: Body::Json(of::<Done>),
    },
    Endpoint {
        method: "post",
        path: "/admin/users/{id}/disable",
        summary: "Disable an account; its sessions end",
        who: "admins",
        query: None,
        request: None,
        response: Body::Json(of::<Done>),
    },
    Endpoint {
        method: "get",
        path: "/admin/departments",
        summary: "List departments",
        who: "signed in",
        query: None,
        request: None,
        response: Body::Json(of::<Vec<DepartmentRow>>),
    },
    Endpoint {
        method: "post",
        path: "/admin/departments",
        summary: "Create or rename a department",
        who: "admins",
        query: None,
        request: Some(Body::Json(of::<DepartmentRow>)),
        response: Body::Json(of::<Done>),
    },
    Endpoint {
        method: "get",
        path: "/admin/kiosks",
        summary: "Every kiosk and its state",
        who: "admins",
        query: None,
        request: None,
        response: Body::Json(of::<Vec<KioskRow>>),
    },
    Endpoint {
        method: "post",
        path: "/admin/kiosks",
        summary: "Register a kiosk; its one-time setup code is shown once (24 h)",
        who: "admins",
        query: None,
        request: Some(Body::Json(of::<NewKiosk>)),
        response: Body::Json(of::<KioskRegistered>),
    },
    Endpoint {
        method: "post",
        path: "/kiosk/setup",
        summary: "A kiosk's setup code, once, for its token (400 for any code not in force; 429 past the client's failure limit)",
        who: "anyone",
        query: None,
        request: Some(Body::Json(of::<KioskSetup>)),
        response: Body::Json(of::<KioskCredentials>),
    },
    Endpoint {
        method: "get",
        path: "/kiosk/seal-key",
        summary: "The server's sealing key and the expected answer dates of the coming days",
        who: "kiosks",
        query: None,
        request: None,
        response: Body::Json(of::<SealKey>),
    },
    Endpoint {
        method: "post",
        path: "/kiosk/complaints",
        summary: "A kiosk's complaint sealed to the server's key; stored as a kiosk case (a retry answers the same)",
        who: "kiosks",
        query: None,
        request: Some(Body::Json(of::<Sealed>)),
        response: Body::Json(of::<PublicReceipt>),
    },
    Endpoint {
        method: "post",
        path: "/public/complaints",
        summary: "A complaint from the public web form (limited per client and overall: 429; 4 MB: 413; honeypot `website` refused)",
        who: "anyone",
        query: None,
        request: Some(Body::Json(of::<WebComplaint>)),
        response: Body::Json(of::<PublicReceipt>),
    },
    Endpoint {
        method: "post",
        path: "/public/status",
        summary: "Where a complaint stands, by number (or offline label) and lookup code; a wrong code answers like an unknown number (404)",
        who: "anyone",
        query: None,
        request: Some(Body::Json(of::<StatusQuery>)),
        response: Body::Json(of::<PublicStatus>),
    },
    Endpoint {
        method: "post",
        path: "/admin/kiosks/{id}/revoke",
        summary: "Revoke a kiosk",
        who: "admins",
        query: None,
        request: None,
        response: Body::Json(of::<Done>),
    },
];

/// `null` taken out of a query parameter's schema: a parameter is absent or has a value.
fn without_null(mut schema: Value) -> Value {
    if schema.get("default") == Some(&Value::Null)
        && let Some(o) = schema.as_object_mut()
    {
        o.remove("default");
    }
    if let Some(types) = schema.get_mut("type").and_then(Value::as_array_mut) {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            schema["type"] = types[0].clone();
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alternatives) = schema.get_mut(key).and_then(Value::as_array_mut) {
            alternatives.retain(|a| a.get("type") != Some(&json!("null")));
            if alternatives.len() == 1 {
                let only = alternatives[0].clone();
                schema.as_object_mut().map(|o| o.remove(key));
                if let (Some(o), Some(extra)) = (schema.as_object_mut(), only.as_object()) {
                    o.extend(extra.clone());
                }
            }
        }
    }
    schema
}

/// The query parameters of a query type: one per property of its (object) schema.
fn query_parameters(generator: &mut SchemaGenerator, query: SchemaOf) -> Vec<Value> {
    let schema = query(generator).to_value();
    let object = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => generator
            .definitions()
            .get(r.rsplit('/').next().unwrap_or_default())
            .cloned()
            .unwrap_or_default(),
        None => schema,
    };
    let required: Vec<&str> = object["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    object["properties"]
        .as_object()
        .map(|properties| {
            properties
                .iter()
                .map(|(name, schema)| {
                    let mut schema = without_null(schema.clone());
                    let description = schema
                        .as_object_mut()
                        .and_then(|o| o.remove("description"))
                        .unwrap_or_else(|| json!(""));
                    json!({
                        "name": name, "in": "query", "required": required.contains(&name.as_str()),
                        "description": description, "schema": schema,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn content(generator: &mut SchemaGenerator, body: &Body) -> Value {
    match body {
        Body::Json(schema) => json!({"application/json": {"schema": schema(generator).to_value()}}),
        Body::Bytes(types) => Value::Object(
            types
                .iter()
                .map(|t| (t.to_string(), json!({"schema": {}})))
                .collect(),
        ),
    }
}

/// Points every `$ref` to a definition named in `renamed` at its new name.
fn rename_refs(value: &mut Value, renamed: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(r) if key == "$ref" => {
                        if let Some(new) = r.rsplit('/').next().and_then(|n| renamed.get(n)) {
                            *r = format!("{DEFINITIONS}/{new}");
                        }
                    }
                    _ => rename_refs(v, renamed),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renamed)),
        _ => {}
    }
}

const DEFINITIONS: &str = "#/components/schemas";

fn generator(settings: SchemaSettings) -> SchemaGenerator {
    settings
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator()
}

/// The document.
pub fn document() -> Value {
    // What the server reads and what it writes can differ (defaults, fields left out when
    // empty), so each has its own generator; a type whose two schemas differ is listed twice,
    // its reading as `<Name>Input`.
    let mut reads = generator(SchemaSettings::draft2020_12().for_deserialize());
    let mut writes = generator(SchemaSettings::draft2020_12().for_serialize());
    let error = writes.subschema_for::<ApiErrorBody>().to_value();
    let mut paths = Map::new();
    let mut read_parts: Vec<(String, &'static str, &'static str)> = Vec::new();
    for e in ENDPOINTS {
        let mut params: Vec<Value> = e
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        if let Some(query) = e.query {
            params.extend(query_parameters(&mut reads, query));
        }
        let error = json!({"description": "ApiErrorBody", "content": {"application/json": {"schema": error}}});
        let mut op = json!({
            "summary": e.summary,
            "description": format!("Who: {}.", e.who),
            "responses": {
                "200": {"description": "Success", "content": content(&mut writes, &e.response)},
                "4XX": error,
                "503": error,
            }
        });
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        if let Some(body) = &e.request {
            op["requestBody"] = json!({"required": true, "content": content(&mut reads, body)});
            read_parts.push((format!("/api/v1{}", e.path), e.method, "requestBody"));
        }
        if e.query.is_some() {
            read_parts.push((format!("/api/v1{}", e.path), e.method, "parameters"));
        }
        if e.who != "anyone" {
            op["security"] = json!([{"bearer": []}]);
        }
        let path = paths
            .entry(format!("/api/v1{}", e.path))
            .or_insert_with(|| json!({}));
        path[e.method] = op;
    }
    let mut schemas = writes.take_definitions(true);
    let read_definitions = reads.take_definitions(true);
    let renamed: BTreeMap<String, String> = read_definitions
        .iter()
        .filter(|(name, schema)| schemas.get(*name).is_some_and(|w| w != *schema))
        .map(|(name, _)| (name.clone(), format!("{name}Input")))
        .collect();
    for (name, mut schema) in read_definitions {
        rename_refs(&mut schema, &renamed);
        let name = renamed.get(&name).cloned().unwrap_or(name);
        schemas.insert(name, schema);
    }
    for (path, method, part) in read_parts {
        rename_refs(&mut paths[&path][method][part], &renamed);
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Tousu API", "version": tousu_shared::VERSION},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        }
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Json<Value> {
    Json(document())
}
