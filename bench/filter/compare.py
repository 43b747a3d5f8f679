#!/usr/bin/env python3
"""Cross-checks for bench/filter/run.sh.

    compare.py decisions INPUT WEAR_OUT WEAR_REJECTS PY_DECISIONS
        wear-filter's decision for every record (its rejects file says which
        input lines it dropped and why; its output, in order, holds the rest
        with their flags) against rules.py --decisions: prints every mismatch
        (up to 20, with the input line) and exits 1 if there is any.
    compare.py records A B
        two NDJSON outputs hold the same records, compared as parsed JSON (jq
        re-serialises numbers: 1.20 and 1.2 are the same); exits 1 if not.
"""
import json
import sys


def wear_decisions(input_path, out_path, rejects_path):
    rejected = {}
    with open(rejects_path, encoding="utf-8") as rejects:
        for line in rejects:
            reject = json.loads(line)
            rejected[reject["line"]] = reject["reason"]
    decisions = []
    with open(input_path, "rb") as source, open(out_path, "rb") as out:
        for number, line in enumerate(source, 1):
            if not line.strip():
                continue
            if number in rejected:
                decisions.append(f"{number} drop {rejected.pop(number)}")
                continue
            kept = out.readline()
            if not kept:
                decisions.append(f"{number} missing from wear-filter's output")
                continue
            flags = json.loads(kept).get("flags") or []
            decisions.append(f"{number} keep {','.join(flags) if flags else '-'}")
        extra = out.read().count(b"\n")
    if extra or rejected:
        decisions.append(f"wear-filter: {extra} output lines and {len(rejected)} rejects beyond the input")
    return decisions, input_path


def compare_decisions(input_path, out_path, rejects_path, python_path):
    wear, _ = wear_decisions(input_path, out_path, rejects_path)
    with open(python_path, encoding="utf-8") as f:
        python = [line.rstrip("\n") for line in f]
    lines = open(input_path, "rb").read().split(b"\n")
    mismatches = [(w, p) for w, p in zip(wear, python) if w != p]
    if len(wear) != len(python):
        mismatches.append((f"{len(wear)} decisions", f"{len(python)} decisions"))
    for w, p in mismatches[:20]:
        number = w.split()[0]
        record = lines[int(number) - 1][:300].decode("utf-8", "replace") if number.isdigit() else ""
        print(f"MISMATCH wear-filter: {w!r}  rules.py: {p!r}\n    {record}")
    print(f"decisions: {len(wear)} records, {len(mismatches)} mismatches")
    return 1 if mismatches else 0


def compare_records(a_path, b_path):
    with open(a_path, "rb") as a, open(b_path, "rb") as b:
        count = 0
        for count, (x, y) in enumerate(zip(a, b), 1):
            if json.loads(x) != json.loads(y):
                print(f"MISMATCH at output record {count}:\n    {x[:300]!r}\n    {y[:300]!r}")
                return 1
        rest_a, rest_b = a.read().count(b"\n"), b.read().count(b"\n")
    if rest_a or rest_b:
        print(f"MISMATCH: {a_path} has {rest_a} more records, {b_path} {rest_b} more")
        return 1
    print(f"records: {count} identical")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "decisions":
        sys.exit(compare_decisions(*sys.argv[2:]))
    if len(sys.argv) == 4 and sys.argv[1] == "records":
        sys.exit(compare_records(*sys.argv[2:]))
    sys.stderr.write(__doc__)
    sys.exit(64)
