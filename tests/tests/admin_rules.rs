//! The regulation profile edited on the administrator's desk (issue 15 §3): a clock, an
//! option, a new sub-item and a new cause in a draft; no basis refused; clocks that overrun
//! the whole case refused in words with the draft kept (the server's own refusal of them is
//! in `profiles.rs`); the edit put in force as a new version whose
//! changed values carry the basis; a tablet's intake offers the new sub-item after its sync.

use tousu_e2e::{Api, Browser, DEMO_PASSWORD, TestServer, axe_source};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_edits_the_rules_and_a_tablet_follows() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let api = Api::login(&server.url, "admin", None).await?;
    let (_, before) = api.get("/api/v1/profile").await?;
    let version = before["version"].as_u64().expect("a version");
    let parent = before["categories"][1]["id"]
        .as_str()
        .expect("a category")
        .to_string();

    let admin = Browser::start().await?;
    let tablet = Browser::start().await?;
    let result = async {
        admin.sign_in(&server.url, "admin", DEMO_PASSWORD).await?;
        admin.click("nav-admin").await?;
        admin.click("admin-tab-rules").await?;
        admin.wait_for_text_where("[data-testid=rules-in-force]", "the profile in force",
            |t| t.contains(&format!("第 {version}"))).await?;

        // A sub-item whose names are not all given stays out of the draft, with the reason.
        admin.select("category-parent", &parent).await?;
        admin.fill("category-id", &format!("{parent}.lift")).await?;
        admin.fill("category-name-zh-cn", "电梯故障").await?;
        admin.click("category-add").await?;
        admin.wait_for_text_where("[data-testid=category-error]", "names asked for", |t| t.contains("三种语言")).await?;
        admin.fill("category-name-zh-tw", "電梯故障").await?;
        admin.fill("category-name-en", "Lift out of order").await?;
        admin.click("category-add").await?;
        admin.wait_for_text_where(&format!("[data-category=\"{parent}.lift\"]"), "the sub-item in the draft",
            |t| t.contains("电梯故障")).await?;
        admin.fill("cause-id", "crowding").await?;
        admin.fill("cause-name-zh-cn", "客流拥挤").await?;
        admin.fill("cause-name-zh-tw", "客流擁擠").await?;
        admin.fill("cause-name-en", "Crowding").await?;
        admin.click("cause-add").await?;
        admin.wait_for_text_where("[data-cause=crowding]", "the cause in the draft", |t| t.contains("客流拥挤")).await?;
        admin.click("option-rectification").await?;

        // Without a basis nothing is sent.
        admin.click("rules-submit").await?;
        admin.wait_for_text_where("[data-testid=rules-error]", "a basis asked for", |t| t.contains("依据")).await?;
        // Stages longer than the whole case: refused in words, the draft stays.
        admin.fill("clock-dispatch-n", "40").await?;
        admin.select("clock-dispatch-unit", "working_days").await?;
        admin.fill("rules-basis", "2026年第3号通知").await?;
        admin.click("rules-submit").await?;
        admin.wait_for_text_where("[data-testid=rules-error]", "the clocks refused", |t| t.contains("超过整体时限")).await?;
        let kept = admin.wait_for_script_value("the draft kept",
            "return document.querySelector('[data-cause=crowding]') ? document.querySelector('[data-testid=rules-basis]').value : null;").await?;
        assert_eq!(kept, "2026年第3号通知");
        let violations = admin.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe (rules): {violations:?}");
        admin.screenshot("admin-rules-refused-tablet").await?;

        admin.fill("clock-dispatch-n", "2").await?;
        admin.click("rules-submit").await?;
        admin.wait_for_text_where("[data-testid=rules-saved]", "in force", |t| t.contains(&format!("第 {}", version + 1))).await?;
        let (_, after) = api.get("/api/v1/profile").await?;
        assert_eq!(after["version"].as_u64(), Some(version + 1));
        assert_eq!(after["clocks"]["dispatch"]["value"], serde_json::json!({"unit": "working_days", "n": 2}));
        assert_eq!(after["clocks"]["dispatch"]["seed"], "2026年第3号通知");
        assert_eq!(after["clocks"]["review"], before["clocks"]["review"], "unchanged values keep their seed words");
        assert_eq!(after["workflow"]["rectification"]["seed"], "2026年第3号通知");
        assert!(after["causes"].to_string().contains("crowding"));
        let (_, audit) = api.get("/api/v1/audit?action=admin_profile_applied").await?;
        assert!(audit.to_string().contains("admin_profile_applied"), "{audit}");

        admin.set_dark(true).await?;
        admin.client.set_window_size(1920, 1080).await?;
        admin.select("lang-select", "zh-TW").await?;
        admin.wait_for_text_where(&format!("[data-category=\"{parent}.lift\"]"), "Traditional names", |t| t.contains("電梯故障")).await?;
        admin.screenshot("admin-rules-zh-tw-dark-desktop").await?;
        admin.set_dark(false).await?;
        admin.client.set_window_size(800, 1280).await?;
        admin.client.execute("document.querySelector('[data-testid=clocks]').scrollIntoView(); return null;", vec![]).await?;
        admin.screenshot("admin-rules-portrait").await?;

        // A registrar's tablet offers the new sub-item after its sync.
        tablet.client.set_window_size(1280, 800).await?;
        tablet.sign_in(&server.url, "clerk", DEMO_PASSWORD).await?;
        tablet.wait_all_synced().await?;
        tablet.client.goto(&format!("{}/intake", server.url)).await?;
        tablet.wait_for_script("the new sub-item offered", &format!(
            "return document.querySelector('[data-testid=field-category] option[value=\"{parent}.lift\"]') !== null;")).await?;
        Ok::<(), anyhow::Error>(())
    }
    .await;
    admin.close().await?;
    tablet.close().await?;
    result
}
