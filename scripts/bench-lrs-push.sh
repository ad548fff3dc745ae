#!/usr/bin/env bash
# The push rate to a real LRS: starts Ralph 5.1.0 on 127.0.0.1 (file backend, Basic auth), then
# runs the xapi_pull bench, which derives the statements, pulls them, and pushes them all to Ralph.
#   scripts/bench-lrs-push.sh                      # SQLite
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test scripts/bench-lrs-push.sh
#   XAPI_BENCH_RELATIONSHIPS=1700 scripts/bench-lrs-push.sh   # about 10,000 statements
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reverse-mentoring-target}"
RALPH_VENV="${RALPH_VENV:-$HOME/.cache/reverse-mentoring-ralph-venv}"
[ -x "$RALPH_VENV/bin/python" ] || python3 -m venv "$RALPH_VENV"
"$RALPH_VENV/bin/pip" install --quiet --disable-pip-version-check "ralph-malph[cli,lrs]==5.1.0" requests
RALPH_DIR="$(mktemp -d)"
export RALPH_RUNSERVER_BACKEND=fs RALPH_AUTH_FILE="$RALPH_DIR/auth.json" RALPH_APP_DIR="$RALPH_DIR/app" \
  RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH="$RALPH_DIR/data"
mkdir -p "$RALPH_DIR/data"
"$RALPH_VENV/bin/ralph" auth -u pusher -p pusher-password -s all -M mailto:pusher@example.com -w 2>/dev/null
PORT="${RALPH_PORT:-18491}"
"$RALPH_VENV/bin/python" tests/lrs/run_ralph.py "$PORT" >"$RALPH_DIR/ralph.log" 2>&1 &
RALPH_PID=$!
trap 'kill $RALPH_PID 2>/dev/null || true; rm -rf "$RALPH_DIR"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/__heartbeat__" >/dev/null && break; sleep 0.2; done
PUSH_LRS_URL="http://127.0.0.1:$PORT/xAPI" PUSH_LRS_USER=pusher PUSH_LRS_PASSWORD=pusher-password \
  cargo bench --bench xapi_pull
