//! The offline app end to end: real server, real Chromium, real IndexedDB and service worker.
//! Network loss is Chromium's own emulation (requests fail, `navigator.onLine` is false).

use fantoccini::Locator;
use tousu_e2e::{Api, Browser, TestServer, screenshot_dir};
use tousu_shared::{
    api::sync::PushResult,
    event::{Event, EventBody},
    ids::CaseId,
    model::CaseKind,
    testing::{Writer, body, registration, t0},
};

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

/// Waits until the quick revisit form closed: the event is committed locally (a page load
/// before that would abandon the write, as it would for a person closing the tab).
async fn saved(browser: &Browser) -> anyhow::Result<()> {
    browser
        .wait_for_script(
            "the revisit to be saved",
            "return !document.querySelector('[data-testid=revisit-submit]')",
        )
        .await
}

async fn url_case(browser: &Browser) -> anyhow::Result<String> {
    Ok(browser
        .client
        .current_url()
        .await?
        .path()
        .trim_start_matches("/cases/")
        .to_string())
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
        // A photo from the tablet: downscaled and stored locally, uploaded with the sync.
        pick_photo(
            browser,
            "tests/tests/data/site-photo.png",
            "[data-testid=field-photos]",
            "[data-testid=photo-thumb] img",
        )
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

        // An investigation note with a photo, still offline.
        browser.click("cmd-note_added").await?;
        browser
            .fill("field-text", "现场查看闸机记录，确认重复扣费")
            .await?;
        pick_photo(
            browser,
            "public/icons/icon-512.png",
            "#f-note-photos",
            "[data-testid=command-form] [data-testid=photo-thumb] img",
        )
        .await?;
        // The interviewee signs on the tablet with a finger (pointer events on the pad).
        browser.fill("field-signed_by", "站务员 王五").await?;
        draw_signature(browser).await?;
        browser.screenshot("11b-note-with-photo-and-signature").await?;
        // Nothing sticks out sideways on the tablet (a hidden file input once did).
        let overflow = c
            .execute(
                "return [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .map(e => e.tagName + '.' + e.className);",
                vec![],
            )
            .await?;
        assert_eq!(overflow, serde_json::json!([]), "elements wider than the screen");
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
        browser
            .wait_for_script(
                "both photos (record sheet and note) and the signature after reload",
                "return document.querySelectorAll('[data-testid=case-photo] img').length === 2
                    && document.querySelectorAll('[data-testid=case-signature] img').length === 1",
            )
            .await?;
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
        // The photo reached the server: the office can fetch it.
        let sup = Api::login(&server.url, "supervisor", None).await?;
        let (status, case) = sup
            .get(&format!("/api/v1/cases/{}", url_case(browser).await?))
            .await?;
        assert_eq!(status, 200, "{case}");
        let attachment = &case["view"]["registration"]["attachments"][0];
        assert_eq!(attachment["media_type"], "image/jpeg", "{case}");
        let hash = attachment["hash"].as_str().unwrap_or_default();
        let res = reqwest::Client::new()
            .get(format!("{}/api/v1/blobs/{hash}", server.url))
            .bearer_auth(&sup.token)
            .send()
            .await?;
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await?;
        assert!(bytes.starts_with(&[0xff, 0xd8]), "a JPEG made on the tablet");
        let note_photo = &case["view"]["notes"][0]["value"]["attachments"][0];
        let hash = note_photo["hash"].as_str().unwrap_or_default();
        assert!(!hash.is_empty(), "the note names its photo: {case}");
        let res = reqwest::Client::new()
            .get(format!("{}/api/v1/blobs/{hash}", server.url))
            .bearer_auth(&sup.token)
            .send()
            .await?;
        assert_eq!(res.status(), 200, "the note's photo was uploaded");
        let signature = case["view"]["notes"][0]["value"]["signature"]
            .as_str()
            .unwrap_or_default();
        assert!(!signature.is_empty(), "the note names its signature: {case}");
        let res = reqwest::Client::new()
            .get(format!("{}/api/v1/blobs/{signature}", server.url))
            .bearer_auth(&sup.token)
            .send()
            .await?;
        assert_eq!(res.status(), 200, "the signature was uploaded");
        let bytes = res.bytes().await?;
        assert!(bytes.starts_with(b"\x89PNG"), "a PNG drawn on the tablet");

        // The list shows it under its number. Moving between screens never reloads the page
        // (a marker on `window` survives), marks the current entry, and Back comes back.
        let case = url_case(browser).await?;
        c.execute("window.__sameDocument = true;", vec![]).await?;
        browser.click("nav-cases").await?;
        browser
            .wait_for_text_where("[data-testid=case-label]", "the number in the list", |t| {
                t == number
            })
            .await?;
        browser.screenshot("14-case-list").await?;
        let marks = c
            .execute(
                "return [window.__sameDocument === true, location.pathname, \
                 document.querySelector('[data-testid=nav-cases]').getAttribute('aria-current'), \
                 document.querySelector('[data-testid=nav-intake]').getAttribute('aria-current')];",
                vec![],
            )
            .await?;
        assert_eq!(
            marks,
            serde_json::json!([true, "/cases", "page", null]),
            "a link click is a navigation inside the app"
        );
        c.back().await?;
        c.wait()
            .for_element(Locator::Css("[data-testid=page-case]"))
            .await?;
        let back = c
            .execute("return [window.__sameDocument === true, location.pathname];", vec![])
            .await?;
        assert_eq!(back, serde_json::json!([true, format!("/cases/{case}")]), "Back");
        browser.click("nav-cases").await?;
        c.wait()
            .for_element(Locator::Css("[data-testid=page-cases]"))
            .await?;

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
        // Opening the app again after signing out creates no database for nobody.
        c.refresh().await?;
        c.wait()
            .for_element(Locator::Css("[data-testid=page-login]"))
            .await?;
        let dbs = user_databases(browser).await?;
        assert!(!dbs.iter().any(|d| d == "tousu-user-"), "{dbs:?}");
        Ok(())
    })
    .await
}

/// One staff member working through the API on their own device (the other side of a
/// scenario: the office, another tablet).
struct Desk {
    w: Writer,
    api: Api,
}

impl Desk {
    async fn new(
        server: &TestServer,
        user: &str,
        case_no: u64,
        device_no: u64,
    ) -> anyhow::Result<Self> {
        let w = Writer::user(case_no, device_no, user);
        let api = Api::login(&server.url, user, Some(w.device)).await?;
        Ok(Desk { w, api })
    }

    /// Writes `body` after everything the server has of the case, and checks it applied.
    async fn act(&mut self, sup: &Api, body: EventBody) -> anyhow::Result<Event> {
        let known = case_events(sup, self.w.case).await?;
        self.w.sees(&known);
        let event = self.w.write(body);
        let answer = self.api.push(std::slice::from_ref(&event)).await?;
        anyhow::ensure!(
            matches!(answer.results[0], PushResult::Applied { .. }),
            "{:?}",
            answer.results[0]
        );
        Ok(event)
    }
}

/// Every event of `case` the (supervisor's) session can see.
async fn case_events(api: &Api, case: CaseId) -> anyhow::Result<Vec<Event>> {
    let mut cursor = 0;
    let mut out = Vec::new();
    loop {
        let page = api.pull(cursor).await?;
        out.extend(page.events.into_iter().filter(|e| e.case_id == case));
        for grant in page.grants {
            out.extend(grant.events.into_iter().filter(|e| e.case_id == case));
        }
        cursor = page.cursor;
        if !page.more {
            return Ok(out);
        }
    }
}

/// (c) A handler's tablet is offline while the office re-dispatches the case to another
/// department; the investigation the handler starts meanwhile is refused by the server: it is
/// quarantined and shown with its reason, not lost, and the case leaves the tablet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_the_server_forbids_is_quarantined_and_shown_with_its_reason() -> anyhow::Result<()>
{
    let server = TestServer::start_demo(0)?;
    let mut sup = Desk::new(&server, "supervisor", 1, 901).await?;
    let reg = sup.w.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        t0(),
    )));
    let classify = sup.w.write(body::classify());
    let dispatch = sup.w.write(body::dispatch("north"));
    sup.api.push(&[reg, classify, dispatch]).await?;
    let case = sup.w.case;
    run("quarantine", &server, async |server, browser| {
        browser.sign_in(&server.url, "handler2", PASSWORD).await?;
        browser
            .wait_for_text_where("[data-testid=case-count]", "the dispatched case", |t| {
                t.contains("共 1 件")
            })
            .await?;
        browser
            .client
            .goto(&format!("{}/cases/{case}", server.url))
            .await?;
        browser.click("cmd-investigation_started").await?;
        browser.set_offline(true).await?;
        // The office moves the case to operations while the tablet is offline.
        let sup_api = Api::login(&server.url, "supervisor", None).await?;
        sup.act(&sup_api, body::dispatch("ops")).await?;
        browser.click("command-submit").await?;
        browser
            .wait_for_text_where("[data-testid=stage-chip]", "investigating locally", |t| {
                t == "调查中"
            })
            .await?;
        browser.screenshot("20-started-offline").await?;

        browser.set_offline(false).await?;
        browser.click("nav-sync").await?;
        browser.click("sync-now").await?;
        let reason = browser
            .wait_for_text_where("[data-testid=quarantine-reason]", "the refusal", |t| {
                !t.is_empty()
            })
            .await?;
        assert!(reason.contains("不在您的职责范围"), "{reason}");
        browser
            .wait_for_text_where("[data-testid=quarantine-count]", "the refused count", |t| {
                t.contains('1')
            })
            .await?;
        browser.screenshot("21-quarantined-with-reason").await?;
        // The case left handler2's scope: revoked from the tablet, the refusal kept.
        browser.click("nav-cases").await?;
        browser
            .wait_for_text_where("[data-testid=case-count]", "the case revoked", |t| {
                t.contains("共 0 件")
            })
            .await?;
        Ok(())
    })
    .await
}

/// (d) An unsatisfied revisit reopens the case; after another round, a satisfied revisit lets
/// the supervisor close it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsatisfied_revisit_reopens_and_a_satisfied_one_leads_to_closing() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let sup_api = Api::login(&server.url, "supervisor", None).await?;
    let mut sup = Desk::new(&server, "supervisor", 2, 911).await?;
    let mut handler = Desk::new(&server, "handler", 2, 912).await?;
    let mut manager = Desk::new(&server, "manager", 2, 913).await?;
    let case = sup.w.case;
    sup.act(
        &sup_api,
        EventBody::Registered(registration(CaseKind::Complaint, t0())),
    )
    .await?;
    sup.act(&sup_api, body::classify()).await?;
    sup.act(&sup_api, body::dispatch("ops")).await?;
    handler
        .act(&sup_api, EventBody::InvestigationStarted)
        .await?;
    handler.act(&sup_api, body::report()).await?;
    manager.act(&sup_api, body::plan()).await?;
    sup.act(&sup_api, body::approve()).await?;
    handler.act(&sup_api, body::execute()).await?;
    handler.act(&sup_api, body::feedback()).await?;

    run("revisit", &server, async |server, browser| {
        browser.sign_in(&server.url, "handler", PASSWORD).await?;
        browser.click("nav-revisit").await?;
        browser.click("revisit-open").await?;
        // Nothing is chosen for the complainant: submitted untouched, the form names the field.
        browser.click("revisit-submit").await?;
        let summary = browser
            .wait_for_text_where("[data-testid=error-summary]", "the refusal", |t| {
                t.contains("满意度")
            })
            .await?;
        assert!(summary.contains("必填"), "{summary}");
        browser.click("radio-satisfaction-not_satisfied").await?;
        browser.fill("field-comment", "赔偿金额不认可").await?;
        browser.screenshot("30-revisit-form").await?;
        browser.click("revisit-submit").await?;
        saved(browser).await?;
        browser
            .client
            .goto(&format!("{}/cases/{case}", server.url))
            .await?;
        browser
            .wait_for_text_where("[data-testid=stage-chip]", "reopened", |t| t == "调查中")
            .await?;
        browser.click("nav-sync").await?;
        browser.click("sync-now").await?;
        browser
            .wait_for_text_where("[data-testid=sync-status]", "synced", |t| {
                t.contains("全部已同步")
            })
            .await?;

        // Another round in the office, then a satisfied revisit on the tablet.
        manager.act(&sup_api, body::plan()).await?;
        sup.act(&sup_api, body::approve()).await?;
        handler.act(&sup_api, body::execute()).await?;
        handler.act(&sup_api, body::feedback()).await?;
        browser.click("sync-now").await?;
        browser.click("nav-revisit").await?;
        browser.click("revisit-open").await?;
        browser.click("radio-satisfaction-satisfied").await?;
        browser.click("revisit-submit").await?;
        saved(browser).await?;
        browser
            .client
            .goto(&format!("{}/cases/{case}", server.url))
            .await?;
        browser
            .wait_for_text_where("[data-testid=stage-chip]", "revisited", |t| t == "已回访")
            .await?;
        browser
            .wait_for_text_where("[data-testid=sync-state]", "synced", |t| !t.contains("待"))
            .await?;

        // The supervisor closes it.
        browser.click("sign-out").await?;
        browser
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=page-login]"))
            .await?;
        browser.sign_in(&server.url, "supervisor", PASSWORD).await?;
        browser
            .client
            .goto(&format!("{}/cases/{case}", server.url))
            .await?;
        // The customer's opinion, signed on the screen (客戶意見 and 客戶簽字 of the
        // handling sheet).
        browser.click("cmd-note_added").await?;
        browser
            .select("field-note_kind", "customer_opinion")
            .await?;
        browser.fill("field-text", "对处理结果").await?;
        // News from a sync while the form is being filled in redraws the case: what was
        // typed, and the caret's field, stay.
        sup.act(&sup_api, body::note("办公室补充说明")).await?;
        browser
            .client
            .execute("window.dispatchEvent(new Event('focus'))", vec![])
            .await?;
        browser
            .wait_for_script(
                "the office's note in the timeline",
                "return document.querySelector('[data-testid=page-case]').textContent.includes('办公室补充说明')",
            )
            .await?;
        let kept = browser
            .client
            .execute(
                "const f = document.querySelector('[data-testid=field-text]'); \
                 const k = document.querySelector('[data-testid=field-note_kind]'); \
                 return [f && f.value, k && k.value, document.activeElement === f];",
                vec![],
            )
            .await?;
        assert_eq!(
            kept,
            serde_json::json!(["对处理结果", "customer_opinion", true]),
            "the open form after a sync"
        );
        browser.fill("field-text", "对处理结果满意").await?;
        browser.fill("field-signed_by", "李四").await?;
        draw_signature(browser).await?;
        browser.click("command-submit").await?;
        browser
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=case-signature] img"))
            .await?;
        browser.click("cmd-closed").await?;
        browser.fill("field-summary", "客户满意，结案").await?;
        browser.click("command-submit").await?;
        browser
            .wait_for_text_where("[data-testid=stage-chip]", "closed", |t| t == "已结案")
            .await?;
        browser.screenshot("31-closed").await?;

        // The printable handling sheet carries the opinion and the signature image.
        browser.click("print-handling").await?;
        browser
            .client
            .wait()
            .for_element(Locator::Css(
                "[data-testid=handling-sheet] [data-testid=customer-signature] img",
            ))
            .await?;
        let sheet = browser.text("[data-testid=handling-sheet]").await?;
        assert!(sheet.contains("客户投诉处理单"), "{sheet}");
        assert!(
            sheet.contains("对处理结果满意"),
            "the customer's words: {sheet}"
        );
        assert!(
            !sheet.contains("ops"),
            "departments by name, not id: {sheet}"
        );
        browser.screenshot("32-handling-sheet").await?;
        Ok(())
    })
    .await
}

/// Picks the workspace file `path` in the file input `input` and waits for its thumbnail.
async fn pick_photo(browser: &Browser, path: &str, input: &str, thumb: &str) -> anyhow::Result<()> {
    let file = tousu_e2e::workspace_root().join(path);
    browser
        .client
        .find(Locator::Css(input))
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    browser
        .client
        .wait()
        .for_element(Locator::Css(thumb))
        .await?;
    Ok(())
}

/// Signs the signature pad with a finger-like stroke (pointer events) and scrolls it into view.
async fn draw_signature(browser: &Browser) -> anyhow::Result<()> {
    browser
        .client
        .execute(
            "const c = document.querySelector('[data-testid=signature-pad]');
             const r = c.getBoundingClientRect();
             const at = (type, x, y) => c.dispatchEvent(new PointerEvent(type,
                 { bubbles: true, pointerId: 1, isPrimary: true, clientX: r.left + x, clientY: r.top + y }));
             at('pointerdown', 20, 30);
             for (let i = 1; i <= 30; i++) at('pointermove', 20 + i * 8, 30 + (i % 6) * 9);
             at('pointerup', 260, 40);
             c.scrollIntoView({ block: 'center' });",
            vec![],
        )
        .await?;
    Ok(())
}

async fn timeline(browser: &Browser) -> anyhow::Result<Vec<String>> {
    let kinds = browser
        .client
        .execute(
            "return [...document.querySelectorAll('[data-testid=timeline-entry]')].map(e => e.dataset.kind + ' ' + e.querySelector('.muted').textContent)",
            vec![],
        )
        .await?;
    Ok(kinds
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default())
}

async fn sync_and_open(browser: &Browser, base: &str, case: &str) -> anyhow::Result<()> {
    browser.click("nav-sync").await?;
    browser.click("sync-now").await?;
    browser
        .wait_for_text_where("[data-testid=sync-status]", "synced", |t| {
            t.contains("全部已同步")
        })
        .await?;
    browser.client.goto(&format!("{base}/cases/{case}")).await?;
    browser
        .client
        .wait()
        .for_element(Locator::Css("[data-testid=timeline]"))
        .await?;
    Ok(())
}

/// (b) The field worker's tablet and the supervisor's desktop work on one case, the tablet
/// offline meanwhile; a concurrent stage change (the tablet starts the investigation while the
/// office re-dispatches) shows as a conflict on both; the supervisor resolves it in one step and
/// both converge to the same timeline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_converge_and_a_concurrent_stage_change_is_resolved() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let office = Browser::start().await?;
    let result = run("converge", &server, async |server, tablet| {
        let office = &office;
        // The field worker registers online.
        tablet.sign_in(&server.url, "handler", PASSWORD).await?;
        tablet.click("nav-intake").await?;
        tablet.fill("field-name", "王五").await?;
        tablet.fill("field-phone", "13600001111").await?;
        tablet.fill("field-description", "快递柜无法开箱").await?;
        tablet.click("intake-submit").await?;
        let number = tablet
            .wait_for_text_where("[data-testid=case-number]", "the number", |t| {
                t.len() == 8 && t.chars().all(|c| c.is_ascii_digit())
            })
            .await?;
        let url = tablet.client.current_url().await?;
        let case = url.path().trim_start_matches("/cases/").to_string();

        // The office sees it, classifies and dispatches it.
        office.sign_in(&server.url, "supervisor", PASSWORD).await?;
        office.fill("filter-text", &number).await?;
        office
            .wait_for_text_where("[data-testid=case-label]", "the case", |t| t == number)
            .await?;
        office.client.goto(&format!("{}/cases/{case}", server.url)).await?;
        office.click("cmd-classified").await?;
        office.select("field-category", "service-quality").await?;
        office.click("radio-severity-general").await?;
        office.click("command-submit").await?;
        office.wait_for_text_where("[data-testid=stage-chip]", "triaged", |t| t == "已分类").await?;
        office.click("cmd-dispatched").await?;
        office.select("field-department", "ops").await?;
        office.click("command-submit").await?;
        office.wait_for_text_where("[data-testid=stage-chip]", "dispatched", |t| t == "已派单").await?;
        office.click("nav-sync").await?;
        office.click("sync-now").await?;
        office
            .wait_for_text_where("[data-testid=sync-status]", "synced", |t| t.contains("全部已同步"))
            .await?;

        // The tablet receives the dispatch, then works offline: a note, the investigation.
        sync_and_open(tablet, &server.url, &case).await?;
        tablet.wait_for_text_where("[data-testid=stage-chip]", "dispatched", |t| t == "已派单").await?;
        tablet.set_offline(true).await?;
        tablet.click("cmd-note_added").await?;
        tablet.fill("field-text", "快递柜电源故障，已报修").await?;
        tablet.click("command-submit").await?;
        tablet.click("cmd-investigation_started").await?;
        tablet.click("command-submit").await?;
        tablet.wait_for_text_where("[data-testid=stage-chip]", "investigating", |t| t == "调查中").await?;

        // Meanwhile the office re-dispatches to the north station.
        office.client.goto(&format!("{}/cases/{case}", server.url)).await?;
        office.click("cmd-dispatched").await?;
        office.select("field-department", "north").await?;
        office.click("command-submit").await?;
        office.wait_for_text_where("[data-testid=case-number]", "still there", |t| t == number).await?;

        // Both reconnect and sync: the same timeline, and the conflict on both screens.
        tablet.set_offline(false).await?;
        sync_and_open(office, &server.url, &case).await?;
        sync_and_open(tablet, &server.url, &case).await?;
        sync_and_open(office, &server.url, &case).await?;
        office.client.wait().for_element(Locator::Css("[data-testid=conflicts]")).await?;
        tablet.client.wait().for_element(Locator::Css("[data-testid=conflicts]")).await?;
        let (a, b) = (timeline(tablet).await?, timeline(office).await?);
        assert_eq!(a, b, "both devices show the same history");
        assert!(a.iter().any(|k| k.starts_with("note_added")), "{a:?}");
        tablet.screenshot("40-tablet-conflict").await?;
        office.screenshot("41-office-conflict").await?;

        // One step resolves it: the supervisor keeps the investigation.
        office
            .client
            .execute(
                "const v = [...document.querySelectorAll('.conflict-version')].find(e => e.textContent.includes('调查中')); \
                 v.querySelector('[data-testid=resolve-conflict]').click(); return true;",
                vec![],
            )
            .await?;
        office.wait_for_text_where("[data-testid=stage-chip]", "investigating", |t| t == "调查中").await?;
        sync_and_open(office, &server.url, &case).await?;
        sync_and_open(tablet, &server.url, &case).await?;
        for browser in [tablet, office] {
            browser
                .wait_for_script(
                    "the conflict to be gone",
                    "return !document.querySelector('[data-testid=conflicts]')",
                )
                .await?;
            browser.wait_for_text_where("[data-testid=stage-chip]", "investigating", |t| t == "调查中").await?;
        }
        assert_eq!(timeline(tablet).await?, timeline(office).await?);
        office.screenshot("42-office-resolved").await?;
        Ok(())
    })
    .await;
    if result.is_err() {
        let _ = office.screenshot("failure-converge-office").await;
    }
    office.close().await?;
    result
}

/// (f) Intake, list and detail pass an axe-core scan with no serious or critical findings,
/// and show no untranslated text in English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake_list_and_detail_are_accessible_and_fully_translated() -> anyhow::Result<()> {
    let axe = tousu_e2e::axe_source()?;
    // Enough cases that the first pull's snapshot is stored in bundles (32 and more).
    let server = TestServer::start_demo(80)?;
    run("axe", &server, async |server, browser| {
        browser.sign_in(&server.url, "supervisor", PASSWORD).await?;
        browser
            .wait_for_text_where("[data-testid=sync-status]", "first sync", |t| {
                t.contains("全部已同步")
            })
            .await?;

        browser
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=case-row]"))
            .await?;
        // The snapshot was stored in bundles (the status strip may say "synced" before the
        // first pull has landed, so this waits for it).
        let mut bundles = serde_json::Value::Null;
        for _ in 0..100 {
            bundles = browser
                .client
                .execute_async(
                    "const done = arguments[arguments.length - 1]; \
                     const open = indexedDB.open('tousu-user-supervisor'); \
                     open.onsuccess = () => { \
                       const db = open.result; \
                       const n = db.transaction('event_bundles').objectStore('event_bundles').count(); \
                       n.onsuccess = () => { db.close(); done(n.result); }; \
                     };",
                    vec![],
                )
                .await?;
            if bundles.as_u64().is_some_and(|n| n >= 1) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            bundles.as_u64().is_some_and(|n| n >= 1),
            "the snapshot is stored in bundles: {bundles}"
        );
        let mut report = Vec::new();
        report.extend(
            browser.axe_violations(&axe)
                .await?
                .into_iter()
                .map(|v| format!("list: {v}")),
        );
        browser.screenshot("50-supervisor-list").await?;
        // Filtering by department keeps only that department's cases.
        browser.select("filter-department", "north").await?;
        browser
            .wait_for_script(
                "only north cases",
                "const d = [...document.querySelectorAll('[data-testid=case-row] .case-dept')].map(e => e.textContent); \
                 return d.length > 0 && d.every(t => t === '北区站点部');",
            )
            .await?;
        browser.select("filter-department", "").await?;

        browser.click("case-label").await?;
        browser
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=timeline]"))
            .await?;
        report.extend(
            browser.axe_violations(&axe)
                .await?
                .into_iter()
                .map(|v| format!("detail: {v}")),
        );
        browser.screenshot("51-supervisor-detail").await?;

        // Completing the record sheet starts from what it says now.
        browser.click("cmd-record_amended").await?;
        let before = browser
            .client
            .find(Locator::Css("[data-testid=field-description]"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        assert!(!before.is_empty(), "the form starts from the record sheet");
        browser.fill("field-request", "补充：要求书面道歉").await?;
        browser.click("command-submit").await?;
        browser
            .wait_for_script(
                "the amendment in the timeline",
                "return [...document.querySelectorAll('[data-testid=timeline-entry]')].some(e => e.dataset.kind === 'record_amended')",
            )
            .await?;
        let facts = browser.text("[data-testid=facts]").await?;
        assert!(facts.contains("补充：要求书面道歉"), "{facts}");

        browser.click("nav-intake").await?;
        browser.click("intake-submit").await?;
        browser
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=error-summary]"))
            .await?;
        report.extend(
            browser.axe_violations(&axe)
                .await?
                .into_iter()
                .map(|v| format!("intake: {v}")),
        );
        assert!(
            report.is_empty(),
            "accessibility violations:\n{}",
            report.join("\n")
        );

        // English is complete: no Chinese left in the labels, headings, buttons and columns
        // of the same screens (data such as names and the departments' names, which admins
        // enter in one language, stays as entered).
        browser.select("lang-select", "en").await?;
        let chinese_labels = r"return [...document.querySelectorAll('label, legend, h1, h2, h3, button, th, option, nav a, .chip, .counts')]
             .filter(e => !e.closest('[data-testid=lang-select], [data-testid=filter-department]'))
             .map(e => e.textContent.trim()).filter(t => /[\u3400-\u9fff]/.test(t) && !/[A-Za-z]{3}/.test(t));";
        let mut leftovers = Vec::new();
        for page in ["/intake", "/revisit", "/sync", "/cases"] {
            browser.client.goto(&format!("{}{page}", server.url)).await?;
            browser.wait_for_text("[data-testid=nav-cases]", "Cases").await?;
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            let found = browser.client.execute(chinese_labels, vec![]).await?;
            for t in found.as_array().into_iter().flatten() {
                leftovers.push(format!("{page}: {}", t.as_str().unwrap_or_default()));
            }
        }
        browser.screenshot("52-english-list").await?;
        browser.click("case-label").await?;
        browser
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=timeline]"))
            .await?;
        let found = browser.client.execute(chinese_labels, vec![]).await?;
        for t in found.as_array().into_iter().flatten() {
            leftovers.push(format!("detail: {}", t.as_str().unwrap_or_default()));
        }
        browser.screenshot("53-english-detail").await?;
        // A 10-inch tablet held upright.
        browser.client.set_window_size(800, 1280).await?;
        browser.client.goto(&format!("{}/cases", server.url)).await?;
        browser.client.wait().for_element(Locator::Css("[data-testid=case-row]")).await?;
        browser.screenshot("54-portrait-list").await?;
        browser.client.goto(&format!("{}/intake", server.url)).await?;
        browser.client.wait().for_element(Locator::Css("[data-testid=intake-form]")).await?;
        browser.screenshot("55-portrait-intake").await?;
        assert!(leftovers.is_empty(), "untranslated:\n{}", leftovers.join("\n"));
        Ok(())
    })
    .await
}

/// (f) Decision forms pick nothing for the user and show what the decision rests on: an urgent
/// case classified without touching the severity stays urgent (and the timeline says old →
/// new); a plan review shows the plan and its amount and, submitted without a choice, is
/// refused with the field named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decision_forms_start_from_the_facts_and_pick_nothing() -> anyhow::Result<()> {
    use tousu_shared::{
        event::{Dispatched, PlanProposed},
        ids::{CategoryId, DepartmentId},
        model::Severity,
        testing::long,
        validate::Money,
    };
    let server = TestServer::start_demo(0)?;
    let sup_api = Api::login(&server.url, "supervisor", None).await?;
    // An urgent safety complaint, registered and not yet classified.
    let mut urgent = Desk::new(&server, "supervisor", 31, 931).await?;
    let mut sheet = registration(CaseKind::Complaint, t0());
    sheet.severity = Some(Severity::UrgentMajor);
    sheet.category = Some(CategoryId::parse("safety")?);
    urgent.act(&sup_api, EventBody::Registered(sheet)).await?;
    // A case whose plan waits for the supervisor's review.
    let mut sup = Desk::new(&server, "supervisor", 32, 932).await?;
    let mut handler = Desk::new(&server, "handler", 32, 933).await?;
    let mut manager = Desk::new(&server, "manager", 32, 934).await?;
    sup.act(
        &sup_api,
        EventBody::Registered(registration(CaseKind::Complaint, t0())),
    )
    .await?;
    sup.act(&sup_api, body::classify()).await?;
    sup.act(
        &sup_api,
        EventBody::Dispatched(Dispatched {
            department: DepartmentId::parse("ops")?,
            co_departments: Vec::new(),
            due: None,
            instructions: Some(long("请三日内联系客户并核实监控")),
        }),
    )
    .await?;
    handler
        .act(&sup_api, EventBody::InvestigationStarted)
        .await?;
    handler.act(&sup_api, body::report()).await?;
    manager
        .act(
            &sup_api,
            EventBody::PlanProposed(PlanProposed {
                plan: long("按保价赔偿并致歉"),
                opinion: Some(long("同意赔偿")),
                compensation: Some(Money::from_fen(29_900)?),
                loss: None,
            }),
        )
        .await?;
    let (urgent_case, review_case) = (urgent.w.case, sup.w.case);
    run("decisions", &server, async |server, browser| {
        browser.sign_in(&server.url, "supervisor", PASSWORD).await?;
        browser
            .wait_for_text_where("[data-testid=case-count]", "both cases", |t| {
                t.contains("共 2 件")
            })
            .await?;
        browser
            .client
            .goto(&format!("{}/cases/{urgent_case}", server.url))
            .await?;
        browser.click("cmd-classified").await?;
        let checked = browser
            .client
            .execute(
                "return document.querySelector('[data-testid=radio-severity-urgent_major]').checked",
                vec![],
            )
            .await?;
        assert_eq!(checked, serde_json::json!(true), "the form opens on the case's severity");
        browser.screenshot("60-classify-opens-on-the-case").await?;
        browser.click("command-submit").await?;
        let entry = browser
            .wait_for_text_where("[data-kind=classified] .timeline-text", "the classification", |t| {
                t.contains('→')
            })
            .await?;
        assert!(entry.contains("紧急重大 → 紧急重大"), "{entry}");
        let chips = browser.text(".case-head .chips").await?;
        assert!(chips.contains("紧急重大"), "{chips}");

        browser
            .client
            .goto(&format!("{}/cases/{review_case}", server.url))
            .await?;
        browser.click("cmd-plan_reviewed").await?;
        let basis = browser.text("[data-testid=form-basis]").await?;
        assert!(
            basis.contains("按保价赔偿并致歉") && basis.contains("299.00") && basis.contains("同意赔偿"),
            "{basis}"
        );
        browser.click("command-submit").await?;
        let summary = browser
            .wait_for_text_where("[data-testid=error-summary]", "the refusal", |t| {
                t.contains("审核结果")
            })
            .await?;
        assert!(summary.contains("必填"), "{summary}");
        browser.screenshot("61-review-refused-without-a-choice").await?;
        browser.click("radio-decision-approved").await?;
        browser.click("command-submit").await?;
        let entry = browser
            .wait_for_text_where("[data-kind=plan_reviewed] .timeline-text", "the review", |t| {
                !t.is_empty()
            })
            .await?;
        assert!(entry.contains("批准"), "{entry}");
        Ok(())
    })
    .await
}
