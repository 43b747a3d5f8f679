#!/usr/bin/env bash
# The demo: a simulated fleet with labelled attacks, sealed as devices do,
# through the four stages in one shell pipe, then scored against the labels.
#
#   scripts/demo.sh [BIN_DIR]      (make demo builds the release binaries and passes .build-release-x86-64-v3/release)
#
# Environment: DEVICES (default 500), DURATION (default 10m), SEED (default 1),
# DEMO_DIR (default .build/demo): where keys, rejects, outputs and labels go;
# RULES (default pipelines/rules/default.rules): wear-filter's rules.
set -euo pipefail

bin=${1:-.build/release}
devices=${DEVICES:-500}
duration=${DURATION:-10m}
seed=${SEED:-1}
dir=${DEMO_DIR:-.build/demo}
rules=${RULES:-pipelines/rules/default.rules}

for tool in wear wear-decrypt wear-filter wear-score wear-alert; do
    [[ -x "$bin/$tool" ]] || { echo "demo: $bin/$tool not found: run make release first" >&2; exit 66; }
done
rm -rf "$dir"
mkdir -p "$dir"
umask 077

"$bin/wear" keys new --out "$dir/master.key"
"$bin/wear" keys new --out "$dir/pseudonym.key"

echo "demo: $devices devices, $duration of telemetry, every attack type (seed $seed); files in $dir" >&2
set +e
"$bin/wear" sim --devices "$devices" --duration "$duration" --seed "$seed" --attacks all \
        --master-key "$dir/master.key" --labels "$dir/labels.ndjson" \
    | "$bin/wear-decrypt" --master-key "$dir/master.key" --rejects "$dir/decrypt.rejects" \
        --metrics-file "$dir/decrypt.prom" \
    | "$bin/wear-filter" --rules "$rules" --rejects "$dir/filter.rejects" --metrics-file "$dir/filter.prom" \
    | tee "$dir/filtered.ndjson" \
    | "$bin/wear-score" --rejects "$dir/score.rejects" --metrics-file "$dir/score.prom" \
    | tee "$dir/scored.ndjson" \
    | "$bin/wear-alert" --pseudonym-key "$dir/pseudonym.key" --rejects "$dir/alert.rejects" --metrics-file "$dir/alert.prom" \
    > "$dir/receipts.ndjson"
status=("${PIPESTATUS[@]}")
set -e
for i in "${!status[@]}"; do
    if [[ ${status[$i]} -ne 0 ]]; then
        echo "demo: stage $i of the pipe exited with ${status[$i]}" >&2
        exit 1
    fi
done

echo >&2
echo "demo: what was injected and where it was caught" >&2
"$bin/wear" eval --labels "$dir/labels.ndjson" --decrypt-rejects "$dir/decrypt.rejects" \
    --filter-rejects "$dir/filter.rejects" --scored "$dir/scored.ndjson" \
    --receipts "$dir/receipts.ndjson" --pseudonym-key "$dir/pseudonym.key"
