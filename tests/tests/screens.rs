//! The core screens as their users meet them (issue 12): menus by role, search and sort as a
//! hotline clerk needs them, pages that start at the top on a portrait tablet, and a status strip
//! that stays in view and never says "all synced" while something waits or lands.

use fantoccini::Locator;
use tousu_e2e::{
    Api, Browser, DEMO_PASSWORD as PASSWORD, TestServer, axe_source, pdf_pages, screenshot_dir,
};
use tousu_shared::{
    api::sync::PushResult,
    event::EventBody,
    model::{CaseKind, Severity},
    testing::{Writer, registration, t0},
    validate::PhoneNumber,
};

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

/// Whether an element with `data-testid` `testid` is on the page now.
async fn present(browser: &Browser, testid: &str) -> anyhow::Result<bool> {
    let found = browser
        .client
        .execute(
            &format!("return !!document.querySelector('[data-testid={testid}]')"),
            vec![],
        )
        .await?;
    Ok(found == serde_json::json!(true))
}

/// The list's rows as (received at, urgent), top to bottom.
async fn rows(browser: &Browser) -> anyhow::Result<Vec<(i64, bool)>> {
    let rows = browser
        .client
        .execute(
            "return [...document.querySelectorAll('[data-testid=case-row]')]
                .map(r => [Number(r.dataset.received || 0), r.classList.contains('is-urgent')])",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(rows)?)
}

/// A supervisor finds a caller's case by phone number however it is typed, and each sort
/// choice orders the list as named; an archivist's list opens on the closed cases without
/// "open only" and offers no intake; an administrator is offered neither intake nor cases.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn menus_match_roles_a_phone_finds_its_case_and_each_sort_is_honoured() -> anyhow::Result<()>
{
    let server = TestServer::start_demo(60)?;
    // An old urgent complaint from a caller at 13800138000, still open.
    let mut w = Writer::user(71, 971, "supervisor");
    let api = Api::login(&server.url, "supervisor", Some(w.device)).await?;
    let mut sheet = registration(CaseKind::Complaint, t0());
    sheet.complainant.phone = Some(PhoneNumber::parse("13800138000")?);
    sheet.severity = Some(Severity::UrgentMajor);
    let answer = api.push(&[w.write(EventBody::Registered(sheet))]).await?;
    anyhow::ensure!(
        matches!(answer.results[0], PushResult::Applied { .. }),
        "{:?}",
        answer.results[0]
    );

    run("menus-supervisor", &server, async |server, browser| {
        browser.sign_in(&server.url, "supervisor", PASSWORD).await?;
        assert!(present(browser, "nav-intake").await?);
        assert!(present(browser, "nav-revisit").await?);
        // Every open case is in (archived ones are out of a supervisor's scope).
        browser.wait_all_synced().await?;
        // The emergency path's alert is in the strip until acknowledged, and stays gone.
        browser
            .wait_for_text_where("[data-testid=urgent-alert]", "the urgent alert", |t| {
                t.contains("紧急重大投诉")
            })
            .await?;
        browser.screenshot("69-urgent-alert").await?;
        browser.click("urgent-alert-ack").await?;
        browser
            .wait_for_script(
                "the alert acknowledged",
                "return !document.querySelector('[data-testid=urgent-alert]')",
            )
            .await?;
        browser.client.refresh().await?;
        browser
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=case-row]"))
            .await?;
        assert!(!present(browser, "urgent-alert").await?, "acknowledged stays acknowledged");
        // Urgent first (the default): the old urgent case heads the list.
        let listed = rows(browser).await?;
        assert_eq!(listed[0], (t0().0, true), "urgent first: {listed:?}");
        let first_plain = listed.iter().position(|(_, urgent)| !urgent).unwrap_or(listed.len());
        assert!(listed[first_plain..].iter().all(|(_, u)| !u), "urgent rows together at the top");
        // Newest first means newest first, urgent or not.
        browser.select("sort", "newest").await?;
        browser
            .wait_for_script(
                "the newest first",
                "const r = [...document.querySelectorAll('[data-testid=case-row]')]; \
                 return r.length > 1 && Number(r[0].dataset.received) > Number(r[r.length - 1].dataset.received)",
            )
            .await?;
        let listed = rows(browser).await?;
        assert!(listed.windows(2).all(|p| p[0].0 >= p[1].0), "newest first: {listed:?}");
        browser.screenshot("70-sort-newest").await?;

        // The caller's number, typed as a clerk hears it.
        browser.fill("filter-text", "138 0013 8000").await?;
        browser
            .wait_for_text_where("[data-testid=case-count]", "one case", |t| {
                t.ends_with("显示 1 件")
            })
            .await?;
        assert_eq!(rows(browser).await?[0].0, t0().0, "the caller's case");
        browser.screenshot("71-search-by-phone").await?;
        Ok(())
    })
    .await?;

    run("menus-archivist", &server, async |server, browser| {
        browser.sign_in(&server.url, "archivist", PASSWORD).await?;
        let count = browser
            .wait_for_text_where("[data-testid=case-count]", "closed cases", |t| {
                t.starts_with("共 ") && !t.ends_with("显示 0 件")
            })
            .await?;
        let open_only = browser
            .client
            .execute(
                "return document.querySelector('[data-testid=filter-open]').checked",
                vec![],
            )
            .await?;
        assert_eq!(open_only, serde_json::json!(false), "{count}");
        assert!(
            !present(browser, "nav-intake").await?,
            "no intake for an archivist"
        );
        assert!(!present(browser, "new-case").await?);
        assert!(!present(browser, "nav-revisit").await?);
        assert!(
            !present(browser, "urgent-alert").await?,
            "archivists act on no urgent case"
        );
        browser.screenshot("72-archivist-list").await?;
        // An address kept from another account says there is no work here, not a form.
        browser
            .client
            .goto(&format!("{}/intake", server.url))
            .await?;
        browser
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=page-not-for-role]"))
            .await?;
        Ok(())
    })
    .await?;

    run("menus-admin", &server, async |server, browser| {
        browser.sign_in(&server.url, "admin", PASSWORD).await?;
        assert!(present(browser, "page-not-for-role").await?);
        for entry in ["nav-intake", "nav-cases", "nav-revisit"] {
            assert!(
                !present(browser, entry).await?,
                "{entry} offered to the administrator"
            );
        }
        assert!(present(browser, "nav-sync").await?);
        browser.screenshot("73-admin-menu").await?;
        Ok(())
    })
    .await
}

/// The top of the first heading, in CSS pixels from the viewport's top.
async fn heading_top(browser: &Browser) -> anyhow::Result<f64> {
    let top = browser
        .client
        .execute(
            "const h = document.querySelector('main h1'); return h ? h.getBoundingClientRect().top : -1",
            vec![],
        )
        .await?;
    Ok(top.as_f64().unwrap_or(-1.0))
}

/// On a portrait tablet (800×1280) every page's first heading is near the top; the status strip
/// stays inside the viewport after scrolling a long list; during a first pull of a few thousand
/// cases the strip shows them arriving and says "all synced" only once they are all in; after
/// a registration made offline it says what waits at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_start_at_the_top_and_the_strip_is_in_view_and_true() -> anyhow::Result<()> {
    const CASES: usize = 2000;
    let server = TestServer::start_demo(CASES)?;
    run("strip", &server, async |server, browser| {
        browser.client.set_window_size(800, 1280).await?;
        browser.client.goto(&server.url).await?;
        // The supervisor works in the office build: open it before signing in, so the switch
        // after sign-in does not reload the page the observer below watches.
        browser
            .client
            .execute("document.cookie = 'tousu_app=office; Path=/'", vec![])
            .await?;
        browser.client.goto(&server.url).await?;
        browser.fill("login-username", "supervisor").await?;
        browser.fill("login-password", PASSWORD).await?;
        // Every text the strip shows from sign-in on, with the list's count at that moment.
        browser
            .client
            .execute(
                "window.__strip = [];
                 new MutationObserver(() => {
                   const s = document.querySelector('[data-testid=sync-status]');
                   const c = document.querySelector('[data-testid=case-count]');
                   if (!s) return;
                   const seen = [s.textContent, c ? c.textContent : ''];
                   const last = window.__strip[window.__strip.length - 1];
                   if (!last || last[0] !== seen[0] || last[1] !== seen[1]) window.__strip.push(seen);
                 }).observe(document.body, { subtree: true, childList: true, characterData: true });",
                vec![],
            )
            .await?;
        browser.click("login-submit").await?;
        browser.wait_all_synced().await?;
        // The supervisor's cases are the open ones (archived demo cases are out of scope).
        let count = browser.text("[data-testid=case-count]").await?;
        let n: usize = count
            .trim_start_matches("共 ")
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("count {count:?}"))?;
        assert!(n > CASES / 2 && n < CASES, "{count}");
        let total = format!("共 {n} 件");
        let seen: Vec<(String, String)> = serde_json::from_value(
            browser.client.execute("return window.__strip", vec![]).await?,
        )?;
        // The server said how many would come, and they all came.
        let of_total = format!("/ {n} 件");
        assert!(
            seen.iter().any(|(s, _)| s.contains("已接收") && s.contains(&of_total)),
            "the first pull shows cases arriving of {n}: {seen:?}"
        );
        for (strip, count) in &seen {
            assert!(
                !strip.contains("全部已同步") || count.contains(&total),
                "'all synced' while the list held {count:?}: {seen:?}"
            );
        }

        // Scrolled to the end of a long list, the strip is still on screen.
        browser.select("sort", "newest").await?;
        for _ in 0..3 {
            if present(browser, "show-more").await? {
                browser.click("show-more").await?;
            }
        }
        browser
            .client
            .execute("document.querySelector('main').scrollTo(0, 1e9); window.scrollTo(0, 1e9);", vec![])
            .await?;
        let strip = browser
            .client
            .execute(
                "const r = document.querySelector('[data-testid=statusbar]').getBoundingClientRect(); \
                 return [r.top, r.bottom, window.innerHeight]",
                vec![],
            )
            .await?;
        let [top, bottom, height]: [f64; 3] = serde_json::from_value(strip)?;
        assert!(top >= 0.0 && bottom <= height + 0.5, "strip at {top}..{bottom} of {height}");
        browser.screenshot("74-portrait-list-scrolled").await?;

        // Every page starts at the top.
        let case = browser.first_href("[data-testid=case-row] a").await?;
        for (path, testid) in [
            ("/cases".to_string(), "page-cases"),
            ("/intake".to_string(), "page-intake"),
            ("/revisit".to_string(), "page-revisit"),
            ("/sync".to_string(), "page-sync"),
            (case.clone(), "page-case"),
            (format!("{case}/print/record"), "record-sheet"),
            ("/nowhere".to_string(), "page-not-found"),
        ] {
            browser.client.goto(&format!("{}{path}", server.url)).await?;
            browser
                .client
                .wait()
                .for_element(Locator::Css(&format!("[data-testid={testid}]")))
                .await?;
            let top = heading_top(browser).await?;
            let name = path.trim_start_matches('/').replace('/', "-");
            browser.screenshot(&format!("75-portrait-{name}")).await?;
            assert!((0.0..200.0).contains(&top), "{path}: first heading at {top} px");
        }

        // Offline, a registration shows as waiting at once.
        browser.set_offline(true).await?;
        browser.client.goto(&format!("{}/intake", server.url)).await?;
        browser.fill("field-name", "赵六").await?;
        browser.fill("field-phone", "13700001111").await?;
        browser.fill("field-description", "营业厅排队时间过长").await?;
        browser.click("intake-submit").await?;
        let strip = browser
            .wait_for_text_where("[data-testid=sync-status]", "one waiting", |t| {
                t.contains("条未同步")
            })
            .await?;
        assert!(strip.contains("离线") && !strip.contains("全部已同步"), "{strip}");
        // The case opens at its top, not where the long form was scrolled to.
        let scrolled = browser
            .client
            .execute("return document.querySelector('main').scrollTop", vec![])
            .await?;
        assert_eq!(scrolled.as_f64(), Some(0.0), "the new screen starts at its top");
        assert!(!present(browser, "sync-error").await?, "offline is not a failure");
        browser.screenshot("76-portrait-offline-waiting").await?;
        browser.set_offline(false).await?;
        Ok(())
    })
    .await
}

/// The pages a supervisor meets, by path and the `data-testid` that says each is drawn.
fn pages(case: &str) -> Vec<(String, &'static str)> {
    vec![
        ("/cases".to_string(), "page-cases"),
        ("/intake".to_string(), "page-intake"),
        ("/revisit".to_string(), "page-revisit"),
        ("/sync".to_string(), "page-sync"),
        (case.to_string(), "page-case"),
        (format!("{case}/print/record"), "record-sheet"),
        (format!("{case}/print/handling"), "handling-sheet"),
        (format!("{case}/print/receipt"), "receipt"),
        ("/nowhere".to_string(), "page-not-found"),
    ]
}

/// A supervisor registers a complaint and is offered a receipt with the expected answer date;
/// the timeline names the people and the device by name; the revisit list shows the phone,
/// what was done and what the complainant was told; the record, handling and receipt sheets
/// each print on one A4 page, from dark mode too; every screen, the sign-in page included,
/// passes axe-core in light and dark mode.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_names_one_page_sheets_and_every_screen_accessible_light_and_dark()
-> anyhow::Result<()> {
    let axe = axe_source()?;
    // Enough demo cases that some wait for a revisit.
    let server = TestServer::start_demo(120)?;
    run("receipt", &server, async |server, browser| {
        browser.sign_in(&server.url, "supervisor", PASSWORD).await?;
        browser.wait_all_synced().await?;
        browser.click("nav-intake").await?;
        browser.fill("field-name", "钱七").await?;
        browser.fill("field-phone", "13500002222").await?;
        browser.fill("field-description", "投诉窗口无人受理").await?;
        browser.click("intake-submit").await?;
        let due = browser
            .wait_for_text_where("[data-testid=expected-answer]", "the expected date", |t| {
                t.contains('年') && t.contains('日')
            })
            .await?;
        // People and devices by name, not `supervisor` and a hex id.
        let line = browser.text("[data-testid=timeline-entry] .muted").await?;
        assert!(line.contains("王主管"), "{line}");
        let device = browser.text("[data-testid=entry-device]").await?;
        assert!(device.ends_with("的设备") && device.contains("王主管"), "{device}");
        let case = browser.client.current_url().await?.path().to_string();
        browser.click("print-receipt").await?;
        let promised = browser
            .wait_for_text_where("[data-testid=receipt-due]", "the receipt", |t| !t.is_empty())
            .await?;
        assert_eq!(promised, due, "the receipt promises what the screen said");
        assert!(browser.text("[data-testid=receipt-by]").await?.contains("王主管"));
        browser.screenshot("80-receipt").await?;

        // A phone revisit has what it needs on the list.
        browser.client.goto(&format!("{}/revisit", server.url)).await?;
        browser
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=revisit-row]"))
            .await?;
        let done = browser.text("[data-testid=revisit-done]").await?;
        let told = browser.text("[data-testid=revisit-told]").await?;
        assert!(done != "—" && told != "—", "{done} / {told}");
        assert!(present(browser, "revisit-phone").await?);
        // The revisit form names the levels as the profile in force does (the parcel
        // station's 000: 满意 / 部分满意 / 不满意).
        browser.click("revisit-open").await?;
        let partly = browser
            .wait_for_script_value(
                "the partly-satisfied level",
                "const r = document.querySelector('[data-testid=radio-satisfaction-partly_satisfied]'); \
                 return r ? r.closest('label').textContent.trim() : null",
            )
            .await?;
        assert_eq!(partly, "部分满意");
        browser.screenshot("81-revisit-list").await?;
        let revisited = browser.first_href("[data-testid=revisit-row] a.case-label").await?;

        // Each sheet is one A4 page, printed from light and from dark mode.
        for dark in [false, true] {
            browser.set_dark(dark).await?;
            for (path, testid) in [
                (format!("{revisited}/print/record"), "record-sheet"),
                (format!("{revisited}/print/handling"), "handling-sheet"),
                (format!("{case}/print/receipt"), "receipt"),
            ] {
                browser.client.goto(&format!("{}{path}", server.url)).await?;
                browser
                    .client
                    .wait()
                    .for_element(Locator::Css(&format!("[data-testid={testid}]")))
                    .await?;
                let pdf = browser.print_pdf().await?;
                let scheme = if dark { "dark" } else { "light" };
                std::fs::write(screenshot_dir().join(format!("82-{testid}-{scheme}.pdf")), &pdf)?;
                assert_eq!(pdf_pages(&pdf), 1, "{path} ({scheme}) prints on one page");
            }
        }

        // Every screen, light and dark: no serious or critical axe finding.
        for dark in [false, true] {
            browser.set_dark(dark).await?;
            let scheme = if dark { "dark" } else { "light" };
            for (path, testid) in pages(&revisited) {
                browser.client.goto(&format!("{}{path}", server.url)).await?;
                browser
                    .client
                    .wait()
                    .for_element(Locator::Css(&format!("[data-testid={testid}]")))
                    .await?;
                let found = browser.axe_violations(&axe).await?;
                if dark {
                    let name = path.trim_start_matches('/').replace('/', "-");
                    browser.screenshot(&format!("83-dark-{name}")).await?;
                }
                assert!(found.is_empty(), "{path} ({scheme}): {found:?}");
            }
        }
        Ok(())
    })
    .await?;

    // The sign-in page: landmarks, skip link, contrast, in both schemes.
    run("login-axe", &server, async |server, browser| {
        for dark in [false, true] {
            browser.set_dark(dark).await?;
            browser.client.goto(&server.url).await?;
            browser
                .client
                .wait()
                .for_element(Locator::Css("[data-testid=login-username]"))
                .await?;
            let found = browser.axe_violations(&axe).await?;
            assert!(found.is_empty(), "sign-in (dark {dark}): {found:?}");
        }
        browser.screenshot("84-login-dark").await?;
        Ok(())
    })
    .await
}

/// Under the disinfection service's profile (003) the sheets are that seed's forms: the
/// record sheet with 客户名称 … 受理人签字 in its order, the handling sheet with 处理单号 and
/// 处理日期; under the metro's (001) the revisit form says 基本满意.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printed_forms_follow_the_profile_in_force() -> anyhow::Result<()> {
    let server = TestServer::start_in(
        tempfile::tempdir()?,
        &[
            ("TOUSU_DEMO", "true"),
            ("TOUSU_DEMO_CASES", "30"),
            ("TOUSU_DEMO_PASSWORD", PASSWORD),
            ("TOUSU_PROFILE", "disinfection-service"),
        ],
    )?;
    run("profile-sheets", &server, async |server, browser| {
        browser.sign_in(&server.url, "supervisor", PASSWORD).await?;
        browser.wait_all_synced().await?;
        let case = browser.first_href("[data-testid=case-row] a").await?;
        let headers = |testid: &str| {
            format!(
                "const t = [...document.querySelectorAll('[data-testid={testid}] th')].map(t => t.textContent).join('|'); return t || null"
            )
        };
        browser.client.goto(&format!("{}{case}/print/record", server.url)).await?;
        let record = browser
            .wait_for_script_value("the record sheet", &headers("record-sheet"))
            .await?;
        assert_eq!(
            record,
            "客户名称|服务地址|受理日期|受理编号|投诉方式|客户联系方式|投诉事由（事件经过）|诉求|受理人签字"
        );
        assert!(browser.text("[data-testid=record-sheet] h1").await? == "客户投诉记录单");
        browser.screenshot("85-profile-003-record").await?;
        browser.client.goto(&format!("{}{case}/print/handling", server.url)).await?;
        let handling = browser
            .wait_for_script_value("the handling sheet", &headers("handling-sheet"))
            .await?;
        assert!(handling.starts_with("客户名称|处理单号|处理部门|处理日期|处理结果"), "{handling}");
        let pdf = browser.print_pdf().await?;
        assert_eq!(pdf_pages(&pdf), 1);
        browser.screenshot("86-profile-003-handling").await?;
        Ok(())
    })
    .await
}
