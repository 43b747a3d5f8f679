#!/usr/bin/env bash
# wear-score's scaling: records/s and peak RSS with 1 and 2 workers for
# fleets of 1,000, 100,000 and 1,000,000 devices, on synthetic telemetry
# (bench/score/synth.py: per-device AR(1) heart rate, SpO2, temperature,
# motion and payload size; every device sends once per second, in turn).
#
#   bench/score/scale.sh [--records N] [--devices "D ..."] [--workers "W ..."] [--no-build]
#
#   --records N    records per fleet (default 3000000: 3,000 per device at
#                  1k devices, 30 at 100k, 3 at 1M — the last two measure
#                  devices warming up and the state's memory, not scoring)
#   --devices      fleet sizes (default "1000 100000 1000000")
#   --workers      worker counts (default "1 2")
#   --no-build     use the binary already in .build-bench/release
#
# Each run reads the file on stdin and writes to /dev/null; peak RSS from
# /usr/bin/time. "state/device" is (peak RSS − the 1k fleet's with as
# many workers: each worker's parser and buffers are not per device) / devices:
# the memory a device costs, against ScoreShard.bytesPerDevice (documented).
set -euo pipefail

records=3000000 fleets="1000 100000 1000000" workers="1 2" build=1
while (($#)); do
    case "$1" in
        --records) records="$2"; shift 2 ;;
        --devices) fleets="$2"; shift 2 ;;
        --workers) workers="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "scale.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/bench/out/score"
mkdir -p "$out"
cd "$root"
scratch=(--scratch-path .build-bench -c release)
((build)) && swift build "${scratch[@]}" --product wear-score 2>&1 | tail -n 1 >&2
bin="$(swift build "${scratch[@]}" --show-bin-path)"
python3 -c 'import numpy' 2>/dev/null || { echo "scale.sh: synth.py needs numpy (pip install numpy)" >&2; exit 66; }

echo "| devices | records/device | workers | wall s | records/s | peak RSS MiB | state/device B |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
declare -A base_kb=()
for fleet in $fleets; do
    input="$out/synth-d$fleet-r$records.ndjson"
    [[ -s "$input" ]] || python3 "$here/synth.py" --devices "$fleet" --records "$records" > "$input"
    for w in $workers; do
        /usr/bin/time -f "%e %M" -o "$out/time" "$bin/wear-score" --workers "$w" --max-devices "$fleet" \
            < "$input" > /dev/null 2>"$out/stderr" || { cat "$out/stderr" >&2; exit 1; }
        read -r wall kb < "$out/time"
        [[ -n "${base_kb[$w]:-}" ]] || base_kb[$w]=$kb
        per=$(awk "BEGIN{ d = ($kb - ${base_kb[$w]}) * 1024 / $fleet; printf \"%.0f\", d < 0 ? 0 : d }")
        ((fleet == ${fleets%% *})) && per="-"
        printf '| %d | %d | %d | %s | %.0f | %d | %s |\n' "$fleet" "$((records / fleet))" "$w" "$wall" \
            "$(awk "BEGIN{print $records / $wall}")" "$((kb / 1024))" "$per"
    done
done
