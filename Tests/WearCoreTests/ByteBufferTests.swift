import Testing
@testable import WearCore

@Suite struct ByteBufferTests {
    func written(_ build: (ByteBuffer) -> Void) -> String {
        let buffer = ByteBuffer(capacity: 8) // small: every test also grows it
        build(buffer)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    @Test(arguments: [0, 7, 9, 10, 99, 100, 101, 1000, 12_345, 99_999_999, 100_000_000, 100_000_001,
                      1_763_700_000_999, -1, -100_000_000, -1_763_700_000_999, Int.max, Int.min])
    func writesIntegersAsSwiftDoes(_ value: Int) {
        #expect(written { $0.append(int: value) } == String(value))
    }

    @Test(arguments: [
        (36.6, "36.6"), (72.0, "72"), (-0.02, "-0.02"), (1e-7, "1e-07"), (Double.nan, "null"),
        (Double.infinity, "null"), (1e300, "1e+300"), (0.1 + 0.2, "0.30000000000000004"),
    ])
    func writesNumbersThatReadBackExactly(_ value: Double, _ text: String) throws {
        #expect(written { $0.append(jsonNumber: value) } == text)
        if value.isFinite {
            let parser = JSONParser(capacity: 64)
            let parsed = try parser.parse(copying: "{\"v\":\(text)}").get()
            #expect(parsed["v"]?.double == value)
        }
    }

    @Test func escapesStrings() {
        #expect(written { $0.append(jsonString: "quote\" back\\ nl\n tab\t bell\u{7} é") }
                == #""quote\" back\\ nl\n tab\t bell\u0007 é""#)
        #expect(ByteBuffer.jsonString("a\u{0}b") == Array(#""a\u0000b""#.utf8))
    }

    @Test func writesAParsedValueBackAsCompactJSON() throws {
        let parser = JSONParser(capacity: 1024)
        let value = try parser.parse(copying: #"{ "s" : "a\"\u00e9", "n":[1, -2.5, true, null, {"k":{}}], "u":18446744073709551615 }"#).get()
        #expect(written { $0.append(json: value) } == #"{"s":"a\"é","n":[1,-2.5,true,null,{"k":{}}],"u":18446744073709551615}"#)
    }
}
