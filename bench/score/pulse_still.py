#!/usr/bin/env python3
"""Offline prototype of a pulse-at-rest test (docs/wear-score.md, "Not built
yet", the cross-feature item): not in wear-score or reference.py yet.

    bench/score/pulse_still.py CLEAN INJECTED LABELS [--acc-dev G] [--acc-change G]
                               [--gyro DPS] [--still S] [--clip K] [--alarm-weight W]

CLEAN and INJECTED are filtered streams (INJECTED and LABELS from
crossfeature.py inject). Stillness is judged on an absolute scale, the one
a wearer cannot drift: a wrist at rest reads gravity's 1 g, so a record is
moving when |acc_mag - 1 g| > --acc-dev, |acc_mag - previous| > --acc-change
or gyro_mag > --gyro (degrees/s); a device is still after --still seconds
(event time) without a moving record, and only while it sent a motion
reading in the last 10 s (a chest patch has none: never still). On still
records the pulse is scored upward only (a recovery falls) against a mean
(weight 1/64) and variance (1/256, floor 1 bpm^2) learned on still records,
the residual clipped at --clip sd; a record with z > 3 learns with
--alarm-weight of the weights.

Prints the share of the clean stream's still records (devices not injected,
after 30 still records) with z above 3-8, and per shape how many windows
have a record above them.
"""
import argparse
import collections
import json
import math

import numpy as np
import orjson


def norm(v):
    if not isinstance(v, list) or not v:
        return math.nan
    try:
        return math.sqrt(sum(x * x for x in v))
    except TypeError:
        return math.nan


def scores(path, args):
    """(dev, seq) -> z of every still record after the device's first 30."""
    state, out = {}, {}
    for line in open(path, "rb"):
        r = orjson.loads(line)
        d, t, hr = r.get("dev"), r.get("rx", r.get("ts")), r.get("hr")
        if not isinstance(t, (int, float)):
            continue
        s = state.get(d)
        if s is None:
            s = state[d] = dict(acc=math.nan, seen=-math.inf, moved=t, mu=math.nan, var=25.0, n=0)
        a, g = norm(r.get("acc")), norm(r.get("gyro"))
        moving = False
        if not math.isnan(a):
            moving |= abs(a - 1) > args.acc_dev or (not math.isnan(s["acc"]) and abs(a - s["acc"]) > args.acc_change)
            s["acc"], s["seen"] = a, t
        if not math.isnan(g):
            moving |= g > args.gyro
            s["seen"] = t
        if moving:
            s["moved"] = t
        if not isinstance(hr, (int, float)) or t - s["moved"] < args.still * 1000 or t - s["seen"] > 10_000:
            continue
        if math.isnan(s["mu"]):
            s["mu"] = hr
        sd = math.sqrt(s["var"])
        z = (hr - s["mu"]) / sd
        if s["n"] >= 30:
            out[(d, r.get("seq"))] = z
        c = max(-args.clip * sd, min(args.clip * sd, hr - s["mu"]))
        f = args.alarm_weight if z > 3 else 1.0
        s["mu"] += f * c / 64
        s["var"] = max(1.0, s["var"] + f * (c * c - s["var"]) / 256)
        s["n"] += 1
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("clean"), p.add_argument("injected"), p.add_argument("labels")
    p.add_argument("--acc-dev", type=float, default=0.05)
    p.add_argument("--acc-change", type=float, default=0.05)
    p.add_argument("--gyro", type=float, default=15)
    p.add_argument("--still", type=float, default=120)
    p.add_argument("--clip", type=float, default=2.5)
    p.add_argument("--alarm-weight", type=float, default=1.0)
    args = p.parse_args()
    labels = [json.loads(line) for line in open(args.labels)]
    injected = {label["dev"] for label in labels}
    clean = np.array([z for (d, _), z in scores(args.clean, args).items() if d not in injected])
    levels = (3, 4, 5, 6, 8)
    print(f"clean still records scored: {len(clean)};", " ".join(f"z>{k} {np.mean(clean > k):.5%}" for k in levels))
    attacked = scores(args.injected, args)
    windows = collections.defaultdict(list)
    for label in labels:
        zs = [attacked[(label["dev"], q)] for q in label["seqs"] if (label["dev"], q) in attacked]
        windows[label["attack"]].append(max(zs) if zs else -math.inf)
    for shape, peaks in sorted(windows.items()):
        peaks = np.array(peaks)
        print(f"{shape}: {len(peaks)} windows, {np.sum(peaks > -math.inf)} with still records;",
              " ".join(f"z>{k} {np.sum(peaks > k)}" for k in levels))


if __name__ == "__main__":
    main()
