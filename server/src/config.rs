//! Command-line and environment configuration.

use std::{net::SocketAddr, path::PathBuf};

use clap::Parser;

/// Tousu sync server: serves the app and the `/api/v1` API from one SQLite file.
#[derive(Debug, Clone, Parser)]
#[command(name = "tousu-server", version)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (printed on start).
    #[arg(long, env = "TOUSU_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// SQLite database file; its directory is created on first start.
    #[arg(long, env = "TOUSU_DB", default_value = "data/tousu.sqlite3")]
    pub db: PathBuf,
    /// Directory holding the built app (`trunk build --release` writes `dist/`).
    #[arg(long, env = "TOUSU_DIST", default_value = "dist")]
    pub dist: PathBuf,
}
