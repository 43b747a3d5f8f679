#!/usr/bin/env bash
# The identity-stage benchmark: wear-filter (which validates every line with
# simdjson and passes it through byte for byte) against cat | cat, jq -c .,
# a C jansson parse+dump loop and a Python orjson loads+dumps loop.
#
#   bench/identity/run.sh [--quick] [--records N] [--repeat K] [--no-build]
#
#   --quick      100,000 records, best of 2 (a smoke run)
#   --records N  records to generate (default 1,000,000; 10,000 devices)
#   --repeat K   runs per peer, the best counts (default 3)
#   --no-build   use the wear-filter already in .build-bench/release
#
# Single-process peers run pinned to CPU 0 (taskset -c 0); cat | cat runs
# unpinned; "wear-filter | cat" pins the stage to CPU 0 and cat to CPU 1.
# Before timing, the run checks that wear-filter's output is byte-identical
# to its input and that its summary says in=N out=N rejected=0, and that
# every peer emits one line per record. Exit status 1 if a check fails.
set -euo pipefail

records=1000000 repeat=3 build=1
while (($#)); do
    case "$1" in
        --quick) records=100000 repeat=2; shift ;;
        --records) records="$2"; shift 2 ;;
        --repeat) repeat="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done

[[ "$records" =~ ^[1-9][0-9]*$ && "$repeat" =~ ^[1-9][0-9]*$ ]] \
    || { echo "run.sh: --records and --repeat take a positive integer" >&2; exit 64; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/bench/out"
mkdir -p "$out"
cd "$root"

fail() { echo "run.sh: FAILED: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

# --- build ------------------------------------------------------------------
scratch=(--scratch-path .build-bench -c release)
if ((build)); then
    note "building wear-filter (release, .build-bench)"
    swift build "${scratch[@]}" --product wear-filter 2>&1 | tail -n 1 >&2
fi
wear="$(swift build "${scratch[@]}" --show-bin-path)/wear-filter"
[[ -x "$wear" ]] || fail "$wear not built (run without --no-build)"
jansson="$out/jansson_identity"
if [[ ! -x "$jansson" || "$here/jansson_identity.c" -nt "$jansson" ]]; then
    ${CC:-cc} -O2 -Wall -Wextra -o "$jansson" "$here/jansson_identity.c" -ljansson
fi
orjson="$here/orjson_identity.py"

# --- input ------------------------------------------------------------------
input="$("$root/bench/common/telemetry.sh" --records "$records" --devices 10000)"
bytes=$(stat -c %s "$input")
cat "$input" > /dev/null # into the page cache

# --- correctness ------------------------------------------------------------
note "checking wear-filter: output identical to input, ledger in=$records out=$records rejected=0"
"$wear" --rules "$root/Tests/Fixtures/wear-filter/identity.rules" < "$input" > "$out/identity.out" 2> "$out/identity.err" || fail "wear-filter exited $?"
cmp -s "$input" "$out/identity.out" || fail "wear-filter output differs from its input ($out/identity.out)"
grep -q "in=$records out=$records rejected=0\$" "$out/identity.err" \
    || fail "wear-filter summary is not in=$records out=$records rejected=0: $(cat "$out/identity.err")"
rm -f "$out/identity.out"
sample=10000
((sample > records)) && sample=$records
for peer in "jq -c ." "$jansson" "python3 $orjson"; do
    lines=$(head -n "$sample" "$input" | $peer 2>/dev/null | wc -l)
    ((lines == sample)) || fail "$peer emitted $lines lines for $sample records"
done

# --- peers (each reads the file on stdin and writes to /dev/null) -----------
peer_cat_cat()    { cat < "$input" | cat > /dev/null; }
peer_jq()         { taskset -c 0 jq -c . < "$input" > /dev/null; }
peer_jansson()    { taskset -c 0 "$jansson" < "$input" > /dev/null 2>&1; }
peer_jansson_parse() { taskset -c 0 "$jansson" --parse-only < "$input" > /dev/null 2>&1; }
peer_orjson()     { taskset -c 0 python3 "$orjson" < "$input" > /dev/null 2>&1; }
peer_wear()       { taskset -c 0 "$wear" --rules "$root/Tests/Fixtures/wear-filter/identity.rules" < "$input" > /dev/null 2>&1; }
peer_wear_pipe()  { taskset -c 0 "$wear" --rules "$root/Tests/Fixtures/wear-filter/identity.rules" < "$input" 2> /dev/null | taskset -c 1 cat > /dev/null; }

# 1234567 -> 1,234,567
group() { sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta' <<< "$1"; }

declare -A rate cpurate
# best_of NAME FUNCTION: runs FUNCTION $repeat times and keeps the best
# records per wall-clock second and per CPU second (user + sys of every
# process in the peer). On an idle machine the two agree for single-process
# peers; under load from other work, CPU seconds still measure the peer.
best_of() {
    local name="$1" fn="$2" best=0 bestcpu=0 i wall user sys r c times
    for ((i = 0; i < repeat; i++)); do
        times="$( { TIMEFORMAT='%3R %3U %3S'; time "$fn"; } 2>&1 )"
        read -r wall user sys <<< "${times##*$'\n'}"
        r=$(echo "$records / $wall" | bc)
        c=$(echo "$records / ($user + $sys)" | bc)
        ((r > best)) && best=$r
        ((c > bestcpu)) && bestcpu=$c
    done
    rate[$name]=$best
    cpurate[$name]=$bestcpu
    printf '| %-28s | %12s | %12s |\n' "$name" "$(group "$best")" "$(group "$bestcpu")"
}

cpu="$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
echo "identity benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(uname -sr), $cpu, $(nproc) cores"
echo "input: $records records, $bytes bytes ($((bytes / records)) bytes/record + newline), 10,000 devices: $input"
echo "best of $repeat runs; single-process peers pinned to CPU 0; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-28s | %12s | %12s |\n' "peer" "records/s" "rec/CPU-s"
printf '|%s|%s:|%s:|\n' "$(printf -- '-%.0s' {1..30})" "$(printf -- '-%.0s' {1..13})" "$(printf -- '-%.0s' {1..13})"
best_of "cat | cat (2 processes)" peer_cat_cat
best_of "jq -c . ($(jq --version))" peer_jq
best_of "C jansson parse+dump" peer_jansson
best_of "C jansson parse only" peer_jansson_parse
best_of "Python orjson loads+dumps" peer_orjson
best_of "wear-filter > /dev/null" peer_wear
best_of "wear-filter | cat" peer_wear_pipe

wear_rate=${rate["wear-filter > /dev/null"]}
wear_cpu=${cpurate["wear-filter > /dev/null"]}
div() { printf '%.2f' "$(echo "scale=4; $1 / $2" | bc)"; }
ratios() { # NAME TARGET
    printf '%-24s %6sx wall, %6sx CPU%s\n' "wear-filter / $1:" "$(div "$wear_rate" "${rate[$2]}")" \
        "$(div "$wear_cpu" "${cpurate[$2]}")" "${3:+   (target >= $3)}"
}
echo
ratios jq "jq -c . ($(jq --version))" 12x
ratios orjson "Python orjson loads+dumps" 3x
ratios jansson "C jansson parse+dump"
printf '%-24s %6sx wall\n' "wear-filter / cat|cat:" "$(div "$wear_rate" "${rate["cat | cat (2 processes)"]}")"
printf '%-24s %6sx wall\n' "wear|cat / wear:" "$(div "${rate["wear-filter | cat"]}" "$wear_rate")"
best=$((wear_rate > wear_cpu ? wear_rate : wear_cpu))
verdict="NOT met"
((best >= 2000000)) && verdict=met
echo "target >= 2,000,000 records/s on one core: $verdict ($(group "$wear_rate") wall, $(group "$wear_cpu") per CPU second)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
