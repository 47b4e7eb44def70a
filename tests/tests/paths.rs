//! The profile's paths in Chromium (issue 13), under the warehouse company's regulation (002):
//! a general complaint registered on a handler's tablet takes the short path (handled
//! directly, no plan, no approval); an emergency one registered by the office shows its alert
//! on the supervisor's device and opens on its interim measure.

use fantoccini::Locator;
use tousu_e2e::{Api, Browser, DEMO_PASSWORD as PASSWORD, TestServer, axe_source, screenshot_dir};
use tousu_shared::{
    api::{Reference, sync::PushResult},
    event::{Classified, EventBody},
    ids::CategoryId,
    model::{CaseKind, Severity},
    testing::{Writer, body, registration, t0},
};

/// The first command offered on the case page.
async fn first_command(browser: &Browser) -> anyhow::Result<String> {
    browser
        .wait_for_script_value(
            "the commands",
            "const b = document.querySelector('[data-testid=commands] .btn-primary'); return b ? b.dataset.testid : null",
        )
        .await
}

fn classify(severity: Severity) -> EventBody {
    EventBody::Classified(Classified {
        category: CategoryId::parse("service-quality").expect("a 002 category"),
        cause: None,
        severity,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_general_complaint_takes_the_short_path_and_an_emergency_alerts_the_supervisor()
-> anyhow::Result<()> {
    let server = TestServer::start_in(
        tempfile::tempdir()?,
        &[
            ("TOUSU_DEMO", "true"),
            ("TOUSU_DEMO_CASES", "0"),
            ("TOUSU_DEMO_PASSWORD", PASSWORD),
            ("TOUSU_PROFILE", "warehouse"),
        ],
    )?;
    let mut sup = Writer::user(1, 902, "supervisor");
    let sup_api = Api::login(&server.url, "supervisor", Some(sup.device)).await?;
    let tablet = Browser::start().await?;
    let office = Browser::start().await?;
    let result = async {
        // The handler registers a general complaint on the tablet.
        tablet.sign_in(&server.url, "handler", PASSWORD).await?;
        tablet.click("nav-intake").await?;
        tablet.fill("field-name", "王五").await?;
        tablet.fill("field-phone", "13600001111").await?;
        tablet.fill("field-description", "宣传资料上的仓库电话印错了").await?;
        tablet.click("intake-submit").await?;
        tablet
            .wait_for_text_where("[data-testid=case-number]", "the number", |t| {
                t.len() == 8 && t.chars().all(|c| c.is_ascii_digit())
            })
            .await?;
        let url = tablet.client.current_url().await?;
        let case = url.path().trim_start_matches("/cases/").to_string();

        // The registration carries 002's rules, as the server knows them.
        let pulled = sup_api.pull(0).await?;
        let grant = pulled
            .grants
            .iter()
            .find(|g| g.events[0].case_id.to_string() == case)
            .expect("the supervisor has the case");
        let EventBody::Registered(r) = &grant.events[0].body else {
            anyhow::bail!("the first event registers");
        };
        let rules = r.rules.as_ref().expect("rules in the registration");
        assert_eq!((rules.profile.as_str(), rules.version), ("warehouse", 1));

        // The office classifies it 一般性 and dispatches it to the handler's department.
        sup.case = grant.events[0].case_id;
        sup.sees(&grant.events);
        let steps = [sup.write(classify(Severity::General)), sup.write(body::dispatch("ops"))];
        let answer = sup_api.push(&steps).await?;
        anyhow::ensure!(
            answer.results.iter().all(|r| matches!(r, PushResult::Applied { .. })),
            "{answer:?}"
        );

        // On the tablet: take it up, then the first step is the handling itself.
        tablet.client.refresh().await?;
        tablet
            .wait_for_script(
                "the dispatch synced",
                "return !!document.querySelector('[data-testid=cmd-investigation_started]')",
            )
            .await?;
        tablet.click("cmd-investigation_started").await?;
        tablet.click("command-submit").await?;
        tablet
            .wait_for_text_where("[data-testid=path-chip]", "the short path", |t| {
                t.contains("简易流程")
            })
            .await?;
        assert_eq!(first_command(&tablet).await?, "cmd-execution_recorded");
        tablet.screenshot("90-short-path").await?;
        tablet.click("cmd-execution_recorded").await?;
        tablet.fill("field-result", "已重印宣传资料并电话致歉").await?;
        tablet.click("command-submit").await?;
        tablet
            .wait_for_script(
                "executed without a plan",
                "return [...document.querySelectorAll('[data-testid=timeline-entry]')].some(e => e.dataset.kind === 'execution_recorded')
                    && ![...document.querySelectorAll('[data-testid=timeline-entry]')].some(e => e.dataset.kind === 'plan_proposed')",
            )
            .await?;
        assert_eq!(first_command(&tablet).await?, "cmd-feedback_given");

        // An emergency, registered and triaged by the office over the API.
        let rules = sup_api
            .get("/api/v1/reference")
            .await
            .map(|(_, body)| serde_json::from_value::<Reference>(body))??
            .profile
            .and_then(|p| p.rules)
            .expect("rules");
        sup.switch_to(2);
        let mut sheet = registration(CaseKind::Complaint, t0());
        sheet.rules = Some(Box::new(rules));
        let steps = [
            sup.write(EventBody::Registered(sheet)),
            sup.write(classify(Severity::UrgentMajor)),
            sup.write(body::dispatch("ops")),
        ];
        let answer = sup_api.push(&steps).await?;
        anyhow::ensure!(
            answer.results.iter().all(|r| matches!(r, PushResult::Applied { .. })),
            "{answer:?}"
        );

        // The supervisor's device: the alert in the strip at its sync.
        office.sign_in(&server.url, "supervisor", PASSWORD).await?;
        office
            .wait_for_text_where("[data-testid=urgent-alert]", "the urgent alert", |t| {
                t.contains("紧急重大")
            })
            .await?;
        office.screenshot("91-emergency-alert").await?;

        // 002's rectification measure on the handled case: owner and deadline, listed open.
        office.client.goto(&format!("{}/cases/{case}", server.url)).await?;
        office.click("cmd-rectification_set").await?;
        office.fill("field-measure", "宣传资料付印前由两人校对").await?;
        office.select("field-owner", "manager").await?;
        office
            .client
            .execute(
                "const d = document.querySelector('[data-testid=field-due]');
                 d.value = '2026-12-31'; d.dispatchEvent(new Event('input', {bubbles: true}));",
                vec![],
            )
            .await?;
        office.click("command-submit").await?;
        office
            .wait_for_text_where("[data-testid=rectification-item]", "the measure listed", |t| {
                t.contains("两人校对") && t.contains("未完成")
            })
            .await?;
        office.screenshot("93-rectification").await?;
        office
            .client
            .goto(&format!("{}/cases/{}", server.url, steps[0].case_id))
            .await?;
        office
            .wait_for_text_where("[data-testid=path-chip]", "the emergency path", |t| {
                t.contains("紧急处理路径")
            })
            .await?;
        office
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=cmd-interim_measure_taken]"))
            .await?;
        assert_eq!(first_command(&office).await?, "cmd-interim_measure_taken");
        office.screenshot("92-emergency-interim-first").await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = tablet.screenshot("failure-paths-tablet").await;
        let _ = office.screenshot("failure-paths-office").await;
    }
    tablet.close().await?;
    office.close().await?;
    println!("e2e screenshots: {}", screenshot_dir().display());
    result
}

/// Under the complaint office's regulation (004): the supervisor forms an investigation team
/// that includes a handler of another department, and asks the complainant to complete the
/// record; the team member's tablet gets the case, with the clocks shown paused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_member_from_another_department_gets_the_case_and_sees_the_pause()
-> anyhow::Result<()> {
    let server = TestServer::start_in(
        tempfile::tempdir()?,
        &[
            ("TOUSU_DEMO", "true"),
            ("TOUSU_DEMO_CASES", "0"),
            ("TOUSU_DEMO_PASSWORD", PASSWORD),
            ("TOUSU_PROFILE", "complaint-office"),
        ],
    )?;
    let mut sup = Writer::user(1, 903, "supervisor");
    let sup_api = Api::login(&server.url, "supervisor", Some(sup.device)).await?;
    let rules = sup_api
        .get("/api/v1/reference")
        .await
        .map(|(_, body)| serde_json::from_value::<Reference>(body))??
        .profile
        .and_then(|p| p.rules)
        .expect("rules");
    let mut sheet = registration(CaseKind::Complaint, t0());
    sheet.rules = Some(Box::new(rules));
    let steps = [
        sup.write(EventBody::Registered(sheet)),
        sup.write(EventBody::Classified(Classified {
            category: CategoryId::parse("management")?,
            cause: None,
            severity: Severity::Important,
        })),
        sup.write(body::dispatch("ops")),
    ];
    let answer = sup_api.push(&steps).await?;
    anyhow::ensure!(
        answer
            .results
            .iter()
            .all(|r| matches!(r, PushResult::Applied { .. })),
        "{answer:?}"
    );
    let case = steps[0].case_id;
    let office = Browser::start().await?;
    let tablet = Browser::start().await?;
    let result = async {
        office.sign_in(&server.url, "supervisor", PASSWORD).await?;
        office.wait_all_synced().await?;
        office
            .client
            .goto(&format!("{}/cases/{case}", server.url))
            .await?;
        office.click("cmd-investigators_named").await?;
        office.select("field-lead", "manager").await?;
        office.click("check-members-handler2").await?;
        // The team picker is accessible, light and dark.
        let axe = axe_source()?;
        for dark in [false, true] {
            office.set_dark(dark).await?;
            let violations = office.axe_violations(&axe).await?;
            assert!(violations.is_empty(), "dark {dark}: {violations:?}");
        }
        office.screenshot("94a-team-form-dark").await?;
        office.set_dark(false).await?;
        office.click("command-submit").await?;
        office
            .wait_for_text_where("[data-testid=facts]", "the team", |t| t.contains("组长"))
            .await?;
        office.click("cmd-supplement_requested").await?;
        office.fill("field-asked", "请补充涉及的订单号").await?;
        office.click("command-submit").await?;
        office
            .wait_for_text_where("[data-testid=paused-chip]", "the pause", |t| {
                t.contains("计时暂停")
            })
            .await?;
        office.wait_all_synced().await?;
        office.screenshot("94-team-and-pause").await?;

        // The member from the north department: the case comes with the first sync.
        tablet.sign_in(&server.url, "handler2", PASSWORD).await?;
        tablet.wait_all_synced().await?;
        tablet
            .client
            .goto(&format!("{}/cases/{case}", server.url))
            .await?;
        tablet
            .wait_for_text_where("[data-testid=paused-chip]", "the pause", |t| {
                t.contains("计时暂停")
            })
            .await?;
        tablet.screenshot("95-team-member-tablet").await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = office.screenshot("failure-team-office").await;
        let _ = tablet.screenshot("failure-team-tablet").await;
    }
    office.close().await?;
    tablet.close().await?;
    result
}
