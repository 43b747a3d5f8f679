#!/usr/bin/env python3
"""Attacks on the pulse that only its relation to motion gives away, injected
into a real (simulated, decrypted, filtered) stream, and how many of them a
scored copy catches: the check of wear-score's hr_resp lane
(docs/wear-score.md, "The pulse against motion"). The simulator makes
neither shape.

    bench/score/crossfeature.py inject FILTERED OUT LABELS [--seed S] [--count N] [--records W]
    bench/score/crossfeature.py report SCORED LABELS [--threshold T] [--clean CLEAN_SCORED]

inject picks up to N devices per shape (different devices, with gyro on
most records; none the simulator's labels name, when --sim-labels is given)
and rewrites their hr (a window starts after --settle records of its device):

- pulse_still: while the wearer is still (gyro_mag low for the window and
  the minute before), hr rises by 20-35 bpm with a 20 s time constant and
  stays there for W records, the way a pulse does at the start of a walk:
  to the pulse alone it is a walk's onset; the body did not move.
- pulse_flat: from the onset of motion (still for the W records before, at
  least a minute; moving for the W records after), hr replays the W records
  before the onset (a resting pulse) while the wearer walks or runs.

LABELS gets one line per instance: {"dev","attack","seqs","start","end"}.
report prints, per shape, the instances with a record of the window at or
above the threshold, and the share of other records (of devices not
injected, after their warm-up) at or above it. With --clean (the same
stream scored without the injection) it also prints how many of those
windows are caught there too: a window opening at the onset of motion can
be "caught" by the motion itself, not by the pulse.
"""
import argparse
import collections
import os
import random
import sys

import numpy as np
import orjson

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import norm  # noqa: E402  (gyro_mag as wear-score computes it)


def inject(args):
    lines = open(args.filtered, "rb").read().splitlines()
    records = [orjson.loads(line) for line in lines]
    excluded = set()
    if args.sim_labels:
        for line in open(args.sim_labels, "rb"):
            excluded.add(orjson.loads(line)["dev"])
    by_device = collections.defaultdict(list)
    for i, record in enumerate(records):
        if isinstance(record.get("hr"), (int, float)):
            by_device[record["dev"]].append(i)
    rng = random.Random(args.seed)
    devices = sorted(d for d in by_device if d not in excluded)
    rng.shuffle(devices)
    w, before, settle = args.records, 60, args.settle
    labels, counts = [], collections.Counter()
    for dev in devices:
        rows = by_device[dev]
        g = np.array([norm(records[i].get("gyro")) for i in rows])
        if np.isnan(g).mean() > 0.5:
            continue  # stillness is judged by the gyroscope: devices that send it on most records
        still_level = np.nanpercentile(g, 20) * 3 + 1
        still = g < still_level
        # One shape per device; windows start after the device has settled in
        # (its warm-up and a first stretch), still for the minute before (for
        # pulse_flat, for all the W records it replays).
        for shape in ("pulse_still", "pulse_flat"):
            if counts[shape] >= args.count:
                continue
            calm = before if shape == "pulse_still" else max(before, w)
            starts = [k for k in range(max(settle, calm), len(rows) - w - 1, 7)
                      if still[k - calm:k].mean() > 0.95
                      and (still[k:k + w].mean() > 0.95 if shape == "pulse_still"
                           else not still[k] and (~still[k:k + w]).mean() > 0.9)]
            if not starts:
                continue
            k = rng.choice(starts)
            window = rows[k:k + w]
            if shape == "pulse_still":
                delta, tau = rng.uniform(20, 35), 20.0
                for j, i in enumerate(window):
                    records[i]["hr"] = int(round(records[i]["hr"] + delta * (1 - np.exp(-(j + 1) / tau))))
            else:
                replay = [records[i]["hr"] for i in rows[k - w:k]]
                for i, hr in zip(window, replay):
                    records[i]["hr"] = hr
            for i in window:
                lines[i] = orjson.dumps(records[i])
            counts[shape] += 1
            labels.append({"dev": dev, "attack": shape, "seqs": [records[i].get("seq") for i in window],
                           "start": records[window[0]].get("ts"), "end": records[window[-1]].get("ts")})
            break
    with open(args.out, "wb") as out:
        out.write(b"\n".join(lines) + b"\n")
    with open(args.labels, "wb") as out:
        for label in labels:
            out.write(orjson.dumps(label) + b"\n")
    print(f"injected {dict(counts)} into {args.out}", file=sys.stderr)


def report(args):
    labels = [orjson.loads(line) for line in open(args.labels, "rb")]
    window = {(label["dev"], s): n for n, label in enumerate(labels) for s in label["seqs"]}
    injected = {label["dev"] for label in labels}
    already = [False] * len(labels)
    if args.clean:
        for line in open(args.clean, "rb"):
            record = orjson.loads(line)
            at = window.get((record.get("dev"), record.get("seq")))
            score = record.get("score")
            if at is not None and score is not None and score >= args.threshold:
                already[at] = True
    caught = [False] * len(labels)
    why = [None] * len(labels)
    clean = hits = 0
    for line in open(args.scored, "rb"):
        record = orjson.loads(line)
        score = record.get("score")
        at = window.get((record.get("dev"), record.get("seq")))
        if at is not None:
            if score is not None and score >= args.threshold and not caught[at]:
                caught[at], why[at] = True, record.get("why")
        elif score is not None and record.get("dev") not in injected:
            clean += 1
            hits += score >= args.threshold
    print(f"threshold {args.threshold}")
    for shape in sorted({label["attack"] for label in labels}):
        members = [n for n, label in enumerate(labels) if label["attack"] == shape]
        got = sum(caught[n] for n in members)
        kinds = collections.Counter(f'{why[n][0]["feature"]}/{why[n][0]["kind"]}' for n in members if caught[n] and why[n])
        also = f", {sum(caught[n] and already[n] for n in members)} of them also without the attack" if args.clean else ""
        print(f"  {shape:<12} {got}/{len(members)} caught{also}  first why: {dict(kinds)}")
    print(f"  other records >= threshold: {hits} of {clean} ({hits / max(clean, 1):.4%})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("inject")
    a.add_argument("filtered")
    a.add_argument("out")
    a.add_argument("labels")
    a.add_argument("--seed", type=int, default=1)
    a.add_argument("--count", type=int, default=60)
    a.add_argument("--records", type=int, default=90)
    a.add_argument("--settle", type=int, default=300, help="records of a device before a window may start")
    a.add_argument("--sim-labels", help="the simulator's labels: their devices are left alone")
    b = sub.add_parser("report")
    b.add_argument("scored")
    b.add_argument("labels")
    b.add_argument("--threshold", type=float, default=0.9999)
    b.add_argument("--clean", metavar="CLEAN_SCORED", help="the stream scored without the injection")
    args = parser.parse_args()
    (inject if args.command == "inject" else report)(args)


if __name__ == "__main__":
    main()
