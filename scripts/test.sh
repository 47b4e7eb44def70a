#!/usr/bin/env bash
# Runs every check and test of Tousu; installs what is missing first (scripts/setup.sh).
# Any failing step fails the run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TOUSU_ROOT"

step() { echo; echo "==> $*"; }
started=$(date +%s)

step "setup"
scripts/setup.sh

step "format"
cargo fmt --all -- --check

step "clippy (host, every crate and target)"
cargo clippy --locked --workspace --all-targets -- -D warnings

step "clippy (wasm32: frontend and shared)"
cargo clippy --locked --target wasm32-unknown-unknown -p tousu-frontend -p tousu-shared --all-targets -- -D warnings
# The office build (docs/DECISIONS.md "Two builds") compiles its own screens.
cargo clippy --locked --target wasm32-unknown-unknown -p tousu-frontend --features office --all-targets -- -D warnings

step "invariant: shared builds for wasm32 and depends on no I/O crate"
cargo build --locked --quiet --target wasm32-unknown-unknown -p tousu-shared
forbidden=$(cargo tree --locked -p tousu-shared -e normal,build --target all --prefix none \
  | awk '{print $1}' | grep -xE 'tokio|rusqlite|web-sys|js-sys|leptos|axum|wasm-bindgen|getrandom' | sort -u || true)
if [ -n "$forbidden" ]; then
  echo "shared depends on I/O crates: $forbidden" >&2
  exit 1
fi
echo "ok: tousu-shared depends on none of tokio, rusqlite, web-sys, js-sys, leptos, axum, wasm-bindgen, getrandom"

step "invariant: SQL lives in the server's store only"
outside=$(grep -rlw 'rusqlite' server/src --include='*.rs' | grep -v '^server/src/store/' || true)
if [ -n "$outside" ]; then
  echo "rusqlite is named outside server/src/store/: $outside" >&2
  exit 1
fi
echo "ok: rusqlite is named only under server/src/store/"

step "invariant: the app's databases are opened by the store and the session only"
opening=$(grep -rlE 'UserStore::open|DeviceStore::open|indexed_db_futures' frontend/src --include='*.rs' \
  | grep -vE '^frontend/src/(store/|session\.rs)|/tests\.rs$' || true)
if [ -n "$opening" ]; then
  echo "a local database is opened outside frontend/src/store/ and session.rs: $opening" >&2
  exit 1
fi
echo "ok: only the store and the session open local databases"

step "invariant: the case page's files stay small (about 400 lines each)"
large=$(find frontend/src/pages -name '*.rs' -exec wc -l {} + | awk '$2 != "total" && $1 > 450 {print $2 " (" $1 " lines)"}')
if [ -n "$large" ]; then
  echo "screen files over 450 lines: $large" >&2
  exit 1
fi
echo "ok: every screen file is at most 450 lines"

step "release build of the app (trunk)"
scripts/build-app.sh
scripts/size-report.sh

step "server binary for the end-to-end tests"
cargo build --locked -p tousu-server

# Test output is also kept, to add up the counts of every runner at the end.
results=target/test-results.log
: > "$results"

step "host tests (unit, API against the real binary, end-to-end in Chromium)"
export TOUSU_SCREENSHOTS="$TOUSU_ROOT/target/e2e-screenshots"
cargo test --locked --workspace 2>&1 | tee -a "$results"
cargo test --locked -p tousu-frontend --features office --lib 2>&1 | tee -a "$results"

step "API fuzzing (schemathesis against the real server, every operation of the OpenAPI document)"
scripts/api-fuzz.sh

step "browser tests (wasm-bindgen-test in headless Chromium)"
cargo test --locked --target wasm32-unknown-unknown -p tousu-frontend 2>&1 | tee -a "$results"
# The domain core's fold in the browser must match the host's on a recorded trace.
cargo test --locked --target wasm32-unknown-unknown -p tousu-shared --test wasm 2>&1 | tee -a "$results"

echo
echo "screenshots of the end-to-end tests: $TOUSU_SCREENSHOTS"
echo "size report: $TOUSU_ROOT/target/size-report.txt"
echo "all checks passed in $(( $(date +%s) - started )) s"
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$results"
