//! Every unit enum's wire names (read by `wire_names!`) are the names its derived writer
//! writes, both ways, in JSON text and JSON values and as map keys; an unknown name is refused.

use std::collections::BTreeMap;

use serde::{Serialize, de::DeserializeOwned};

fn check<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug + Copy>(
    all: &[(T, &'static str)],
) {
    assert!(!all.is_empty());
    for (v, name) in all {
        assert_eq!(
            serde_json::to_value(v).unwrap(),
            serde_json::json!(name),
            "{v:?}"
        );
        assert_eq!(
            serde_json::from_str::<T>(&format!("\"{name}\"")).unwrap(),
            *v
        );
        assert_eq!(
            serde_json::from_value::<T>(serde_json::json!(name)).unwrap(),
            *v
        );
        let keyed: BTreeMap<String, T> =
            serde_json::from_str(&format!("{{\"k\": \"{name}\"}}")).unwrap();
        assert_eq!(keyed["k"], *v);
    }
    let err = serde_json::from_str::<T>("\"no_such_name\"").unwrap_err();
    assert!(
        err.to_string().contains("unknown variant `no_such_name`"),
        "{err}"
    );
}

macro_rules! all_checked {
    ($($ty:path),+ $(,)?) => {
        #[test]
        fn every_unit_enum_reads_what_it_writes() {
            $(check(<$ty>::WIRE);)+
        }
    };
}

all_checked!(
    tousu_shared::access::Role,
    tousu_shared::access::Visibility,
    tousu_shared::api::DeviceKind,
    tousu_shared::event::CommandKind,
    tousu_shared::event::Finding,
    tousu_shared::event::Fault,
    tousu_shared::event::Fact,
    tousu_shared::model::CaseKind,
    tousu_shared::model::Channel,
    tousu_shared::model::Severity,
    tousu_shared::model::Stage,
    tousu_shared::model::Outcome,
    tousu_shared::model::ComplainantType,
    tousu_shared::model::NoteKind,
    tousu_shared::model::PlanDecision,
    tousu_shared::model::FeedbackChannel,
    tousu_shared::model::RevisitMethod,
    tousu_shared::model::Satisfaction,
    tousu_shared::model::Responsibility,
    tousu_shared::model::Measure,
    tousu_shared::profile::SheetField,
    tousu_shared::reports::AppealState,
    tousu_shared::rules::Path,
    tousu_shared::sla::SlaStage,
    tousu_shared::stats::Dimension,
    tousu_shared::stats::AppraisalBy,
    tousu_shared::summary::CaseSort,
    tousu_shared::validate::Field,
);

#[test]
fn denials_read_what_they_write() {
    for (v, name) in tousu_shared::access::Denied::WIRE {
        assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(name));
        let back: tousu_shared::access::Denied =
            serde_json::from_value(serde_json::json!(name)).unwrap();
        assert_eq!(back.to_string(), v.to_string());
    }
}

/// Reads `v`'s JSON back from text and from a value, and says whether both equal `v`.
fn round_trips<T: Serialize + DeserializeOwned + PartialEq>(v: &T) -> bool {
    let text = serde_json::to_string(v).unwrap();
    serde_json::from_str::<T>(&text).unwrap() == *v
        && serde_json::from_value::<T>(serde_json::to_value(v).unwrap()).unwrap() == *v
}

#[test]
fn workflow_rules_and_field_rules_read_what_they_write() {
    use tousu_shared::{
        event::CommandKind, model::Stage, validate::Rule, view::WorkflowError as W,
    };
    let workflow = [
        W::NotRegistered,
        W::AlreadyRegistered,
        W::NotInStage {
            command: CommandKind::ProposePlan,
            stage: Stage::Closed,
        },
        W::DepartmentRequired,
        W::CommentRequired,
        W::SummaryRequired,
        W::FeedbackAndRevisitRequired,
        W::NoSuchConflict,
        W::NoSuchAccountability,
        W::AlreadyAppealed,
        W::AppealTooLate,
        W::NoSuchAppeal,
        W::AppealAlreadyDecided,
        W::AppealDecidedByImposer,
        W::InterimMeasureRequired,
        W::SecondApproverRequired,
        W::AlreadyPaused,
        W::NotPaused,
        W::BadTeam,
        W::ResponsibleRequired,
        W::NoSuchRectification,
        W::NotInRules,
    ];
    // A new rule fails to compile here until it is listed above (and read by the flat reader).
    for v in &workflow {
        match v {
            W::NotRegistered
            | W::AlreadyRegistered
            | W::NotInStage { .. }
            | W::DepartmentRequired
            | W::CommentRequired
            | W::SummaryRequired
            | W::FeedbackAndRevisitRequired
            | W::NoSuchConflict
            | W::NoSuchAccountability
            | W::AlreadyAppealed
            | W::AppealTooLate
            | W::NoSuchAppeal
            | W::AppealAlreadyDecided
            | W::AppealDecidedByImposer
            | W::InterimMeasureRequired
            | W::SecondApproverRequired
            | W::AlreadyPaused
            | W::NotPaused
            | W::BadTeam
            | W::ResponsibleRequired
            | W::NoSuchRectification
            | W::NotInRules => assert!(round_trips(v), "{v:?}"),
        }
    }
    let rules = [
        Rule::Required,
        Rule::TooLong { max: 30 },
        Rule::BadPhone,
        Rule::BadEmail,
        Rule::BadFormat,
        Rule::OutOfRange,
        Rule::UnknownCategory,
        Rule::UnknownDepartment,
        Rule::ContactRequired,
        Rule::NotForKind,
        Rule::ConfirmLower,
    ];
    for v in &rules {
        match v {
            Rule::Required
            | Rule::TooLong { .. }
            | Rule::BadPhone
            | Rule::BadEmail
            | Rule::BadFormat
            | Rule::OutOfRange
            | Rule::UnknownCategory
            | Rule::UnknownDepartment
            | Rule::ContactRequired
            | Rule::NotForKind
            | Rule::ConfirmLower => assert!(round_trips(v), "{v:?}"),
        }
    }
    // Unknown names and missing fields are refused, extra fields ignored.
    assert!(serde_json::from_str::<W>(r#"{"rule": "no_such_rule"}"#).is_err());
    assert!(serde_json::from_str::<W>(r#"{"rule": "not_in_stage", "stage": "closed"}"#).is_err());
    assert!(serde_json::from_str::<Rule>(r#"{"rule": "too_long"}"#).is_err());
    assert_eq!(
        serde_json::from_str::<Rule>(r#"{"rule": "required", "later": 1}"#).unwrap(),
        Rule::Required
    );
}

#[test]
fn push_answers_and_quarantines_read_what_they_write() {
    use tousu_shared::{
        access::Denied,
        api::sync::{PushResult, Quarantine as Q},
        ids::EventId,
        validate::{Field, FieldError, Rule},
        view::WorkflowError,
    };
    let event_id = EventId(uuid::Uuid::from_u128(7));
    let reasons = [
        Q::Forbidden {
            denied: Denied::RoleLacks,
        },
        Q::ClockAhead { ahead_ms: 400_000 },
        Q::Invalid {
            message: "bad".into(),
            fields: vec![FieldError::new(Field::Phone, Rule::BadPhone)],
        },
        Q::Invalid {
            message: "unreadable".into(),
            fields: Vec::new(),
        },
        Q::Workflow {
            error: WorkflowError::CommentRequired,
        },
        Q::Gap { expected: 3 },
        Q::SeqReused,
        Q::IdReused,
        Q::ForeignDevice,
        Q::Unsupported,
    ];
    for why in reasons {
        match &why {
            Q::Forbidden { .. }
            | Q::ClockAhead { .. }
            | Q::Invalid { .. }
            | Q::Workflow { .. }
            | Q::Gap { .. }
            | Q::SeqReused
            | Q::IdReused
            | Q::ForeignDevice
            | Q::Unsupported => assert!(round_trips(&why), "{why:?}"),
        }
        for event_id in [Some(event_id), None] {
            let answer = PushResult::Quarantined {
                event_id,
                why: why.clone(),
            };
            assert!(round_trips(&answer), "{answer:?}");
        }
    }
    for answer in [
        PushResult::Applied { event_id, seq: 9 },
        PushResult::Duplicate { event_id, seq: 9 },
    ] {
        assert!(round_trips(&answer), "{answer:?}");
    }
    assert!(serde_json::from_str::<PushResult>(r#"{"status": "applied"}"#).is_err());
    assert!(serde_json::from_str::<Q>(r#"{"reason": "gap"}"#).is_err());
    assert!(serde_json::from_str::<Q>(r#"{"reason": "no_such_reason"}"#).is_err());
}

#[test]
fn actors_and_limits_read_what_they_write() {
    use tousu_shared::{
        event::Actor,
        ids::{DeviceId, UserId},
        sla::Limit,
    };
    let actors = [
        Actor::User(UserId::parse("clerk").unwrap()),
        Actor::Kiosk(DeviceId(uuid::Uuid::from_u128(42))),
        Actor::System,
    ];
    for a in &actors {
        match a {
            Actor::User(_) | Actor::Kiosk(_) | Actor::System => assert!(round_trips(a), "{a:?}"),
        }
    }
    for l in [
        Limit::Minutes(10),
        Limit::Hours(24),
        Limit::CalendarDays(7),
        Limit::WorkingDays(3),
    ] {
        match l {
            Limit::Minutes(_)
            | Limit::Hours(_)
            | Limit::CalendarDays(_)
            | Limit::WorkingDays(_) => {
                assert!(round_trips(&l), "{l:?}")
            }
        }
    }
    // A user id is checked as it is read; unknown kinds and units are refused.
    assert!(serde_json::from_str::<Actor>(r#"{"type": "user", "id": "Not Valid"}"#).is_err());
    assert!(serde_json::from_str::<Actor>(r#"{"type": "user"}"#).is_err());
    assert!(serde_json::from_str::<Actor>(r#"{"type": "robot"}"#).is_err());
    assert!(serde_json::from_str::<Limit>(r#"{"unit": "weeks", "n": 1}"#).is_err());
}
