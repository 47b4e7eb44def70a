//! Teaching cases over the API (issue 14 §6): only a supervisor marks, only a closed case;
//! every member of staff reads the anonymised version, as JSON and as XLSX, and no personal
//! datum of the complainant or name of staff is in either.

use std::io::Cursor;

use calamine::{Reader as _, Xlsx, open_workbook_from_rs};
use tousu_e2e::{Api, DEMO_PASSWORD, TestServer};
use tousu_shared::{
    api::sync::PushResult,
    event::{EventBody, TeachingMark},
    testing::{Writer, body, closed_complaint, long},
};

/// What no anonymised teaching case may hold: the fixture complainant's data and demo staff
/// names.
const PERSONAL: &[&str] = &[
    "张三",
    "张先生",
    "13812345678",
    "zhang.san",
    "建国路",
    "3号站点",
    "张专员",
    "王主管",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_marks_and_all_staff_read_it_anonymised() -> anyhow::Result<()> {
    let server = TestServer::start_in(
        tempfile::tempdir()?,
        &[
            ("TOUSU_DEMO", "true"),
            ("TOUSU_DEMO_CASES", "0"),
            ("TOUSU_DEMO_PASSWORD", DEMO_PASSWORD),
        ],
    )?;
    let mut w = Writer::user(1, 71, "supervisor");
    let supervisor = Api::login(&server.url, "supervisor", Some(w.device)).await?;
    let mut events = closed_complaint(&mut w);
    events.push(w.write(body::note(
        "张先生来电 13812345678，称在3号站点由张专员接待；王主管已致电道歉。",
    )));
    supervisor.push(&events).await?;

    // A handler may not mark, a supervisor may not mark an open case.
    let mut h = Writer::user(1, 72, "handler");
    let handler = Api::login(&server.url, "handler", Some(h.device)).await?;
    h.sees(&events);
    let mark = |text: &str| EventBody::TeachingCaseMarked(TeachingMark { lesson: long(text) });
    let refused = handler.push(&[h.write(mark("教训"))]).await?;
    assert!(
        !matches!(refused.results[0], PushResult::Applied { .. }),
        "{refused:?}"
    );
    let mut open = Writer::user(2, 73, "supervisor");
    let supervisor2 = Api::login(&server.url, "supervisor", Some(open.device)).await?;
    let registered = closed_complaint(&mut open);
    let not_closed = supervisor2
        .push(&[registered[0].clone(), open.write(mark("太早"))])
        .await?;
    assert!(
        !matches!(not_closed.results[1], PushResult::Applied { .. }),
        "{not_closed:?}"
    );
    let marked = supervisor
        .push(&[w.write(mark("破损件当场拍照登记；张专员应先致歉再解释。"))])
        .await?;
    assert!(
        matches!(marked.results[0], PushResult::Applied { .. }),
        "{marked:?}"
    );

    // The handler (the case is in their department) and the clerk (it is not in theirs)
    // both read it, anonymised.
    for reader in ["handler", "clerk"] {
        let api = Api::login(&server.url, reader, None).await?;
        let (status, list) = api.get("/api/v1/teaching-cases").await?;
        assert_eq!(status, 200, "{reader}: {list}");
        let cases = list.as_array().unwrap();
        assert_eq!(cases.len(), 1, "{reader}: {list}");
        let text = list.to_string();
        for p in PERSONAL {
            assert!(!text.contains(p), "{reader} reads {p} in {text}");
        }
        assert!(text.contains("[工作人员]应先致歉"), "{text}");
        assert!(text.contains("[电话]"), "{text}");
    }
    let (status, english) = supervisor.get("/api/v1/teaching-cases?lang=en").await?;
    assert_eq!(status, 200);
    assert!(english.to_string().contains("[phone]"), "{english}");
    assert_eq!(
        supervisor.get("/api/v1/teaching-cases?lang=xx").await?.0,
        400
    );
    let anonymous = reqwest::get(format!("{}/api/v1/teaching-cases", server.url)).await?;
    assert_eq!(anonymous.status().as_u16(), 401);

    // The workbook: a heading and one line, no personal datum in any cell.
    let res = supervisor
        .http
        .get(format!(
            "{}/api/v1/exports/teaching-cases.xlsx",
            supervisor.base
        ))
        .bearer_auth(&supervisor.token)
        .send()
        .await?;
    assert_eq!(res.status().as_u16(), 200);
    let bytes = res.bytes().await?;
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec()))?;
    let sheet = book.worksheet_range_at(0).expect("one sheet")?;
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0][0], "受理月份");
    let line = rows[1].join("|");
    for p in PERSONAL {
        assert!(!line.contains(p), "the workbook holds {p}: {line}");
    }
    assert!(line.contains("破损件当场拍照登记"), "{line}");
    assert!(line.contains("第0天 受理登记"), "{line}");
    Ok(())
}

/// In Chromium: the supervisor marks a closed demo case from its page; the teaching screen
/// shows it anonymised from the server, prints, exports, and offline shows it from the device,
/// anonymised there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_teaching_screen_shows_a_marked_case_anonymised_online_and_offline()
-> anyhow::Result<()> {
    use fantoccini::Locator;
    use tousu_e2e::{Browser, axe_source};
    use tousu_shared::model::Stage;

    let server = TestServer::start_demo(30)?;
    let api = Api::login(&server.url, "supervisor", None).await?;
    // A closed complaint, with a course to learn from (any closed case otherwise).
    let mut closed: Vec<_> = api
        .pull(0)
        .await?
        .grants
        .into_iter()
        .filter_map(|g| g.case)
        .filter(|c| c.view.stage == Stage::Closed)
        .collect();
    closed.sort_by_key(|c| std::cmp::Reverse(c.view.executions.len()));
    let closed = closed.into_iter().next().expect("a closed demo case");
    let registration = closed.view.registration.clone().expect("registered");
    let personal: Vec<String> = [
        registration
            .complainant
            .name
            .map(|n| n.as_str().to_string()),
        registration
            .complainant
            .phone
            .map(|p| p.as_str().to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let office = Browser::start().await?;
    let result = async {
        office
            .sign_in(&server.url, "supervisor", DEMO_PASSWORD)
            .await?;
        office.wait_all_synced().await?;
        office
            .client
            .goto(&format!("{}/cases/{}", server.url, closed.view.id))
            .await?;
        office.click("cmd-teaching_case_marked").await?;
        office.fill("field-lesson", LESSON).await?;
        office.click("command-submit").await?;
        office.wait_all_synced().await?;
        office.click("nav-teaching").await?;
        office
            .wait_for_text_where("[data-testid=teaching-source]", "the server's list", |t| {
                t.contains("服务器")
            })
            .await?;
        shown_anonymised(&office, &personal, "online").await?;
        let violations = office.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe: {violations:?}");
        office.screenshot("teaching-tablet").await?;
        office.client.set_window_size(1920, 1080).await?;
        office.screenshot("teaching-desktop").await?;
        office.client.set_window_size(1280, 800).await?;

        // One case alone, printed; the workbook from the server.
        office.click("teaching-open").await?;
        office
            .client
            .wait()
            .for_element(Locator::Css("[data-testid=teaching-all]"))
            .await?;
        let pdf = office.print_pdf().await?;
        assert!(tousu_e2e::pdf_pages(&pdf) >= 1);
        office.click("export-teaching").await?;
        let xlsx = office.wait_for_download(".xlsx").await?;
        assert!(xlsx.starts_with(b"PK"), "an XLSX (zip) file");

        // Offline: the device's own teaching case, anonymised on the device.
        office.set_offline(true).await?;
        office
            .wait_for_text_where("[data-testid=teaching-source]", "the device's list", |t| {
                t.contains("离线")
            })
            .await?;
        shown_anonymised(&office, &personal, "offline").await?;
        office.set_dark(true).await?;
        office.screenshot("teaching-offline-dark").await?;
        office.set_dark(false).await?;
        office.set_offline(false).await?;
        Ok::<(), anyhow::Error>(())
    }
    .await;
    office.close().await?;
    result
}

/// The lesson the browser test writes.
const LESSON: &str = "破损件当场拍照登记，先致歉再解释。";

/// Waits for the teaching screen to show the lesson, then checks it shows none of `personal`.
async fn shown_anonymised(
    office: &tousu_e2e::Browser,
    personal: &[String],
    when: &str,
) -> anyhow::Result<()> {
    office
        .wait_for_text("[data-testid=teaching-lesson]", LESSON)
        .await?;
    let shown = office.text("[data-testid=page-teaching]").await?;
    for p in personal {
        assert!(!shown.contains(p.as_str()), "{p} shown {when}: {shown}");
    }
    Ok(())
}
