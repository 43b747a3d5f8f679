#!/usr/bin/env python3
"""Compares two scored streams record by record (same records, same order):
wear-score's and the reference's. Prints how many scores agree within
--tolerance, how many null/non-null disagree, and the worst cases; exit 1
when fewer than --min-agree of the records agree.

    bench/score/compare.py A.ndjson B.ndjson [--tolerance 1e-3] [--min-agree 0.999]
"""
import argparse
import sys

import orjson


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--tolerance", type=float, default=1e-3)
    parser.add_argument("--min-agree", type=float, default=0.999)
    args = parser.parse_args()
    total = agree = null_mismatch = 0
    worst = []
    with open(args.a, "rb") as fa, open(args.b, "rb") as fb:
        for number, (la, lb) in enumerate(zip(fa, fb), 1):
            ra, rb = orjson.loads(la), orjson.loads(lb)
            if ra.get("dev") != rb.get("dev") or ra.get("seq") != rb.get("seq"):
                print(f"line {number}: different records", file=sys.stderr)
                return 1
            total += 1
            sa, sb = ra.get("score"), rb.get("score")
            if (sa is None) != (sb is None):
                null_mismatch += 1
                continue
            if sa is None or abs(sa - sb) <= args.tolerance:
                agree += 1
            else:
                worst.append((abs(sa - sb), number, sa, sb, ra.get("why"), rb.get("why")))
    worst.sort(reverse=True)
    share = agree / max(total, 1)
    print(f"{total} records: {agree} agree within {args.tolerance} ({share:.4%}), "
          f"{null_mismatch} null vs number, {len(worst)} differ")
    for diff, number, sa, sb, wa, wb in worst[:5]:
        print(f"  line {number}: {sa} vs {sb}  why {wa} vs {wb}")
    return 0 if share >= args.min_agree else 1


if __name__ == "__main__":
    sys.exit(main())
