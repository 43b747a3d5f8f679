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

Python does per record only what cannot be batched: orjson.loads and the
member look-ups. Values become NumPy columns, the detectors run on whole
steps, and score and why become text in a few bytes-formatting calls over
all records; each record is its input bytes up to the final "}" with the
new members spliced in. The output is byte for byte that of the first
version of this script (one dict, one tuple and one orjson.dumps per record).
"""
import argparse
import gc
import math
import sys
from itertools import chain, compress, repeat

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
# residual's probability is learned per device, feature and kind as
# q * P(|X| > |z| | |X| > TAIL): q the rate of exceedances, X the unit-variance
# Student-t whose mean log-excess ln(|X| / TAIL) beyond TAIL is h, the
# exceedances' own (each counted at most LOG_CAP; a normal for h at or under
# a normal's, a power law of index 1/h past 1/nu = 0.45: tail_table). Both
# are running averages from a prior worth
# PRIOR_EXCEEDANCES exceedances (q a normal's, h PRIOR_H) until their weight
# falls to RATE_WEIGHT (q, per record) and LOG_WEIGHT (h, per exceedance).
TAIL = 2.5
PRIOR_EXCEEDANCES = 8.0
PRIOR_H = 0.2
RATE_WEIGHT = 1.0 / 1024
LOG_WEIGHT = 1.0 / 64
LOG_CAP = 2.0
H_FLOOR = 0.05
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


# Reading, a block of about BLOCK_BYTES at a time: one orjson.loads per
# line, PARSE_CHUNK lines at a time (their dicts stay in cache while one list
# comprehension per member takes the values out, NaN where missing), then
# one NumPy conversion per member for the block. The type checks are
# whole-column set(map(type, ...)) tests; a column that fails them (a bool,
# a string, a ragged vector) takes the per-value functions above, so the
# result is the same either way.
PARSE_CHUNK = 256
BLOCK_BYTES = 1 << 24
MEMBERS = ["dev", "rx", "ts", "hr", "spo2", "temp", "acc", "gyro", "sz", "flags"]
NUMERIC = {int, float}
NAN = math.nan
VALUE_LIMIT = 1e18
NUMERIC_OR_MISSING = {int, float, type(None)}


def numbers(column):
    """A numeric member per record as float64, NaN where missing (read as NaN) or not a number
    (bools are not)."""
    types = set(map(type, column))
    if types <= NUMERIC:
        return np.fromiter(column, dtype=np.float64, count=len(column))
    if types <= NUMERIC_OR_MISSING:
        return np.array(column, dtype=np.float64)  # null -> NaN
    return np.array([number(v) for v in column], dtype=np.float64)


def norms(column):
    """The Euclidean norm of a numeric array member per record (acc, gyro), NaN otherwise."""
    out = np.full(len(column), np.nan)
    rows = np.fromiter(map(isinstance, column, repeat(list)), dtype=bool, count=len(column))
    vectors = list(compress(column, rows.tolist()))
    width = len(vectors[0]) if vectors else 0
    if width and set(map(len, vectors)) == {width} and set(map(type, chain.from_iterable(vectors))) <= NUMERIC:
        a = np.fromiter(chain.from_iterable(vectors), dtype=np.float64, count=len(vectors) * width)
        a = a.reshape(len(vectors), width)
        total = a[:, 0] * a[:, 0]
        for j in range(1, width):  # summed in order, as norm() does
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


class Block:
    """A stretch of the input of about BLOCK_BYTES, cut after a line end: its records and, for the
    output, the head of each (its line up to the final "}"). heads is None when every line of the
    stretch is a record ending in "}" (wear-filter's output): the heads are then one split of the
    bytes at "}\n" when written, and need not be kept meanwhile."""

    def __init__(self, start, end, records, heads):
        self.start, self.end, self.records, self.heads = start, end, records, heads


def read(data):
    """Parses every line of data: returns the blocks, each record's device (numbered by first
    appearance), event time (rx, else ts), features and flag count."""
    index, blocks, devices, times, columns, flags = {}, [], [], [], [], []
    start = 0
    while start < len(data):
        end = data.find(b"\n", start + BLOCK_BYTES) + 1 or len(data)
        lines = data[start:end].split(b"\n")
        if not lines[-1]:
            lines.pop()  # the newline ending the last line
        if data.find(b"\r", start, end) >= 0:
            lines = [line.rstrip(b"\r\n") for line in lines]
        kept, values = [], {name: [] for name in MEMBERS}
        for at in range(0, len(lines), PARSE_CHUNK):
            records, chunk = parse(lines[at:at + PARSE_CHUNK])
            kept += chunk
            for name, column in values.items():
                column += [r.get(name, NAN) for r in records]  # NaN: missing (JSON has no NaN)
        plain = len(kept) == len(lines) and data.count(b"}\n", start, end) == len(lines) \
            and data.endswith(b"}\n", start, end)
        blocks.append(Block(start, end, len(kept), None if plain else [line[:-1] for line in kept]))
        del lines, kept
        start = end
        dev = values["dev"]
        if not set(map(type, dev)) <= {str}:
            dev = [k if isinstance(k, str) else "" for k in dev]
        for key in dict.fromkeys(dev):
            index.setdefault(key, len(index))
        devices.append(np.fromiter(map(index.__getitem__, dev), dtype=np.int64, count=len(dev)))
        rx, ts = numbers(values["rx"]), numbers(values["ts"])
        times.append(np.where(np.isnan(rx), ts, rx))  # NaN only where rx is not a number
        columns.append(np.stack([numbers(values["hr"]), numbers(values["spo2"]), numbers(values["temp"]),
                                 norms(values["acc"]), norms(values["gyro"]),
                                 np.full(len(dev), np.nan),  # dt, from the times
                                 numbers(values["sz"])], axis=1))
        flags.append(string_counts(values["flags"]))
    # Features are single precision, as in wear-score (whose state is SIMD8<Float>): a repeat is
    # equality of the float32 values.
    # Values beyond +-1e18 are clamped to it first (ScoreShard.valueLimit: the squares stay finite in float32).
    features = np.clip(np.concatenate(columns or [np.zeros((0, len(FEATURES)))]), -VALUE_LIMIT, VALUE_LIMIT)
    features = features.astype(np.float32).astype(np.float64)
    return (blocks, np.concatenate(devices or [np.zeros(0, np.int64)]), np.concatenate(times or [np.zeros(0)]),
            features, np.concatenate(flags or [np.zeros(0)]))


def tail_table(tail=TAIL, shapes=91, shape_step=0.005, points=141, point_step=1 / 32, substeps=8, end=6.0):
    """The shapes of the learned tail (Sources/WearScore/ResidualTail.swift, the same table built
    the same way): unit-variance Student-t tails with 1/nu from 0 (a normal) to 0.45, their mean
    log-excess ln(|z| / tail) beyond `tail`, and ln P(|X| > tail e^w | |X| > tail) on a grid of w."""
    step = point_step / substeps
    w = np.arange(round(end / step) + 1) * step
    x = tail * np.exp(w)
    excess, survival = [], []
    for s in range(shapes):
        g = s * shape_step
        if g == 0:
            log_density = lambda v: -v * v / 2
            decay = max(x[-1] ** 2 - 1, 1)
        else:
            nu = 1 / g
            log_density = lambda v, nu=nu: -(nu + 1) / 2 * np.log1p(v * v / (nu - 2))
            decay = nu
        density = np.exp(log_density(x) - log_density(tail) + w)
        pieces = step * (density[:-1] + density[1:]) / 2
        above = np.concatenate([np.cumsum(pieces[::-1])[::-1], [0.0]]) + density[-1] / decay
        moment = np.sum(step * (w[:-1] * density[:-1] + w[1:] * density[1:]) / 2) + density[-1] / decay * (end + 1 / decay)
        excess.append(moment / above[0])
        survival.append(np.log(np.maximum(above[::substeps][:points], 1e-300) / above[0]))
    return np.array(excess), np.array(survival), point_step


TAIL_EXCESS, TAIL_SURVIVAL, TAIL_STEP = tail_table()


def tail_log_conditional(a, h):
    """ln P(|X| > a | |X| > TAIL) for the shape of mean log-excess h (a > TAIL): interpolated in h
    and in w = ln(a / TAIL); a power law of index 1/h past the heaviest shape."""
    w = np.log(a / TAIL)
    lower = np.clip(np.searchsorted(TAIL_EXCESS, h, side="right") - 1, 0, len(TAIL_EXCESS) - 2)
    fraction = np.where(h > TAIL_EXCESS[0], (h - TAIL_EXCESS[lower]) / (TAIL_EXCESS[lower + 1] - TAIL_EXCESS[lower]), 0.0)
    x = w / TAIL_STEP
    k = np.minimum(x.astype(np.int64), TAIL_SURVIVAL.shape[1] - 2)
    t = x - k
    def at(shape):
        return TAIL_SURVIVAL[shape, k] + t * (TAIL_SURVIVAL[shape, k + 1] - TAIL_SURVIVAL[shape, k])
    value = at(lower) + fraction * (at(lower + 1) - at(lower))
    return np.where(h >= TAIL_EXCESS[-1], -w / h, value)


def tail_p(z, q, h):
    """Two-sided p of z: a normal's up to TAIL, beyond it the larger of the normal's and the learned
    tail, q times the conditional tail of the shape whose mean log-excess is h."""
    a = np.abs(z)
    normal = erfc(a / math.sqrt(2))
    beyond = a > TAIL
    if not np.any(beyond):
        return normal
    out = normal.copy()
    ab = a[beyond]
    learned = q[beyond] * np.exp(tail_log_conditional(ab, np.maximum(h[beyond], H_FLOOR)))
    out[beyond] = np.maximum(normal[beyond], learned)
    return out


def fisher(log_p, k):
    """P(product of k uniforms <= exp(log_p)): exp(log_p) * sum_{j<k} (-log_p)^j / j!."""
    y = -log_p
    term = np.ones_like(y)
    total = np.ones_like(y)
    for j in range(1, int(k.max(initial=1))):
        term = term * y / j
        total = total + np.where(j < k, term, 0.0)
    return np.minimum(1.0, np.exp(log_p) * total)


# The state: one (features, devices) plane per quantity, in one array.
# Devices are numbered by their record count, most first, so the devices
# of step k (those with more than k records) are the first m: a step reads
# and writes its state as slices, without gathering or scattering, and its
# records (features as rows, devices as columns) as one slice of the input
# in step order. Reductions over a record's features are then over rows.
N, MEAN, VAR, ND, DMEAN, DVAR, LAST, P0, RUN, Q_LEVEL, Q_CHANGE, S_LEVEL, S_CHANGE = range(13)  # adjacent pairs
STUCK_ROWS = STUCK[:, None]
Q0 = math.erfc(TAIL / math.sqrt(2))  # a normal's rate beyond TAIL: the rates' prior


class Detectors:
    """The state of every device: per quantity, one row per feature, one column per device."""

    def __init__(self, devices, features, warmup):
        self.warmup = warmup
        self.state = np.zeros((13, features, devices))
        # N, ND: values and differences seen; RUN: repeats of the current value
        self.state[LAST] = np.nan
        self.state[P0] = 0.5             # rate of repeats
        self.state[Q_LEVEL:Q_CHANGE + 1] = Q0   # exceedance rate: level, change
        self.state[S_LEVEL:S_CHANGE + 1] = PRIOR_H   # mean log-excess: level, change
        self.time = np.full(devices, np.nan)   # latest event time

    def step(self, seen, x, flag_log_p):
        """Scores the records x (features by devices 0..m-1), the seen-th record of each of those
        devices (from 0), and updates the state; returns the scores, the tests' equivalent z
        (feature, kind, device) and the joint stuck test's."""
        state = self.state[:, :, :x.shape[1]]  # a view: assignments below update the state
        n, mean, var, nd, dmean, dvar, last, p0, run = state[:RUN + 1]
        q, s = state[Q_LEVEL:Q_CHANGE + 1], state[S_LEVEL:S_CHANGE + 1]  # level, change
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
        log_stuck = np.where(has_last & STUCK_ROWS, run * np.log(np.maximum(p0, BETA)), 0.0)

        p_level = np.where(present, tail_p(z_level, q[0], s[0]), 1.0)
        p_change = np.where(has_last, tail_p(z_change, q[1], s[1]), 1.0)
        p_stuck = np.exp(log_stuck)
        k = (has_last & STUCK_ROWS).sum(axis=0)
        p_body = np.where(k >= 2, fisher(log_stuck.sum(axis=0), k), 1.0)

        tests = present.sum(axis=0) + has_last.sum(axis=0) + k + (k >= 2)
        p_min = np.minimum(np.minimum(p_level, p_change).min(axis=0, initial=1.0), p_stuck.min(axis=0, initial=1.0))
        p_min = np.minimum(p_min, p_body)
        # Sidak over the tests made, then the flags' evidence (Fisher's method for two p-values).
        p_det = -np.expm1(tests * np.log1p(-np.minimum(p_min, 1 - 1e-16)))
        p_det = np.where(tests > 0, p_det, 1.0)
        log_pi = np.log(np.maximum(p_det, 1e-300)) + flag_log_p
        p = np.where(flag_log_p < 0, np.exp(log_pi) * (1 - log_pi), p_det)
        score = np.where(tests > 0, 1 - p, np.nan) if seen >= self.warmup else np.full(len(p), np.nan)

        # Updates: running averages while warming up, then exponential
        # weights with residuals clipped at CLIP standard deviations.
        n0, nd0 = n.copy(), nd.copy()  # counts before this record, for the tails
        warm = n >= self.warmup
        a = np.where(warm, ALPHA, 1.0 / (n + 1))
        b = np.where(warm, BETA, 1.0 / np.maximum(n, 1))
        rc = np.where(warm, np.clip(r, -CLIP * sd, CLIP * sd), r)
        rv = np.where(warm, np.clip(r, -VCLIP * sd, VCLIP * sd), r)
        mean[...] = np.where(present, np.where(n == 0, x, mean + a * rc), mean)
        var[...] = np.where(present & (n > 0), var + b * (rv * rv - var), var)
        n += present

        dwarm = nd >= self.warmup
        a = np.where(dwarm, ALPHA, 1.0 / (nd + 1))
        b = np.where(dwarm, BETA, 1.0 / np.maximum(nd, 1))
        rdc = np.where(dwarm, np.clip(rd, -CLIP * dsd, CLIP * dsd), rd)
        rdv = np.where(dwarm, np.clip(rd, -VCLIP * dsd, VCLIP * dsd), rd)
        dmean[...] = np.where(has_last, np.where(nd == 0, d, dmean + a * rdc), dmean)
        dvar[...] = np.where(has_last & (nd > 0), dvar + b * (rdv * rdv - dvar), dvar)
        b0 = np.where(dwarm, BETA, 1.0 / (nd + 2))
        p0[...] = np.where(has_last, p0 + b0 * (repeat - p0), p0)
        nd += has_last
        last[...] = np.where(present, x, last)
        state[RUN] = run
        for i, (z, used, count) in enumerate(((z_level, present & (n0 > 2), n0), (z_change, has_last & (nd0 > 2), nd0))):
            over = np.abs(z) > TAIL
            # Running averages from the prior (its records: PRIOR_EXCEEDANCES at a normal's rate),
            # then exponential weights; the exceedances so far are the rate times the records.
            seen = count + PRIOR_EXCEEDANCES / Q0
            b = np.maximum(1.0 / seen, RATE_WEIGHT)
            g = np.maximum(1.0 / (q[i] * seen + 1), LOG_WEIGHT)
            q[i] = np.where(used, q[i] + b * (over - q[i]), q[i])
            excess = np.minimum(np.log(np.maximum(np.abs(z), TAIL) / TAIL), LOG_CAP)
            s[i] = np.where(used & over, s[i] + g * (excess - s[i]), s[i])

        # The equivalent z of each test, for why (0 where the test's p is
        # above 0.05: such a z is below 1.96, and why starts at WHY_Z = 2).
        z = np.stack([np.sign(z_level) * _why_z(p_level / 2), np.sign(z_change) * _why_z(p_change / 2),
                      _why_z(np.where(log_stuck < 0, p_stuck, 1.0))], axis=1)  # feature, kind, device
        body = _why_z(p_body)
        return score, z, body


def _why_z(p):
    """The z with P(Z >= z) = p (one-sided) where p <= 0.05 (z >= 1.64), 0 elsewhere: the
    quantile costs, and only a z >= WHY_Z can enter why."""
    z = np.zeros(p.shape)
    small = p <= 0.05
    z[small] = -ndtri(np.clip(p[small], 1e-300, 0.5))
    return z


def score_all(device, times, values, flags, warmup):
    """Scores every record; returns the scores (NaN: null) and the why candidates: the records with
    a test of |z| >= WHY_Z (in input order) and their z (one column per feature and kind, then the
    joint stuck test)."""
    counts = np.bincount(device)
    # Renumber the devices by record count, most first (see Detectors).
    rank = np.empty(len(counts), dtype=np.int64)
    rank[np.argsort(-counts, kind="stable")] = np.arange(len(counts))
    device = rank[device]
    counts = np.sort(counts)[::-1]
    # A record's step is its position among its device's records: step k
    # scores the k-th record of every device at once.
    order = np.argsort(device, kind="stable")
    starts = np.cumsum(counts) - counts
    position = np.empty(len(device), dtype=np.int64)
    position[order] = np.arange(len(device)) - np.repeat(starts, counts)
    # Step order: by step, then by device, so step k's records are devices 0..m-1 in order.
    by_step = np.lexsort((device, position))
    bounds = np.searchsorted(position[by_step], np.arange(counts.max(initial=0) + 1))
    x_all = np.ascontiguousarray(values[by_step].T)  # features by records, in step order
    t_all = times[by_step]
    flag_log_p = (flags * math.log(FLAG_P))[by_step]
    det = Detectors(len(counts), len(FEATURES), warmup)
    scores = np.empty(len(device))
    why_records, why_z = [], []
    dt = FEATURES.index("dt")
    for k in range(len(bounds) - 1):
        lo, hi = bounds[k], bounds[k + 1]
        x, t = x_all[:, lo:hi], t_all[lo:hi]
        prev = det.time[:hi - lo]
        x[dt] = np.where(t > prev, (t - prev) / 1000.0, np.nan).astype(np.float32)
        det.time[:hi - lo] = np.where(np.isnan(prev) | (t > prev), t, prev)
        s, z, body = det.step(k, x, flag_log_p[lo:hi])
        scores[lo:hi] = s
        # Only the records with something for why keep their z (about a third here).
        z = np.concatenate([z.reshape(-1, hi - lo), body[None, :]])
        hit = (np.abs(z) >= WHY_Z).any(axis=0)
        why_records.append(by_step[lo:hi][hit])
        why_z.append(z[:, hit].T)
    in_order = np.empty(len(device))
    in_order[by_step] = scores
    why_records = np.concatenate(why_records or [np.zeros(0, np.int64)])
    why_z = np.concatenate(why_z or [np.zeros((0, len(WHY_ITEMS)))])
    order = np.argsort(why_records)
    return in_order, why_records[order], why_z[order]


# why's entries by candidate column (feature-major, then kind; the joint stuck test last), as
# bytes-formatting templates: b"%.1f" is round(z, 1) printed as orjson prints it (|z| < 40 here).
WHY_ITEMS = [b'{"feature":"%s","kind":"%s","z":%%.1f}' % (f.encode(), k.encode()) for f in FEATURES for k in KINDS] \
    + [b'{"feature":"all","kind":"stuck","z":%.1f}']


def why_texts(z):
    """The why of each candidate row of z: its TOP largest |z| of at least WHY_Z, strongest first,
    ties in column order (as a stable sort has them); built by one bytes-formatting call."""
    if not len(z):
        return []
    size = np.nan_to_num(np.abs(z), nan=-1.0)  # a NaN z (never in why) sorts last
    order = np.empty((len(z), TOP), dtype=np.int64)
    for i in range(TOP):  # argmax is the first largest: the stable order of ties
        order[:, i] = np.argmax(size, axis=1)
        size[np.arange(len(z)), order[:, i]] = -2.0
    top = np.take_along_axis(z, order, axis=1)
    used = np.abs(top) >= WHY_Z  # the strongest first, so the used ones lead each row
    # One format string for all rows: "[" item ("," item)... "]\n" per row, an item's template
    # per used candidate (rows are consecutive), then one bytes-formatting call for every z.
    first = np.zeros(used.shape, dtype=bool)
    first[:, 0] = True
    openers = np.where(first, b"]\n[", b",")[used].tolist()
    openers[0] = b"["
    text = b"".join(chain.from_iterable(zip(openers, map(WHY_ITEMS.__getitem__, order[used].tolist())))) \
        + b"]\n"
    text = text % tuple(top[used].tolist())
    return text.split(b"\n")[:-1]


def format_score(s):
    micros = min(int(math.floor(s * 1_000_000)), 1_000_000)
    if micros >= 1_000_000:
        return b"1"
    return ("0.%06d" % micros).rstrip("0").rstrip(".").encode() if micros else b"0"


def score_texts(scores):
    """format_score of every score (b"null" for NaN), the usual 1 to 999,999 micros in one
    bytes-formatting call: 0.%0*d with the trailing zeros cut by the width."""
    texts = np.full(len(scores), b"null", dtype=object)
    micros = np.minimum(np.floor(scores * 1_000_000), 1_000_000)
    texts[micros == 1_000_000] = b"1"
    texts[micros == 0] = b"0"
    rare = ~np.isnan(micros) & ((micros < 0) | (micros != np.floor(micros)))
    for i in np.flatnonzero(rare):  # never on scores in [0, 1]; format_score's output as it is
        texts[i] = format_score(scores[i])
    usual = (micros >= 1) & (micros < 1_000_000)
    m = micros[usual].astype(np.int64)
    zeros = np.zeros(len(m), dtype=np.int64)  # trailing zeros of the six digits
    for j in range(1, 6):
        zeros += m % 10 ** j == 0
    args = np.empty(2 * len(m), dtype=np.int64)
    args[0::2], args[1::2] = 6 - zeros, m // 10 ** zeros
    texts[usual] = (b"0.%0*d\n" * len(m) % tuple(args.tolist())).split(b"\n")[:-1]
    return texts.tolist()


RECORD = b'%s,"score":%s,"why":%s}\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup", type=int, default=WARMUP)
    parser.add_argument("--scores-only", metavar="OUT.npy")
    args = parser.parse_args()
    # No reference cycles are made here, and with every record's values
    # alive the cyclic collector would rescan them all, again and again.
    gc.disable()
    data = sys.stdin.buffer.read()
    blocks, device, times, values, flags = read(data)
    scores, why_records, why_z = score_all(device, times, values, flags, args.warmup)
    if args.scores_only:
        np.save(args.scores_only, scores)
        return
    # Each record is written as its head (its line up to the final "}"),
    # then the score and why, then "}\n": one bytes-formatting call per block.
    out = sys.stdout.buffer
    first = 0
    for block in blocks:
        last = first + block.records
        heads = block.heads if block.heads is not None else data[block.start:block.end].split(b"}\n")
        whys = [b"[]"] * block.records
        lo, hi = np.searchsorted(why_records, [first, last])
        for i, text in zip((why_records[lo:hi] - first).tolist(), why_texts(why_z[lo:hi])):
            whys[i] = text
        out.write(RECORD * block.records % tuple(chain.from_iterable(zip(heads, score_texts(scores[first:last]), whys))))
        first = last


if __name__ == "__main__":
    main()
