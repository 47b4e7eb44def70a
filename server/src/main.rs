//! `tousu-server`: parses configuration, opens the database, serves until Ctrl-C / SIGTERM,
//! or runs a maintenance command.

use std::net::SocketAddr;

use anyhow::Context as _;
use clap::Parser as _;
use tokio::net::TcpListener;
use tousu_server::{
    AppState, app,
    config::{Command, Config},
    demo,
    store::Store,
    web::AppShell,
};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(err) = run(Config::parse()).await {
        // A start-up failure is the operator's to fix: say what and where, no backtrace.
        eprintln!("tousu-server: error: {err:#}");
        std::process::exit(1);
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    let store = Store::open(&config.db).with_context(|| {
        format!(
            "cannot use the database file {} (choose another with --db or TOUSU_DB)",
            config.db.display()
        )
    })?;
    setup_profile(&store, config.profile.as_deref()).await?;
    match config.command.clone().unwrap_or(Command::Serve) {
        Command::Serve => serve(config, store).await,
        Command::SeedDemo { cases } => seed(&store, &config.demo_password, cases).await,
        Command::Rebuild => {
            let n = store.rebuild_projections().await?;
            println!("rebuilt {n} case projections from their events");
            Ok(())
        }
        Command::ArchiveRun { year, month } => {
            anyhow::ensure!((1..=12).contains(&month), "month must be 1–12");
            let n = tousu_server::archive::run(
                &store,
                &tousu_shared::access::Principal::System,
                year,
                month,
                tousu_server::now(),
            )
            .await?;
            println!("archived {n} cases closed in {year:04}-{month:02}");
            Ok(())
        }
        Command::Backup { to } => {
            let pages = store.backup_to(to.clone()).await?;
            println!("backed up {pages} pages to {}", to.display());
            Ok(())
        }
        Command::VerifyAudit => {
            let n = store.verify_audit().await?;
            println!("audit trail intact: {n} rows");
            Ok(())
        }
        Command::CreateAdmin { username } => {
            let password = match std::env::var("TOUSU_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("password for {username}:");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end().to_string()
                }
            };
            anyhow::ensure!(
                password.chars().count() >= 10,
                "the password needs at least 10 characters"
            );
            let account = tokio::task::spawn_blocking(move || {
                demo::account(
                    &username,
                    &username,
                    &[tousu_shared::access::Role::Admin],
                    None,
                    &password,
                )
            })
            .await??;
            store
                .create_accounts(Vec::new(), vec![account], tousu_server::now())
                .await?;
            println!("administrator created");
            Ok(())
        }
    }
}

/// On a new database (no accounts, no profile yet) puts the chosen regulation profile in
/// force, the parcel station's (000) when none is chosen. A database set up before profiles
/// keeps its clocks and categories until an administrator chooses one; `--profile` on a later
/// start changes nothing and says so.
async fn setup_profile(store: &Store, chosen: Option<&str>) -> anyhow::Result<()> {
    use tousu_shared::profile::{DEFAULT_PROFILE, Profile};
    let in_force = store.profile().await?;
    match (in_force, store.has_no_users().await?) {
        (None, true) => {
            let profile = Profile::builtin(chosen.unwrap_or(DEFAULT_PROFILE))?;
            store
                .admin_change(
                    "system".into(),
                    tousu_server::store::admin::AdminChange::apply_profile(&profile),
                    tousu_server::now(),
                )
                .await?
                .map_err(|e| anyhow::anyhow!("profile: {e}"))?;
            tracing::info!(profile = %profile.id, version = profile.version, "regulation profile in force");
        }
        (Some(info), _) if chosen.is_some_and(|c| c != info.id) => eprintln!(
            "tousu-server: the profile {} is in force; --profile applies to a new database only              (an administrator changes it with PUT /api/v1/admin/profile)",
            info.id
        ),
        (None, false) if chosen.is_some() => eprintln!(
            "tousu-server: this database was set up before regulation profiles and keeps its              clocks and categories; an administrator chooses a profile with PUT /api/v1/admin/profile"
        ),
        _ => {}
    }
    Ok(())
}

async fn seed(store: &Store, password: &str, cases: usize) -> anyhow::Result<()> {
    let empty = store.has_no_users().await?;
    anyhow::ensure!(
        empty,
        "the database already has users; demo data goes only into an empty one"
    );
    let summary = demo::seed(store, password, cases, tousu_server::now()).await?;
    println!(
        "demo data: {} users, {} cases, {} events",
        summary.users, summary.cases, summary.events
    );
    Ok(())
}

async fn serve(config: Config, store: Store) -> anyhow::Result<()> {
    let empty = store.has_no_users().await?;
    if empty && config.demo {
        seed(&store, &config.demo_password, config.demo_cases).await?;
    } else if empty {
        eprintln!(
            "tousu-server: no users yet. Create the first administrator with\n  \
             tousu-server --db {} create-admin admin",
            config.db.display()
        );
    }
    if config.archive_day > 0 {
        let (store, day, offset) = (
            store.clone(),
            config.archive_day,
            config.clock_offset_hours * 3_600_000,
        );
        let every = std::time::Duration::from_secs(config.archive_check_secs.max(1));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                let now = tousu_shared::clock::Timestamp(tousu_server::now().0 + offset);
                match tousu_server::archive::auto_run(&store, day, now).await {
                    Ok(Some(((y, m), n))) if n > 0 => {
                        tracing::info!(month = %format!("{y:04}-{m:02}"), archived = n, "automatic archive run")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "automatic archive run failed"),
                }
            }
        });
    }
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(
            axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .with_context(|| {
                    format!(
                        "cannot read the certificate {} or its key {} (PEM files)",
                        cert.display(),
                        key.display()
                    )
                })?,
        ),
        _ => None,
    };
    let mut shell = AppShell::load(&config.dist);
    if tls.is_some() {
        shell = shell.over_https();
    }
    let listener = TcpListener::bind(config.addr).await.with_context(|| {
        format!(
            "cannot listen on {} (is another server using that port? choose another with --addr or TOUSU_ADDR)",
            config.addr
        )
    })?;
    let addr = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    // Tests and scripts read this line to find the port when started with port 0.
    println!("tousu-server listening on {scheme}://{addr}");
    tracing::info!(%addr, db = %config.db.display(), dist = %config.dist.display(), scheme, "started");
    let service = app(AppState {
        store,
        shell,
        retention_days: config.retention_days,
        clock_offset_ms: config.clock_offset_hours * 3_600_000,
        trusted_proxy: config.trusted_proxy,
        counter: Default::default(),
    })
    .into_make_service_with_connect_info::<SocketAddr>();
    match tls {
        None => axum::serve(listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("server stopped with an error"),
        Some(tls) => {
            let handle = axum_server::Handle::new();
            let stopping = handle.clone();
            tokio::spawn(async move {
                shutdown_signal().await;
                stopping.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
            });
            axum_server::from_tcp_rustls(listener.into_std()?, tls)
                .handle(handle)
                .serve(service)
                .await
                .context("server stopped with an error")
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("install SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down");
}
