//! Time-limited things expire: sessions after 72 idle hours or 14 days in all, archive access
//! grants after their days. The same database is reopened by a server whose clock is moved
//! forward (`TOUSU_CLOCK_OFFSET_HOURS`), as the days would have passed.

use tousu_e2e::{Api, DEMO_PASSWORD, TestServer, post};
use tousu_shared::testing::{Writer, closed_complaint};

fn demo_env(offset_hours: i64) -> Vec<(&'static str, String)> {
    vec![
        ("TOUSU_DEMO", "true".into()),
        ("TOUSU_DEMO_CASES", "0".into()),
        ("TOUSU_DEMO_PASSWORD", DEMO_PASSWORD.into()),
        ("TOUSU_CLOCK_OFFSET_HOURS", offset_hours.to_string()),
    ]
}

/// Restarts on the same database with the clock `offset_hours` ahead.
fn at(server: TestServer, offset_hours: i64) -> anyhow::Result<TestServer> {
    let env = demo_env(offset_hours);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    TestServer::start_in(server.into_data(), &env)
}

async fn me(server: &TestServer, token: &str) -> anyhow::Result<u16> {
    Ok(reqwest::Client::new()
        .get(format!("{}/api/v1/auth/me", server.url))
        .bearer_auth(token)
        .send()
        .await?
        .status()
        .as_u16())
}

#[tokio::test]
async fn sessions_end_after_72_idle_hours_or_14_days_in_all() -> anyhow::Result<()> {
    let server = at(TestServer::start_demo(0)?, 0)?;
    let idle = Api::login(&server.url, "handler", None).await?.token;
    let busy = Api::login(&server.url, "clerk", None).await?.token;
    assert_eq!(me(&server, &idle).await?, 200);

    // 71 hours later both still work; using one keeps it alive.
    let server = at(server, 71)?;
    assert_eq!(me(&server, &busy).await?, 200);
    // 73 hours after the last use the idle one is over; the busy one was used 2 hours ago.
    let server = at(server, 73)?;
    assert_eq!(me(&server, &idle).await?, 401, "idle for 73 hours");
    assert_eq!(me(&server, &busy).await?, 200);
    // Kept busy every 70 hours, it still ends 14 days after sign-in.
    let mut server = server;
    for hours in [140, 210, 280, 335] {
        server = at(server, hours)?;
        assert_eq!(me(&server, &busy).await?, 200, "at {hours} h");
    }
    let server = at(server, 14 * 24 + 1)?;
    assert_eq!(me(&server, &busy).await?, 401, "absolute expiry");
    Ok(())
}

#[tokio::test]
async fn an_archive_access_grant_expires_after_its_days() -> anyhow::Result<()> {
    let server = at(TestServer::start_demo(0)?, 0)?;
    let mut w = Writer::user(1, 81, "supervisor");
    let supervisor = Api::login(&server.url, "supervisor", Some(w.device)).await?;
    let events = closed_complaint(&mut w);
    supervisor.push(&events).await?;
    let case = events[0].case_id;
    let archivist = Api::login(&server.url, "archivist", None).await?;
    let (code, run) = post(
        &archivist,
        "/api/v1/archive/run",
        serde_json::json!({"year": 2025, "month": 1}),
    )
    .await?;
    assert_eq!(code, 200, "{run}");
    let (_, request) = post(
        &supervisor,
        "/api/v1/archive/requests",
        serde_json::json!({"scope": {"type": "case", "case": case}, "reason": "客户再次投诉", "days": 2}),
    )
    .await?;
    let (code, decided) = post(
        &archivist,
        &format!("/api/v1/archive/requests/{}/decision", request["id"]),
        serde_json::json!({"approve": true}),
    )
    .await?;
    assert_eq!(code, 200, "{decided}");
    assert_eq!(
        supervisor.get(&format!("/api/v1/cases/{case}")).await?.0,
        200
    );

    // A day later the grant still holds; three days later it is over.
    let server = at(server, 24)?;
    let supervisor = Api::login(&server.url, "supervisor", None).await?;
    assert_eq!(
        supervisor.get(&format!("/api/v1/cases/{case}")).await?.0,
        200
    );
    let server = at(server, 72)?;
    let supervisor = Api::login(&server.url, "supervisor", None).await?;
    assert_eq!(
        supervisor.get(&format!("/api/v1/cases/{case}")).await?.0,
        404,
        "expired: hidden again"
    );
    Ok(())
}
