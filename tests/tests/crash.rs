//! Crash safety (issue 17 §2): the server is SIGKILLed 20 times at random moments while four
//! clients push with retries. After every restart nothing acknowledged is lost, nothing is
//! duplicated, every registration has exactly one number, the numbers of each month run
//! without gaps, and SQLite's integrity check passes.

use std::{
    collections::HashSet,
    sync::{
        Arc, Mutex, RwLock,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use tousu_e2e::{Api, TestServer};
use tousu_shared::{
    api::sync::{PushResponse, PushResult},
    event::EventBody,
    ids::EventId,
    model::CaseKind,
    testing::{Writer, registration, t0},
};

const KILLS: usize = 20;
const CLIENTS: u64 = 4;
const BATCH: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_acknowledged_is_lost_across_kills() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let url = Arc::new(RwLock::new(server.url.clone()));
    let acked: Arc<Mutex<HashSet<EventId>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let writer = Writer::user(1, 61 + c, "clerk");
        let api = Api::login(&server.url, "clerk", Some(writer.device)).await?;
        clients.push(client(
            c,
            writer,
            api.token,
            url.clone(),
            acked.clone(),
            stop.clone(),
        ));
    }
    let mut server = server;
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64 ^ std::process::id() as u64;
    for _ in 0..KILLS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        tokio::time::sleep(Duration::from_millis(30 + seed % 250)).await;
        let data = server.into_data(); // SIGKILL, as a power cut would
        server = TestServer::start_in(data, &[])?;
        *url.write().expect("url") = server.url.clone();
    }
    stop.store(true, Ordering::Relaxed);
    let mut batches = 0;
    for c in clients {
        batches += c.await?;
    }

    let acked = acked.lock().expect("acked").clone();
    assert_eq!(
        acked.len(),
        batches * BATCH,
        "every batch was acknowledged in the end"
    );
    let db_path = server.db_path();
    server.stop();
    let conn = rusqlite::Connection::open(db_path)?;
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    assert_eq!(integrity, "ok");
    let mut stored = HashSet::new();
    let mut stmt = conn.prepare("SELECT id FROM events WHERE kind = 'registered'")?;
    for id in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let id = EventId(id?.parse()?);
        assert!(stored.insert(id), "duplicated event {id}");
    }
    let lost: Vec<_> = acked.difference(&stored).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    let numbered: i64 = conn.query_row(
        "SELECT COUNT(*) FROM events WHERE kind = 'number_assigned'",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(
        numbered as usize,
        stored.len(),
        "exactly one number per registration"
    );
    let distinct_numbers: i64 =
        conn.query_row("SELECT COUNT(DISTINCT number) FROM cases", [], |r| r.get(0))?;
    assert_eq!(distinct_numbers as usize, stored.len());
    // Within each month (the number's first four digits) the serials run 1, 2, 3… with no gap.
    let mut by_month: std::collections::BTreeMap<String, Vec<u32>> = Default::default();
    let mut stmt = conn.prepare("SELECT number FROM cases")?;
    for number in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let number = number?;
        by_month
            .entry(number[..4].to_string())
            .or_default()
            .push(number[4..].parse()?);
    }
    for (month, mut serials) in by_month {
        serials.sort_unstable();
        let expected: Vec<u32> = (1..=serials.len() as u32).collect();
        assert_eq!(serials, expected, "the serials of {month} have gaps");
    }
    println!(
        "crash test: {KILLS} kills, {batches} batches, {} events acknowledged, none lost or duplicated",
        acked.len()
    );
    Ok(())
}

/// One client: batches of registrations, each retried until acknowledged; answers how many.
fn client(
    c: u64,
    writer: Writer,
    token: String,
    url: Arc<RwLock<String>>,
    acked: Arc<Mutex<HashSet<EventId>>>,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<usize> {
    tokio::spawn(async move {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client");
        let mut w = writer;
        let mut case_no = 1000 + 1_000_000 * c;
        let mut batches = 0;
        while !stop.load(Ordering::Relaxed) || batches < 3 {
            let batch: Vec<serde_json::Value> = (0..BATCH)
                .map(|_| {
                    case_no += 1;
                    w.switch_to(case_no);
                    let e = w.write(EventBody::Registered(registration(
                        CaseKind::Complaint,
                        t0(),
                    )));
                    serde_json::to_value(e).expect("json")
                })
                .collect();
            // Retry the same batch until it is acknowledged: always safe.
            loop {
                let base = url.read().expect("url").clone();
                let sent = http
                    .post(format!("{base}/api/v1/sync/push"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({ "events": batch }))
                    .send()
                    .await;
                let answer = match sent {
                    Ok(res) if res.status() == 200 => res.json::<PushResponse>().await.ok(),
                    _ => None,
                };
                if let Some(answer) = answer {
                    let mut acked = acked.lock().expect("acked");
                    for r in answer.results {
                        match r {
                            PushResult::Applied { event_id, .. }
                            | PushResult::Duplicate { event_id, .. } => {
                                acked.insert(event_id);
                            }
                            PushResult::Quarantined { why, .. } => {
                                panic!("quarantined on retry: {why:?}")
                            }
                        }
                    }
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            batches += 1;
        }
        batches
    })
}
