//! The counter in Chromium (issue 16): a kiosk's day — setup code, three submissions while
//! offline (one anonymous, one with a photo), an inactivity reset, receipts; a scan of every
//! storage of the origin for the complainants' words before and after the sync; the cases
//! arriving numbered; the staff exit behind the PIN — and the public form and status lookup.

use fantoccini::Locator;
use tousu_e2e::{Api, Browser, TestServer, axe_source, post};

const NAME: &str = "赵小满";
const PHONE: &str = "13712345678";
const STORY: &str = "自助终端测试：售票窗口排队一小时";

/// Steps through the form: `contact` is `Some((name, phone))` or anonymous; `photo` a file.
async fn complain(
    b: &Browser,
    story: &str,
    contact: Option<(&str, &str)>,
    photo: Option<&str>,
) -> anyhow::Result<()> {
    b.fill("counter-what", story).await?;
    b.click("counter-next").await?;
    b.fill("counter-ask", "希望增开窗口").await?;
    b.click("counter-next").await?;
    match contact {
        Some((name, phone)) => {
            b.click("counter-named").await?;
            b.fill("counter-name", name).await?;
            b.fill("counter-phone", phone).await?;
        }
        None => b.click("counter-anonymous").await?,
    }
    b.click("counter-next").await?;
    if let Some(path) = photo {
        let file = tousu_e2e::workspace_root().join(path);
        b.client
            .find(Locator::Css("[data-testid=counter-photo]"))
            .await?
            .send_keys(&file.display().to_string())
            .await?;
        b.client
            .wait()
            .for_element(Locator::Css("[data-testid=counter-photos] li"))
            .await?;
    }
    b.click("counter-next").await?;
    b.click("counter-privacy").await?;
    b.click("counter-next").await?;
    Ok(())
}

/// The receipt's number and code once shown.
async fn receipt(b: &Browser) -> anyhow::Result<(String, String)> {
    let number = b
        .wait_for_script_value(
            "the receipt",
            "const n = document.querySelector('[data-testid=receipt-number]'); return n ? n.textContent : null;",
        )
        .await?;
    let code = b.text("[data-testid=receipt-code]").await?;
    Ok((number, code))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_day_leaves_nothing_readable_and_delivers_every_complaint() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let admin = Api::login(&server.url, "admin", None).await?;
    let (code, registered) = post(
        &admin,
        "/api/v1/admin/kiosks",
        serde_json::json!({ "name": "东站 大厅 1 号", "exit_pin": "2468" }),
    )
    .await?;
    anyhow::ensure!(code == 200, "register: {registered}");
    let b = Browser::start().await?;
    let result = async {
        b.client
            .goto(&format!("{}/kiosk?idle=5", server.url))
            .await?;
        b.fill("kiosk-setup-code", "wrong-code-0000").await?;
        b.click("kiosk-setup-submit").await?;
        b.wait_for_text_where(
            "[data-testid=kiosk-setup-error]",
            "a wrong code refused",
            |t| t.contains("设置码"),
        )
        .await?;
        b.screenshot("counter-kiosk-setup").await?;
        b.fill(
            "kiosk-setup-code",
            registered["setup_code"].as_str().unwrap_or(""),
        )
        .await?;
        b.click("kiosk-setup-submit").await?;
        b.wait_for_text("[data-testid=kiosk-name]", "东站 大厅 1 号")
            .await?;
        b.screenshot("counter-kiosk-welcome").await?;

        // Three complaints with the network gone; the kiosk opens again without it.
        b.wait_for_script(
            "the service worker",
            "return !!navigator.serviceWorker.controller;",
        )
        .await?;
        b.set_offline(true).await?;
        b.client.refresh().await?;
        b.wait_for_text("[data-testid=kiosk-name]", "东站 大厅 1 号")
            .await?;
        b.click("kiosk-start").await?;
        b.click("counter-next").await?;
        b.wait_for_text_where(
            "[data-testid=counter-errors]",
            "the story is asked for",
            |t| t.contains("必填"),
        )
        .await?;
        complain(&b, STORY, Some((NAME, PHONE)), None).await?;
        let (first, first_code) = receipt(&b).await?;
        anyhow::ensure!(
            first.starts_with("P-"),
            "offline: the provisional label ({first})"
        );
        anyhow::ensure!(first_code.len() == 9, "a lookup code ({first_code})");
        let due = b
            .wait_for_script_value(
                "the expected date",
                "return document.querySelector('[data-testid=receipt-due]').dataset.date || null;",
            )
            .await?;
        anyhow::ensure!(due.starts_with("20"), "the expected date offline ({due})");
        let shown = b.text("[data-testid=receipt-due]").await?;
        anyhow::ensure!(
            shown.contains('年') && shown.contains('日'),
            "a date as people read it ({shown})"
        );
        b.screenshot("counter-kiosk-receipt-offline").await?;
        b.click("kiosk-done").await?;
        b.click("kiosk-start").await?;
        complain(&b, "匿名：站台广播听不清", None, None).await?;
        receipt(&b).await?;
        b.click("kiosk-done").await?;
        b.click("kiosk-start").await?;
        complain(
            &b,
            "带照片：扶梯停运",
            Some(("钱多多", "13612345678")),
            Some("tests/tests/data/site-photo.png"),
        )
        .await?;
        receipt(&b).await?;
        b.click("kiosk-done").await?;
        b.wait_for_script(
            "three waiting",
            "return document.querySelector('[data-testid=kiosk-waiting]').dataset.waiting === '3';",
        )
        .await?;

        // Nobody walks away with what was typed: a reset after the countdown.
        b.click("kiosk-start").await?;
        b.fill("counter-what", "写了一半就走了").await?;
        b.wait_for_script(
            "the countdown",
            "return !!document.querySelector('[data-testid=kiosk-idle]');",
        )
        .await?;
        b.screenshot("counter-kiosk-idle").await?;
        b.wait_for_script(
            "the reset",
            "return !!document.querySelector('[data-testid=kiosk-start]');",
        )
        .await?;
        b.click("kiosk-start").await?;
        let left = b
            .client
            .execute(
                "return document.querySelector('[data-testid=counter-what]').value",
                vec![],
            )
            .await?;
        anyhow::ensure!(
            left.as_str() == Some(""),
            "the reset forgot the draft ({left})"
        );
        b.click("counter-over").await?;

        for needle in [NAME, PHONE, STORY, "写了一半"] {
            assert_eq!(
                b.storage_hits(needle).await?,
                0,
                "{needle} readable on the kiosk before the sync"
            );
        }

        // The network returns: everything is delivered, numbered, and nothing is left.
        b.set_offline(false).await?;
        b.client
            .execute("window.dispatchEvent(new Event('online'))", vec![])
            .await?;
        b.wait_for_script(
            "all sent",
            "return document.querySelector('[data-testid=kiosk-waiting]').dataset.waiting === '0';",
        )
        .await?;
        for needle in [NAME, PHONE, STORY] {
            assert_eq!(
                b.storage_hits(needle).await?,
                0,
                "{needle} readable on the kiosk after the sync"
            );
        }
        let supervisor = Api::login(&server.url, "supervisor", None).await?;
        let (_, pulled) = supervisor.get("/api/v1/sync/pull?cursor=0").await?;
        let text = pulled.to_string();
        for needle in [
            STORY,
            "匿名：站台广播听不清",
            "带照片：扶梯停运",
            "image/jpeg",
            "promised_answer",
        ] {
            anyhow::ensure!(text.contains(needle), "staff get {needle}");
        }
        let (status, found) = post(
            &supervisor,
            "/api/v1/public/status",
            serde_json::json!({ "number": first, "code": first_code }),
        )
        .await?;
        anyhow::ensure!(status == 200, "the offline receipt finds its case: {found}");
        anyhow::ensure!(
            found["number"]
                .as_str()
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        );

        // Online, the receipt shows the number.
        b.click("kiosk-start").await?;
        complain(&b, "在线提交：候车室太冷", None, None).await?;
        b.wait_for_text_where("[data-testid=receipt-number]", "the number", |t| {
            t.chars().all(|c| c.is_ascii_digit())
        })
        .await?;
        b.screenshot("counter-kiosk-receipt").await?;
        let violations = b.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe (kiosk receipt): {violations:?}");
        b.click("kiosk-done").await?;

        // The kiosk shows only the kiosk, wherever the address points; staff leave with the PIN.
        b.client.goto(&format!("{}/cases", server.url)).await?;
        b.wait_for_text("[data-testid=kiosk-name]", "东站 大厅 1 号")
            .await?;
        b.click("kiosk-exit").await?;
        b.fill("kiosk-exit-pin", "0000").await?;
        b.click("kiosk-exit-submit").await?;
        b.wait_for_text_where(
            "[data-testid=kiosk-exit-wrong]",
            "a wrong PIN refused",
            |t| !t.is_empty(),
        )
        .await?;
        b.fill("kiosk-exit-pin", "2468").await?;
        b.click("kiosk-exit-submit").await?;
        b.client
            .wait()
            .for_element(Locator::Css("[data-testid=page-login]"))
            .await?;
        anyhow::Ok(())
    }
    .await;
    b.close().await?;
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_form_and_the_status_lookup() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let b = Browser::start().await?;
    let result = async {
        b.client.goto(&format!("{}/complain", server.url)).await?;
        b.click("counter-next").await?;
        b.wait_for_text_where(
            "[data-testid=counter-errors]",
            "the story is asked for",
            |t| t.contains("必填"),
        )
        .await?;
        b.fill("counter-what", "网上投诉：公交卡充值失败").await?;
        b.click("counter-next").await?;
        b.click("counter-next").await?;
        // No choice made for them: the contact step asks.
        b.click("counter-next").await?;
        b.wait_for_text_where(
            "[data-testid=counter-errors]",
            "a choice is asked for",
            |t| !t.is_empty(),
        )
        .await?;
        b.click("counter-named").await?;
        b.fill("counter-phone", "12").await?;
        b.click("counter-next").await?;
        b.wait_for_text_where("[data-testid=counter-errors]", "a bad phone refused", |t| {
            t.contains("电话")
        })
        .await?;
        let kept = b
            .client
            .execute(
                "return document.querySelector('[data-testid=counter-phone]').value",
                vec![],
            )
            .await?;
        assert_eq!(
            kept.as_str(),
            Some("12"),
            "a refused step keeps what was typed"
        );
        b.screenshot("counter-complain-error").await?;
        b.fill("counter-phone", "13811112222").await?;
        b.click("counter-next").await?;
        b.click("counter-next").await?;
        let violations = b.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe (complain): {violations:?}");
        b.click("counter-privacy").await?;
        b.click("counter-next").await?;
        let (number, code) = receipt(&b).await?;
        anyhow::ensure!(
            number.chars().all(|c| c.is_ascii_digit()),
            "numbered at once ({number})"
        );
        b.screenshot("counter-complain-receipt").await?;

        b.client.goto(&format!("{}/status", server.url)).await?;
        b.click("lang-en").await?;
        b.fill("status-number", &number).await?;
        b.fill("status-code", "AAAA-AAAA").await?;
        b.click("status-submit").await?;
        b.wait_for_text_where("[data-testid=status-error]", "a wrong code", |t| {
            t.contains("Not found")
        })
        .await?;
        b.fill("status-code", &code.to_lowercase()).await?;
        b.click("status-submit").await?;
        b.wait_for_text_where("[data-testid=status-stage]", "the stage in words", |t| {
            t.contains("Received")
        })
        .await?;
        let shown = b.text("[data-testid=status-answer]").await?;
        anyhow::ensure!(!shown.contains("13811112222"), "no personal data: {shown}");
        let violations = b.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe (status): {violations:?}");
        b.screenshot("counter-status-en").await?;
        b.set_dark(true).await?;
        b.client.set_window_size(800, 1280).await?;
        b.screenshot("counter-status-dark-portrait").await?;
        b.client.goto(&format!("{}/complain", server.url)).await?;
        b.click("lang-zh-TW").await?;
        b.wait_for_text_where(
            "[data-testid=counter-question]",
            "Traditional Chinese",
            |t| t.contains("發生"),
        )
        .await?;
        b.screenshot("counter-complain-zh-tw-dark-portrait").await?;
        b.client.set_window_size(1920, 1080).await?;
        b.set_dark(false).await?;
        b.screenshot("counter-complain-zh-tw-desktop").await?;
        anyhow::Ok(())
    }
    .await;
    b.close().await?;
    result
}
