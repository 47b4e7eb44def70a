//! An in-memory [`CaseStore`]: the same contract as the IndexedDB store, for tests of the
//! sync client and of screens' logic, and as the executable definition of what the IndexedDB
//! store must do (both pass `contract.rs`).

use std::{
    cell::RefCell,
    collections::{BTreeMap, BTreeSet},
};

use tousu_shared::{
    author::Author,
    event::Event,
    ids::{CaseId, EventId},
    summary::CaseSummary,
};

use super::{CaseStore, Changed, PullPosition, QuarantinedEvent, Rules, StoreError, summarize};
use crate::pull::PullPage;

#[derive(Default)]
struct State {
    events: BTreeMap<CaseId, BTreeMap<EventId, Event>>,
    outbox: BTreeMap<u64, Event>,
    summaries: BTreeMap<CaseId, CaseSummary>,
    quarantine: BTreeMap<EventId, QuarantinedEvent>,
    author: Option<Author>,
    position: PullPosition,
}

impl State {
    fn refold(&mut self, case: CaseId, rules: &Rules) -> Option<CaseSummary> {
        let events: Vec<Event> = self
            .events
            .get(&case)
            .map(|e| e.values().cloned().collect())
            .unwrap_or_default();
        match summarize(case, &events, rules) {
            Some(summary) => {
                self.summaries.insert(case, summary.clone());
                Some(summary)
            }
            None => {
                self.summaries.remove(&case);
                None
            }
        }
    }
}

/// Case data in memory; gone when dropped.
#[derive(Default)]
pub struct MemoryStore {
    state: RefCell<State>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The writing state last stored with an event.
    pub fn author(&self) -> Option<Author> {
        self.state.borrow().author.clone()
    }
}

impl CaseStore for MemoryStore {
    async fn append_local(
        &self,
        event: &Event,
        author: &Author,
        rules: &Rules,
    ) -> Result<CaseSummary, StoreError> {
        let mut s = self.state.borrow_mut();
        s.events
            .entry(event.case_id)
            .or_default()
            .insert(event.id, event.clone());
        s.outbox.insert(event.dev_seq, event.clone());
        s.author = Some(author.clone());
        Ok(s.refold(event.case_id, rules)
            .expect("the case has at least the event just written"))
    }

    async fn case_events(&self, case: CaseId) -> Result<Vec<Event>, StoreError> {
        Ok(self
            .state
            .borrow()
            .events
            .get(&case)
            .map(|e| e.values().cloned().collect())
            .unwrap_or_default())
    }

    async fn summaries(&self) -> Result<Vec<CaseSummary>, StoreError> {
        Ok(self.state.borrow().summaries.values().cloned().collect())
    }

    async fn outbox(&self, limit: u32) -> Result<Vec<Event>, StoreError> {
        Ok(self
            .state
            .borrow()
            .outbox
            .values()
            .take(limit as usize)
            .cloned()
            .collect())
    }

    async fn outbox_len(&self) -> Result<u32, StoreError> {
        Ok(self.state.borrow().outbox.len() as u32)
    }

    async fn quarantined(&self) -> Result<Vec<QuarantinedEvent>, StoreError> {
        Ok(self.state.borrow().quarantine.values().cloned().collect())
    }

    async fn acknowledge(
        &self,
        acked: &[u64],
        quarantined: &[QuarantinedEvent],
        rules: &Rules,
    ) -> Result<(), StoreError> {
        let mut s = self.state.borrow_mut();
        for seq in acked {
            s.outbox.remove(seq);
        }
        for q in quarantined {
            s.outbox.remove(&q.event.dev_seq);
            if let Some(events) = s.events.get_mut(&q.event.case_id) {
                events.remove(&q.event.id);
            }
            s.quarantine.insert(q.event.id, q.clone());
            s.refold(q.event.case_id, rules);
        }
        Ok(())
    }

    async fn dismiss_quarantined(&self, id: EventId) -> Result<(), StoreError> {
        self.state.borrow_mut().quarantine.remove(&id);
        Ok(())
    }

    async fn apply_pull(&self, page: &PullPage, rules: &Rules) -> Result<Changed, StoreError> {
        let mut s = self.state.borrow_mut();
        let mut changed = Changed::default();
        let mut touched = BTreeSet::new();
        if page.starts_snapshot() {
            // A new snapshot replaces what was pulled; unsent events stay in the outbox and
            // join their case when a grant brings it (below).
            s.events.clear();
            s.summaries.clear();
            changed.all = true;
        }
        let unsent: Vec<Event> = s.outbox.values().cloned().collect();
        for grant in &page.grants {
            let Some(case) = grant.events.first().map(|e| e.case_id) else {
                continue;
            };
            for event in unsent.iter().filter(|e| e.case_id == case) {
                s.events
                    .entry(case)
                    .or_default()
                    .insert(event.id, event.clone());
            }
        }
        for event in page
            .events
            .iter()
            .chain(page.grants.iter().flat_map(|g| g.events.iter()))
        {
            s.events
                .entry(event.case_id)
                .or_default()
                .insert(event.id, event.clone());
            touched.insert(event.case_id);
        }
        for case in &page.revocations {
            s.events.remove(case);
            s.summaries.remove(case);
            touched.remove(case);
            changed.gone.push(*case);
        }
        for case in touched {
            changed.note(case, s.refold(case, rules));
        }
        let scope = if page.scope.is_empty() {
            std::mem::take(&mut s.position.scope)
        } else {
            page.scope.clone()
        };
        s.position = PullPosition {
            scope,
            ..PullPosition::after_page(page)
        };
        Ok(changed)
    }

    async fn position(&self) -> Result<PullPosition, StoreError> {
        Ok(self.state.borrow().position.clone())
    }
}
