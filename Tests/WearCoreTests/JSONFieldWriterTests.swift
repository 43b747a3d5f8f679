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
        #expect(append(to: "{ \t}") { $0.field("a", true) } == #"{"a":true}"#)
    }

    @Test func dropsWhitespaceAroundTheClosingBrace() {
        #expect(append(to: "{\"a\":1 \t}") { $0.fieldNull("b") } == #"{"a":1,"b":null}"#)
        #expect(append(to: "{\"a\":1}  \t") { $0.fieldNull("b") } == #"{"a":1,"b":null}"#)
    }

    @Test func refusesSomethingThatIsNotAnObject() {
        #expect(append(to: "[1]") { _ in } == nil)
        #expect(append(to: "") { _ in } == nil)
    }

    @Test func escapesStringValues() {
        let written = append(to: "{}") { $0.field("s", "quote\" back\\ nl\n bell\u{7}") }
        #expect(written == #"{"s":"quote\" back\\ nl\n bell\u0007"}"#)
    }

    @Test func growsForLongLinesAndReusesItsBuffer() {
        let long = "{\"a\":\"" + String(repeating: "x", count: 10_000) + "\"}"
        var writer = JSONFieldWriter(buffer: ByteBuffer(capacity: 16))
        for _ in 0..<2 {
            var line = long
            #expect(line.withUTF8 { writer.begin(object: UnsafeRawBufferPointer($0)) })
            writer.field("sz", 1)
            writer.end()
            #expect(writer.bytes.count == long.utf8.count + 7)
            #expect(String(decoding: writer.bytes, as: UTF8.self).hasSuffix(#"","sz":1}"#))
        }
    }

    @Test func writesRawJSONMembers() {
        #expect(append(to: #"{"a":1}"#) { $0.field("meta", rawJSON: Array(#"{"src":"gw"}"#.utf8)) } == #"{"a":1,"meta":{"src":"gw"}}"#)
    }
}
