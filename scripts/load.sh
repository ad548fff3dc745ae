#!/usr/bin/env bash
# Load on the three operations users make most, against the release binary on PostgreSQL,
# with a public HTTP load generator (npm autocannon): a participant's `viewer`, a coordinator's
# program page, an analyst's program metrics. Prints throughput, p50/p99, errors and the
# service's peak resident memory for each; BENCHMARKS.md keeps the numbers.
#
#   scripts/load.sh                       # PostgreSQL at 127.0.0.1:5432, 8 connections, 20 s each
#   CONNECTIONS=16 DURATION=30 PG_ADMIN_URL=postgres://... scripts/load.sh
#   BIN=/tmp/other-build/reverse-mentoring scripts/load.sh   # another build, side by side
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reverse-mentoring-target}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}"
CONNECTIONS="${CONNECTIONS:-8}"
DURATION="${DURATION:-20}"
PORT="${PORT:-18490}"
DB=rm_load

npm ci --prefix scripts/load --no-audit --no-fund --loglevel=error
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin reverse-mentoring
  BIN="$CARGO_TARGET_DIR/release/reverse-mentoring"
fi

psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
URL="${PG_ADMIN_URL%/*}/$DB"
DIR="$(mktemp -d)"
export JWT_SECRET="load-secret-that-is-at-least-32-bytes-long"
(cd "$DIR" && DATABASE_URL="$URL" "$BIN" seed-demo >/dev/null)
(cd "$DIR" && DATABASE_URL="$URL" RATE_LIMIT_PER_TOKEN=0 RATE_LIMIT_PER_ORG=0 LOG_JSON=true RUST_LOG=warn \
  exec "$BIN" serve --bind "127.0.0.1:$PORT") >"$DIR/server.log" 2>&1 &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null || true
  psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
  rm -rf "$DIR"
}
trap cleanup EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.5; done

token() { (cd "$DIR" && DATABASE_URL="$URL" "$BIN" token --org acme --sub "$1" "${@:2}"); }
ADMIN="$(token load-admin --role admin)"
gql() { # token, JSON body
  curl -sf "http://127.0.0.1:$PORT/graphql" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$2"
}
PROGRAM="$(gql "$ADMIN" '{"query":"{ programs(first: 10) { nodes { id matches(status: ACTIVE, first: 1) { nodes { mentor { employeeId } } } } } }"}' |
  python3 -c 'import json,sys
for p in json.load(sys.stdin)["data"]["programs"]["nodes"]:
    if p["matches"]["nodes"]:
        print(p["id"], p["matches"]["nodes"][0]["mentor"]["employeeId"]); break')"
read -r PROGRAM_ID MENTOR <<<"$PROGRAM"
PARTICIPANT="$(token "$MENTOR" --role participant --employee-id "$MENTOR")"
COORDINATOR="$(token load-coordinator --role coordinator)"
ANALYST="$(token load-analyst --role analyst)"

body() { # operation name, query, variables
  python3 -c 'import json,sys; print(json.dumps({"operationName": sys.argv[1], "query": sys.argv[2], "variables": json.loads(sys.argv[3])}))' "$@"
}
VIEWER="$(body Viewer 'query Viewer { viewer { org roles enrollments { id role status } matches { id status startedOn mentor { name } mentee { name } } due { kind message match { id } } } }' '{}')"
PAGE="$(body ProgramPage 'query ProgramPage($p: ID!) { program(id: $p) { name status matches(first: 100) { edges { node { status startedOn mentor { name skills { level skill { name } } } mentee { name skills { level skill { name } } } meetings { heldAt minutes format } } } } } }' "{\"p\": \"$PROGRAM_ID\"}")"
METRICS="$(body ProgramMetrics 'query ProgramMetrics($p: ID!) { programMetrics(programId: $p) { retention { months observable retained rate } matchedComparison { months } cadence { meetings meetingsPerActiveMonth shareReachingTarget } skillsLearned { recorded confirmed learners } satisfaction { averageSatisfaction shareSatisfied } objectives { kind } } }' "{\"p\": \"$PROGRAM_ID\"}")"

# Each document must answer without errors before it is loaded.
for pair in "$PARTICIPANT:$VIEWER" "$COORDINATOR:$PAGE" "$ANALYST:$METRICS"; do
  answer="$(gql "${pair%%:*}" "${pair#*:}")"
  if ! python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(1 if d.get("errors") else 0)' "$answer"; then
    echo "a load document failed: $answer" >&2
    exit 1
  fi
done

printf '| operation | connections | requests/s | p50 ms | p99 ms | errors and non-2xx | peak RSS MB |\n| --- | --- | --- | --- | --- | --- | --- |\n'
run() { # name, token, body
  local out
  out="$(npx --prefix scripts/load autocannon --json -c "$CONNECTIONS" -d "$DURATION" -m POST \
    -H "Authorization=Bearer $2" -H 'Content-Type=application/json' -b "$3" "http://127.0.0.1:$PORT/graphql" 2>/dev/null)"
  local peak
  peak="$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$PID/status")"
  python3 -c 'import json,sys
r = json.loads(sys.argv[1])
bad = r["errors"] + r["timeouts"] + r["non2xx"]
print("| %s | %s | %.1f | %s | %s | %d | %s |" % (sys.argv[2], r["connections"], r["requests"]["average"], r["latency"]["p50"], r["latency"]["p99"], bad, sys.argv[3]))' \
    "$out" "$1" "$peak"
}
run "participant viewer" "$PARTICIPANT" "$VIEWER"
run "coordinator program page" "$COORDINATOR" "$PAGE"
run "analyst programMetrics" "$ANALYST" "$METRICS"
