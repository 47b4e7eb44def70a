//! Backup and restore drill (issue 17 §3): four clients push while `tousu-server backup`
//! copies the database with SQLite's online backup; every event acknowledged before the
//! backup began is in the copy, the copy passes `integrity_check`, and a server started on
//! the copy serves it.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tousu_e2e::{Api, TestServer};
use tousu_shared::{
    api::sync::PushResult,
    event::EventBody,
    ids::EventId,
    model::CaseKind,
    testing::{Writer, body, registration, t0},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_load_holds_everything_acknowledged_before_it() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let acked: Arc<Mutex<Vec<(Instant, EventId)>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut pushers = Vec::new();
    for c in 0..4u64 {
        let (url, acked, stop) = (server.url.clone(), acked.clone(), stop.clone());
        pushers.push(tokio::spawn(async move {
            let mut w = Writer::user(1, 300 + c, "clerk");
            let api = Api::login(&url, "clerk", Some(w.device)).await?;
            let mut case = 5_000_000 * (c + 1);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                case += 1;
                w.switch_to(case);
                let batch = vec![
                    w.write(EventBody::Registered(registration(
                        CaseKind::Complaint,
                        t0(),
                    ))),
                    w.write(body::note("备份期间写入的记录")),
                ];
                let answer = api.push(&batch).await?;
                let at = Instant::now();
                let mut list = acked.lock().expect("lock");
                for r in answer.results {
                    if let PushResult::Applied { event_id, .. } = r {
                        list.push((at, event_id));
                    }
                }
            }
            anyhow::Ok(())
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let copy_dir = tempfile::tempdir()?;
    let copy = copy_dir.path().join("tousu.sqlite3");
    let began = Instant::now();
    let out = tokio::process::Command::new(tousu_e2e::server_binary()?)
        .arg("--db")
        .arg(server.db_path())
        .arg("backup")
        .arg("--to")
        .arg(&copy)
        .output()
        .await?;
    anyhow::ensure!(
        out.status.success(),
        "backup: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for p in pushers {
        p.await??;
    }
    let before: Vec<EventId> = acked
        .lock()
        .expect("lock")
        .iter()
        .filter(|(at, _)| *at < began)
        .map(|(_, id)| *id)
        .collect();
    let total = acked.lock().expect("lock").len();
    anyhow::ensure!(
        before.len() > 20 && total > before.len(),
        "pushes before ({}) and during ({total})",
        before.len()
    );

    let db = rusqlite::Connection::open(&copy)?;
    let check: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    assert_eq!(check, "ok");
    let mut stmt = db.prepare("SELECT 1 FROM events WHERE id = ?1")?;
    let missing: Vec<&EventId> = before
        .iter()
        .filter(|id| !stmt.exists([id.to_string()]).unwrap_or(false))
        .collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged events missing from the backup",
        missing.len()
    );
    drop(stmt);
    drop(db);

    // A second backup to the same file is refused: a backup never overwrites.
    let again = std::process::Command::new(tousu_e2e::server_binary()?)
        .arg("--db")
        .arg(server.db_path())
        .arg("backup")
        .arg("--to")
        .arg(&copy)
        .output()?;
    assert!(!again.status.success());

    // Restored: a server on the copy serves what it holds.
    let restored = TestServer::start_in(copy_dir, &[])?;
    let supervisor = Api::login(&restored.url, "supervisor", None).await?;
    let page = supervisor.pull(0).await?;
    anyhow::ensure!(
        !page.grants.is_empty(),
        "the restored server serves its cases"
    );
    Ok(())
}
