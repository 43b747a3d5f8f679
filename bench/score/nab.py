#!/usr/bin/env python3
"""Labelled anomalies in series that are not telemetry, scored the way a
standard streaming-anomaly benchmark scores a detector (the Numenta Anomaly
Benchmark's windows, scaled sigmoid and standard profile): the yardstick for
wear-score on "any NDJSON time series" (docs/wear-score.md, "Other series").

    bench/score/nab.py generate OUT LABELS [--series 40] [--length 4000] [--seed 1] [--shapes walk,seasonal,heavy,counts,ar]
    wear-score --key dev --feature v < OUT > SCORED
    bench/score/nab.py score SCORED LABELS [--thresholds 0.99,0.999,...] [--peer-window 100]
    bench/score/nab.py selftest     # the scoring against hand-computed cases

generate writes `--series` series per shape (one record a second per
series, interleaved: {"dev":"ar-0003","seq":k,"ts":...,"v":12.5}) with one
or two anomalies each, after the first 15 % (the benchmark's probationary
period, never scored), of these kinds (sd: the series' noise, from its
first differences):

- spike:    one point 6 to 10 sd off (up or down; shifts and drifts of
            counts go up, as counts cannot go under 0)
- shift:    the level moves by 4 to 8 sd and stays
- variance: the noise grows 4 to 6 times for 100 points
- drift:    the level creeps by 0.05 to 0.1 sd a point for 200 points, then
            stays: each step is small against the noise (a slow rise that a
            detector must not learn as normal)
- flat:     the value is held for 100 points (a stuck reading)

LABELS gets one line per series: {"dev","anomalies":[{"kind","at"}],"n"}.

score reads a scored copy (score null or missing: no detection) and, for
each threshold, prints the benchmark's normalised score under its standard
profile (true positive 1, false positive 0.11, false negative 1): each
anomaly has a window of 10 % of its series' length divided by its number
of anomalies, centred on its onset; the first detection in a window scores
the scaled sigmoid of its position (0.99 at the window's start, 0 at its
end, so early detection is rewarded), a missed window -1, and every other
detected record -0.11 times the sigmoid of its distance past the preceding
window (so a detection right after a window costs little, a stray one
0.11). Normalised: 100 (S - S_null) / (S_perfect - S_null), where the null
detector flags nothing and the perfect one flags each window's first point.
It also prints the false positives (detected records outside every
window, after the probation) and, per kind, the windows detected and the median delay from the
onset, at each threshold, and the same for a peer: a rolling z-score over
the previous --peer-window points (the classic baseline), with its score
2 Phi(|z|) - 1 on the same thresholds.
"""
import argparse
import collections
import math
import os
import sys

import numpy as np
import orjson
from scipy.special import erfc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shapes import series  # noqa: E402  (the clean shapes of the calibration check)

KINDS = ["spike", "shift", "variance", "drift", "flat"]
PROBATION = 0.15
A_TP, A_FP, A_FN = 1.0, 0.11, 1.0   # the standard profile


def ar1(rng, n):
    """A sensor reading: AR(1) (phi 0.9) around 20, sd 1, to 0.01."""
    x = np.zeros(n)
    e = rng.normal(0, math.sqrt(1 - 0.81), n)
    for i in range(1, n):
        x[i] = 0.9 * x[i - 1] + e[i]
    return 20 + x


def clean(shape, rng, n):
    return ar1(rng, n) if shape == "ar" else series(shape, rng, n)


def inject(x, kind, at, sd, rng, up_only):
    """Adds the anomaly; `up_only`: shifts and drifts go up (counts, which cannot go under 0)."""
    n = len(x)
    sign = 1 if up_only else rng.choice([-1, 1])
    if kind == "spike":
        x[at] += sign * rng.uniform(6, 10) * sd
    elif kind == "shift":
        x[at:] += sign * rng.uniform(4, 8) * sd
    elif kind == "variance":
        end = min(n, at + 100)
        centre = np.median(x[max(0, at - 50):at])
        x[at:end] = centre + (x[at:end] - centre) * rng.uniform(4, 6)
    elif kind == "drift":
        slope = sign * rng.uniform(0.05, 0.1) * sd
        ramp = np.minimum(np.arange(n - at), 200) * slope
        x[at:] += ramp
    elif kind == "flat":
        x[at:min(n, at + 100)] = x[at - 1]


def generate(args):
    rng = np.random.default_rng(args.seed)
    shapes = args.shapes.split(",")
    columns, names, labels = [], [], []
    for shape in shapes:
        for s in range(args.series):
            n = args.length
            x = clean(shape, rng, n)
            sd = float(np.std(np.diff(x[: int(PROBATION * n)]))) / math.sqrt(2) or 1.0
            count = int(rng.integers(1, 3))
            # Onsets after the probation, apart by a fifth of the series.
            start = int(PROBATION * n) + 100
            span = (n - 300 - start) // count
            anomalies = []
            for j in range(count):
                at = start + j * span + int(rng.integers(0, max(1, span - n // 5)))
                kind = KINDS[int(rng.integers(len(KINDS)))]
                inject(x, kind, at, sd, rng, up_only=shape == "counts")
                anomalies.append({"kind": kind, "at": at})
            if shape == "counts":
                x = np.maximum(0, np.round(x))
            name = f"{shape}-{s:04d}"
            names.append(name)
            columns.append(x)
            labels.append({"dev": name, "anomalies": anomalies, "n": n})
    values = np.stack(columns, axis=1)
    t0 = 1_763_700_000_000
    with open(args.out, "w") as out:
        for k in range(args.length):
            row = values[k]
            out.write("".join(f'{{"dev":"{names[i]}","seq":{k},"ts":{t0 + 1000 * k + i},"v":{row[i]:.3f}}}\n'
                              for i in range(len(names))))
    with open(args.labels, "wb") as out:
        for label in labels:
            out.write(orjson.dumps(label) + b"\n")
    print(f"nab.py: {len(names)} series x {args.length} points, "
          f"{sum(len(l['anomalies']) for l in labels)} anomalies, in {args.out}", file=sys.stderr)


def convert(args):
    """The benchmark's own corpus (ROOT/data/CATEGORY/NAME.csv with `timestamp,value` rows and
    ROOT/labels/combined_windows.json) as records and labels for `score`: one series per file,
    dev CATEGORY/NAME, its windows as rows, its probation as the benchmark's (15 % of the rows,
    at most 750). Files the windows name but ROOT lacks are skipped (a partial corpus works)."""
    import csv
    import datetime
    windows = orjson.loads(open(os.path.join(args.root, "labels", "combined_windows.json"), "rb").read())
    def stamp(text):
        return text.strip().split(".")[0]
    series = missing = 0
    with open(args.out, "w") as out, open(args.labels, "wb") as labels:
        for relative in sorted(windows):
            path = os.path.join(args.root, "data", relative)
            if args.only and not any(part in relative for part in args.only.split(",")):
                continue
            if not os.path.exists(path):
                missing += 1
                continue
            with open(path, newline="") as f:
                rows = [(stamp(r["timestamp"]), r["value"]) for r in csv.DictReader(f)]
            index = {t: i for i, (t, _) in enumerate(rows)}
            dev = relative[:-4] if relative.endswith(".csv") else relative
            rows_windows = []
            for lo, hi in windows[relative]:
                first = index.get(stamp(lo)); last = index.get(stamp(hi))
                if first is None or last is None:
                    sys.exit(f"nab.py: {relative}: window {lo} .. {hi} does not start and end on a row")
                rows_windows.append([first, last, relative.split("/")[0]])
            for k, (t, v) in enumerate(rows):
                ms = int(datetime.datetime.strptime(t, "%Y-%m-%d %H:%M:%S")
                         .replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
                out.write(f'{{"dev":"{dev}","seq":{k},"ts":{ms},"v":{float(v)!r}}}\n')
            n = len(rows)
            labels.write(orjson.dumps({"dev": dev, "n": n, "probation": min(int(0.15 * n), 750),
                                       "windows": rows_windows}) + b"\n")
            series += 1
    print(f"nab.py: {series} series in {args.out} ({missing} named by the windows not under {args.root}/data)",
          file=sys.stderr)


def sigmoid(y):
    """The benchmark's scaled sigmoid of a relative position (-1: a window's first point, 0: just
    past its last, >= 3: a false positive far from any window)."""
    return -1.0 if y >= 3 else 2 / (1 + math.exp(5 * y)) - 1


MAX_TP = sigmoid(-1.0)


def windows_of(label):
    """A label's windows as (first, last, kind, onset) rows and its probation (rows never scored).
    Generated labels give onsets (a window of 10 % of the series over its anomalies, centred on
    each); converted ones (`convert`) give the benchmark's own windows and probation."""
    n = label["n"]
    if "windows" in label:
        return [(lo, hi, kind, lo) for lo, hi, kind in label["windows"]], label["probation"]
    anomalies = sorted(label["anomalies"], key=lambda a: a["at"])
    width = 0.1 * n / len(anomalies)
    return ([(max(0, int(a["at"] - width / 2)), min(n - 1, int(a["at"] + width / 2)), a["kind"], a["at"])
             for a in anomalies], int(PROBATION * n))


def evaluate(scores, labels, threshold):
    """The benchmark's raw score, the null and perfect scores, and per kind (detected, windows, delays)."""
    total = null = perfect = 0.0
    false = 0
    kinds = collections.defaultdict(lambda: [0, 0, []])
    for label in labels:
        s = scores[label["dev"]]
        windows, probation = windows_of(label)
        detected = np.flatnonzero(s >= threshold)
        detected = detected[detected >= probation]
        hit = [None] * len(windows)
        for i in detected:
            inside = next((w for w, (lo, hi, _, _) in enumerate(windows) if lo <= i <= hi), None)
            if inside is not None:
                if hit[inside] is None:
                    hit[inside] = i
                continue
            false += 1
            # As the benchmark's sweeper weighs it: by the distance past the preceding window in
            # that window's widths, the full penalty before any window.
            before = [(lo, hi) for lo, hi, _, _ in windows if hi < i]
            if before:
                lo, hi = before[-1]
                total += A_FP * sigmoid((i - hi) / max(1, hi - lo))
            else:
                total -= A_FP
        for (lo, hi, kind, onset), i in zip(windows, hit):
            null -= A_FN
            perfect += A_TP
            k = kinds[kind]
            k[1] += 1
            if i is None:
                total -= A_FN
            else:
                total += A_TP * sigmoid(-(hi - i + 1) / (hi - lo + 1)) / MAX_TP
                k[0] += 1
                k[2].append(i - onset)
    return total, null, perfect, kinds, false


def rolling_z(x, window):
    """The peer: z of each point against the mean and sd of the previous `window` points."""
    c1 = np.concatenate([[0.0], np.cumsum(x)])
    c2 = np.concatenate([[0.0], np.cumsum(x * x)])
    i = np.arange(len(x))
    lo = np.maximum(0, i - window)
    m = np.maximum(i - lo, 1)
    mean = (c1[i] - c1[lo]) / m
    var = np.maximum((c2[i] - c2[lo]) / m - mean ** 2, 1e-12)
    z = (x - mean) / np.sqrt(var)
    score = 1 - erfc(np.abs(z) / math.sqrt(2))
    score[: window] = np.nan
    return score


def score(args):
    labels = [orjson.loads(line) for line in open(args.labels, "rb")]
    length = {l["dev"]: l["n"] for l in labels}
    ours = {d: np.full(n, np.nan) for d, n in length.items()}
    values = {d: np.full(n, np.nan) for d, n in length.items()}
    for line in open(args.scored, "rb"):
        r = orjson.loads(line)
        d = r.get("dev")
        if d in ours:
            s = r.get("score")
            ours[d][r["seq"]] = s if isinstance(s, (int, float)) else np.nan
            values[d][r["seq"]] = r["v"]
    peer = {d: rolling_z(values[d], args.peer_window) for d in values}
    thresholds = [float(t) for t in args.thresholds.split(",")]
    columns = [k for k in KINDS if any(a["kind"] == k for l in labels for a in l.get("anomalies", []))]
    columns += sorted({w[2] for l in labels for w in l.get("windows", [])})
    # The benchmark reports each detector at its best threshold over the corpus: a sweep of
    # 1 - t from 10^-1 to 10^-7 (10 a decade) finds it.
    sweep = [1 - 10 ** (-e / 10) for e in range(10, 71)]
    for name, scores in (("wear-score", ours), (f"rolling z ({args.peer_window})", peer)):
        print(f"{name}:")
        best = max(sweep, key=lambda t: normalised_score(scores, labels, t))
        print(f"  best threshold {best:.7f}: NAB standard {normalised_score(scores, labels, best):.1f}")
        print("  threshold  NAB standard  false pos  " + "  ".join(f"{k:>18}" for k in columns)
              + "   (detected/windows, median delay in points)")
        for t in thresholds:
            total, null, perfect, kinds, false = evaluate(scores, labels, t)
            normalised = 100 * (total - null) / (perfect - null)
            cells = []
            for k in columns:
                found, windows, delays = kinds[k]
                delay = f"{np.median(delays):.0f}" if delays else "-"
                cells.append(f"{found:>3}/{windows:<3} {delay:>6}")
            print(f"  {t:<9}  {normalised:12.1f}  {false:9}  " + "  ".join(f"{c:>18}" for c in cells))


def normalised_score(scores, labels, threshold):
    total, null, perfect, _, _ = evaluate(scores, labels, threshold)
    return 100 * (total - null) / (perfect - null)


def selftest(_args):
    """The scoring against hand-computed cases: one series of 1,000 points, one anomaly at 500
    (window 450..550, probation until 150)."""
    labels = [{"dev": "s", "anomalies": [{"kind": "spike", "at": 500}], "n": 1000}]

    def normalised(*detected):
        s = np.zeros(1000)
        s[list(detected)] = 1
        total, null, perfect, _, false = evaluate({"s": s}, labels, 0.5)
        return 100 * (total - null) / (perfect - null), total, false

    last = sigmoid(-1 / 101) / MAX_TP
    cases = [
        ((), 0.0, -1.0, 0),                                   # the null detector
        ((450,), 100.0, 1.0, 0),                              # the window's first point: a perfect detector
        ((550,), 100 * (last + 1) / 2, last, 0),              # its last point: a true positive worth ~0.025
        ((450, 460, 500), None, 1.0, 0),                      # only the first detection in a window counts
        ((300, 450), None, 1.0 - A_FP, 1),                    # a stray before any window: -0.11
        ((100, 450), None, 1.0, 0),                           # in the probation: not scored
        ((560,), None, -1.0 + A_FP * sigmoid(10 / 100), 1),   # just after the window: a small penalty
        ((999,), None, -1.0 - A_FP, 1),                       # 3 window widths past it or more: -0.11
    ]
    for detected, expected_normalised, expected_total, expected_false in cases:
        got, total, false = normalised(*detected)
        assert math.isclose(total, expected_total, abs_tol=1e-9), (detected, total, expected_total)
        assert false == expected_false, (detected, false)
        if expected_normalised is not None:
            assert math.isclose(got, expected_normalised, abs_tol=1e-9), (detected, got, expected_normalised)
    assert math.isclose(sigmoid(0.0), 0.0) and math.isclose(MAX_TP, 0.98661, abs_tol=1e-5) and sigmoid(3.0) == -1
    # convert: a corpus of one file in the benchmark's layout (CRLF lines, as some of its files
    # have), one window, and one file the windows name that is missing.
    import tempfile
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "data", "realTest"))
        os.makedirs(os.path.join(root, "labels"))
        with open(os.path.join(root, "data", "realTest", "one.csv"), "w", newline="") as f:
            f.write("timestamp,value\r\n" + "".join(
                f"2014-01-01 {k // 60:02d}:{k % 60:02d}:00,{k % 7}.5\r\n" for k in range(1000)))
        with open(os.path.join(root, "labels", "combined_windows.json"), "w") as f:
            f.write('{"realTest/one.csv": [["2014-01-01 08:20:00.000000", "2014-01-01 10:00:00.000000"]],'
                    ' "realTest/missing.csv": []}')
        out, lab = os.path.join(root, "out.ndjson"), os.path.join(root, "labels.ndjson")
        convert(argparse.Namespace(root=root, out=out, labels=lab, only=""))
        records = [orjson.loads(line) for line in open(out, "rb")]
        label = orjson.loads(open(lab, "rb").read())
        assert len(records) == 1000 and records[3] == {"dev": "realTest/one", "seq": 3, "ts": 1388534580000, "v": 3.5}
        assert label == {"dev": "realTest/one", "n": 1000, "probation": 150, "windows": [[500, 600, "realTest"]]}, label
        assert windows_of(label) == ([(500, 600, "realTest", 500)], 150)
    print(f"nab.py selftest: {len(cases)} cases and a conversion passed")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("out")
    g.add_argument("labels")
    g.add_argument("--series", type=int, default=40)
    g.add_argument("--length", type=int, default=4000)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--shapes", default="walk,seasonal,heavy,counts,ar")
    s = sub.add_parser("score")
    s.add_argument("scored")
    s.add_argument("labels")
    s.add_argument("--thresholds", default="0.99,0.999,0.9999,0.99999,0.999999")
    s.add_argument("--peer-window", type=int, default=100)
    c = sub.add_parser("convert")
    c.add_argument("root", help="the benchmark's corpus: ROOT/data/*/*.csv, ROOT/labels/combined_windows.json")
    c.add_argument("out")
    c.add_argument("labels")
    c.add_argument("--only", default="", help="comma-separated parts of the paths to keep (realTraffic,nyc_taxi)")
    sub.add_parser("selftest")
    args = parser.parse_args()
    {"generate": generate, "convert": convert, "score": score, "selftest": selftest}[args.command](args)


if __name__ == "__main__":
    main()
