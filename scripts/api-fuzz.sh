#!/usr/bin/env bash
# Schemathesis against the real server (issue 17 §4): every operation of
# /api/v1/openapi.json, called by a signed-in user holding every office role, with generated
# valid and boundary inputs and stateful sequences. Fails on any 5xx or any answer that does
# not match its documented schema or media type.
#
#   scripts/api-fuzz.sh            # the test command's run (TOUSU_API_FUZZ_EXAMPLES=20)
#   TOUSU_API_FUZZ_EXAMPLES=200 scripts/api-fuzz.sh   # the long run
#
# Needs the debug server (cargo build -p tousu-server) and tools/venv (scripts/setup.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TOUSU_ROOT"

examples=${TOUSU_API_FUZZ_EXAMPLES:-20}
seed=${TOUSU_API_FUZZ_SEED:-1}
password=fuzz-$(date +%s)-$RANDOM
data=$(mktemp -d)
log="$data/server.log"
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

TOUSU_DEMO=true TOUSU_DEMO_CASES=30 TOUSU_DEMO_PASSWORD="$password" RUST_LOG=warn \
  target/debug/tousu-server --db "$data/tousu.sqlite3" --dist dist --addr 127.0.0.1:0 \
  --trusted-proxy 127.0.0.1 >"$log" 2>&1 &
server=$!
base=""
for _ in $(seq 1 100); do
  base=$(sed -n 's/^tousu-server listening on //p' "$log")
  [ -n "$base" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { echo "the server did not start" >&2; cat "$log" >&2; exit 1; }

# One account with every office role, so the operations answer 200 and not only 403.
token=$(curl -sf "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -sf "$base/api/v1/admin/users" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d "{\"id\":\"fuzz\",\"display_name\":\"接口测试\",\"roles\":[\"admin\",\"supervisor\",\"archivist\",\"leader\",\"clerk\"],\"password\":\"$password\"}" >/dev/null

# Real case ids for the operations that read one case, mixed with generated ones, so
# schemathesis checks a real case's answer against its schema, not only 404s.
fuzz_token=$(curl -sf "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"fuzz\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -sf "$base/api/v1/sync/pull?cursor=0&limit=50" -H "Authorization: Bearer $fuzz_token" | python3 -c '
import json, sys
page = json.load(sys.stdin)
ids = sorted({e["case_id"] for g in page["grants"] for e in g["events"]})[:20]
assert ids, "the demo pull brought no case"
print("[dictionaries.cases]")
print("values = " + json.dumps(ids))
print("[[operations]]")
print("include-path = \"/api/v1/cases/{id}\"")
print("parameters = { \"path.id\" = { dictionary = \"cases\", probability = 0.8 } }")
' > "$data/schemathesis.toml"

cd tests/api-fuzz
TOUSU_FUZZ_BASE="$base" TOUSU_FUZZ_USER=fuzz TOUSU_FUZZ_PASSWORD="$password" SCHEMATHESIS_HOOKS=hooks \
  "$TOUSU_ROOT/tools/venv/bin/schemathesis" --config-file "$data/schemathesis.toml" \
  run "$base/api/v1/openapi.json" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --max-examples "$examples" --seed "$seed" --no-color
kill -0 "$server" || { echo "the server died" >&2; exit 1; }
echo "api-fuzz: $examples examples per operation, seed $seed: no 5xx, every answer matches its schema"
