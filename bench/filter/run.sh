#!/usr/bin/env bash
# The wear-filter benchmark: the rule language on simulated telemetry with
# attacks, side by side with jq and Python doing the same work.
#
#   bench/filter/run.sh [--quick] [--records N] [--devices D] [--repeat K]
#                       [--rules FILE] [--plain] [--no-build] [--check-only]
#
#   --records N   records (default 1,000,000) from D devices (default 5,000),
#                 `wear sim --attacks all:0.3`, sealed and opened by
#                 wear-decrypt (which adds rx and sz, as in the pipeline)
#   --plain       `wear sim --plain` instead: no rx or sz, so oversize, skew
#                 and size_dev have nothing to read and event time is ts
#   --rules FILE  the rules (default pipelines/rules/default.rules); rules.py
#                 implements those rules by hand and refuses another file
#   --repeat K    runs per peer, the best counts (default 3)
#   --quick       100,000 records, best of 1 (a smoke run)
#   --no-build    use the binaries already in .build-bench/release
#   --check-only  the correctness checks, no timing
#
# Peers, each pinned to CPU 0 (taskset -c 0), reading the file on stdin and
# writing to /dev/null: wear-filter with the full rules; wear-filter with
# only the stateless ones (rules without max/last/delta/zscore/rate/bucket);
# `jq -c -f stateless.jq`, the same stateless rules in jq; jq's bare
# `select(.hr > 180)`, the issue's yardstick (one comparison); rules.py, the
# full rules in plain Python; wear-filter with an empty rules file (the
# runtime alone). Before timing: rules.py --self-test; wear-filter and
# rules.py decide the same (drop reason, or the flags) for every record,
# with the full and with the stateless rules; jq's output is rules.py
# --stateless's record for record; wear-filter's summary says in=N and
# in = out + rejected. Exit status 1 if a check fails.
set -euo pipefail

records=1000000 devices=5000 repeat=3 build=1 plain=0 check_only=0 rules=""
while (($#)); do
    case "$1" in
        --quick) records=100000 repeat=1; shift ;;
        --records) records="$2"; shift 2 ;;
        --devices) devices="$2"; shift 2 ;;
        --repeat) repeat="$2"; shift 2 ;;
        --rules) rules="$2"; shift 2 ;;
        --plain) plain=1; shift ;;
        --no-build) build=0; shift ;;
        --check-only) check_only=1; shift ;;
        -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
[[ "$records" =~ ^[1-9][0-9]*$ && "$devices" =~ ^[1-9][0-9]*$ && "$repeat" =~ ^[1-9][0-9]*$ ]] \
    || { echo "run.sh: --records, --devices and --repeat take a positive integer" >&2; exit 64; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rules="$(realpath "${rules:-$root/pipelines/rules/default.rules}")"
out="$root/bench/out/filter"
mkdir -p "$out"
cd "$root"

fail() { echo "run.sh: FAILED: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

# --- build ------------------------------------------------------------------
scratch=(--scratch-path .build-bench -c release)
if ((build)); then
    for product in wear wear-decrypt wear-filter; do
        note "building $product (release, .build-bench)"
        swift build "${scratch[@]}" --product "$product" 2>&1 | tail -n 1 >&2
    done
fi
bin="$(swift build "${scratch[@]}" --show-bin-path)"
for tool in wear wear-decrypt wear-filter; do
    [[ -x "$bin/$tool" ]] || fail "$bin/$tool not built (run without --no-build)"
done
wear_filter="$bin/wear-filter"

# --- rules ------------------------------------------------------------------
[[ -r "$rules" ]] || fail "cannot read the rules file $rules"
python3 "$here/rules.py" --self-test || fail "rules.py --self-test"
python3 "$here/rules.py" --rules "$rules" < /dev/null > /dev/null \
    || fail "rules.py implements other rules than $rules: update bench/filter/rules.py (and stateless.jq) first"
stateless="$out/stateless.rules" empty="$out/empty.rules"
grep -vE '\b(max|last|delta|zscore|rate|bucket)\(' "$rules" > "$stateless"
: > "$empty"
python3 "$here/rules.py" --rules "$stateless" --stateless < /dev/null > /dev/null \
    || fail "$stateless (the rules of $rules without state) is not what rules.py --stateless and stateless.jq run"

# --- input ------------------------------------------------------------------
if ((plain)); then kind=plain; else kind=decrypted; fi
input="$out/input-$kind-r$records-d$devices.ndjson"
if [[ ! -s "$input" ]]; then
    duration=$((records * 105 / 100 / devices + 10))s # ~1 record/s/device, attacks add more
    note "generating $input (wear sim --devices $devices --duration $duration --attacks all:0.3)"
    sim=("$bin/wear" sim --devices "$devices" --duration "$duration" --attacks all:0.3 --seed 9)
    if ((plain)); then
        "${sim[@]}" --plain 2> /dev/null | head -n "$records" > "$input.tmp" || true
    else
        key="$out/master.key"
        [[ -s "$key" ]] || "$bin/wear" keys new --out "$key"
        "${sim[@]}" --master-key "$key" 2> /dev/null \
            | "$bin/wear-decrypt" --master-key "$key" 2> /dev/null | head -n "$records" > "$input.tmp" || true
    fi
    lines=$(wc -l < "$input.tmp")
    ((lines == records)) || fail "the simulator gave $lines records, not $records: raise --duration in run.sh"
    mv "$input.tmp" "$input"
fi
bytes=$(stat -c %s "$input")
cat "$input" > /dev/null # into the page cache

# --- correctness ------------------------------------------------------------
# check_decisions NAME RULES [--stateless]: wear-filter and rules.py, record by record.
check_decisions() {
    local name="$1" file="$2" summary in o r
    shift 2
    rm -f "$out/$name.rejects"
    "$wear_filter" --rules "$file" --rejects "$out/$name.rejects" < "$input" > "$out/$name.out" 2> "$out/$name.err" \
        || fail "wear-filter --rules $file exited $? ($(tail -n 3 "$out/$name.err"))"
    touch "$out/$name.rejects"
    python3 "$here/rules.py" --rules "$file" "$@" --counts --decisions "$out/$name.py-decisions" \
        < "$input" > "$out/$name.py-out" 2> "$out/$name.py-counts"
    note "$name: wear-filter and rules.py, record by record"
    python3 "$here/compare.py" decisions "$input" "$out/$name.out" "$out/$name.rejects" "$out/$name.py-decisions" >&2 \
        || fail "wear-filter and rules.py disagree with $file (above; files in $out)"
    summary="$(grep -E 'in=[0-9]+ out=[0-9]+ rejected=[0-9]+' "$out/$name.err" | tail -n 1)"
    [[ "$summary" =~ in=([0-9]+)\ out=([0-9]+)\ rejected=([0-9]+) ]] || fail "no summary line from wear-filter: $(tail -n 3 "$out/$name.err")"
    in=${BASH_REMATCH[1]} o=${BASH_REMATCH[2]} r=${BASH_REMATCH[3]}
    ((in == records && in == o + r)) || fail "wear-filter's accounting: in=$in out=$o rejected=$r for $records records"
    (($(wc -l < "$out/$name.out") == o && $(wc -l < "$out/$name.rejects") == r)) \
        || fail "wear-filter's summary ($summary) is not what it wrote"
    note "$name: $summary"
    note "$name: $(tr '\n' ' ' < "$out/$name.py-counts")"
}
check_decisions full "$rules"
check_decisions stateless "$stateless" --stateless
note "jq stateless.jq and rules.py --stateless, record by record"
jq -c -f "$here/stateless.jq" < "$input" > "$out/jq.out"
python3 "$here/compare.py" records "$out/jq.out" "$out/stateless.py-out" >&2 || fail "jq and rules.py --stateless disagree"
rm -f "$out"/*.out "$out"/*.py-out "$out"/*.py-decisions
((check_only)) && { note "checks passed (--check-only: no timing)"; exit 0; }

# --- peers ------------------------------------------------------------------
peer_wear()      { taskset -c 0 "$wear_filter" --rules "$rules" < "$input" > /dev/null 2>&1; }
peer_wear_sl()   { taskset -c 0 "$wear_filter" --rules "$stateless" < "$input" > /dev/null 2>&1; }
peer_wear_none() { taskset -c 0 "$wear_filter" --rules "$empty" < "$input" > /dev/null 2>&1; }
peer_jq()        { taskset -c 0 jq -c -f "$here/stateless.jq" < "$input" > /dev/null; }
peer_jq_hr()     { taskset -c 0 jq -c 'select(.hr > 180)' < "$input" > /dev/null; }
peer_python()    { taskset -c 0 python3 "$here/rules.py" < "$input" > /dev/null; }

group() { sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta' <<< "$1"; } # 1234567 -> 1,234,567
declare -A rate cpurate
# best_of NAME FUNCTION: the best records per wall-clock second and per CPU
# second (user + sys) of $repeat runs.
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
    rate[$name]=$best cpurate[$name]=$bestcpu
    printf '| %-44s | %11s | %11s |\n' "$name" "$(group "$best")" "$(group "$bestcpu")"
}

cpu="$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
echo "wear-filter benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(uname -sr), $cpu, $(nproc) cores"
echo "input: $records records ($kind), $bytes bytes ($((bytes / records)) bytes/record + newline), $devices devices, wear sim --attacks all:0.3"
echo "rules: $rules ($(grep -cE '^(keep|drop|tag) ' "$rules") rules; stateless subset: $(grep -cE '^(keep|drop|tag) ' "$stateless"))"
echo "best of $repeat runs, pinned to CPU 0; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-44s | %11s | %11s |\n' "peer" "records/s" "rec/CPU-s"
printf '|%s|%s:|%s:|\n' "$(printf -- '-%.0s' {1..46})" "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..12})"
best_of "wear-filter, full rules" peer_wear
best_of "Python rules.py, full rules" peer_python
best_of "wear-filter, stateless rules" peer_wear_sl
best_of "jq -c -f stateless.jq ($(jq --version))" peer_jq
best_of "jq -c 'select(.hr > 180)' (the yardstick)" peer_jq_hr
best_of "wear-filter, empty rules file (runtime alone)" peer_wear_none

div() { printf '%.2f' "$(echo "scale=4; $1 / $2" | bc)"; }
ratio() { # LABEL A B [TARGET]
    printf '%-44s %6sx wall, %6sx CPU%s\n' "$1:" "$(div "${rate[$2]}" "${rate[$3]}")" \
        "$(div "${cpurate[$2]}" "${cpurate[$3]}")" "${4:+   (target >= $4)}"
}
echo
ratio "wear-filter stateless / jq stateless" "wear-filter, stateless rules" "jq -c -f stateless.jq ($(jq --version))" 5x
ratio "wear-filter full / Python full" "wear-filter, full rules" "Python rules.py, full rules"
ratio "wear-filter full / wear-filter no rules" "wear-filter, full rules" "wear-filter, empty rules file (runtime alone)"
ratio "wear-filter full / jq select(.hr > 180)" "wear-filter, full rules" "jq -c 'select(.hr > 180)' (the yardstick)"
ratio "wear-filter stateless / jq select(.hr > 180)" "wear-filter, stateless rules" "jq -c 'select(.hr > 180)' (the yardstick)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
