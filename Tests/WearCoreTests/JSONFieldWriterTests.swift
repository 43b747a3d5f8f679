import Testing
@testable import WearCore

@Suite struct JSONFieldWriterTests {
    func append(to line: String, _ build: (inout JSONFieldWriter) -> Void) -> String? {
        var writer = JSONFieldWriter()
        var line = line
        let began = line.withUTF8 { writer.begin(object: UnsafeRawBufferPointer($0)) }
        guard began else { return nil }
        build(&writer)
        writer.end()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func keepsTheOriginalMembersByteForByte() {
        let line = #"{"dev":"wr-1", "temp":36.60,"acc":[1, 2]}"#
        #expect(append(to: line) { $0.field("rx", Int64(17)) } == #"{"dev":"wr-1", "temp":36.60,"acc":[1, 2],"rx":17}"#)
    }

    @Test func appendsToAnEmptyObjectWithoutAComma() {
        #expect(append(to: "{}") { $0.field("a", true) } == #"{"a":true}"#)
        #expect(append(to: "{ \t}") { $0.field("a", true) } == "{ \t\"a\":true}")
    }

    @Test func toleratesWhitespaceAfterTheClosingBrace() {
        #expect(append(to: "{\"a\":1}  \t") { $0.fieldNull("b") } == #"{"a":1,"b":null}"#)
    }

    @Test func refusesSomethingThatIsNotAnObject() {
        #expect(append(to: "[1]") { _ in } == nil)
        #expect(append(to: "") { _ in } == nil)
    }

    @Test func escapesStrings() {
        let written = append(to: "{}") { $0.field("s", "quote\" back\\ nl\n tab\t bell\u{7} é") }
        #expect(written == #"{"s":"quote\" back\\ nl\n tab\t bell\u0007 é"}"#)
        let parser = JSONParser(capacity: 1024) // values live as long as their parser
        let parsed = written.flatMap { try? parser.parse(copying: $0).get() }
        #expect(parsed?["s"]?.string == "quote\" back\\ nl\n tab\t bell\u{7} é")
    }

    @Test(arguments: [
        (36.6, "36.6"), (72.0, "72"), (-0.02, "-0.02"), (1e-7, "1e-07"), (Double.nan, "null"),
        (Double.infinity, "null"), (1e300, "1e+300"), (0.1 + 0.2, "0.30000000000000004"),
    ])
    func writesNumbersThatReadBackExactly(_ value: Double, _ text: String) throws {
        var bytes: [UInt8] = []
        JSONFieldWriter.appendNumber(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == text)
        if value.isFinite {
            let parser = JSONParser(capacity: 64)
            let parsed = try parser.parse(copying: "{\"v\":\(text)}").get()
            #expect(parsed["v"]?.double == value)
        }
    }

    @Test func writesRawJSONMembers() {
        #expect(append(to: #"{"a":1}"#) { $0.field("meta", rawJSON: Array(#"{"src":"gw"}"#.utf8)) } == #"{"a":1,"meta":{"src":"gw"}}"#)
    }
}
