//! The permission policy (DESIGN §2, §9): one pure function deciding whether a principal may
//! take a command on a case, and what of a case it may see. The server enforces it on every
//! read and write; the app only uses it to shape screens.

mod masking;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use masking::{
    CONFIDENTIAL_KIND, MaskedContact, VisibleCase, concerns, mask_event, shape_event, strip,
    visibility, visible_case,
};

use crate::{
    clock::Timestamp,
    event::{Actor, CommandKind, Event, EventBody},
    ids::{CaseId, DepartmentId, DeviceId, UserId},
    model::{Channel, NoteKind, Stage},
    number::CaseNumber,
    view::CaseView,
};

/// A staff role. One user may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 受理人: registers, completes, classifies the cases they registered.
    Clerk,
    /// 處理專崗 / 調查人員: works the cases dispatched to their department.
    Handler,
    /// 部門負責人: all of handler, plus plans and the department's opinion.
    Manager,
    /// 投訴處理中心: triage, dispatch, review, close, reopen, accountability.
    Supervisor,
    /// 檔案管理: archive runs, access grants, retention.
    Archivist,
    /// Configuration only.
    Admin,
    /// 公司領導: approves what the regulations reserve for the company's leaders, today the
    /// destruction of archived records (004 "經公司相關領導批准"); sees no case's content.
    Leader,
}

crate::wire::wire_names!(Role {
    Clerk => "clerk",
    Handler => "handler",
    Manager => "manager",
    Supervisor => "supervisor",
    Archivist => "archivist",
    Admin => "admin",
    Leader => "leader",
});

/// Who is acting or reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Principal {
    /// A signed-in staff member.
    User {
        /// Account.
        id: UserId,
        /// Roles held.
        roles: BTreeSet<Role>,
        /// Their department, for handlers and managers.
        department: Option<DepartmentId>,
    },
    /// A kiosk device: intake only, reads nothing.
    Kiosk {
        /// The device.
        device: DeviceId,
    },
    /// The server itself.
    System,
}

impl Principal {
    /// A user principal (tests, fixtures, the server's session lookup).
    pub fn user(id: UserId, roles: &[Role], department: Option<DepartmentId>) -> Self {
        Principal::User {
            id,
            roles: crate::order::set_of(roles.iter().copied()),
            department,
        }
    }

    /// Whether this is a user holding `role`.
    pub fn has(&self, role: Role) -> bool {
        matches!(self, Principal::User { roles, .. } if roles.contains(&role))
    }

    /// The actor an event by this principal carries.
    pub fn actor(&self) -> Actor {
        match self {
            Principal::User { id, .. } => Actor::User(id.clone()),
            Principal::Kiosk { device } => Actor::Kiosk(*device),
            Principal::System => Actor::System,
        }
    }

    /// A fingerprint of what decides which cases this principal sees and how they are masked
    /// (its roles and department), 16 hex digits. A device that synced under another
    /// fingerprint holds what the old roles allowed: its pull starts again with a snapshot,
    /// and the device keeps only what that brings (DECISIONS "A changed scope").
    pub fn scope_key(&self) -> String {
        // FNV-1a, 64 bits: stable across builds and platforms, unlike std's hasher.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for b in bytes {
                hash ^= u64::from(*b);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        match self {
            Principal::User {
                roles, department, ..
            } => {
                eat(b"user");
                for role in roles {
                    eat(&[0xfe, *role as u8]);
                }
                eat(&[0xff]);
                if let Some(d) = department {
                    eat(d.as_str().as_bytes());
                }
            }
            Principal::Kiosk { .. } => eat(b"kiosk"),
            Principal::System => eat(b"system"),
        }
        format!("{hash:016x}")
    }
}

/// What an approved archive access request covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum GrantScope {
    /// One case.
    Case {
        /// The case.
        case: CaseId,
    },
    /// Every case numbered in a month.
    Month {
        /// Year.
        year: u16,
        /// Month.
        month: u8,
    },
}

/// An approved, time-limited access to archived cases (查閱權限).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ArchiveGrant {
    /// What it covers.
    pub scope: GrantScope,
    /// Valid until (exclusive).
    pub until: Timestamp,
}

/// What the policy needs besides the principal and the case: the time, and the principal's
/// approved archive grants.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AccessContext {
    /// Now.
    pub now: Timestamp,
    /// Archive grants held by the principal.
    pub grants: Vec<ArchiveGrant>,
}

/// Why the policy said no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Denied {
    /// None of the principal's roles includes this command.
    #[error("your role does not allow this")]
    RoleLacks,
    /// The case is outside the principal's scope.
    #[error("this case is outside your scope")]
    NotInScope,
    /// Kiosks may only submit new complaints through the kiosk channel.
    #[error("a kiosk may only submit new kiosk complaints")]
    KioskIntakeOnly,
    /// Archived cases need an active access grant.
    #[error("archived: an approved access request is needed")]
    ArchivedNoGrant,
    /// Only the staff member held responsible may appeal.
    #[error("only the person held responsible may appeal")]
    NotYourAccountability,
    /// Only department managers and supervisors give the department's opinion.
    #[error("only a manager may give the department's opinion")]
    OpinionNeedsManager,
    /// The event claims another actor than the principal.
    #[error("the event's actor is not you")]
    ActorMismatch,
}

crate::wire::wire_names!(Denied {
    RoleLacks => "role_lacks",
    NotInScope => "not_in_scope",
    KioskIntakeOnly => "kiosk_intake_only",
    ArchivedNoGrant => "archived_no_grant",
    NotYourAccountability => "not_your_accountability",
    OpinionNeedsManager => "opinion_needs_manager",
    ActorMismatch => "actor_mismatch",
});

/// How much of a case a principal sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Nothing: the case is not listed.
    Hidden,
    /// Everything but personal data, which is masked (`138****5678`).
    Masked,
    /// Everything.
    Full,
}

crate::wire::wire_names!(Visibility {
    Hidden => "hidden",
    Masked => "masked",
    Full => "full",
});

fn role_allows(role: Role, command: CommandKind) -> bool {
    use CommandKind as C;
    match role {
        Role::Clerk => matches!(
            command,
            C::Register
                | C::AmendRecord
                | C::Classify
                | C::AddNote
                | C::AddAttachment
                | C::RequestSupplement
                | C::ReceiveSupplement
        ),
        Role::Handler => matches!(
            command,
            C::Register
                | C::AddNote
                | C::AddAttachment
                | C::StartInvestigation
                | C::SubmitReport
                | C::RecordExecution
                | C::GiveFeedback
                | C::RecordRevisit
                | C::RequestSupplement
                | C::ReceiveSupplement
                | C::CompleteRectification
        ),
        Role::Manager => {
            role_allows(Role::Handler, command)
                || matches!(
                    command,
                    C::ProposePlan
                        | C::AmendRecord
                        | C::RecordInterimMeasure
                        | C::SetRectification
                        | C::NameInvestigators
                )
        }
        Role::Supervisor => !matches!(
            command,
            C::AssignNumber | C::Archive | C::Destroy | C::FileAppeal
        ),
        Role::Archivist => matches!(command, C::Archive | C::Destroy),
        Role::Admin | Role::Leader => false,
    }
}

/// Whether people with `roles` get the emergency alert (DESIGN §4 "supervisor and department
/// are alerted first"): supervisors, department heads and handlers.
pub fn alerted<'a>(roles: impl IntoIterator<Item = &'a Role>) -> bool {
    roles
        .into_iter()
        .any(|r| matches!(r, Role::Supervisor | Role::Manager | Role::Handler))
}

/// Whether any of `roles` may ever take `command` (on a case in its scope): what a menu offers.
pub fn roles_allow(roles: &[Role], command: CommandKind) -> bool {
    roles.iter().any(|&r| role_allows(r, command))
}

/// The facts of a case that decide whose scope it is in: what the server's case projection
/// keeps, so it can count a user's cases without folding them, by the same rule.
#[derive(Debug, Clone, Copy)]
pub struct ScopeFacts<'a> {
    /// The case.
    pub id: CaseId,
    /// Its official number, once assigned.
    pub number: Option<CaseNumber>,
    /// Its stage.
    pub stage: Stage,
    /// The responsible department.
    pub department: Option<&'a DepartmentId>,
    /// The account that registered it, if a person did.
    pub registered_by: Option<&'a UserId>,
    /// Departments handling it with the lead.
    pub co_departments: &'a [DepartmentId],
    /// Who investigates it.
    pub team: &'a [UserId],
}

impl<'a> ScopeFacts<'a> {
    /// The scope facts of `case`.
    pub fn of(case: &'a CaseView) -> Self {
        ScopeFacts {
            id: case.id,
            number: case.number,
            stage: case.stage,
            department: case.department.as_ref(),
            registered_by: match &case.registered_by {
                Some(Actor::User(u)) => Some(u),
                _ => None,
            },
            co_departments: &case.co_departments,
            team: case
                .team
                .as_ref()
                .map(|t| t.members.as_slice())
                .unwrap_or(&[]),
        }
    }

    fn is_archived(&self) -> bool {
        matches!(self.stage, Stage::Archived | Stage::Destroyed)
    }
}

fn is_archived(case: &CaseView) -> bool {
    ScopeFacts::of(case).is_archived()
}

/// Whether `role` held by the user covers `case` (scope, DESIGN §2).
fn role_scope(
    role: Role,
    user: &UserId,
    department: Option<&DepartmentId>,
    case: &ScopeFacts,
) -> bool {
    let mine = case.registered_by == Some(user) || case.team.contains(user);
    let ours =
        department.is_some_and(|d| case.department == Some(d) || case.co_departments.contains(d));
    match role {
        Role::Supervisor => !case.is_archived(),
        Role::Handler | Role::Manager => !case.is_archived() && (mine || ours),
        Role::Clerk => !case.is_archived() && mine,
        Role::Archivist => matches!(
            case.stage,
            Stage::Closed | Stage::Archived | Stage::Destroyed
        ),
        Role::Admin | Role::Leader => false,
    }
}

/// The active grant covering `case`, if the principal has one.
fn has_grant(case: &ScopeFacts, ctx: &AccessContext) -> bool {
    ctx.grants.iter().any(|g| {
        g.until > ctx.now
            && match g.scope {
                GrantScope::Case { case: id } => id == case.id,
                GrantScope::Month { year, month } => case
                    .number
                    .is_some_and(|n| n.year() == year && n.month() == month),
            }
    })
}

/// Whether a case at `stage` is kept on devices. Archived cases never are, granted or not
/// (000 "未經批准不得查閱"; issue 15 §2): a grantee reads one from the server when opening
/// it (`GET /cases/{id}`, audited), so nothing of it stays on a device once the grant ends.
pub fn kept_on_devices(stage: Stage) -> bool {
    !matches!(stage, Stage::Archived | Stage::Destroyed)
}

/// Whether a case with these facts is in `principal`'s scope (what a first pull will bring,
/// but for cases where they are only the person held responsible: see [`visibility`]).
pub fn in_scope(principal: &Principal, case: &ScopeFacts, ctx: &AccessContext) -> bool {
    let Principal::User {
        id,
        roles,
        department,
    } = principal
    else {
        return matches!(principal, Principal::System);
    };
    if case.is_archived() {
        return has_grant(case, ctx);
    }
    roles
        .iter()
        .any(|&r| r != Role::Admin && role_scope(r, id, department.as_ref(), case))
}

/// May `principal` take `command` on `case` (`None` for a new case)? Payload-free: see
/// [`authorize_event`] for the checks that read the event's content.
pub fn authorize(
    principal: &Principal,
    command: CommandKind,
    case: Option<&CaseView>,
) -> Result<(), Denied> {
    let (id, roles, department) = match principal {
        Principal::System => return Ok(()),
        Principal::Kiosk { .. } => {
            return if command == CommandKind::Register && case.is_none() {
                Ok(())
            } else {
                Err(Denied::KioskIntakeOnly)
            };
        }
        Principal::User {
            id,
            roles,
            department,
        } => (id, roles, department.as_ref()),
    };
    // The person held responsible may appeal wherever the case is (DESIGN §8).
    if command == CommandKind::FileAppeal {
        let theirs = case.is_some_and(|c| {
            c.accountability
                .iter()
                .any(|a| concerns(principal, &a.value))
        });
        return if theirs {
            Ok(())
        } else {
            Err(Denied::NotYourAccountability)
        };
    }
    let capable: Vec<Role> = roles
        .iter()
        .copied()
        .filter(|&r| role_allows(r, command))
        .collect();
    if capable.is_empty() {
        return Err(Denied::RoleLacks);
    }
    let Some(case) = case else {
        // Only registration starts a case.
        return if command == CommandKind::Register {
            Ok(())
        } else {
            Err(Denied::NotInScope)
        };
    };
    let facts = ScopeFacts::of(case);
    if capable
        .iter()
        .any(|&r| role_scope(r, id, department, &facts))
    {
        Ok(())
    } else if is_archived(case) {
        Err(Denied::ArchivedNoGrant)
    } else {
        Err(Denied::NotInScope)
    }
}

/// The full check the server runs on a pushed event: [`authorize`] plus the rules that read
/// the event itself (claimed actor, kiosk channel, opinions, conflict choices).
pub fn authorize_event(
    principal: &Principal,
    event: &Event,
    case: Option<&CaseView>,
) -> Result<(), Denied> {
    if *principal != Principal::System && event.actor != principal.actor() {
        return Err(Denied::ActorMismatch);
    }
    let Some(command) = event.body.command() else {
        // Unknown kinds are stored and never applied; the fold reports them.
        return Ok(());
    };
    authorize(principal, command, case)?;
    match (&event.body, principal) {
        (EventBody::Registered(r), Principal::Kiosk { .. }) if r.channel != Channel::Kiosk => {
            Err(Denied::KioskIntakeOnly)
        }
        (EventBody::NoteAdded(n), _)
            if n.note_kind == NoteKind::DepartmentOpinion
                && !principal.has(Role::Manager)
                && !principal.has(Role::Supervisor)
                && *principal != Principal::System =>
        {
            Err(Denied::OpinionNeedsManager)
        }
        (EventBody::ConflictResolved(r), _) => {
            // Choosing a version is taking its step: whoever may take it may choose it.
            let chosen = case
                .and_then(|c| c.conflict(r.fact))
                .and_then(|c| c.versions.iter().find(|v| v.event == r.chosen));
            match chosen {
                Some(version) => authorize(principal, version.command, case),
                None => Ok(()), // The fold reports a missing version.
            }
        }
        _ => Ok(()),
    }
}
