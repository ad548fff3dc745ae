#!/usr/bin/env bash
# The HRIS people import at scale: a generated file of ROWS people (default 100,000: 20
# departments, a manager tree, hire dates over 30 years) posted to /imports/people, as a dry
# run, then for real, then again (every row unchanged), on PostgreSQL and SQLite. Prints the
# time of each request and the service's peak RSS (VmHWM) as markdown rows.
#
#   scripts/bench-import.sh                   # both backends, 100,000 rows
#   ROWS=10000 BACKENDS=sqlite scripts/bench-import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reverse-mentoring-target}"
ROWS="${ROWS:-100000}"
BACKENDS="${BACKENDS:-postgres sqlite}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}"
PORT="${PORT:-18490}"
cargo build --release --bin reverse-mentoring >/dev/null 2>&1
BIN="$CARGO_TARGET_DIR/release/reverse-mentoring"
WORK="$(mktemp -d)"
PID=""
NAME=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null
  [ -n "$NAME" ] && psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $NAME" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
FILE="$WORK/people.csv"
python3 - "$ROWS" "$FILE" <<'PY'
import random, sys, datetime
rows, path = int(sys.argv[1]), sys.argv[2]
random.seed(7)
start = datetime.date(1995, 1, 1)
with open(path, "w", newline="") as out:
    out.write("employeeId,name,email,department,jobTitle,level,managerEmployeeId,hiredOn,generation\r\n")
    for i in range(1, rows + 1):
        manager = f"E{i // 10:06d}" if i >= 10 else ""
        hired = start + datetime.timedelta(days=random.randrange(11000))
        generation = random.choice(["", "GEN_Z", "MILLENNIAL", "GEN_X", "BABY_BOOMER"])
        out.write(f"E{i:06d},\"Person {i}, Jr.\",e{i}@example.com,Department {i % 20},Engineer,"
                  f"{random.randint(1, 15)},{manager},{hired},{generation}\r\n")
PY
printf '%s rows, %s MB\n\n' "$ROWS" "$(( $(stat -c %s "$FILE") / 1024 / 1024 ))"
echo "| backend | dry run | real run | again (all unchanged) | peak RSS |"
echo "| --- | --- | --- | --- | --- |"
export JWT_SECRET="bench-import-secret-that-is-at-least-32-bytes-long"
for backend in $BACKENDS; do
  if [ "$backend" = postgres ]; then
    NAME="rm_bench_import_$$"
    psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $NAME" >/dev/null
    URL="${PG_ADMIN_URL%/*}/$NAME"
  else
    URL="sqlite://$WORK/import.db?mode=rwc"
  fi
  (cd "$WORK" && DATABASE_URL="$URL" RATE_LIMIT_PER_TOKEN=0 RATE_LIMIT_PER_ORG=0 REQUEST_TIMEOUT_SECS=600 \
    exec "$BIN" serve --bind "127.0.0.1:$PORT") >"$WORK/server-$backend.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
  TOKEN="$(cd "$WORK" && DATABASE_URL="$URL" "$BIN" token --org bench --role admin --sub bench)"
  post() {
    curl -s -o "$WORK/report.json" -w '%{http_code} %{time_total}\n' -X POST \
      "http://127.0.0.1:$PORT/imports/people$1" -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: text/csv' --data-binary @"$FILE"
  }
  # Command substitution waits for curl to exit, so the report file is complete.
  report() { python3 -c "import json; r = json.load(open('$WORK/report.json')); print(r['$1'])"; }
  read -r dry_status dry_time <<<"$(post "?dryRun=true")"
  dry_created="$(report created)"
  read -r real_status real_time <<<"$(post "")"
  created="$(report created)"
  read -r again_status again_time <<<"$(post "")"
  unchanged="$(report unchanged)"
  peak="$(awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$PID/status")"
  kill "$PID"; wait "$PID" 2>/dev/null || true
  PID=""
  if [ "$backend" = postgres ]; then psql "$PG_ADMIN_URL" -qc "DROP DATABASE $NAME" >/dev/null; NAME=""; fi
  for status in "$dry_status" "$real_status" "$again_status"; do
    [ "$status" = 200 ] || { echo "$backend: HTTP $status"; cat "$WORK/report.json" | head -c 2000; exit 1; }
  done
  [ "$dry_created" = "$ROWS" ] && [ "$created" = "$ROWS" ] && [ "$unchanged" = "$ROWS" ] \
    || { echo "$backend: dry run created $dry_created, real run $created, then $unchanged unchanged, of $ROWS"; exit 1; }
  printf '| %s | %.1f s | %.1f s | %.1f s | %s |\n' "$backend" "$dry_time" "$real_time" "$again_time" "$peak"
done
