//! Writing new events on a device: the next `dev_seq`, a clock that never goes backwards, and
//! the case's current heads as parents (DESIGN §11). Pure: the caller passes in the new ids
//! and the physical time, and persists the returned [`Author`] state with the event, in one
//! transaction, so a crash can neither reuse a `dev_seq` nor move the clock back.

use serde::{Deserialize, Serialize};

use crate::{
    clock::{Hlc, MAX_CLOCK_DRIFT_MS, Timestamp},
    event::{Actor, Event, EventBody, SCHEMA_VERSION},
    ids::{CaseId, DeviceId, EventId},
};

/// The persistent per-device writing state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Author {
    /// This device.
    pub device: DeviceId,
    /// Who writes (the signed-in user).
    pub actor: Actor,
    /// The `dev_seq` the next event takes (1 on a fresh device).
    pub next_dev_seq: u64,
    /// The latest clock reading used or seen.
    pub hlc: Hlc,
}

impl Author {
    /// A fresh device's state: nothing written yet.
    pub fn new(device: DeviceId, actor: Actor) -> Self {
        Author {
            device,
            actor,
            next_dev_seq: 1,
            hlc: Hlc::ZERO,
        }
    }

    /// Makes the next event of `case` after `parents` (the case's heads as this device sees
    /// them; empty for a registration), advancing the sequence and the clock.
    pub fn write(
        &mut self,
        id: EventId,
        case: CaseId,
        parents: Vec<EventId>,
        body: EventBody,
        now: Timestamp,
    ) -> Event {
        self.hlc = self.hlc.tick(now);
        let event = Event {
            id,
            case_id: case,
            device_id: self.device,
            dev_seq: self.next_dev_seq,
            actor: self.actor.clone(),
            hlc: self.hlc,
            parents,
            schema: SCHEMA_VERSION,
            body,
        };
        self.next_dev_seq += 1;
        event
    }

    /// Adopts a clock reading from elsewhere (a pulled event, the server's clock) so the next
    /// local event orders after it. A reading too far ahead of `now` is ignored: one bad clock
    /// must not drag this device into the future (the server flags such events anyway).
    pub fn observe(&mut self, remote: Hlc, now: Timestamp) {
        if let Ok(next) = self.hlc.receive(remote, now, MAX_CLOCK_DRIFT_MS) {
            self.hlc = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{body, user};

    fn ids(n: u128) -> (EventId, CaseId) {
        (
            EventId(uuid::Uuid::from_u128(n)),
            CaseId(uuid::Uuid::from_u128(1000 + n)),
        )
    }

    #[test]
    fn sequence_is_contiguous_and_clock_monotonic_even_when_the_wall_clock_jumps_back() {
        let mut author = Author::new(
            DeviceId(uuid::Uuid::from_u128(7)),
            Actor::User(user("handler")),
        );
        let (id1, case) = ids(1);
        let a = author.write(id1, case, vec![], body::note("一"), Timestamp(10_000));
        let (id2, _) = ids(2);
        // The tablet's clock was set back by an hour.
        let b = author.write(id2, case, vec![a.id], body::note("二"), Timestamp(6_400));
        assert_eq!((a.dev_seq, b.dev_seq), (1, 2));
        assert!(b.hlc > a.hlc);
        assert_eq!(b.parents, vec![a.id]);
        assert_eq!(author.next_dev_seq, 3);
    }

    #[test]
    fn observing_the_server_orders_later_events_after_it_but_not_a_wild_clock() {
        let mut author = Author::new(
            DeviceId(uuid::Uuid::from_u128(7)),
            Actor::User(user("handler")),
        );
        let server = Hlc {
            wall_ms: 50_000,
            counter: 3,
        };
        author.observe(server, Timestamp(40_000));
        let (id, case) = ids(1);
        let e = author.write(id, case, vec![], body::note("一"), Timestamp(40_001));
        assert!(e.hlc > server);
        let before = author.hlc;
        author.observe(
            Hlc {
                wall_ms: 40_000 + MAX_CLOCK_DRIFT_MS + 1_000_000,
                counter: 0,
            },
            Timestamp(40_002),
        );
        assert_eq!(author.hlc, before, "a clock far ahead is not adopted");
    }
}
