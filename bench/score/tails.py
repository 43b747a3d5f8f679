#!/usr/bin/env python3
"""Where the clean far tail of wear-score's score comes from: runs the NumPy
reference (bench/score/reference.py, the same maths as wear-score) on a
filtered stream and breaks the clean records' small probabilities down by
test (feature and kind), by position after warm-up, and by whether the
device was attacked (and how long before).

    bench/score/tails.py FILTERED.ndjson [--labels LABELS.ndjson] [--warmup N]

Clean records: every record whose (dev, seq) no label names (as `wear eval`
counts them). Per test it prints the share of clean, scored records where
the test's probability is below 1e-2, 1e-3 and 1e-4 (the promise of a
calibrated test: those fractions), then the tests that give the records at
score >= 0.999 and >= 0.9999, and where those records sit.
"""
import argparse
import collections
import math
import os
import sys

import numpy as np
import orjson
from scipy.special import ndtr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference as ref  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("--labels")
    parser.add_argument("--warmup", type=int, default=ref.WARMUP)
    parser.add_argument("--only", metavar="FEATURE",
                        help="keep one feature (as wear-score --key dev --feature FEATURE would score it)")
    args = parser.parse_args()
    data = open(args.input, "rb").read()
    blocks, device, times, values, flags = ref.read(data)
    if args.only:
        values[:, [i for i, f in enumerate(ref.FEATURES) if f != args.only]] = np.nan
        times = np.full(len(times), np.nan)  # no dt
    scores, why_records, why_z = ref.score_all(device, times, values, flags, args.warmup)
    n = len(scores)
    seqs = np.array([orjson.loads(line).get("seq", -1) for line in data.splitlines() if line], dtype=np.int64)
    devs = [orjson.loads(line)["dev"] for line in data.splitlines() if line]
    # Position of each record among its device's records.
    position = np.zeros(n, dtype=np.int64)
    seen = collections.Counter()
    for i, d in enumerate(device.tolist()):
        position[i] = seen[d]
        seen[d] += 1

    attacked_keys, attack_end = set(), collections.defaultdict(list)
    if args.labels:
        for line in open(args.labels, "rb"):
            label = orjson.loads(line)
            for s in label["seqs"]:
                attacked_keys.add((label["dev"], s))
            attack_end[label["dev"]].append((label["end"], label["attack"]))
    clean = np.array([(devs[i], int(seqs[i])) not in attacked_keys for i in range(n)])
    if args.labels:
        at = {(devs[i], int(seqs[i])): scores[i] for i in range(n)}
        caught = collections.Counter()
        injected = collections.Counter()
        for line in open(args.labels, "rb"):
            label = orjson.loads(line)
            injected[label["attack"]] += 1
            if any((at.get((label["dev"], s)) or 0) >= 0.9999 for s in label["seqs"]):
                caught[label["attack"]] += 1
        print("caught at 0.9999 (any record of the instance, matched by dev and seq): " + ", ".join(
            f"{a} {caught[a]}/{injected[a]}" for a in sorted(injected)))
    scored = clean & ~np.isnan(scores)
    total = int(scored.sum())
    print(f"{n} records, {total} clean and scored")
    for t in (0.99, 0.999, 0.9999):
        k = int((scores[scored] >= t).sum())
        print(f"  score >= {t}: {k} ({k / max(total, 1):.4%}, promise {1 - t:.2%}, ratio {k / max(total, 1) / (1 - t):.2f})")

    # Per-test p from the equivalent z (two-sided for level and change, one-sided for stuck).
    columns = [f"{f}/{k}" for f in ref.FEATURES for k in ref.KINDS] + ["all/stuck"]
    kinds = [k for _ in ref.FEATURES for k in ref.KINDS] + ["stuck"]
    z = np.abs(why_z)
    p = np.where(np.array([k != "stuck" for k in kinds]), 2 * ndtr(-z), ndtr(-z))
    p = np.where(z > 0, p, 1.0)
    rows = why_records
    keep = scored[rows]
    present = ~np.isnan(values)
    print("\nper test, clean scored records with p below (fraction of records where the feature is present):")
    print(f"{'test':<16}{'<1e-2':>10}{'<1e-3':>10}{'<1e-4':>10}{'<1e-5':>10}")
    for j, name in enumerate(columns):
        f = j // 3 if j < len(columns) - 1 else None
        base = int((scored & present[:, f]).sum()) if f is not None else total
        if not base:
            continue
        cells = [(p[keep, j] < u).sum() / base for u in (1e-2, 1e-3, 1e-4, 1e-5)]
        if max(cells) == 0:
            continue
        print(f"{name:<16}" + "".join(f"{c:>10.5f}" for c in cells))

    for t in (0.999, 0.9999):
        hit = keep & (scores[rows] >= t)
        sel = np.flatnonzero(hit)
        print(f"\nclean records at score >= {t}: {len(sel)}; strongest test:")
        top = collections.Counter(columns[int(np.argmax(z[i]))] for i in sel)
        for name, c in top.most_common(12):
            print(f"  {name:<16}{c:>7} {c / max(len(sel), 1):7.1%}")
        pos = position[rows[sel]] - args.warmup
        buckets = [(0, 16), (16, 64), (64, 256), (256, 1 << 30)]
        print("  position after warm-up: " + ", ".join(
            f"[{a},{b if b < 1 << 30 else 'inf'}): {int(((pos >= a) & (pos < b)).sum())}" for a, b in buckets))
        if args.labels:
            where = collections.Counter()
            for i in rows[sel]:
                ends = [e for e, _ in attack_end.get(devs[i], [])]
                if not ends:
                    where["device never attacked"] += 1
                    continue
                before = [times[i] - e for e in ends if e <= times[i]]
                if before and min(before) <= 120_000:
                    where["within 120 s after an attack"] += 1
                else:
                    where["attacked device, elsewhere"] += 1
            for name, c in where.most_common():
                print(f"  {name}: {c}")
        devices_hit = len({devs[i] for i in rows[sel]})
        print(f"  devices: {devices_hit} of {len(set(devs))}")


if __name__ == "__main__":
    main()
