#!/usr/bin/env python3
"""Generate sealed telemetry envelopes for the wear-decrypt benchmark.

Writes OUT (NDJSON, one {"jwe":"<compact JWE>","rx":<ms>} per line) and
MASTER (the master key, hex, mode 0600). Tokens are exactly what `wear seal`
writes: protected header {"alg":"dir","enc":"A256GCM","kid":"<dev>"}, key =
HKDF-SHA256(master, salt "wear-telemetry-v1", info dev), random 12-byte IV.

usage: gen_records.py OUT MASTER [--records N] [--devices D] [--bare] [--seed S]
"""
import argparse
import base64
import json
import os
import random

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def device_key(master: bytes, dev: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"wear-telemetry-v1", info=dev.encode()).derive(master)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("master")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--bare", action="store_true", help="bare tokens instead of {\"jwe\":...} envelopes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    master = bytes(rng.getrandbits(8) for _ in range(32))
    fd = os.open(args.master, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, (master.hex() + "\n").encode())
    os.close(fd)

    devices = [f"wr-{i:06d}" for i in range(args.devices)]
    ciphers = {}
    headers = {}
    for dev in devices:
        ciphers[dev] = AESGCM(device_key(master, dev))
        headers[dev] = b64url(json.dumps({"alg": "dir", "enc": "A256GCM", "kid": dev}, separators=(",", ":")).encode())
    seq = dict.fromkeys(devices, 0)
    ts = 1_763_700_000_000
    with open(args.out, "w") as out:
        for n in range(args.records):
            dev = devices[n % len(devices)]
            seq[dev] += 1
            ts += 7
            plaintext = json.dumps({
                "dev": dev, "seq": seq[dev], "ts": ts, "fw": "2.4.1", "hr": 60 + n % 40, "spo2": 98,
                "temp": 36.6, "acc": [0.01, -0.02, 0.98], "gyro": [1.2, -0.4, 0.1], "bat": 87, "rssi": -61,
                "steps": 5012 + n % 100,
            }, separators=(",", ":")).encode()
            iv = rng.getrandbits(96).to_bytes(12, "big")
            header = headers[dev]
            sealed = ciphers[dev].encrypt(iv, plaintext, header.encode("ascii"))
            token = ".".join([header, "", b64url(iv), b64url(sealed[:-16]), b64url(sealed[-16:])])
            out.write(token + "\n" if args.bare else '{"jwe":"%s","rx":%d}\n' % (token, ts + 150))


if __name__ == "__main__":
    main()
