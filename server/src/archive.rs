//! The archive (DESIGN §9): the rules of monthly archive runs, access requests and their
//! grants, reads of archived cases, destruction after retention. The store writes; this
//! module decides.

use tousu_shared::{
    access::{GrantScope, Principal, Role, VisibleCase, authorize, visible_case},
    api::archive::{ArchivedCase, DestructionDecision, DestructionProposal},
    clock::{CHINA_OFFSET_MINUTES, DAY_MS, Timestamp},
    event::CommandKind,
    ids::CaseId,
    model::Stage,
    retention::{ApprovalRefusal, may_approve_destruction},
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
    /// The one who proposed a destruction cannot also approve it.
    #[error("a destruction takes two people: the proposer cannot approve it")]
    TwoPeople,
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

/// The month the automatic run archives at `now`: the previous month (China time), once the
/// month's `day` (1–28) has come; None before it.
pub fn due_month(now: Timestamp, day: u8) -> Option<(i32, u8)> {
    let today = now.date(CHINA_OFFSET_MINUTES);
    if today.day() < day {
        return None;
    }
    Some(match today.month() {
        1 => (today.year() - 1, 12),
        m => (today.year(), m - 1),
    })
}

/// The server's own monthly run (000 "每月將投訴處理記錄歸檔"): from the configured day on,
/// each check archives what is closed in the previous month and not yet archived, as the
/// system. Archiving is idempotent (only closed cases are taken), so a case closed in that
/// month on a tablet that syncs late is archived at the next check; a check that finds
/// nothing writes no audit row. Returns the month and how many it archived, None when no
/// month is due.
pub async fn auto_run(
    store: &Store,
    day: u8,
    now: Timestamp,
) -> Result<Option<((i32, u8), usize)>, ArchiveError> {
    let Some((year, month)) = due_month(now, day) else {
        return Ok(None);
    };
    let n = run(store, &Principal::System, year, month, now).await?;
    Ok(Some(((year, month), n)))
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
            *principal == Principal::System,
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

/// Whether `principal` may propose destroying `view` now: archived, not yet destroyed,
/// retention over.
pub fn may_destroy(
    principal: &Principal,
    view: Option<&CaseView>,
    retention_days: i64,
    now: Timestamp,
) -> Result<(), ArchiveError> {
    let view = view.ok_or(ArchiveError::NotFound)?;
    authorize(principal, CommandKind::Destroy, Some(view)).map_err(|_| ArchiveError::Forbidden)?;
    view.entered(Stage::Archived)
        .ok_or(ArchiveError::Forbidden)?;
    retention_over(view, retention_days, now)
}

/// Whether `view` is archived (not yet destroyed) with its retention over at `now`.
fn retention_over(
    view: &CaseView,
    retention_days: i64,
    now: Timestamp,
) -> Result<(), ArchiveError> {
    if view.stage != Stage::Archived {
        return Err(ArchiveError::Conflict("only archived cases are destroyed"));
    }
    let archived = view
        .entered(Stage::Archived)
        .ok_or(ArchiveError::Forbidden)?;
    if now.0 - archived.0 < retention_days * DAY_MS {
        return Err(ArchiveError::RetentionNotOver(view.id));
    }
    Ok(())
}

/// An archived or destroyed case as the archive's lists show it (number, category, dates).
pub fn listed(view: &CaseView, retention_days: i64) -> Option<ArchivedCase> {
    let archived = view.entered(Stage::Archived)?;
    Some(ArchivedCase {
        case: view.id,
        number: view.number.map(|n| n.to_string()),
        category: view.category.as_ref().map(|c| c.as_str().to_string()),
        received: view.registration.as_ref().map(|r| r.received_at.0),
        closed: view.entered(Stage::Closed).map(|t| t.0),
        archived: archived.0,
        retention_over: archived.0 + retention_days * DAY_MS,
        destroyed: view.entered(Stage::Destroyed).map(|t| t.0),
    })
}

/// What the archive browser asks for: the month a case closed in (the archive month), a
/// number (or its beginning), or only the cases whose retention is over.
#[derive(Debug, Clone, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Browse {
    /// `YYYY-MM`.
    pub month: Option<String>,
    /// A number or its first digits.
    pub number: Option<String>,
    /// Only archived cases past retention (destruction's candidates).
    #[serde(default)]
    pub due: bool,
}

fn is_archivist(principal: &Principal) -> bool {
    matches!(principal, Principal::User { roles, .. } if roles.contains(&Role::Archivist))
}

/// The archived cases matching `query`, newest archive first (archivists only).
pub async fn browse(
    store: &Store,
    principal: &Principal,
    query: Browse,
    retention_days: i64,
    now: Timestamp,
) -> Result<Vec<ArchivedCase>, ArchiveError> {
    if !is_archivist(principal) {
        return Err(ArchiveError::Forbidden);
    }
    let month = match query
        .month
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => None,
        Some(m) => Some(parse_month(m).ok_or(ArchiveError::Conflict("month must be YYYY-MM"))?),
    };
    let number = query
        .number
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    // A case already waiting in a proposal is not offered again.
    let proposed = if query.due {
        pending_cases(store).await?
    } else {
        Vec::new()
    };
    let mut out: Vec<(ArchivedCase, Option<(i32, u8)>)> = store
        .archived_views()
        .await?
        .iter()
        .filter_map(|view| {
            let closed = view
                .entered(Stage::Closed)
                .map(|t| t.date(CHINA_OFFSET_MINUTES))
                .map(|d| (d.year(), d.month()));
            listed(view, retention_days).map(|row| (row, closed))
        })
        .filter(|(row, closed)| {
            month.is_none_or(|m| *closed == Some(m))
                && number
                    .as_deref()
                    .is_none_or(|n| row.number.as_deref().is_some_and(|x| x.starts_with(n)))
                && (!query.due
                    || (row.destroyed.is_none()
                        && row.retention_over <= now.0
                        && !proposed.contains(&row.case)))
        })
        .collect();
    out.sort_by(|a, b| {
        b.0.archived
            .cmp(&a.0.archived)
            .then(a.0.number.cmp(&b.0.number))
    });
    Ok(out.into_iter().map(|(row, _)| row).collect())
}

fn parse_month(m: &str) -> Option<(i32, u8)> {
    let (y, mo) = m.split_once('-')?;
    let (y, mo) = (y.parse().ok()?, mo.parse().ok()?);
    (y > 1900 && (1..=12).contains(&mo)).then_some((y, mo))
}

/// The cases in proposals still waiting for a leader.
async fn pending_cases(store: &Store) -> Result<Vec<CaseId>, ArchiveError> {
    Ok(store
        .destruction_proposals()
        .await?
        .into_iter()
        .filter(|p| p.status == "pending")
        .flat_map(|p| p.cases.into_iter().map(|v| v.id))
        .collect())
}

/// Most cases one proposal may carry.
pub const MAX_PROPOSAL_CASES: usize = 500;

/// An archivist proposes destroying archived cases past retention (nothing is erased yet);
/// returns the proposal's id.
pub async fn propose(
    store: &Store,
    principal: &Principal,
    cases: Vec<CaseId>,
    reason: String,
    retention_days: i64,
    now: Timestamp,
) -> Result<i64, ArchiveError> {
    let Principal::User { id, .. } = principal else {
        return Err(ArchiveError::Forbidden);
    };
    if !is_archivist(principal) {
        return Err(ArchiveError::Forbidden);
    }
    if cases.is_empty() || cases.len() > MAX_PROPOSAL_CASES {
        return Err(ArchiveError::Conflict("propose 1–500 cases"));
    }
    let mut unique = cases.clone();
    unique.sort();
    unique.dedup();
    if unique.len() != cases.len() {
        return Err(ArchiveError::Conflict("a case is named twice"));
    }
    let waiting = pending_cases(store).await?;
    if cases.iter().any(|c| waiting.contains(c)) {
        return Err(ArchiveError::Conflict(
            "a case is already in a proposal waiting for a leader",
        ));
    }
    let who = principal.clone();
    store
        .propose_destruction(id.to_string(), cases, reason, now, move |found| {
            for (_, view) in found {
                may_destroy(&who, view.as_ref(), retention_days, now)?;
            }
            Ok(())
        })
        .await
}

/// The destruction proposals, newest first: archivists and leaders see them all.
pub async fn proposals(
    store: &Store,
    principal: &Principal,
    retention_days: i64,
) -> Result<Vec<DestructionProposal>, ArchiveError> {
    let leader =
        matches!(principal, Principal::User { roles, .. } if roles.contains(&Role::Leader));
    if !is_archivist(principal) && !leader {
        return Err(ArchiveError::Forbidden);
    }
    Ok(store
        .destruction_proposals()
        .await?
        .into_iter()
        .map(|p| DestructionProposal {
            id: p.id,
            proposed_by: p.proposed_by,
            proposed_at: p.proposed_at,
            reason: p.reason,
            cases: p
                .cases
                .iter()
                .filter_map(|v| listed(v, retention_days))
                .collect(),
            status: p.status,
            decided_by: p.decided_by,
            decided_at: p.decided_at,
            comment: p.comment,
        })
        .collect())
}

/// A leader other than the proposer approves (the cases are destroyed at once, all or
/// none) or refuses a pending proposal; returns how many cases were destroyed.
pub async fn decide_destruction(
    store: &Store,
    principal: &Principal,
    id: i64,
    approve: bool,
    comment: Option<String>,
    retention_days: i64,
    now: Timestamp,
) -> Result<usize, ArchiveError> {
    let Principal::User { id: decider, .. } = principal else {
        return Err(ArchiveError::Forbidden);
    };
    let who = principal.clone();
    store
        .decide_destruction(
            decider.to_string(),
            id,
            DestructionDecision { approve, comment },
            now,
            move |proposal| {
                let proposal = proposal.ok_or(ArchiveError::NotFound)?;
                may_approve_destruction(&who, &proposal.proposed_by).map_err(|e| match e {
                    ApprovalRefusal::NotLeader => ArchiveError::Forbidden,
                    ApprovalRefusal::OwnProposal => ArchiveError::TwoPeople,
                })?;
                if proposal.status != "pending" {
                    return Err(ArchiveError::Conflict("the proposal was already decided"));
                }
                Ok(())
            },
            move |view| retention_over(view, retention_days, now),
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        // Noon China time of a `YYYY-MM-DD`.
        let d = tousu_shared::clock::Date::try_from(text.to_string()).unwrap();
        Timestamp(d.days() * DAY_MS + 4 * 3_600_000)
    }

    #[test]
    fn the_automatic_run_takes_the_previous_month_from_its_day_on() {
        assert_eq!(due_month(at("2026-12-04"), 5), None);
        assert_eq!(due_month(at("2026-12-05"), 5), Some((2026, 11)));
        assert_eq!(due_month(at("2026-12-31"), 5), Some((2026, 11)));
        assert_eq!(due_month(at("2027-01-05"), 1), Some((2026, 12)));
    }
}
