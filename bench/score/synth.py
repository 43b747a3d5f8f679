#!/usr/bin/env python3
"""Synthetic telemetry for bench/score/scale.sh: `--devices D` devices send
one record each per second, in turn, until `--records N` are written.
Per device an AR(1) heart rate around its own resting rate, SpO2, skin
temperature, 3-axis acceleration and gyro, and a payload size; no attacks.
Deterministic (seed 1)."""
import argparse
import sys

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, required=True)
    parser.add_argument("--records", type=int, required=True)
    args = parser.parse_args()
    d, rng = args.devices, np.random.default_rng(1)
    rest = rng.uniform(55, 80, d)
    hr_noise, temp = np.zeros(d), rng.uniform(32, 35, d)
    names = [f"dev-{i:07d}" for i in range(d)]
    out, written, second = sys.stdout, 0, 0
    t0 = 1_763_700_000_000
    while written < args.records:
        n = min(d, args.records - written)
        hr_noise = 0.85 * hr_noise + rng.normal(0, 1.0, d)
        hr = np.rint(rest + hr_noise)
        spo2 = np.rint(rng.normal(97, 0.8, d))
        temp = temp + rng.normal(0, 0.01, d)
        acc = rng.normal(0, 0.05, (d, 3)) + np.array([0, 0, 1.0])
        gyro = rng.normal(0, 0.5, (d, 3))
        size = rng.integers(300, 380, d)
        ts = t0 + second * 1000 + (np.arange(d) * 1000 // d)
        lines = [
            f'{{"dev":"{names[i]}","seq":{second},"ts":{ts[i]},"hr":{hr[i]:.0f},"spo2":{spo2[i]:.0f},'
            f'"temp":{temp[i]:.1f},"acc":[{acc[i, 0]:.2f},{acc[i, 1]:.2f},{acc[i, 2]:.2f}],'
            f'"gyro":[{gyro[i, 0]:.1f},{gyro[i, 1]:.1f},{gyro[i, 2]:.1f}],"rx":{ts[i] + 40},"sz":{size[i]}}}\n'
            for i in range(n)
        ]
        out.write("".join(lines))
        written += n
        second += 1


if __name__ == "__main__":
    main()
