#!/usr/bin/env bash
# The sharded runner's overhead: the per-key counter stage (WearTesting's
# PerKeyCounterStage, through bench/shard/driver = wear-shard-bench) behind
#   sync          StageRunner, one thread (the reference)
#   batch         BatchStageRunner + SynchronousBatchStage, one thread
#   sharded-1     ShardedStage, 1 worker (all of the sharding machinery, no parallelism)
#   sharded-2     ShardedStage, 2 workers, unordered
#   sharded-2o    ShardedStage, 2 workers, --ordered
#
#   bench/shard/run.sh [--quick] [--records N] [--repeat K] [--no-build] [--no-callgrind]
#
#   --quick         100,000 records, best of 2
#   --records N     records (default 1,000,000 over 10,000 devices)
#   --repeat K      runs per runner, the best counts (default 3)
#   --no-build      use the wear-shard-bench already in .build-bench/release
#   --no-callgrind  skip the instruction counts
#   --no-time       skip the wall-time runs
#
# First checks that every sharded run's output equals the sync runner's
# (byte for byte when ordered; the same lines when not) and that each
# summary says in=N out=N rejected=0. Then times each runner from a file to
# /dev/null (wall time, records/s, ratio to sync), and counts instructions
# per record with callgrind on min(N, 100000) records (all threads summed:
# what the machine pays, independent of load; an empty-input run of the same
# runner is subtracted, so start-up and thread creation are not counted).
# valgrind 3.19 cannot read Swift's DWARF 5: callgrind runs a copy with the
# debug sections stripped (as bench/identity/profile.sh does), and, not
# emulating AVX-512, runs simdjson's haswell kernel. Exit status 1 if a check fails.
set -euo pipefail

records=1000000 repeat=3 build=1 callgrind=1 timing=1
while (($#)); do
    case "$1" in
        --quick) records=100000 repeat=2; shift ;;
        --records) records="$2"; shift 2 ;;
        --repeat) repeat="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        --no-callgrind) callgrind=0; shift ;;
        --no-time) timing=0; shift ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
[[ "$records" =~ ^[1-9][0-9]*$ && "$repeat" =~ ^[1-9][0-9]*$ ]] \
    || { echo "run.sh: --records and --repeat take a positive integer" >&2; exit 64; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/bench/out/shard"
mkdir -p "$out"
cd "$root"
fail() { echo "run.sh: FAILED: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

scratch=(--scratch-path .build-bench -c release)
if ((build)); then
    note "building wear-shard-bench (release, .build-bench)"
    swift build "${scratch[@]}" --product wear-shard-bench 2>&1 | tail -n 1 >&2
fi
bin="$(swift build "${scratch[@]}" --show-bin-path)/wear-shard-bench"
[[ -x "$bin" ]] || fail "$bin not built (run without --no-build)"

input="$("$root/bench/common/telemetry.sh" --records "$records" --devices 10000)"
bytes=$(stat -c %s "$input")
note "input: $records records, $bytes bytes ($input)"

declare -A args=([sync]="sync" [batch]="batch" [sharded-1]="sharded 1" [sharded-2]="sharded 2" [sharded-2o]="sharded 2 --ordered")
runners=(sync batch sharded-1 sharded-2 sharded-2o)

# --- correctness ------------------------------------------------------------
for name in "${runners[@]}"; do
    # shellcheck disable=SC2086
    "$bin" ${args[$name]} < "$input" > "$out/$name.out" 2> "$out/$name.err" || fail "$name exited $?"
    grep -q "info: in=$records out=$records rejected=0\$" "$out/$name.err" || fail "$name summary: $(tail -n 1 "$out/$name.err")"
done
for name in batch sharded-1 sharded-2o; do
    cmp -s "$out/sync.out" "$out/$name.out" || fail "$name output differs from sync"
done
cmp -s <(sort "$out/sync.out") <(sort "$out/sharded-2.out") || fail "sharded-2 lines differ from sync"
note "outputs equal (ordered: byte for byte; unordered: the same lines)"
rm -f "$out"/*.out

# --- wall time --------------------------------------------------------------
if ((timing)); then
best() { # best-of-$repeat seconds for "$@"
    local best="" t
    for ((i = 0; i < repeat; i++)); do
        /usr/bin/time -f %e -o "$out/time" "$@" < "$input" > /dev/null 2> /dev/null
        t=$(tail -n 1 "$out/time")
        if [[ -z "$best" ]] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
    done
    echo "$best"
}
printf '%-11s %9s %13s %9s\n' runner seconds records/s vs-sync
declare -A seconds
for name in "${runners[@]}"; do
    # shellcheck disable=SC2086
    seconds[$name]=$(best "$bin" ${args[$name]})
done
for name in "${runners[@]}"; do
    s=${seconds[$name]}
    printf '%-11s %9s %13s %9s\n' "$name" "$s" \
        "$(awk -v n="$records" -v s="$s" 'BEGIN { printf "%d", n / s }')" \
        "$(awk -v a="${seconds[sync]}" -v s="$s" 'BEGIN { printf "%.2fx", a / s }')"
done
fi

# --- instructions (callgrind) ----------------------------------------------
((callgrind)) || exit 0
small=$((records < 100000 ? records : 100000))
cinput="$("$root/bench/common/telemetry.sh" --records "$small" --devices 10000)"
stripped="$out/wear-shard-bench.stripped"
objcopy --strip-debug "$bin" "$stripped"
irefs() { grep -oE 'Collected : [0-9]+' | grep -oE '[0-9]+$'; }
printf '\n%-11s %14s %11s %13s   (%s records)\n' runner instructions per-record over-sync "$small"
declare -A ir
for name in "${runners[@]}"; do
    # shellcheck disable=SC2086
    empty=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$stripped" ${args[$name]} < /dev/null 2>&1 > /dev/null | irefs)
    # shellcheck disable=SC2086
    total=$(valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$name" "$stripped" ${args[$name]} < "$cinput" 2>&1 > /dev/null | irefs)
    [[ -n "$empty" && -n "$total" ]] || fail "callgrind did not report for $name"
    ir[$name]=$((total - empty))
done
for name in "${runners[@]}"; do
    printf '%-11s %14s %11s %13s\n' "$name" "${ir[$name]}" "$((ir[$name] / small))" "$(((ir[$name] - ir[sync]) / small))"
done
