//! Destruction and the audit trail at office desks in Chromium (issue 15 §1): the archivist
//! finds the archived case by month and number, proposes destroying it (retention over), and
//! nothing is erased until a leader approves in their own session (004 "經公司相關領導批准");
//! the archivist's audit screen then lists the proposal, the approval and the destruction,
//! and says the hash chain is intact. axe-core scans each screen.

use fantoccini::Locator;
use tousu_e2e::{Api, Browser, DEMO_PASSWORD, TestServer, axe_source, post};
use tousu_shared::testing::{Writer, closed_complaint};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archivist_proposes_and_a_leader_approves_a_destruction() -> anyhow::Result<()> {
    let server = TestServer::start_in(
        tempfile::tempdir()?,
        &[
            ("TOUSU_DEMO", "true"),
            ("TOUSU_DEMO_CASES", "0"),
            ("TOUSU_DEMO_PASSWORD", DEMO_PASSWORD),
            ("TOUSU_RETENTION_DAYS", "0"),
        ],
    )?;
    let mut w = Writer::user(1, 93, "supervisor");
    let supervisor = Api::login(&server.url, "supervisor", Some(w.device)).await?;
    let events = closed_complaint(&mut w);
    let case = events[0].case_id;
    let pushed = supervisor.push(&events).await?;
    let number = pushed.numbers[0].1.to_string();
    let archivist_api = Api::login(&server.url, "archivist", None).await?;
    let (status, _) = post(
        &archivist_api,
        "/api/v1/archive/run",
        serde_json::json!({"year": 2025, "month": 1}),
    )
    .await?;
    assert_eq!(status, 200);

    let archivist = Browser::start().await?;
    let leader = Browser::start().await?;
    let result = async {
        archivist
            .sign_in(&server.url, "archivist", DEMO_PASSWORD)
            .await?;
        archivist.click("nav-archive").await?;
        // Browse: by number, then nothing in another month.
        archivist.fill("browse-number", &number[..4]).await?;
        archivist.click("browse-submit").await?;
        archivist
            .wait_for_text_where("[data-testid=browse-row]", "the number", |t| {
                t.contains(&number)
            })
            .await?;
        // Propose: nothing is chosen for the archivist; an empty proposal is refused.
        archivist.click("destruction-submit").await?;
        archivist
            .wait_for_text_where("[data-testid=destruction-error]", "refused", |t| {
                t.contains("请选择")
            })
            .await?;
        archivist.click_css("[data-testid=due-case]").await?;
        archivist.fill("destruction-reason", "保管期满，申请销毁").await?;
        archivist.click("destruction-submit").await?;
        archivist
            .wait_for_text_where("[data-testid=proposal-status]", "pending", |t| {
                t.contains("待领导批准")
            })
            .await?;
        // Once proposed, the case is not offered again.
        archivist
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=due-empty]"))
            .await?;
        let listed = format!("/api/v1/archive/cases?number={number}");
        let (_, still) = archivist_api.get(&listed).await?;
        assert!(still[0]["destroyed"].is_null(), "a proposal erases nothing: {still}");
        assert!(
            archivist
                .client
                .find_all(Locator::Css("[data-testid=destruction-approve]"))
                .await?
                .is_empty(),
            "the archivist has nothing to approve"
        );
        let violations = archivist.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe: {violations:?}");
        archivist.screenshot("destruction-archivist-tablet").await?;

        // The leader approves in their own session.
        leader.sign_in(&server.url, "leader", DEMO_PASSWORD).await?;
        leader.click("nav-archive").await?;
        leader
            .wait_for_text_where("[data-testid=proposal-cases]", "the number", |t| {
                t.contains(&number)
            })
            .await?;
        let violations = leader.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe: {violations:?}");
        leader.screenshot("destruction-leader-tablet").await?;
        leader.fill("destruction-comment", "同意销毁").await?;
        leader.click("destruction-approve").await?;
        leader
            .wait_for_text_where("[data-testid=proposal-status]", "approved", |t| {
                t.contains("已批准并销毁") && t.contains("同意销毁")
            })
            .await?;
        leader.client.set_window_size(800, 1280).await?;
        leader.select("lang-select", "en").await?;
        leader
            .wait_for_text_where("[data-testid=proposal-status]", "English", |t| {
                t.contains("Approved and destroyed")
            })
            .await?;
        leader.screenshot("destruction-leader-en-portrait").await?;
        let (_, gone) = archivist_api.get(&listed).await?;
        assert!(gone[0]["destroyed"].is_i64(), "approved: destroyed: {gone}");
        assert_eq!(gone[0]["case"], case.to_string());

        // The audit screen: the proposal, the decision and the destruction; the chain holds.
        archivist.click("nav-audit").await?;
        archivist
            .wait_for_text_where("[data-testid=audit-chain]", "intact", |t| {
                t.contains("哈希链校验通过")
            })
            .await?;
        archivist.fill("audit-subject", &number).await?;
        archivist.client.execute(
            "const s = document.querySelector('[data-testid=audit-action]'); s.value = 'destroy'; \
             s.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![],
        ).await?;
        archivist.click("audit-submit").await?;
        archivist
            .wait_for_script_value(
                "one destroy row",
                "const r = [...document.querySelectorAll('[data-testid=audit-row]')]; \
                 return r.length === 1 && r[0].dataset.action === 'destroy' ? 'ok' : null;",
            )
            .await?;
        archivist.client.set_window_size(1920, 1080).await?;
        let violations = archivist.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe: {violations:?}");
        archivist.screenshot("audit-archivist-desktop").await?;
        archivist.client.goto(&format!("{}/audit", server.url)).await?;
        for action in ["destruction_proposed", "destruction_approved", "archive_run"] {
            archivist
                .wait_for_script_value(
                    action,
                    &format!(
                        "return document.querySelector('[data-testid=audit-row][data-action={action}]') ? 'ok' : null;"
                    ),
                )
                .await?;
        }
        archivist.set_dark(true).await?;
        archivist.select("lang-select", "zh-TW").await?;
        archivist
            .wait_for_text_where("[data-testid=audit-chain]", "zh-TW", |t| t.contains("雜湊鏈"))
            .await?;
        archivist.screenshot("audit-archivist-zh-tw-dark").await?;
        Ok::<(), anyhow::Error>(())
    }
    .await;
    archivist.close().await?;
    leader.close().await?;
    result
}
