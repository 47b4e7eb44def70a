//! Office benchmark (issue 14; a benchmark, not a test): pushes 100,000 cases (five events
//! each) into a fresh server, then times `GET /statistics` (a year, by category and by month)
//! and `GET /exports/cases.xlsx` of the whole year over HTTP, and reads the server's peak
//! resident memory (`VmHWM`) before and after the export.
//!
//! Run: `cargo build --release -p tousu-server && TOUSU_SERVER_BIN=target/release/tousu-server
//! cargo run --release -p tousu-e2e --bin office-bench` (OFFICE_BENCH_CASES to change 100,000).

use std::time::Instant;

use tousu_e2e::{Api, TestServer};
use tousu_shared::{
    clock::{DAY_MS, Timestamp},
    event::EventBody,
    model::CaseKind,
    testing::{Writer, body, registration, t0},
};

const BATCH: usize = 500;

/// The server's peak resident memory in MB.
fn peak_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cases: u64 = std::env::var("OFFICE_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let server = TestServer::start_demo(0)?;
    let pid = server.pid().expect("running");
    println!("server: {}", tousu_e2e::server_binary()?.display());
    let mut w = Writer::user(1, 101, "clerk");
    let api = Api::login(&server.url, "clerk", Some(w.device)).await?;
    let started = Instant::now();
    let mut batch = Vec::with_capacity(BATCH);
    for case in 0..cases {
        w.switch_to(10_000 + case);
        // Spread over 2025, a few hours apart.
        w.now = Timestamp(t0().0 - 20 * DAY_MS + (case as i64 % 330) * DAY_MS);
        batch.push(w.write(EventBody::Registered(registration(
            CaseKind::Complaint,
            w.now,
        ))));
        batch.push(w.write(body::classify()));
        for k in 1..4 {
            batch.push(w.write(body::note(&format!("第{k}次补充：情况已核实"))));
        }
        if batch.len() >= BATCH {
            api.push(&batch).await?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        api.push(&batch).await?;
    }
    println!(
        "seeded {cases} cases in {:.1} s; server peak {:.0} MB",
        started.elapsed().as_secs_f64(),
        peak_mb(pid)
    );

    let sup = Api::login(&server.url, "supervisor", None).await?;
    for by in ["category", "month", "category", "month"] {
        let started = Instant::now();
        let (status, body) = sup
            .get(&format!("/api/v1/statistics?period=2025&by={by}"))
            .await?;
        anyhow::ensure!(status == 200, "{body}");
        println!(
            "GET /statistics?period=2025&by={by}: {} cases in {:.0} ms",
            body["report"]["total"]["count"],
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    let before = peak_mb(pid);
    for _ in 0..2 {
        let started = Instant::now();
        let res = sup
            .http
            .get(format!(
                "{}/api/v1/exports/cases.xlsx?period=2025",
                server.url
            ))
            .bearer_auth(&sup.token)
            .send()
            .await?;
        anyhow::ensure!(res.status() == 200, "export: {}", res.status());
        let bytes = res.bytes().await?;
        println!(
            "GET /exports/cases.xlsx?period=2025: {:.1} MB in {:.2} s",
            bytes.len() as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
    }
    println!(
        "server peak memory: {before:.0} MB before the exports, {:.0} MB after",
        peak_mb(pid)
    );
    Ok(())
}
