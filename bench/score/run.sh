#!/usr/bin/env bash
# The wear-score benchmark: wear-score (1 and 2 workers) and the NumPy
# reference (bench/score/reference.py) on the same simulated, decrypted and
# filtered records, outputs compared for agreement first.
#
#   bench/score/run.sh [--devices D] [--duration T] [--repeat K] [--no-build]
#
#   --devices D    simulated devices (default 2000)
#   --duration T   simulated time (default 10m: about 1.2M records at 2000 devices)
#   --repeat K     runs per peer, the best counts (default 3)
#   --no-build     use the binaries already in .build-bench/release
#
# Every peer reads the same file on stdin and writes to /dev/null; records/s
# is records / wall time; peak RSS from /usr/bin/time. Before timing,
# wear-score --workers 1 --ordered and reference.py must agree on >= 99.9 %
# of the scores within 0.001 (bench/score/compare.py), and wear-score with
# 2 workers --ordered must give the 1-worker output byte for byte.
set -euo pipefail

devices=2000 duration=10m repeat=3 build=1
while (($#)); do
    case "$1" in
        --devices) devices="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --repeat) repeat="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/bench/out/score"
mkdir -p "$out"
cd "$root"
scratch=(--scratch-path .build-bench -c release)
if ((build)); then
    for product in wear wear-decrypt wear-filter wear-score; do
        swift build "${scratch[@]}" --product "$product" 2>&1 | tail -n 1 >&2
    done
fi
bin="$(swift build "${scratch[@]}" --show-bin-path)"
python3 -c 'import numpy, scipy, orjson' 2>/dev/null \
    || { echo "run.sh: the reference needs numpy, scipy and orjson (pip install numpy scipy orjson)" >&2; exit 66; }

input="$out/input-d$devices-$duration.ndjson"
if [[ ! -s "$input" ]]; then
    umask 077
    rm -f "$out/master.key"
    "$bin/wear" keys new --out "$out/master.key"
    "$bin/wear" sim --devices "$devices" --duration "$duration" --seed 5 --attacks all:0.3 --master-key "$out/master.key" \
        | "$bin/wear-decrypt" --master-key "$out/master.key" 2>/dev/null \
        | "$bin/wear-filter" --rules pipelines/rules/default.rules 2>/dev/null > "$input"
fi
records=$(wc -l < "$input")
echo "input: $records records from $devices devices ($(( $(stat -c %s "$input") / records )) bytes each)" >&2

"$bin/wear-score" --workers 1 --ordered < "$input" > "$out/swift.ndjson" 2>/dev/null
"$bin/wear-score" --workers 2 --ordered < "$input" 2>/dev/null | cmp -s - "$out/swift.ndjson" \
    || { echo "run.sh: 2 workers --ordered differ from 1 worker" >&2; exit 1; }
python3 "$here/reference.py" < "$input" > "$out/reference.ndjson"
python3 "$here/compare.py" "$out/swift.ndjson" "$out/reference.ndjson"

# best_of NAME COMMAND...: the best wall time of $repeat runs, and the peak RSS.
best_of() {
    local name="$1" best="" rss=0
    shift
    for ((i = 0; i < repeat; i++)); do
        /usr/bin/time -f "%e %M" -o "$out/time" "$@" < "$input" > /dev/null 2>"$out/stderr" || { cat "$out/stderr" >&2; exit 1; }
        read -r wall kb < "$out/time"
        if [[ -z "$best" ]] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
        ((kb > rss)) && rss=$kb
    done
    printf '| %s | %s | %.0f | %d |\n' "$name" "$best" "$(awk "BEGIN{print $records / $best}")" "$((rss / 1024))"
}
echo
echo "| peer | best wall s | records/s | peak RSS MiB |"
echo "|---|---:|---:|---:|"
best_of "wear-score --workers 1" "$bin/wear-score" --workers 1
best_of "wear-score --workers 2" "$bin/wear-score" --workers 2
best_of "reference.py (NumPy, orjson)" python3 "$here/reference.py"
