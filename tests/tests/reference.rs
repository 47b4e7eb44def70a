//! Reference data over the API: read by every signed-in device, edited by admins, checked.

use tousu_e2e::{Api, TestServer, put};
use tousu_shared::{
    api::sync::{PushResult, Quarantine},
    event::EventBody,
    ids::CategoryId,
    model::CaseKind,
    sla::WorkCalendar,
    testing::{Writer, registration, t0},
    validate::{Field, FieldError, Rule},
};

#[tokio::test]
async fn admins_edit_reference_data_and_the_rules_follow() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let admin = Api::login(&server.url, "admin", None).await?;
    let mut w = Writer::user(1, 91, "clerk");
    let clerk = Api::login(&server.url, "clerk", Some(w.device)).await?;

    let (code, reference) = clerk.get("/api/v1/reference").await?;
    assert_eq!(code, 200);
    let calendar = WorkCalendar::parse(reference["calendar"].as_str().unwrap())?;
    assert!(calendar.knows(2026));
    assert_eq!(
        reference["catalog"]["departments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Only admins edit; a broken calendar names its line.
    let text = "year 2027\n2027-01-01 holiday 元旦\n";
    assert_eq!(
        put(
            &clerk,
            "/api/v1/admin/calendar",
            serde_json::json!({"text": text})
        )
        .await?
        .0,
        403
    );
    let (code, body) = put(
        &admin,
        "/api/v1/admin/calendar",
        serde_json::json!({"text": "year 2027\n2027-02-30 holiday x\n"}),
    )
    .await?;
    assert_eq!(code, 400);
    assert!(
        body["message"].as_str().unwrap().contains("line 2"),
        "{body}"
    );
    let (code, body) = put(
        &admin,
        "/api/v1/admin/calendar",
        serde_json::json!({"text": format!("{text}2027-01-09..2027-01-10 workday\n")}),
    )
    .await?;
    assert_eq!(code, 200);
    assert_eq!(
        body["warnings"].as_array().unwrap().len(),
        1,
        "twelve working days in a row: {body}"
    );
    let (_, reference) = clerk.get("/api/v1/reference").await?;
    assert!(WorkCalendar::parse(reference["calendar"].as_str().unwrap())?.knows(2027));

    // A new category tree: registrations follow it.
    let tree = serde_json::json!([
        {"id": "metro", "name_zh_cn": "地铁运营", "name_zh_tw": "地鐵營運", "name_en": "Metro operations"},
        {"id": "metro-delay", "parent": "metro", "name_zh_cn": "列车延误", "name_zh_tw": "列車延誤", "name_en": "Train delay"}
    ]);
    let bad = serde_json::json!([{"id": "x", "parent": "missing", "name_zh_cn": "x", "name_zh_tw": "x", "name_en": "x"}]);
    assert_eq!(put(&admin, "/api/v1/admin/categories", bad).await?.0, 400);
    assert_eq!(put(&admin, "/api/v1/admin/categories", tree).await?.0, 200);
    let mut reg = registration(CaseKind::Complaint, t0());
    reg.category = Some(CategoryId::parse("metro-delay")?);
    let ok = clerk
        .push(&[w.write(EventBody::Registered(reg.clone()))])
        .await?;
    assert!(matches!(ok.results[0], PushResult::Applied { .. }));
    w.switch_to(2);
    reg.category = Some(CategoryId::parse("hygiene")?);
    let refused = clerk.push(&[w.write(EventBody::Registered(reg))]).await?;
    match &refused.results[0] {
        PushResult::Quarantined {
            why: Quarantine::Invalid { fields, .. },
            ..
        } => {
            assert_eq!(
                fields,
                &vec![FieldError::new(Field::Category, Rule::UnknownCategory)]
            );
        }
        other => panic!("expected invalid, got {other:?}"),
    }

    // The SLA policy round-trips.
    let mut policy = serde_json::to_value(tousu_shared::sla::SlaPolicy::default())?;
    policy["whole_case"] = serde_json::json!({"unit": "working_days", "n": 5});
    assert_eq!(
        put(&admin, "/api/v1/admin/sla-policy", policy).await?.0,
        200
    );
    let (_, reference) = clerk.get("/api/v1/reference").await?;
    assert_eq!(reference["sla_policy"]["whole_case"]["n"], 5);
    Ok(())
}
