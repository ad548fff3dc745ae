#!/usr/bin/env bash
# The solver beside SciPy on program-shaped instances, side by side in one run.
#
# For each family of scripts/matching_families.py at two sizes (seeded, so the files are
# the same on every machine), `match-bench` (this service's solver, native capacities)
# and `matching_families.py solve` (linear_sum_assignment on dense families,
# min_weight_full_bipartite_matching on sparse ones, capacities expanded into columns)
# solve the same file; both time the solve alone, after reading the file. Prints one
# markdown row per instance: matched/total of each side, seconds (median of RUNS),
# SciPy/ours, and peak memory.
#
#   scripts/bench-matching.sh                 # needs: pip install numpy scipy
#   RUNS=3 SMALL_ONLY=1 scripts/bench-matching.sh
set -euo pipefail
cd "$(dirname "$0")/.."
FAMILIES=scripts/matching_families.py
DATA="${DATA:-${TMPDIR:-/tmp}/rm-matching-bench}"
RUNS="${RUNS:-1}"
SEED="${SEED:-7}"
mkdir -p "$DATA"

cargo build --release --quiet
ours="${CARGO_TARGET_DIR:-target}/release/reverse-mentoring"

# family sparse small large
CASES=(
  "skills8 dense 2000 5000"
  "few-values dense 2000 5000"
  "capacities dense 2000 5000"
  "popular dense 2000 5000"
  "skills40 dense 2000 5000"
  "random dense 2000 5000"
  "min-score sparse 2000 4000"
  "random-sparse sparse 5000 10000"
  "popular-sparse sparse 5000 10000"
  "popular-thin sparse 5000 10000"
)

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Runs a command RUNS times; prints "matched total median_seconds max_rss_kib".
measure() {
  local out secs=() rss=0 run_rss matched total
  for _ in $(seq "$RUNS"); do
    out=$(/usr/bin/time -f "maxrss=%M" "$@" 2>&1 | tr '\n' ' ')
    matched=$(echo "$out" | field matched); total=$(echo "$out" | field total)
    [ -n "$matched" ] || { echo "failed: $* -> $out" >&2; exit 1; }
    secs+=("$(echo "$out" | field seconds)")
    run_rss=$(echo "$out" | field maxrss)
    (( run_rss > rss )) && rss=$run_rss
  done
  echo "$matched $total $(printf '%s\n' "${secs[@]}" | median) $rss"
}

echo "| family | mentees | objective | ours: matched / total | ours s | SciPy s | SciPy / ours | ours RSS | SciPy RSS | same optimum |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for case in "${CASES[@]}"; do
  read -r family kind small large <<<"$case"
  sizes=("$small"); [ -n "${SMALL_ONLY:-}" ] || sizes+=("$large")
  for size in "${sizes[@]}"; do
    file="$DATA/$family-$size-$SEED.txt"
    if [ ! -s "$file" ]; then
      python3 "$FAMILIES" gen "$family" --size "$size" --seed "$SEED" > "$file.part"
      mv "$file.part" "$file"
    fi
    sparse=(); [ "$kind" = sparse ] && sparse=(--sparse)
    objectives=(participation); case "$family" in random|popular-sparse) objectives+=(score) ;; esac
    for objective in "${objectives[@]}"; do
      read -r om ot os orss <<<"$(measure "$ours" match-bench "$file" --objective "$objective")"
      read -r pm pt ps prss <<<"$(measure python3 "$FAMILIES" solve "$file" --objective "$objective" "${sparse[@]}")"
      same=no; [ "$om/$ot" = "$pm/$pt" ] && same=yes
      printf '| %s | %s | %s | %s / %s | %s | %s | %s | %s MiB | %s MiB | %s |\n' \
        "$family" "$size" "$objective" "$om" "$ot" "$os" "$ps" \
        "$(python3 -c "print(f'{$ps/$os:.2f}')")" "$((orss / 1024))" "$((prss / 1024))" "$same"
    done
  done
done
