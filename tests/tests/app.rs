//! The offline app end to end: real server, real Chromium, real IndexedDB and service worker.
//! Network loss is Chromium's own emulation (requests fail, `navigator.onLine` is false).

use fantoccini::Locator;
use tousu_e2e::{Browser, TestServer, screenshot_dir};

use tousu_e2e::DEMO_PASSWORD as PASSWORD;

async fn run<F>(name: &str, server: &TestServer, scenario: F) -> anyhow::Result<()>
where
    F: AsyncFnOnce(&TestServer, &Browser) -> anyhow::Result<()>,
{
    let browser = Browser::start().await?;
    let result = scenario(server, &browser).await;
    if result.is_err() {
        let _ = browser.screenshot(&format!("failure-{name}")).await;
    }
    browser.close().await?;
    println!("e2e screenshots: {}", screenshot_dir().display());
    result
}

async fn user_databases(browser: &Browser) -> anyhow::Result<Vec<String>> {
    let names = browser
        .client
        .execute(
            "return (async () => (await indexedDB.databases()).map(d => d.name))();",
            vec![],
        )
        .await?;
    Ok(names
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default())
}

/// (a) A field worker signs in, goes offline, registers a complaint (a rejected attempt first:
/// nothing typed is lost), adds an investigation note, reloads offline and finds everything;
/// back online it syncs and gets its official number. (e) Signing out wipes the user's
/// database and leaves the device's own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn field_worker_registers_offline_and_gets_the_number_after_sync() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    run("field-worker", &server, async |server, browser| {
        let c = &browser.client;
        browser.sign_in(&server.url, "handler", PASSWORD).await?;
        assert!(user_databases(browser).await?.contains(&"tousu-user-handler".to_string()));
        // The app must open offline later: wait until the service worker has the shell.
        browser
            .wait_for_script(
                "the service worker to control the page",
                "return !!navigator.serviceWorker.controller",
            )
            .await?;
        browser
            .wait_for_text_where("[data-testid=sync-status]", "first sync", |t| {
                t.contains("全部已同步")
            })
            .await?;

        browser.set_offline(true).await?;
        browser
            .wait_for_text_where("[data-testid=net-status]", "offline", |t| t.contains("离线"))
            .await?;
        browser.click("nav-intake").await?;
        c.wait()
            .for_element(Locator::Css("[data-testid=intake-form]"))
            .await?;

        // Rejected first: a phone number that is not one, and no description.
        browser.fill("field-name", "李四").await?;
        browser.fill("field-phone", "12345").await?;
        browser.fill("field-location", "朝阳门站B出口").await?;
        browser.click("intake-submit").await?;
        let summary = browser.text("[data-testid=error-summary]").await?;
        assert!(summary.contains("电话"), "{summary}");
        assert!(summary.contains("投诉事由"), "{summary}");
        let kept = c
            .find(Locator::Css("[data-testid=field-name]"))
            .await?
            .prop("value")
            .await?;
        assert_eq!(kept.as_deref(), Some("李四"), "a rejected form keeps what was typed");
        browser.screenshot("10-intake-rejected").await?;

        browser.fill("field-phone", "13912345678").await?;
        browser
            .fill("field-description", "闸机扣费两次，工作人员态度冷淡")
            .await?;
        browser.fill("field-request", "退还多扣的费用").await?;
        browser.click("intake-submit").await?;
        let label = browser
            .wait_for_text_where("[data-testid=case-number]", "a provisional label", |t| {
                t.starts_with("P-")
            })
            .await?;
        browser
            .wait_for_text_where("[data-testid=sync-state]", "saved locally", |t| {
                t.contains("待同步")
            })
            .await?;
        browser.screenshot("11-registered-offline").await?;

        // An investigation note, still offline.
        browser.click("cmd-note_added").await?;
        browser
            .fill("field-text", "现场查看闸机记录，确认重复扣费")
            .await?;
        browser.click("command-submit").await?;
        browser
            .wait_for_script(
                "the note in the timeline",
                "return [...document.querySelectorAll('[data-testid=timeline-entry]')].some(e => e.dataset.kind === 'note_added')",
            )
            .await?;

        // Reload with no network: the service worker serves the app, IndexedDB the case.
        c.refresh().await?;
        browser
            .wait_for_text("[data-testid=case-number]", &label)
            .await?;
        browser
            .wait_for_script(
                "the note after reload",
                "return [...document.querySelectorAll('[data-testid=timeline-entry]')].some(e => e.dataset.kind === 'note_added')",
            )
            .await?;
        let unsynced = browser.text("[data-testid=sync-status]").await?;
        assert!(unsynced.contains("2 条未同步"), "{unsynced}");
        browser.screenshot("12-offline-after-reload").await?;

        // Back online: it syncs by itself and the official number replaces the label.
        browser.set_offline(false).await?;
        let number = browser
            .wait_for_text_where("[data-testid=case-number]", "the official number", |t| {
                t.len() == 8 && t.chars().all(|c| c.is_ascii_digit())
            })
            .await?;
        browser
            .wait_for_text_where("[data-testid=sync-state]", "synced", |t| t.contains("已同步") && !t.contains("待"))
            .await?;
        browser
            .wait_for_text_where("[data-testid=sync-status]", "all synced", |t| {
                t.contains("全部已同步")
            })
            .await?;
        browser.screenshot("13-synced-with-number").await?;

        // The list shows it under its number.
        browser.click("nav-cases").await?;
        browser
            .wait_for_text_where("[data-testid=case-label]", "the number in the list", |t| {
                t == number
            })
            .await?;
        browser.screenshot("14-case-list").await?;

        // (e) Sign out: the outbox is empty, so the user's database is deleted at once.
        browser.click("sign-out").await?;
        c.wait()
            .for_element(Locator::Css("[data-testid=page-login]"))
            .await?;
        let dbs = user_databases(browser).await?;
        assert!(
            !dbs.iter().any(|d| d == "tousu-user-handler"),
            "signing out wipes the user's data: {dbs:?}"
        );
        assert!(dbs.iter().any(|d| d == "tousu-device"), "{dbs:?}");
        Ok(())
    })
    .await
}
