#!/usr/bin/env python3
"""wear-score's detectors in NumPy: the reference implementation.

An independent implementation of docs/wear-score.md ("The detectors" and
"The score"), written the way the original design would have: orjson to
parse, and NumPy vectorised per time step across devices (step k updates
the k-th record of every device at once, so per-device order is kept and
every array operation covers up to one record per device). It reads NDJSON
on stdin and writes every record with "score" and "why" appended, like
wear-score with its default features, key and options.

    bench/score/reference.py [--warmup N] [--threshold T] < filtered.ndjson > scored.ndjson
    bench/score/reference.py --scores-only OUT.npy < filtered.ndjson

--scores-only writes the scores (NaN while warming up) as a NumPy array in
input order instead of records: what bench/score/compare.py and the quality
scripts read. Lines that are not JSON objects are skipped (wear-score
rejects them; the benchmark input has none).
"""
import argparse
import math
import sys
from itertools import chain, repeat

import numpy as np
import orjson
from scipy.special import erfc, ndtri

# The defaults of docs/wear-score.md, "Defaults and why".
ALPHA = 1.0 / 64      # weight of a new value in the means
BETA = 1.0 / 64       # weight of a new value in the variances, the repeat and the exceedance rates
CLIP = 3.0            # residuals are clipped at CLIP standard deviations (Huber) for the means
VCLIP = 5.0           # ... and at VCLIP for the variances
REL_FLOOR = 1e-3      # a standard deviation is at least REL_FLOOR * |mean| ...
ABS_FLOOR = 1e-6      # ... and at least ABS_FLOOR
WARMUP = 64
# The tails (peaks over threshold): beyond TAIL standard deviations a
# residual's probability is learned per device, feature and kind as an
# exponential tail, q * exp(-(|z| - TAIL) / s): q the rate of exceedances
# (weight BETA), s their mean excess (weight GAMMA per exceedance, each
# excess counted at most EXCESS_CAP), starting from a normal's.
TAIL = 2.5
GAMMA = 1.0 / 8
EXCESS_CAP = 32.0
S_FLOOR = 0.2
FLAG_P = 1e-3
TOP = 3
WHY_Z = 2.0           # a test enters why from this equivalent z

FEATURES = ["hr", "spo2", "temp", "acc_mag", "gyro_mag", "dt", "sz"]
# Features with the stuck-sensor test (dt and sz are traffic, not sensors).
STUCK = np.array([True, True, True, True, True, False, False])
KINDS = ["level", "change", "stuck"]


def norm(value):
    if not isinstance(value, list) or not value:
        return math.nan
    total = 0.0
    for x in value:
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            return math.nan
        total += x * x
    return math.sqrt(total)


def number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return math.nan
    return float(value)


# Reading is column by column: one orjson.loads per line (over a chunk of
# lines at a time, so only a chunk's dicts are alive), then one list
# comprehension per member and one NumPy conversion per column. The type
# checks are whole-column set(map(type, ...)) tests; a column that fails
# them (a bool, a string, a ragged vector) takes the per-value functions
# above, so the result is the same either way.
CHUNK = 1 << 16
NUMERIC = {int, float}
NUMERIC_OR_MISSING = {int, float, type(None)}


def numbers(column):
    """A numeric member per record as float64, NaN where missing or not a number (bools are not)."""
    if set(map(type, column)) <= NUMERIC_OR_MISSING:
        return np.array(column, dtype=np.float64)  # None -> NaN
    return np.array([number(v) for v in column], dtype=np.float64)


def norms(column):
    """The Euclidean norm of a numeric array member per record (acc, gyro), NaN otherwise."""
    out = np.full(len(column), np.nan)
    rows = [i for i, v in enumerate(column) if type(v) is list]
    vectors = [column[i] for i in rows]
    if vectors and len(set(map(len, vectors))) == 1 and vectors[0] \
            and set(map(type, chain.from_iterable(vectors))) <= NUMERIC:
        a = np.array(vectors, dtype=np.float64)
        total = a[:, 0] * a[:, 0]
        for j in range(1, a.shape[1]):  # summed in order, as norm() does
            total = total + a[:, j] * a[:, j]
        out[rows] = np.sqrt(total)
    elif vectors:
        out[rows] = [norm(v) for v in vectors]
    return out


def string_counts(column):
    """How many strings each record's array member holds (flags), 0 when it is not an array."""
    out = np.zeros(len(column))
    rows = [i for i, v in enumerate(column) if type(v) is list]
    out[rows] = [sum(isinstance(x, str) for x in column[i]) for i in rows]
    return out


def parse(lines):
    """The records of lines that are JSON objects, and those lines."""
    try:
        records = list(map(orjson.loads, lines))
    except orjson.JSONDecodeError:
        records = []
        for line in lines:
            try:
                records.append(orjson.loads(line))
            except orjson.JSONDecodeError:
                records.append(None)
    if set(map(type, records)) != {dict}:
        kept = [i for i, r in enumerate(records) if isinstance(r, dict)]
        records, lines = [records[i] for i in kept], [lines[i] for i in kept]
    return records, lines


def read(data):
    """Parses every line of data: returns the lines kept (the JSON objects, without their line end),
    device keys, event times (rx, else ts), the features and the flag counts."""
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()  # the newline ending the last line
    if b"\r" in data:
        lines = [line.rstrip(b"\r") for line in lines]
    kept, keys, times, columns, flags = [], [], [], [], []
    for start in range(0, len(lines), CHUNK):
        records, chunk = parse(lines[start:start + CHUNK])
        kept += chunk
        get = [r.get("dev") for r in records]
        keys += get if set(map(type, get)) <= {str} else [k if isinstance(k, str) else "" for k in get]
        rx, ts = numbers([r.get("rx") for r in records]), numbers([r.get("ts") for r in records])
        times.append(np.where(np.isnan(rx), ts, rx))  # NaN only where rx is not a number
        columns.append(np.stack([numbers([r.get("hr") for r in records]),
                                 numbers([r.get("spo2") for r in records]),
                                 numbers([r.get("temp") for r in records]),
                                 norms([r.get("acc") for r in records]),
                                 norms([r.get("gyro") for r in records]),
                                 np.full(len(records), np.nan),  # dt, from the times
                                 numbers([r.get("sz") for r in records])], axis=1))
        flags.append(string_counts([r.get("flags") for r in records]))
        del records
    # Features are single precision, as in wear-score (whose state is SIMD8<Float>): a repeat is
    # equality of the float32 values.
    features = np.concatenate(columns or [np.zeros((0, len(FEATURES)))]).astype(np.float32).astype(np.float64)
    return kept, keys, np.concatenate(times or [np.zeros(0)]), features, np.concatenate(flags or [np.zeros(0)])


def tail_p(z, q, s):
    """Two-sided p of z: a normal's up to TAIL, the learned exponential tail beyond."""
    a = np.abs(z)
    normal = erfc(a / math.sqrt(2))
    return np.where(a <= TAIL, normal, np.maximum(normal, q * np.exp(-(a - TAIL) / np.maximum(s, S_FLOOR))))


def fisher(log_p, k):
    """P(product of k uniforms <= exp(log_p)): exp(log_p) * sum_{j<k} (-log_p)^j / j!."""
    y = -log_p
    term = np.ones_like(y)
    total = np.ones_like(y)
    for j in range(1, int(k.max(initial=1))):
        term = term * y / j
        total = total + np.where(j < k, term, 0.0)
    return np.minimum(1.0, np.exp(log_p) * total)


class Detectors:
    """The state of every device, one row per device, one column per feature."""

    def __init__(self, devices, features, warmup):
        shape = (devices, features)
        self.warmup = warmup
        self.n = np.zeros(shape)          # values seen
        self.mean = np.zeros(shape)
        self.var = np.zeros(shape)
        self.nd = np.zeros(shape)         # differences seen
        self.dmean = np.zeros(shape)
        self.dvar = np.zeros(shape)
        self.last = np.full(shape, np.nan)
        self.p0 = np.full(shape, 0.5)     # rate of repeats
        q0 = math.erfc(TAIL / math.sqrt(2))
        s0 = math.exp(-TAIL * TAIL / 2) / math.sqrt(2 * math.pi) / (q0 / 2) - TAIL
        self.q = np.full((2,) + shape, q0)   # exceedance rate: level, change
        self.s = np.full((2,) + shape, s0)   # mean excess: level, change
        self.run = np.zeros(shape)        # repeats of the current value
        self.records = np.zeros(devices)  # records seen per device
        self.time = np.full(devices, np.nan)

    def step(self, rows, x, flag_log_p):
        """Scores the records x (one per device in rows) and updates the state; returns (score, z, p)."""
        n, mean, var = self.n[rows], self.mean[rows], self.var[rows]
        nd, dmean, dvar = self.nd[rows], self.dmean[rows], self.dvar[rows]
        last, p0, run = self.last[rows], self.p0[rows], self.run[rows]
        present = ~np.isnan(x)
        has_last = present & ~np.isnan(last)

        floor = (REL_FLOOR * np.abs(mean)) ** 2 + ABS_FLOOR ** 2
        sd = np.sqrt(var + floor)
        r = np.where(present, x - mean, 0.0)
        z_level = np.where(present & (n >= 2), r / sd, 0.0)

        d = np.where(has_last, x - last, 0.0)
        dsd = np.sqrt(dvar + floor)
        rd = d - dmean
        z_change = np.where(has_last & (nd >= 2), rd / dsd, 0.0)

        repeat = has_last & (d == 0)
        run = np.where(has_last, np.where(repeat, run + 1, 0.0), run)
        log_stuck = np.where(has_last & STUCK, run * np.log(np.maximum(p0, BETA)), 0.0)

        q, s = self.q[:, rows], self.s[:, rows]
        p_level = np.where(present, tail_p(z_level, q[0], s[0]), 1.0)
        p_change = np.where(has_last, tail_p(z_change, q[1], s[1]), 1.0)
        p_stuck = np.exp(log_stuck)
        k = (has_last & STUCK).sum(axis=1)
        p_body = np.where(k >= 2, fisher(log_stuck.sum(axis=1), k), 1.0)

        tests = present.sum(axis=1) + has_last.sum(axis=1) + k + (k >= 2)
        p_min = np.minimum(np.minimum(p_level, p_change).min(axis=1, initial=1.0), p_stuck.min(axis=1, initial=1.0))
        p_min = np.minimum(p_min, p_body)
        # Sidak over the tests made, then the flags' evidence (Fisher's method for two p-values).
        p_det = -np.expm1(tests * np.log1p(-np.minimum(p_min, 1 - 1e-16)))
        p_det = np.where(tests > 0, p_det, 1.0)
        log_pi = np.log(np.maximum(p_det, 1e-300)) + flag_log_p
        p = np.where(flag_log_p < 0, np.exp(log_pi) * (1 - log_pi), p_det)
        score = np.where((self.records[rows] >= self.warmup) & (tests > 0), 1 - p, np.nan)

        # Updates: running averages while warming up, then exponential
        # weights with residuals clipped at CLIP standard deviations.
        n0, nd0 = n, nd  # counts before this record, for the tails
        warm = n >= self.warmup
        a = np.where(warm, ALPHA, 1.0 / (n + 1))
        b = np.where(warm, BETA, 1.0 / np.maximum(n, 1))
        rc = np.where(warm, np.clip(r, -CLIP * sd, CLIP * sd), r)
        rv = np.where(warm, np.clip(r, -VCLIP * sd, VCLIP * sd), r)
        mean = np.where(present, np.where(n == 0, x, mean + a * rc), mean)
        var = np.where(present & (n > 0), var + b * (rv * rv - var), var)
        n = n + present

        dwarm = nd >= self.warmup
        a = np.where(dwarm, ALPHA, 1.0 / (nd + 1))
        b = np.where(dwarm, BETA, 1.0 / np.maximum(nd, 1))
        rdc = np.where(dwarm, np.clip(rd, -CLIP * dsd, CLIP * dsd), rd)
        rdv = np.where(dwarm, np.clip(rd, -VCLIP * dsd, VCLIP * dsd), rd)
        dmean = np.where(has_last, np.where(nd == 0, d, dmean + a * rdc), dmean)
        dvar = np.where(has_last & (nd > 0), dvar + b * (rdv * rdv - dvar), dvar)
        b0 = np.where(dwarm, BETA, 1.0 / (nd + 2))
        p0 = np.where(has_last, p0 + b0 * (repeat - p0), p0)
        nd = nd + has_last
        last = np.where(present, x, last)
        for i, (z, used, count) in enumerate(((z_level, present & (n0 > 2), n0), (z_change, has_last & (nd0 > 2), nd0))):
            over = np.abs(z) > TAIL
            b = np.where(count >= self.warmup, BETA, 1.0 / (count + 2))
            q[i] = np.where(used, q[i] + b * (over - q[i]), q[i])
            excess = np.minimum(np.abs(z) - TAIL, EXCESS_CAP)
            s[i] = np.where(used & over, s[i] + GAMMA * (excess - s[i]), s[i])
        self.q[:, rows], self.s[:, rows] = q, s

        self.n[rows], self.mean[rows], self.var[rows] = n, mean, var
        self.nd[rows], self.dmean[rows], self.dvar[rows] = nd, dmean, dvar
        self.last[rows], self.p0[rows], self.run[rows] = last, p0, run
        self.records[rows] += 1
        z = np.stack([np.sign(z_level) * _z_of_p(p_level / 2), np.sign(z_change) * _z_of_p(p_change / 2),
                      np.where(log_stuck < 0, _z_of_p(p_stuck), 0.0)], axis=2)
        body = np.where(p_body < 1, _z_of_p(p_body), 0.0)
        return score, z, body


def _z_of_p(p):
    """The z with P(Z >= z) = p (one-sided), for the why list of a stuck run."""
    return -ndtri(np.clip(p, 1e-300, 0.5))


def score_all(keys, times, values, flags, warmup):
    index = {}
    device = np.array([index.setdefault(k, len(index)) for k in keys], dtype=np.int64)
    order = np.argsort(device, kind="stable")
    counts = np.bincount(device, minlength=len(index))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    position = np.empty(len(keys), dtype=np.int64)
    position[order] = np.arange(len(keys)) - np.repeat(starts, counts)
    flag_log_p = np.array([len(f) * math.log(FLAG_P) for f in flags])
    det = Detectors(len(index), len(FEATURES), warmup)
    scores = np.full(len(keys), np.nan)
    zs = np.zeros((len(keys), len(FEATURES), len(KINDS)))
    bodies = np.zeros(len(keys))
    by_step = np.argsort(position, kind="stable")
    bounds = np.searchsorted(position[by_step], np.arange(counts.max(initial=0) + 1))
    for k in range(len(bounds) - 1):
        records = by_step[bounds[k]:bounds[k + 1]]
        rows = device[records]
        x = values[records].copy()
        t = times[records]
        prev = det.time[rows]
        x[:, FEATURES.index("dt")] = np.where(t > prev, (t - prev) / 1000.0, np.nan).astype(np.float32)
        det.time[rows] = np.where(np.isnan(prev) | (t > prev), t, prev)
        s, z, body = det.step(rows, x, flag_log_p[records])
        scores[records] = s
        zs[records] = z
        bodies[records] = body
    return scores, zs, bodies


def why(z, body):
    items = [(FEATURES[f], KINDS[k], float(z[f, k])) for f in range(len(FEATURES)) for k in range(len(KINDS))
             if abs(z[f, k]) >= WHY_Z]
    if body >= WHY_Z:
        items.append(("all", "stuck", float(body)))
    items.sort(key=lambda item: -abs(item[2]))
    return [{"feature": f, "kind": k, "z": round(v, 1)} for f, k, v in items[:TOP]]


def format_score(s):
    micros = min(int(math.floor(s * 1_000_000)), 1_000_000)
    if micros >= 1_000_000:
        return b"1"
    return ("0.%06d" % micros).rstrip("0").rstrip(".").encode() if micros else b"0"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup", type=int, default=WARMUP)
    parser.add_argument("--scores-only", metavar="OUT.npy")
    args = parser.parse_args()
    lines, keys, times, values, flags = read(sys.stdin.buffer)
    scores, zs, bodies = score_all(keys, times, values, flags, args.warmup)
    if args.scores_only:
        np.save(args.scores_only, scores)
        return
    out = sys.stdout.buffer
    for line, s, z, body in zip(lines, scores, zs, bodies):
        score = b"null" if math.isnan(s) else format_score(s)
        out.write(line[:-1] + b',"score":' + score + b',"why":' + orjson.dumps(why(z, body)) + b"}\n")


if __name__ == "__main__":
    main()
