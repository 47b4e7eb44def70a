//! The office build in Chromium (issue 14): a supervisor's browser loads it after signing in,
//! a handler's keeps the field build; the statistics screen shows the server's figures, a bar
//! lists exactly its cases, and offline the same screen counts the cases on the device and
//! says so.

use fantoccini::Locator;
use tousu_e2e::{Api, Browser, DEMO_PASSWORD as PASSWORD, TestServer, axe_source, demo_range};

/// Whether the page runs the office build (its loader imports from `/office/`).
const OFFICE_LOADED: &str =
    "return [...document.scripts].some(s => s.textContent.includes(\"from '/office/\"))";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_build_shows_statistics_that_drill_down_and_count_the_device_offline()
-> anyhow::Result<()> {
    let server = TestServer::start_demo(40)?;
    record_accountability(&server).await?;
    let office = Browser::start().await?;
    let tablet = Browser::start().await?;
    let result = async {
        // A handler's tablet keeps the field build: no statistics there.
        tablet.sign_in(&server.url, "handler", PASSWORD).await?;
        tablet.wait_all_synced().await?;
        assert_eq!(tablet.client.execute(OFFICE_LOADED, vec![]).await?, false);
        assert!(
            tablet
                .client
                .find(Locator::Css("[data-testid=nav-stats]"))
                .await
                .is_err()
        );

        // The supervisor's browser switches to the office build on signing in.
        office.sign_in(&server.url, "supervisor", PASSWORD).await?;
        office
            .wait_for_script("the office build", OFFICE_LOADED)
            .await?;
        office.wait_all_synced().await?;
        office.click("nav-stats").await?;
        office
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=page-stats]"))
            .await?;

        // The server's figures for a range holding every demo case.
        let period = demo_range();
        let api = Api::login(&server.url, "supervisor", None).await?;
        let (status, answer) = api
            .get(&format!("/api/v1/statistics?period={period}&by=category"))
            .await?;
        assert_eq!(status, 200, "{answer}");
        let total = answer["report"]["total"]["count"].as_u64().unwrap();
        assert_eq!(total, 40, "every demo case is in the range");
        let first = &answer["report"]["groups"][0];
        let first_count = first["figures"]["count"].as_u64().unwrap();
        office
            .client
            .goto(&format!("{}/stats?period={period}&by=category", server.url))
            .await?;
        office
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=stats-server]"))
            .await?;
        office
            .wait_for_text("[data-testid=fig-count] .figure-value", &total.to_string())
            .await?;
        // The printed report's sentence: nothing was received in the range before.
        office
            .wait_for_text(
                "[data-testid=change]",
                &format!("全部案件的受理量由 0 上升至 {total}。"),
            )
            .await?;
        let bars = office
            .client
            .find_all(Locator::Css("[data-testid=chart-groups] [data-testid=bar]"))
            .await?;
        assert_eq!(
            bars.len(),
            answer["report"]["groups"].as_array().unwrap().len()
        );
        office.screenshot("stats-supervisor-tablet").await?;
        let charts =
            "document.querySelector('[data-testid=chart-months]').scrollIntoView(); return true";
        office.client.execute(charts, vec![]).await?;
        office.screenshot("stats-charts-tablet").await?;
        office.client.set_window_size(800, 1280).await?;
        office.client.execute(charts, vec![]).await?;
        office.screenshot("stats-charts-portrait").await?;
        office.client.set_window_size(1920, 1080).await?;
        office.screenshot("stats-desktop").await?;
        office.client.set_window_size(1280, 800).await?;
        let violations = office.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe: {violations:?}");

        // The ledger as XLSX from the server, handed to the browser as a download.
        office.click("export-xlsx").await?;
        office
            .wait_for_text_where("[data-testid=export-xlsx-said]", "the XLSX", |t| {
                t.contains("XLSX")
            })
            .await?;
        let xlsx = office.wait_for_download(".xlsx").await?;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx))?;
        let sheet = calamine::Reader::worksheet_range_at(&mut book, 0).expect("a sheet")?;
        let pulled = api.pull(0).await?.grants.len();
        assert_eq!(
            sheet.get_size().0,
            1 + pulled,
            "the headings and one row per case"
        );

        // Appraisal: the server's lines for the range, a row each.
        let (status, lines) = api
            .get(&format!("/api/v1/appraisal?period={period}&by=person"))
            .await?;
        assert_eq!(status, 200, "{lines}");
        office.click("nav-appraisal").await?;
        office
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=page-appraisal]"))
            .await?;
        office
            .client
            .goto(&format!("{}/appraisal?period={period}", server.url))
            .await?;
        office
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=page-appraisal] [data-testid=stats-server]"))
            .await?;
        let n = lines["lines"].as_array().unwrap().len();
        assert!(n > 0, "someone handled a demo case: {lines}");
        office
            .wait_for_script(
                "the appraisal lines",
                &format!("return document.querySelectorAll('[data-testid=appraisal-line]').length === {n}"),
            )
            .await?;
        office.screenshot("appraisal-supervisor").await?;
        // The same lines as a workbook from the server.
        office.click("export-appraisal").await?;
        let xlsx = office.wait_for_download(".xlsx").await?;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx))?;
        let sheet = calamine::Reader::worksheet_range_at(&mut book, 0).expect("a sheet")?;
        assert_eq!(sheet.get_size().0, 1 + n, "the headings and one row per line");
        office
            .client
            .goto(&format!("{}/stats?period={period}&by=category", server.url))
            .await?;
        office
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=chart-groups] [data-testid=bar]"))
            .await?;
        let bars = office
            .client
            .find_all(Locator::Css("[data-testid=chart-groups] [data-testid=bar]"))
            .await?;

        // The largest bar lists its cases on this device, and says how many are only on the
        // server (the demo's oldest cases are archived).
        bars[0].click().await?;
        office
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=drill]"))
            .await?;
        let counts = office
            .wait_for_text_where("[data-testid=case-count]", "the drilled cases", |t| {
                t.starts_with("共 ")
            })
            .await?;
        let numbers: Vec<u64> = counts
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        let (on_device, listed) = (numbers[0], numbers[1]);
        let rows = office
            .client
            .find_all(Locator::Css("[data-testid=case-row]"))
            .await?;
        assert_eq!(rows.len() as u64, listed);
        assert!(listed <= first_count && on_device < total, "{counts}");
        let missing = office.text("[data-testid=drill-missing]").await?;
        if listed < first_count {
            assert!(
                missing.contains(&format!(
                    "统计共 {first_count} 件，其中 {} 件",
                    first_count - listed
                )),
                "{missing}"
            );
        } else {
            assert!(missing.is_empty(), "{missing}");
        }
        let group = office.text("[data-testid=drill-group]").await?;

        // The statistics table: 003's columns (the demo profile has no table of its own), a
        // line per case of the range on this device.
        office
            .client
            .goto(&format!("{}/stats/table?period={period}", server.url))
            .await?;
        office
            .wait_for_script(
                "the statistics table",
                &format!("return document.querySelectorAll('[data-testid=stats-table-row]').length === {on_device}"),
            )
            .await?;
        assert_eq!(
            office.text("[data-testid=stats-table] thead th").await?,
            "日期"
        );
        office.screenshot("stats-table").await?;
        // As a workbook from the server: every case of the range the supervisor may see.
        office.click("export-table").await?;
        let xlsx = office.wait_for_download(".xlsx").await?;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx))?;
        let sheet = calamine::Reader::worksheet_range_at(&mut book, 0).expect("a sheet")?;
        assert_eq!(sheet.get_size().0, 1 + pulled, "the headings and one row per case");
        office.screenshot("stats-drill").await?;

        // The revisit and accountability summaries: a line per revisit or decision of the
        // range among the cases on the device (the supervisor's pull), by the shared rule.
        let views: Vec<_> = api
            .pull(0)
            .await?
            .grants
            .into_iter()
            .filter_map(|g| g.case.map(|c| c.view))
            .collect();
        let range = tousu_shared::stats::Period::parse(&period).unwrap();
        let revisits = tousu_shared::reports::revisit_summary(&views, range, 480);
        let decisions = tousu_shared::reports::accountability_summary(&views, range, 480);
        assert!(!revisits.lines.is_empty(), "the demo has revisits");
        assert_eq!(decisions.lines.len(), 1, "the one recorded above");
        for (path, line, n) in [
            ("revisits", "revisit-line", revisits.lines.len()),
            ("accountability", "accountability-line", decisions.lines.len()),
        ] {
            office
                .client
                .goto(&format!("{}/stats/{path}?period={period}", server.url))
                .await?;
            office
                .wait_for_script(
                    path,
                    &format!("return document.querySelectorAll('[data-testid={line}]').length === {n} && !!document.querySelector('[data-testid$=-totals]')"),
                )
                .await?;
            office.screenshot(&format!("summary-{path}")).await?;
            let violations = office.axe_violations(&axe_source()?).await?;
            assert!(violations.is_empty(), "{path} axe: {violations:?}");
        }

        // Offline: the device's own cases, said plainly; the drilled group has as many there
        // as the list showed.
        office.set_offline(true).await?;
        office
            .client
            .goto(&format!("{}/stats?period={period}&by=category", server.url))
            .await?;
        office
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=stats-device]"))
            .await?;
        office
            .wait_for_script("the office build offline", OFFICE_LOADED)
            .await?;
        office
            .wait_for_text(
                "[data-testid=fig-count] .figure-value",
                &on_device.to_string(),
            )
            .await?;
        let value = office
            .text(&format!(
                "[data-testid=chart-groups] [data-key='{group}'] .bar-value"
            ))
            .await?;
        assert_eq!(value, listed.to_string(), "{group}");
        // The ledger as CSV, made on the device while offline.
        office.click("export-csv").await?;
        office
            .wait_for_text(
                "[data-testid=export-said]",
                &format!("已导出本设备上的 {on_device} 件案件（CSV）。"),
            )
            .await?;
        let csv = String::from_utf8(office.wait_for_download(".csv").await?)?;
        assert!(csv.starts_with("\u{feff}编号,受理日期,渠道"), "{csv:.200}");
        assert_eq!(
            csv.matches("\r\n").count() as u64,
            on_device + 1,
            "{csv:.400}"
        );
        office.set_dark(true).await?;
        office.screenshot("stats-offline-dark").await?;
        office.set_dark(false).await?;
        office.set_offline(false).await?;
        Ok::<(), anyhow::Error>(())
    }
    .await;
    office.close().await?;
    tablet.close().await?;
    result
}

/// A supervisor's accountability decision (a fine) on a demo case past its investigation, so
/// the accountability summary has a line.
async fn record_accountability(server: &TestServer) -> anyhow::Result<()> {
    use tousu_shared::{
        clock::{HOUR_MS, Timestamp},
        event::{AccountabilityRecorded, EventBody},
        ids::UserId,
        model::{Measure, Responsibility, Stage},
        testing::{Writer, long},
        validate::Money,
    };
    let mut w = Writer::user(1, 91, "supervisor");
    let api = Api::login(&server.url, "supervisor", Some(w.device)).await?;
    let grant = api
        .pull(0)
        .await?
        .grants
        .into_iter()
        .find(|g| {
            g.case.as_ref().is_some_and(|c| {
                matches!(c.view.stage, Stage::Closed | Stage::Revisited)
                    && c.view
                        .executions
                        .iter()
                        .any(|x| matches!(x.actor, tousu_shared::event::Actor::User(_)))
            })
        })
        .expect("a demo case past its investigation");
    let view = grant.case.expect("the view").view;
    w.case = view.id;
    w.now = Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis() as i64,
    );
    w.sees(&grant.events);
    let pushed = api
        .push(&[
            w.write(EventBody::AccountabilityRecorded(AccountabilityRecorded {
                person: Some(UserId::parse("handler")?),
                department: None,
                responsibility: Responsibility::Direct,
                measure: Measure::Fine,
                amount: Some(Money::parse_yuan("200")?),
                reason: long("未按规定核对包裹"),
                appeal_until: Timestamp(w.now.0 + 30 * 24 * HOUR_MS),
            })),
        ])
        .await?;
    anyhow::ensure!(
        matches!(
            pushed.results[0],
            tousu_shared::api::sync::PushResult::Applied { .. }
        ),
        "{pushed:?}"
    );
    Ok(())
}
