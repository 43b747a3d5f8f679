#!/usr/bin/env python3
"""The Python peer of the wear-decrypt benchmark: the same work in a Python loop.

Per line: parse the envelope (orjson if installed, else json), split the
token, look the encoded header up in a per-device cache (on a miss: decode
and parse it, check alg/enc/kid, derive the key with HKDF-SHA256 and make one
AESGCM object), base64url-decode IV, ciphertext and tag, decrypt with
`cryptography`'s AESGCM (AAD = the encoded header), parse the plaintext,
check it is an object whose dev is the kid, and write it with rx and sz added.

usage: peer_python.py MASTER_KEY_HEX_FILE < records.ndjson > out.ndjson
"""
import base64
import sys
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

try:
    import orjson

    loads, dumps = orjson.loads, orjson.dumps
except ImportError:  # pragma: no cover
    import json

    loads = json.loads
    dumps = lambda value: json.dumps(value, separators=(",", ":")).encode()  # noqa: E731


def b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def main() -> None:
    master = bytes.fromhex(open(sys.argv[1]).read().strip())
    cache = {}
    out = sys.stdout.buffer
    records = emitted = 0
    for line in sys.stdin.buffer:
        line = line.rstrip(b"\r\n")
        if not line.strip():
            continue
        records += 1
        try:
            envelope = loads(line)
            token = envelope["jwe"]
            header, key_part, iv, ciphertext, tag = token.split(".")
            entry = cache.get(header)
            if entry is None:
                protected = loads(b64(header))
                if set(protected) != {"alg", "enc", "kid"} or protected["alg"] != "dir" or protected["enc"] != "A256GCM":
                    continue
                key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"wear-telemetry-v1",
                           info=protected["kid"].encode()).derive(master)
                entry = cache[header] = (protected["kid"], AESGCM(key), header.encode())
            if key_part:
                continue
            kid, cipher, aad = entry
            plaintext = cipher.decrypt(b64(iv), b64(ciphertext) + b64(tag), aad)
            record = loads(plaintext)
            if not isinstance(record, dict) or record.get("dev") != kid:
                continue
            rx = envelope.get("rx")
            record.setdefault("rx", rx if isinstance(rx, (int, float)) else int(time.time() * 1000))
            record.setdefault("sz", len(line))
            out.write(dumps(record) + b"\n")
            emitted += 1
        except (ValueError, KeyError, TypeError, InvalidTag, AttributeError):
            continue
    out.flush()
    print(f"peer_python: in={records} out={emitted} rejected={records - emitted}", file=sys.stderr)


if __name__ == "__main__":
    main()
