//! "My to-do" (待辦, issue 15 §4) in Chromium: four cases at four points of their lives; the
//! supervisor's queue holds the one to classify and the plan to review, the ops department
//! head's the dispatched one to investigate, nobody's the closed one; the navigation shows
//! each count, and each row says the step owed.

use tousu_e2e::{Api, Browser, DEMO_PASSWORD, TestServer, axe_source};
use tousu_shared::testing::{Writer, closed_complaint};

/// The steps owed on the listed rows, sorted, comma-separated.
const OWED: &str = "const rows = [...document.querySelectorAll('[data-testid=case-row]')]; \
     return rows.length ? rows.map(r => r.dataset.owed).sort().join(',') : null;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_person_s_queue_holds_the_cases_waiting_for_their_step() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    // Registered (1 event), dispatched to ops (3), plan proposed (5), closed (all).
    for (case_no, n) in [(1, 1), (2, 3), (3, 5), (4, usize::MAX)] {
        let mut w = Writer::user(case_no, 60 + case_no, "supervisor");
        let api = Api::login(&server.url, "supervisor", Some(w.device)).await?;
        let events = closed_complaint(&mut w);
        let answer = api.push(&events[..n.min(events.len())]).await?;
        anyhow::ensure!(answer.numbers.len() == 1, "{answer:?}");
    }
    let supervisor = Browser::start().await?;
    let manager = Browser::start().await?;
    let result = async {
        supervisor
            .sign_in(&server.url, "supervisor", DEMO_PASSWORD)
            .await?;
        supervisor.wait_all_synced().await?;
        supervisor.wait_for_text("[data-testid=nav-todo-count]", "2").await?;
        supervisor.click("nav-todo").await?;
        let owed = supervisor
            .wait_for_script_value("the supervisor's queue", OWED)
            .await?;
        assert_eq!(owed, "classify,review_plan");
        supervisor
            .wait_for_text_where("[data-testid=owed-step]", "a step", |t| t.contains("待我"))
            .await?;
        let violations = supervisor.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe: {violations:?}");
        supervisor.screenshot("todo-supervisor-tablet").await?;
        // Unticking "waiting for me" lists every open case again (three: one is closed).
        supervisor.click("filter-todo").await?;
        supervisor
            .wait_for_script_value(
                "the three open cases",
                "return document.querySelectorAll('[data-testid=case-row]').length === 3 ? 'ok' : null;",
            )
            .await?;

        manager.sign_in(&server.url, "manager", DEMO_PASSWORD).await?;
        manager.wait_all_synced().await?;
        manager.wait_for_text("[data-testid=nav-todo-count]", "1").await?;
        manager.click("nav-todo").await?;
        let owed = manager
            .wait_for_script_value("the department head's queue", OWED)
            .await?;
        assert_eq!(owed, "start_investigation");
        manager.select("lang-select", "en").await?;
        manager
            .wait_for_text_where("[data-testid=owed-step]", "English", |t| t.contains("For me"))
            .await?;
        manager.set_dark(true).await?;
        manager.screenshot("todo-manager-en-dark").await?;
        Ok::<(), anyhow::Error>(())
    }
    .await;
    supervisor.close().await?;
    manager.close().await?;
    result
}
