#!/usr/bin/env bash
# Profiles wear-filter running the rules: callgrind instructions per record
# with the rules file against an empty rules file (the runtime alone), on the
# input bench/filter/run.sh generates (run it first, or it is generated here).
#
#   bench/filter/profile.sh [--records N] [--rules FILE] [--no-build]
#
#   --records N   records for the callgrind runs (default 200,000: the first N
#                 of run.sh's 1,000,000-record input)
#   --rules FILE  the rules (default pipelines/rules/default.rules)
#   --no-build    use the wear-filter already in .build-bench/release
#
# Outputs go to bench/out/filter/: callgrind.rules and callgrind.empty (open
# with callgrind_annotate or kcachegrind). As in bench/identity/profile.sh,
# the binary is profiled from a copy without debug sections (valgrind 3.19
# cannot read Swift's DWARF 5), and under valgrind simdjson runs its haswell
# kernel (no AVX-512 emulation).
set -euo pipefail

records=200000 build=1 rules=""
while (($#)); do
    case "$1" in
        --records) records="$2"; shift 2 ;;
        --rules) rules="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "profile.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
[[ "$records" =~ ^[1-9][0-9]*$ && "$records" -le 1000000 ]] \
    || { echo "profile.sh: --records takes an integer from 1 to 1000000" >&2; exit 64; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rules="$(realpath "${rules:-$root/pipelines/rules/default.rules}")"
out="$root/bench/out/filter"
mkdir -p "$out"
cd "$root"
scratch=(--scratch-path .build-bench -c release)
((build)) && swift build "${scratch[@]}" --product wear-filter 2>&1 | tail -n 1 >&2
input="$out/input-decrypted-r1000000-d5000.ndjson"
[[ -s "$input" ]] || "$here/run.sh" --no-build --check-only >&2
wear="$out/wear-filter.profiled"
objcopy --strip-debug "$(swift build "${scratch[@]}" --show-bin-path)/wear-filter" "$wear"
sample="$out/profile-input.ndjson"
head -n "$records" "$input" > "$sample"
: > "$out/empty.rules"
demangle() { if command -v swift > /dev/null; then swift demangle --simplified; else cat; fi; }
irefs() { sed -n 's/.*I *refs: *//p' | tr -d ,; }
# count NAME RULES: total instructions for the sample, and for empty input (start-up and exit).
count() {
    local startup total
    startup=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$wear" --rules "$2" < /dev/null 2>&1 >/dev/null | irefs)
    total=$(valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$1" "$wear" --rules "$2" < "$sample" 2>&1 >/dev/null | irefs)
    [[ -n "$startup" && -n "$total" ]] || { echo "profile.sh: valgrind gave no instruction count" >&2; exit 1; }
    echo $(( (total - startup) / records ))
}

echo "== callgrind, $records records of $input (simdjson kernel under valgrind: haswell)"
with_rules=$(count rules "$rules")
runtime=$(count empty "$out/empty.rules")
echo "instructions per record, $rules: $with_rules"
echo "instructions per record, empty rules file (the runtime alone): $runtime"
echo "the rules' own cost: $((with_rules - runtime)) instructions per record"
echo
echo "-- exclusive (self) cost with the rules, top 25"
callgrind_annotate "$out/callgrind.rules" 2>/dev/null | sed -n '/file:function/,/^$/p' | sed -n '3,27p' | demangle | cut -c1-150
echo
echo "-- inclusive cost with the rules, top 25"
callgrind_annotate --inclusive=yes "$out/callgrind.rules" 2>/dev/null | sed -n '/file:function/,/^$/p' | sed -n '3,27p' | demangle | cut -c1-150
