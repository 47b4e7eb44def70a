//! HTTP tests against the real server binary and a real SQLite file: headers, errors, start-up.

use std::process::Command;

use tousu_e2e::{TestServer, announce_body, dist_dir, server_binary};
use tousu_shared::api::{ApiErrorBody, Health};

#[tokio::test]
async fn health_reports_version_and_database() -> anyhow::Result<()> {
    let server = TestServer::start()?;
    let res = reqwest::get(format!("{}/api/v1/health", server.url)).await?;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let health: Health = res.json().await?;
    assert_eq!(health.status, "ok");
    assert_eq!(health.version, tousu_shared::VERSION);
    assert_eq!(health.database.status, "ok");
    assert!(health.database.schema_version >= 1);
    assert!(server.data_dir.path().join("tousu.sqlite3").exists());
    Ok(())
}

#[tokio::test]
async fn unknown_api_paths_get_a_json_404() -> anyhow::Result<()> {
    let server = TestServer::start()?;
    for path in ["/api/v1/nope", "/api/v2/health", "/api/anything"] {
        let res = reqwest::get(format!("{}{path}", server.url)).await?;
        assert_eq!(res.status(), 404, "{path}");
        let body: ApiErrorBody = res.json().await?;
        assert_eq!(body.code, "not_found", "{path}");
    }
    Ok(())
}

#[tokio::test]
async fn bodies_over_one_mebibyte_get_413_and_the_server_stays_up() -> anyhow::Result<()> {
    let server = TestServer::start()?;
    let (status, body) = announce_body(
        &server.url,
        "POST",
        "/api/v1/health",
        &[("Content-Type", "application/json")],
        1024 * 1024 + 1,
    )
    .await?;
    assert_eq!(status, 413, "{body}");
    let body: ApiErrorBody = serde_json::from_str(&body)?;
    assert_eq!(body.code, "payload_too_large");
    let res = reqwest::get(format!("{}/api/v1/health", server.url)).await?;
    assert_eq!(res.status(), 200);
    Ok(())
}

#[tokio::test]
async fn html_carries_a_csp_that_lets_the_wasm_app_run() -> anyhow::Result<()> {
    dist_dir()?;
    let server = TestServer::start()?;
    let res = reqwest::get(format!("{}/cases/some-case", server.url)).await?;
    assert_eq!(res.status(), 200, "SPA fallback serves index.html");
    let headers = res.headers().clone();
    let csp = headers["content-security-policy"].to_str()?;
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(csp.contains("'sha256-"), "inline loader is hashed: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("'unsafe-inline'"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["cache-control"], "no-cache");
    let html = res.text().await?;
    assert!(html.contains("<script type=\"module\">"), "{html}");

    let sw = reqwest::get(format!("{}/sw.js", server.url)).await?;
    assert_eq!(sw.status(), 200);
    assert_eq!(sw.headers()["cache-control"], "no-cache");
    let sw_body = sw.text().await?;
    assert!(
        !sw_body.contains("__TOUSU_BUILD__"),
        "cache name stamped per build"
    );
    Ok(())
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_compressed() -> anyhow::Result<()> {
    let dist = dist_dir()?;
    let wasm = std::fs::read_dir(&dist)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".wasm"))
        .expect("a wasm file in dist");
    let server = TestServer::start()?;
    let client = reqwest::Client::new();
    let res = client
        .get(format!("{}/{wasm}", server.url))
        .header("accept-encoding", "br")
        .send()
        .await?;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["content-type"], "application/wasm");
    Ok(())
}

#[test]
fn refuses_to_start_on_an_unwritable_database_path() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"x")?;
    let out = Command::new(server_binary()?)
        .args(["--addr", "127.0.0.1:0", "--db"])
        .arg(blocker.join("tousu.sqlite3"))
        .output()?;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot use the database file"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    Ok(())
}

#[test]
fn refuses_to_start_when_the_port_is_taken() -> anyhow::Result<()> {
    let taken = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = taken.local_addr()?;
    let dir = tempfile::tempdir()?;
    let out = Command::new(server_binary()?)
        .arg("--addr")
        .arg(addr.to_string())
        .arg("--db")
        .arg(dir.path().join("tousu.sqlite3"))
        .output()?;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    Ok(())
}

/// The OpenAPI document lists every route, and every listed route exists: called without a
/// token or body, none answers the router's 404 or 405.
#[tokio::test]
async fn the_openapi_document_and_the_router_agree() -> anyhow::Result<()> {
    let server = TestServer::start()?;
    let doc: serde_json::Value = reqwest::get(format!("{}/api/v1/openapi.json", server.url))
        .await?
        .json()
        .await?;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let http = reqwest::Client::new();
    let mut n = 0;
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let concrete = path
                .replace("{id}", "00000000-0000-7000-8000-000000000001")
                .replace("{hash}", &"a".repeat(64));
            let res = http
                .request(
                    method.to_uppercase().parse()?,
                    format!("{}{concrete}", server.url),
                )
                .send()
                .await?;
            let status = res.status().as_u16();
            let body: serde_json::Value = res.json().await.unwrap_or_default();
            assert!(
                !(status == 404 && body["code"] == "not_found" && body["message"] == "not found")
                    || path.contains('{'),
                "{method} {path} is documented but not routed"
            );
            assert_ne!(status, 405, "{method} {path}");
            n += 1;
        }
    }
    assert!(n >= 27, "{n} operations documented");
    Ok(())
}
