import Testing
@testable import WearCore

/// What a framer yields, in a comparable form.
enum FramedEvent: Equatable, CustomStringConvertible {
    case line(Int, String)
    /// An oversized line's number and kept prefix.
    case oversized(Int, prefix: String)

    var description: String {
        switch self {
        case .line(let number, let text): "line \(number): \(text.prefix(40))"
        case .oversized(let number, let prefix): "oversized \(number) (\(prefix.utf8.count) bytes kept)"
        }
    }
}

/// Feeds `input` to a framer in chunks of the given sizes (cycled) and collects events.
func frame(_ input: [UInt8], chunks: [Int], maxLineBytes: Int = 1 << 20, blockSize: Int = 4096) -> (events: [FramedEvent], framer: LineFramer) {
    let framer = LineFramer(maxLineBytes: maxLineBytes, blockSize: blockSize)
    var events: [FramedEvent] = []
    func collect(_ event: LineEvent) {
        switch event {
        case .line(let line): events.append(.line(line.number, String(decoding: line.bytes, as: UTF8.self)))
        case .oversized(let number, let prefix): events.append(.oversized(number, prefix: String(decoding: prefix, as: UTF8.self)))
        }
    }
    var offset = 0
    var chunkIndex = 0
    while offset < input.count {
        let space = framer.writableSpace()
        let size = min(chunks[chunkIndex % chunks.count], input.count - offset, space.count)
        chunkIndex += 1
        for i in 0..<size { space[i] = input[offset + i] }
        framer.didRead(size)
        offset += size
        while let event = framer.next() { collect(event) }
    }
    while let event = framer.finish() { collect(event) }
    return (events, framer)
}

@Suite struct LineFramerTests {
    static let cases: [(name: String, input: String, expected: [FramedEvent])] = [
        ("empty input", "", []),
        ("one line", "{\"a\":1}\n", [.line(1, "{\"a\":1}")]),
        ("no final newline", "{\"a\":1}\n{\"b\":2}", [.line(1, "{\"a\":1}"), .line(2, "{\"b\":2}")]),
        ("crlf", "{\"a\":1}\r\n{\"b\":2}\r\n", [.line(1, "{\"a\":1}"), .line(2, "{\"b\":2}")]),
        ("crlf without final newline", "{\"a\":1}\r", [.line(1, "{\"a\":1}")]),
        ("blank lines are skipped but counted", "\n  \n\t\r\n{\"a\":1}\n\n", [.line(4, "{\"a\":1}")]),
        ("whitespace around a record is kept", "  {\"a\":1} \n", [.line(1, "  {\"a\":1} ")]),
        ("nul bytes are part of the line", "{\"a\":\"\u{0}\"}\nx\u{0}y\n", [.line(1, "{\"a\":\"\u{0}\"}"), .line(2, "x\u{0}y")]),
        ("only newlines", "\n\n\n", []),
    ]

    @Test(arguments: cases.indices)
    func oneBytePerReadAndAllAtOnceGiveTheSameLines(_ index: Int) {
        let testCase = Self.cases[index]
        let input = Array(testCase.input.utf8)
        let whole = frame(input, chunks: [max(1, input.count)]).events
        let bytewise = frame(input, chunks: [1]).events
        let uneven = frame(input, chunks: [3, 1, 7, 2]).events
        #expect(whole == testCase.expected, "\(testCase.name)")
        #expect(bytewise == testCase.expected, "\(testCase.name), one byte per read")
        #expect(uneven == testCase.expected, "\(testCase.name), uneven reads")
    }

    @Test func invalidUTF8PassesThroughFramingUnchanged() {
        let input: [UInt8] = [0x7B, 0xFF, 0xFE, 0x7D, 0x0A]
        let (events, _) = frame(input, chunks: [1])
        #expect(events == [.line(1, String(decoding: [0x7B, 0xFF, 0xFE, 0x7D], as: UTF8.self))])
    }

    /// What every oversized event guarantees: the line's number and its first
    /// min(length, 4096) bytes, however the input was chunked.
    func expectOversized(_ event: FramedEvent?, number: Int, line: String, limit: Int) {
        guard case .oversized(let got, let prefix)? = event else {
            Issue.record("expected an oversized line, found \(String(describing: event))")
            return
        }
        #expect(got == number)
        #expect(prefix == String(line.prefix(LineFramer.oversizePrefixBytes)))
    }

    @Test(arguments: [[1], [7], [3, 40], [1000]])
    func rejectsALineOverTheLimitAndResyncsAtTheNextNewline(_ chunks: [Int]) {
        let long = String(repeating: "x", count: 100)
        let input = Array("{\"a\":1}\n\(long)\n{\"b\":2}\n".utf8)
        let (events, _) = frame(input, chunks: chunks, maxLineBytes: 50, blockSize: 16)
        #expect(events.count == 3)
        #expect(events.first == .line(1, "{\"a\":1}"))
        expectOversized(events.dropFirst().first, number: 2, line: long, limit: 50)
        #expect(events.last == .line(3, "{\"b\":2}"))
    }

    @Test func aLineExactlyAtTheLimitIsAccepted() {
        let exact = String(repeating: "y", count: 50)
        let (events, _) = frame(Array("\(exact)\r\n\(exact)x\n".utf8), chunks: [5], maxLineBytes: 50, blockSize: 16)
        #expect(events.count == 2)
        #expect(events.first == .line(1, exact))
        expectOversized(events.last, number: 2, line: exact + "x", limit: 50)
    }

    @Test func theKeptPrefixIsTheSameForAnyChunking() {
        let line = String(repeating: "0123456789", count: 1000)
        let prefixes = [[1], [5000], [64, 3], [20_000]].map { chunks in
            frame(Array("\(line)\n".utf8), chunks: chunks, maxLineBytes: 100, blockSize: 256).events
        }
        #expect(Set(prefixes.map(\.description)).count == 1)
        expectOversized(prefixes.first?.first, number: 1, line: line, limit: 100)
    }

    @Test(arguments: [[80], [1], [9]])
    func anOversizedLastLineWithoutNewlineIsRejected(_ chunks: [Int]) {
        let line = String(repeating: "z", count: 80)
        let (events, _) = frame(Array(line.utf8), chunks: chunks, maxLineBytes: 50, blockSize: 16)
        #expect(events.count == 1)
        expectOversized(events.first, number: 1, line: line, limit: 50)
    }

    @Test func tenMebibyteLineDoesNotGrowTheBufferPastTheLimit() {
        let maxLine = 1 << 20
        let block = 64 * 1024
        var input = Array("{\"before\":1}\n".utf8)
        input += [UInt8](repeating: UInt8(ascii: "a"), count: 10 << 20)
        input += Array("\n{\"after\":2}\n".utf8)
        let (events, framer) = frame(input, chunks: [block], maxLineBytes: maxLine, blockSize: block)
        #expect(events.count == 3)
        #expect(events.first == .line(1, "{\"before\":1}"))
        #expect(events.last == .line(3, "{\"after\":2}"))
        expectOversized(events[1], number: 2, line: String(repeating: "a", count: 10 << 20), limit: maxLine)
        #expect(framer.allocatedBytes <= maxLine + 2 + 2 * block)
        #expect(framer.allocatedBytes < 2 << 20)
        #expect(framer.bufferedBytes == 0)
    }

    @Test func nothingStaysBufferedAfterFinish() {
        let (_, framer) = frame(Array("{\"a\":1}\n{\"b\"".utf8), chunks: [3])
        #expect(framer.bufferedBytes == 0)
    }

    @Test func everyLineHasPaddingReadableAfterIt() {
        // The parser reads JSONParser.padding bytes past the end: a line that ends the
        // allocation must still be parseable. Fill the first block exactly.
        let framer = LineFramer(maxLineBytes: 100, blockSize: 16)
        let parser = JSONParser(capacity: 128)
        let space = framer.writableSpace()
        let text = Array("{\"k\":1}".utf8)
        var filled = 0
        while filled + text.count + 1 <= space.count {
            for (i, byte) in text.enumerated() { space[filled + i] = byte }
            space[filled + text.count] = UInt8(ascii: "\n")
            filled += text.count + 1
        }
        framer.didRead(filled)
        var parsed = 0
        while case .line(let line)? = framer.next() {
            if case .success = parser.parse(padded: line.bytes) { parsed += 1 }
        }
        #expect(parsed == filled / (text.count + 1))
    }
}
