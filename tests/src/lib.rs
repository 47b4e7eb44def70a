//! Helpers for the end-to-end tests: start the real server binary on a free port with a
//! temporary SQLite file, and Debian's Chromium through chromedriver.
//!
//! Nothing here mocks a part a user would meet: the server is the release binary's code,
//! the database a real file, the browser a real Chromium with real IndexedDB and service
//! workers.

pub mod simulation;

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};
use fantoccini::{Client, ClientBuilder, Locator};

/// The workspace root (parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The server binary to test: `TOUSU_SERVER_BIN`, else `target/debug/tousu-server`.
pub fn server_binary() -> anyhow::Result<PathBuf> {
    let path = std::env::var_os("TOUSU_SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/tousu-server"));
    if !path.exists() {
        bail!(
            "server binary {} not found: run `cargo build -p tousu-server` (scripts/test.sh does)",
            path.display()
        );
    }
    // Absolute, so that a relative `TOUSU_SERVER_BIN` still names it from the server's own
    // working directory.
    Ok(path.canonicalize()?)
}

/// The built app: `TOUSU_DIST`, else `dist/`; it must contain `index.html`.
pub fn dist_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::var_os("TOUSU_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("dist"));
    if !dir.join("index.html").exists() {
        bail!(
            "no built app in {}: run `trunk build --release` (scripts/test.sh does)",
            dir.display()
        );
    }
    Ok(dir)
}

/// Where screenshots go: `TOUSU_SCREENSHOTS`, else `target/e2e-screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let dir = std::env::var_os("TOUSU_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/e2e-screenshots"));
    std::fs::create_dir_all(&dir).expect("create screenshot directory");
    dir
}

/// A running `tousu-server` child process with its own temporary database; killed on drop.
pub struct TestServer {
    child: Option<Child>,
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// Temporary directory holding the database file.
    pub data_dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts the server on a free port (port 0) and waits for its "listening" line.
    pub fn start() -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir()?;
        Self::start_in(data_dir, &[])
    }

    /// Starts the server with the demo users (password [`DEMO_PASSWORD`]) and
    /// `n_cases` demo cases.
    pub fn start_demo(n_cases: usize) -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir()?;
        let cases = n_cases.to_string();
        Self::start_in(
            data_dir,
            &[
                ("TOUSU_DEMO", "true"),
                ("TOUSU_DEMO_CASES", &cases),
                ("TOUSU_DEMO_PASSWORD", DEMO_PASSWORD),
            ],
        )
    }

    /// Starts the server on the database in `data_dir` (again, after a stop).
    pub fn start_in(data_dir: tempfile::TempDir, env: &[(&str, &str)]) -> anyhow::Result<Self> {
        let db = data_dir.path().join("tousu.sqlite3");
        Self::start_with(&db, data_dir, &["--addr", "127.0.0.1:0"], env)
    }

    /// Starts the server on the database in `data_dir` at `127.0.0.1:port` (a restart that
    /// keeps the address keeps the browser's origin, and so its storage, as a real restart does).
    pub fn start_at(
        data_dir: tempfile::TempDir,
        port: u16,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let db = data_dir.path().join("tousu.sqlite3");
        let addr = format!("127.0.0.1:{port}");
        Self::start_with(&db, data_dir, &["--addr", &addr], env)
    }

    /// Starts the server on the database in `data_dir` with `args` (its `--addr` among them:
    /// HTTPS on another loopback address, say).
    pub fn start_with_args(
        data_dir: tempfile::TempDir,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let db = data_dir.path().join("tousu.sqlite3");
        Self::start_with(&db, data_dir, args, env)
    }

    /// Starts the server on the database in `data_dir` under `wrapper`, a command that runs
    /// the server in its place (`setpriv …` to take a privilege away, say).
    pub fn start_wrapped(
        data_dir: tempfile::TempDir,
        wrapper: &[&str],
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let db = data_dir.path().join("tousu.sqlite3");
        Self::spawn(wrapper, &db, data_dir, &["--addr", "127.0.0.1:0"], env)
    }

    /// The server's process id (benchmarks read its memory).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The database file.
    pub fn db_path(&self) -> PathBuf {
        self.data_dir.path().join("tousu.sqlite3")
    }

    /// Stops the server and hands back its data directory (to restart on it).
    pub fn into_data(mut self) -> tempfile::TempDir {
        self.stop();
        let dir = tempfile::tempdir().expect("tempdir");
        std::mem::replace(&mut self.data_dir, dir)
    }

    fn start_with(
        db: &Path,
        data_dir: tempfile::TempDir,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        Self::spawn(&[], db, data_dir, extra, env)
    }

    fn spawn(
        wrapper: &[&str],
        db: &Path,
        data_dir: tempfile::TempDir,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let mut command = match wrapper.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(server_binary()?);
                c
            }
            None => Command::new(server_binary()?),
        };
        let mut child = command
            .arg("--db")
            .arg(db)
            .arg("--dist")
            .arg(dist_dir()?)
            .args(extra)
            .envs(env.iter().copied())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("spawn tousu-server")?;
        let stdout = child.stdout.take().expect("piped stdout");
        let mut reader = BufReader::new(stdout);
        let mut printed = Vec::new();
        let url = loop {
            let mut line = String::new();
            let n = reader.read_line(&mut line).context("read server output")?;
            if n == 0 {
                let status = child.wait()?;
                bail!("server did not start ({status}); it printed {printed:?}");
            }
            if let Some(url) = line.trim().strip_prefix("tousu-server listening on ") {
                break url.to_string();
            }
            printed.push(line);
        };
        // Keep draining stdout so the server never writes into a closed pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while reader.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                sink.clear();
            }
        });
        Ok(TestServer {
            url: url.to_string(),
            child: Some(child),
            data_dir,
        })
    }

    /// Stops the server (SIGKILL, as a crash or power cut would) and waits for it to exit.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A period (`from..to`, China time) holding every demo case: they are received within the
/// last 60 days.
pub fn demo_range() -> String {
    use tousu_shared::clock::{CHINA_OFFSET_MINUTES, Date, Timestamp};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis() as i64;
    let today = Timestamp(now).date(CHINA_OFFSET_MINUTES);
    let from = Date::from_days(today.days() - 90);
    let to = Date::from_days(today.days() + 1);
    format!("{from}..{to}")
}

/// Password of the demo users in tests.
pub const DEMO_PASSWORD: &str = "test-password-1";

/// A signed-in API client.
#[derive(Clone)]
pub struct Api {
    /// Server base URL.
    pub base: String,
    /// HTTP client.
    pub http: reqwest::Client,
    /// Bearer token.
    pub token: String,
}

impl Api {
    /// Signs in `user` with the demo password on `device`.
    pub async fn login(
        base: &str,
        user: &str,
        device: Option<tousu_shared::ids::DeviceId>,
    ) -> anyhow::Result<Self> {
        Self::login_as(base, user, DEMO_PASSWORD, device).await
    }

    /// Signs in `user` with `password` (an account a test created).
    pub async fn login_with(base: &str, user: &str, password: &str) -> anyhow::Result<Self> {
        Self::login_as(base, user, password, None).await
    }

    async fn login_as(
        base: &str,
        user: &str,
        password: &str,
        device: Option<tousu_shared::ids::DeviceId>,
    ) -> anyhow::Result<Self> {
        let http = reqwest::Client::new();
        let res = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": user, "password": password, "device_id": device}))
            .send()
            .await?;
        anyhow::ensure!(res.status() == 200, "login {user}: {}", res.text().await?);
        let body: tousu_shared::api::sync::LoginResponse = res.json().await?;
        Ok(Api {
            base: base.to_string(),
            http,
            token: body.token,
        })
    }

    /// Registers a kiosk as `admin` and sets it up with its one-time code, as a counter's
    /// browser does: the kiosk's device id and a client holding its token.
    pub async fn kiosk(
        admin: &Api,
        name: &str,
    ) -> anyhow::Result<(tousu_shared::ids::DeviceId, Api)> {
        let (code, registered) = post(
            admin,
            "/api/v1/admin/kiosks",
            serde_json::json!({ "name": name }),
        )
        .await?;
        anyhow::ensure!(code == 200, "register kiosk: {code} {registered}");
        let http = reqwest::Client::new();
        let res = http
            .post(format!("{}/api/v1/kiosk/setup", admin.base))
            .json(&serde_json::json!({ "code": registered["setup_code"] }))
            .send()
            .await?;
        anyhow::ensure!(res.status() == 200, "kiosk setup: {}", res.text().await?);
        let creds: tousu_shared::api::admin::KioskCredentials = res.json().await?;
        Ok((
            creds.device_id,
            Api {
                base: admin.base.clone(),
                http,
                token: creds.token,
            },
        ))
    }

    /// Pushes events.
    pub async fn push(
        &self,
        events: &[tousu_shared::event::Event],
    ) -> anyhow::Result<tousu_shared::api::sync::PushResponse> {
        let raw: Vec<serde_json::Value> = events
            .iter()
            .map(|e| serde_json::to_value(e).expect("serializes"))
            .collect();
        self.push_raw(raw).await
    }

    /// Pushes raw JSON events.
    pub async fn push_raw(
        &self,
        events: Vec<serde_json::Value>,
    ) -> anyhow::Result<tousu_shared::api::sync::PushResponse> {
        let res = self
            .http
            .post(format!("{}/api/v1/sync/push", self.base))
            .bearer_auth(&self.token)
            .json(&serde_json::json!({ "events": events }))
            .send()
            .await?;
        anyhow::ensure!(
            res.status() == 200,
            "push: {} {}",
            res.status(),
            res.text().await?
        );
        Ok(res.json().await?)
    }

    /// Pulls one page after `cursor`; a first pull (cursor 0) follows the snapshot's pages
    /// and answers them as one page.
    pub async fn pull(&self, cursor: i64) -> anyhow::Result<tousu_shared::api::sync::PullResponse> {
        let mut page = self.pull_page(&format!("cursor={cursor}")).await?;
        while let Some(after) = page.after {
            let next = self
                .pull_page(&format!("cursor={}&after={after}", page.cursor))
                .await?;
            anyhow::ensure!(next.cursor == page.cursor, "the snapshot's cursor moved");
            page.grants.extend(next.grants);
            page.alerts.extend(next.alerts);
            page.after = next.after;
            page.more = next.more;
        }
        Ok(page)
    }

    /// One `GET /sync/pull?{query}`.
    pub async fn pull_page(
        &self,
        query: &str,
    ) -> anyhow::Result<tousu_shared::api::sync::PullResponse> {
        let res = self
            .http
            .get(format!("{}/api/v1/sync/pull?{query}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        anyhow::ensure!(
            res.status() == 200,
            "pull: {} {}",
            res.status(),
            res.text().await?
        );
        Ok(res.json().await?)
    }

    /// A GET with the token, returning status and JSON.
    pub async fn get(&self, path: &str) -> anyhow::Result<(u16, serde_json::Value)> {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = res.status().as_u16();
        Ok((status, res.json().await.unwrap_or_default()))
    }
}

/// A POST of JSON with `api`'s token, returning status and JSON (empty when none).
pub async fn post(
    api: &Api,
    path: &str,
    body: serde_json::Value,
) -> anyhow::Result<(u16, serde_json::Value)> {
    send_json(api, reqwest::Method::POST, path, body).await
}

/// A PUT of JSON with `api`'s token, returning status and JSON (empty when none).
pub async fn put(
    api: &Api,
    path: &str,
    body: serde_json::Value,
) -> anyhow::Result<(u16, serde_json::Value)> {
    send_json(api, reqwest::Method::PUT, path, body).await
}

async fn send_json(
    api: &Api,
    method: reqwest::Method,
    path: &str,
    body: serde_json::Value,
) -> anyhow::Result<(u16, serde_json::Value)> {
    let res = api
        .http
        .request(method, format!("{}{path}", api.base))
        .bearer_auth(&api.token)
        .json(&body)
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.json().await.unwrap_or_default()))
}

/// Sends only the head of a request that announces a `len`-byte body and returns the status
/// and body of the answer. A real client sending the whole oversized body races the server
/// closing the connection after its early 413 (a broken pipe on the client side), so this
/// speaks HTTP/1.1 itself: it also proves the server answers without waiting for the body.
pub async fn announce_body(
    url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    len: usize,
) -> anyhow::Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = url.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {len}\r\n\r\n"));
    tcp.write_all(head.as_bytes()).await?;
    let mut answer = Vec::new();
    let read = tcp.read_to_end(&mut answer);
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .context("the server waited for the body instead of answering")??;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no status line in {text:?}"))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// A free TCP port on loopback (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind port 0")
        .port()
}

/// chromedriver driving Debian's headless Chromium with a fresh profile; both end on drop.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    webdriver: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and one Chromium session at a 10-inch tablet's size (1280×800),
    /// with English as the browser language so the app's Chinese default is really ours.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(&[]).await
    }

    /// Starts Chromium with extra command-line arguments (a certificate to trust, say).
    pub async fn start_with(extra: &[String]) -> anyhow::Result<Self> {
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or("/usr/bin/chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or("/usr/bin/chromium".into());
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("spawn {chromedriver} (apt-get install chromium-driver)"))?;
        let profile = tempfile::tempdir()?;
        let caps = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--window-size=1280,800", "--lang=en-US",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                // Downloads land in the profile, where a test reads them.
                "prefs": {
                    "download.default_directory": profile.path().join("downloads"),
                    "download.prompt_for_download": false,
                },
            },
        });
        let mut caps = caps.as_object().expect("object").clone();
        if let Some(args) = caps["goog:chromeOptions"]["args"].as_array_mut() {
            args.extend(extra.iter().map(|a| serde_json::Value::from(a.as_str())));
        }
        let webdriver = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            match ClientBuilder::rustls()?
                .capabilities(caps.clone())
                .connect(&webdriver)
                .await
            {
                Ok(client) => break client,
                Err(err) if Instant::now() < deadline => {
                    let _ = err;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(err) => return Err(err).context("start a Chromium session"),
            }
        };
        Ok(Browser {
            client,
            webdriver,
            driver,
            _profile: profile,
        })
    }

    /// Emulates losing (`true`) or regaining (`false`) the network, as Chromium's DevTools
    /// network conditions do: requests fail and `navigator.onLine` turns false.
    pub async fn set_offline(&self, offline: bool) -> anyhow::Result<()> {
        let session = self
            .client
            .session_id()
            .await?
            .context("no WebDriver session")?;
        let url = format!(
            "{}/session/{session}/chromium/network_conditions",
            self.webdriver
        );
        let http = reqwest::Client::new();
        let res = if offline {
            http.post(url)
                .json(&serde_json::json!({ "network_conditions": {
                    "offline": true, "latency": 0,
                    "download_throughput": 0, "upload_throughput": 0 } }))
                .send()
                .await?
        } else {
            http.delete(url).send().await?
        };
        if !res.status().is_success() {
            bail!("network conditions: {} {}", res.status(), res.text().await?);
        }
        Ok(())
    }

    /// Runs `source` in every document this session opens from now on, before the page's own
    /// scripts (Chromium's `Page.addScriptToEvaluateOnNewDocument`): a test's stand-in for a
    /// browser facility, such as a device clock set elsewhere.
    pub async fn add_init_script(&self, source: &str) -> anyhow::Result<()> {
        let session = self
            .client
            .session_id()
            .await?
            .context("no WebDriver session")?;
        let res = reqwest::Client::new()
            .post(format!(
                "{}/session/{session}/goog/cdp/execute",
                self.webdriver
            ))
            .json(&serde_json::json!({
                "cmd": "Page.addScriptToEvaluateOnNewDocument",
                "params": { "source": source },
            }))
            .send()
            .await?;
        if !res.status().is_success() {
            bail!("add init script: {} {}", res.status(), res.text().await?);
        }
        Ok(())
    }

    /// Types `text` into the element with `data-testid` `testid` (replacing its value).
    pub async fn fill(&self, testid: &str, text: &str) -> anyhow::Result<()> {
        let css = format!("[data-testid={testid}]");
        self.retry_stale(&css, async |el| {
            el.clear().await?;
            el.send_keys(text).await
        })
        .await
    }

    /// Clicks the element with `data-testid` `testid` once it is there.
    pub async fn click(&self, testid: &str) -> anyhow::Result<()> {
        self.click_css(&format!("[data-testid={testid}]")).await
    }

    /// Clicks the element matching `css` once it is there.
    pub async fn click_css(&self, css: &str) -> anyhow::Result<()> {
        self.retry_stale(css, async |el| el.click().await).await
    }

    /// Chooses `value` in the select with `data-testid` `testid`.
    pub async fn select(&self, testid: &str, value: &str) -> anyhow::Result<()> {
        self.click_css(&format!("[data-testid={testid}] option[value=\"{value}\"]"))
            .await
    }

    /// Finds `css` and acts on it, again if a re-render replaced the element in between or
    /// had it out of view for a moment (the app re-renders when a background sync brings
    /// news; WebDriver then answers "stale element" or "element not interactable").
    async fn retry_stale(
        &self,
        css: &str,
        act: impl AsyncFn(fantoccini::elements::Element) -> Result<(), fantoccini::error::CmdError>,
    ) -> anyhow::Result<()> {
        let mut attempts = 0;
        loop {
            let el = self.client.wait().for_element(Locator::Css(css)).await?;
            match act(el).await {
                Ok(()) => return Ok(()),
                Err(e)
                    if attempts < 20
                        && ["stale", "not interactable"]
                            .iter()
                            .any(|m| e.to_string().contains(m)) =>
                {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e).with_context(|| format!("acting on {css}")),
            }
        }
    }

    /// The text of the element matching `css`, once it is there.
    pub async fn text(&self, css: &str) -> anyhow::Result<String> {
        Ok(self
            .client
            .wait()
            .for_element(Locator::Css(css))
            .await?
            .text()
            .await?)
    }

    /// Waits until the element matching `css` has a text `accept` approves; returns it.
    pub async fn wait_for_text_where(
        &self,
        css: &str,
        what: &str,
        accept: impl Fn(&str) -> bool,
    ) -> anyhow::Result<String> {
        let mut last = String::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if accept(last.trim()) {
                    return Ok(last.trim().to_string());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{css}: waited for {what}, last seen {last:?}")
    }

    /// Signs in through the sign-in page and waits for the case list.
    pub async fn sign_in(&self, base: &str, username: &str, password: &str) -> anyhow::Result<()> {
        self.client.goto(base).await?;
        self.fill("login-username", username).await?;
        self.fill("login-password", password).await?;
        self.click("login-submit").await?;
        // The case list, or for a role without one (the administrator) the page saying so.
        self.client
            .wait()
            .for_element(Locator::Css(
                "[data-testid=page-cases], [data-testid=page-not-for-role]",
            ))
            .await?;
        Ok(())
    }

    /// Waits for a finished download whose name ends with `suffix` and returns its bytes
    /// (removing it, so the next wait sees the next one).
    pub async fn wait_for_download(&self, suffix: &str) -> anyhow::Result<Vec<u8>> {
        let dir = self._profile.path().join("downloads");
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(entries) = std::fs::read_dir(&dir) {
                for entry in entries.flatten() {
                    let path = entry.path();
                    let name = path
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or_default();
                    if name.ends_with(suffix) {
                        let bytes = std::fs::read(&path)?;
                        std::fs::remove_file(&path)?;
                        return Ok(bytes);
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("no download ending in {suffix} in {}", dir.display())
    }

    /// Saves a screenshot as `name.png` in [`screenshot_dir`] and returns its path.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Waits until the element matching `css` has exactly `expected` as its text.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> anyhow::Result<()> {
        let mut last = String::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if last.trim() == expected {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{css}: expected text {expected:?}, last seen {last:?}")
    }

    /// Waits until `script` (a function body returning a boolean) returns true.
    pub async fn wait_for_script(&self, what: &str, script: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(45);
        while Instant::now() < deadline {
            if let Ok(v) = self.client.execute(script, vec![]).await
                && v.as_bool() == Some(true)
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("timed out waiting for {what}")
    }

    /// Waits until the status strip says everything is synced (the first pull landed).
    pub async fn wait_all_synced(&self) -> anyhow::Result<String> {
        self.wait_for_text_where("[data-testid=sync-status]", "all synced", |t| {
            t.contains("全部已同步")
        })
        .await
    }

    /// The `href` of the first link matching `css`, empty when none.
    pub async fn first_href(&self, css: &str) -> anyhow::Result<String> {
        let css = serde_json::to_string(css)?;
        let href = self
            .client
            .execute(
                &format!("const a = document.querySelector({css}); return a ? a.getAttribute('href') : ''"),
                vec![],
            )
            .await?;
        Ok(href.as_str().unwrap_or_default().to_string())
    }

    /// Runs `script` until it returns a string, and returns it (45 s at most).
    pub async fn wait_for_script_value(&self, what: &str, script: &str) -> anyhow::Result<String> {
        let deadline = Instant::now() + Duration::from_secs(45);
        while Instant::now() < deadline {
            if let Ok(serde_json::Value::String(v)) = self.client.execute(script, vec![]).await {
                return Ok(v);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("timed out waiting for {what}")
    }

    /// How many places of the page's origin hold `needle`: every record of every IndexedDB
    /// store, every Cache Storage response body, localStorage and sessionStorage.
    pub async fn storage_hits(&self, needle: &str) -> anyhow::Result<u64> {
        let script = r#"
            const [needle, done] = arguments;
            (async () => {
                let hits = 0;
                const has = (text) => { if (String(text).includes(needle)) hits += 1; };
                for (const info of await indexedDB.databases()) {
                    const db = await new Promise((ok, err) => {
                        const r = indexedDB.open(info.name);
                        r.onsuccess = () => ok(r.result);
                        r.onerror = () => err(r.error);
                    });
                    for (const name of db.objectStoreNames) {
                        const all = await new Promise((ok, err) => {
                            const r = db.transaction(name).objectStore(name).getAll();
                            r.onsuccess = () => ok(r.result);
                            r.onerror = () => err(r.error);
                        });
                        for (const v of all) has(typeof v === 'string' ? v : JSON.stringify(v));
                    }
                    db.close();
                }
                for (const name of await caches.keys()) {
                    const cache = await caches.open(name);
                    for (const req of await cache.keys()) {
                        const res = await cache.match(req);
                        has(req.url + (res ? await res.text() : ''));
                    }
                }
                for (const store of [localStorage, sessionStorage]) {
                    for (let i = 0; i < store.length; i++) has(store.key(i) + store.getItem(store.key(i)));
                }
                return hits;
            })().then(done, (e) => done('error: ' + e));
        "#;
        let answer = self
            .client
            .execute_async(script, vec![needle.into()])
            .await?;
        answer
            .as_u64()
            .with_context(|| format!("storage scan: {answer}"))
    }

    /// Runs axe-core (`axe`, from [`axe_source`]) on the current page; returns the serious and
    /// critical violations as text.
    pub async fn axe_violations(&self, axe: &str) -> anyhow::Result<Vec<String>> {
        self.client.execute(axe, vec![]).await?;
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] }).then(r => done(
                   r.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))
                 ), e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await?;
        Ok(found
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Emulates the system's dark (`true`) or light colour scheme, as Chromium's DevTools
    /// do (`prefers-color-scheme` in CSS), through chromedriver's DevTools command.
    pub async fn set_dark(&self, dark: bool) -> anyhow::Result<()> {
        let session = self
            .client
            .session_id()
            .await?
            .context("no WebDriver session")?;
        let url = format!("{}/session/{session}/goog/cdp/execute", self.webdriver);
        let scheme = if dark { "dark" } else { "light" };
        let res = reqwest::Client::new()
            .post(url)
            .json(&serde_json::json!({
                "cmd": "Emulation.setEmulatedMedia",
                "params": { "features": [{ "name": "prefers-color-scheme", "value": scheme }] }
            }))
            .send()
            .await?;
        if !res.status().is_success() {
            bail!("emulated media: {} {}", res.status(), res.text().await?);
        }
        Ok(())
    }

    /// The current page printed to PDF on A4, as the browser's print dialog would.
    pub async fn print_pdf(&self) -> anyhow::Result<Vec<u8>> {
        let config = fantoccini::wd::PrintConfiguration::builder()
            .build()
            .map_err(|e| anyhow::anyhow!("print configuration: {e:?}"))?;
        Ok(self.client.print(config).await?)
    }

    /// Ends the session and chromedriver.
    pub async fn close(mut self) -> anyhow::Result<()> {
        let result = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        result.context("close browser session")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// The axe-core source from npm (installed into `tools/` by `scripts/setup.sh`).
pub fn axe_source() -> anyhow::Result<String> {
    let path = workspace_root().join("tools/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("{}: {e} (run scripts/setup.sh)", path.display()))
}

/// The number of pages of a PDF as Chromium writes it (each page object is `/Type /Page`).
pub fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page")
        .filter(|(i, m)| !text[i + m.len()..].starts_with('s'))
        .count()
}
