//! App benchmark in headless Chromium (a benchmark, not a test): with 10,000 cases in the
//! supervisor's scope, measures the first sync of a fresh device into IndexedDB, filtering and
//! sorting the list, registering a complaint until it shows, and pulling a note on each of
//! 2,000 of the synced cases. Timings are taken in the page
//! (`performance.now()`, awaiting the next frame) except the first sync, timed from the sign-in
//! click until the status strip reports everything synced (polled every 20 ms).
//!
//! Then the statistics screen over those cases: opening it, and regrouping offline.
//!
//! Run: `scripts/build-app.sh && cargo build --release -p tousu-server &&
//! TOUSU_SERVER_BIN=target/release/tousu-server cargo run --release -p tousu-e2e --bin app-bench`.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use tousu_e2e::{Api, Browser, DEMO_PASSWORD, TestServer};
use tousu_shared::{
    api::sync::PushResult,
    event::EventBody,
    model::{CaseKind, Severity},
    testing::{Writer, body, registration, t0},
};

const CASES: u64 = 10_000;

/// Runs `action` (JS statements) in the page, then waits for `until` (a JS expression) and the
/// next frame; returns the milliseconds it took.
async fn timed(browser: &Browser, action: &str, until: &str) -> anyhow::Result<f64> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         (async () => {{
           const t0 = performance.now();
           {action}
           while (!({until})) await new Promise(r => setTimeout(r, 0));
           await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
           done(performance.now() - t0);
         }})();"
    );
    let ms = browser.client.execute_async(&script, vec![]).await?;
    ms.as_f64()
        .ok_or_else(|| anyhow::anyhow!("no timing: {ms}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    // 10,000 cases through the real push path: registered, classified, dispatched.
    let mut w = Writer::user(1, 201, "supervisor");
    let api = Api::login(&server.url, "supervisor", Some(w.device)).await?;
    let mut events = Vec::new();
    for case in 0..CASES {
        w.switch_to(50_000 + case);
        events.push(w.write(EventBody::Registered(registration(
            CaseKind::Complaint,
            t0(),
        ))));
        let severity = match case % 10 {
            0 => Severity::UrgentMajor,
            1..=3 => Severity::Important,
            _ => Severity::General,
        };
        events.push(w.write(body::classify_as(severity)));
        events.push(w.write(body::dispatch(if case % 2 == 0 { "ops" } else { "north" })));
    }
    for chunk in events.chunks(1000) {
        api.push(chunk).await?;
    }
    println!("seeded {CASES} cases ({} events)", events.len());

    let browser = Browser::start().await?;
    let c = &browser.client;
    c.goto(&server.url).await?;
    // The supervisor works in the office build: load it before signing in, so the first
    // sync is timed without the one-time switch's reload.
    c.execute("document.cookie = 'tousu_app=office; Path=/'", vec![])
        .await?;
    c.goto(&server.url).await?;
    browser.fill("login-username", "supervisor").await?;
    browser.fill("login-password", DEMO_PASSWORD).await?;
    let started = Instant::now();
    browser.click("login-submit").await?;
    let expected = format!("共 {CASES} 件");
    loop {
        let synced = c
            .execute(
                "const s = document.querySelector('[data-testid=sync-status]'); \
                 const n = document.querySelector('[data-testid=case-count]'); \
                 return !!s && !!n && s.textContent.includes('全部已同步') && n.textContent;",
                vec![],
            )
            .await?;
        if synced.as_str().is_some_and(|t| t.contains(&expected)) {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(300),
            "first sync did not finish"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let first_sync = started.elapsed();
    let phases = c
        .execute(
            "return JSON.stringify([window.__tousuSync || null, window.__tousuApply || null])",
            vec![],
        )
        .await?;
    println!("first pull phases: {phases}");
    println!(
        "first sync of a fresh device, {CASES} cases into IndexedDB: {:.2} s (sign-in included)",
        first_sync.as_secs_f64()
    );

    // Filter and sort over every local case.
    let input = "const i = document.querySelector('[data-testid=filter-text]');";
    let mut filter_ms = Vec::new();
    for text in ["张三", "P-", "5", ""] {
        let ms = timed(
            &browser,
            &format!(
                "{input} i.value = {text:?}; i.dispatchEvent(new Event('input', {{ bubbles: true }}));"
            ),
            "true",
        )
        .await?;
        filter_ms.push(ms);
    }
    let sort_ms = timed(
        &browser,
        "const s = document.querySelector('[data-testid=sort]'); s.value = 'severity'; \
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        "true",
    )
    .await?;
    let overdue_ms = timed(
        &browser,
        "document.querySelector('[data-testid=filter-overdue]').click();",
        "true",
    )
    .await?;
    println!(
        "filter over {CASES} local cases (text, 4 runs): {} ms; sort by severity: {sort_ms:.0} ms; overdue filter: {overdue_ms:.0} ms",
        filter_ms
            .iter()
            .map(|m| format!("{m:.0}"))
            .collect::<Vec<_>>()
            .join(" / ")
    );

    // Register: press the button until the case shows, then open the list with it.
    browser.click("nav-intake").await?;
    c.wait()
        .for_element(Locator::Css("[data-testid=intake-form]"))
        .await?;
    browser.fill("field-name", "赵六").await?;
    browser.fill("field-phone", "13700002222").await?;
    browser
        .fill("field-description", "性能测试：站内广播音量过大")
        .await?;
    // The moment the app changes the address (the write has committed) splits the time into
    // storing and showing.
    let register_ms = timed(
        &browser,
        "window.__t0 = performance.now();
         const push = history.pushState;
         history.pushState = function (...a) {
           window.__navAt = performance.now();
           history.pushState = push;
           return push.apply(this, a);
         };
         document.querySelector('[data-testid=intake-submit]').click();",
        "document.querySelector('[data-testid=case-number]')",
    )
    .await?;
    let stored_ms = browser
        .client
        .execute("return window.__navAt - window.__t0;", vec![])
        .await?
        .as_f64()
        .unwrap_or(f64::NAN);
    let list_ms = timed(
        &browser,
        "document.querySelector('[data-testid=nav-cases]').click();",
        &format!(
            "(document.querySelector('[data-testid=case-count]') || {{}}).textContent?.includes('{}')",
            CASES + 1
        ),
    )
    .await?;
    println!(
        "register → case shown: {register_ms:.0} ms (stored after {stored_ms:.0} ms); list of {} cases shown again: {list_ms:.0} ms",
        CASES + 1
    );
    browser.screenshot("90-bench-list").await?;

    // A day of news from the office: a note on each of 2,000 cases spread over the snapshot's
    // bundles, pulled by the tablet in one sync.
    // The tablet is offline meanwhile, so that the whole day arrives in the one sync timed.
    browser.set_offline(true).await?;
    let mut office = Writer::user(1, 202, "supervisor");
    let office_api = Api::login(&server.url, "supervisor", Some(office.device)).await?;
    let notes: Vec<_> = (0..NEWS)
        .map(|i| {
            let case = i * (CASES / NEWS);
            office.switch_to(50_000 + case);
            let seen = 3 * case as usize;
            office.sees(&events[seen..seen + 3]);
            office.write(body::note("办公室补充：已电话联系"))
        })
        .collect();
    for chunk in notes.chunks(500) {
        let answer = office_api.push(chunk).await?;
        let refused = answer
            .results
            .iter()
            .find(|r| !matches!(r, PushResult::Applied { .. }));
        anyhow::ensure!(refused.is_none(), "a note was refused: {refused:?}");
    }
    c.execute("window.__tousuSync = null;", vec![]).await?;
    // Back online: the `online` event starts the sync.
    let started = Instant::now();
    browser.set_offline(false).await?;
    let phases = loop {
        let phases = c
            .execute("return JSON.stringify(window.__tousuSync)", vec![])
            .await?;
        if phases.as_str().is_some_and(|p| p.contains("changed_pages")) {
            break phases;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(120),
            "the news did not arrive: {phases}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let news_ms = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "back online, pull of {NEWS} notes on {NEWS} synced cases: {news_ms:.0} ms ({phases})"
    );

    // The statistics screen over the 10,000 cases on the device: opening it (a year holding
    // them all) until the first figures show, then regrouping offline, where the device's
    // report is the one shown (its computation and redraw).
    let open_ms = timed(
        &browser,
        "history.pushState(null, '', '/stats?period=2025&by=category'); \
         dispatchEvent(new PopStateEvent('popstate'));",
        "(() => { const v = document.querySelector('[data-testid=fig-count] .figure-value'); \
           return v && v.textContent === '10000'; })()",
    )
    .await?;
    browser.set_offline(true).await?;
    c.wait()
        .for_element(Locator::Css("[data-testid=stats-device]"))
        .await?;
    let mut regroup = Vec::new();
    for (by, title) in [
        ("severity", "紧急程度"),
        ("department", "责任部门"),
        ("channel", "渠道"),
        ("category", "类别"),
    ] {
        regroup.push(
            timed(
                &browser,
                &format!(
                    "const s = document.querySelector('[data-testid=stats-by]'); s.value = '{by}'; \
                     s.dispatchEvent(new Event('change', {{ bubbles: true }}));"
                ),
                &format!(
                    "document.querySelector('[data-testid=chart-groups] .chart-title').textContent.includes('{title}')"
                ),
            )
            .await?,
        );
    }
    browser.set_offline(false).await?;
    println!(
        "statistics over {CASES} local cases: open until the figures show {open_ms:.0} ms; \
         regroup offline (device report + redraw, 4 runs): {} ms",
        regroup
            .iter()
            .map(|m| format!("{m:.0}"))
            .collect::<Vec<_>>()
            .join(" / ")
    );
    browser.close().await?;
    Ok(())
}

/// Cases the office adds a note to after the first sync.
const NEWS: u64 = 2_000;
