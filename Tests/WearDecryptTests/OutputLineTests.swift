import Testing
@testable import WearDecrypt

@Suite struct OutputLineTests {
    private func line(_ object: String, _ build: (OutputLine) -> Void) -> String {
        let line = OutputLine()
        Array(object.utf8).withUnsafeBytes { line.begin(object: $0, extra: 64) }
        build(line)
        line.end()
        return String(decoding: line.bytes, as: UTF8.self)
    }

    @Test(arguments: [Int64(0), 7, 9, 10, 99, 100, 12_345, 99_999_999, 100_000_000, 100_000_001, 1_763_700_000_999,
                      -1, -100_000_000, -1_763_700_000_999, .max, .min])
    func writesIntegersAsSwiftDoes(_ value: Int64) {
        #expect(line(#"{"a":1}"#) { $0.key(#","n":"#); $0.integer(value) } == #"{"a":1,"n":\#(value)}"#)
    }

    @Test(arguments: [
        (#"{"a":1}"#, #"{"a":1,"rx":5}"#), ("{}", #"{"rx":5}"#), ("{ }", #"{"rx":5}"#),
        ("{\"a\":1 \t}", #"{"a":1,"rx":5}"#), (#"{"a":{"b":2}}  "#, #"{"a":{"b":2},"rx":5}"#),
    ])
    func splicesMembersBeforeTheClosingBrace(_ object: String, _ expected: String) {
        #expect(line(object) { $0.key(#","rx":"#); $0.integer(5) } == expected)
    }

    @Test func growsForLongLines() {
        let long = "{\"a\":\"" + String(repeating: "x", count: 10_000) + "\"}"
        let result = line(long) { $0.key(#","sz":"#); $0.integer(1) }
        #expect(result.utf8.count == long.utf8.count + 7)
        #expect(result.hasSuffix(#"","sz":1}"#))
    }
}
