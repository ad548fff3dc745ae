#!/usr/bin/env bash
# The coordinator's dashboard side by side (issue #18): the service on PostgreSQL and on SQLite
# against PostGraphile 5 and the raw SQL statement of ../shared/tools/dashboard-peer, on the same
# data (the peer's schema.sql, loaded into the service through its API by dashboard_peer.py), the
# same machine, one run, wrk at $CONC connections. Each system's answer is first checked to be the
# same dashboard as raw.sql's. Then, $ROUNDS times, alternating systems: PostGraphile; the service
# on PostgreSQL and on SQLite, one request of 500 relationships; the same walking pages of 100
# (dashboards/s = pages/s / pages); and pgbench running raw.sql. Prints a markdown table with
# the ratios to PostGraphile and to raw SQL, per round.
#
#   scripts/bench-dashboard.sh                    # CONC=8 DURATION=20 WARMUP=5 ROUNDS=2
#   BIN=/tmp/other/reverse-mentoring scripts/bench-dashboard.sh   # another build
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reverse-mentoring-target}"
PEER="$(cd ../shared/tools/dashboard-peer && pwd)"
CONC="${CONC:-8}"; DURATION="${DURATION:-20}"; WARMUP="${WARMUP:-5}"; ROUNDS="${ROUNDS:-2}"; THREADS="${THREADS:-2}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}"
PG_PORT=18491; SQLITE_PORT=18492
DB=rm_bench_dashboard
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres

command -v wrk >/dev/null || { echo "installing wrk (Debian)" >&2; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin reverse-mentoring
  BIN="$CARGO_TARGET_DIR/release/reverse-mentoring"
fi
PEER_PID="$(bash "$PEER/run.sh" | tail -1)"

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
export JWT_SECRET="dashboard-bench-secret-at-least-32-bytes"
psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
declare -A URL PID TOKEN PAGES
start() { # name, port, database URL
  mkdir -p "$WORK/$1"
  (cd "$WORK/$1" && DATABASE_URL="$3" RATE_LIMIT_PER_TOKEN=0 RATE_LIMIT_PER_ORG=0 RUST_LOG=warn \
    exec "$BIN" serve --bind "127.0.0.1:$2") >"$WORK/$1.log" 2>&1 &
  PID[$1]=$!; PIDS+=("$!"); URL[$1]="http://127.0.0.1:$2"
  for _ in $(seq 1 120); do curl -sf "${URL[$1]}/readyz" >/dev/null && break; sleep 0.5; done
  token() { (cd "$WORK/$1" && DATABASE_URL="$3" "$BIN" token --org acme --sub "$4" --role "$5"); }
  local admin; admin="$(token "$@" bench-admin admin)"
  TOKEN[$1]="$(token "$@" bench-coordinator coordinator)"
  local started=$EPOCHREALTIME program
  program="$(python3 scripts/dashboard_peer.py load "${URL[$1]}" "$admin")"
  echo "$1: loaded in $(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}') s through the API" >&2
  mkdir -p "$WORK/$1/bodies"
  PAGES[$1]="$(python3 scripts/dashboard_peer.py bodies "${URL[$1]}" "${TOKEN[$1]}" "$program" "$WORK/$1/bodies")"
}
start postgres "$PG_PORT" "${PG_ADMIN_URL%/*}/$DB"
# The peer's schema.sql ends with ANALYZE, and a server running autovacuum has statistics a minute
# after a load; without them (autovacuum is off on some machines) PostgreSQL plans the lookups
# for tables it believes empty. Both sides are measured with statistics.
psql -d "$DB" -qc ANALYZE
start sqlite "$SQLITE_PORT" "sqlite://$WORK/sqlite/bench.db?mode=rwc"

# The same dashboard everywhere: each answer against raw.sql's document.
psql -d peer_postgraphile -v ON_ERROR_STOP=1 -qtA -f "$PEER/raw.sql" >"$WORK/raw.json"
python3 - "$PEER/query.graphql" >"$WORK/peer.json" <<'PY'
import json, sys
print(json.dumps({"query": open(sys.argv[1]).read(), "variables": {"programId": 1}, "operationName": "Dashboard"}), end="")
PY
curl -sf -H 'content-type: application/json' --data-binary @"$WORK/peer.json" http://127.0.0.1:5678/graphql >"$WORK/peer-answer.json"
cmp -s <(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])) == json.load(open(sys.argv[2])))' \
  "$WORK/peer-answer.json" "$WORK/raw.json") <(echo True) || { echo "PostGraphile's answer is not raw.sql's" >&2; exit 1; }
for backend in postgres sqlite; do
  curl -sf -H "Authorization: Bearer ${TOKEN[$backend]}" -H 'content-type: application/json' \
    --data-binary @"$WORK/$backend/bodies/one.json" "${URL[$backend]}/graphql" >"$WORK/$backend-answer.json"
  echo -n "$backend " >&2
  python3 scripts/dashboard_peer.py check "$WORK/$backend-answer.json" "$WORK/raw.json" >&2
done

# rps p50 p99 rss_mb bad for one wrk run on PID $1 at URL $2 with bodies $3 and token $4
measure() {
  BODY_FILES="$3" TOKEN="$4" wrk -t"$THREADS" -c"$CONC" -d"${WARMUP}s" --timeout 10s -s scripts/bench-dashboard.lua "$2" >/dev/null
  : >"$WORK/rss"
  ( while kill -0 "$1" 2>/dev/null; do awk '/^VmRSS:/{print $2}' "/proc/$1/status" >>"$WORK/rss"; sleep 0.5; done ) &
  local sampler=$!
  local result
  result="$(BODY_FILES="$3" TOKEN="$4" wrk -t"$THREADS" -c"$CONC" -d"${DURATION}s" --timeout 10s --latency \
    -s scripts/bench-dashboard.lua "$2" | grep '^RESULT')"
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  local rss; rss="$(sort -n "$WORK/rss" | tail -1)"
  get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" ${result#RESULT }"; }
  echo "$(get rps) $(get p50_ms) $(get p99_ms) $((rss / 1024)) $(( $(get bad) + $(get errors) ))"
}
raw_sql() {
  pgbench -n -c "$CONC" -j "$THREADS" -T "$WARMUP" -f "$PEER/raw.sql" peer_postgraphile >/dev/null 2>&1
  rm -f "$WORK"/pgb.*
  (cd "$WORK" && pgbench -n -c "$CONC" -j "$THREADS" -T "$DURATION" -l --log-prefix=pgb -f "$PEER/raw.sql" peer_postgraphile >"$WORK/pgbench.txt" 2>&1)
  local tps; tps="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.txt")"
  cat "$WORK"/pgb.* | awk '{print $3/1000}' | sort -n |
    awk -v tps="$tps" '{a[NR]=$1} END{printf "%s %.2f %.2f - 0\n", tps, a[int(NR*0.50+0.5)], a[int(NR*0.99+0.5)]}'
}

for round in $(seq 1 "$ROUNDS"); do
  declare -A ROW=()
  ROW[peer]="$(measure "$PEER_PID" http://127.0.0.1:5678/graphql "$WORK/peer.json" "")"
  for backend in postgres sqlite; do
    ROW[$backend]="$(measure "${PID[$backend]}" "${URL[$backend]}/graphql" "$WORK/$backend/bodies/one.json" "${TOKEN[$backend]}")"
    pages="$(ls "$WORK/$backend/bodies"/page-*.json | sort -V | tr '\n' ' ')"
    ROW[$backend-pages]="$(measure "${PID[$backend]}" "${URL[$backend]}/graphql" "$pages" "${TOKEN[$backend]}")"
  done
  ROW[raw]="$(raw_sql)"
  echo
  echo "round $round of $ROUNDS: $CONC connections, ${DURATION} s each after ${WARMUP} s of warm-up"
  echo
  echo "| system | dashboards/s | p50 ms | p99 ms | RSS MB | failed | vs PostGraphile | vs raw SQL |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  read -r peer_rps _ <<<"${ROW[peer]}"; read -r raw_rps _ <<<"${ROW[raw]}"
  row() { # label, row, pages per dashboard
    read -r rps p50 p99 rss bad <<<"$2"
    awk -v l="$1" -v r="$rps" -v n="$3" -v p50="$p50" -v p99="$p99" -v rss="$rss" -v bad="$bad" -v peer="$peer_rps" -v raw="$raw_rps" \
      'BEGIN{d=r/n; printf "| %s | %.1f | %s | %s | %s | %s | %.2fx | %.2fx |\n", l, d, p50, p99, rss, bad, d/peer, d/raw}'
  }
  row "raw SQL (pgbench, raw.sql)" "${ROW[raw]}" 1
  row "PostGraphile $(sed -n 's/^  "version": "\(.*\)",/\1/p' /tmp/peer-postgraphile/node_modules/postgraphile/package.json)" "${ROW[peer]}" 1
  row "service, PostgreSQL, one request of 500" "${ROW[postgres]}" 1
  row "service, SQLite, one request of 500" "${ROW[sqlite]}" 1
  row "service, PostgreSQL, ${PAGES[postgres]} pages of 100 (latency per page)" "${ROW[postgres-pages]}" "${PAGES[postgres]}"
  row "service, SQLite, ${PAGES[sqlite]} pages of 100 (latency per page)" "${ROW[sqlite-pages]}" "${PAGES[sqlite]}"
done
