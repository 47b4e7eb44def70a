//! Faults against the real binary (issue 17 §2): the disk fills up under the database while
//! clients push. Pushes answer 503 with the stable code `storage_full` and nothing is
//! acknowledged that is not stored; once space returns the same pushes succeed, without a
//! restart, and everything acknowledged is there.
//!
//! The database lives on a small tmpfs this test mounts (it needs root, as the CI machine
//! runs it; elsewhere it says so and passes without running).

use std::process::Command;

use tousu_e2e::{Api, DEMO_PASSWORD, TestServer};
use tousu_shared::{
    api::sync::PushResult,
    event::EventBody,
    model::CaseKind,
    testing::{Writer, body, registration, t0},
};

/// A tmpfs mounted on a temporary directory, unmounted when dropped.
struct SmallDisk {
    dir: Option<tempfile::TempDir>,
    path: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> anyhow::Result<Option<Self>> {
        let dir = tempfile::tempdir()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        let path = dir.path().to_path_buf();
        Ok(ok.then_some(SmallDisk {
            dir: Some(dir),
            path,
        }))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
        drop(self.dir.take());
    }
}

/// A case of 21 events with long notes.
fn batch(w: &mut Writer, case: u64) -> Vec<tousu_shared::event::Event> {
    w.switch_to(case);
    let mut events = vec![w.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        t0(),
    )))];
    for _ in 0..20 {
        events.push(w.write(body::note(&"磁盘将满时写入的调查记录。".repeat(40))));
    }
    events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_answers_503_loses_nothing_and_recovers_without_a_restart() -> anyhow::Result<()>
{
    let Some(disk) = SmallDisk::mount(24)? else {
        eprintln!("skipped: mounting a tmpfs needs root (the CI machine has it)");
        return Ok(());
    };
    let data = tempfile::Builder::new().tempdir_in(&disk.path)?;
    let mut server = TestServer::start_in(
        data,
        &[
            ("TOUSU_DEMO", "true"),
            ("TOUSU_DEMO_CASES", "0"),
            ("TOUSU_DEMO_PASSWORD", DEMO_PASSWORD),
        ],
    )?;
    let mut w = Writer::user(1, 80, "clerk");
    let clerk = Api::login(&server.url, "clerk", Some(w.device)).await?;
    let mut acknowledged = 0usize;
    let first = batch(&mut w, 1);
    for r in clerk.push(&first).await?.results {
        anyhow::ensure!(matches!(r, PushResult::Applied { .. }), "{r:?}");
        acknowledged += 1;
    }

    // Fill the disk, then push until the server says it is full.
    let filler = disk.path.join("filler");
    let _ = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "dd if=/dev/zero of={} bs=64k 2>/dev/null",
            filler.display()
        ))
        .status();
    let http = reqwest::Client::new();
    let mut refused = None;
    let mut case = 2;
    let mut pending = Vec::new();
    for _ in 0..50 {
        let events = batch(&mut w, case);
        let res = http
            .post(format!("{}/api/v1/sync/push", server.url))
            .bearer_auth(&clerk.token)
            .json(&serde_json::json!({ "events": events }))
            .send()
            .await?;
        let status = res.status().as_u16();
        let body: serde_json::Value = res.json().await?;
        if status == 200 {
            acknowledged += events.len();
            case += 1;
            continue;
        }
        refused = Some((status, body));
        pending = events;
        break;
    }
    let (status, body) = refused.expect("the full disk was never reported");
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "storage_full", "{body}");
    let (health, _) = clerk.get("/api/v1/health").await?;
    assert_eq!(health, 200, "the server stays up");

    // Space returns: the same push goes through, no restart.
    std::fs::remove_file(&filler)?;
    let answer = clerk.push(&pending).await?;
    assert!(
        answer
            .results
            .iter()
            .all(|r| matches!(r, PushResult::Applied { .. })),
        "{answer:?}"
    );
    acknowledged += pending.len();

    // Everything acknowledged is stored, once.
    let stored: i64 = rusqlite::Connection::open(server.db_path())?.query_row(
        "SELECT COUNT(*) FROM events WHERE device_id = ?1",
        [w.device.to_string()],
        |r| r.get(0),
    )?;
    assert_eq!(stored as usize, acknowledged);
    let check: String = rusqlite::Connection::open(server.db_path())?.query_row(
        "PRAGMA integrity_check",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(check, "ok");
    server.stop();
    drop(disk);
    Ok(())
}
