//! Each command form's parse, on the host: what a form accepts, what it refuses, and that the
//! values a form opens with are its own fields.

use tousu_shared::{
    clock::{Date, Timestamp},
    event::{CommandKind as C, EventBody},
    fold::fold,
    ids::CategoryId,
    model::{CaseKind, Catalog, Goods, Measure, Severity},
    testing::{Writer, registration, short, t0},
    validate::{Field, Rule},
};

use super::*;

fn ctx(view: Option<CaseView>) -> Ctx {
    Ctx {
        view,
        catalog: Catalog {
            categories: Catalog::default_categories(),
            departments: Vec::new(),
        },
        offset: 480,
        me: None,
        link_target: None,
    }
}

fn parse(c: CommandKind, v: &[(&str, &str)], ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
    form(c).expect("has a form").parse(&values(v), ctx)
}

/// A decision form picks no outcome: submitted untouched it is refused, naming the field.
#[test]
fn decisions_start_unchosen() {
    let cases: &[(CommandKind, Field)] = &[
        (C::ReviewPlan, Field::Decision),
        (C::RecordRevisit, Field::Satisfaction),
        (C::DecideAppeal, Field::Verdict),
        (C::SubmitReport, Field::Finding),
    ];
    for (command, field) in cases {
        let f = form(*command).unwrap();
        let ctx = ctx(None);
        let errors = f.parse(&f.start(&ctx), &ctx).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.field == *field && e.rule == Rule::Required),
            "{command:?}: {errors:?}"
        );
    }
}

/// Classifying edits facts: the form opens on the case's values, so an urgent case stays
/// urgent; lowering the severity needs a confirmation.
#[test]
fn a_classification_opens_on_the_case_and_lowering_is_confirmed() {
    let mut w = Writer::user(3, 1, "supervisor");
    let mut r = registration(CaseKind::Complaint, t0());
    r.severity = Some(Severity::UrgentMajor);
    r.category = Some(CategoryId::parse("safety").unwrap());
    let events = vec![w.write(EventBody::Registered(r))];
    let ctx = ctx(Some(fold(w.case, &events)));
    let classify = form(C::Classify).unwrap();
    let start = classify.start(&ctx);
    assert_eq!(
        (start["category"].as_str(), start["severity"].as_str()),
        ("safety", "urgent_major")
    );
    let Ok(EventBody::Classified(c)) = classify.parse(&start, &ctx) else {
        panic!("valid as it opens");
    };
    assert_eq!(c.severity, Severity::UrgentMajor);
    let mut lower = start.clone();
    lower.insert("severity".into(), "general".into());
    let errors = classify.parse(&lower, &ctx).unwrap_err();
    assert_eq!(
        (errors[0].field, &errors[0].rule),
        (Field::Severity, &Rule::ConfirmLower)
    );
    lower.insert("confirm_lower".into(), "true".into());
    assert!(classify.parse(&lower, &ctx).is_ok());
}

/// Every error a form reports links to one of its inputs.
#[test]
fn every_error_points_at_an_input_of_its_form() {
    for command in CommandKind::ALL {
        let Some(f) = form(command) else { continue };
        let ctx = ctx(None);
        let Err(errors) = f.parse(&Values::new(), &ctx) else {
            continue;
        };
        for e in errors {
            assert!(
                f.targets().iter().any(|(field, _)| *field == e.field),
                "{command:?}: {:?} has no input",
                e.field
            );
        }
    }
}

#[test]
fn returning_a_plan_needs_a_comment() {
    let errors = parse(C::ReviewPlan, &[("decision", "returned")], &ctx(None)).unwrap_err();
    assert_eq!(errors[0].field, Field::Comment);
    assert!(parse(C::ReviewPlan, &[("decision", "approved")], &ctx(None)).is_ok());
}

#[test]
fn accountability_appeals_until_the_end_of_the_chosen_day() {
    let v = [
        ("person", "handler"),
        ("responsibility", "direct"),
        ("measure", "written_self_review"),
        ("reason", "未按时限反馈"),
        ("appeal_until", "2026-11-30"),
    ];
    let Ok(EventBody::AccountabilityRecorded(a)) = parse(C::RecordAccountability, &v, &ctx(None))
    else {
        panic!("valid accountability");
    };
    assert_eq!(
        a.appeal_until,
        Timestamp::from_local(Date::new(2026, 12, 1).unwrap(), 0, 0, 480)
    );
    let errors = parse(C::RecordAccountability, &[], &ctx(None)).unwrap_err();
    assert!(errors.len() >= 4, "{errors:?}");
}

/// A fine carries its amount; other measures carry none.
#[test]
fn a_fine_needs_its_amount() {
    let v = |measure: &'static str, amount: &'static str| {
        vec![
            ("person", "handler"),
            ("responsibility", "direct"),
            ("measure", measure),
            ("amount", amount),
            ("reason", "未按时限反馈"),
            ("appeal_until", "2026-11-30"),
        ]
    };
    let errors = parse(C::RecordAccountability, &v("fine", ""), &ctx(None)).unwrap_err();
    assert_eq!(errors[0].field, Field::Amount, "{errors:?}");
    let Ok(EventBody::AccountabilityRecorded(a)) =
        parse(C::RecordAccountability, &v("fine", "200"), &ctx(None))
    else {
        panic!("a fine with its amount");
    };
    assert_eq!(a.amount.map(|m| m.fen()), Some(20_000));
    let Ok(EventBody::AccountabilityRecorded(a)) =
        parse(C::RecordAccountability, &v("warning", "200"), &ctx(None))
    else {
        panic!("a warning");
    };
    assert_eq!((a.measure, a.amount), (Measure::Warning, None));
}

/// A promised reply date is sent as the end of that day, and the form opens again on it (and
/// on the special flag) once the case carries it; a malformed date is refused by its field.
#[test]
fn a_reply_date_is_kept_and_the_form_opens_on_it() {
    let v = [
        ("special", "true"),
        ("due", "2026-12-10"),
        ("reason", "需现场复核"),
    ];
    let Ok(EventBody::DeadlineSet(d)) = parse(C::SetDeadline, &v, &ctx(None)) else {
        panic!("valid deadline");
    };
    let end = Timestamp::from_local(Date::new(2026, 12, 11).unwrap(), 0, 0, 480);
    assert!(d.special);
    assert_eq!(d.due, Some(end));
    let mut w = Writer::user(9, 1, "supervisor");
    let events = vec![
        w.write(EventBody::Registered(registration(
            CaseKind::Complaint,
            t0(),
        ))),
        w.write(EventBody::DeadlineSet(d)),
    ];
    let ctx = ctx(Some(fold(w.case, &events)));
    let start = form(C::SetDeadline).unwrap().start(&ctx);
    assert_eq!(start.get("due").map(String::as_str), Some("2026-12-10"));
    assert_eq!(start.get("special").map(String::as_str), Some("true"));
    let errors = parse(C::SetDeadline, &[("due", "2026-02-30")], &ctx).unwrap_err();
    assert_eq!(errors[0].field, Field::Deadline);
}

/// The amendment opens on the record sheet, keeps the goods it does not show, and refuses
/// to leave a named complainant without a contact (the shared rule the server runs too).
#[test]
fn an_amendment_starts_from_the_record_sheet_and_keeps_its_rules() {
    let mut w = Writer::user(1, 1, "clerk");
    let mut r = registration(CaseKind::Complaint, t0());
    r.details.goods = Some(Goods::new(short("手机"), 1).unwrap());
    let events = vec![w.write(EventBody::Registered(r))];
    let ctx = ctx(Some(fold(w.case, &events)));
    let amend = form(C::AmendRecord).unwrap();
    let mut start = amend.start(&ctx);
    assert_eq!(start["phone"], "13812345678");
    start.insert("email".into(), "zhang@example.com".into());
    let Ok(EventBody::RecordAmended(a)) = amend.parse(&start, &ctx) else {
        panic!("valid amendment");
    };
    assert_eq!(
        a.complainant.unwrap().email.map(|e| e.as_str().to_string()),
        Some("zhang@example.com".into())
    );
    assert_eq!(a.details.unwrap().goods.map(|g| g.quantity), Some(1));
    start.insert("phone".into(), String::new());
    start.insert("email".into(), String::new());
    let errors = amend.parse(&start, &ctx).unwrap_err();
    assert_eq!(errors[0].rule, Rule::ContactRequired);
}

#[test]
fn a_classification_names_a_category_of_the_catalog() {
    let ok = parse(
        C::Classify,
        &[("category", "attitude"), ("severity", "general")],
        &ctx(None),
    );
    assert!(ok.is_ok(), "{ok:?}");
    let errors = parse(
        C::Classify,
        &[("category", "made-up"), ("severity", "general")],
        &ctx(None),
    )
    .unwrap_err();
    assert_eq!(errors[0].rule, Rule::UnknownCategory);
}

#[test]
fn a_duplicate_link_needs_the_case_it_names() {
    let link = form(C::LinkDuplicate).unwrap();
    assert_eq!(
        link.names_case(&values(&[("of_label", " 2601001 ")])),
        Some("2601001".into())
    );
    let mut with_target = ctx(None);
    assert!(link.parse(&Values::new(), &with_target).is_err());
    with_target.link_target = Some(tousu_shared::ids::CaseId::from_u128(9));
    assert!(matches!(
        link.parse(&Values::new(), &with_target),
        Ok(EventBody::LinkedDuplicate(_))
    ));
}

/// Every form that opens with values opens with values its own parse reads: a valid start
/// plus its required texts parses.
#[test]
fn every_form_parses_from_its_start_and_its_required_fields() {
    let mut w = Writer::user(2, 1, "supervisor");
    let events = vec![w.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        t0(),
    )))];
    let ctx = ctx(Some(fold(w.case, &events)));
    let typed: &[(CommandKind, &[(&str, &str)])] = &[
        (
            C::Classify,
            &[("category", "attitude"), ("severity", "general")],
        ),
        (C::AddNote, &[("text", "已到现场")]),
        (C::ReviewPlan, &[("decision", "approved")]),
        (C::GiveFeedback, &[("text", "已电话告知")]),
        (C::RecordRevisit, &[("satisfaction", "satisfied")]),
        (C::AmendRecord, &[]),
        (C::Close, &[]),
        (C::StartInvestigation, &[]),
        (
            C::SubmitReport,
            &[
                ("findings", "监控显示入库时已破损"),
                ("finding", "partly_founded"),
            ],
        ),
    ];
    for (command, extra) in typed {
        let f = form(*command).unwrap();
        let mut v = f.start(&ctx);
        v.extend(values(extra));
        assert!(
            f.parse(&v, &ctx).is_ok(),
            "{command:?}: {:?}",
            f.parse(&v, &ctx)
        );
    }
    assert!(!has_form(C::Archive) && has_form(C::RecordRevisit));
}

/// The steps a profile adds: the interim measure needs its text; the request to the
/// complainant needs what is asked; their reply may be recorded without words.
#[test]
fn the_profile_steps_parse_what_they_need() {
    let ctx = ctx(None);
    let errors = parse(C::RecordInterimMeasure, &[], &ctx).unwrap_err();
    assert_eq!(errors[0].field, Field::Text);
    assert!(matches!(
        parse(
            C::RecordInterimMeasure,
            &[("measure", "先行调拨同型号货物")],
            &ctx
        ),
        Ok(EventBody::InterimMeasureTaken(_))
    ));
    assert_eq!(
        parse(C::RequestSupplement, &[], &ctx).unwrap_err()[0].field,
        Field::Reason
    );
    assert!(matches!(
        parse(C::ReceiveSupplement, &[], &ctx),
        Ok(EventBody::SupplementReceived(s)) if s.text.is_none()
    ));
}

#[cfg(feature = "office")]
#[test]
fn a_teaching_case_needs_its_lesson() {
    let errors = parse(C::MarkTeachingCase, &[], &ctx(None)).unwrap_err();
    assert_eq!(errors[0].field, Field::Text);
    assert!(matches!(
        parse(
            C::MarkTeachingCase,
            &[("lesson", "先致歉，再解释")],
            &ctx(None)
        ),
        Ok(EventBody::TeachingCaseMarked(_))
    ));
}
