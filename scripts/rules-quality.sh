#!/usr/bin/env bash
# The default rules' quality: catch and false-tag rates per attack type over
# several simulated fleets (sealed, decrypted, filtered, then `wear eval`).
#
#   scripts/rules-quality.sh [--bin DIR] [--rules FILE] [--devices N] [--duration D]
#                            [--attacks SPEC] [--seeds "1 2 3"]
#
# Defaults: .build/release, pipelines/rules/default.rules, 2000 devices,
# 20m, all:0.3, seeds 1 2 3. Prints one table per seed and the worst case
# over the seeds; exit status 1 when a target of issue #9 is missed: at
# least one record caught in >= 95 % of the replay, flood, clock_skew and
# oversize instances, >= 90 % of their records caught, <= 0.5 % of clean
# records tagged and none dropped.
set -euo pipefail

bin=.build/release rules=pipelines/rules/default.rules devices=2000 duration=20m
attacks=all:0.3 seeds="1 2 3"
while (($#)); do
    case "$1" in
        --bin) bin="$2"; shift 2 ;;
        --rules) rules="$2"; shift 2 ;;
        --devices) devices="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --attacks) attacks="$2"; shift 2 ;;
        --seeds) seeds="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "rules-quality: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
for tool in wear wear-decrypt wear-filter; do
    [[ -x "$bin/$tool" ]] || { echo "rules-quality: $bin/$tool not found: run make release first" >&2; exit 66; }
done
[[ -r "$rules" ]] || { echo "rules-quality: cannot read $rules" >&2; exit 66; }

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
        | "$bin/wear-filter" --rules "$rules" --rejects "$dir/filter.rejects" 2>"$dir/filter.log" \
        > "$dir/filtered.ndjson"
    "$bin/wear" eval --labels "$dir/labels.ndjson" --decrypt-rejects "$dir/decrypt.rejects" \
        --filter-rejects "$dir/filter.rejects" --scored "$dir/filtered.ndjson" --json > "$dir/eval.json"
    echo "seed $seed: $(tail -1 "$dir/filter.log")"
    reports+=("$dir/eval.json")
done

python3 - "${reports[@]}" <<'PY'
import json, sys
targets = {"replay", "flood", "clock_skew", "oversize"}
worst = {}
failed = []
for path in sys.argv[1:]:
    report = json.load(open(path))
    seed = path.split("seed-")[1].split("/")[0]
    print(f"\nseed {seed}")
    print(f"{'attack':<15}{'inst':>6}{'caught':>8}{'recall':>8}{'records':>9}{'rec.caught':>11}{'rec.rate':>9}  filter drop/tag instances")
    for a in report["attacks"]:
        name, inst, rec = a["attack"], a["injected"], a["records"]
        rate = a["records_caught"] / rec if rec else 0.0
        c = a["caught"]
        print(f"{name:<15}{inst:>6}{a['caught_any']:>8}{a['recall']:>8.3f}{rec:>9}{a['records_caught']:>11}{rate:>9.3f}  {c['filter_drop']}/{c['filter_tag']}")
        w = worst.setdefault(name, [1.0, 1.0])
        w[0] = min(w[0], a["recall"]); w[1] = min(w[1], rate)
    fp = report["false_positives"]
    tagged, clean = fp["filter_tag"]["count"], fp["filter_tag"]["total"]
    dropped = fp["filter_drop"]["count"] or 0
    share = tagged / clean if clean else 0.0
    print(f"clean records: {clean}, tagged {tagged} ({share:.4%}) {fp['flags']}, dropped {dropped} {fp['drop_reasons']}")
    w = worst.setdefault("clean", [0.0, 0])
    w[0] = max(w[0], share); w[1] = max(w[1], dropped)
print("\nworst over the seeds (instance recall, record rate):")
for name, (recall, rate) in worst.items():
    if name == "clean":
        continue
    mark = ""
    if name in targets and (recall < 0.95 or rate < 0.90):
        mark = "  << below target (0.95 / 0.90)"
        failed.append(name)
    print(f"  {name:<15}{recall:>7.3f}{rate:>7.3f}{mark}")
share, dropped = worst["clean"]
print(f"  clean tagged at most {share:.4%} (target <= 0.5 %), dropped at most {dropped} (target 0)")
if share > 0.005 or dropped > 0:
    failed.append("clean")
sys.exit(1 if failed else 0)
PY
