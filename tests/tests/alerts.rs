//! Staff alerts in Chromium (issue 16 §6): a clerk's tablet, offline, with its clock moved
//! to a day before, an hour before and an hour after the deadline of the case the clerk owes
//! the next step of: no alert, then a near-due alert, then an overdue one; each notified
//! once (a reload notifies nothing again).

use tousu_e2e::{Api, Browser, DEMO_PASSWORD, TestServer};
use tousu_shared::{
    api::Reference,
    fold::fold,
    sla::{WorkCalendar, clocks, next_due},
    testing::{Writer, closed_complaint, t0},
};

/// The page's clock runs `test.clock.offset` ms (localStorage) off the real one; browser
/// notifications are recorded in `window.__notes` (their tags) instead of shown.
const STAND_INS: &str = r#"
(() => {
  const real = Date.now.bind(Date);
  Date.now = () => real() + Number(localStorage.getItem('test.clock.offset') || 0);
  window.__notes = [];
  class FakeNotification { constructor(title, options) { window.__notes.push(options && options.tag); } }
  FakeNotification.permission = 'granted';
  FakeNotification.requestPermission = () => Promise.resolve('granted');
  window.Notification = FakeNotification;
})();
"#;

const NOTES: &str = "return JSON.stringify(window.__notes);";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_due_and_overdue_alerts_come_once_each_on_an_offline_tablet() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let mut w = Writer::user(1, 71, "clerk");
    let clerk = Api::login(&server.url, "clerk", Some(w.device)).await?;
    let registered = closed_complaint(&mut w)[..1].to_vec();
    let answer = clerk.push(&registered).await?;
    anyhow::ensure!(answer.numbers.len() == 1, "{answer:?}");
    let case = registered[0].case_id;
    let (_, reference) = clerk.get("/api/v1/reference").await?;
    let reference: Reference = serde_json::from_value(reference)?;
    let calendar = WorkCalendar::parse(&reference.calendar).expect("calendar");
    let view = fold(case, &registered);
    let running = clocks(&view, &reference.sla_policy, &calendar, t0());
    let due = next_due(&running).expect("a running deadline").due.at.0;
    let hour = 3_600_000;

    let b = Browser::start().await?;
    let result = async {
        b.add_init_script(STAND_INS).await?;
        let real = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis() as i64;
        let set_clock = async |at: i64| {
            b.client
                .execute(
                    &format!("localStorage.setItem('test.clock.offset', '{}')", at - real),
                    vec![],
                )
                .await
        };
        b.client.goto(&server.url).await?;
        set_clock(due - 30 * hour).await?;
        b.sign_in(&server.url, "clerk", DEMO_PASSWORD).await?;
        b.wait_all_synced().await?;
        b.wait_for_text("[data-testid=nav-todo-count]", "1").await?;
        assert_eq!(
            b.client
                .execute(
                    "return document.querySelectorAll('[data-testid=deadline-alerts]').length",
                    vec![]
                )
                .await?,
            0,
            "a day before, nothing"
        );

        b.wait_for_script(
            "the service worker",
            "return !!navigator.serviceWorker.controller;",
        )
        .await?;
        b.set_offline(true).await?;
        set_clock(due - hour).await?;
        b.wait_for_script(
            "the near-due alert",
            "return !!document.querySelector('[data-testid=deadline-alerts][data-count=\"1\"]');",
        )
        .await?;
        b.click("deadline-alerts").await?;
        b.wait_for_script(
            "listed as near",
            "return !!document.querySelector('[data-testid=deadline-alert][data-kind=NearDue]');",
        )
        .await?;
        b.screenshot("alerts-near-due-offline").await?;
        let notes = b.wait_for_script_value("a notification", NOTES).await?;
        let notes: Vec<String> = serde_json::from_str(&notes)?;
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].starts_with(&format!("{case}:near:")), "{notes:?}");

        set_clock(due + hour).await?;
        b.wait_for_script(
            "the overdue alert",
            "return !!document.querySelector('[data-testid=deadline-alert][data-kind=Overdue]');",
        )
        .await?;
        // A full period of the alert's clock later, still one notification each.
        tokio::time::sleep(std::time::Duration::from_secs(21)).await;
        let notes: Vec<String> =
            serde_json::from_str(&b.wait_for_script_value("the notifications", NOTES).await?)?;
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[1].starts_with(&format!("{case}:overdue:")),
            "{notes:?}"
        );

        // Reopened offline (from the service worker): still listed, not notified again.
        b.client.refresh().await?;
        b.wait_for_script(
            "the alert after a reload",
            "return !!document.querySelector('[data-testid=deadline-alerts]');",
        )
        .await?;
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        let notes: Vec<String> =
            serde_json::from_str(&b.wait_for_script_value("the notifications", NOTES).await?)?;
        assert!(notes.is_empty(), "alerted twice: {notes:?}");
        anyhow::Ok(())
    }
    .await;
    b.close().await?;
    result
}
