#!/usr/bin/env bash
# The demo: a simulated fleet with labelled attacks, sealed as devices do,
# through the four stages (pipelines/wear-pipeline.sh), then scored against
# the labels; prints the posts it would make and each stage's accounting.
#
#   scripts/demo.sh [BIN_DIR]      (default .build/release: make demo builds it with swift build -c release;
#                                   the static binaries of make release, .build-release-x86-64-v3/release, work too)
#
# Environment: DEVICES (default 500), DURATION (default 10m), SEED (default 1),
# ATTACKS (default all:0.1: every attack type, together on a tenth of the
# fleet, so several instances of each: 4-5 per type with 500 devices),
# DEMO_DIR (default .build/demo): where keys, rejects, outputs and labels go;
# RULES (default pipelines/rules/default.rules): wear-filter's rules.
set -euo pipefail

bin=${1:-.build/release}
devices=${DEVICES:-500}
duration=${DURATION:-10m}
seed=${SEED:-1}
attacks=${ATTACKS:-all:0.1}
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

echo "demo: $devices devices, $duration of telemetry, attacks $attacks (seed $seed); files in $dir" >&2
# The reference composition, as operators run it: rejects and metrics per
# stage, wear-score's and wear-alert's state in $dir/state, and taps of the
# filtered and scored records for wear eval.
set +e
"$bin/wear" sim --devices "$devices" --duration "$duration" --seed "$seed" --attacks "$attacks" \
        --master-key "$dir/master.key" --labels "$dir/labels.ndjson" \
    | pipelines/wear-pipeline.sh --bin "$bin" --master-key "$dir/master.key" \
        --pseudonym-key "$dir/pseudonym.key" --rules "$rules" --state-dir "$dir/state" \
        --rejects-dir "$dir" --metrics-dir "$dir" --tap-dir "$dir" --report "$dir/report.txt" \
    > "$dir/receipts.ndjson"
status=("${PIPESTATUS[@]}")
set -e
if [[ ${status[0]} -ne 0 || ${status[1]} -ne 0 ]]; then
    [[ -f "$dir/report.txt" ]] && cat "$dir/report.txt" >&2
    echo "demo: the simulator exited with ${status[0]}, the pipeline with ${status[1]}" >&2
    exit 1
fi

# What the dry run would have posted to X: the public text only.
posts=$(grep -c '"status":"dry_run"' "$dir/receipts.ndjson" || true)
echo >&2
echo "demo: the $posts posts wear-alert would make on X (dry run; every receipt in $dir/receipts.ndjson)" >&2
python3 - "$dir/receipts.ndjson" >&2 <<'PY'
import json, sys
shown = 0
for line in open(sys.argv[1], encoding="utf-8"):
    receipt = json.loads(line)
    if receipt.get("status") != "dry_run":
        continue
    shown += 1
    if shown <= 25:
        print("  | " + receipt["text"].replace("\n", "\n  | "))
        print("  |")
if shown > 25:
    print(f"  ({shown - 25} more in {sys.argv[1]})")
PY

echo >&2
echo "demo: what was injected and where it was caught" >&2
"$bin/wear" eval --labels "$dir/labels.ndjson" --decrypt-rejects "$dir/wear-decrypt.rejects" \
    --filter-rejects "$dir/wear-filter.rejects" --scored "$dir/scored.ndjson" \
    --receipts "$dir/receipts.ndjson" --pseudonym-key "$dir/pseudonym.key" --html "$dir/eval.html"
echo "demo: the same report as a page: $dir/eval.html" >&2

echo >&2
echo "demo: per-stage accounting and throughput (from each stage's metrics file)" >&2
cat "$dir/report.txt" >&2
