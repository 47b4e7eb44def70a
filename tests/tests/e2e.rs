//! End to end in a real browser: the real server binary with a temporary SQLite file, Debian's
//! headless Chromium through chromedriver, the release build of the app.

use fantoccini::Locator;
use tousu_e2e::{Browser, TestServer, screenshot_dir};

/// The app shell opens in Simplified Chinese (whatever the browser's language), switches
/// language, keeps its local database, and, after one visit, opens again with the server gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shell_switches_language_and_opens_with_the_server_stopped() -> anyhow::Result<()> {
    let mut server = TestServer::start_demo(0)?;
    let browser = Browser::start().await?;
    let result = shell_scenario(&mut server, &browser).await;
    if result.is_err() {
        let _ = browser.screenshot("failure-shell").await;
    }
    browser.close().await?;
    println!("e2e screenshots: {}", screenshot_dir().display());
    result
}

async fn shell_scenario(server: &mut TestServer, browser: &Browser) -> anyhow::Result<()> {
    let c = &browser.client;
    c.goto(&server.url).await?;

    // Chinese first, although Chromium runs with --lang=en-US: the sign-in page, then the app.
    browser
        .wait_for_text("[data-testid=login-submit]", "登录")
        .await?;
    browser.screenshot("00-sign-in-zh-CN").await?;
    browser
        .sign_in(&server.url, "handler", tousu_e2e::DEMO_PASSWORD)
        .await?;
    browser
        .wait_for_text("[data-testid=brand-name]", "投诉处理")
        .await?;
    browser
        .wait_for_text("[data-testid=nav-cases]", "案件")
        .await?;
    browser
        .wait_for_text("[data-testid=nav-revisit]", "回访")
        .await?;
    c.wait()
        .for_element(Locator::Css("[data-testid=storage-ready]"))
        .await?;
    let lang = c
        .execute("return document.documentElement.lang", vec![])
        .await?;
    assert_eq!(lang.as_str(), Some("zh-CN"));
    browser.screenshot("01-shell-zh-CN").await?;

    // Traditional Chinese, then English.
    let select = c.find(Locator::Css("[data-testid=lang-select]")).await?;
    select.select_by_value("zh-TW").await?;
    browser
        .wait_for_text("[data-testid=brand-name]", "投訴處理")
        .await?;
    browser
        .wait_for_text("[data-testid=nav-revisit]", "回訪")
        .await?;
    browser.screenshot("02-shell-zh-TW").await?;

    let select = c.find(Locator::Css("[data-testid=lang-select]")).await?;
    select.select_by_value("en").await?;
    browser
        .wait_for_text("[data-testid=brand-name]", "Complaints")
        .await?;
    browser
        .wait_for_text("[data-testid=nav-cases]", "Cases")
        .await?;
    browser
        .wait_for_text("[data-testid=nav-revisit]", "Revisits")
        .await?;
    let lang = c
        .execute("return document.documentElement.lang", vec![])
        .await?;
    assert_eq!(lang.as_str(), Some("en"));

    // Navigation works inside the app.
    c.find(Locator::Css("[data-testid=nav-sync]"))
        .await?
        .click()
        .await?;
    c.wait()
        .for_element(Locator::Css("[data-testid=page-sync]"))
        .await?;
    browser.screenshot("03-shell-en-sync").await?;

    // The service worker has precached the shell and controls the page.
    browser
        .wait_for_script(
            "the service worker to control the page",
            "return !!navigator.serviceWorker.controller",
        )
        .await?;
    browser
        .wait_for_script(
            "the shell to be precached",
            "return (async () => { const keys = await caches.keys(); \
             if (!keys.some(k => k.startsWith('tousu-shell-'))) return false; \
             const cache = await caches.open(keys.find(k => k.startsWith('tousu-shell-'))); \
             const urls = (await cache.keys()).map(r => new URL(r.url).pathname); \
             return urls.includes('/') && urls.some(u => u.endsWith('.wasm')) && urls.some(u => u.endsWith('.js')); })();",
        )
        .await?;

    // Stop the server: nothing answers any more.
    server.stop();
    let down = reqwest::get(format!("{}/api/v1/health", server.url)).await;
    assert!(down.is_err(), "the server must really be down");

    // Reload: the app opens from the service worker, in the language chosen before.
    c.refresh().await?;
    browser
        .wait_for_text("[data-testid=brand-name]", "Complaints")
        .await?;
    c.wait()
        .for_element(Locator::Css("[data-testid=page-sync]"))
        .await?;
    c.wait()
        .for_element(Locator::Css("[data-testid=storage-ready]"))
        .await?;

    // A deep link typed while offline still opens the app at that screen.
    c.goto(&format!("{}/revisit", server.url)).await?;
    c.wait()
        .for_element(Locator::Css("[data-testid=page-revisit]"))
        .await?;
    browser
        .wait_for_text("[data-testid=nav-intake]", "Intake")
        .await?;
    browser.screenshot("04-offline-from-service-worker").await?;
    Ok(())
}
