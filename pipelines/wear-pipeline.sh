#!/usr/bin/env bash
# wear-pipeline.sh: the reference composition of the four stages.
#
#   sealed envelopes (stdin or --input) -> wear-decrypt -> wear-filter
#       -> wear-score -> wear-alert -> receipts (stdout or --output)
#
# Every stage writes its rejects to REJECTS_DIR/<stage>.rejects and its
# metrics to METRICS_DIR/<stage>.prom; wear-score and wear-alert keep their
# state in STATE_DIR (and wear-alert its outbox there with --sink x).
#
# Stopping loses nothing. The stages run in sessions of their own, so a
# Ctrl-C at the terminal reaches this script only; on SIGINT or SIGTERM the
# script sends SIGTERM to the first stage alone, which finishes its batch
# and closes its output; each later stage then drains on end of input,
# saves its state and exits. (A Ctrl-C delivered to every stage at once
# would let each stage's own ledger balance while the records sitting in
# the pipes between them were lost.) SIGHUP is passed to every stage: each
# reloads its config files (keys, rules, templates). A second SIGINT or
# SIGTERM changes nothing: the stages' own drain bounds apply.
#
# Exit status: 0 when every stage exited 0; otherwise the first non-zero
# status of the stages in pipe order (a stage that is killed counts as
# 128 + signal). At exit a report (records in/out/rejected, CPU seconds and
# throughput per stage, from the metrics files) goes to stderr, or to
# --report FILE.
set -uo pipefail

usage() {
    cat <<'EOF'
usage: wear-pipeline.sh --master-key FILE --pseudonym-key FILE [options] [< envelopes] [> receipts]

Runs wear-decrypt | wear-filter | wear-score | wear-alert on sealed envelopes.

Keys and config:
  --master-key FILE      wear-decrypt's master key (or --keys FILE; at least one)
  --keys FILE            wear-decrypt's per-device keys (JSON)
  --pseudonym-key FILE   wear-alert's pseudonym key (required)
  --rules FILE           wear-filter's rules (default: pipelines/rules/default.rules
                         next to this script, else /etc/wear/default.rules)
Files:
  --input FILE           read envelopes from FILE or a FIFO (default: stdin)
  --output FILE          write receipts to FILE (default: stdout)
  --state-dir DIR        wear-score's and wear-alert's state (default: ./wear-state)
  --rejects-dir DIR      one <stage>.rejects per stage (default: STATE_DIR/rejects)
  --metrics-dir DIR      one <stage>.prom per stage (default: STATE_DIR/metrics)
  --tap-dir DIR          also keep filtered.ndjson and scored.ndjson there (for wear eval)
  --report FILE          write the exit report there instead of stderr
Stages:
  --bin DIR              where the binaries are (default: PATH)
  --metrics-interval D   how often metrics files are rewritten (default 10s)
  --decrypt-arg ARG      one more argument for wear-decrypt (repeatable; also
  --filter-arg ARG       --filter-arg, --score-arg, --alert-arg), e.g.
  --score-arg ARG        --score-arg=--workers=2 --alert-arg=--sink=x
  --alert-arg ARG
  -h, --help             this help

Examples:
  wear sim --devices 200 --duration 5m --attacks all --master-key master.key |
      wear-pipeline.sh --master-key master.key --pseudonym-key pseudonym.key > receipts.ndjson
  wear-pipeline.sh --input /run/wear/envelopes.fifo --master-key /etc/wear/master.key \
      --pseudonym-key /etc/wear/pseudonym.key --state-dir /var/lib/wear \
      --metrics-dir /var/lib/prometheus/node-exporter --alert-arg=--sink=x \
      --alert-arg=--outbox=/var/lib/wear/outbox --output /var/log/wear/receipts.ndjson
EOF
}

die() { echo "wear-pipeline: $*" >&2; exit 64; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin= input= output= master_key= keys= pseudonym_key= rules= report=
state_dir=./wear-state rejects_dir= metrics_dir= tap_dir= metrics_interval=10s
decrypt_args=() filter_args=() score_args=() alert_args=()

options=" --bin --input --output --master-key --keys --pseudonym-key --rules --state-dir --rejects-dir "
options+=" --metrics-dir --tap-dir --report --metrics-interval --decrypt-arg --filter-arg --score-arg --alert-arg "
while (($#)); do
    option=$1 value=
    case $option in
        -h|--help) usage; exit 0 ;;
        --*=*) value=${option#*=}; option=${option%%=*} ;;
        --*) ;;
        *) die "unexpected argument '$option' (see --help)" ;;
    esac
    [[ $options == *" $option "* ]] || die "unknown option '$option' (see --help)"
    if [[ $1 != *=* ]]; then
        (($# >= 2)) || die "$option needs a value (see --help)"
        value=$2
        shift
    fi
    shift
    case $option in
        --bin) bin=$value ;;
        --input) input=$value ;;
        --output) output=$value ;;
        --master-key) master_key=$value ;;
        --keys) keys=$value ;;
        --pseudonym-key) pseudonym_key=$value ;;
        --rules) rules=$value ;;
        --state-dir) state_dir=$value ;;
        --rejects-dir) rejects_dir=$value ;;
        --metrics-dir) metrics_dir=$value ;;
        --tap-dir) tap_dir=$value ;;
        --report) report=$value ;;
        --metrics-interval) metrics_interval=$value ;;
        --decrypt-arg) decrypt_args+=("$value") ;;
        --filter-arg) filter_args+=("$value") ;;
        --score-arg) score_args+=("$value") ;;
        --alert-arg) alert_args+=("$value") ;;
    esac
done

[[ -n $master_key || -n $keys ]] || die "--master-key FILE or --keys FILE is required (wear keys new makes one)"
[[ -n $pseudonym_key ]] || die "--pseudonym-key FILE is required (wear keys new makes one)"
if [[ -z $rules ]]; then
    for candidate in "$here/rules/default.rules" /etc/wear/default.rules; do
        [[ -f $candidate ]] && { rules=$candidate; break; }
    done
    [[ -n $rules ]] || die "no rules: pass --rules FILE"
fi
rejects_dir=${rejects_dir:-$state_dir/rejects}
metrics_dir=${metrics_dir:-$state_dir/metrics}

stage_path() {
    if [[ -n $bin ]]; then echo "$bin/$1"; else command -v "$1"; fi
}
for stage in wear-decrypt wear-filter wear-score wear-alert; do
    path=$(stage_path "$stage") && [[ -x $path ]] \
        || { echo "wear-pipeline: $stage not found${bin:+ in $bin} (build with make release, or pass --bin DIR)" >&2; exit 66; }
done
[[ -z $input || -e $input ]] || { echo "wear-pipeline: --input $input: no such file or FIFO" >&2; exit 66; }

umask 077
mkdir -p "$state_dir" "$rejects_dir" "$metrics_dir" ${tap_dir:+"$tap_dir"} \
    || { echo "wear-pipeline: cannot create the state, rejects or metrics directory" >&2; exit 73; }

# The pipes between the stages: FIFOs in a private directory, so that the
# script knows every stage's pid and status and can signal the first alone.
pipes=$(mktemp -d "${TMPDIR:-/tmp}/wear-pipeline.XXXXXX") || exit 73
cleanup() { rm -rf "$pipes"; }
trap cleanup EXIT
mkfifo "$pipes/decrypted" "$pipes/filtered" "$pipes/scored" || exit 73

key_args=()
[[ -n $master_key ]] && key_args+=(--master-key "$master_key")
[[ -n $keys ]] && key_args+=(--keys "$keys")
# What every stage gets: its rejects file and its metrics file.
shared_args() {
    shared=(--rejects "$rejects_dir/$1.rejects" --metrics-file "$metrics_dir/$1.prom"
            --metrics-interval "$metrics_interval")
}

stages=(wear-decrypt wear-filter wear-score wear-alert)
pids=() statuses=() helper_pids=()
exec 4<&0                       # the script's stdin, for wear-decrypt
if [[ -n $output ]]; then exec 5>"$output" || exit 73; else exec 5>&1; fi
started=$(date +%s.%N)

# `setsid` gives each stage a session of its own: the terminal's SIGINT and
# SIGQUIT reach the script only. (A background command of a script would
# ignore SIGINT anyway, but the stages install their own handlers.)
score_input=$pipes/filtered alert_input=$pipes/scored
if [[ -n $tap_dir ]]; then
    mkfifo "$pipes/filtered-tap" "$pipes/scored-tap" || exit 73
    setsid tee "$tap_dir/filtered.ndjson" < "$pipes/filtered" > "$pipes/filtered-tap" &
    helper_pids+=($!)
    setsid tee "$tap_dir/scored.ndjson" < "$pipes/scored" > "$pipes/scored-tap" &
    helper_pids+=($!)
    score_input=$pipes/filtered-tap alert_input=$pipes/scored-tap
fi

shared_args wear-alert
setsid "$(stage_path wear-alert)" --pseudonym-key "$pseudonym_key" --state "$state_dir/alert.state" \
    "${shared[@]}" "${alert_args[@]}" < "$alert_input" >&5 4<&- 5>&- &
pids[3]=$!
shared_args wear-score
setsid "$(stage_path wear-score)" --state "$state_dir/score.state" \
    "${shared[@]}" "${score_args[@]}" < "$score_input" > "$pipes/scored" 4<&- 5>&- &
pids[2]=$!
shared_args wear-filter
setsid "$(stage_path wear-filter)" --rules "$rules" \
    "${shared[@]}" "${filter_args[@]}" < "$pipes/decrypted" > "$pipes/filtered" 4<&- 5>&- &
pids[1]=$!
shared_args wear-decrypt
if [[ -n $input ]]; then
    setsid "$(stage_path wear-decrypt)" "${key_args[@]}" --input "$input" \
        "${shared[@]}" "${decrypt_args[@]}" < /dev/null > "$pipes/decrypted" 4<&- 5>&- &
else
    setsid "$(stage_path wear-decrypt)" "${key_args[@]}" \
        "${shared[@]}" "${decrypt_args[@]}" <&4 > "$pipes/decrypted" 4<&- 5>&- &
fi
pids[0]=$!
exec 4<&- 5>&-

stop_requested=0 trapped=0
stop() {
    trapped=1
    if ((!stop_requested)); then
        echo "wear-pipeline: stopping: SIGTERM to wear-decrypt; the later stages drain on end of input" >&2
    fi
    stop_requested=1
    kill -TERM "${pids[0]}" 2>/dev/null
}
reload() {
    trapped=1
    echo "wear-pipeline: SIGHUP: every stage reloads its config files" >&2
    kill -HUP "${pids[@]}" 2>/dev/null
}
trap stop INT TERM
trap reload HUP

# `wait` returns early when a trap runs; then wait again (bash keeps the
# status of a stage that ended meanwhile).
for index in 0 1 2 3; do
    while :; do
        trapped=0
        wait "${pids[$index]}"
        status=$?
        ((trapped)) || break
    done
    statuses[$index]=$status
done
for pid in "${helper_pids[@]}"; do wait "$pid"; done
trap - INT TERM HUP
finished=$(date +%s.%N)

# The report: each stage's ledger from its metrics file (written at exit),
# the pipes' balance (what one stage wrote the next one read), CPU per stage.
metric() { # metric FILE NAME: the sum of every sample of NAME (0 if none)
    awk -v name="$2" '$1 == name || index($1, name "{") == 1 { sum += $NF } END { printf "%.0f", sum }' "$1" 2>/dev/null || echo 0
}
cpu_seconds() {
    awk 'index($1, "wear_cpu_seconds_total{") == 1 { sum += $NF } END { printf "%.2f", sum }' "$1" 2>/dev/null || echo 0
}
report_text() {
    local elapsed previous_out="" lost=0
    elapsed=$(awk -v a="$started" -v b="$finished" 'BEGIN { printf "%.2f", b - a }')
    printf '%-13s %10s %10s %10s %8s %12s %8s\n' stage in out rejected "cpu s" "rec/cpu-s" status
    for index in 0 1 2 3; do
        local stage=${stages[$index]} file=$metrics_dir/${stages[$index]}.prom
        local in out rejected cpu rate
        in=$(metric "$file" wear_records_in_total)
        out=$(metric "$file" wear_records_out_total)
        rejected=$(metric "$file" wear_records_rejected_total)
        cpu=$(cpu_seconds "$file")
        rate=$(awk -v n="$in" -v c="$cpu" 'BEGIN { if (c > 0) printf "%.0f", n / c; else print "-" }')
        printf '%-13s %10s %10s %10s %8s %12s %8s\n' "$stage" "$in" "$out" "$rejected" "$cpu" "$rate" "${statuses[$index]}"
        if ((in != out + rejected)); then
            echo "wear-pipeline: $stage does not balance: in $in != out $out + rejected $rejected" ; lost=1
        fi
        if [[ -n $previous_out ]] && ((previous_out != in)); then
            echo "wear-pipeline: ${stages[$((index - 1))]} wrote $previous_out records, $stage read $in" ; lost=1
        fi
        previous_out=$out
    done
    local first_in
    first_in=$(metric "$metrics_dir/wear-decrypt.prom" wear_records_in_total)
    awk -v n="$first_in" -v t="$elapsed" 'BEGIN { printf "end to end: %d envelopes in %.2f s, %.0f records/s\n", n, t, (t > 0 ? n / t : 0) }'
    if ((lost)); then echo "ACCOUNTING FAILED"; else echo "accounting: every stage balances and every pipe carried what was written into it"; fi
    return $lost
}
if [[ -n $report ]]; then report_text > "$report"; else report_text >&2; fi
accounting=$?

for index in 0 1 2 3; do
    if ((statuses[index] != 0)); then
        echo "wear-pipeline: ${stages[$index]} exited with status ${statuses[$index]}" >&2
        exit "${statuses[$index]}"
    fi
done
if ((accounting != 0)); then exit 70; fi
exit 0
