//! The administrator's desk in Chromium (issue 15 §3): an account made with a one-time
//! password, which its owner must replace at the first sign-in before anything opens; a
//! sub-unit; a calendar edit that moves a deadline on a tablet at its next sync; axe scans.

use tousu_e2e::{Api, Browser, DEMO_PASSWORD, TestServer, axe_source};
use tousu_shared::{
    clock::{CHINA_OFFSET_MINUTES, Date, Timestamp, Weekday},
    event::EventBody,
    model::CaseKind,
    testing::{Writer, registration},
};

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_makes_an_account_a_sub_unit_and_a_calendar_edit() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    // A case registered a minute ago, so its working-day deadlines lie ahead.
    let mut w = Writer::user(1, 61, "supervisor");
    w.now = Timestamp(now_ms() - 60_000);
    let registered = w.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        w.now,
    )));
    let case = registered.case_id;
    let api = Api::login(&server.url, "supervisor", Some(w.device)).await?;
    anyhow::ensure!(api.push(&[registered]).await?.numbers.len() == 1);

    let admin = Browser::start().await?;
    let newcomer = Browser::start().await?;
    let tablet = Browser::start().await?;
    let result = async {
        admin.sign_in(&server.url, "admin", DEMO_PASSWORD).await?;
        admin.click("nav-admin").await?;
        admin.wait_for_text_where("[data-testid=users]", "the accounts", |t| t.contains("supervisor")).await?;

        // A rejected form keeps what was typed and says why.
        admin.fill("account-id", "Wang Fang").await?;
        admin.fill("account-name", "投诉专员 王芳").await?;
        admin.click("user-submit").await?;
        admin.wait_for_text_where("[data-testid=user-error]", "the id refused", |t| t.contains("账号")).await?;
        let kept = admin.wait_for_script_value("the name kept",
            "return document.querySelector('[data-testid=account-name]').value || null;").await?;
        assert_eq!(kept, "投诉专员 王芳");
        // No role is ticked for the administrator.
        admin.fill("account-id", "wang-fang").await?;
        admin.click("user-submit").await?;
        admin.wait_for_text_where("[data-testid=user-error]", "a role asked for", |t| t.contains("角色")).await?;
        admin.click("user-role-clerk").await?;
        admin.click("user-submit").await?;
        let otp = admin.wait_for_script_value("the one-time password",
            "const o = document.querySelector('[data-testid=otp-value]'); return o ? o.textContent : null;").await?;
        assert_eq!(otp.len(), 14, "{otp}");
        admin.wait_for_text_where("[data-user=wang-fang] [data-testid=user-status]", "a new password due",
            |t| t.contains("待设新密码")).await?;
        let violations = admin.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe (users): {violations:?}");
        admin.screenshot("admin-users-tablet").await?;

        // The newcomer signs in with it and must choose a password before anything opens.
        newcomer.client.goto(&server.url).await?;
        newcomer.fill("login-username", "wang-fang").await?;
        newcomer.fill("login-password", &otp).await?;
        newcomer.click("login-submit").await?;
        newcomer.wait_for_text_where("[data-testid=new-password]", "the new-password form", |t| t.contains("设置新密码")).await?;
        newcomer.fill("new-password-1", "王芳自己的密码 2026").await?;
        newcomer.fill("new-password-2", "王芳自己的密码 2025").await?;
        newcomer.click("new-password-submit").await?;
        newcomer.wait_for_text_where("[data-testid=new-password-error]", "the mismatch", |t| t.contains("不一致")).await?;
        let violations = newcomer.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe (new password): {violations:?}");
        newcomer.screenshot("admin-new-password").await?;
        newcomer.fill("new-password-2", "王芳自己的密码 2026").await?;
        newcomer.click("new-password-submit").await?;
        newcomer.wait_for_script("the case list", "return document.querySelector('[data-testid=page-cases]') !== null;").await?;
        newcomer.wait_all_synced().await?;
        // The one-time password is spent; the chosen one signs in.
        assert!(Api::login_with(&server.url, "wang-fang", &otp).await.is_err());
        Api::login_with(&server.url, "wang-fang", "王芳自己的密码 2026").await?;

        // A sub-unit of the operations department.
        admin.click("admin-tab-departments").await?;
        admin.fill("department-id", "ops-night").await?;
        admin.fill("department-name", "运营部夜班组").await?;
        admin.select("department-parent", "ops").await?;
        admin.click("department-submit").await?;
        admin.wait_for_text_where("[data-department=ops-night]", "the sub-unit listed", |t| t.contains("运营部夜班组")).await?;
        let violations = admin.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe (departments): {violations:?}");

        // A kiosk: its setup code shown once, exchanged by the counter, then revoked.
        admin.click("admin-tab-kiosks").await?;
        admin.click("kiosk-submit").await?;
        admin.wait_for_text_where("[data-testid=kiosk-error]", "a place asked for", |t| t.contains("位置")).await?;
        admin.fill("kiosk-name", "朝阳门站点 大厅").await?;
        admin.fill("kiosk-pin", "2468").await?;
        admin.click("kiosk-submit").await?;
        let code = admin.wait_for_script_value("the setup code",
            "const o = document.querySelector('[data-testid=kiosk-code-value]'); return o ? o.textContent : null;").await?;
        admin.wait_for_text_where("[data-testid=kiosk-state]", "awaiting setup", |t| t.contains("待设置")).await?;
        let violations = admin.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe (kiosks): {violations:?}");
        admin.screenshot("admin-kiosks-tablet").await?;
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/kiosk/setup", server.url))
            .json(&serde_json::json!({ "code": code }))
            .send()
            .await?;
        anyhow::ensure!(res.status() == 200, "kiosk setup: {}", res.text().await?);
        admin.click("kiosk-code-done").await?;
        admin.click("admin-tab-users").await?;
        admin.click("admin-tab-kiosks").await?;
        admin.wait_for_text_where("[data-testid=kiosk-state]", "in use", |t| t.contains("使用中")).await?;
        admin.click("kiosk-revoke").await?;
        admin.click("kiosk-revoke").await?;
        admin.wait_for_text_where("[data-testid=kiosk-state]", "revoked", |t| t.contains("已撤销")).await?;

        // The tablet shows the case's deadlines.
        tablet.client.set_window_size(800, 1280).await?;
        tablet.sign_in(&server.url, "supervisor", DEMO_PASSWORD).await?;
        tablet.wait_all_synced().await?;
        tablet.client.goto(&format!("{}/cases/{case}", server.url)).await?;
        let before = tablet.wait_for_script_value("the deadlines",
            "const c = document.querySelector('[data-testid=sla-clocks]'); return c && c.textContent.trim() ? c.textContent : null;").await?;

        // The calendar: a typing error is named by its line; then the rest of December off.
        admin.click("admin-tab-calendar").await?;
        // A year not listed yet with a make-up weekend: more than six working days in a row
        // are warned of as typed (nothing saved).
        let shown_year = admin.wait_for_script_value("the year shown",
            "const s = document.querySelector('[data-testid=calendar-year]'); return s && s.value ? s.value : null;").await?;
        let next = admin.wait_for_script_value("the year after the last",
            "const s = document.querySelector('[data-testid=calendar-year]'); return s && s.options.length ? s.options[s.options.length - 1].value : null;").await?;
        let mut saturday = Date::new(next.parse()?, 1, 6).expect("a date");
        while saturday.weekday() != Weekday::Sat {
            saturday = saturday.succ();
        }
        admin.select("calendar-year", &next).await?;
        admin.fill("calendar-text", &format!("year {next}\n{saturday} workday 调休\n{} workday 调休\n", saturday.succ())).await?;
        admin.wait_for_text_where("[data-testid=calendar-warnings]", "the long stretch warned of",
            |t| t.contains("12 个工作日")).await?;
        admin.select("calendar-year", &shown_year).await?;
        let block = admin.wait_for_script_value("the year's text",
            "const t = document.querySelector('[data-testid=calendar-text]'); return t && t.value.startsWith('year ') ? t.value : null;").await?;
        let lines = block.trim_end().lines().count();
        admin.fill("calendar-text", &format!("{}\n2026-12-40 holiday 坏日期\n", block.trim_end())).await?;
        admin.wait_for_text_where("[data-testid=calendar-error]", "the bad line named",
            |t| t.contains(&format!("第 {} 行", lines + 1))).await?;
        // Today and the twenty days after it off (whatever day the test runs on).
        let today = Timestamp(now_ms()).date(CHINA_OFFSET_MINUTES);
        let last = (0..20).fold(today, |d, _| d.succ());
        admin.fill("calendar-text", &format!("{}\n{today}..{last} holiday 停办\n", block.trim_end())).await?;
        admin.click("calendar-submit").await?;
        admin.wait_for_text_where("[data-testid=calendar-saved]", "saved", |t| t.contains("已保存")).await?;
        let violations = admin.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe (calendar): {violations:?}");
        admin.set_dark(true).await?;
        admin.screenshot("admin-calendar-dark").await?;

        // At the tablet's next sync the deadline moves.
        tablet.client.goto(&format!("{}/sync", server.url)).await?;
        tablet.click("sync-now").await?;
        tablet.wait_all_synced().await?;
        tablet.client.goto(&format!("{}/cases/{case}", server.url)).await?;
        let script = format!(
            "const c = document.querySelector('[data-testid=sla-clocks]'); \
             return c && c.textContent.trim() && c.textContent !== {} ? c.textContent : null;",
            serde_json::to_string(&before)?
        );
        let after = tablet.wait_for_script_value("the deadline moved", &script).await?;
        assert_ne!(before, after);
        tablet.screenshot("admin-calendar-moved-deadline-portrait").await?;

        // English, and the desktop.
        admin.set_dark(false).await?;
        admin.client.set_window_size(1920, 1080).await?;
        admin.select("lang-select", "en").await?;
        admin.click("admin-tab-users").await?;
        admin.wait_for_text_where("[data-user=wang-fang] [data-testid=user-status]", "active, in English",
            |t| t.contains("Active")).await?;
        admin.screenshot("admin-users-en-desktop").await?;
        Ok::<(), anyhow::Error>(())
    }
    .await;
    admin.close().await?;
    newcomer.close().await?;
    tablet.close().await?;
    result
}
