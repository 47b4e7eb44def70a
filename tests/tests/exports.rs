//! The case ledger as XLSX over the API (issue 14 §6): it opens with a reader crate, holds one
//! row per case the caller's pull brings, and masks as the pull does, phones for everyone but
//! supervisors.

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};
use tousu_e2e::{Api, TestServer, demo_range};

/// The ledger `api`'s user downloads for `query`: status, content type, rows as text.
async fn ledger(api: &Api, query: &str) -> anyhow::Result<(u16, String, Vec<Vec<String>>)> {
    let res = api
        .http
        .get(format!("{}/api/v1/exports/cases.xlsx?{query}", api.base))
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
