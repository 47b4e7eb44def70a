//! The archive at office desks in Chromium (issue 15 §1–2): the archivist archives a month
//! from the app; a department head asks for the archived case by its number; the archivist
//! approves it for one day with a comment; the head's list shows the grant, and the server
//! then lets them read the case, until the archivist revokes the grant. The API answers a request for an unknown number with 404
//! and an approval for more days than asked with 400.

use fantoccini::Locator;
use tousu_e2e::{Api, Browser, DEMO_PASSWORD, TestServer, axe_source, post};
use tousu_shared::testing::{Writer, closed_complaint};

/// Sets a month input's value (`YYYY-MM`) the way a picker does.
async fn choose_month(browser: &Browser, testid: &str, month: &str) -> anyhow::Result<()> {
    browser
        .client
        .wait()
        .for_element(Locator::Css(&format!("[data-testid={testid}]")))
        .await?;
    browser
        .client
        .execute(
            &format!(
                "const i = document.querySelector('[data-testid={testid}]'); i.value = '{month}'; \
                 i.dispatchEvent(new Event('input', {{ bubbles: true }}));"
            ),
            vec![],
        )
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archived_case_is_asked_for_by_number_and_approved_for_a_day() -> anyhow::Result<()> {
    let server = TestServer::start_in(
        tempfile::tempdir()?,
        &[
            ("TOUSU_DEMO", "true"),
            ("TOUSU_DEMO_CASES", "0"),
            ("TOUSU_DEMO_PASSWORD", DEMO_PASSWORD),
        ],
    )?;
    // A complaint closed in January 2025 (the fixture's dates), dispatched to `ops`.
    let mut w = Writer::user(1, 91, "supervisor");
    let supervisor = Api::login(&server.url, "supervisor", Some(w.device)).await?;
    let events = closed_complaint(&mut w);
    let case = events[0].case_id;
    let pushed = supervisor.push(&events).await?;
    let number = pushed
        .numbers
        .iter()
        .find(|(c, _)| *c == case)
        .map(|(_, n)| n.to_string())
        .expect("the case got a number");
    let manager = Api::login(&server.url, "manager", None).await?;

    // Over the API: an unknown number is not found; neither scope nor number is a bad request.
    let (status, _) = post(
        &manager,
        "/api/v1/archive/requests",
        serde_json::json!({ "number": "0000999", "reason": "核对", "days": 1 }),
    )
    .await?;
    assert_eq!(status, 404);
    let (status, _) = post(
        &manager,
        "/api/v1/archive/requests",
        serde_json::json!({ "reason": "核对", "days": 1 }),
    )
    .await?;
    assert_eq!(status, 400);

    let archivist = Browser::start().await?;
    let head = Browser::start().await?;
    let result = async {
        archivist
            .sign_in(&server.url, "archivist", DEMO_PASSWORD)
            .await?;
        archivist.click("nav-archive").await?;
        // Nothing is chosen for the archivist: the month starts empty and is refused so.
        archivist.click("archive-submit").await?;
        choose_month(&archivist, "archive-month", "2025-01").await?;
        archivist.click("archive-submit").await?;
        archivist
            .wait_for_text_where("[data-testid=archive-result]", "1", |t| t.ends_with(" 1"))
            .await?;

        head.sign_in(&server.url, "manager", DEMO_PASSWORD).await?;
        head.client.goto(&format!("{}/archive", server.url)).await?;
        head.fill("ask-number", &number).await?;
        head.fill("ask-days", "3").await?;
        head.fill("ask-reason", "复核赔偿金额").await?;
        head.click("ask-submit").await?;
        head.wait_for_text_where("[data-testid=ask-sent]", "申请已提交", |t| {
            t.contains("申请已提交")
        })
        .await?;
        head.wait_for_text_where("[data-testid=request-status]", "待审批", |t| {
            t.contains("待审批")
        })
        .await?;
        head.wait_for_text("[data-testid=request-what]", &number)
            .await?;
        let (status, _) = manager.get(&format!("/api/v1/cases/{case}")).await?;
        assert_eq!(status, 404, "no grant yet");

        // The archivist sees it in the inbox and approves it for one day, with a comment.
        archivist
            .client
            .goto(&format!("{}/archive", server.url))
            .await?;
        archivist
            .wait_for_text("[data-testid=request-what]", &number)
            .await?;
        let violations = archivist.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe: {violations:?}");
        archivist.screenshot("archive-archivist-tablet").await?;
        archivist.fill("decision-days", "5").await?;
        archivist.click("approve").await?;
        archivist
            .wait_for_text_where("[data-testid=request] [role=alert]", "1–3", |t| {
                t.contains("1–3")
            })
            .await?;
        archivist.fill("decision-days", "1").await?;
        archivist.fill("decision-comment", "仅限复核").await?;
        archivist.click("approve").await?;
        archivist
            .wait_for_text_where("[data-testid=request-status]", "已批准", |t| {
                t.contains("已批准")
            })
            .await?;
        // The grants in force, apart: this one; nothing waits any more.
        archivist.click("requests-active").await?;
        archivist
            .wait_for_script(
                "one grant in force",
                "return document.querySelectorAll('[data-testid=request]').length === 1;",
            )
            .await?;
        archivist.click("requests-pending").await?;
        archivist
            .wait_for_text_where("[data-testid=requests-none]", "nothing waiting", |t| {
                t.contains("没有")
            })
            .await?;
        archivist.click("requests-active").await?;
        archivist.client.set_window_size(1920, 1080).await?;
        archivist.screenshot("archive-archivist-desktop").await?;

        head.client.goto(&format!("{}/archive", server.url)).await?;
        head.wait_for_text_where("[data-testid=request-status]", "仅限复核", |t| {
            t.contains("仅限复核")
        })
        .await?;
        let violations = head.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe: {violations:?}");
        head.set_dark(true).await?;
        head.screenshot("archive-manager-dark").await?;
        head.set_dark(false).await?;
        // In the other languages, on a tablet held upright.
        head.select("lang-select", "en").await?;
        head.wait_for_text_where("[data-testid=request-status]", "approved", |t| {
            t.contains("Approved until")
        })
        .await?;
        head.client.set_window_size(800, 1280).await?;
        head.screenshot("archive-manager-en-portrait").await?;
        archivist.select("lang-select", "zh-TW").await?;
        archivist
            .wait_for_text_where("[data-testid=page-archive] h2", "zh-TW", |t| {
                t.contains("月度歸檔")
            })
            .await?;
        archivist.screenshot("archive-archivist-zh-tw").await?;
        let (status, body) = manager.get(&format!("/api/v1/cases/{case}")).await?;
        assert_eq!(status, 200, "the grant lets the head read it: {body}");

        // The archivist ends the grant early: the case is hidden again, and a second
        // revocation is refused.
        archivist.click("revoke").await?;
        // It leaves the grants in force; the whole list says it ended.
        archivist
            .wait_for_script(
                "no grant in force",
                "return document.querySelectorAll('[data-testid=request]').length === 0;",
            )
            .await?;
        archivist.click("requests-all").await?;
        archivist
            .wait_for_text_where("[data-testid=request-status]", "ended", |t| {
                t.contains("授權已結束")
            })
            .await?;
        let (status, _) = manager.get(&format!("/api/v1/cases/{case}")).await?;
        assert_eq!(status, 404, "revoked");
        let archivist_api = Api::login(&server.url, "archivist", None).await?;
        let (requests_status, list) = archivist_api.get("/api/v1/archive/requests").await?;
        assert_eq!(requests_status, 200);
        let id = list[0]["id"].as_i64().expect("an id");
        let (status, _) = post(
            &archivist_api,
            &format!("/api/v1/archive/requests/{id}/revoke"),
            serde_json::json!({}),
        )
        .await?;
        assert_eq!(status, 400, "nothing left to revoke");
        let (status, _) = post(
            &manager,
            &format!("/api/v1/archive/requests/{id}/revoke"),
            serde_json::json!({}),
        )
        .await?;
        assert_eq!(status, 403, "only archivists revoke");
        Ok::<(), anyhow::Error>(())
    }
    .await;
    archivist.close().await?;
    head.close().await?;
    result
}

/// Restarts on the same database and address with the clock `offset_hours` ahead.
fn restart_at(server: TestServer, port: u16, offset_hours: i64) -> anyhow::Result<TestServer> {
    let offset = offset_hours.to_string();
    TestServer::start_at(
        server.into_data(),
        port,
        &[
            ("TOUSU_DEMO", "true"),
            ("TOUSU_DEMO_CASES", "0"),
            ("TOUSU_DEMO_PASSWORD", DEMO_PASSWORD),
            ("TOUSU_CLOCK_OFFSET_HOURS", &offset),
        ],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_granted_case_opens_read_only_and_is_gone_when_the_grant_ends() -> anyhow::Result<()> {
    let port = tousu_e2e::free_port();
    let server = restart_at(TestServer::start_demo(0)?, port, 0)?;
    let mut w = Writer::user(1, 92, "supervisor");
    let supervisor = Api::login(&server.url, "supervisor", Some(w.device)).await?;
    let events = closed_complaint(&mut w);
    let case = events[0].case_id;
    let pushed = supervisor.push(&events).await?;
    let number = pushed
        .numbers
        .iter()
        .find(|(c, _)| *c == case)
        .map(|(_, n)| n.to_string())
        .expect("the case got a number");
    let archivist = Api::login(&server.url, "archivist", None).await?;
    let (status, run) = post(
        &archivist,
        "/api/v1/archive/run",
        serde_json::json!({"year": 2025, "month": 1}),
    )
    .await?;
    assert_eq!(status, 200, "{run}");
    let manager = Api::login(&server.url, "manager", None).await?;
    let (status, asked) = post(
        &manager,
        "/api/v1/archive/requests",
        serde_json::json!({ "number": number, "reason": "复核赔偿金额", "days": 1 }),
    )
    .await?;
    assert_eq!(status, 200, "{asked}");
    let (_, list) = archivist.get("/api/v1/archive/requests").await?;
    let id = list[0]["id"].as_i64().expect("an id");
    let (status, _) = post(
        &archivist,
        &format!("/api/v1/archive/requests/{id}/decision"),
        serde_json::json!({ "approve": true, "comment": "仅限复核" }),
    )
    .await?;
    assert_eq!(status, 200);

    let head = Browser::start().await?;
    let desk = Browser::start().await?;
    let result = async {
        head.sign_in(&server.url, "manager", DEMO_PASSWORD).await?;
        head.client.goto(&format!("{}/archive", server.url)).await?;
        head.click("open-granted").await?;
        head.wait_for_text_where("[data-testid=facts]", "the complaint's words", |t| {
            t.contains("快件外包装破损")
        })
        .await?;
        head.wait_for_text_where("[data-testid=granted-notice]", "grant end", |t| {
            t.contains("授权有效至")
        })
        .await?;
        let violations = head.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe: {violations:?}");
        head.screenshot("archive-granted-case-tablet").await?;
        // Read from the server, never kept: the device holds none of it.
        assert_eq!(head.storage_hits("快件外包装破损").await?, 0, "stored on the device");

        // A day and an hour later the grant is over: the server answers 404, the page says so
        // and the device still holds nothing.
        let server = restart_at(server, port, 25)?;
        head.client
            .goto(&format!("{}/archive/cases/{case}", server.url))
            .await?;
        head.wait_for_text_where("[data-testid=granted-gone]", "grant over", |t| {
            t.contains("授权已结束")
        })
        .await?;
        assert_eq!(head.storage_hits("快件外包装破损").await?, 0);
        assert_eq!(head.storage_hits(&number).await?, 0);
        let (status, _) = manager.get(&format!("/api/v1/cases/{case}")).await?;
        assert_eq!(status, 404, "the grant is over");

        // The audit screen lists the request, the decision and the reading.
        desk.sign_in(&server.url, "archivist", DEMO_PASSWORD).await?;
        desk.click("nav-audit").await?;
        desk.fill("audit-subject", &number).await?;
        desk.click("audit-submit").await?;
        desk.wait_for_script_value(
            "the request, decision and read rows",
            "const rows = [...document.querySelectorAll('[data-testid=audit-row]')].map(r => r.dataset.action); \
             return ['archive_request', 'archive_request_approved', 'archive_read'].every(a => rows.includes(a)) ? rows.join(',') : null;",
        )
        .await?;
        desk.screenshot("archive-granted-audit").await?;
        Ok::<(), anyhow::Error>(())
    }
    .await;
    head.close().await?;
    desk.close().await?;
    result
}
