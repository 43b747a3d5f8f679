#!/usr/bin/env python3
"""pipelines/rules/default.rules in plain Python: the benchmark's Python peer
and an independent implementation that bench/filter/run.sh checks wear-filter
against, record by record.

    rules.py [--rules FILE] [--stateless] [--counts] [--decisions FILE] < in > out
    rules.py --self-test

Reads NDJSON on stdin and writes the records the rules keep on stdout (a
record no tag matched byte for byte; otherwise with the tags appended to its
"flags" array); dropped records go nowhere. The rules are written out by hand
below, one function each, with the semantics of docs/rules.md (missing values,
state per call site and key, stateful calls run before the expression, nginx
limit_req in thousandths, the two-window rate, the EWMA z-score with its floor
and clipping). --rules FILE checks that FILE holds exactly these rules (the
same action, name and expression text, whitespace aside) and refuses to run
otherwise, so a changed rules file cannot be compared with stale Python.

  --stateless       only the rules without state (what the jq peer does too)
  --counts          per-rule counts and the accounting line on stderr
  --decisions FILE  one line per input record: "drop REASON" or "keep FLAGS"
                    (comma-separated, "-" for none), for the cross-check
"""
import json
import math
import re
import sys

GRAPH_1_64 = re.compile(r"[!-~]{1,64}")  # RE2's [[:graph:]] is ASCII 0x21-0x7e

# The rules this file implements: (action, name, expression), in file order.
RULES = [
    ("keep", "telemetry", 'match(dev, "^[[:graph:]]{1,64}$") and seq >= 0 and ts > 0'),
    ("drop", "oversize", "sz > 4KiB"),
    ("drop", "flood", "seq <= max(dev, seq) and bucket(dev, 3/s, 30)"),
    ("tag", "burst", "rate(dev, 10s) > 3/s"),
    ("drop", "hr_range", "hr < 0 or hr > 300"),
    ("drop", "spo2_range", "spo2 < 0 or spo2 > 100"),
    ("drop", "bat_range", "bat < 0 or bat > 100"),
    ("tag", "hr_extreme", "hr > 220 or (hr > 0 and hr < 25)"),
    ("tag", "shock", "norm(acc) > 8"),
    ("tag", "replay", "seq <= max(dev, seq)"),
    ("tag", "gap", "seq > max(dev, seq) + 1"),
    ("tag", "skew", "abs(rx - ts) > 5m"),
    ("tag", "size_dev", "zscore(dev, sz) > 6"),
]
STATEFUL = {"flood", "burst", "replay", "gap", "size_dev"}


# --- values: a field is missing (None) when absent, null or of the wrong type --

def num(value):
    """The value when it is a JSON number, else None (missing). bool is not a number."""
    return value if type(value) in (int, float) else None


def gt(a, b):
    return a is not None and b is not None and a > b


def lt(a, b):
    return a is not None and b is not None and a < b


def ge(a, b):
    return a is not None and b is not None and a >= b


def le(a, b):
    return a is not None and b is not None and a <= b


def key_of(value):
    """A state key: a string or a number, typed ("1" and 1 differ); else None."""
    if type(value) is str:
        return ("s", value)
    if type(value) in (int, float):
        return ("n", float(value))
    return None


def event_time(record):
    """rx when it is a number, else ts when it is, in whole ms (rounded down); else None."""
    t = num(record.get("rx"))
    if t is None:
        t = num(record.get("ts"))
    return None if t is None or not math.isfinite(t) else math.floor(t)


def norm(value):
    if type(value) is not list or not value or any(num(v) is None for v in value):
        return None
    return math.sqrt(sum(v * v for v in value))


# --- the stateful functions: one object per call site, a dict per key --------

class Max:
    """max(key, x): the largest x of earlier records of the key; then folds x in."""

    def __init__(self):
        self.state = {}

    def __call__(self, key, x):
        if key is None or x is None:
            return None
        previous = self.state.get(key)
        self.state[key] = x if previous is None or x > previous else previous
        return previous


class Bucket:
    """bucket(key, rate, burst): nginx limit_req, integer thousandths."""

    def __init__(self, rate, burst):
        self.rate, self.burst, self.state = rate * 1000, burst * 1000, {}

    def __call__(self, key, t):
        if key is None or t is None:
            return None
        entry = self.state.get(key)
        if entry is None:
            self.state[key] = (0, t)
            return False
        excess, last = entry
        ms = t - last
        if ms < -60000:
            ms = 1
        elif ms < 0:
            ms = 0
        excess = max(0, excess - self.rate * ms // 1000 + 1000)
        if excess > self.burst:
            return True  # refused: not counted, the state stays
        self.state[key] = (excess, t if ms != 0 else last)
        return False


class Rate:
    """rate(key, window): records/s by the two-window estimate, in event time.
    A record up to 60 s before the key's latest time counts at that time; one
    more than 60 s before resets the key's windows to its own time."""

    def __init__(self, window_ms):
        self.w, self.state = window_ms, {}

    def __call__(self, key, t):
        if key is None or t is None:
            return None
        w = self.w
        entry = self.state.get(key)
        if entry is None or entry[3] - t > 60000:
            window, cur, prev, latest = t // w, 0, 0, t
        else:
            window, cur, prev, latest = entry
            if t < latest:
                t = latest
            latest = t
        c = t // w
        if c > window:
            prev = cur if c == window + 1 else 0
            cur, window = 0, c
        cur += 1
        self.state[key] = (window, cur, prev, latest)
        estimate = prev * (1 - (t - c * w) / w) + cur
        return estimate / (w / 1000)


class ZScore:
    """zscore(key, x): (x - mean) / sd over an EWMA (alpha 1/32), missing until
    8 earlier values; sd >= 1 % of |mean| and >= 1e-9; x clipped to mean +- 8 sd
    before it is folded in."""

    ALPHA = 1 / 32

    def __init__(self):
        self.state = {}

    def __call__(self, key, x):
        if key is None or x is None:
            return None
        entry = self.state.get(key)
        if entry is None:
            self.state[key] = (1, float(x), 0.0)
            return None
        n, mean, var = entry
        sd = max(math.sqrt(var), abs(mean) * 0.01, 1e-9)
        z = (x - mean) / sd if n >= 8 else None
        clipped = min(max(x, mean - 8 * sd), mean + 8 * sd)
        d = clipped - mean
        mean += self.ALPHA * d
        var = (1 - self.ALPHA) * (var + self.ALPHA * d * d)
        self.state[key] = (n + 1, mean, var)
        return z


# --- the rules ---------------------------------------------------------------

class Rules:
    """The rules with their state. decide(record) -> ("drop", "rule:NAME") or
    ("keep", [tags])."""

    def __init__(self, stateless=False):
        self.stateless = stateless
        self.flood_max, self.flood_bucket = Max(), Bucket(3, 30)
        self.burst_rate = Rate(10_000)
        self.replay_max, self.gap_max = Max(), Max()
        self.size_zscore = ZScore()

    def decide(self, r):
        get = r.get
        dev, seq, ts = get("dev"), num(get("seq")), num(get("ts"))
        # keep telemetry: match(dev, "^[[:graph:]]{1,64}$") and seq >= 0 and ts > 0
        if not (type(dev) is str and GRAPH_1_64.fullmatch(dev) and ge(seq, 0) and gt(ts, 0)):
            return "drop", "rule:telemetry"
        sz = num(get("sz"))
        if gt(sz, 4096):  # drop oversize: sz > 4KiB
            return "drop", "rule:oversize"
        key, t = key_of(dev), event_time(r)
        tags = []
        if not self.stateless:
            # drop flood: seq <= max(dev, seq) and bucket(dev, 3/s, 30); both calls run first
            highest = self.flood_max(key, seq)
            over = self.flood_bucket(key, t)
            if le(seq, highest) and over is True:
                return "drop", "rule:flood"
            if gt(self.burst_rate(key, t), 3):  # tag burst: rate(dev, 10s) > 3/s
                tags.append("burst")
        hr = num(get("hr"))
        if lt(hr, 0) or gt(hr, 300):
            return "drop", "rule:hr_range"
        spo2 = num(get("spo2"))
        if lt(spo2, 0) or gt(spo2, 100):
            return "drop", "rule:spo2_range"
        bat = num(get("bat"))
        if lt(bat, 0) or gt(bat, 100):
            return "drop", "rule:bat_range"
        if gt(hr, 220) or (gt(hr, 0) and lt(hr, 25)):
            tags.append("hr_extreme")
        if gt(norm(get("acc")), 8):
            tags.append("shock")
        if not self.stateless:
            if le(seq, self.replay_max(key, seq)):  # tag replay: seq <= max(dev, seq)
                tags.append("replay")
            highest = self.gap_max(key, seq)  # tag gap: seq > max(dev, seq) + 1
            if gt(seq, None if highest is None else highest + 1):
                tags.append("gap")
        rx = num(get("rx"))
        if rx is not None and ts is not None and abs(rx - ts) > 300_000:  # tag skew: abs(rx - ts) > 5m
            tags.append("skew")
        if not self.stateless and gt(self.size_zscore(key, sz), 6):  # tag size_dev: zscore(dev, sz) > 6
            tags.append("size_dev")
        return "keep", tags


# --- input, output and the runtime's own rejects -------------------------------

def no_duplicates(pairs):
    names = set()
    for name, _ in pairs:
        if name in names:
            raise KeyError(name)
        names.add(name)
    return dict(pairs)


def parse(line, strict):
    """The record, or the runtime's reject reason (bad_json, not_object, duplicate_key)."""
    try:
        record = json.loads(line, object_pairs_hook=no_duplicates) if strict else json.loads(line)
    except KeyError:
        return "duplicate_key"
    except ValueError:
        return "bad_json"
    return record if type(record) is dict else "not_object"


def tagged(line, record, tags):
    """(line, flags): the line (bytes, no newline) with the tags appended to
    "flags" (created when absent), and the flags it then has; (None, None)
    when "flags" is there but not an array (bad_flags)."""
    flags = record["flags"] if "flags" in record else []
    if type(flags) is not list:
        return (None, None) if tags else (line, None)
    added = [t for t in tags if t not in flags]
    if not added:
        return line, flags
    if "flags" not in record:
        body = line.rstrip()
        return body[:-1] + (b"," if record else b"") + b'"flags":' + compact(added) + b"}", added
    record["flags"] = flags + added
    return compact(record), record["flags"]


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def strip_comment(line):
    """The line without its # comment (a # inside a string literal is kept)."""
    quoted = escaped = False
    for i, c in enumerate(line):
        if escaped:
            escaped = False
        elif c == "\\" and quoted:
            escaped = True
        elif c == '"':
            quoted = not quoted
        elif c == "#" and not quoted:
            return line[:i]
    return line


def read_rules_file(path):
    """(action, name, expression) of each rule in a rules file, whitespace collapsed."""
    rules = []
    for raw in open(path, encoding="utf-8").read().split("\n"):
        line = strip_comment(raw)
        if not line.strip():
            continue
        if line[0] in " \t" and rules:
            rules[-1] += " " + line.strip()  # a continuation line
        else:
            rules.append(line.strip())
    return [(a, n, " ".join(e.split())) for a, n, e in (r.split(None, 2) for r in rules)]


def check_rules_file(path, stateless):
    want = [r for r in RULES if not (stateless and r[1] in STATEFUL)]
    have = read_rules_file(path)
    if have != want:
        sys.stderr.write(f"rules.py: {path} is not the rules this file implements:\n")
        for rule in have:
            if rule not in want:
                sys.stderr.write(f"  in the file only:  {' '.join(rule)}\n")
        for rule in want:
            if rule not in have:
                sys.stderr.write(f"  in rules.py only:  {' '.join(rule)}\n")
        if sorted(have) == sorted(want):
            sys.stderr.write("  (the same rules in another order)\n")
        sys.exit(2)


# --- the command ---------------------------------------------------------------

def parse_bytes(line, strict):
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return "bad_utf8"
    return parse(line, strict)


def run(rules, source, sink, decisions=None, strict=False):
    """Filters source (lines of bytes) into sink; returns (in, out, {reason: n}, {tag: n})."""
    seen = kept = 0
    rejects, tag_counts = {}, {}
    write = sink.write
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        seen += 1
        line = line.rstrip(b"\r\n")
        record = parse_bytes(line, strict) if strict else parse(line, False)
        if type(record) is str:
            verdict, reason = "drop", record
        else:
            verdict, reason = rules.decide(record)
        if verdict == "keep":
            out, flags = tagged(line, record, reason)
            if out is None:
                verdict, reason = "drop", "bad_flags"
        if verdict == "drop":
            rejects[reason] = rejects.get(reason, 0) + 1
            if decisions:
                decisions.write(f"{number} drop {reason}\n")
            continue
        kept += 1
        for tag in reason:
            tag_counts[tag] = tag_counts.get(tag, 0) + 1
        write(out + b"\n")
        if decisions:
            decisions.write(f"{number} keep {','.join(flags) if flags else '-'}\n")
    return seen, kept, rejects, tag_counts


def main(argv):
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", help="check that this rules file holds exactly these rules")
    parser.add_argument("--stateless", action="store_true", help="only the rules without state")
    parser.add_argument("--counts", action="store_true", help="per-rule counts on stderr")
    parser.add_argument("--decisions", help="write one decision per record to this file")
    parser.add_argument("--self-test", action="store_true", help="run the hand-computed checks")
    args = parser.parse_args(argv)
    if args.self_test:
        import rules_selftest
        return rules_selftest.main()
    if args.rules:
        check_rules_file(args.rules, args.stateless)
    decisions = open(args.decisions, "w") if args.decisions else None
    # --decisions checks as much as wear-filter does (UTF-8, duplicate names); timing runs do not.
    seen, kept, rejects, tags = run(Rules(args.stateless), sys.stdin.buffer, sys.stdout.buffer,
                                    decisions, strict=decisions is not None)
    sys.stdout.flush()
    if decisions:
        decisions.close()
    if args.counts:
        detail = " ".join(f"{r}={n}" for r, n in sorted(rejects.items()))
        total = sum(rejects.values())
        sys.stderr.write(f"rules.py: in={seen} out={kept} rejected={total}{f' ({detail})' if detail else ''}\n")
        sys.stderr.write("rules.py: tags " + (" ".join(f"{t}={n}" for t, n in sorted(tags.items())) or "none") + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
