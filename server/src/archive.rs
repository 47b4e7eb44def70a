//! The archive (DESIGN §9): the rules of monthly archive runs, access requests and their
//! grants, reads of archived cases, destruction after retention. The store writes; this
//! module decides.

use tousu_shared::{
    access::{GrantScope, Principal, Role, VisibleCase, authorize, visible_case},
    clock::{CHINA_OFFSET_MINUTES, DAY_MS, Timestamp},
    event::CommandKind,
    ids::CaseId,
    model::Stage,
    view::CaseView,
};

use crate::store::{
    Store, StoreError,
    archive::{AccessRequest, Decided, RequestState},
    audit::Entry,
};

/// Why an archive operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The policy says no.
    #[error("not allowed")]
    Forbidden,
    /// Only past months are archived (month-end archiving).
    #[error("only months that have ended can be archived")]
    MonthNotOver,
    /// Not found (or not visible).
    #[error("not found")]
    NotFound,
    /// The request was already decided, or is the decider's own.
    #[error("{0}")]
    Conflict(&'static str),
    /// Retention is not over.
    #[error("retention is not over for case {0}")]
    RetentionNotOver(CaseId),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The name a principal has in the audit trail.
pub fn actor_name(principal: &Principal) -> String {
    match principal {
        Principal::User { id, .. } => id.to_string(),
        Principal::Kiosk { device } => format!("kiosk:{device}"),
        Principal::System => "system".into(),
    }
}

/// Which of the closed cases a run for `year`-`month` archives: those closed in that month
/// (China time); every one must be the principal's to archive.
pub fn cases_to_archive(
    principal: &Principal,
    closed: &[CaseView],
    year: i32,
    month: u8,
) -> Result<Vec<CaseId>, ArchiveError> {
    let mut chosen = Vec::new();
    for view in closed {
        let Some(closed_at) = view.entered(Stage::Closed) else {
            continue;
        };
        let d = closed_at.date(CHINA_OFFSET_MINUTES);
        if (d.year(), d.month()) != (year, month) {
            continue;
        }
        if authorize(principal, CommandKind::Archive, Some(view)).is_err() {
            return Err(ArchiveError::Forbidden);
        }
        chosen.push(view.id);
    }
    Ok(chosen)
}

/// Archives the cases closed in `year`-`month` (China time). The month must be over.
pub async fn run(
    store: &Store,
    principal: &Principal,
    year: i32,
    month: u8,
    now: Timestamp,
) -> Result<usize, ArchiveError> {
    let today = now.date(CHINA_OFFSET_MINUTES);
    if (year, month) >= (today.year(), today.month()) {
        return Err(ArchiveError::MonthNotOver);
    }
    let who = principal.clone();
    store
        .archive_cases(
            actor_name(principal),
            format!("{year:04}-{month:02}"),
            now,
            move |closed| cases_to_archive(&who, closed, year, month),
        )
        .await
}

/// Files an access request (users only).
pub async fn request(
    store: &Store,
    principal: &Principal,
    scope: GrantScope,
    reason: String,
    days: i64,
    now: Timestamp,
) -> Result<i64, ArchiveError> {
    let Principal::User { id, .. } = principal else {
        return Err(ArchiveError::Forbidden);
    };
    Ok(store
        .request_access(id.to_string(), scope, reason, days, now)
        .await?)
}

/// Lists requests: one's own, or all for archivists.
pub async fn list(store: &Store, principal: &Principal) -> Result<Vec<AccessRequest>, StoreError> {
    match principal {
        Principal::User { roles, .. } if roles.contains(&Role::Archivist) => {
            store.access_requests(None).await
        }
        Principal::User { id, .. } => store.access_requests(Some(id.to_string())).await,
        _ => Ok(Vec::new()),
    }
}

/// The decision on a request: only a pending one, never one's own; an approval runs from
/// `now` for the days asked, or for fewer (`days`, at least one).
pub fn decision(
    decider: &str,
    state: Option<RequestState>,
    approve: bool,
    days: Option<i64>,
    now: Timestamp,
) -> Result<Decided, ArchiveError> {
    let state = state.ok_or(ArchiveError::NotFound)?;
    if state.status != "pending" {
        return Err(ArchiveError::Conflict("the request is already decided"));
    }
    if state.requester == decider {
        return Err(ArchiveError::Conflict("nobody decides their own request"));
    }
    let days = days.unwrap_or(state.days);
    if approve && !(1..=state.days).contains(&days) {
        return Err(ArchiveError::Conflict(
            "an approval runs for at least one day and at most the days asked",
        ));
    }
    Ok(if approve {
        Decided {
            status: "approved",
            until: Some(now.0 + days * DAY_MS),
        }
    } else {
        Decided {
            status: "refused",
            until: None,
        }
    })
}

/// The audit name of `principal` if they are an archivist; refused otherwise.
fn archivist(principal: &Principal) -> Result<String, ArchiveError> {
    match principal {
        Principal::User { id, roles, .. } if roles.contains(&Role::Archivist) => Ok(id.to_string()),
        _ => Err(ArchiveError::Forbidden),
    }
}

/// An archivist approves or refuses a pending request (not their own).
pub async fn decide(
    store: &Store,
    principal: &Principal,
    request_id: i64,
    approve: bool,
    days: Option<i64>,
    comment: Option<String>,
    now: Timestamp,
) -> Result<(), ArchiveError> {
    let decider = archivist(principal)?;
    let me = decider.clone();
    store
        .decide_access(decider, request_id, comment, now, move |state| {
            decision(&me, state, approve, days, now)
        })
        .await
}

/// An archivist ends an active grant before its time (the access is no longer needed, or
/// was granted in error); audited.
pub async fn revoke(
    store: &Store,
    principal: &Principal,
    request_id: i64,
    now: Timestamp,
) -> Result<(), ArchiveError> {
    if store
        .revoke_access(archivist(principal)?, request_id, now)
        .await?
    {
        Ok(())
    } else {
        Err(ArchiveError::Conflict("no active grant of that request"))
    }
}

/// Reads a case as `principal` may see it. A read of an archived case is audited; a case
/// the principal may not see (outside their scope, or archived without a grant) answers
/// None like a missing one, and leaves a counted `permission_denied` row.
pub async fn read_case(
    store: &Store,
    principal: &Principal,
    case: CaseId,
    now: Timestamp,
) -> Result<Option<VisibleCase>, StoreError> {
    let Some((view, ctx)) = store.case_for(principal.clone(), case, now).await? else {
        return Ok(None);
    };
    let visible = visible_case(principal, &view, &ctx);
    let archived = matches!(view.stage, Stage::Archived | Stage::Destroyed);
    match &visible {
        Some(_) if archived => {
            let entry = Entry {
                actor: actor_name(principal),
                action: "archive_read",
                subject: case.to_string(),
                detail: "{}".into(),
            };
            store.audit(entry, now).await?;
        }
        Some(_) => {}
        None => {
            let detail = serde_json::json!({ "read": "case", "archived": archived }).to_string();
            store
                .deny(actor_name(principal), case.to_string(), detail, now)
                .await?;
        }
    }
    Ok(visible)
}

/// Whether `view` may be destroyed by `principal` now: archived, retention over.
pub fn may_destroy(
    principal: &Principal,
    view: Option<&CaseView>,
    retention_days: i64,
    now: Timestamp,
) -> Result<(), ArchiveError> {
    let view = view.ok_or(ArchiveError::NotFound)?;
    authorize(principal, CommandKind::Destroy, Some(view)).map_err(|_| ArchiveError::Forbidden)?;
    let archived = view
        .entered(Stage::Archived)
        .ok_or(ArchiveError::Forbidden)?;
    if now.0 - archived.0 < retention_days * DAY_MS {
        return Err(ArchiveError::RetentionNotOver(view.id));
    }
    Ok(())
}

/// Destroys archived cases whose retention is over: a `destroyed` event, then every stored
/// event of the case rewritten without personal data and free text. All or none.
pub async fn destroy(
    store: &Store,
    principal: &Principal,
    cases: Vec<CaseId>,
    retention_days: i64,
    now: Timestamp,
) -> Result<usize, ArchiveError> {
    let who = principal.clone();
    store
        .destroy_cases(actor_name(principal), cases, now, move |view| {
            may_destroy(&who, view, retention_days, now)
        })
        .await
}
