#!/usr/bin/env python3
"""How long wear-score keeps flagging a sustained shift: the "an attack
must not teach the baseline that it is normal within seconds" question
(docs/wear-score.md, "Not built yet"), measured.

    bench/score/shift.py gen --sd K [--devices 200] [--clean 1500] [--shifted 600] [--seed 1] > series.ndjson
    wear-score --key dev --feature v < series.ndjson > scored.ndjson
    bench/score/shift.py report scored.ndjson [--clean 1500] [--threshold 0.9999]

gen writes, per device, `--clean` points of N(50, 2) then `--shifted`
points of the same noise shifted by K standard deviations (a spoofed
sensor that settles on another level, or a regime change: one stream
cannot tell them apart), one record a second per device, interleaved, as
`{"dev":"s000","ts":...,"v":...}`.

report prints the share of clean records (after the first 200 of each
device) at or above the threshold, then, for windows of the shifted
segment counted from its first record (0-10, 10-30, 30-60, 60-120,
120-300, 300+), the share of its records at or above the threshold.
"""
import argparse
import json
import sys

import numpy as np

WINDOWS = [(0, 10), (10, 30), (30, 60), (60, 120), (120, 300), (300, None)]


def gen(args):
    rng = np.random.default_rng(args.seed)
    total = args.clean + args.shifted
    values = rng.normal(50, 2, (args.devices, total))
    values[:, args.clean:] += args.sd * 2
    out = sys.stdout
    for t in range(total):
        ts = 1763700000000 + t * 1000
        for d in range(args.devices):
            out.write('{"dev":"s%03d","ts":%d,"v":%.3f}\n' % (d, ts, values[d, t]))


def report(args):
    flags = {}
    with open(args.scored) as scored:
        for line in scored:
            record = json.loads(line)
            score = record.get("score")
            flags.setdefault(record["dev"], []).append(score is not None and score >= args.threshold)
    if not flags:
        sys.exit("shift.py: no records in %s" % args.scored)
    rows = np.array([row for row in flags.values()], dtype=bool)
    if rows.shape[1] <= args.clean:
        sys.exit("shift.py: the series have no shifted segment after --clean %d records" % args.clean)
    clean = rows[:, min(200, args.clean):args.clean]
    shifted = rows[:, args.clean:]
    parts = []
    for start, end in WINDOWS:
        window = shifted[:, start:end]
        if window.size:
            parts.append("%d-%s %.2f" % (start, "" if end is None else end, window.mean()))
    print("%d devices; clean >= %g: %.4f %%; shifted records >= it, by records since the shift: %s"
          % (rows.shape[0], args.threshold, 100 * clean.mean(), ", ".join(parts)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--sd", type=float, required=True, help="the shift, in standard deviations of the noise")
    g.add_argument("--devices", type=int, default=200)
    g.add_argument("--clean", type=int, default=1500)
    g.add_argument("--shifted", type=int, default=600)
    g.add_argument("--seed", type=int, default=1)
    r = sub.add_parser("report")
    r.add_argument("scored")
    r.add_argument("--clean", type=int, default=1500)
    r.add_argument("--threshold", type=float, default=0.9999)
    args = parser.parse_args()
    if args.command == "gen":
        if args.devices < 1 or args.clean < 1 or args.shifted < 1:
            parser.error("--devices, --clean and --shifted must be at least 1")
        gen(args)
    else:
        report(args)


if __name__ == "__main__":
    main()
