//! The fold: a case's events, in any arrival order, with duplicates, into its current state.
//!
//! How it works:
//! 1. Events are de-duplicated by id (the same id with different content is kept once,
//!    deterministically, and reported).
//! 2. They are put in a causal order: a parent always before its children; concurrent
//!    events by (hlc, device, id).
//! 3. Each event is checked against the workflow *in the state its author saw* (the fold of
//!    its ancestors), so a change made offline is judged by what that device knew.
//! 4. Single-valued facts ([`Fact`]) are multi-value registers: an event replaces the versions
//!    it descends from; a version it did not see stays beside it. Two versions with different
//!    values are a [`Conflict`] shown to a person, who resolves it with a later event. Additive
//!    facts (notes, photos, reports, revisits…) are appended and never conflict.
//!
//! Pure: no clock, no I/O. Nothing is dropped: events that do not apply are listed with why.

use std::collections::{BTreeMap, BinaryHeap};

use crate::{
    event::{Event, EventBody, Fact},
    ids::{CaseId, EventId},
    model::{PlanDecision, Satisfaction, Stage},
    retention::erase,
    view::{
        CaseView, Conflict, ConflictVersion, Dated, EntryStatus, FactValue, NotApplied, Pause,
        RectificationItem, StageChange, TimelineEntry,
    },
    workflow,
};

/// Folds a case's events, in any arrival order, with duplicates, into its current state.
/// Pure: no clock, no I/O. Events that no longer apply are kept and marked, never dropped.
pub fn fold(id: CaseId, events: &[Event]) -> CaseView {
    let mut not_applied = Vec::new();
    let mut unique: BTreeMap<EventId, &Event> = BTreeMap::new();
    for event in events {
        if event.case_id != id {
            not_applied.push((event.id, NotApplied::WrongCase));
            continue;
        }
        match unique.get(&event.id) {
            None => {
                unique.insert(event.id, event);
            }
            Some(kept) if *kept == event => {}
            Some(kept) => {
                // Keep one deterministically, whatever the arrival order: the smaller
                // serialization.
                let a = serde_json::to_string(kept).unwrap_or_default();
                let b = serde_json::to_string(event).unwrap_or_default();
                if b < a {
                    unique.insert(event.id, event);
                }
            }
        }
    }
    // Report each id whose copies disagreed once, whichever copy arrived first.
    let mut disagreeing: Vec<EventId> = events
        .iter()
        .filter(|e| e.case_id == id && unique.get(&e.id).is_some_and(|k| *k != *e))
        .map(|e| e.id)
        .collect();
    crate::order::sort(&mut disagreeing);
    disagreeing.dedup();
    crate::order::sort_by_key(&mut not_applied, |a| a.0);
    not_applied.dedup();
    for event_id in disagreeing {
        not_applied.push((event_id, NotApplied::DuplicateIdDifferentContent));
    }

    let graph = Graph::new(unique.into_values().collect());
    let all: Vec<usize> = (0..graph.events.len()).collect();
    let mut view = graph.run(id, &all, true);
    view.not_applied.splice(0..0, not_applied);
    view.heads = graph.heads();
    if view.erased {
        erase(&mut view);
    }
    view
}

/// The view after one more event, without folding the case again: `view` is the fold of
/// `before` (in the order they arrived), and `event` saw all of it.
///
/// Gives exactly what `fold` of `before` plus `event` gives, or `None` when that cannot be
/// told cheaply: `before` is not causally ordered (a parent after its child, an unknown parent,
/// a repeated id, another case), `event` is not a successor of every event in `before`, is
/// already there, is named as a parent, is of an unknown kind, or the case is erased. The
/// server uses it on push, where a device's next event nearly always follows what it saw;
/// on `None` it folds everything.
pub fn fold_next(view: &CaseView, before: &[Event], event: &Event) -> Option<CaseView> {
    if event.case_id != view.id || view.erased || matches!(event.body, EventBody::Unknown(_)) {
        return None;
    }
    // `before` must be causally ordered and closed: every parent known and earlier. Then the
    // history is acyclic and its order is the fold's order.
    let mut seen: std::collections::HashMap<EventId, usize> =
        std::collections::HashMap::with_capacity(before.len());
    for (i, e) in before.iter().enumerate() {
        if e.case_id != view.id
            || e.parents.contains(&event.id)
            || e.parents.iter().any(|p| !seen.contains_key(p))
            || seen.insert(e.id, i).is_some()
        {
            return None;
        }
    }
    if seen.contains_key(&event.id) || event.parents.contains(&event.id) {
        return None;
    }
    // Every event of `before` must be an ancestor of `event`.
    let mut ancestor = vec![false; before.len()];
    let mut stack: Vec<usize> = Vec::with_capacity(before.len());
    for p in &event.parents {
        let &i = seen.get(p)?;
        if !ancestor[i] {
            ancestor[i] = true;
            stack.push(i);
        }
    }
    while let Some(i) = stack.pop() {
        for p in &before[i].parents {
            let j = seen[p];
            if !ancestor[j] {
                ancestor[j] = true;
                stack.push(j);
            }
        }
    }
    if ancestor.iter().any(|a| !a) {
        return None;
    }

    let mut next = view.clone();
    let status = match workflow::check(view, event) {
        Ok(changes) => {
            for value in changes {
                // The event descends from every version of the fact: it replaces them all.
                let fact = value.fact();
                next.conflicts.retain(|c| c.fact != fact);
                set_fact(&mut next, event, value);
            }
            apply_additive(&mut next, event);
            EntryStatus::Applied
        }
        Err(error) => {
            let why = NotApplied::Workflow { error };
            next.not_applied.push((event.id, why.clone()));
            EntryStatus::NotApplied { why }
        }
    };
    next.timeline.push(timeline_entry(event, status));
    next.heads = vec![event.id];
    if next.erased {
        erase(&mut next);
    }
    Some(next)
}

/// The view after `event`, given the view of `before` (`None`: no events yet): one
/// [`fold_next`] step when it can tell, the full fold otherwise. Always the fold's result.
pub fn fold_after(
    case: CaseId,
    view: Option<&CaseView>,
    before: &[Event],
    event: &Event,
) -> CaseView {
    let empty;
    let view = match view {
        Some(view) => view,
        None => {
            empty = CaseView::empty(case);
            &empty
        }
    };
    fold_next(view, before, event).unwrap_or_else(|| {
        let mut all = before.to_vec();
        all.push(event.clone());
        fold(case, &all)
    })
}

/// Event id → position, by binary search: cheaper than hashing for a case's few events.
struct IdIndex(Vec<(EventId, usize)>);

impl IdIndex {
    fn new(ids: impl Iterator<Item = EventId>) -> Self {
        let mut v: Vec<(EventId, usize)> = ids.enumerate().map(|(i, id)| (id, i)).collect();
        crate::order::sort(&mut v);
        IdIndex(v)
    }

    fn get(&self, id: &EventId) -> Option<usize> {
        self.0
            .binary_search_by(|(x, _)| x.cmp(id))
            .ok()
            .map(|k| self.0[k].1)
    }
}

/// Events in causal order with their ancestor sets.
struct Graph<'a> {
    events: Vec<&'a Event>,
    /// `ancestors[i]` has bit `j` set when event `j` is an ancestor of event `i`.
    ancestors: Vec<Bits>,
}

#[derive(Clone, Debug, PartialEq)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn union(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }
    fn is_subset_of(&self, other: &Bits) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| a & !b == 0)
    }
}

impl<'a> Graph<'a> {
    /// Orders events causally (Kahn's algorithm; among ready events the smallest
    /// (hlc, device, id) first) and computes ancestor sets. Unknown parents are ignored;
    /// a cycle (only a forged history can make one) is broken by the same order.
    fn new(mut events: Vec<&'a Event>) -> Self {
        crate::order::sort_by_key(&mut events, |e| e.order_key());
        let n = events.len();
        let index = IdIndex::new(events.iter().map(|e| e.id));
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut pending: Vec<usize> = vec![0; n];
        for (i, e) in events.iter().enumerate() {
            let mut parents: Vec<usize> = e
                .parents
                .iter()
                .filter_map(|p| index.get(p))
                .filter(|&p| p != i)
                .collect();
            crate::order::sort(&mut parents);
            parents.dedup();
            pending[i] = parents.len();
            for p in parents {
                children[p].push(i);
            }
        }
        let mut ready: BinaryHeap<std::cmp::Reverse<usize>> = (0..n)
            .filter(|&i| pending[i] == 0)
            .map(std::cmp::Reverse)
            .collect();
        let mut order = Vec::with_capacity(n);
        let mut placed = vec![false; n];
        while order.len() < n {
            let next = match ready.pop() {
                Some(std::cmp::Reverse(i)) => i,
                // A cycle: take the smallest unplaced event.
                None => (0..n).find(|&i| !placed[i]).expect("unplaced event"),
            };
            if placed[next] {
                continue;
            }
            placed[next] = true;
            order.push(next);
            for &c in &children[next] {
                pending[c] = pending[c].saturating_sub(1);
                if pending[c] == 0 && !placed[c] {
                    ready.push(std::cmp::Reverse(c));
                }
            }
        }
        let sorted: Vec<&Event> = order.iter().map(|&i| events[i]).collect();
        let position = IdIndex::new(sorted.iter().map(|e| e.id));
        let mut ancestors: Vec<Bits> = Vec::with_capacity(n);
        for (i, e) in sorted.iter().enumerate() {
            let mut bits = Bits::new(n);
            for p in &e.parents {
                if let Some(j) = position.get(p)
                    && j < i
                {
                    bits.set(j);
                    let (done, _) = ancestors.split_at(i);
                    bits.union(&done[j]);
                }
            }
            ancestors.push(bits);
        }
        Graph {
            events: sorted,
            ancestors,
        }
    }

    /// Events no other event names as a parent, sorted.
    fn heads(&self) -> Vec<EventId> {
        let named: std::collections::HashSet<EventId> = self
            .events
            .iter()
            .flat_map(|e| e.parents.iter().copied().filter(move |p| *p != e.id))
            .collect();
        let mut heads: Vec<EventId> = self
            .events
            .iter()
            .map(|e| e.id)
            .filter(|id| !named.contains(id))
            .collect();
        crate::order::sort(&mut heads);
        heads
    }

    /// Applies the events at `indices` (a causally closed subset, in order).
    fn run(&self, id: CaseId, indices: &[usize], top: bool) -> CaseView {
        let n = self.events.len();
        let mut view = CaseView::empty(id);
        let mut registers: BTreeMap<Fact, Vec<(usize, FactValue)>> = BTreeMap::new();
        let mut applied = Bits::new(n);
        for &i in indices {
            let event = self.events[i];
            let outcome = if let EventBody::Unknown(unknown) = &event.body {
                Err(NotApplied::UnknownKind {
                    kind: unknown.kind.clone(),
                })
            } else if applied.is_subset_of(&self.ancestors[i]) {
                // The author saw everything applied so far: judge by the current state.
                workflow::check(&view, event).map_err(|error| NotApplied::Workflow { error })
            } else {
                // Concurrent with something already applied: judge by what the author saw.
                let seen: Vec<usize> = indices
                    .iter()
                    .copied()
                    .filter(|&j| self.ancestors[i].get(j))
                    .collect();
                let base = self.run(id, &seen, false);
                workflow::check(&base, event).map_err(|error| NotApplied::Workflow { error })
            };
            let status = match outcome {
                Ok(changes) => {
                    for value in changes {
                        let fact = value.fact();
                        let heads = registers.entry(fact).or_default();
                        heads.retain(|(h, _)| !self.ancestors[i].get(*h));
                        heads.push((i, value));
                        self.settle(&mut view, fact, heads);
                    }
                    apply_additive(&mut view, event);
                    applied.set(i);
                    EntryStatus::Applied
                }
                Err(why) => {
                    if top {
                        view.not_applied.push((event.id, why.clone()));
                    }
                    EntryStatus::NotApplied { why }
                }
            };
            if top {
                view.timeline.push(timeline_entry(event, status));
            }
        }
        view
    }

    /// Updates the view's field for `fact` from its register and records or clears the
    /// conflict on it.
    fn settle(&self, view: &mut CaseView, fact: Fact, heads: &[(usize, FactValue)]) {
        view.conflicts.retain(|c| c.fact != fact);
        let distinct = heads.iter().any(|(_, v)| *v != heads[0].1);
        if heads.len() > 1 && distinct {
            view.conflicts.push(Conflict {
                fact,
                versions: heads
                    .iter()
                    .map(|(i, value)| {
                        let e = self.events[*i];
                        ConflictVersion {
                            event: e.id,
                            command: e.body.command().expect("applied events are known"),
                            actor: e.actor.clone(),
                            at: e.at(),
                            value: value.clone(),
                        }
                    })
                    .collect(),
            });
            crate::order::sort_by_key(&mut view.conflicts, |c| c.fact);
        }
        let (last, value) = heads.last().expect("a register has a head");
        set_fact(view, self.events[*last], value.clone());
    }
}

/// The timeline line of an event.
fn timeline_entry(event: &Event, status: EntryStatus) -> TimelineEntry {
    TimelineEntry {
        event: event.id,
        kind: match &event.body {
            EventBody::Unknown(u) => u.kind.clone(),
            body => body.command().map(|c| c.as_str()).unwrap_or("").to_string(),
        },
        actor: event.actor.clone(),
        device: event.device_id,
        dev_seq: event.dev_seq,
        hlc: event.hlc,
        status,
    }
}

/// Sets the view's field for a single-valued fact to the value `event` gave it.
fn set_fact(view: &mut CaseView, event: &Event, value: FactValue) {
    match value {
        FactValue::Stage { stage, outcome } => {
            if view.stage != stage || view.stage_history.is_empty() {
                view.stage_history.push(StageChange {
                    stage,
                    at: event.at(),
                    event: event.id,
                });
            }
            view.stage = stage;
            view.outcome = outcome;
        }
        FactValue::Department {
            department,
            co_departments,
        } => {
            view.department = Some(department);
            view.co_departments = co_departments;
        }
        FactValue::Team { team } => view.team = Some(team),
        FactValue::Severity { severity } => view.severity = Some(severity),
        FactValue::Category { category, cause } => {
            view.category = Some(category);
            view.cause = cause;
        }
        FactValue::Deadline { special, due } => {
            view.special = special;
            view.due_override = due;
        }
        FactValue::Plan { plan } => view.plan = Some(plan),
        FactValue::PlanDecision { decision } => view.plan_decision = decision,
        FactValue::Complainant {
            anonymous,
            complainant,
        } => {
            if let Some(r) = view.registration.as_mut() {
                r.anonymous = anonymous;
                r.complainant = complainant;
            }
        }
        FactValue::Details { details } => {
            if let Some(r) = view.registration.as_mut() {
                r.details = details;
            }
        }
        FactValue::Number { number } => view.number = Some(number),
        FactValue::DuplicateOf { case } => view.duplicate_of = Some(case),
    }
}

/// Appends the additive part of an applied event.
fn apply_additive(view: &mut CaseView, event: &Event) {
    fn dated<T>(event: &Event, value: T) -> Dated<T> {
        Dated {
            event: event.id,
            actor: event.actor.clone(),
            at: event.at(),
            value,
        }
    }
    match &event.body {
        // The workflow lets only one registration apply, so the sheet lands here once.
        EventBody::Registered(registration) if view.registration.is_none() => {
            view.registration = Some(registration.clone());
            view.registered_by = Some(event.actor.clone());
            view.registered_at = Some(event.at());
        }
        EventBody::Dispatched(d) => view.instructions = d.instructions.clone(),
        EventBody::NoteAdded(note) => view.notes.push(dated(event, note.clone())),
        EventBody::AttachmentAdded(a) => view.attachments.push(dated(event, a.clone())),
        EventBody::ReportSubmitted(r) => view.reports.push(dated(event, r.clone())),
        EventBody::PlanProposed(p) => {
            view.plan_approvals.clear();
            view.plans.push(dated(event, p.clone()));
        }
        EventBody::PlanReviewed(r) => {
            match r.decision {
                // Kept only while the plan waits for its second approval (runs after the
                // stage fact: a completing approval has moved the case on).
                PlanDecision::Approved if view.stage == Stage::PlanProposed => {
                    view.plan_approvals.push(event.actor.clone())
                }
                _ => view.plan_approvals.clear(),
            }
            view.reviews.push(dated(event, r.clone()));
        }
        EventBody::InterimMeasureTaken(m) => view.interim.push(dated(event, m.measure.clone())),
        EventBody::SupplementRequested(r) => view.pauses.push(Pause {
            event: event.id,
            from: event.at(),
            reason: r.reason.clone(),
            resumed: None,
        }),
        EventBody::RectificationSet(r) => view.rectifications.push(RectificationItem {
            event: event.id,
            at: event.at(),
            value: r.clone(),
            done: None,
        }),
        EventBody::RectificationDone(d) => {
            if let Some(item) = view
                .rectifications
                .iter_mut()
                .find(|i| i.event == d.rectification)
            {
                item.done = Some(event.at());
            }
        }
        EventBody::SupplementReceived(_) => {
            if let Some(p) = view.pauses.last_mut() {
                p.resumed = Some(event.at());
            }
        }
        EventBody::ExecutionRecorded(x) => view.executions.push(dated(event, x.clone())),
        EventBody::FeedbackGiven(f) => view.feedback.push(dated(event, f.clone())),
        EventBody::RevisitRecorded(r) => {
            if r.satisfaction == Satisfaction::NotSatisfied {
                view.reopen_count += 1;
            }
            view.revisits.push(dated(event, r.clone()));
        }
        EventBody::RejectedOutOfScope(r) | EventBody::Reopened(r) => {
            if matches!(event.body, EventBody::Reopened(_)) {
                view.reopen_count += 1;
            }
            view.reasons.push(dated(event, r.reason.clone()));
        }
        EventBody::Closed(c) => {
            if let Some(summary) = &c.summary {
                view.reasons.push(dated(event, summary.clone()));
            }
        }
        EventBody::AccountabilityRecorded(a) => view.accountability.push(dated(event, a.clone())),
        EventBody::AppealFiled(a) => view.appeals.push(dated(event, a.clone())),
        EventBody::AppealDecided(d) => view.appeal_decisions.push(dated(event, d.clone())),
        EventBody::TeachingCaseMarked(t) => view.teaching.push(dated(event, t.clone())),
        EventBody::Destroyed => view.erased = true,
        _ => {}
    }
}
