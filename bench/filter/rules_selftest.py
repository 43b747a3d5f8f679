"""rules.py --self-test: the stateful functions against the sequences worked
out by hand in docs/rules.md, then every case of pipelines/rules/default.test
through the whole rule set. Prints what failed; exit status 1 if anything did."""
import io
import os
import sys

import rules

failures = []


def expect(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


def check_bucket():
    # docs/rules.md, "nginx limit_req, by hand": rate 1/s, burst 2.
    b, a = rules.Bucket(1, 2), ("s", "a")
    for t, over in [(0, False), (0, False), (0, False), (0, True), (500, True), (1000, False), (1000, True)]:
        expect(f"bucket a at {t}", b(a, t), over)
    expect("bucket state after refusals", b.state[a], (2000, 1000))
    expect("bucket b is new", b(("s", "b"), 1000), False)
    expect("bucket a at 3000", b(a, 3000), False)
    expect("bucket without time", b(a, None), None)
    expect("bucket a state", b.state[a], (1000, 3000))
    # Time going backwards: jitter is 0 ms, a jump back of over 60 s re-syncs.
    b = rules.Bucket(1, 2)
    for t, state in [(100000, (0, 100000)), (99000, (1000, 100000)), (30000, (1999, 30000)), (31000, (1999, 31000))]:
        expect(f"bucket backwards at {t}", b(a, t), False)
        expect(f"bucket backwards state at {t}", b.state[a], state)
    # The default rules' flood bucket (3/s, burst 30): 31 records 10 ms apart pass, the 32nd does not.
    b = rules.Bucket(3, 30)
    results = [b(a, 10 * i) for i in range(33)]
    expect("bucket 3/s burst 30, 10 ms apart", results.index(True), 31)


def check_rate():
    # docs/rules.md, "the two-window estimate, by hand": W = 10 s, estimates / 10.
    r, a = rules.Rate(10_000), ("s", "a")
    cases = [(0, 0.1), (1000, 0.2), (2000, 0.3), (3000, 0.4), (4000, 0.5), (5000, 0.6), (15000, 0.4),
             (16000, 0.44), (16500, 0.51), (19000, 0.46), (40000, 0.1)]
    for t, want in cases:
        got = r(a, t)
        expect(f"rate at {t}", round(got, 9), want)
    # Late records count at the key's latest time; more than 60 s late resets the windows.
    r = rules.Rate(10_000)
    expect("rate first", r(a, 100_000), 0.1)
    expect("rate 50 s late counts at the latest time", r(a, 50_000), 0.2)
    expect("rate 61 s late resets", r(a, 38_999), 0.1)
    expect("rate state after reset", r.state[a], (3, 1, 0, 38_999))


def check_zscore():
    # docs/rules.md, "warm-up, the 1 % floor and clipping, by hand".
    z, a = rules.ZScore(), ("s", "a")
    for i in range(8):
        expect(f"zscore warm-up {i}", z(a, 100), None)
    expect("zscore 107", round(z(a, 107), 6), 7.0)
    n, mean, var = z.state[a]
    expect("zscore mean after 107", mean, 100.21875)
    expect("zscore var after 107", round(var, 4), 1.4834)
    got = z(a, 1000)
    expect("zscore 1000 is 738.x sd out", int(got), 738)
    n, mean, var = z.state[a]
    expect("zscore mean after clipped 1000", round(mean, 3), 100.523)
    expect("zscore var after clipped 1000", round(var, 3), 4.311)
    expect("zscore 103 is ~1.2 sd out", round(z(a, 103), 1), 1.2)
    expect("zscore missing x", z(a, None), None)
    expect("zscore missing x changes nothing", z.state[a][0], 11)


def check_max():
    m, a = rules.Max(), ("s", "a")
    expect("max first", m(a, 5), None)
    expect("max second", m(a, 3), 5)
    expect("max keeps the largest", m(a, 9), 5)
    expect("max then", m(a, 1), 9)
    expect("max missing key", m(None, 1), None)
    expect("max keys are typed", (m(("s", "1"), 1), m(("n", 1.0), 2), m(("n", 1.0), 2)), (None, None, 2))


def check_default_test(path):
    """Runs every case of a wear-filter test file (rules FILE / case NAME / RECORD -> EXPECTED)."""
    folder, case, state = os.path.dirname(path), None, None
    for number, raw in enumerate(open(path, encoding="utf-8"), 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        word = line.split(None, 1)
        if word[0] == "rules":
            rules.check_rules_file(os.path.join(folder, word[1].strip()), False)
        elif word[0] == "case":
            case, state = word[1], rules.Rules()
        else:
            record, _, expected = line.rpartition(" -> ")
            decisions = io.StringIO()
            rules.run(state, [record.encode() + b"\n"], io.BytesIO(), decisions, strict=True)
            _, verdict, what = decisions.getvalue().split()
            got = {"keep": lambda: "pass" if what == "-" else "tag " + what.replace(",", " "),
                   "drop": lambda: ("drop " + what[5:]) if what.startswith("rule:") else "reject " + what}[verdict]()
            expect(f"{path}:{number} ({case})", got, " ".join(expected.split()))


def main():
    check_bucket()
    check_rate()
    check_zscore()
    check_max()
    here = os.path.dirname(os.path.abspath(__file__))
    test_file = os.path.join(here, "..", "..", "pipelines", "rules", "default.test")
    check_default_test(os.path.normpath(test_file))
    for failure in failures:
        sys.stderr.write(f"rules.py self-test: FAILED: {failure}\n")
    if not failures:
        sys.stderr.write("rules.py self-test: ok\n")
    return 1 if failures else 0
