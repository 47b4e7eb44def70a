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
    // Destruction takes two people (004 "經公司相關領導批准"): an archivist proposes, a
    // leader other than the proposer approves; nobody destroys alone.
    let leader = Api::login(&server.url, "leader", None).await?;
    let (code, due) = archivist.get("/api/v1/archive/cases?due=true").await?;
    assert_eq!(code, 200, "{due}");
    assert_eq!(due[0]["number"], "25010001");
    assert!(
        due[0].get("registration").is_none(),
        "numbers and dates only"
    );
    let (code, by_month) = archivist
        .get("/api/v1/archive/cases?month=2025-01&number=2501")
        .await?;
    assert_eq!((code, by_month.as_array().map(Vec::len)), (200, Some(1)));
    let (_, other_month) = archivist.get("/api/v1/archive/cases?month=2025-02").await?;
    assert_eq!(other_month.as_array().map(Vec::len), Some(0));
    assert_eq!(supervisor.get("/api/v1/archive/cases").await?.0, 403);
    assert_eq!(
        archivist
            .get("/api/v1/archive/cases?month=2025-13")
            .await?
            .0,
        400
    );

    let proposal = serde_json::json!({"cases": [case], "reason": "保管期满"});
    for (who, expected) in [(&supervisor, 403), (&leader, 403)] {
        let (code, body) = post(who, "/api/v1/archive/destructions", proposal.clone()).await?;
        assert_eq!(code, expected, "only archivists propose: {body}");
    }
    assert_eq!(
        post(
            &archivist,
            "/api/v1/archive/destructions",
            serde_json::json!({"cases": [case], "reason": " "})
        )
        .await?
        .0,
        400,
        "a reason is required"
    );
    assert_eq!(
        post(
            &archivist,
            "/api/v1/archive/destroy",
            serde_json::json!({"cases": [case]})
        )
        .await?
        .0,
        404,
        "there is no one-person destruction"
    );
    // Someone holding both roles still cannot approve their own proposal.
    let (code, body) = post(&Api::login(&server.url, "admin", None).await?, "/api/v1/admin/users", serde_json::json!({
        "id": "zhou2", "display_name": "周二", "roles": ["archivist", "leader"], "password": "a-long-password-2"
    })).await?;
    assert_eq!(code, 200, "{body}");
    let both = Api::login_with(&server.url, "zhou2", "a-long-password-2").await?;
    let (_, own) = post(&both, "/api/v1/archive/destructions", proposal.clone()).await?;
    let own_decision = format!("/api/v1/archive/destructions/{}/decision", own["id"]);
    let (code, body) = post(&both, &own_decision, serde_json::json!({"approve": true})).await?;
    assert_eq!(code, 403, "{body}");
    assert!(body.to_string().contains("two people"), "{body}");
    assert_eq!(
        post(
            &leader,
            &own_decision,
            serde_json::json!({"approve": false, "comment": "请由档案管理员提出"})
        )
        .await?
        .0,
        200
    );
    let (code, proposed) =
        post(&archivist, "/api/v1/archive/destructions", proposal.clone()).await?;
    assert_eq!(code, 200, "{proposed}");
    let (code, again) = post(&archivist, "/api/v1/archive/destructions", proposal.clone()).await?;
    assert_eq!(code, 400, "already waiting in a proposal: {again}");
    let (_, due_now) = archivist.get("/api/v1/archive/cases?due=true").await?;
    assert_eq!(
        due_now.as_array().map(Vec::len),
        Some(0),
        "not offered twice"
    );
    let decision = format!("/api/v1/archive/destructions/{}/decision", proposed["id"]);
    let (_, pending) = supervisor.get(&format!("/api/v1/cases/{case}")).await?;
    assert_eq!(
        pending["view"]["stage"], "archived",
        "a proposal erases nothing"
    );
    for who in [&archivist, &supervisor] {
        let (code, body) = post(who, &decision, serde_json::json!({"approve": true})).await?;
        assert_eq!(code, 403, "one person alone cannot destroy: {body}");
    }
    let (code, destroyed) = post(
        &leader,
        &decision,
        serde_json::json!({"approve": true, "comment": "同意销毁"}),
    )
    .await?;
    assert_eq!(
        (code, destroyed["destroyed"].as_i64()),
        (200, Some(1)),
        "{destroyed}"
    );
    assert_eq!(
        post(&leader, &decision, serde_json::json!({"approve": true}))
            .await?
            .0,
        400,
        "decided once"
    );
    let (_, listed) = leader.get("/api/v1/archive/destructions").await?;
    let statuses: Vec<_> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses, ["approved", "refused"]);
    assert_eq!(listed[0]["proposed_by"], "archivist");
    assert_eq!(listed[0]["decided_by"], "leader");
    assert_eq!(listed[0]["cases"][0]["number"], "25010001");
    assert!(listed[0]["cases"][0]["destroyed"].is_i64());

    // The audit trail, filtered, with the chain's check (archivists and admins).
    assert_eq!(supervisor.get("/api/v1/audit").await?.0, 403);
    let (code, trail) = archivist
        .get(&format!("/api/v1/audit?subject={case}&action=destroy"))
        .await?;
    assert_eq!(code, 200, "{trail}");
    assert_eq!(trail["chain"]["intact"], true);
    assert_eq!(trail["rows"].as_array().map(Vec::len), Some(1));
    assert_eq!(trail["rows"][0]["actor"], "leader");
    assert!(
        trail["rows"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("\"proposed_by\":\"archivist\"")
    );
    let (_, by_leader) = archivist.get("/api/v1/audit?actor=leader").await?;
    let actions: Vec<_> = by_leader["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_string())
        .collect();
    assert!(
        actions.contains(&"destruction_approved".to_string())
            && actions.contains(&"destruction_refused".to_string()),
        "{actions:?}"
    );

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
    assert_eq!(reads, 3, "every archive read is audited");

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

/// The server archives the previous month by itself once the configured day has come
/// (000 "每月將投訴處理記錄歸檔"), once, as the system.
#[tokio::test]
async fn the_server_archives_the_previous_month_on_its_day() -> anyhow::Result<()> {
    // The server's clock is moved to 10 February 2025; the automatic run's day is the 5th.
    let target_ms = 1_739_188_800_000_i64; // 2025-02-10T12:00:00Z
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    let offset_hours = (target_ms - now_ms) / 3_600_000;
    let server = TestServer::start_in(
        tempfile::tempdir()?,
        &[
            ("TOUSU_DEMO", "true"),
            ("TOUSU_DEMO_CASES", "0"),
            ("TOUSU_DEMO_PASSWORD", DEMO_PASSWORD),
            ("TOUSU_CLOCK_OFFSET_HOURS", &offset_hours.to_string()),
            ("TOUSU_ARCHIVE_DAY", "5"),
            ("TOUSU_ARCHIVE_CHECK_SECS", "1"),
        ],
    )?;
    let mut w = Writer::user(1, 72, "supervisor");
    let supervisor = Api::login(&server.url, "supervisor", Some(w.device)).await?;
    let events = closed_complaint(&mut w);
    supervisor.push(&events).await?;
    let archivist = Api::login(&server.url, "archivist", None).await?;
    let mut archived = serde_json::Value::Null;
    for _ in 0..100 {
        archived = archivist
            .get("/api/v1/archive/cases?month=2025-01")
            .await?
            .1;
        if archived.as_array().is_some_and(|a| !a.is_empty()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(archived[0]["number"], "25010001", "{archived}");
    // Two more looks at the clock: the month is not run again.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let (_, trail) = archivist
        .get("/api/v1/audit?action=archive_run&actor=system")
        .await?;
    let runs = trail["rows"].as_array().unwrap();
    assert_eq!(
        runs.len(),
        1,
        "one row for the month, however often it looks: {trail}"
    );
    assert_eq!(runs[0]["subject"], "2025-01");
    Ok(())
}
