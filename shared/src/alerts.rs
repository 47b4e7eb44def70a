//! Staff alerts (issue 16 §6), computed on the device from the cases it holds, offline too:
//! a case whose next step this person owes and whose next deadline is near (within the
//! profile's window) or past. 001 "督促…按時限辦理"; 002 the emergency path's alert is the
//! urgent-case alert of the status strip.
//!
//! Each alert has a key naming the case, the kind and the deadline it is about, so a device
//! that remembers the keys it showed alerts nothing twice, and a deadline moved later (a
//! special-case extension) alerts again when it in turn comes near.

use crate::{
    access::Principal, clock::Timestamp, ids::CaseId, sla::SlaStage, summary::CaseSummary,
    todo::owed,
};

/// The window before a deadline in which a case is "near due" when the profile says
/// nothing (hours).
pub const DEFAULT_NEAR_DUE_HOURS: u32 = 24;

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AlertKind {
    /// The next deadline has passed.
    Overdue,
    /// The next deadline falls within the window.
    NearDue,
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The case.
    pub case: CaseId,
    /// Near due or overdue.
    pub kind: AlertKind,
    /// The deadline's stage.
    pub stage: SlaStage,
    /// When it falls (fell) due.
    pub due: Timestamp,
    /// The case's number or provisional label.
    pub label: String,
}

impl Alert {
    /// The key a device remembers once it has shown this alert.
    pub fn key(&self) -> String {
        let kind = match self.kind {
            AlertKind::Overdue => "overdue",
            AlertKind::NearDue => "near",
        };
        format!("{}:{kind}:{}", self.case, self.due.0)
    }
}

/// The alerts for `principal` among `summaries` at `now`: overdue first, then the soonest
/// due. Only cases whose next step this person owes (my to-do) and that have a running
/// deadline.
pub fn alerts(
    principal: &Principal,
    summaries: &[CaseSummary],
    now: Timestamp,
    near_due_hours: u32,
) -> Vec<Alert> {
    let window = i64::from(near_due_hours) * 3_600_000;
    let mut out: Vec<Alert> = summaries
        .iter()
        .filter(|s| s.stage.is_open() && owed(principal, s).is_some())
        .filter_map(|s| {
            let (stage, due) = s.next_due?;
            let kind = if due <= now {
                AlertKind::Overdue
            } else if due.0 - window <= now.0 {
                AlertKind::NearDue
            } else {
                return None;
            };
            Some(Alert {
                case: s.id,
                kind,
                stage,
                due,
                label: s.label(),
            })
        })
        .collect();
    out.sort_by_key(|a| (a.kind, a.due, a.case));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        access::Role,
        event::{Actor, CommandKind},
        ids::UserId,
        model::Stage,
    };

    fn summary(n: u128, due: i64) -> CaseSummary {
        CaseSummary {
            id: CaseId(uuid::Uuid::from_u128(n)),
            number: None,
            kind: None,
            channel: None,
            severity: None,
            stage: Stage::Registered,
            category: None,
            department: None,
            complainant: None,
            phone: None,
            excerpt: String::new(),
            received_at: None,
            registered_by: Some(Actor::User(UserId::parse("clerk").unwrap())),
            next_due: Some((SlaStage::Dispatch, Timestamp(due))),
            n_conflicts: 0,
            erased: false,
            stat: None,
            teaching: false,
            next_step: Some(CommandKind::Classify),
        }
    }

    #[test]
    fn near_and_overdue_for_whoever_owes_the_step() {
        let clerk = Principal::user(UserId::parse("clerk").unwrap(), &[Role::Clerk], None);
        let other = Principal::user(UserId::parse("other").unwrap(), &[Role::Clerk], None);
        let hour = 3_600_000;
        let now = Timestamp(100 * hour);
        let cases = [
            summary(1, 90 * hour),  // overdue
            summary(2, 110 * hour), // near (within 24 h)
            summary(3, 200 * hour), // far
        ];
        let found = alerts(&clerk, &cases, now, 24);
        let kinds: Vec<(u128, AlertKind)> =
            found.iter().map(|a| (a.case.0.as_u128(), a.kind)).collect();
        assert_eq!(kinds, [(1, AlertKind::Overdue), (2, AlertKind::NearDue)]);
        assert!(
            alerts(&other, &cases, now, 24).is_empty(),
            "not theirs to do"
        );
        assert_ne!(found[0].key(), found[1].key());
        let later = alerts(&clerk, &cases, Timestamp(111 * hour), 24);
        assert_eq!(
            later[1].kind,
            AlertKind::Overdue,
            "near becomes overdue: a new key"
        );
        assert_ne!(later[1].key(), found[1].key());
    }
}
