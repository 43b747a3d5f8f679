#!/usr/bin/env bash
# Profiles the identity stage (wear-filter) on generated telemetry:
# callgrind instruction counts per record, and a perf cpu-clock sample
# profile when perf can run here.
#
#   bench/identity/profile.sh [--records N] [--no-build]
#
#   --records N  records for the callgrind run (default 200,000; perf uses 1,000,000)
#   --no-build   use the wear-filter already in .build-bench/release
#
# Outputs go to bench/out/: callgrind.identity (open with callgrind_annotate
# or kcachegrind), perf.identity.data. Notes:
# - valgrind 3.19 cannot read the DWARF 5 that Swift's clang emits, so the
#   binary is profiled from a copy with the debug sections stripped (symbols
#   stay: function names, no line numbers).
# - valgrind does not emulate AVX-512: under callgrind simdjson runs its
#   haswell (AVX2) kernel, natively its icelake kernel. Instruction counts are
#   therefore haswell's; perf shows the native split.
# - Without a PMU (most VMs) `perf stat -e instructions` is "not supported";
#   perf record then samples the cpu-clock software event.
set -euo pipefail

records=200000 build=1
while (($#)); do
    case "$1" in
        --records) records="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "profile.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/bench/out"
mkdir -p "$out"
cd "$root"
scratch=(--scratch-path .build-bench -c release)
((build)) && swift build "${scratch[@]}" --product wear-filter 2>&1 | tail -n 1 >&2
wear="$out/wear-filter.profiled"
objcopy --strip-debug "$(swift build "${scratch[@]}" --show-bin-path)/wear-filter" "$wear"
input="$(bench/common/telemetry.sh --records "$records")"
demangle() { if command -v swift > /dev/null; then swift demangle --simplified; else cat; fi; }
irefs() { sed -n 's/.*I *refs: *//p' | tr -d ,; }

echo "== callgrind, $records records (simdjson kernel under valgrind: haswell)"
empty=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$wear" --rules "$root/Tests/Fixtures/wear-filter/identity.rules" < /dev/null 2>&1 >/dev/null | irefs)
total=$(valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.identity" "$wear" --rules "$root/Tests/Fixtures/wear-filter/identity.rules" < "$input" 2>&1 >/dev/null | irefs)
echo "instructions: $total total, $empty at start-up and exit (empty input)"
echo "instructions per record: $(( (total - empty) / records ))"
echo
echo "-- exclusive (self) cost, top 20"
callgrind_annotate "$out/callgrind.identity" 2>/dev/null | sed -n '/file:function/,/^$/p' | sed -n '3,22p' | demangle | cut -c1-150
echo
echo "-- inclusive cost, top 25"
callgrind_annotate --inclusive=yes "$out/callgrind.identity" 2>/dev/null | sed -n '/file:function/,/^$/p' | sed -n '3,27p' | demangle | cut -c1-150

echo
if perf stat -e instructions true 2>&1 | grep -q 'not supported'; then
    echo "== perf: no hardware counters here (perf stat -e instructions: not supported); sampling cpu-clock"
else
    echo "== perf stat (hardware counters)"
    full="$(bench/common/telemetry.sh)"
    perf stat -e instructions,cycles,branch-misses -- taskset -c 0 "$wear" --rules "$root/Tests/Fixtures/wear-filter/identity.rules" < "$full" 2>&1 >/dev/null | grep -E 'instructions|cycles|branch|elapsed'
fi
if perf record -e cpu-clock -F 20000 -o "$out/perf.identity.data" -- true > /dev/null 2>&1; then
    full="$(bench/common/telemetry.sh)"
    perf record -e cpu-clock -F 20000 -o "$out/perf.identity.data" -- taskset -c 0 "$wear" --rules "$root/Tests/Fixtures/wear-filter/identity.rules" < "$full" > /dev/null 2>&1
    echo "-- perf record, 1,000,000 records, native (simdjson kernel: icelake where AVX-512 is available), top 25"
    perf report -i "$out/perf.identity.data" --no-children --sort sym 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25 | demangle | cut -c1-120
else
    echo "== perf record not permitted here (see /proc/sys/kernel/perf_event_paranoid)"
fi
