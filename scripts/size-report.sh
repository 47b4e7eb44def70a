#!/usr/bin/env bash
# Prints the size of the two release builds' wasm, JS and service worker: raw, gzip -9 and
# brotli -q 11, and writes the same tables to target/size-report.txt.
# Budgets (issue 14, docs/DECISIONS.md "Two builds"): the field build, what a registrar's,
# handler's or revisitor's tablet loads, 400 KB brotli; the office build (the field app with
# the office screens, loaded by office desks instead of the field build) is reported beside it
# against 600 KB; the counter build (kiosk, /complain, /status; issue 16) against 200 KB, with
# the service worker the kiosk registers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TOUSU_ROOT"
out=target/size-report.txt
mkdir -p target
table() { # name, budget in KB, files...
  local name=$1 budget=$(($2 * 1024)) total_br=0 f raw gz br
  shift 2
  printf '%-48s %10s %10s %10s\n' "$name" raw gzip brotli
  for f in "$@"; do
    [ -e "$f" ] || { echo "no release build ($f): run scripts/build-app.sh" >&2; exit 1; }
    raw=$(stat -c %s "$f"); gz=$(gzip -9c "$f" | wc -c); br=$(brotli -q 11 -c "$f" | wc -c)
    total_br=$((total_br + br))
    printf '%-48s %10d %10d %10d\n' "$(basename "$f")" "$raw" "$gz" "$br"
  done
  printf '%-48s %10s %10s %10d  (%d KB; budget %d KB)\n' "total" "" "" "$total_br" $((total_br / 1024)) $((budget / 1024))
  if [ "$total_br" -gt "$budget" ]; then echo "WARNING: $name is over its size budget"; fi
  echo
}
{
  table "field build (dist/)" 400 dist/*.wasm dist/*.js
  table "office build (dist/office/)" 600 dist/office/*.wasm dist/office/*.js dist/sw.js
  table "counter build (dist/counter/): kiosk, /complain, /status" 200 dist/counter/*.wasm dist/counter/*.js dist/sw.js
} | tee "$out"
