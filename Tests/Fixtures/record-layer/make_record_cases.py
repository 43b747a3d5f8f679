"""Writes the runtime's record-layer golden cases, Tests/Fixtures/record-layer/<case>/,
run once in process against the identity stage (rejects name it "wear-identity";
each stage binary runs a sample of them with its own name). The expected stdout and
rejects are computed here, independently of the binaries: physical 1-based line
numbers, CRLF stripped, blank lines skipped, rejects cut at 4 KiB with invalid
UTF-8 replaced by U+FFFD. Rewrites only the cases named below.

    python3 Tests/Fixtures/record-layer/make_record_cases.py
"""
import json, os, shutil, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANY = "{" + ",".join('"k%02d":%d' % (i, i) for i in range(40)) + "}"
LONG = b'{"dev":"wr-000001","seq":7,"pad":"' + b"x" * 120 + b'"}'

# Each case: (name, args, [(bytes line, reason or None or "blank", detail)], final_newline, eol)
OK, BLANK = "ok", "blank"
def line(text, verdict=OK, detail=None):
    return (text if isinstance(text, bytes) else text.encode(), verdict, detail)

BADJSON = "not valid JSON"
CASES = {
    "valid-records": ([], [
        line('{"dev":"wr-000042","seq":1234,"ts":1763700000123,"fw":"2.4.1","hr":72,"spo2":98,"temp":36.6,"acc":[0.01,-0.02,0.98],"gyro":[1.2,-0.4,0.1],"bat":87,"rssi":-61,"steps":5012}'),
        line('{"dev":"wr-000043","seq":1,"ts":1763700000124,"unknown":{"nested":[1,{"deep":true}],"also":null},"zz":"last"}'),
        line('{ "dev" : "wr-000044" ,\t"seq" : 2 , "ts":1763700000125 , "hr" : 61 }'),
        line('{"dev":"wr-\\u00e9t\\u00e9","note":"caf\\u00e9 \\ud83d\\ude00 \\"quoted\\" \\\\ \\/ \\n\\t","seq":3,"ts":1}'),
        line('{"dev":"wr-été","note":"raw UTF-8: café, 心拍, 😀","seq":4,"ts":2}'),
        line('{"n":-0,"e":1.5e300,"f":-1.25E-7,"big":18446744073709551615,"neg":-9223372036854775808,"t":true,"z":null}'),
        line('{}'),
    ]),
    "crlf-line-endings": ([], [
        line('{"dev":"wr-1","seq":1,"ts":1}'),
        line('{"dev":"wr-1","seq":2,"ts":2,"text":"ends with CR LF"}'),
        line('{bad json with crlf', "bad_json", BADJSON),
        line('{"dev":"wr-1","seq":3,"ts":3}'),
    ], True, b"\r\n"),
    "blank-lines-skipped": ([], [
        line(''), line('{"dev":"wr-1","seq":1,"ts":1}'), line('', BLANK), line('   ', BLANK),
        line('\t \t', BLANK), line('\r', BLANK), line('{"dev":"wr-1","seq":2,"ts":2}'),
        line(' \r', BLANK), line('not json after blanks', "bad_json", BADJSON),
        line('', BLANK), line('{"dev":"wr-1","seq":3,"ts":3}'), line('  ', BLANK),
    ]),
    "no-final-newline": ([], [
        line('{"dev":"wr-1","seq":1,"ts":1}'), line('{"dev":"wr-1","seq":2,"ts":2,"last":"no newline after me"}'),
    ], False),
    "no-final-newline-crlf-bad-last": ([], [
        line('{"dev":"wr-1","seq":1,"ts":1}'), line('{"dev":"wr-1","seq":2,', "bad_json", BADJSON),
    ], False, b"\r\n"),
    "invalid-json": ([], [
        line('{"dev":"wr-1","seq":1,"ts":1}'),
        line('{bad', "bad_json", BADJSON),
        line('{"a":1,}', "bad_json", BADJSON),
        line('{"a":1} trailing', "bad_json", BADJSON),
        line('{"a":"unterminated}', "bad_json", BADJSON),
        line('{"a":tru}', "bad_json", BADJSON),
        line('{"a":01}', "bad_json", "number malformed or out of range"),
        line('{"a":"tab\there"}', "bad_json", "unescaped control character in a string"),
        line('{"a":"\\ud800"}', "bad_json", BADJSON),
        line("{'single':'quotes'}", "bad_json", BADJSON),
        line('{"dev":"wr-1","seq":2,"ts":2}'),
    ]),
    "invalid-utf8": ([], [
        line('{"dev":"wr-1","seq":1,"ts":1}'),
        line(b'{"a":"\xff"}', "bad_utf8", "invalid UTF-8"),
        line(b'{"a":"overlong \xc0\xaf"}', "bad_utf8", "invalid UTF-8"),
        line(b'{"a":"surrogate \xed\xa0\x80"}', "bad_utf8", "invalid UTF-8"),
        line(b'{"a":"truncated \xe2\x82"}', "bad_utf8", "invalid UTF-8"),
        line(b'{"\xfe":1}', "bad_utf8", "invalid UTF-8"),
        line('{"dev":"wr-1","seq":2,"ts":2,"ok":"caf\u00e9"}'),
    ]),
    "nul-byte": ([], [
        line('{"dev":"wr-1","seq":1,"ts":1}'),
        line(b'{"a":"x\x00y"}', "bad_json", "unescaped control character in a string"),
        line(b'{"a":\x001}', "bad_json", BADJSON),
        line(b'{"a":1}\x00', "bad_json", BADJSON),
        line(b'\x00', "bad_json", BADJSON),
        line('{"dev":"wr-1","seq":2,"ts":2,"escaped":"\\u0000 is fine escaped"}'),
    ]),
    "not-object": ([], [
        line('[1,2,3]', "not_object", "expected a JSON object, found an array"),
        line('"a string"', "not_object", "expected a JSON object, found a string"),
        line('42', "not_object", "expected a JSON object, found a number"),
        line('-1.5', "not_object", "expected a JSON object, found a number"),
        line('true', "not_object", "expected a JSON object, found a boolean"),
        line('null', "not_object", "expected a JSON object, found null"),
        line('[{"dev":"wr-1","seq":1,"ts":1}]', "not_object", "expected a JSON object, found an array"),
        line('{"dev":"wr-1","seq":1,"ts":1}'),
    ]),
    "duplicate-keys": ([], [
        line('{"dev":"wr-1","seq":1,"ts":1}'),
        line('{"dev":"wr-1","seq":2,"seq":3,"ts":2}', "duplicate_key", "an object member name appears twice"),
        line('{"a":1,"\\u0061":2}', "duplicate_key", "an object member name appears twice"),
        line('{"dev":"wr-1","dev":"wr-2"}', "duplicate_key", "an object member name appears twice"),
        line('{"dev":"wr-1","seq":4,"ts":4,"a":1,"A":2}'),
        line('{"sensor_temperature_1":1,"sensor_temperature_2":2}'),
        line('{"sensor_temperature_1":1,"sensor_temperature_1":2}', "duplicate_key", "an object member name appears twice"),
        line('{"sensor_temperature_1":1,"sensor_temperatur\\u0065_1":2}', "duplicate_key", "an object member name appears twice"),
        line(MANY),
        line(MANY[:-1] + ',"k07":99}', "duplicate_key", "an object member name appears twice"),
        line('{"":1,"":2}', "duplicate_key", "an object member name appears twice"),
        line('{"a":1,"a ":2,"a\\u0000":3}'),
        line('{"caf\u00e9":1,"cafe\\u0301":2}'),
        line('{"caf\u00e9":1,"caf\\u00e9":2}', "duplicate_key", "an object member name appears twice"),
        line('{"dev":"wr-1","meta":{"src":"gw-1","src":"gw-2"}}', "duplicate_key", "an object member name appears twice"),
        line('{"dev":"wr-1","list":[{"x":1},{"y":{"z":1,"z":2}}]}', "duplicate_key", "an object member name appears twice"),
        line('{"dev":"wr-1","list":[{"x":1},{"x":2}],"meta":{"x":3}}'),
    ]),
    "line-too-long": (["--max-line-bytes", "64"], [
        line('{"dev":"wr-1","seq":1,"ts":1}'),
        line(LONG, "line_too_long", "line longer than --max-line-bytes (64 bytes)"),
        line('{"dev":"wr-1","seq":2,"ts":2}'),
        line('{"dev":"wr-1","seq":3,"ts":3,"pad":"' + "y" * 26 + '"}'),               # exactly 64 bytes
        line('{"dev":"wr-1","seq":4,"ts":4,"pad":"' + "y" * 27 + '"}', "line_too_long",
             "line longer than --max-line-bytes (64 bytes)"),                         # 65 bytes
        line('{"dev":"wr-1","seq":5,"ts":5}'),
    ]),
    "line-too-long-crlf": (["--max-line-bytes", "64"], [
        line('{"dev":"wr-1","seq":3,"ts":3,"pad":"' + "z" * 26 + '"}'),               # 64 bytes + CR LF
        line(LONG, "line_too_long", "line longer than --max-line-bytes (64 bytes)"),
        line('{"dev":"wr-1","seq":5,"ts":5}'),
    ], True, b"\r\n"),
    "empty-input": ([], []),
    "only-blank-lines": ([], [line('', BLANK), line('  ', BLANK), line('\t', BLANK)]),
}

def reject_json(stage, reason, number, detail, raw):
    text = raw[:4096].decode("utf-8", errors="replace")
    obj = {"stage": stage, "reason": reason, "line": number, "detail": detail, "input": text}
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))

def write(name, spec):
    args, lines = spec[0], spec[1]
    final = spec[2] if len(spec) > 2 else True
    eol = spec[3] if len(spec) > 3 else b"\n"
    folder = os.path.join(ROOT, "record-layer", name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    data = eol.join(l[0] for l in lines) + (eol if final and lines else b"")
    out, rejects = b"", []
    for number, (raw, verdict, detail) in enumerate(lines, start=1):
        if verdict == OK and raw.strip(b" \t\r") == b"":
            verdict = BLANK
        if verdict == OK:
            out += raw + b"\n"
        elif verdict != BLANK:
            rejects.append(reject_json(STAGE, verdict, number, detail, raw))
    open(os.path.join(folder, "input.ndjson"), "wb").write(data)
    open(os.path.join(folder, "expected.ndjson"), "wb").write(out)
    if rejects:
        open(os.path.join(folder, "rejects.ndjson"), "wb").write(("\n".join(rejects) + "\n").encode())
    if args:
        open(os.path.join(folder, "args"), "w").write("\n".join(args) + "\n")

STAGE = "wear-identity"  # IdentityStage.name
for name, spec in CASES.items():
    write(name, spec)
