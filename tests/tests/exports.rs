//! The case ledger as XLSX over the API (issue 14 §6): it opens with a reader crate, holds one
//! row per case the caller's pull brings, and masks as the pull does, phones for everyone but
//! supervisors; the statistics table and the appraisal as workbooks, scoped alike.

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};
use tousu_e2e::{Api, TestServer, demo_range};

/// The ledger `api`'s user downloads for `query`: status, content type, rows as text.
async fn ledger(api: &Api, query: &str) -> anyhow::Result<(u16, String, Vec<Vec<String>>)> {
    workbook(api, &format!("cases.xlsx?{query}")).await
}

/// The workbook `api`'s user downloads from `/api/v1/exports/{path}`.
async fn workbook(api: &Api, path: &str) -> anyhow::Result<(u16, String, Vec<Vec<String>>)> {
    let res = api
        .http
        .get(format!("{}/api/v1/exports/{path}", api.base))
        .bearer_auth(&api.token)
        .send()
        .await?;
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = res.bytes().await?;
    if status != 200 {
        return Ok((status, kind, Vec::new()));
    }
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec()))?;
    let sheet = book.worksheet_range_at(0).expect("one sheet")?;
    let rows = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    Ok((status, kind, rows))
}

/// How many cases a first pull brings `api`'s user.
async fn pulled(api: &Api) -> anyhow::Result<usize> {
    Ok(api.pull(0).await?.grants.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_is_an_xlsx_of_the_callers_cases_with_phones_masked_but_for_supervisors()
-> anyhow::Result<()> {
    let server = TestServer::start_demo(30)?;
    let period = format!("period={}", demo_range());
    const PHONE: usize = 5;

    let sup = Api::login(&server.url, "supervisor", None).await?;
    let (status, kind, rows) = ledger(&sup, &period).await?;
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    assert_eq!(rows[0][0], "编号");
    assert_eq!(rows[0][PHONE], "电话");
    assert_eq!(
        rows.len() - 1,
        pulled(&sup).await?,
        "one row per case pulled"
    );
    let full = rows[1..]
        .iter()
        .filter(|r| !r[PHONE].is_empty() && !r[PHONE].contains('*'))
        .count();
    assert!(full > 0, "a supervisor's ledger has phones in full");

    // A department head: their pull's cases, every phone masked.
    let manager = Api::login(&server.url, "manager", None).await?;
    let (status, _, theirs) = ledger(&manager, &period).await?;
    assert_eq!(status, 200);
    assert_eq!(theirs.len() - 1, pulled(&manager).await?);
    assert!(
        theirs.len() > 1 && theirs.len() < rows.len(),
        "{}",
        theirs.len()
    );
    let phones: Vec<&String> = theirs[1..]
        .iter()
        .map(|r| &r[PHONE])
        .filter(|p| !p.is_empty())
        .collect();
    assert!(!phones.is_empty());
    for p in phones {
        assert!(p.contains("****"), "a manager's ledger masks phones: {p}");
    }

    // In English on request; bad input is a 400.
    let (_, _, english) = ledger(&sup, &format!("{period}&lang=en")).await?;
    assert_eq!(english[0][0], "Number");
    assert_eq!(ledger(&sup, &format!("{period}&lang=fr")).await?.0, 400);
    assert_eq!(ledger(&sup, "period=2026-13").await?.0, 400);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statistics_table_and_the_appraisal_are_workbooks_scoped_to_the_caller()
-> anyhow::Result<()> {
    let server = TestServer::start_demo(30)?;
    let period = demo_range();
    let sup = Api::login(&server.url, "supervisor", None).await?;
    let manager = Api::login(&server.url, "manager", None).await?;
    let handler = Api::login(&server.url, "handler", None).await?;

    // The statistics table: the profile's columns (003's where it has none), a line per case
    // the caller's pull brings, in the order received.
    let table = format!("statistics-table.xlsx?period={period}");
    let (status, kind, rows) = workbook(&sup, &table).await?;
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    assert!(rows[0].iter().any(|h| h == "日期"), "{:?}", rows[0]);
    assert_eq!(rows.len() - 1, pulled(&sup).await?);
    let date = rows[0].iter().position(|h| h == "日期").unwrap();
    let dates: Vec<&String> = rows[1..].iter().map(|r| &r[date]).collect();
    assert!(dates.windows(2).all(|d| d[0] <= d[1]), "{dates:?}");
    assert!(
        dates[0].len() == 10 && dates[0].starts_with("20"),
        "{}",
        dates[0]
    );
    let (_, _, theirs) = workbook(&manager, &table).await?;
    assert_eq!(theirs.len() - 1, pulled(&manager).await?);
    assert!(theirs.len() < rows.len());
    let (_, _, english) = workbook(&sup, &format!("{table}&lang=en")).await?;
    assert!(english[0].iter().any(|h| h == "Date"), "{:?}", english[0]);
    assert_eq!(
        workbook(&sup, "statistics-table.xlsx?period=x").await?.0,
        400
    );

    // The appraisal: the lines GET /appraisal answers, named.
    for (api, by) in [(&sup, "person"), (&sup, "department"), (&handler, "person")] {
        let query = format!("period={period}&by={by}");
        let (status, answer) = api.get(&format!("/api/v1/appraisal?{query}")).await?;
        assert_eq!(status, 200, "{answer}");
        let (status, _, rows) = workbook(api, &format!("appraisal.xlsx?{query}")).await?;
        assert_eq!(status, 200);
        assert_eq!(rows[0][0], "姓名 / 部门");
        assert_eq!(
            rows.len() - 1,
            answer["lines"].as_array().unwrap().len(),
            "{by}"
        );
        for (row, line) in rows[1..].iter().zip(answer["lines"].as_array().unwrap()) {
            assert_eq!(row[1], line["figures"]["count"].to_string());
            assert_ne!(row[0], line["key"].as_str().unwrap(), "named, not an id");
        }
    }
    let (status, _, _) = workbook(
        &handler,
        &format!("appraisal.xlsx?period={period}&by=department"),
    )
    .await?;
    assert_eq!(status, 403, "a handler sees only their own line");
    Ok(())
}
