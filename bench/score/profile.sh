#!/usr/bin/env bash
# wear-score's instructions per record under callgrind (1 worker, start-up
# subtracted), for one binary or two side by side (before/after a change).
#
#   bench/score/profile.sh INPUT.ndjson [--records N] [--bin DIR] [--peer DIR]
#
#   INPUT        filtered telemetry (bench/score/run.sh leaves one in bench/out/score/)
#   --records N  the first N records (default 100,000)
#   --bin DIR    the wear-score to profile (default .build-release/release)
#   --peer DIR   another build's wear-score to profile on the same records
#
# As bench/filter/profile.sh: the binary is profiled from a copy without
# debug sections (valgrind 3.19 cannot read Swift's DWARF 5).
set -euo pipefail
input="" records=100000 bin=.build-release/release peer=""
while (($#)); do
    case "$1" in
        --records) records="$2"; shift 2 ;;
        --bin) bin="$2"; shift 2 ;;
        --peer) peer="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "profile.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
        *) input="$1"; shift ;;
    esac
done
[[ -s "$input" ]] || { echo "profile.sh: give a filtered input file (see --help)" >&2; exit 64; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -n "$records" "$input" > "$work/sample.ndjson"
irefs() { sed -n 's/.*I *refs: *//p' | tr -d ,; }
count() {
    local wear="$work/wear-score.$2" startup total
    objcopy --strip-debug "$1/wear-score" "$wear"
    startup=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$wear" --workers 1 < /dev/null 2>&1 >/dev/null | irefs)
    total=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$wear" --workers 1 < "$work/sample.ndjson" 2>&1 >/dev/null | irefs)
    [[ -n "$startup" && -n "$total" ]] || { echo "profile.sh: valgrind gave no instruction count" >&2; exit 1; }
    echo "$1: $(( (total - startup) / records )) instructions per record ($records records of $input)"
}
count "$bin" bin
[[ -z "$peer" ]] || count "$peer" peer
