#!/usr/bin/env python3
"""The "Python orjson loads+dumps" peer of the identity benchmark.

For every line of stdin: orjson.loads, then orjson.dumps (compact, with the
newline appended by orjson), written to stdout through one buffered writer.
Invalid lines are counted and skipped; the counts go to stderr at exit.

    python3 orjson_identity.py < records.ndjson > out.ndjson
"""
import sys

import orjson


def main() -> int:
    loads, dumps, newline = orjson.loads, orjson.dumps, orjson.OPT_APPEND_NEWLINE
    write = sys.stdout.buffer.write
    count = bad = 0
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        count += 1
        try:
            write(dumps(loads(line), option=newline))
        except orjson.JSONDecodeError:
            bad += 1
    sys.stdout.buffer.flush()
    print(f"orjson_identity: in={count} out={count - bad} invalid={bad}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
