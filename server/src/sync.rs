//! Push and pull (DESIGN §11): the server's side of the merge. A push is a judgement, then a
//! write: every pushed event is judged on its own by [`judge`], a pure function of the batch
//! and what the store loaded for it (the server's state and the authenticated principal,
//! never the claimed actor or time); the store writes the verdicts in one transaction and
//! the answer goes out only after the commit. A pull reads the event store and shapes what
//! the caller may see.

use std::{
    collections::{BTreeMap, BTreeSet},
    ops::ControlFlow,
};

use serde_json::value::RawValue;
use tousu_shared::{
    access::{AccessContext, Principal, Visibility, authorize_event, shape_event, visible_case},
    api::sync::{CaseGrant, PullResponse, PushResponse, Quarantine},
    clock::{MAX_CLOCK_DRIFT_MS, Timestamp},
    event::{Event, EventBody, SCHEMA_VERSION},
    fold::{fold, fold_after},
    ids::{CaseId, DeviceId},
    model::Catalog,
    validate::{Field, FieldError, Rule},
    view::{CaseView, NotApplied},
};

use crate::{
    auth::Caller,
    store::{
        Store, StoreError,
        events::EventReads,
        push::{Judged, PushBatch, PushState, Verdict},
    },
};

/// Largest pull page.
pub const MAX_PULL_PAGE: i64 = 2000;

/// Parses each pushed event once (a parse error is kept as its message).
pub fn parse_batch(raw: &[Box<RawValue>]) -> Vec<Result<Event, String>> {
    raw.iter()
        .map(|raw| tousu_shared::json::from_str(raw.get()).map_err(|e| e.to_string()))
        .collect()
}

/// Judges and stores a pushed batch for `caller` (who must have a device).
pub async fn push(
    store: &Store,
    caller: &Caller,
    raw: Vec<Box<RawValue>>,
    now: Timestamp,
) -> Result<PushResponse, StoreError> {
    let device = caller.device.ok_or(StoreError::NoDevice)?;
    let batch = PushBatch {
        device,
        author: caller.audit_name(),
        principal: caller.principal.clone(),
        parsed: parse_batch(&raw),
        raw,
    };
    store
        .push(batch, now, move |batch, state| {
            judge(batch.device, &batch.principal, &batch.parsed, state, now)
        })
        .await
}

/// The field rules of one event that need the catalog or the case as it stands: the record
/// sheet's, a dispatch's department, a classification's category, an amendment's contact
/// rule. The same `shared` checks the forms run.
fn field_rules(
    event: &Event,
    (catalog, known_rules): (&Catalog, &[tousu_shared::rules::CaseRules]),
    before: Option<&CaseView>,
) -> Result<(), Quarantine> {
    let invalid =
        |message: String, fields: Vec<FieldError>| Quarantine::Invalid { message, fields };
    match &event.body {
        EventBody::Registered(r)
            if r.rules
                .as_ref()
                .is_some_and(|rules| !rules.is_shipped() && !known_rules.contains(rules)) =>
        {
            let rules = r.rules.as_ref().expect("checked");
            Err(invalid(
                format!(
                    "the registration carries rules that are not profile {} version {} as shipped",
                    rules.profile, rules.version
                ),
                Vec::new(),
            ))
        }
        EventBody::Registered(r) => r
            .check(catalog)
            .map_err(|f| invalid("the record sheet breaks field rules".into(), f)),
        EventBody::Dispatched(d) => match std::iter::once(&d.department)
            .chain(&d.co_departments)
            .find(|dept| !catalog.has_department(dept))
        {
            Some(unknown) => Err(invalid(
                format!("unknown department {unknown}"),
                vec![FieldError::new(Field::Department, Rule::UnknownDepartment)],
            )),
            None => Ok(()),
        },
        EventBody::Classified(c) => c
            .check(catalog)
            .map_err(|f| invalid(format!("unknown category {}", c.category), f)),
        EventBody::RecordAmended(a) => a
            .check(before.and_then(|v| v.registration.as_ref()))
            .map_err(|f| invalid("the amended record sheet breaks field rules".into(), f)),
        _ => Ok(()),
    }
}

/// The verdict on every event of a batch pushed from `device` by `principal`, in order:
/// parse, device, duplicate or reused id, `dev_seq` (reused or gap), schema, clock drift,
/// field rules, policy against the case as it stands, workflow. Pure: the same batch and
/// state give the same verdicts.
pub fn judge(
    device: DeviceId,
    principal: &Principal,
    batch: &[Result<Event, String>],
    state: PushState,
    now: Timestamp,
) -> Judged {
    let PushState {
        next_seq,
        stored,
        quarantined,
        mut histories,
        catalog,
        known_rules,
    } = state;
    let mut next_seq = next_seq;
    // Events and current view of the cases this batch touched.
    let mut cases: BTreeMap<CaseId, (Vec<Event>, Option<CaseView>)> = BTreeMap::new();
    let mut changed: BTreeSet<CaseId> = BTreeSet::new();
    let mut verdicts = Vec::with_capacity(batch.len());
    let mut to_number = Vec::new();
    let mut applied: BTreeMap<_, Event> = BTreeMap::new();
    for parsed in batch {
        let event = match parsed {
            Ok(event) => event,
            Err(message) => {
                verdicts.push(Verdict::Quarantine {
                    event: None,
                    why: Quarantine::Invalid {
                        message: message.clone(),
                        fields: Vec::new(),
                    },
                });
                continue;
            }
        };
        let refuse = |why: Quarantine| Verdict::Quarantine {
            event: Some(Box::new(event.clone())),
            why,
        };
        if event.device_id != device {
            verdicts.push(refuse(Quarantine::ForeignDevice));
            continue;
        }
        // Same id again: a retry if identical, an error if not.
        if let Some((seq, original)) = stored.get(&event.id) {
            verdicts.push(if original == event {
                Verdict::Duplicate {
                    event_id: event.id,
                    seq: *seq,
                }
            } else {
                refuse(Quarantine::IdReused)
            });
            continue;
        }
        if let Some(earlier) = applied.get(&event.id) {
            verdicts.push(if earlier == event {
                Verdict::Repeat { event_id: event.id }
            } else {
                refuse(Quarantine::IdReused)
            });
            continue;
        }
        if let Some((original, why)) = quarantined.get(&event.id)
            && event.dev_seq < next_seq
        {
            // A quarantined event keeps its place in the sequence: retrying it (its answer
            // was lost) answers its first reason again.
            verdicts.push(if original == event {
                Verdict::Requarantined {
                    event_id: event.id,
                    why: why.clone(),
                }
            } else {
                refuse(Quarantine::IdReused)
            });
            continue;
        }
        if event.dev_seq < next_seq {
            verdicts.push(refuse(Quarantine::SeqReused));
            continue;
        }
        if event.dev_seq > next_seq {
            verdicts.push(refuse(Quarantine::Gap { expected: next_seq }));
            continue;
        }
        next_seq += 1;
        if event.schema > SCHEMA_VERSION || matches!(event.body, EventBody::Unknown(_)) {
            verdicts.push(refuse(Quarantine::Unsupported));
            continue;
        }
        let received_ahead = match &event.body {
            EventBody::Registered(r) => r.received_at.0 - now.0,
            _ => 0,
        };
        let ahead_ms = (event.hlc.wall_ms - now.0).max(received_ahead);
        if ahead_ms > MAX_CLOCK_DRIFT_MS {
            verdicts.push(refuse(Quarantine::ClockAhead { ahead_ms }));
            continue;
        }
        let (mut events, before) = cases.remove(&event.case_id).unwrap_or_else(|| {
            let events = histories.remove(&event.case_id).unwrap_or_default();
            let view = (!events.is_empty()).then(|| fold(event.case_id, &events));
            (events, view)
        });
        if let Err(why) = field_rules(event, (&catalog, &known_rules), before.as_ref()) {
            cases.insert(event.case_id, (events, before));
            verdicts.push(refuse(why));
            continue;
        }
        if let Err(denied) = authorize_event(principal, event, before.as_ref()) {
            cases.insert(event.case_id, (events, before));
            verdicts.push(refuse(Quarantine::Forbidden { denied }));
            continue;
        }
        let view = fold_after(event.case_id, before.as_ref(), &events, event);
        if let Some((_, why)) = view.not_applied.iter().find(|(id, _)| *id == event.id) {
            let why = match why {
                NotApplied::Workflow { error } => Quarantine::Workflow {
                    error: error.clone(),
                },
                other => Quarantine::Invalid {
                    message: format!("{other:?}"),
                    fields: Vec::new(),
                },
            };
            cases.insert(event.case_id, (events, before));
            verdicts.push(refuse(why));
            continue;
        }
        // First acceptance of a registration: numbered at the end of the batch, so the
        // device's own later events for the case (sent with it) follow one another.
        if view.number.is_none()
            && view.registration.is_some()
            && before.as_ref().is_none_or(|b| b.registration.is_none())
        {
            to_number.push(event.case_id);
        }
        events.push(event.clone());
        applied.insert(event.id, event.clone());
        changed.insert(event.case_id);
        cases.insert(event.case_id, (events, Some(view)));
        verdicts.push(Verdict::Apply(Box::new(event.clone())));
    }
    let changed = changed
        .into_iter()
        .filter_map(|case| {
            let (events, view) = cases.remove(&case)?;
            Some((case, (events, view?)))
        })
        .collect();
    Judged {
        verdicts,
        next_seq,
        changed,
        to_number,
    }
}

/// Scope-changing events: a case that one of these touches may have just entered the
/// caller's scope, so it is sent whole.
fn enters_scope(body: &EventBody) -> bool {
    matches!(
        body,
        EventBody::Registered(_)
            | EventBody::Dispatched(_)
            | EventBody::Reopened(_)
            | EventBody::InvestigatorsNamed(_)
    )
}

fn grant(
    principal: &Principal,
    view: &CaseView,
    events: &[Event],
    ctx: &AccessContext,
    with_view: bool,
) -> Option<CaseGrant> {
    if !tousu_shared::access::kept_on_devices(view.stage) {
        return None;
    }
    let case = visible_case(principal, view, ctx)?;
    let events = events
        .iter()
        .map(|e| shape_event(principal, view, e, case.visibility))
        .collect();
    Some(CaseGrant {
        case: with_view.then_some(case),
        events,
    })
}

/// What a pull asks for.
#[derive(Debug, Clone)]
pub struct PullRequest {
    /// The cursor from the previous pull; 0 for a first (snapshot) pull.
    pub cursor: i64,
    /// Continues a snapshot after this case.
    pub after: Option<CaseId>,
    /// Page size: events, or cases in a snapshot.
    pub limit: i64,
    /// Whether grants carry the folded, masked view besides their events.
    pub with_views: bool,
    /// The scope key the device synced under (the previous page's `scope`); another key than
    /// the caller's now starts a new snapshot. `None`: no check (API clients that hold
    /// nothing).
    pub scope: Option<String>,
}

/// One page of what changed after `cursor` in the caller's scope. A first pull (cursor 0) is
/// a snapshot of every case in scope, each with its events, in pages of at most `limit` cases
/// by ascending case id: each page names the case to continue `after`, and the cursor taken at
/// the first page stays the same until the snapshot is complete. A pull under another scope
/// key than the caller's now (an administrator changed its roles or department) is answered
/// as a first pull: the device must replace what it holds with that snapshot.
pub async fn pull(
    store: &Store,
    principal: Principal,
    request: PullRequest,
    now: Timestamp,
) -> Result<PullResponse, StoreError> {
    store
        .read_events(move |reads| {
            let ctx = reads.context(&principal, now)?;
            pull_page(reads, &principal, request, &ctx)
        })
        .await
}

fn pull_page(
    reads: &EventReads,
    principal: &Principal,
    request: PullRequest,
    ctx: &AccessContext,
) -> Result<PullResponse, StoreError> {
    let PullRequest {
        cursor,
        after,
        limit,
        with_views,
        scope,
    } = request;
    let key = principal.scope_key();
    let (cursor, after) = match scope {
        Some(old) if old != key => (0, None),
        _ => (cursor, after),
    };
    let limit = limit.clamp(1, MAX_PULL_PAGE);
    let mut response = PullResponse {
        events: Vec::new(),
        grants: Vec::new(),
        revocations: Vec::new(),
        cursor,
        more: false,
        server_time: ctx.now.0,
        snapshot: false,
        after: None,
        total: None,
        alerts: Vec::new(),
        scope: key,
    };
    let alerted = match principal {
        Principal::User { roles, .. } => tousu_shared::access::alerted(roles),
        _ => false,
    };
    if cursor <= 0 || after.is_some() {
        if after.is_none() {
            response.cursor = reads.head()?;
            response.total = Some(reads.count_in_scope(principal, ctx)?);
        }
        response.snapshot = true;
        // One scan of the events in (case, commit) order, each case folded when its last
        // event has been read. Later events than the first page's cursor may appear; the
        // incremental pulls that follow bring them again and the client keeps one copy.
        let mut last = None;
        let stopped = reads.each_case_after(after, |case, events| {
            let view = fold(case, &events);
            if let Some(g) = grant(principal, &view, &events, ctx, with_views) {
                response.grants.push(g);
                last = Some(case);
                if alerted && view.alerts() {
                    response.alerts.push(case);
                }
            }
            if response.grants.len() as i64 >= limit {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })?;
        // A case follows: the snapshot goes on after the last one granted.
        response.more = stopped;
        response.after = if stopped { last } else { None };
        return Ok(response);
    }
    let rows = reads.events_after(cursor, limit + 1)?;
    response.more = rows.len() as i64 > limit;
    // Each case's view and events, folded once per page.
    let mut views: BTreeMap<CaseId, Option<(CaseView, Vec<Event>)>> = BTreeMap::new();
    let mut granted: BTreeSet<CaseId> = BTreeSet::new();
    let mut revoked: BTreeSet<CaseId> = BTreeSet::new();
    for (seq, event) in rows.into_iter().take(limit as usize) {
        response.cursor = seq;
        let case = event.case_id;
        if let std::collections::btree_map::Entry::Vacant(slot) = views.entry(case) {
            let events = reads.case_events(case)?;
            let view = (!events.is_empty()).then(|| fold(case, &events));
            slot.insert(view.map(|v| (v, events)));
        }
        let Some((view, events)) = views[&case].as_ref() else {
            continue;
        };
        let visibility = tousu_shared::access::visibility(principal, view, ctx);
        if visibility == Visibility::Hidden || !tousu_shared::access::kept_on_devices(view.stage) {
            revoked.insert(case);
            continue;
        }
        if alerted && view.alerts() && !response.alerts.contains(&case) {
            response.alerts.push(case);
        }
        if enters_scope(&event.body) && !granted.contains(&case) {
            if let Some(g) = grant(principal, view, events, ctx, with_views) {
                response.grants.push(g);
            }
            granted.insert(case);
            continue;
        }
        if !granted.contains(&case) {
            response
                .events
                .push(shape_event(principal, view, &event, visibility));
        }
    }
    response.revocations = revoked.into_iter().collect();
    Ok(response)
}

#[cfg(test)]
mod tests;
