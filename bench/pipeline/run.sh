#!/usr/bin/env bash
# The whole pipeline on one host: sealed envelopes in, receipts out, all four
# stages (decrypt | filter | score | alert, dry run) through
# pipelines/wear-pipeline.sh, side by side in one run with a four-stage pipe
# of C programs that parse and dump every line with jansson (the customer's
# library; bench/identity/jansson_identity.c, 64 KiB writes) on the same
# envelopes.
#
#   bench/pipeline/run.sh [--quick] [--devices N] [--seconds S] [--repeat K]
#                         [--attacks SPEC] [--score-workers W] [--no-build | --bin DIR]
#
#   --quick          2,000 devices x 100 s (200,000 records), best of 2
#   --devices N      fleet size (default 10,000)
#   --seconds S      seconds of telemetry at one record per device per second
#                    (default 100: 1,000,000 records with the default fleet)
#   --repeat K       runs per peer, the best counts (default 3)
#   --attacks SPEC   wear sim --attacks SPEC (default: none, a clean fleet)
#   --score-workers W  wear-score --workers (default: its own default, the cores)
#   --no-build       use the binaries already in .build-bench/release
#   --bin DIR        use the release binaries in DIR (e.g. .build/release)
#
# Every run of the pipeline must balance (the script's own report checks each
# stage's ledger and each pipe); the report's per-stage CPU seconds (from
# wear_cpu_seconds_total, getrusage of each stage) give the CPU split.
# Results: a table on stdout, the last pipeline report in bench/out/.
set -euo pipefail

devices=10000 seconds=100 repeat=3 build=1 attacks= score_workers= bin=
while (($#)); do
    case "$1" in
        --quick) devices=2000 repeat=2; shift ;;
        --devices) devices="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --repeat) repeat="$2"; shift 2 ;;
        --attacks) attacks="$2"; shift 2 ;;
        --score-workers) score_workers="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        --bin) bin="$(cd "$2" && pwd)" build=0; shift 2 ;;
        -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
for value in "$devices" "$seconds" "$repeat"; do
    [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --devices, --seconds and --repeat take a positive integer" >&2; exit 64; }
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/bench/out/pipeline"
mkdir -p "$out"
cd "$root"

fail() { echo "run.sh: FAILED: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

# --- build ------------------------------------------------------------------
scratch=(--scratch-path .build-bench -c release)
if ((build)); then
    for product in wear wear-decrypt wear-filter wear-score wear-alert; do
        note "building $product (release, .build-bench)"
        swift build "${scratch[@]}" --product "$product" 2>&1 | tail -n 1 >&2
    done
fi
[[ -n "$bin" ]] || bin="$(swift build "${scratch[@]}" --show-bin-path)"
for product in wear wear-decrypt wear-filter wear-score wear-alert; do
    [[ -x "$bin/$product" ]] || fail "$bin/$product not built (run without --no-build)"
done
jansson="$out/jansson_identity"
if [[ ! -x "$jansson" || "$root/bench/identity/jansson_identity.c" -nt "$jansson" ]]; then
    ${CC:-cc} -O2 -Wall -Wextra -o "$jansson" "$root/bench/identity/jansson_identity.c" -ljansson
fi

# --- input ------------------------------------------------------------------
work="$out/work"
rm -rf "$work"
mkdir -p "$work"
chmod 700 "$work"
"$bin/wear" keys new --out "$work/master.key" 2>/dev/null
"$bin/wear" keys new --out "$work/pseudonym.key" 2>/dev/null
envelopes="$work/envelopes.ndjson"
sim=("$bin/wear" sim --devices "$devices" --duration "${seconds}s" --seed 7 --master-key "$work/master.key")
[[ -n "$attacks" ]] && sim+=(--attacks "$attacks")
"${sim[@]}" > "$envelopes"
records=$(wc -l < "$envelopes")
bytes=$(stat -c %s "$envelopes")
note "$records sealed envelopes, $((bytes / records)) bytes each on average, $devices devices"

best() { sort -n | head -n 1; }
now() { date +%s.%N; }

# --- wear: the four stages ----------------------------------------------------
score_args=()
[[ -n "$score_workers" ]] && score_args+=(--score-arg "--workers=$score_workers")
pipeline_times=()
for ((run = 1; run <= repeat; run++)); do
    rm -rf "$work/state"
    start=$(now)
    pipelines/wear-pipeline.sh --bin "$bin" --input "$envelopes" --output "$work/receipts.ndjson" \
        --master-key "$work/master.key" --pseudonym-key "$work/pseudonym.key" \
        --state-dir "$work/state" --metrics-interval 60s --report "$work/report.txt" "${score_args[@]}" \
        2> "$work/stderr.txt" || { cat "$work/report.txt" "$work/stderr.txt" >&2; fail "the pipeline failed (run $run)"; }
    end=$(now)
    grep -q "^accounting: every stage balances" "$work/report.txt" || { cat "$work/report.txt" >&2; fail "accounting (run $run)"; }
    in=$(awk '$1 == "wear-decrypt" { print $2 }' "$work/report.txt")
    [[ "$in" == "$records" ]] || fail "wear-decrypt read $in of $records envelopes"
    pipeline_times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
    cp "$work/report.txt" "$out/report-$run.txt"
done
wear_best=$(printf '%s\n' "${pipeline_times[@]}" | best)

# --- peer: four jansson parse+dump stages in one shell pipe --------------------
jansson_times=()
for ((run = 1; run <= repeat; run++)); do
    start=$(now)
    "$jansson" < "$envelopes" | "$jansson" | "$jansson" | "$jansson" > "$work/jansson.out"
    end=$(now)
    [[ $(wc -l < "$work/jansson.out") == "$records" ]] || fail "the jansson pipe lost lines"
    jansson_times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
done
jansson_best=$(printf '%s\n' "${jansson_times[@]}" | best)

# --- report -------------------------------------------------------------------
cores=$(nproc)
echo "# pipeline: $records sealed envelopes ($devices devices x ${seconds} s), $cores cores, best of $repeat"
printf '%-46s %10s %12s %8s\n' peer seconds records/s ratio
rate() { awk -v n="$records" -v t="$1" 'BEGIN { printf "%.0f", n / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
printf '%-46s %10s %12s %8s\n' "wear-pipeline.sh (decrypt|filter|score|alert)" "$wear_best" "$(rate "$wear_best")" "$(ratio "$wear_best" "$wear_best")"
printf '%-46s %10s %12s %8s\n' "jansson parse+dump x4 (one shell pipe)" "$jansson_best" "$(rate "$jansson_best")" "$(ratio "$wear_best" "$jansson_best")"
echo
echo "# per-stage CPU split, last wear run ($out/report-$repeat.txt):"
awk 'NR == 1 || /^wear-/ { print } /^end to end/ { print }' "$out/report-$repeat.txt"
awk '/^wear-/ { cpu[$1] = $5; total += $5 } END { for (s in cpu) printf "  %s %.0f %%\n", s, 100 * cpu[s] / total }' "$out/report-$repeat.txt" | sort
