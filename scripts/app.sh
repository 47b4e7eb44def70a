#!/usr/bin/env bash
# Builds everything and starts Tousu on http://127.0.0.1:8080 with an embedded SQLite file
# under ./data/. Arguments go to the server (e.g. --addr 0.0.0.0:8080 --db /srv/tousu.db);
# TOUSU_ADDR and TOUSU_DB work too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TOUSU_ROOT"
scripts/setup.sh
scripts/build-app.sh
scripts/size-report.sh
cargo build --release --locked -p tousu-server
# Demo data (users named after their roles, password TOUSU_DEMO_PASSWORD, default
# "tousu-demo") goes into an empty database; set TOUSU_DEMO=false for a production start.
export TOUSU_DEMO="${TOUSU_DEMO:-true}"
exec target/release/tousu-server "$@"
