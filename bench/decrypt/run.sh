#!/usr/bin/env bash
# wear-decrypt benchmark: sealed records/s on one core, side by side with a
# Python loop (cryptography's AESGCM) and a C loop (OpenSSL EVP + jansson)
# doing the same work (see peer_python.py and peer_c.c).
#
# usage: bench/decrypt/run.sh [--devices N[,N...]] [--peers LIST] [-- wear-decrypt options]
#   --devices     fleet sizes, one table each (default $DEVICES or 1000); records
#                 come from the devices round robin, the worst case for any cache
#   --peers       which tools to time (default wear-decrypt,c-scan,c-jansson,python)
#   after --       extra options for wear-decrypt (e.g. --context-cache-size 40000)
#   WEAR_SCRATCH  build folder for the release build (default .build)
#   WEAR_DECRYPT  a wear-decrypt binary to time instead of building one (before/after)
#   RECORDS       sealed records to generate (default 1000000)
#   BENCH_CPU     the one core to run on (default 0)
#   RUNS          runs per tool; the best is reported (default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
SCRATCH=${WEAR_SCRATCH:-.build}
RECORDS=${RECORDS:-1000000}
DEVICE_LIST=${DEVICES:-1000}
PEERS=wear-decrypt,c-scan,c-jansson,python
EXTRA=()
while [ $# -gt 0 ]; do
    case $1 in
        --devices) DEVICE_LIST=$2; shift 2 ;;
        --peers) PEERS=$2; shift 2 ;;
        --) shift; EXTRA=("$@"); break ;;
        *) echo "run.sh: unknown option $1 (see the usage at the top of bench/decrypt/run.sh)" >&2; exit 64 ;;
    esac
done
CPU=${BENCH_CPU:-0}
RUNS=${RUNS:-5}
WORK="$SCRATCH/bench-decrypt"
mkdir -p "$WORK"

if [ -z "${WEAR_DECRYPT:-}" ]; then
    echo "building wear-decrypt (release) and the C peer..." >&2
    swift build --scratch-path "$SCRATCH" -c release --product wear-decrypt >&2
    WEAR_DECRYPT="$SCRATCH/release/wear-decrypt"
fi
cc -O2 -Wall -o "$WORK/peer_c" bench/decrypt/peer_c.c -lcrypto -ljansson

run_fleet() {
local DEVICES=$1
INPUT="$WORK/records-$RECORDS-$DEVICES.ndjson"
if [ ! -s "$INPUT" ]; then
    echo "sealing $RECORDS records from $DEVICES devices..." >&2
    python3 bench/decrypt/gen_records.py "$INPUT.tmp" "$WORK/master.key" --records "$RECORDS" --devices "$DEVICES"
    mv "$INPUT.tmp" "$INPUT"
fi

# Correctness first, on the first 100,000 records: every tool emits every
# record, and wear-decrypt's output is byte-identical to the C peer's.
CHECK="$WORK/check.ndjson"
head -n 100000 "$INPUT" > "$CHECK"
check_count=$(wc -l < "$CHECK")
"$WEAR_DECRYPT" --master-key "$WORK/master.key" ${EXTRA[@]+"${EXTRA[@]}"} < "$CHECK" > "$WORK/out-wear.ndjson" 2>/dev/null
"$WORK/peer_c" "$WORK/master.key" < "$CHECK" > "$WORK/out-c.ndjson" 2>/dev/null
"$WORK/peer_c" "$WORK/master.key" --jansson < "$CHECK" > "$WORK/out-c-jansson.ndjson" 2>/dev/null
python3 bench/decrypt/peer_python.py "$WORK/master.key" < "$CHECK" > "$WORK/out-python.ndjson" 2>/dev/null
for output in wear c c-jansson python; do
    lines=$(wc -l < "$WORK/out-$output.ndjson")
    [ "$lines" -eq "$check_count" ] || { echo "run.sh: FAILED: $output emitted $lines of $check_count records" >&2; exit 1; }
done
cmp -s "$WORK/out-wear.ndjson" "$WORK/out-c.ndjson" || { echo "run.sh: FAILED: wear-decrypt and the C peer disagree" >&2; exit 1; }

# best_of NAME COMMAND...: the shortest wall time of $RUNS runs on core $CPU
# (input from the page cache, output to /dev/null), and that run's CPU time.
best_of() {
    local name=$1; shift
    local best="" cpu=""
    for _ in $(seq "$RUNS"); do
        local start end elapsed
        start=$(date +%s%N)
        /usr/bin/time -o "$WORK/time" -f "%U %S" taskset -c "$CPU" "$@" < "$INPUT" > /dev/null 2>/dev/null
        end=$(date +%s%N)
        elapsed=$(( (end - start) / 1000 ))
        if [ -z "$best" ] || [ "$elapsed" -lt "$best" ]; then
            best=$elapsed
            cpu=$(awk '{ printf "%d", ($1 + $2) * 1000000 }' "$WORK/time")
        fi
    done
    echo "$name $best $cpu"
}

wanted() { [[ ",$PEERS," == *",$1,"* ]]; }
results=$(
    if wanted wear-decrypt; then best_of wear-decrypt "$WEAR_DECRYPT" --master-key "$WORK/master.key" ${EXTRA[@]+"${EXTRA[@]}"}; fi
    if wanted c-scan; then best_of c-scan "$WORK/peer_c" "$WORK/master.key"; fi
    if wanted c-jansson; then best_of c-jansson "$WORK/peer_c" "$WORK/master.key" --jansson; fi
    if wanted python; then best_of python python3 bench/decrypt/peer_python.py "$WORK/master.key"; fi
)

bytes=$(( $(wc -c < "$INPUT") / RECORDS ))
echo "$RECORDS sealed envelopes (~$bytes bytes each) from $DEVICES devices; one core (taskset -c $CPU); best of $RUNS${EXTRA[*]+; wear-decrypt ${EXTRA[*]}}"
echo "$results" | awk -v records="$RECORDS" '
    { name[NR] = $1; wall[NR] = $2; cpu[NR] = $3; rate[NR] = records / ($2 / 1e6); rank[$1] = NR }
    END {
        label["wear-decrypt"] = "wear-decrypt (Swift + OpenSSL)"
        label["c-scan"] = "C: byte scan + OpenSSL EVP"
        label["c-jansson"] = "C: jansson + OpenSSL EVP"
        label["python"] = "Python: orjson + cryptography"
        python = ("python" in rank) ? rate[rank["python"]] : 0; c = ("c-scan" in rank) ? rate[rank["c-scan"]] : 0
        printf "%-36s %9s %12s %12s %10s %8s\n", "", "wall s", "records/s", "CPU records/s", "vs Python", "vs C"
        for (i = 1; i <= NR; i++)
            printf "%-36s %9.3f %12.0f %12.0f %9s %7s\n", label[name[i]], wall[i] / 1e6, rate[i],
                   records / (cpu[i] / 1e6), python ? sprintf("%.2fx", rate[i] / python) : "-", c ? sprintf("%.2fx", rate[i] / c) : "-"
    }'
}

for DEVICES in ${DEVICE_LIST//,/ }; do
    run_fleet "$DEVICES"
    echo
done
