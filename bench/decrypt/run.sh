#!/usr/bin/env bash
# wear-decrypt benchmark: sealed records/s on one core, side by side with a
# Python loop (cryptography's AESGCM) and a C loop (OpenSSL EVP + jansson)
# doing the same work (see peer_python.py and peer_c.c).
#
# usage: bench/decrypt/run.sh
#   WEAR_SCRATCH  build folder for the release build (default .build)
#   RECORDS       sealed records to generate (default 1000000)
#   DEVICES       devices they come from (default 1000)
#   BENCH_CPU     the one core to run on (default 0)
#   RUNS          runs per tool; the best is reported (default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
SCRATCH=${WEAR_SCRATCH:-.build}
RECORDS=${RECORDS:-1000000}
DEVICES=${DEVICES:-1000}
CPU=${BENCH_CPU:-0}
RUNS=${RUNS:-5}
WORK="$SCRATCH/bench-decrypt"
mkdir -p "$WORK"

echo "building wear-decrypt (release) and the C peer..." >&2
swift build --scratch-path "$SCRATCH" -c release --product wear-decrypt >&2
WEAR_DECRYPT="$SCRATCH/release/wear-decrypt"
cc -O2 -Wall -o "$WORK/peer_c" bench/decrypt/peer_c.c -lcrypto -ljansson

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
"$WEAR_DECRYPT" --master-key "$WORK/master.key" < "$CHECK" > "$WORK/out-wear.ndjson" 2>/dev/null
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

results=$(
    best_of wear-decrypt "$WEAR_DECRYPT" --master-key "$WORK/master.key"
    best_of c-scan "$WORK/peer_c" "$WORK/master.key"
    best_of c-jansson "$WORK/peer_c" "$WORK/master.key" --jansson
    best_of python python3 bench/decrypt/peer_python.py "$WORK/master.key"
)

bytes=$(( $(wc -c < "$INPUT") / RECORDS ))
echo "$RECORDS sealed envelopes (~$bytes bytes each) from $DEVICES devices; one core (taskset -c $CPU); best of $RUNS"
echo "$results" | awk -v records="$RECORDS" '
    { name[NR] = $1; wall[NR] = $2; cpu[NR] = $3; rate[NR] = records / ($2 / 1e6); rank[$1] = NR }
    END {
        label["wear-decrypt"] = "wear-decrypt (Swift + OpenSSL)"
        label["c-scan"] = "C: byte scan + OpenSSL EVP"
        label["c-jansson"] = "C: jansson + OpenSSL EVP"
        label["python"] = "Python: orjson + cryptography"
        python = rate[rank["python"]]; c = rate[rank["c-scan"]]
        printf "%-36s %9s %12s %12s %10s %8s\n", "", "wall s", "records/s", "CPU records/s", "vs Python", "vs C"
        for (i = 1; i <= NR; i++)
            printf "%-36s %9.3f %12.0f %12.0f %9.2fx %7.2fx\n", label[name[i]], wall[i] / 1e6, rate[i],
                   records / (cpu[i] / 1e6), rate[i] / python, rate[i] / c
    }'
