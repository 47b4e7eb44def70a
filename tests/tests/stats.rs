//! Statistics over the API (issue 14, begun): the server keeps a row per case and answers
//! `/statistics` with the shared report, scoped to who asks.

use tousu_e2e::{Api, TestServer};
use tousu_shared::{
    clock::Timestamp,
    event::EventBody,
    model::CaseKind,
    stats::StatScope,
    testing::{Writer, registration},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_are_scoped_and_add_up() -> anyhow::Result<()> {
    let server = TestServer::start_demo(60)?;
    // From June 2026 (a case is pushed for the 15th below) to tomorrow: every demo case
    // (received in the last 60 days) falls in it whatever the date of the run.
    let p = {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis() as i64;
        let today = Timestamp(now).date(tousu_shared::clock::CHINA_OFFSET_MINUTES);
        format!(
            "2026-06-01..{}",
            tousu_shared::clock::Date::from_days(today.days() + 1)
        )
    };
    let sup = Api::login(&server.url, "supervisor", None).await?;
    let (code, body) = sup
        .get(&format!("/api/v1/statistics?period={p}&by=department"))
        .await?;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["scope"]["scope"], "all");
    let total = body["report"]["total"]["count"].as_u64().unwrap();
    assert_eq!(total, 60, "every demo case was received in {p}: {body}");
    let groups: u64 = body["report"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["figures"]["count"].as_u64().unwrap())
        .sum();
    assert_eq!(groups, total);

    // A department head: their department's cases only, whatever they ask for.
    let manager = Api::login(&server.url, "manager", None).await?;
    let (code, body) = manager
        .get(&format!(
            "/api/v1/statistics?period={p}&by=department&department=north"
        ))
        .await?;
    assert_eq!(code, 200, "{body}");
    let scope: StatScope = serde_json::from_value(body["scope"].clone())?;
    assert_eq!(
        scope,
        StatScope::Department(tousu_shared::testing::dept("ops"))
    );
    let theirs = body["report"]["total"]["count"].as_u64().unwrap();
    assert!(0 < theirs && theirs < total, "{theirs} of {total}");
    for g in body["report"]["groups"].as_array().unwrap() {
        assert!(g["key"] == "ops" || g["key"] == "", "{g}");
    }

    // Others are refused; a bad period is a 400 with the reason.
    let clerk = Api::login(&server.url, "clerk", None).await?;
    assert_eq!(
        clerk
            .get(&format!("/api/v1/statistics?period={p}"))
            .await?
            .0,
        403
    );
    let (code, body) = sup.get("/api/v1/statistics?period=2026-13").await?;
    assert_eq!(code, 400, "{body}");
    assert_eq!(
        sup.get(&format!("/api/v1/statistics?period={p}&by=colour"))
            .await?
            .0,
        400
    );

    // A case pushed after the first report is in the next one: the server's copy of the
    // rows reads what changed since it last looked.
    let mut writer = Writer::user(9, 1, "clerk");
    let clerk_api = Api::login(&server.url, "clerk", Some(writer.device)).await?;
    writer.now = Timestamp::from_local(
        tousu_shared::clock::Date::new(2026, 6, 15).unwrap(),
        10,
        0,
        tousu_shared::clock::CHINA_OFFSET_MINUTES,
    );
    let reg = writer.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        writer.now,
    )));
    clerk_api.push(std::slice::from_ref(&reg)).await?;
    let (_, body) = sup.get(&format!("/api/v1/statistics?period={p}")).await?;
    assert_eq!(body["report"]["total"]["count"], total + 1, "{body}");

    // Appraisal: supervisors see every person's line; a clerk sees only their own, and no
    // department's.
    let (code, body) = sup
        .get(&format!("/api/v1/appraisal?period={p}&by=person"))
        .await?;
    assert_eq!(code, 200, "{body}");
    let lines = body["lines"].as_array().unwrap();
    assert!(!lines.is_empty(), "the demo's handled cases: {body}");
    let (code, body) = sup
        .get(&format!("/api/v1/appraisal?period={p}&by=department"))
        .await?;
    assert_eq!(code, 200, "{body}");
    let by_dept: u64 = body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["figures"]["count"].as_u64().unwrap())
        .sum();
    assert!(by_dept > 0 && by_dept <= total + 1, "{body}");
    let (code, body) = clerk
        .get(&format!("/api/v1/appraisal?period={p}&by=person"))
        .await?;
    assert_eq!(code, 200, "{body}");
    for l in body["lines"].as_array().unwrap() {
        assert_eq!(l["key"], "clerk", "{body}");
    }
    assert_eq!(
        clerk
            .get(&format!("/api/v1/appraisal?period={p}&by=department"))
            .await?
            .0,
        403
    );
    Ok(())
}
