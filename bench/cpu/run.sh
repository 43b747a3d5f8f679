#!/usr/bin/env bash
# CPU-tuned release binaries against the generic ones, side by side in one
# run: wear-decrypt, wear-filter and wear-score on the same inputs, each peer
# pinned to one core, runs alternating (generic, tuned, generic, ...) so both
# see the same machine load; the best run of each counts.
#
#   bench/cpu/run.sh [--tuned CPU] [--generic CPU] [--records N] [--repeat K]
#                    [--stages LIST] [--inputs-from DIR] [--no-build]
#
#   --tuned CPU     the tuned target (default: znver3, what this Zen 3 runs;
#                   scripts/cpu-targets lists them; it must run on this CPU)
#   --generic CPU   the baseline (default x86-64-v3)
#   --records N     sealed records (default 1,000,000) from 2,000 devices,
#                   `wear sim --attacks all:0.3`; filter reads them decrypted,
#                   score decrypted and filtered (default rules)
#   --repeat K      runs per peer (default 5)
#   --stages LIST   which of decrypt,filter,score to time (default all three)
#   --inputs-from DIR  the wear and wear-decrypt that make the inputs
#                   (default the generic build's)
#   --no-build      use the binaries in .build-release-CPU as they are
#   BENCH_CPU       the core to pin to (default 0)
#
# Reported: records per wall second and per CPU second (user + system) of
# the best run; on a shared, loaded machine only the CPU figures mean much.
# Binaries: scripts/release.sh --build-only (static Swift runtime, -march=CPU
# for C, C++ and Swift). Before timing, the tuned and generic outputs of each
# stage must be byte-identical (wear-score with --workers 1 --ordered).
set -euo pipefail
cd "$(dirname "$0")/../.."

tuned=znver3 generic=x86-64-v3 records=1000000 repeat=5 build=1 stages=decrypt,filter,score inputs_from=""
while (($#)); do
    case "$1" in
        --tuned) tuned="$2"; shift 2 ;;
        --generic) generic="$2"; shift 2 ;;
        --records) records="$2"; shift 2 ;;
        --repeat) repeat="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        --stages) stages="$2"; shift 2 ;;
        --inputs-from) inputs_from="$2"; shift 2 ;;
        -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
[[ "$records" =~ ^[1-9][0-9]*$ && "$repeat" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --records and --repeat take a positive integer" >&2; exit 64; }
cpu=${BENCH_CPU:-0}
out=bench/out/cpu
mkdir -p "$out"
fail() { echo "run.sh: FAILED: $*" >&2; exit 1; }

host_flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
for target in "$generic" "$tuned"; do
    flags=$(sed -n "s/^$target: //p" scripts/cpu-targets)
    [[ -n "$flags" ]] || fail "unknown CPU target $target (scripts/cpu-targets)"
    for flag in $flags; do
        [[ "$host_flags" == *" $flag "* ]] || fail "this CPU lacks $flag: it cannot run $target binaries (try --tuned znver3 on a Zen 3)"
    done
    if ((build)); then scripts/release.sh --cpu "$target" --build-only > /dev/null; fi
    for stage in ${stages//,/ }; do
        [[ -x ".build-release-$target/x86_64-unknown-linux-gnu/release/wear-$stage" ]] \
            || fail ".build-release-$target has no wear-$stage (run without --no-build)"
    done
done
g=".build-release-$generic/x86_64-unknown-linux-gnu/release" t=".build-release-$tuned/x86_64-unknown-linux-gnu/release"
maker=${inputs_from:-$g}

# --- inputs (made with the generic binaries) ---------------------------------------
sealed="$out/sealed-$records.ndjson" decrypted="$out/decrypted-$records.ndjson" filtered="$out/filtered-$records.ndjson"
key="$out/master.key"
umask 077
if [[ ! -s "$sealed" ]]; then
    rm -f "$key" "$decrypted" "$filtered"
    "$maker/wear" keys new --out "$key"
    duration=$((records * 105 / 100 / 2000 + 10))s
    "$maker/wear" sim --devices 2000 --duration "$duration" --seed 11 --attacks all:0.3 --master-key "$key" 2> /dev/null \
        | head -n "$records" > "$sealed" || true
fi
[[ -s "$decrypted" ]] || "$maker/wear-decrypt" --master-key "$key" < "$sealed" 2> /dev/null > "$decrypted"
[[ -s "$filtered" ]] || "$g/wear-filter" --rules pipelines/rules/default.rules < "$decrypted" 2> /dev/null > "$filtered"
cat "$sealed" "$decrypted" "$filtered" > /dev/null

# peer STAGE BIN [taskset -c N]: the stage on its input, to stdout.
peer() {
    local stage=$1 bin=$2
    shift 2
    case "$stage" in
        decrypt) "$@" "$bin/wear-decrypt" --master-key "$key" < "$sealed" ;;
        filter) "$@" "$bin/wear-filter" --rules pipelines/rules/default.rules < "$decrypted" ;;
        score) "$@" "$bin/wear-score" --workers 1 --ordered < "$filtered" ;;
    esac
}
declare -A inputs=([decrypt]=$sealed [filter]=$decrypted [score]=$filtered)

for stage in ${stages//,/ }; do
    peer "$stage" "$g" 2> /dev/null > "$out/$stage.generic"
    peer "$stage" "$t" 2> /dev/null > "$out/$stage.tuned"
    cmp -s "$out/$stage.generic" "$out/$stage.tuned" || fail "wear-$stage: $tuned and $generic outputs differ ($out)"
    rm -f "$out/$stage.generic" "$out/$stage.tuned"
done

# time_one STAGE BIN: "WALL CPU" of one pinned run, in milliseconds (CPU:
# user + system; on a loaded machine the wall time mostly measures the load).
time_one() {
    local times wall user sys
    times="$( { TIMEFORMAT='%3R %3U %3S'; time peer "$1" "$2" taskset -c "$cpu" > /dev/null 2>&1; } 2>&1 )"
    read -r wall user sys <<< "${times##*$'\n'}"
    echo "$(echo "$wall * 1000 / 1" | bc) $(echo "($user + $sys) * 1000 / 1" | bc)"
}

echo "CPU-tuned vs generic release binaries, $(date -u +%Y-%m-%dT%H:%MZ), $(uname -sr)"
echo "CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), family $(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores; pinned to core $cpu"
echo "generic: $generic ($g); tuned: $tuned ($t); best of $repeat alternating runs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-12s | %8s | %14s | %14s | %10s | %14s | %14s | %10s |\n' stage records \
    "$generic rec/s" "$tuned rec/s" "wall ratio" "$generic rec/CPU-s" "$tuned rec/CPU-s" "CPU ratio"
printf '|%s|%s:|%s:|%s:|%s:|%s:|%s:|%s:|\n' -------------- ---------- ---------------- ---------------- ------------ \
    ---------------- ---------------- ------------
for stage in ${stages//,/ }; do
    n=$(wc -l < "${inputs[$stage]}")
    gw="" gc="" tw="" tc=""
    for ((i = 0; i < repeat; i++)); do
        read -r w c <<< "$(time_one "$stage" "$g")"
        [[ -z "$gw" || "$w" -lt "$gw" ]] && gw=$w
        [[ -z "$gc" || "$c" -lt "$gc" ]] && gc=$c
        read -r w c <<< "$(time_one "$stage" "$t")"
        [[ -z "$tw" || "$w" -lt "$tw" ]] && tw=$w
        [[ -z "$tc" || "$c" -lt "$tc" ]] && tc=$c
    done
    printf '| %-12s | %8d | %14d | %14d | %9.3fx | %14d | %14d | %9.3fx |\n' "wear-$stage" "$n" \
        $((n * 1000 / gw)) $((n * 1000 / tw)) "$(echo "scale=4; $gw / $tw" | bc)" \
        $((n * 1000 / gc)) $((n * 1000 / tc)) "$(echo "scale=4; $gc / $tc" | bc)"
done
echo
echo "ratio: $tuned over $generic (above 1: the tuned build is faster), by the best wall time and the best CPU time"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
