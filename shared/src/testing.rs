//! Builders of events and cases for tests and benchmarks (here, in the server and in the
//! app). Deterministic: ids come from counters, times from the builder's own clock.

use crate::{
    clock::{Date, HOUR_MS, Hlc, MINUTE_MS, Timestamp},
    event::{
        Actor, Classified, Closed, Dispatched, Event, EventBody, ExecutionRecorded, FeedbackGiven,
        NoteAdded, PlanProposed, PlanReviewed, Reasoned, ReportSubmitted, RevisitRecorded,
        SCHEMA_VERSION,
    },
    ids::{CaseId, CategoryId, DepartmentId, DeviceId, EventId, UserId},
    model::{
        CaseDetails, CaseKind, Channel, Complainant, FeedbackChannel, NoteKind, PlanDecision,
        Registration, RevisitMethod, Satisfaction, Severity,
    },
    validate::{Email, Field, LongText, PhoneNumber, ShortText},
};

/// Long text from a literal.
pub fn long(text: &str) -> LongText {
    LongText::parse(Field::Text, text).expect("valid test text")
}

/// Short text from a literal.
pub fn short(text: &str) -> ShortText {
    ShortText::parse(Field::Text, text).expect("valid test text")
}

/// A user id from a literal.
pub fn user(id: &str) -> UserId {
    UserId::parse(id).expect("valid test user")
}

/// A department id from a literal.
pub fn dept(id: &str) -> DepartmentId {
    DepartmentId::parse(id).expect("valid test department")
}

/// Monday 27 January 2025, 16:00 in Beijing: the day before the Spring Festival holiday.
pub fn t0() -> Timestamp {
    Timestamp::from_local(Date::new(2025, 1, 27).expect("date"), 16, 0, 480)
}

/// A named complaint registered on site.
pub fn registration(kind: CaseKind, received_at: Timestamp) -> Registration {
    Registration {
        complainant_type: None,
        kind,
        channel: Channel::OnSite,
        anonymous: false,
        complainant: Complainant {
            name: Some(short("张三")),
            phone: Some(PhoneNumber::parse("13812345678").expect("phone")),
            email: Some(Email::parse("zhang.san@example.com").expect("email")),
            organisation: None,
            address: Some(short("北京市朝阳区建国路88号")),
        },
        details: CaseDetails {
            occurred_at: Some(received_at),
            location: Some(short("3号站点")),
            description: long("快件外包装破损，内件丢失"),
            request: Some(long("赔偿损失")),
            goods: None,
        },
        received_at,
        category: None,
        severity: None,
        attachments: Vec::new(),
        rules: None,
        promised_answer: None,
    }
}

/// Bodies of the common steps.
pub mod body {
    use super::*;

    /// Triage: parcel loss, important.
    pub fn classify() -> EventBody {
        EventBody::Classified(Classified {
            category: CategoryId::parse("parcel-loss-damage").expect("id"),
            cause: None,
            severity: Severity::Important,
        })
    }
    /// Triage with a given severity.
    pub fn classify_as(severity: Severity) -> EventBody {
        EventBody::Classified(Classified {
            category: CategoryId::parse("parcel-loss-damage").expect("id"),
            cause: None,
            severity,
        })
    }
    /// Dispatch to `department`.
    pub fn dispatch(department: &str) -> EventBody {
        EventBody::Dispatched(Dispatched {
            department: dept(department),
            co_departments: Vec::new(),
            due: None,
            instructions: None,
        })
    }
    /// An investigation note.
    pub fn note(text: &str) -> EventBody {
        EventBody::NoteAdded(NoteAdded {
            note_kind: NoteKind::Investigation,
            text: long(text),
            attachments: Vec::new(),
            signature: None,
            signed_by: None,
        })
    }
    /// A report.
    pub fn report() -> EventBody {
        EventBody::ReportSubmitted(ReportSubmitted {
            findings: long("监控显示入库时外包装已破损"),
            cause: Some(short("运输破损")),
            finding: Some(crate::event::Finding::Founded),
            fault: None,
        })
    }
    /// A plan.
    pub fn plan() -> EventBody {
        EventBody::PlanProposed(PlanProposed {
            plan: long("按保价赔偿并致歉"),
            opinion: None,
            compensation: None,
            loss: None,
        })
    }
    /// Approve the plan.
    pub fn approve() -> EventBody {
        EventBody::PlanReviewed(PlanReviewed {
            decision: PlanDecision::Approved,
            comment: None,
        })
    }
    /// Return the plan.
    pub fn return_plan() -> EventBody {
        EventBody::PlanReviewed(PlanReviewed {
            decision: PlanDecision::Returned,
            comment: Some(long("赔偿依据不足")),
        })
    }
    /// Execution.
    pub fn execute() -> EventBody {
        EventBody::ExecutionRecorded(ExecutionRecorded {
            result: long("已赔付并致歉"),
            compensation: None,
            loss: None,
        })
    }
    /// Feedback by phone.
    pub fn feedback() -> EventBody {
        EventBody::FeedbackGiven(FeedbackGiven {
            channel: FeedbackChannel::Phone,
            text: long("已电话告知处理结果"),
        })
    }
    /// Revisit by phone.
    pub fn revisit(satisfaction: Satisfaction) -> EventBody {
        EventBody::RevisitRecorded(RevisitRecorded {
            method: RevisitMethod::Phone,
            satisfaction,
            comment: None,
        })
    }
    /// Close after revisit.
    pub fn close() -> EventBody {
        EventBody::Closed(Closed { summary: None })
    }
    /// Close early with a summary.
    pub fn close_early() -> EventBody {
        EventBody::Closed(Closed {
            summary: Some(long("已当场解答")),
        })
    }
    /// Out of scope.
    pub fn out_of_scope() -> EventBody {
        EventBody::RejectedOutOfScope(Reasoned {
            reason: long("不属于本站服务范围"),
        })
    }
}

/// One device writing events of one case, as the app does: contiguous `dev_seq`, a
/// monotonic HLC, parents = the heads it has seen.
#[derive(Debug, Clone)]
pub struct Writer {
    /// The case.
    pub case: CaseId,
    /// The device.
    pub device: DeviceId,
    /// Who writes.
    pub actor: Actor,
    /// Next `dev_seq` minus one.
    pub seq: u64,
    /// The device's HLC.
    pub clock: Hlc,
    /// The physical clock of the device.
    pub now: Timestamp,
    /// Heads seen.
    pub heads: Vec<EventId>,
    device_no: u64,
}

impl Writer {
    /// Device number `device_no` (distinct per writer) acting as `actor` on case `case_no`.
    pub fn new(case_no: u64, device_no: u64, actor: Actor) -> Self {
        Writer {
            case: CaseId::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | case_no as u128),
            device: DeviceId::from_u128(
                0xd000_0000_0000_0000_0000_0000_0000_0000 | device_no as u128,
            ),
            actor,
            seq: 0,
            clock: Hlc::ZERO,
            now: t0(),
            heads: Vec::new(),
            device_no,
        }
    }

    /// A writer for user `id` on device `device_no` of case `case_no`.
    pub fn user(case_no: u64, device_no: u64, id: &str) -> Self {
        Self::new(case_no, device_no, Actor::User(user(id)))
    }

    /// Moves this device's physical clock forward.
    pub fn wait_minutes(&mut self, minutes: i64) -> &mut Self {
        self.now = Timestamp(self.now.0 + minutes * MINUTE_MS);
        self
    }

    /// Moves this device's physical clock forward by hours.
    pub fn wait_hours(&mut self, hours: i64) -> &mut Self {
        self.now = Timestamp(self.now.0 + hours * HOUR_MS);
        self
    }

    /// Writes the next event.
    pub fn write(&mut self, body: EventBody) -> Event {
        self.seq += 1;
        self.clock = self.clock.tick(self.now);
        let id = EventId::from_u128(
            ((self.device_no as u128) << 64)
                | ((self.case.0.as_u128() & 0xffff_ffff) << 32)
                | self.seq as u128,
        );
        let event = Event {
            id,
            case_id: self.case,
            device_id: self.device,
            dev_seq: self.seq,
            actor: self.actor.clone(),
            hlc: self.clock,
            parents: self.heads.clone(),
            schema: SCHEMA_VERSION,
            body,
        };
        self.heads = vec![id];
        self.now = Timestamp(self.now.0 + MINUTE_MS);
        event
    }

    /// This device receives `events` (a sync): its heads and clock follow.
    pub fn sees(&mut self, events: &[Event]) -> &mut Self {
        let view = crate::fold::fold(self.case, events);
        self.heads = view.heads;
        for e in events {
            if let Ok(next) = self.clock.receive(e.hlc, self.now, i64::MAX / 4) {
                self.clock = next;
            }
        }
        self
    }

    /// Moves this device on to case `case_no` (its sequence and clock go on).
    pub fn switch_to(&mut self, case_no: u64) -> &mut Self {
        self.case = CaseId::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | case_no as u128);
        self.heads.clear();
        self
    }

    /// Another device and actor that has seen what this one has (a second tablet synced).
    pub fn fork(&self, device_no: u64, actor: Actor) -> Writer {
        Writer {
            device: DeviceId::from_u128(
                0xd000_0000_0000_0000_0000_0000_0000_0000 | device_no as u128,
            ),
            actor,
            seq: 0,
            device_no,
            ..self.clone()
        }
    }
}

/// A complaint registered at [`t0`] (January 2025) and taken to closing by `w` alone (a
/// supervisor may take every step): the archive's usual fixture.
pub fn closed_complaint(w: &mut Writer) -> Vec<Event> {
    let mut events = vec![w.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        t0(),
    )))];
    for b in [
        body::classify(),
        body::dispatch("ops"),
        EventBody::InvestigationStarted,
        body::plan(),
        body::approve(),
        body::execute(),
        body::feedback(),
        body::revisit(Satisfaction::Satisfied),
        body::close(),
    ] {
        events.push(w.write(b));
    }
    events
}

/// The events of a complaint taken through the whole lifecycle by one supervisor and one
/// handler device, `n_extra_notes` investigation notes included: a realistic fixed trace.
pub fn full_lifecycle(case_no: u64, n_extra_notes: usize) -> Vec<Event> {
    let mut sup = Writer::user(case_no, 1, "supervisor");
    let mut events = vec![sup.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        t0(),
    )))];
    events.push(sup.write(body::classify()));
    events.push(sup.write(body::dispatch("ops")));
    let mut handler = sup.fork(2, Actor::User(user("handler")));
    handler.sees(&events);
    events.push(handler.write(EventBody::InvestigationStarted));
    for i in 0..n_extra_notes {
        events.push(handler.write(body::note(&format!("调查记录 {i}"))));
    }
    events.push(handler.write(body::report()));
    events.push(handler.write(body::plan()));
    sup.sees(&events);
    events.push(sup.write(body::approve()));
    handler.sees(&events);
    events.push(handler.write(body::execute()));
    events.push(handler.write(body::feedback()));
    events.push(handler.write(body::revisit(Satisfaction::Satisfied)));
    sup.sees(&events);
    events.push(sup.write(body::close()));
    events
}
