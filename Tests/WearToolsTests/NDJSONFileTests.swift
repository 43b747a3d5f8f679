import Foundation
import Testing
import WearCore
import WearTesting
import WearTools

@Suite struct NDJSONFileTests {
    func lines(of text: String, maxLineBytes: Int = 1 << 20) throws(StageFailure) -> [String] {
        let scratch = try? TemporaryDirectory()
        let url = scratch!.file("in.ndjson")
        try? Data(text.utf8).write(to: url)
        var seen: [String] = []
        try NDJSONFile.forEachLine(path: url.path, maxLineBytes: maxLineBytes) { seen.append(String(decoding: $0, as: UTF8.self)) }
        return seen
    }

    @Test func readsLinesAsTheStagesFrameThem() throws {
        #expect(try lines(of: "{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\":3}") == [#"{"a":1}"#, #"{"b":2}"#, #"{"c":3}"#])
        #expect(try lines(of: "") == [])
    }

    @Test func aLineOverTheLimitIsAnErrorNamingFileAndLine() {
        do {
            _ = try lines(of: "{}\n" + String(repeating: "x", count: 200) + "\n", maxLineBytes: 64)
            Issue.record("an oversized line was accepted")
        } catch {
            #expect(error.message.hasSuffix("in.ndjson:2: line longer than 64 bytes"))
            #expect(error.status == .ioError)
        }
    }

    @Test func aMissingFileIsNoInput() {
        #expect(throws: StageFailure.self) { try NDJSONFile.forEachLine(path: "/nonexistent/x.ndjson") { _ in } }
    }
}
