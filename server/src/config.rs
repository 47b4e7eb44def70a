//! Command-line and environment configuration.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Parser, Subcommand};

/// Tousu sync server: serves the app and the `/api/v1` API from one SQLite file.
#[derive(Debug, Clone, Parser)]
#[command(name = "tousu-server", version)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (printed on start).
    #[arg(
        long,
        env = "TOUSU_ADDR",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub addr: SocketAddr,
    /// SQLite database file; its directory is created on first start.
    #[arg(
        long,
        env = "TOUSU_DB",
        default_value = "data/tousu.sqlite3",
        global = true
    )]
    pub db: PathBuf,
    /// Directory holding the built app (`trunk build --release` writes `dist/`).
    #[arg(long, env = "TOUSU_DIST", default_value = "dist", global = true)]
    pub dist: PathBuf,
    /// Seed demo data into an empty database at start (users named after their roles).
    /// `--demo` alone means true; a value or `TOUSU_DEMO` may be `true`/`false`, `1`/`0`,
    /// `yes`/`no`, `on`/`off`.
    #[arg(
        long,
        env = "TOUSU_DEMO",
        action = clap::ArgAction::Set,
        num_args = 0..=1,
        default_value_t = false,
        default_missing_value = "true",
        value_parser = clap::builder::BoolishValueParser::new(),
        global = true
    )]
    pub demo: bool,
    /// Days an archived case is kept before an archivist may destroy it.
    #[arg(long, env = "TOUSU_RETENTION_DAYS", default_value_t = 3 * 365, global = true)]
    pub retention_days: i64,
    /// The day of the month (1–28) from which the server archives the previous month by
    /// itself (000 "每月將投訴處理記錄歸檔"); 0 turns the automatic run off (archivists still
    /// run months from the app or with `tousu-server archive`).
    #[arg(long, env = "TOUSU_ARCHIVE_DAY", default_value_t = 5, global = true, value_parser = clap::value_parser!(u8).range(0..=28))]
    pub archive_day: u8,
    /// How often the server looks whether the automatic archive run is due, in seconds.
    #[arg(
        long,
        env = "TOUSU_ARCHIVE_CHECK_SECS",
        default_value_t = 3600,
        global = true,
        hide = true
    )]
    pub archive_check_secs: u64,
    /// Hours added to the system clock (expiry tests and drills only: sessions, access
    /// grants and deadlines then behave as at that later time).
    #[arg(
        long,
        env = "TOUSU_CLOCK_OFFSET_HOURS",
        default_value_t = 0,
        global = true
    )]
    pub clock_offset_hours: i64,
    /// The address of a reverse proxy in front of the server: for connections from it, the
    /// client is the last address of `X-Forwarded-For` (per-client sign-in limits); from any
    /// other peer the header is ignored.
    #[arg(long, env = "TOUSU_TRUSTED_PROXY", global = true)]
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// PEM certificate chain: with `--tls-key`, the server speaks HTTPS itself (service
    /// workers and Web Crypto need a secure context; HSTS is then sent).
    #[arg(long, env = "TOUSU_TLS_CERT", global = true, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `--tls-cert`.
    #[arg(long, env = "TOUSU_TLS_KEY", global = true, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// The regulation profile a new database starts with (`parcel-station`, `metro`,
    /// `warehouse`, `disinfection-service`, `complaint-office`); later an administrator
    /// changes it through the API.
    #[arg(long, env = "TOUSU_PROFILE", global = true, value_parser = clap::builder::PossibleValuesParser::new(tousu_shared::profile::PROFILE_IDS))]
    pub profile: Option<String>,
    /// How many demo cases to seed.
    #[arg(long, env = "TOUSU_DEMO_CASES", default_value_t = 240, global = true)]
    pub demo_cases: usize,
    /// Password of the demo users.
    #[arg(long, env = "TOUSU_DEMO_PASSWORD", default_value = crate::demo::DEFAULT_DEMO_PASSWORD, global = true, hide_env_values = true)]
    pub demo_password: String,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Maintenance commands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the app and the API (the default).
    Serve,
    /// Seed demo data into an empty database and exit.
    SeedDemo {
        /// How many cases.
        #[arg(long, default_value_t = 240)]
        cases: usize,
    },
    /// Re-fold every case from its events and rewrite the projections.
    Rebuild,
    /// Archive the cases closed in a month that is over (the monthly run, as the system).
    ArchiveRun {
        /// Year.
        #[arg(long)]
        year: i32,
        /// Month, 1–12.
        #[arg(long)]
        month: u8,
    },
    /// Verify the audit trail's hash chain.
    VerifyAudit,
    /// Create the first administrator (password from TOUSU_ADMIN_PASSWORD or standard input).
    CreateAdmin {
        /// The account id, e.g. `admin`.
        username: String,
    },
    /// Copy the database with SQLite's online backup while the server keeps serving: one
    /// consistent snapshot (every commit before the copy began), checked, then moved into
    /// place.
    Backup {
        /// The file to write (must not exist yet).
        #[arg(long)]
        to: std::path::PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boolean_options_take_the_usual_spellings() {
        let demo = |args: &[&str]| {
            Config::try_parse_from(std::iter::once("tousu-server").chain(args.iter().copied()))
                .map(|c| c.demo)
                .map_err(|e| e.to_string())
        };
        assert_eq!(demo(&[]), Ok(false));
        assert_eq!(demo(&["--demo"]), Ok(true));
        for (value, expected) in [
            ("1", true),
            ("0", false),
            ("true", true),
            ("false", false),
            ("yes", true),
            ("no", false),
        ] {
            assert_eq!(demo(&["--demo", value]), Ok(expected), "{value}");
            assert_eq!(demo(&[&format!("--demo={value}")]), Ok(expected), "{value}");
        }
        assert!(demo(&["--demo=maybe"]).is_err());
    }
}
