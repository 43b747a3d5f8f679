#!/usr/bin/env bash
# Measures `wear sim` throughput on one core (taskset -c 0): plaintext and
# sealed records per second, best of $RUNS runs, output to /dev/null.
#
#   bench/sim/run.sh                      # builds release into .build-bench-sim
#   WEAR=.build/release/wear bench/sim/run.sh
#   DEVICES=10000 DURATION=2m RUNS=5 bench/sim/run.sh
#
# Records/s = lines written / wall time. The output is deterministic, so the
# line count is taken once per mode, outside the timed runs. Wall time on a
# pinned core is only meaningful if nothing else runs there: the CPU time
# (user+sys) is printed next to it; when they differ a lot, the core was shared.
set -euo pipefail
cd "$(dirname "$0")/../.."

DEVICES=${DEVICES:-1000}
DURATION=${DURATION:-10m}
RUNS=${RUNS:-3}
CORE=${CORE:-0}
if [[ -z "${WEAR:-}" ]]; then
    SCRATCH=${SCRATCH:-.build-bench-sim}
    swift build -c release --product wear --scratch-path "$SCRATCH" >&2
    WEAR="$SCRATCH/release/wear"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$WEAR" keys new --out "$work/master.key"

# measure NAME ARGS...: prints NAME, lines, best wall seconds, its CPU seconds, records/s.
measure() {
    local name=$1
    shift
    local lines best=999999 best_cpu=0 run
    lines=$("$WEAR" sim "$@" | wc -l)
    for ((run = 0; run < RUNS; run++)); do
        local t0 t1 wall cpu
        t0=$(date +%s%N)
        cpu=$( { TIMEFORMAT='%U %S'; time taskset -c "$CORE" "$WEAR" sim "$@" > /dev/null; } 2>&1 | awk '{print $1 + $2}')
        t1=$(date +%s%N)
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        if awk -v w="$wall" -v b="$best" 'BEGIN { exit !(w < b) }'; then
            best=$wall
            best_cpu=$cpu
        fi
    done
    awk -v n="$name" -v l="$lines" -v w="$best" -v c="$best_cpu" \
        'BEGIN { printf "%-7s %9d records  %7.3f s wall  %7.3f s cpu  %10.0f records/s (%0.f by cpu)\n", n, l, w, c, l / w, l / c }'
}

echo "wear sim, $DEVICES devices, $DURATION, one core (taskset -c $CORE), best of $RUNS"
measure plain --plain --devices "$DEVICES" --duration "$DURATION" --seed 1
measure sealed --master-key "$work/master.key" --devices "$DEVICES" --duration "$DURATION" --seed 1
