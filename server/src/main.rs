//! `tousu-server`: parses configuration, opens the database, serves until Ctrl-C / SIGTERM.

use anyhow::Context as _;
use clap::Parser as _;
use tokio::net::TcpListener;
use tousu_server::{AppState, app, config::Config, store::Store, web::AppShell};
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
    let shell = AppShell::load(&config.dist);
    let listener = TcpListener::bind(config.addr).await.with_context(|| {
        format!(
            "cannot listen on {} (is another server using that port? choose another with --addr or TOUSU_ADDR)",
            config.addr
        )
    })?;
    let addr = listener.local_addr()?;
    // Tests and scripts read this line to find the port when started with port 0.
    println!("tousu-server listening on http://{addr}");
    tracing::info!(%addr, db = %config.db.display(), dist = %config.dist.display(), "started");
    axum::serve(listener, app(AppState { store, shell }))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server stopped with an error")
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
