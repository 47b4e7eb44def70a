//! The event wire form: stable, versioned, round-tripping, and safe on any input.

use proptest::prelude::*;
use tousu_shared::{
    clock::Timestamp,
    event::{
        AccountabilityRecorded, Actor, AppealDecided, AppealFiled, AttachmentAdded, CommandKind,
        ConflictResolved, DeadlineSet, Event, EventBody, Fact, LinkedDuplicate, NumberAssigned,
        RecordAmended, SCHEMA_VERSION,
    },
    ids::{CaseId, EventId},
    model::{Attachment, CaseKind, Catalog, Complainant, Measure, Registration, Responsibility},
    number::CaseNumber,
    testing::{Writer, body, long, registration, short, t0, user},
    validate::{BlobHash, Field, FieldError, Rule},
};

fn every_body() -> Vec<EventBody> {
    let hash = BlobHash::parse(&"ab".repeat(32)).unwrap();
    let attachment = Attachment {
        hash: hash.clone(),
        media_type: short("image/jpeg"),
        name: Some(short("现场.jpg")),
        size: 123_456,
    };
    vec![
        EventBody::Registered(registration(CaseKind::Complaint, t0())),
        EventBody::RecordAmended(RecordAmended {
            complainant: Some(Complainant::default()),
            anonymous: Some(true),
            details: None,
        }),
        body::classify(),
        body::out_of_scope(),
        body::dispatch("ops"),
        EventBody::DeadlineSet(DeadlineSet {
            special: true,
            due: Some(Timestamp(1)),
            reason: Some(long("涉及多个部门")),
        }),
        EventBody::InvestigationStarted,
        body::note("现场查看"),
        EventBody::AttachmentAdded(AttachmentAdded {
            attachment,
            caption: None,
        }),
        body::report(),
        body::plan(),
        body::approve(),
        body::execute(),
        body::feedback(),
        body::revisit(tousu_shared::model::Satisfaction::PartlySatisfied),
        body::close(),
        EventBody::Reopened(tousu_shared::event::Reasoned {
            reason: long("投诉人再次来电"),
        }),
        EventBody::AccountabilityRecorded(AccountabilityRecorded {
            person: Some(user("handler")),
            department: None,
            responsibility: Responsibility::Direct,
            measure: Measure::CriticismEducation,
            amount: None,
            reason: long("未按规定核对"),
            appeal_until: Timestamp(2),
        }),
        EventBody::AppealFiled(AppealFiled {
            accountability: EventId::from_u128(1),
            reason: long("已按流程操作"),
        }),
        EventBody::AppealDecided(AppealDecided {
            appeal: EventId::from_u128(2),
            upheld: false,
            decision: long("维持原决定"),
        }),
        EventBody::InterimMeasureTaken(tousu_shared::event::InterimMeasure {
            measure: long("先行调拨同型号货物供客户使用"),
        }),
        EventBody::SupplementRequested(tousu_shared::event::Reasoned {
            reason: long("请补充订单号"),
        }),
        EventBody::SupplementReceived(tousu_shared::event::Supplement {
            text: Some(long("订单号 A123")),
        }),
        EventBody::InvestigatorsNamed(tousu_shared::event::Team {
            lead: user("handler"),
            members: vec![user("handler"), user("manager")],
        }),
        EventBody::RectificationSet(tousu_shared::event::Rectification {
            measure: long("入库前逐件核对外包装"),
            owner: user("manager"),
            due: Timestamp(3),
        }),
        EventBody::RectificationDone(tousu_shared::event::RectificationDone {
            rectification: EventId::from_u128(5),
            note: Some(long("已培训并执行")),
        }),
        EventBody::LinkedDuplicate(LinkedDuplicate {
            of: CaseId::from_u128(3),
        }),
        EventBody::TeachingCaseMarked(tousu_shared::event::TeachingMark {
            lesson: long("先致歉，再解释"),
        }),
        EventBody::ConflictResolved(ConflictResolved {
            fact: Fact::Stage,
            chosen: EventId::from_u128(4),
        }),
        EventBody::NumberAssigned(NumberAssigned {
            number: CaseNumber::parse("25010001").unwrap(),
        }),
        EventBody::Archived,
        EventBody::Destroyed,
    ]
}

#[test]
fn every_kind_round_trips_and_is_known() {
    let bodies = every_body();
    let kinds: Vec<CommandKind> = bodies.iter().filter_map(|b| b.command()).collect();
    assert_eq!(
        kinds,
        CommandKind::ALL.to_vec(),
        "one body per command, in order"
    );
    let mut w = Writer::user(1, 1, "supervisor");
    for b in bodies {
        let event = w.write(b);
        let json = serde_json::to_string(&event).unwrap();
        let back: Event = serde_json::from_str(&json).unwrap();
        assert_eq!(back, event, "{json}");
        assert!(!matches!(back.body, EventBody::Unknown(_)), "{json}");
        assert_eq!(
            serde_json::to_value(&back.body).unwrap()["kind"],
            back.body.command().unwrap().as_str()
        );
    }
}

/// The wire form is a contract with every device in the field: this is what it looks like.
#[test]
fn the_wire_form_is_stable() {
    let mut w = Writer::user(1, 1, "handler");
    let event = w.write(body::note("现场查看"));
    let json = serde_json::to_string(&event).unwrap();
    assert_eq!(
        json,
        r#"{"id":"00000000-0000-0001-0000-000100000001","case_id":"01900000-0000-7000-8000-000000000001","device_id":"d0000000-0000-0000-0000-000000000001","dev_seq":1,"actor":{"type":"user","id":"handler"},"hlc":{"wall_ms":1737964800000,"counter":0},"parents":[],"schema":1,"body":{"kind":"note_added","note_kind":"investigation","text":"现场查看"}}"#
    );
}

#[test]
fn an_unknown_kind_is_preserved_exactly() {
    let json = r#"{"id":"00000000-0000-0000-0000-000000000009","case_id":"01900000-0000-7000-8000-000000000001","device_id":"d0000000-0000-0000-0000-000000000001","dev_seq":3,"actor":{"type":"system"},"hlc":{"wall_ms":5,"counter":1},"parents":[],"schema":1,"body":{"kind":"satisfaction_survey_sent","via":"sms","extra":{"nested":[1,2,3]}}}"#;
    let event: Event = serde_json::from_str(json).unwrap();
    match &event.body {
        EventBody::Unknown(u) => assert_eq!(u.kind, "satisfaction_survey_sent"),
        other => panic!("expected unknown, got {other:?}"),
    }
    assert_eq!(event.actor, Actor::System);
    let again = serde_json::to_string(&event).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&again).unwrap(),
        serde_json::from_str::<serde_json::Value>(json).unwrap()
    );
}

#[test]
fn a_newer_schema_is_kept_unread_even_for_a_known_kind() {
    let mut w = Writer::user(1, 1, "handler");
    let mut value = serde_json::to_value(w.write(body::note("x"))).unwrap();
    value["schema"] = serde_json::json!(SCHEMA_VERSION + 1);
    value["body"]["text"] = serde_json::json!({"rich": "format"});
    let event: Event = serde_json::from_value(value).unwrap();
    assert!(matches!(event.body, EventBody::Unknown(_)));
}

#[test]
fn a_known_kind_with_bad_fields_is_an_error_not_an_unknown() {
    let mut w = Writer::user(1, 1, "handler");
    let mut value = serde_json::to_value(w.write(body::note("x"))).unwrap();
    value["body"]["text"] = serde_json::json!("");
    let err = serde_json::from_value::<Event>(value).unwrap_err();
    assert!(err.to_string().contains("note_added"), "{err}");
}

#[test]
fn registration_rules_name_the_field_and_the_rule() {
    let catalog = Catalog {
        categories: Catalog::default_categories(),
        departments: Vec::new(),
    };
    let mut named: Registration = registration(CaseKind::Complaint, t0());
    assert_eq!(named.check(&catalog), Ok(()));
    named.complainant.phone = None;
    named.complainant.email = None;
    named.category = Some(tousu_shared::ids::CategoryId::parse("unicorns").unwrap());
    assert_eq!(
        named.check(&catalog),
        Err(vec![
            FieldError::new(Field::Contact, Rule::ContactRequired),
            FieldError::new(Field::Category, Rule::UnknownCategory),
        ])
    );
    let mut parcel = registration(CaseKind::Complaint, t0());
    parcel.category = Some(tousu_shared::ids::CategoryId::parse("parcel-loss-damage").unwrap());
    assert_eq!(
        parcel.check(&catalog),
        Err(vec![FieldError::new(Field::GoodsName, Rule::Required)])
    );
    parcel.details.goods = Some(tousu_shared::model::Goods::new(short("手机"), 1).unwrap());
    assert_eq!(parcel.check(&catalog), Ok(()));

    let mut anonymous = registration(CaseKind::Suggestion, t0());
    anonymous.anonymous = true;
    anonymous.complainant = Complainant::default();
    assert_eq!(anonymous.check(&catalog), Ok(()));
    anonymous.complainant.name = Some(short("李四"));
    assert_eq!(
        anonymous.check(&catalog),
        Err(vec![FieldError::new(
            Field::ComplainantName,
            Rule::NotForKind
        )])
    );
    assert_eq!(
        tousu_shared::model::Goods::new(short("手机"), 0),
        Err(FieldError::new(Field::GoodsQuantity, Rule::OutOfRange))
    );
}

proptest! {
    /// Deserializing arbitrary input returns an error or a value; it never panics.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = serde_json::from_slice::<Event>(&bytes);
        let _ = serde_json::from_slice::<Registration>(&bytes);
        let _ = serde_json::from_slice::<EventBody>(&bytes);
    }

    /// Arbitrary JSON shaped like an event never panics either, whatever the body holds.
    #[test]
    fn arbitrary_bodies_never_panic(kind in "[a-z_]{0,24}", text in ".{0,40}", n in any::<i64>()) {
        let json = serde_json::json!({
            "id": "00000000-0000-0000-0000-000000000009",
            "case_id": "01900000-0000-7000-8000-000000000001",
            "device_id": "d0000000-0000-0000-0000-000000000001",
            "dev_seq": 1, "actor": {"type": "system"}, "hlc": {"wall_ms": n, "counter": 0},
            "schema": 1,
            "body": {"kind": kind, "text": text, "reason": text, "satisfaction": text, "number": text, "severity": n}
        });
        let _ = serde_json::from_value::<Event>(json);
    }

    #[test]
    fn parsers_never_panic(s in ".{0,64}") {
        let _ = tousu_shared::validate::PhoneNumber::parse(&s);
        let _ = tousu_shared::validate::Email::parse(&s);
        let _ = tousu_shared::validate::Money::parse_yuan(&s);
        let _ = CaseNumber::parse(&s);
        let _ = tousu_shared::clock::Date::parse(&s);
        let _ = tousu_shared::sla::WorkCalendar::parse(&s);
    }
}
