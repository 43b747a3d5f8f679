#!/usr/bin/env bash
# Callgrind instructions per record of ExprProgram (load + the draft
# default rules of #9) on generated telemetry: ExprBench rules minus
# ExprBench parse (simdjson only), over the same records.
#
#   bench/expr/profile.sh [--records N] [--file F.ndjson] [--no-build]
#
# Prints both totals, the difference per record, the top self costs of the
# rules run, and a timed native run of each mode (pinned to CPU 0).
set -euo pipefail
records=100000 build=1 file=""
while (($#)); do
    case "$1" in
        --records) records="$2"; shift 2 ;;
        --file) file="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "profile.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="$root/bench/out"
mkdir -p "$out"
if ((build)); then
    # A new source file is not always seen by a cached build plan.
    rm -f bench/expr/.build/release.yaml
    swift build -c release --package-path bench/expr 2>&1 | tail -n 1 >&2
fi
bin="$out/ExprBench.profiled"
objcopy --strip-debug bench/expr/.build/release/ExprBench "$bin"
[[ -n "$file" ]] || file="$(bench/common/telemetry.sh --records "$records")"
records=$(wc -l < "$file")
irefs() { sed -n 's/.*I *refs: *//p' | tr -d ,; }
parse=$(valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.expr.parse" "$bin" parse "$file" 2>&1 >/dev/null | irefs)
rules=$(valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.expr.rules" "$bin" rules "$file" 2>&1 >/dev/null | irefs)
echo "== callgrind, $records records of $file"
echo "parse only: $parse instructions; parse + load + rules: $rules"
echo "load + rules: $(( (rules - parse) / records )) instructions per record"
echo
echo "-- self cost of the rules run, top 25"
callgrind_annotate "$out/callgrind.expr.rules" 2>/dev/null | sed -n '/file:function/,/^$/p' | sed -n '3,27p' | swift demangle --simplified | cut -c1-150
echo
echo "== native, pinned to CPU 0"
for mode in parse rules; do taskset -c 0 bench/expr/.build/release/ExprBench "$mode" "$file"; done
