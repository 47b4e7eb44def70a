//! The archive against the real server: monthly run, access requests approved / refused,
//! audited reads under a grant, destruction that keeps statistics, the audit chain catching a
//! tampered row.

use std::process::Command;

use tousu_e2e::{Api, DEMO_PASSWORD, TestServer, post, server_binary};
use tousu_shared::{
    access::VisibleCase,
    model::{Satisfaction, Stage},
    testing::{Writer, closed_complaint},
};

#[tokio::test]
async fn archive_access_is_granted_audited_and_destruction_keeps_statistics() -> anyhow::Result<()>
{
    let data = tempfile::tempdir()?;
    let server = TestServer::start_in(
        data,
        &[
            ("TOUSU_DEMO", "true"),
            ("TOUSU_DEMO_CASES", "0"),
            ("TOUSU_DEMO_PASSWORD", DEMO_PASSWORD),
            ("TOUSU_RETENTION_DAYS", "0"),
        ],
    )?;
    let mut w = Writer::user(1, 71, "supervisor");
    let supervisor = Api::login(&server.url, "supervisor", Some(w.device)).await?;
    let events = closed_complaint(&mut w);
    let pushed = supervisor.push(&events).await?;
    assert_eq!(pushed.numbers[0].1.to_string(), "25010001");
    let case = events[0].case_id;
    let cursor = supervisor.pull(0).await?.cursor;

    let archivist = Api::login(&server.url, "archivist", None).await?;
    let handler = Api::login(&server.url, "handler", None).await?;

    // Only archivists run the archive, and only for months that are over.
    assert_eq!(
        post(
            &supervisor,
            "/api/v1/archive/run",
            serde_json::json!({"year": 2025, "month": 1})
        )
        .await?
        .0,
        403
    );
    let this_month = post(
        &archivist,
        "/api/v1/archive/run",
        serde_json::json!({"year": 2099, "month": 1}),
    )
    .await?;
    assert_eq!(this_month.0, 400);
    let (code, run) = post(
        &archivist,
        "/api/v1/archive/run",
        serde_json::json!({"year": 2025, "month": 1}),
    )
    .await?;
    assert_eq!(code, 200, "{run}");
    assert_eq!(run["archived"], 1);

    // Archived cases leave every scope: hidden, and revoked on the next pull.
    assert_eq!(
        supervisor.get(&format!("/api/v1/cases/{case}")).await?.0,
        404
    );
    assert_eq!(supervisor.pull(cursor).await?.revocations, vec![case]);

    // Access requests: the handler's is refused, the supervisor's approved.
    let month_scope = serde_json::json!({"type": "month", "year": 2025, "month": 1});
    let (_, mine) = post(
        &handler,
        "/api/v1/archive/requests",
        serde_json::json!({"scope": month_scope, "reason": "复查", "days": 7}),
    )
    .await?;
    let (_, sups) = post(
        &supervisor,
        "/api/v1/archive/requests",
        serde_json::json!({"scope": month_scope, "reason": "客户再次投诉，需调阅原案", "days": 7}),
    )
    .await?;
    let (_, own) = post(
        &archivist,
        "/api/v1/archive/requests",
        serde_json::json!({"scope": month_scope, "reason": "自查", "days": 1}),
    )
    .await?;
    assert_eq!(
        post(
            &supervisor,
            &format!("/api/v1/archive/requests/{}/decision", sups["id"]),
            serde_json::json!({"approve": true})
        )
        .await?
        .0,
        403
    );
    assert_eq!(
        post(
            &archivist,
            &format!("/api/v1/archive/requests/{}/decision", own["id"]),
            serde_json::json!({"approve": true})
        )
        .await?
        .0,
        400,
        "nobody decides their own request"
    );
    assert_eq!(
        post(
            &archivist,
            &format!("/api/v1/archive/requests/{}/decision", mine["id"]),
            serde_json::json!({"approve": false, "comment": "理由不足"})
        )
        .await?
        .0,
        200
    );
    assert_eq!(
        post(
            &archivist,
            &format!("/api/v1/archive/requests/{}/decision", sups["id"]),
            serde_json::json!({"approve": true})
        )
        .await?
        .0,
        200
    );
    assert_eq!(
        post(
            &archivist,
            &format!("/api/v1/archive/requests/{}/decision", sups["id"]),
            serde_json::json!({"approve": false})
        )
        .await?
        .0,
        400,
        "decided once"
    );
    let (_, listed) = archivist.get("/api/v1/archive/requests").await?;
    assert_eq!(listed.as_array().unwrap().len(), 3);

    assert_eq!(
        handler.get(&format!("/api/v1/cases/{case}")).await?.0,
        404,
        "refused: still hidden"
    );
    let (code, read) = supervisor.get(&format!("/api/v1/cases/{case}")).await?;
    assert_eq!(code, 200);
    let read: VisibleCase = serde_json::from_value(read)?;
    assert_eq!(read.view.stage, Stage::Archived);
    assert_eq!(
        read.view
            .registration
            .unwrap()
            .complainant
            .phone
            .unwrap()
            .as_str(),
        "13812345678"
    );

    // Destruction erases personal data and free text from the store itself.
    assert_eq!(
        post(
            &supervisor,
            "/api/v1/archive/destroy",
            serde_json::json!({"cases": [case]})
        )
        .await?
        .0,
        403
    );
    let (code, destroyed) = post(
        &archivist,
        "/api/v1/archive/destroy",
        serde_json::json!({"cases": [case]}),
    )
    .await?;
    assert_eq!(code, 200, "{destroyed}");
    let (_, after) = supervisor.get(&format!("/api/v1/cases/{case}")).await?;
    let after: VisibleCase = serde_json::from_value(after)?;
    assert_eq!(after.view.stage, Stage::Destroyed);
    assert_eq!(
        after.view.number.map(|n| n.to_string()).as_deref(),
        Some("25010001")
    );
    assert_eq!(
        after.view.category.as_ref().map(|c| c.as_str()),
        Some("parcel-loss-damage")
    );
    assert_eq!(
        after.view.revisits[0].value.satisfaction,
        Satisfaction::Satisfied
    );
    assert!(after.view.registration.unwrap().complainant.name.is_none());

    let db = server.db_path();
    let mut server = server;
    server.stop();
    let conn = rusqlite::Connection::open(&db)?;
    let stored: Vec<String> = conn
        .prepare("SELECT event FROM events WHERE case_id = ?1")?
        .query_map([case.to_string()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for secret in ["张三", "13812345678", "建国路", "快件外包装破损"] {
        assert!(
            stored.iter().all(|e| !e.contains(secret)),
            "{secret} is still stored"
        );
    }
    let reads: i64 = conn.query_row(
        "SELECT COUNT(*) FROM audit WHERE action = 'archive_read'",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(reads, 2, "every archive read is audited");

    // The audit chain verifies, and a tampered row is caught.
    let verify = || {
        Command::new(server_binary().unwrap())
            .arg("--db")
            .arg(&db)
            .arg("verify-audit")
            .output()
    };
    let ok = verify()?;
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    conn.execute(
        "UPDATE audit SET actor = 'someone-else' WHERE action = 'archive_read'",
        [],
    )?;
    let bad = verify()?;
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("was altered"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    Ok(())
}
