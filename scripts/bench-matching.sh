#!/usr/bin/env bash
# The solver beside SciPy on the same files, in one run: `match-bench` (this service's solver)
# and `peer.py solve` (linear_sum_assignment / min_weight_full_bipartite_matching), both timing
# the solve alone after reading the file. Prints each line and the time ratio peer/ours.
#
#   scripts/bench-matching.sh            # needs: pip install numpy scipy
set -euo pipefail
cd "$(dirname "$0")/.."
PEER="${PEER:-../shared/tools/assignment-peer/peer.py}"
DATA="${DATA:-${TMPDIR:-/tmp}/rm-matching-bench}"
mkdir -p "$DATA"
[ -s "$DATA/dense2000.csv" ] || python3 "$PEER" gen --mentees 2000 --mentors 2000 --seed 7 > "$DATA/dense2000.csv"
[ -s "$DATA/sparse10000.edges" ] || python3 "$PEER" gen --mentees 10000 --mentors 10000 --density 0.02 --format edges > "$DATA/sparse10000.edges"

cargo build --release --quiet
ours="${CARGO_TARGET_DIR:-target}/release/reverse-mentoring"

seconds() { sed -n 's/.*seconds=\([0-9.]*\).*/\1/p'; }
run() { # name file objective peer-flags
  local name=$1 file=$2 objective=$3; shift 3
  local mine theirs
  mine=$(/usr/bin/time -f "maxrss=%MKB" "$ours" match-bench "$file" --objective "$objective" 2>&1 | tr '\n' ' ')
  theirs=$(/usr/bin/time -f "maxrss=%MKB" python3 "$PEER" solve "$file" --objective "$objective" "$@" 2>&1 | tr '\n' ' ')
  local a b
  a=$(echo "$mine" | seconds); b=$(echo "$theirs" | seconds)
  printf '%-34s ours:  %s\n%-34s scipy: %s\n%-34s scipy/ours = %s\n' "$name $objective" "$mine" "" "$theirs" "" \
    "$(python3 -c "print(f'{$b/$a:.2f}')")"
}
for objective in participation score; do
  run "dense 2000x2000" "$DATA/dense2000.csv" "$objective"
  run "sparse 10000x10000 (2%)" "$DATA/sparse10000.edges" "$objective" --sparse
done
