//! The case summaries kept in memory between reads: every screen that lists or counts cases
//! (the list, statistics, alerts, revisits) reads them from here, and each write that changes
//! a summary says what it changed ([`Changed`]), so after a sync of 2,000 notes the
//! statistics open over 10,000 cases without reading them all from IndexedDB again.
//!
//! What is kept is exactly what [`super::CaseStore::summaries`] would read, or nothing: a
//! write that cannot say what it changed (a snapshot's bundles, another tab's sync) drops it,
//! and the next read fills it again.

use std::{collections::BTreeMap, rc::Rc};

use tousu_shared::{ids::CaseId, ids::UserId, summary::CaseSummary};

/// The summaries as read: shared by every screen that holds them, copied only when a change
/// applies while one still does.
pub type Summaries = Rc<Vec<CaseSummary>>;

/// What one write did to the case summaries.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Changed {
    /// Summaries written, in the order written (a case written twice: the last counts).
    pub written: Vec<CaseSummary>,
    /// Cases whose summary went (revoked, or left with no events).
    pub gone: Vec<CaseId>,
    /// Too much changed to list: every kept summary is dropped.
    pub all: bool,
}

impl Changed {
    /// One summary written.
    pub fn one(summary: CaseSummary) -> Self {
        Changed {
            written: vec![summary],
            ..Changed::default()
        }
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        !self.all && self.written.is_empty() && self.gone.is_empty()
    }

    /// Records a summary written (`Some`) or removed (`None`) for `case`.
    pub fn note(&mut self, case: CaseId, summary: Option<CaseSummary>) {
        match summary {
            Some(s) => self.written.push(s),
            None => self.gone.push(case),
        }
    }
}

/// The summaries read for a user, current as of `revision`.
#[derive(Debug, Default)]
pub struct Kept {
    read: Option<Read>,
    /// Counts every change applied, so a read that began before one is not kept after it.
    writes: u64,
}

#[derive(Debug)]
struct Read {
    user: UserId,
    revision: u64,
    summaries: Summaries,
}

impl Kept {
    /// The summaries kept for `user` at `revision`, if they are.
    pub fn get(&self, user: &UserId, revision: u64) -> Option<Summaries> {
        self.read
            .as_ref()
            .filter(|r| r.revision == revision && &r.user == user)
            .map(|r| r.summaries.clone())
    }

    /// Where writes stand: pass it to [`Kept::keep`] with what a read begun now returns.
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// Keeps a read begun when writes stood at `writes`, unless a change came since (the read
    /// may or may not hold it).
    pub fn keep(&mut self, writes: u64, user: UserId, revision: u64, summaries: Summaries) {
        if writes == self.writes {
            self.read = Some(Read {
                user,
                revision,
                summaries,
            });
        }
    }

    /// Applies a write's changes to what is kept at `revision`; anything else kept is dropped.
    pub fn apply(&mut self, revision: u64, changed: &Changed) {
        self.writes += 1;
        let Some(read) = self.read.as_mut().filter(|r| r.revision == revision) else {
            self.read = None;
            return;
        };
        if changed.all {
            self.read = None;
            return;
        }
        // Each changed case → the index of its last summary written, or `GONE`. Inserted one
        // by one and only looked up: no sort or removal routine is linked for it.
        const GONE: usize = usize::MAX;
        let mut at: BTreeMap<CaseId, usize> = BTreeMap::new();
        for case in &changed.gone {
            at.insert(*case, GONE);
        }
        for (i, s) in changed.written.iter().enumerate() {
            at.insert(s.id, i);
        }
        let mut placed = vec![false; changed.written.len()];
        let summaries = Rc::make_mut(&mut read.summaries);
        summaries.retain_mut(|s| match at.get(&s.id) {
            None => true,
            Some(&GONE) => false,
            Some(&i) => {
                *s = changed.written[i].clone();
                placed[i] = true;
                true
            }
        });
        for (i, s) in changed.written.iter().enumerate() {
            if !placed[i] && at.get(&s.id) == Some(&i) {
                summaries.push(s.clone());
            }
        }
    }

    /// Carries what is kept at `from` to `to` (the revision bumped after changes applied).
    pub fn advance(&mut self, from: u64, to: u64) {
        match self.read.as_mut() {
            Some(r) if r.revision == from => r.revision = to,
            _ => self.read = None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(n: u64, excerpt: &str) -> CaseSummary {
        use tousu_shared::{event::EventBody, model::CaseKind, testing};
        let mut w = testing::Writer::user(n, 1, "clerk");
        let reg = w.write(EventBody::Registered(testing::registration(
            CaseKind::Complaint,
            testing::t0(),
        )));
        let view = tousu_shared::fold::fold(reg.case_id, std::slice::from_ref(&reg));
        let mut s = CaseSummary::of(
            &view,
            &tousu_shared::sla::SlaPolicy::default(),
            &tousu_shared::sla::WorkCalendar::china_default(),
        );
        s.excerpt = excerpt.into();
        s
    }

    fn user() -> UserId {
        tousu_shared::testing::user("clerk")
    }

    #[test]
    fn changes_follow_a_kept_read_and_a_late_read_is_not_kept() {
        let (a, b, c) = (summary(1, "一"), summary(2, "二"), summary(3, "三"));
        let mut kept = Kept::default();
        kept.keep(
            kept.writes(),
            user(),
            1,
            Rc::new(vec![a.clone(), b.clone()]),
        );
        let mut a2 = a.clone();
        a2.excerpt = "一改".into();
        let changed = Changed {
            written: vec![a2.clone(), c.clone()],
            gone: vec![b.id],
            all: false,
        };
        kept.apply(1, &changed);
        kept.advance(1, 2);
        assert_eq!(kept.get(&user(), 1), None, "the old revision is not kept");
        let now = kept.get(&user(), 2).unwrap();
        assert_eq!(*now, vec![a2, c.clone()]);
        assert_eq!(kept.get(&tousu_shared::testing::user("other"), 2), None);

        // A read begun before a change is not kept once the change applied.
        let begun = kept.writes();
        kept.apply(2, &Changed::one(b.clone()));
        kept.keep(begun, user(), 2, Rc::default());
        assert_eq!(
            kept.get(&user(), 2).unwrap().len(),
            3,
            "the stale read was dropped"
        );

        // A change nobody can list drops everything; so does a bump nobody carried.
        kept.apply(
            2,
            &Changed {
                all: true,
                ..Changed::default()
            },
        );
        assert_eq!(kept.get(&user(), 2), None);
        kept.keep(kept.writes(), user(), 3, Rc::new(vec![c]));
        kept.advance(2, 4);
        assert_eq!(kept.get(&user(), 4), None);
    }
}
