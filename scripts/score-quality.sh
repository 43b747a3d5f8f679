#!/usr/bin/env bash
# wear-score's quality: instances caught by the score (>= --threshold) per
# attack type, and the share of clean records at or above it, over several
# simulated fleets (sealed, decrypted, filtered with the default rules,
# scored, then `wear eval`).
#
#   scripts/score-quality.sh [--bin DIR] [--devices N] [--duration D]
#                            [--attacks SPEC] [--seeds "1 2 3"] [--threshold T]
#
# Defaults: .build/release, 2000 devices, 20m, all:0.3, seeds 1 2 3,
# threshold 0.9999 (the default alert threshold). Exit status 1 when a
# target of issue #10 is missed: >= 95 % of the hr_spike, tamper_shock,
# sensor_freeze and spoof_flat instances with a record at or above the
# threshold, <= 0.1 % of clean scored records (after warm-up) at or above it.
set -euo pipefail

bin=.build/release devices=2000 duration=20m attacks=all:0.3 seeds="1 2 3" threshold=0.9999
while (($#)); do
    case "$1" in
        --bin) bin="$2"; shift 2 ;;
        --devices) devices="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --attacks) attacks="$2"; shift 2 ;;
        --seeds) seeds="$2"; shift 2 ;;
        --threshold) threshold="$2"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "score-quality: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
for tool in wear wear-decrypt wear-filter wear-score; do
    [[ -x "$bin/$tool" ]] || { echo "score-quality: $bin/$tool not found: run make release first" >&2; exit 66; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077
"$bin/wear" keys new --out "$work/master.key" 2>/dev/null

reports=()
for seed in $seeds; do
    dir="$work/seed-$seed"
    mkdir -p "$dir"
    "$bin/wear" sim --devices "$devices" --duration "$duration" --attacks "$attacks" --seed "$seed" \
            --master-key "$work/master.key" --labels "$dir/labels.ndjson" \
        | "$bin/wear-decrypt" --master-key "$work/master.key" --rejects "$dir/decrypt.rejects" 2>/dev/null \
        | "$bin/wear-filter" --rules pipelines/rules/default.rules --rejects "$dir/filter.rejects" 2>/dev/null \
        | "$bin/wear-score" --rejects "$dir/score.rejects" 2>"$dir/score.log" > "$dir/scored.ndjson"
    "$bin/wear" eval --labels "$dir/labels.ndjson" --decrypt-rejects "$dir/decrypt.rejects" \
        --filter-rejects "$dir/filter.rejects" --scored "$dir/scored.ndjson" --threshold "$threshold" --json > "$dir/eval.json"
    echo "seed $seed: $(tail -1 "$dir/score.log")"
    reports+=("$dir/eval.json")
done

python3 - "$threshold" "${reports[@]}" <<'PY'
import json, sys
threshold, paths = sys.argv[1], sys.argv[2:]
targets = ["hr_spike", "tamper_shock", "sensor_freeze", "spoof_flat"]
failed = False
print(f"\n{'seed':<6}" + "".join(f"{t:>15}" for t in targets) + f"{'clean >= ' + threshold:>22}")
for path in paths:
    report = json.load(open(path))
    seed = path.split("seed-")[1].split("/")[0]
    by = {a["attack"]: a for a in report["attacks"]}
    cells = []
    for t in targets:
        a = by[t]
        caught = a["caught"]["score"] or 0
        share = caught / a["injected"] if a["injected"] else 1.0
        failed |= share < 0.95
        cells.append(f"{caught}/{a['injected']} {share:6.1%}")
    fp = report["false_positives"]["score"]
    failed |= fp["rate"] > 0.001
    print(f"{seed:<6}" + "".join(f"{c:>15}" for c in cells) + f"{fp['count']:>10} of {fp['total']} {fp['rate']:.4%}")
print("\ntargets: >= 95 % of instances each, <= 0.1 % of clean records:", "MISSED" if failed else "met")
sys.exit(1 if failed else 0)
PY
