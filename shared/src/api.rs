//! Wire types of the HTTP API (`/api/v1`), serialized as JSON by the server and read by the app.

use serde::{Deserialize, Serialize};

/// The API version prefix every route lives under.
pub const API_PREFIX: &str = "/api/v1";

/// Answer of `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Health {
    /// Always `"ok"` when the server answers; a database problem shows in `database`.
    pub status: String,
    /// Server version (`tousu-server` crate version).
    pub version: String,
    /// Database status.
    pub database: DatabaseHealth,
}

/// Database part of [`Health`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DatabaseHealth {
    /// `"ok"` when a query on the database succeeded, `"error"` otherwise.
    pub status: String,
    /// Schema version (number of applied migrations).
    pub schema_version: u32,
}

/// Error body of every failed API call: a stable machine-readable `code` and a human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApiErrorBody {
    /// Stable error code, e.g. `not_found`, `payload_too_large`, `internal`.
    pub code: String,
    /// A short English description for logs and developers; screens translate by `code`.
    pub message: String,
}

/// Answer of `GET /api/v1/reference`: everything a device needs to apply the rules offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Reference {
    /// Categories and departments.
    pub catalog: crate::model::Catalog,
    /// The calendar in its text form (parse with [`crate::sla::WorkCalendar::parse`]).
    pub calendar: String,
    /// Time limits.
    pub sla_policy: crate::sla::SlaPolicy,
    /// The staff by name, so screens show people as 张专员, not `handler` (staff names are
    /// not complainant data: every signed-in colleague reads them).
    #[serde(default)]
    pub people: Vec<Person>,
    /// The devices by name, so a timeline says whose tablet an event came from.
    #[serde(default)]
    pub devices: Vec<DeviceLabel>,
    /// The regulation profile in force (`None` for a database set up before profiles,
    /// until an administrator chooses one); the whole profile is `GET /profile`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<crate::profile::ProfileInfo>,
}

/// A member of staff as colleagues see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Person {
    /// Account id.
    pub id: crate::ids::UserId,
    /// Display name.
    pub display_name: String,
    /// Roles.
    pub roles: Vec<crate::access::Role>,
    /// Department.
    pub department: Option<crate::ids::DepartmentId>,
    /// A disabled account still names its past work, but is offered for nothing new.
    #[serde(default)]
    pub disabled: bool,
}

/// What kind of device wrote an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// A browser install (tablet, desktop) of staff.
    Browser,
    /// A counter kiosk.
    Kiosk,
    /// The server itself (numbers, demo data, archive runs).
    Server,
}

crate::wire::wire_names!(DeviceKind {
    Browser => "browser",
    Kiosk => "kiosk",
    Server => "server",
});

/// A device as screens name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeviceLabel {
    /// Device id.
    pub id: crate::ids::DeviceId,
    /// Kind.
    pub kind: DeviceKind,
    /// For a browser, the display name of whoever first signed in on it; for a kiosk, the
    /// name the administrator gave it.
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_wire_form_is_stable() {
        let health = Health {
            status: "ok".into(),
            version: "0.1.0".into(),
            database: DatabaseHealth {
                status: "ok".into(),
                schema_version: 1,
            },
        };
        let json = serde_json::to_string(&health).unwrap();
        assert_eq!(
            json,
            r#"{"status":"ok","version":"0.1.0","database":{"status":"ok","schema_version":1}}"#
        );
        assert_eq!(serde_json::from_str::<Health>(&json).unwrap(), health);
    }
}

/// Wire types of authentication and sync.
pub mod sync {
    use serde::{Deserialize, Serialize};

    use crate::{
        access::{Denied, Role, VisibleCase},
        event::Event,
        ids::{CaseId, DepartmentId, DeviceId, EventId, UserId},
        number::CaseNumber,
        validate::FieldError,
        workflow::WorkflowError,
    };

    /// `POST /api/v1/auth/login`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct LoginRequest {
        /// Account id.
        pub username: String,
        /// Password.
        pub password: String,
        /// This browser install's device id, registered on first login.
        #[serde(default)]
        pub device_id: Option<DeviceId>,
    }

    /// Who is signed in.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct UserInfo {
        /// Account id.
        pub id: UserId,
        /// Display name.
        pub display_name: String,
        /// Roles.
        pub roles: Vec<Role>,
        /// Department.
        pub department: Option<DepartmentId>,
    }

    /// Answer to a successful login.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct LoginResponse {
        /// Opaque bearer token (256 random bits); the server keeps only its hash.
        pub token: String,
        /// Absolute expiry, ms since the epoch.
        pub expires_at: i64,
        /// The session also ends after this long unused, in seconds.
        pub idle_timeout_s: i64,
        /// The user.
        pub user: UserInfo,
        /// The server's clock, for the client's HLC.
        pub server_time: i64,
        /// Signed in with a one-time password: the session may only set a new password
        /// (`POST /auth/password`), sign out or say who it is until then.
        #[serde(default)]
        pub must_change_password: bool,
    }

    /// `POST /api/v1/sync/push`: events of this device in `dev_seq` order.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct PushRequest {
        /// The events, as JSON: each is judged on its own, so one malformed event does not
        /// sink the batch.
        pub events: Vec<serde_json::Value>,
    }

    /// Why the server stored an event without applying it.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(tag = "reason", rename_all = "snake_case")]
    pub enum Quarantine {
        /// The policy forbids it for the authenticated principal on the case as it is now.
        Forbidden {
            /// Why.
            denied: Denied,
        },
        /// Its clock is more than five minutes ahead of the server's.
        ClockAhead {
            /// By how much, in ms.
            ahead_ms: i64,
        },
        /// It does not parse, or a field breaks a rule.
        Invalid {
            /// What is wrong.
            message: String,
            /// Field errors, when the content broke field rules.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            fields: Vec<FieldError>,
        },
        /// The lifecycle does not allow it even in the state its author saw.
        Workflow {
            /// The rule.
            error: WorkflowError,
        },
        /// Events before it are missing: push from `expected` on.
        Gap {
            /// The `dev_seq` the server expects next.
            expected: u64,
        },
        /// Another event of this device already has that `dev_seq`.
        SeqReused,
        /// Another event already has this id with different content.
        IdReused,
        /// It names another device than the one signed in.
        ForeignDevice,
        /// Written by a newer app (unknown kind or schema); kept until the server updates.
        Unsupported,
    }

    /// The answer for one pushed event.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(tag = "status", rename_all = "snake_case")]
    pub enum PushResult {
        /// Stored and applied at server sequence `seq`.
        Applied {
            /// Event id.
            event_id: EventId,
            /// Server sequence.
            seq: i64,
        },
        /// Already stored with the same content (a retry).
        Duplicate {
            /// Event id.
            event_id: EventId,
            /// Server sequence.
            seq: i64,
        },
        /// Stored, never applied, listed for its author and supervisors.
        Quarantined {
            /// Event id, when it could be read.
            event_id: Option<EventId>,
            /// Why.
            #[serde(flatten)]
            why: Quarantine,
        },
    }

    /// A push answer's or a quarantine's JSON object, flat: every field any of them carries.
    /// Both are read through it rather than through serde's buffered reader of internally
    /// tagged (and flattened) enums, which the browser app paid for per enum and per reader.
    #[derive(Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    struct FlatAnswer {
        #[serde(default)]
        status: Option<String>,
        #[serde(default)]
        event_id: Option<EventId>,
        #[serde(default)]
        seq: Option<i64>,
        #[serde(default)]
        reason: Option<String>,
        #[serde(default)]
        denied: Option<Denied>,
        #[serde(default)]
        ahead_ms: Option<i64>,
        #[serde(default)]
        message: Option<String>,
        #[serde(default)]
        fields: Vec<FieldError>,
        #[serde(default)]
        error: Option<WorkflowError>,
        #[serde(default)]
        expected: Option<u64>,
    }

    impl FlatAnswer {
        fn quarantine(self) -> Result<Quarantine, String> {
            let missing = |f: &str| format!("missing field `{f}`");
            Ok(
                match self.reason.as_deref().ok_or_else(|| missing("reason"))? {
                    "forbidden" => Quarantine::Forbidden {
                        denied: self.denied.ok_or_else(|| missing("denied"))?,
                    },
                    "clock_ahead" => Quarantine::ClockAhead {
                        ahead_ms: self.ahead_ms.ok_or_else(|| missing("ahead_ms"))?,
                    },
                    "invalid" => Quarantine::Invalid {
                        message: self.message.ok_or_else(|| missing("message"))?,
                        fields: self.fields,
                    },
                    "workflow" => Quarantine::Workflow {
                        error: self.error.ok_or_else(|| missing("error"))?,
                    },
                    "gap" => Quarantine::Gap {
                        expected: self.expected.ok_or_else(|| missing("expected"))?,
                    },
                    "seq_reused" => Quarantine::SeqReused,
                    "id_reused" => Quarantine::IdReused,
                    "foreign_device" => Quarantine::ForeignDevice,
                    "unsupported" => Quarantine::Unsupported,
                    other => return Err(format!("unknown variant `{other}`")),
                },
            )
        }
    }

    impl<'de> Deserialize<'de> for Quarantine {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            use serde::de::Error as _;
            FlatAnswer::deserialize(d)?
                .quarantine()
                .map_err(D::Error::custom)
        }
    }

    impl<'de> Deserialize<'de> for PushResult {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            use serde::de::Error as _;
            let flat = FlatAnswer::deserialize(d)?;
            let (event_id, seq) = (flat.event_id, flat.seq);
            let both = || match (event_id, seq) {
                (Some(event_id), Some(seq)) => Ok((event_id, seq)),
                _ => Err(D::Error::missing_field("event_id, seq")),
            };
            match flat.status.as_deref() {
                Some("applied") => {
                    both().map(|(event_id, seq)| PushResult::Applied { event_id, seq })
                }
                Some("duplicate") => {
                    both().map(|(event_id, seq)| PushResult::Duplicate { event_id, seq })
                }
                Some("quarantined") => Ok(PushResult::Quarantined {
                    event_id,
                    why: flat.quarantine().map_err(D::Error::custom)?,
                }),
                Some(other) => Err(D::Error::custom(format_args!("unknown variant `{other}`"))),
                None => Err(D::Error::missing_field("status")),
            }
        }
    }

    /// Answer of a push, sent only after the commit.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct PushResponse {
        /// One result per pushed event, in order.
        pub results: Vec<PushResult>,
        /// Official numbers assigned during this push.
        pub numbers: Vec<(CaseId, CaseNumber)>,
        /// The server's clock, for the client's HLC.
        pub server_time: i64,
    }

    /// A case that entered the caller's scope (or the first snapshot): its view as the caller
    /// may see it, and all its events, masked alike.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct CaseGrant {
        /// The case, shaped for the caller; left out when the client asked for events only
        /// (`views=false`: the app folds the events itself).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub case: Option<VisibleCase>,
        /// Its events, masked alike.
        pub events: Vec<Event>,
    }

    /// `GET /api/v1/sync/pull?cursor=…`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct PullResponse {
        /// Events after the cursor in the caller's scope, masked by the server.
        pub events: Vec<Event>,
        /// Cases that entered the caller's scope (complete), or the snapshot of a first pull.
        pub grants: Vec<CaseGrant>,
        /// Cases the device must purge (left the scope, archived, destroyed).
        pub revocations: Vec<CaseId>,
        /// Pass this back as `cursor` next time.
        pub cursor: i64,
        /// More pages wait.
        pub more: bool,
        /// The server's clock, for the client's HLC.
        pub server_time: i64,
        /// This page is part of a first pull's snapshot: its `grants` are every case in scope
        /// within a range of case ids, in ascending order of id.
        #[serde(default)]
        pub snapshot: bool,
        /// The snapshot goes on after this case: pass it back as `after`, with `cursor`.
        /// `None` once the snapshot is complete (then `cursor` is where events continue).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub after: Option<CaseId>,
        /// On a snapshot's first page: about how many cases the whole snapshot brings, so a
        /// new device shows "received n of total" (counted by the scope rule; cases seen only
        /// as the person held responsible come on top).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub total: Option<u32>,
        /// Cases of this page whose emergency alert is up (urgent-major and open), for the
        /// roles that get it: the device raises the alert at this sync.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub alerts: Vec<CaseId>,
        /// The caller's scope key ([`Principal::scope_key`](crate::access::Principal::scope_key)):
        /// pass it back as `scope`. A pull naming another key (the user's roles or department
        /// changed since) is answered with a new snapshot, whatever its cursor.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        pub scope: String,
    }
}

/// The archive's wire types (`/api/v1/archive/*`): access requests (查閱權限) and runs.
pub mod archive {
    use serde::{Deserialize, Serialize};

    use crate::{access::GrantScope, ids::CaseId};

    /// An access request as its requester and the archivists see it.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct AccessRequest {
        /// Id.
        pub id: i64,
        /// Who asks.
        pub requester: String,
        /// Which cases.
        pub scope: GrantScope,
        /// The case's number, when the scope is one case that has one.
        #[serde(default)]
        pub number: Option<String>,
        /// Why.
        pub reason: String,
        /// For how many days.
        pub days: i64,
        /// `pending`, `approved` or `refused` (an approval whose `until` has passed is over,
        /// by time or revoked early).
        pub status: String,
        /// Who decided.
        pub decided_by: Option<String>,
        /// The decider's comment.
        pub comment: Option<String>,
        /// Valid until (approved requests), ms.
        pub until: Option<i64>,
    }

    /// Body of `POST /archive/requests`: the cases by scope, or one case by its number.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct NewAccessRequest {
        /// Which cases (or give `number`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub scope: Option<GrantScope>,
        /// One archived case by its number (`YYMM` + serial), instead of `scope`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::CASE_NUMBER)))]
        pub number: Option<String>,
        /// Why (1–500 characters).
        #[cfg_attr(
            feature = "schema",
            schemars(length(min = 1, max = 500), pattern(crate::schema::NOT_BLANK))
        )]
        pub reason: String,
        /// For how many days (1–90).
        #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 90)))]
        pub days: i64,
    }

    /// Body of `POST /archive/requests/{id}/decision`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct AccessDecision {
        /// Approve (true) or refuse (false).
        pub approve: bool,
        /// Comment.
        #[serde(default)]
        pub comment: Option<String>,
        /// For fewer days than asked (an approval only); the days asked when absent.
        #[serde(default)]
        #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 90)))]
        pub days: Option<i64>,
    }

    /// Body of `POST /archive/run`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct ArchiveRun {
        /// Year.
        pub year: i32,
        /// Month, 1–12.
        #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 12)))]
        pub month: u8,
    }

    /// Answer of an archive run.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct ArchiveRunResult {
        /// How many cases it archived.
        pub archived: usize,
    }

    /// An archived (or destroyed) case as the archive's lists show it: its number, category
    /// and dates, nothing of its content (DESIGN §9: no reading without approval).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct ArchivedCase {
        /// The case.
        pub case: CaseId,
        /// Its number.
        pub number: Option<String>,
        /// Its category's code.
        pub category: Option<String>,
        /// Received, ms.
        pub received: Option<i64>,
        /// Closed, ms (the archive month is the month it closed in).
        pub closed: Option<i64>,
        /// Archived, ms.
        pub archived: i64,
        /// When its retention is over and it may be proposed for destruction, ms.
        pub retention_over: i64,
        /// Destroyed, ms.
        pub destroyed: Option<i64>,
    }

    /// A proposal to destroy archived cases past retention: made by an archivist, carried
    /// out only when a second person with the leader's role approves it (004
    /// "經公司相關領導批准").
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct DestructionProposal {
        /// Id.
        pub id: i64,
        /// The archivist who proposed it.
        pub proposed_by: String,
        /// When, ms.
        pub proposed_at: i64,
        /// Why.
        pub reason: String,
        /// The cases, as the lists show them.
        pub cases: Vec<ArchivedCase>,
        /// `pending`, `approved` (the cases are destroyed) or `refused`.
        pub status: String,
        /// The leader who decided.
        pub decided_by: Option<String>,
        /// When, ms.
        pub decided_at: Option<i64>,
        /// The leader's comment.
        pub comment: Option<String>,
    }

    /// Body of `POST /archive/destructions`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct NewDestruction {
        /// Archived cases whose retention is over.
        #[cfg_attr(feature = "schema", schemars(length(min = 1, max = 500)))]
        pub cases: Vec<CaseId>,
        /// Why (1–500 characters).
        #[cfg_attr(
            feature = "schema",
            schemars(length(min = 1, max = 500), pattern(crate::schema::NOT_BLANK))
        )]
        pub reason: String,
    }

    /// Body of `POST /archive/destructions/{id}/decision`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct DestructionDecision {
        /// Approve (the cases are destroyed at once) or refuse.
        pub approve: bool,
        /// Comment.
        #[serde(default)]
        pub comment: Option<String>,
    }
}

/// The audit trail as `GET /api/v1/audit` answers it.
pub mod audit {
    use serde::{Deserialize, Serialize};

    /// One audit row.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct AuditRow {
        /// Position in the chain.
        pub seq: i64,
        /// When, ms.
        pub at: i64,
        /// Who (an account id, `kiosk:…` or `system`).
        pub actor: String,
        /// What (`login`, `archive_read`, `destroy`, …).
        pub action: String,
        /// What it concerns (a case id, a month, an account).
        pub subject: String,
        /// More, as JSON text.
        pub detail: String,
        /// For `permission_denied`: how many denials the row stands for.
        pub count: i64,
    }

    /// The answer: the rows that match the filters, newest first, and the whole chain's check.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct AuditAnswer {
        /// Matching rows, newest first (at most the limit asked).
        pub rows: Vec<AuditRow>,
        /// The hash chain over every row: intact, or where it breaks.
        pub chain: ChainCheck,
    }

    /// The result of walking the audit trail's hash chain.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct ChainCheck {
        /// Every row matches its hash and links to the one before.
        pub intact: bool,
        /// Rows walked.
        pub rows: u64,
        /// The first row that was altered, or follows a removed one.
        pub broken_at: Option<i64>,
    }
}

pub mod admin;
pub mod public;
