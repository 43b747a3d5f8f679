#!/usr/bin/env python3
"""Clean series of shapes that are not the simulator's, for wear-score's
calibration (docs/wear-score.md, "The promise"): `--devices D` series of
`--records N` points each, one record a second per device, interleaved,
as NDJSON `{"dev":"s-0001","ts":...,"v":12.5}`. Deterministic (--seed).

    bench/score/shapes.py --shape SHAPE [--devices 200] [--records 3000] [--seed 1] [--field v]

Shapes (none has an anomaly by construction, but `shifts` has changes of
regime, which a detector is right to notice on first sight):

- walk:     a Gaussian random walk, x += N(0, 1)
- seasonal: 50 + 10 sin(2 pi t / P) (P per series, 60 to 600 points) + AR(1) noise (phi 0.5, sd 1)
- shifts:   a level that jumps by N(0, 8) every Geometric(1/500) points, + N(0, 1)
- heavy:    Student-t noise with 3 degrees of freedom around a constant
- counts:   Poisson counts with a daily-like rate (a road's traffic: 5 to 40 a step)
"""
import argparse
import sys

import numpy as np


def series(shape, rng, n):
    t = np.arange(n)
    if shape == "walk":
        return 100 + np.cumsum(rng.normal(0, 1, n))
    if shape == "seasonal":
        period = rng.uniform(60, 600)
        noise = np.zeros(n)
        e = rng.normal(0, 1, n) * np.sqrt(1 - 0.25)
        for i in range(1, n):
            noise[i] = 0.5 * noise[i - 1] + e[i]
        return 50 + 10 * np.sin(2 * np.pi * t / period + rng.uniform(0, 2 * np.pi)) + noise
    if shape == "shifts":
        level = np.zeros(n)
        current, i = 20.0, 0
        while i < n:
            length = rng.geometric(1 / 500)
            level[i:i + length] = current
            current += rng.normal(0, 8)
            i += length
        return level + rng.normal(0, 1, n)
    if shape == "heavy":
        return 10 + rng.standard_t(3, n)
    if shape == "counts":
        period = rng.uniform(300, 1500)
        rate = 22.5 + 17.5 * np.sin(2 * np.pi * t / period + rng.uniform(0, 2 * np.pi))
        return rng.poisson(rate).astype(float)
    raise SystemExit(f"shapes.py: unknown shape {shape!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shape", required=True)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--field", default="v")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    values = np.stack([series(args.shape, rng, args.records) for _ in range(args.devices)], axis=1)
    names = [f"s-{i:04d}" for i in range(args.devices)]
    t0 = 1_763_700_000_000
    out = sys.stdout
    integer = args.shape == "counts"
    for k in range(args.records):
        row = values[k]
        out.write("".join(
            f'{{"dev":"{names[i]}","seq":{k},"ts":{t0 + 1000 * k + i},"{args.field}":'
            + (f"{row[i]:.0f}" if integer else f"{row[i]:.3f}") + "}\n"
            for i in range(args.devices)))


if __name__ == "__main__":
    main()
