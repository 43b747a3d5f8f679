#!/usr/bin/env python3
"""Generate wear-decrypt's golden fixtures with an independent JOSE library.

Tokens are made with joserfc (PyPI), not with wear's own code, so the golden
tests check wear-decrypt against another implementation of RFC 7516. The
random IVs and keys joserfc draws come from a seeded generator, so running
this script again reproduces the same files byte for byte.

Writes, next to this script: master.key, keys.json, rfc7520-5.6.json (the
RFC 7520 §5.6 known-answer vector, copied from the RFC); and for each case
under ../wear-decrypt/<case>/: args and input.ndjson. The expected outputs
(expected.ndjson, rejects.ndjson, status) are then written by running
`WEAR_UPDATE_GOLDEN=1 swift test --filter WearDecryptTests` and reviewed.

usage: python3 make_fixtures.py      (needs: pip install joserfc cryptography)
"""
import base64
import json
import pathlib
import random
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HERE = pathlib.Path(__file__).resolve().parent
CASES = HERE.parent / "wear-decrypt"
RNG = random.Random(20251121)
secrets.token_bytes = lambda n=32: bytes(RNG.getrandbits(8) for _ in range(n))  # deterministic joserfc

from joserfc import jwe  # noqa: E402  (after seeding)
from joserfc.jwk import OctKey  # noqa: E402

MASTER = bytes(range(0x40, 0x60))
MASTER_ARG = ["--master-key", "../../wear-decrypt-jose/master.key"]
KEYS_ARG = ["--keys", "../../wear-decrypt-jose/keys.json"]
# Git does not keep mode 0600, so checked-out key files are group/other readable.
COMMON = ["--allow-insecure-key-file", "--default-rx", "1763700000999"]
EXPLICIT = {"wr-k256": bytes(range(0xA0, 0xC0)), "wr-k128": bytes(range(0xC0, 0xD0)),
            "wr-override": bytes(range(0xD0, 0xF0))}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def derived(dev: str, size: int = 32) -> bytes:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"wear-telemetry-v1", info=dev.encode()).derive(MASTER)
    return key[:size]


def telemetry(dev: str, seq: int = 1, **extra) -> bytes:
    record = {"dev": dev, "seq": seq, "ts": 1763700000123 + seq, "hr": 72, "spo2": 98, "temp": 36.6,
              "acc": [0.01, -0.02, 0.98], "bat": 87}
    record.update(extra)
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode()


def seal(plaintext: bytes, kid: str, key: bytes, enc: str = "A256GCM", alg: str = "dir", **header) -> str:
    protected = {"alg": alg, "enc": enc, "kid": kid, **header}
    algorithms = [alg, enc] + (["DEF"] if "zip" in header else [])
    return jwe.encrypt_compact(protected, plaintext, OctKey.import_key(key), algorithms=algorithms)


def raw_token(header_json: bytes, plaintext: bytes, key: bytes) -> str:
    """A token with an exact header text (order, spacing, escapes), sealed with AES-GCM."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    header = b64url(header_json)
    iv = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(iv, plaintext, header.encode())
    return ".".join([header, "", b64url(iv), b64url(sealed[:-16]), b64url(sealed[-16:])])


def envelope(token: str, **members) -> str:
    return json.dumps({"jwe": token, **members}, separators=(",", ":"))


def parts(token: str) -> list:
    return token.split(".")


def write_case(name: str, args: list, lines: list) -> None:
    folder = CASES / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "args").write_text("".join(arg + "\n" for arg in args))
    data = b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines)
    (folder / "input.ndjson").write_bytes(data)


# Lines of reject-key-length-mismatch: the first ones are drawn where they
# always were, those added for issue 7 at the end of main(), so that every
# other case keeps its bytes.
KEY_LENGTH_LINES = []


def main() -> None:
    (HERE / "master.key").write_text(MASTER.hex() + "\n")
    (HERE / "keys.json").write_text(json.dumps({dev: b64url(key) for dev, key in EXPLICIT.items()}, indent=2) + "\n")
    write_valid_cases()
    write_reject_cases()
    write_config_cases()
    write_key_length_case()


def write_key_length_case() -> None:
    """A key fixes its algorithm (issue 7): the A128GCM downgrade of a derived
    or explicit 32-byte key, and a 16-byte key stretched to A256GCM (padded
    with zeros, or repeated), are key_length_mismatch; the right pairs open."""
    short = EXPLICIT["wr-k128"]
    write_case("reject-key-length-mismatch", KEYS_ARG + MASTER_ARG + COMMON, KEY_LENGTH_LINES + [
        envelope(seal(telemetry("wr-k128"), "wr-k128", short + bytes(16))),
        envelope(seal(telemetry("wr-k128"), "wr-k128", short + short)),
        envelope(seal(telemetry("wr-000001"), "wr-000001", derived("wr-000001"))),
    ])


def write_valid_cases() -> None:
    d1, d2 = "wr-000001", "wr-000002"
    t1 = seal(telemetry(d1), d1, derived(d1))
    pretty = json.dumps(json.loads(telemetry(d2, 7)), indent=2).encode()
    write_case("valid-envelopes", MASTER_ARG + COMMON, [
        envelope(t1, rx=1763700000500),
        envelope(t1, rx=1763700000500, src="10.0.0.7", conn={"id": 42, "tls": "1.3"}, tags=["a", 1, None, True, 2.5]),
        envelope(t1),
        envelope(t1, rx="soon"),
        envelope(t1, rx=1763700000500.5),
        json.dumps({"src": "gw-3", "jwe": t1}, separators=(",", ":")),
        json.dumps({"jwe": t1, "ua": "x\"y\\z\u0001\u00e9"}, separators=(",", ":"), ensure_ascii=False),
        t1,
        "  " + t1 + "\t",
        (envelope(t1, rx=1) + "\r"),
        "",
        "   ",
        envelope(seal(telemetry(d2, 2, rx=5, sz=6, meta={"own": True}), d2, derived(d2)), rx=9, src="x"),
        envelope(seal(pretty, d2, derived(d2)), rx=10),
        envelope(seal(telemetry(d2, 3, fw="2.4.1-\u00e9", note="a\"b rx sz"), d2, derived(d2))),
        envelope(seal(b'{"dev":"wr-000002","\\u0072x":1}', d2, derived(d2))),
        envelope(seal(telemetry(d2, 4), d2, derived(d2))),
        envelope(raw_token(b'{"kid":"wr-000002", "enc":"A256GCM" ,"alg":"dir"}', telemetry(d2, 5), derived(d2))),
        envelope(seal(telemetry("wr-\u00fc"), "wr-\u00fc", derived("wr-\u00fc"))),
        envelope(seal(b'  {"dev":"wr-000001"}  ', d1, derived(d1))),
        envelope(seal(b'{"dev":"wr-000001"}', d1, derived(d1))),
    ])
    write_case("keys-file-and-master-key", KEYS_ARG + MASTER_ARG + COMMON, [
        envelope(seal(telemetry("wr-k256"), "wr-k256", EXPLICIT["wr-k256"])),
        envelope(seal(telemetry("wr-k128"), "wr-k128", EXPLICIT["wr-k128"], enc="A128GCM")),
        envelope(seal(telemetry("wr-override"), "wr-override", EXPLICIT["wr-override"])),
        envelope(seal(telemetry("wr-override"), "wr-override", derived("wr-override"))),  # auth_failed: keys.json wins
        envelope(seal(telemetry(d1), d1, derived(d1))),
    ])


def write_reject_cases() -> None:
    d1 = "wr-000001"
    key = derived(d1)
    good = seal(telemetry(d1), d1, key)
    h, ek, iv, ct, tag = parts(good)
    # The downgrade of issue 7: A128GCM claimed, sealed with the first 16 bytes of the derived key.
    a128 = seal(telemetry(d1), d1, derived(d1, 16), enc="A128GCM")
    write_case("reject-bad-json", MASTER_ARG + COMMON, [
        '{"jwe":', '{"jwe":"x",}', "hello world", "{bad}", '{"jwe":"' + good + '"} trailing', "eyJ\u00e9",
    ])
    write_case("reject-not-object", MASTER_ARG + COMMON, ["[1,2]", "123", '"' + good + '"', "null", "true"])
    write_case("reject-duplicate-key", MASTER_ARG + COMMON, ['{"jwe":"%s","jwe":"%s"}' % (good, good)])
    write_case("reject-bad-utf8", MASTER_ARG + COMMON, [b"\xff\xfe not text", b'{"jwe":"\xc3\x28"}'])

    def header_token(header: bytes) -> str:
        return ".".join([b64url(header), "", iv, ct, tag])

    write_case("reject-bad-jwe", MASTER_ARG + COMMON, [
        '{"rx":1}',
        '{"jwe":42}',
        '{"jwe":""}',
        envelope(".".join([h, ek, iv, ct])),
        envelope(good + ".x"),
        envelope(".".join(["", ek, iv, ct, tag])),
        envelope(".".join([h, ek, iv, ct + "=", tag])),
        envelope(".".join([h, ek, iv, ct[:-2] + "+" + ct[-1:], tag])),
        envelope(".".join([h, ek, iv, ct[:-2] + "/" + ct[-1:], tag])),
        envelope(".".join([h, ek, iv[:-1], ct, tag])),
        envelope(".".join([h, ek, b64url(unb64url(iv) + b"\0\0\0\0"), ct, tag])),
        envelope(".".join([h, ek, iv, ct, tag[:-2]])),
        envelope(".".join([h, "AAAA", iv, ct, tag])),
        envelope(".".join([h, ek, iv, ct, tag[:-1] + ("B" if tag[-1] == "A" else "A")])),
        envelope(".".join([h, ek, iv, ct[:-1] if len(ct) % 4 == 2 else ct + "A", tag])),
        envelope(".".join([h[:5] + " " + h[6:], ek, iv, ct, tag])),
        envelope(".".join([h, ek, iv, ct[:10] + " " + ct[11:], tag])),
        envelope(".".join(["e30", ek, iv, ct, tag])),
        envelope(header_token(b"not json")),
        envelope(header_token(b'["dir"]')),
        envelope(header_token(b'{"alg":"dir","alg":"dir","enc":"A256GCM","kid":"wr-000001"}')),
        envelope(header_token(b'{"enc":"A256GCM","kid":"wr-000001"}')),
        envelope(header_token(b'{"alg":"dir","kid":"wr-000001"}')),
        envelope(header_token(b'{"alg":"dir","enc":"A256GCM"}')),
        envelope(header_token(b'{"alg":"dir","enc":"A256GCM","kid":7}')),
        envelope(header_token(b'{"alg":"dir","enc":"A256GCM","kid":""}')),
        envelope(header_token(b'{"alg":"dir","enc":"A256GCM","kid":"' + b"w" * 300 + b'"}')),
        envelope(header_token(b'{"alg":["dir"],"enc":"A256GCM","kid":"wr-000001"}')),
        envelope(header_token(b'{"alg":"dir","enc":"A256GCM","kid":"wr-000001","pad":"' + b"p" * 1100 + b'"}')),
        "bare.token.with.too.many.dots",
        "justoneword",
    ])
    write_case("reject-unsupported-alg", MASTER_ARG + COMMON, [
        envelope(jwe.encrypt_compact({"alg": "A256KW", "enc": "A256GCM", "kid": d1}, telemetry(d1),
                                     OctKey.import_key(key), algorithms=["A256KW", "A256GCM"])),
        envelope(jwe.encrypt_compact({"alg": "A128KW", "enc": "A128GCM", "kid": d1}, telemetry(d1),
                                     OctKey.import_key(key[:16]), algorithms=["A128KW", "A128GCM"])),
        envelope(".".join([b64url(b'{"alg":"RSA-OAEP","enc":"A256GCM","kid":"wr-000001"}'), ek, iv, ct, tag])),
        envelope(".".join([b64url(b'{"alg":"none","enc":"A256GCM","kid":"wr-000001"}'), ek, iv, ct, tag])),
        envelope(".".join([b64url(b'{"alg":"DIR","enc":"A256GCM","kid":"wr-000001"}'), ek, iv, ct, tag])),
    ])
    write_case("reject-unsupported-enc", MASTER_ARG + COMMON, [
        envelope(seal(telemetry(d1), d1, secrets.token_bytes(64), enc="A256CBC-HS512")),
        envelope(seal(telemetry(d1), d1, secrets.token_bytes(24), enc="A192GCM")),
        envelope(".".join([b64url(b'{"alg":"dir","enc":"a256gcm","kid":"wr-000001"}'), ek, iv, ct, tag])),
    ])
    write_case("reject-unsupported-header", MASTER_ARG + COMMON, [
        envelope(seal(telemetry(d1), d1, key, zip="DEF")),
        envelope(seal(telemetry(d1), d1, key, typ="JWT")),
        envelope(seal(telemetry(d1), d1, key, cty="json")),
        envelope(raw_token(b'{"alg":"dir","enc":"A256GCM","kid":"wr-000001","crit":["exp"],"exp":1}',
                           telemetry(d1), key)),
    ])
    write_case("reject-unknown-kid", KEYS_ARG + COMMON, [
        envelope(seal(telemetry(d1), d1, key)),
        envelope(seal(telemetry("wr-K256"), "wr-K256", EXPLICIT["wr-k256"])),
        envelope(seal(telemetry("wr-k256"), "wr-k256", EXPLICIT["wr-k256"])),
    ])
    KEY_LENGTH_LINES[:] = [
        envelope(seal(telemetry("wr-k128"), "wr-k128", secrets.token_bytes(32))),
        envelope(seal(telemetry("wr-k256"), "wr-k256", EXPLICIT["wr-k256"][:16], enc="A128GCM")),
        envelope(seal(telemetry("wr-k128"), "wr-k128", EXPLICIT["wr-k128"], enc="A128GCM")),
        envelope(a128),
    ]
    flipped = bytearray(unb64url(ct))
    flipped[3] ^= 0x01
    other = seal(telemetry("wr-000002"), "wr-000002", derived("wr-000002"))
    write_case("reject-auth-failed", MASTER_ARG + COMMON, [
        envelope(seal(telemetry(d1), d1, secrets.token_bytes(32))),
        envelope(".".join([h, ek, iv, b64url(bytes(flipped)), tag])),
        envelope(".".join([h, ek, iv, ct, b64url(bytes(16))])),
        envelope(".".join([h, ek, b64url(bytes(12)), ct, tag])),
        envelope(".".join([parts(other)[0], ek, iv, ct, tag])),
        envelope(".".join([h, ek, iv, b64url(unb64url(ct)[:-1]), tag])),
        envelope(".".join([h, ek, iv, "", tag])),
        envelope(".".join([b64url(b'{"kid":"wr-000001","alg":"dir","enc":"A256GCM"}'), ek, iv, ct, tag])),
        envelope(good),
    ])
    write_case("reject-bad-plaintext", MASTER_ARG + COMMON, [envelope(seal(p, d1, key)) for p in [
        b"hello", b'["wr-000001"]', b'{"dev":"wr-000001","dev":"wr-000001"}', b'{"seq":1}', b'{"dev":1}',
        b"", b'{"dev":"wr-000001","x":"\xff"}', b"{}", b'{"dev":"wr-000001"} x', b'{"dev":"wr-000001"}{"dev":"wr-000001"}',
        b'{"dev":"wr-000001","a":"\x01"}', b'{"dev":null}',
    ]])
    write_case("reject-dev-mismatch", MASTER_ARG + COMMON, [
        envelope(seal(telemetry("wr-000002"), d1, key)),
        envelope(seal(telemetry("WR-000001"), d1, key)),
        envelope(seal(b'{"dev":"wr-000001 "}', d1, key)),
        envelope(seal(telemetry(d1), d1, key)),
    ])
    write_case("reject-line-too-long", MASTER_ARG + COMMON + ["--max-line-bytes", "600"], [
        envelope(good, pad="p" * 700),
        envelope(good),
    ])
    big = telemetry(d1, 1, blob="b" * 4000)
    write_case("atomic-lines", MASTER_ARG + COMMON + ["--atomic-lines"], [
        envelope(good),
        envelope(seal(big, d1, key)),
        envelope(good, src="after"),
    ])


def write_config_cases() -> None:
    good = envelope(seal(telemetry("wr-000001"), "wr-000001", derived("wr-000001")))
    write_case("config-missing-key-file", ["--master-key", "no-such.key"], [good])
    write_case("config-invalid-keys-json", ["--keys", "bad-keys.json", "--allow-insecure-key-file"], [good])
    (CASES / "config-invalid-keys-json" / "bad-keys.json").write_text('{"wr-1": "AAAA",\n "wr-2": 42}\n')
    write_case("config-invalid-master-key", ["--master-key", "short.key", "--allow-insecure-key-file"], [good])
    (CASES / "config-invalid-master-key" / "short.key").write_text("00112233\n")
    write_case("config-no-keys", [], [good])
    # RFC 7520 §5.6 "Direct Encryption Using AES-GCM" (the known-answer vector, from the RFC).
    (HERE / "rfc7520-5.6.json").write_text(json.dumps(RFC7520_5_6, indent=2, ensure_ascii=False) + "\n")


RFC7520_5_6 = {
    "source": "RFC 7520 section 5.6, Direct Encryption Using AES-GCM",
    "plaintext": "You can trust us to stick with you through thick and thin\u2013to the bitter end. And you can trust us to "
                 "keep any secret of yours\u2013closer than you keep it yourself. But you cannot trust us to let you face "
                 "trouble alone, and go off without a word. We are your friends, Frodo.",
    "key": {"kty": "oct", "kid": "77c7e2b8-6e13-45cf-8672-617b5b45243a", "use": "enc", "alg": "A128GCM",
            "k": "XctOhJAkA-pD9Lh7ZgW_2A"},
    "compact": "eyJhbGciOiJkaXIiLCJraWQiOiI3N2M3ZTJiOC02ZTEzLTQ1Y2YtODY3Mi02MTdiNWI0NTI0M2EiLCJlbmMiOiJBMTI4R0NNIn0"
               "..refa467QzzKx6QAB.JW_i_f52hww_ELQPGaYyeAB6HYGcR559l9TYnSovc23XJoBcW29rHP8yZOZG7YhLpT1bjFuvZPjQS-m0IF"
               "tVcXkZXdH_lr_FrdYt9HRUYkshtrMmIUAyGmUnd9zMDB2n0cRDIHAzFVeJUDxkUwVAE7_YGRPdcqMyiBoCO-FBdE-Nceb4h3-FtBP"
               "-c_BIwCPTjb9o0SbdcdREEMJMyZBH8ySWMVi1gPD9yxi-aQpGbSv_F9N4IZAxscj5g-NJsUPbjk29-s7LJAGb15wEBtXphVCgyy53C"
               "oIKLHHeJHXex45Uz9aKZSRSInZI-wjsY0yu3cT4_aQ3i1o-tiE-F8Ios61EKgyIQ4CWao8PFMj8TTnp.vbb32Xvllea2OtmHAdccRQ",
}

if __name__ == "__main__":
    main()
