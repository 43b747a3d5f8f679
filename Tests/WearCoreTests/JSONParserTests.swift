import Testing
@testable import WearCore

@Suite struct JSONParserTests {
    let parser = JSONParser(capacity: 1 << 20)

    func root(_ text: String) -> JSONValue? {
        try? parser.parse(copying: text).get()
    }

    @Test func readsTheTelemetryFieldsAStageNeeds() throws {
        let record = try #require(root(#"{"dev":"wr-000042","seq":1234,"ts":1763700000123,"hr":72,"temp":36.6,"acc":[0.01,-0.02,0.98],"ok":true,"x":null}"#))
        #expect(record.isObject)
        #expect(record["dev"]?.string == "wr-000042")
        #expect(record["seq"]?.int64 == 1234)
        #expect(record["ts"]?.uint64 == 1_763_700_000_123)
        #expect(record["hr"]?.double == 72)
        #expect(record["temp"]?.double == 36.6)
        #expect(record["temp"]?.int64 == nil)
        #expect(record["acc"]?.count == 3)
        #expect(record["acc"]?[2]?.double == 0.98)
        #expect(record["acc"]?[3] == nil)
        #expect(record["ok"]?.bool == true)
        #expect(record["x"]?.isNull == true)
        #expect(record["missing"] == nil)
        #expect(record.count == 8)
    }

    @Test func membersAreVisitedInDocumentOrder() throws {
        let record = try #require(root(#"{"b":1,"a":{"c":2},"d":"e"}"#))
        var keys: [String] = []
        record.forEachMember { key, _ in
            keys.append(String(decoding: key, as: UTF8.self))
            return true
        }
        #expect(keys == ["b", "a", "d"])
        #expect(record["a"]?["c"]?.int64 == 2)
    }

    @Test func escapedStringsAreUnescaped() throws {
        let record = try #require(root(#"{"s":"a\"b\\c\u00e9\n"}"#))
        #expect(record["s"]?.string == "a\"b\\cé\n")
    }

    @Test func detectsDuplicateMemberNames() throws {
        #expect(try #require(root(#"{"a":1,"b":2,"a":3}"#)).hasDuplicateKeys)
        #expect(try #require(root(#"{"a":1,"\u0061":3}"#)).hasDuplicateKeys)
        #expect(try !#require(root(#"{"a":1,"b":{"a":2}}"#)).hasDuplicateKeys)
        #expect(try #require(root(#"{"n":{"x":1,"x":2}}"#)).hasDuplicateKeys)
        #expect(try #require(root(#"{"n":[1,{"y":{"x":1,"x":2}}]}"#)).hasDuplicateKeys)
        #expect(try !#require(root(#"{"n":[{"x":1},{"x":2}],"m":{"x":3}}"#)).hasDuplicateKeys)
        #expect(try !#require(root(#"{"hr":1,"ts":2,"fw":3,"ab":4}"#)).hasDuplicateKeys)
        #expect(try !#require(root(#"{"abcdefgh1":1,"abcdefgh2":2,"abcdefgh":3}"#)).hasDuplicateKeys)
        #expect(try #require(root(#"{"abcdefghij":1,"x":0,"abcdefghij":2}"#)).hasDuplicateKeys)
        #expect(try !#require(root(#"{"":1,"a":2}"#)).hasDuplicateKeys)
        #expect(try #require(root(#"{"":1,"":2}"#)).hasDuplicateKeys)
        let wide = "{" + (0..<100).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k7\":0}"
        #expect(try #require(root(wide)).hasDuplicateKeys)
        let wideUnique = "{" + (0..<100).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        #expect(try !#require(root(wideUnique)).hasDuplicateKeys)
    }

    static let invalid: [(String, JSONSyntaxError.Kind)] = [
        ("not json", .syntax),
        ("{\"a\":}", .syntax),
        ("{\"a\":1", .syntax),
        ("{\"a\":1}}", .syntax),
        ("{\"a\":01}", .number),
        ("{\"a\":1e999}", .number),
        ("{\"a\":\"\u{1}\"}", .controlCharacter),
        ("", .empty),
        (String(repeating: "[", count: 2000) + String(repeating: "]", count: 2000), .depth),
    ]

    @Test(arguments: invalid.indices)
    func rejectsInvalidJSONWithTheRightKind(_ index: Int) {
        let (text, kind) = Self.invalid[index]
        switch parser.parse(copying: text) {
        case .success: Issue.record("accepted \(text.prefix(30))")
        case .failure(let error): #expect(error.kind == kind, "\(text.prefix(30)): \(error)")
        }
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        guard case .failure(let error) = parser.parse(copying: bytes) else {
            Issue.record("accepted invalid UTF-8")
            return
        }
        #expect(error.kind == .utf8)
    }

    @Test func acceptsAnEscapedNul() throws {
        #expect(try #require(root(#"{"a":"\u0000"}"#))["a"]?.stringBytes?.count == 1)
    }

    @Test func parsesAgainAfterAnError() throws {
        _ = parser.parse(copying: "{")
        #expect(try #require(root(#"{"a":1}"#))["a"]?.int64 == 1)
    }

    @Test func largeIntegersKeepTheirRepresentation() throws {
        let record = try #require(root(#"{"u":18446744073709551615,"i":-9223372036854775808}"#))
        #expect(record["u"]?.uint64 == UInt64.max)
        #expect(record["u"]?.int64 == nil)
        #expect(record["i"]?.int64 == Int64.min)
        #expect(record["i"]?.uint64 == nil)
    }
}

@Suite struct DuplicateKeyPrefilterTests {
    let parser = JSONParser(capacity: 4096)

    @Test(arguments: [
        (#"{"a":1,"a":2}"#, true),
        (#"{"n":{"x":1,"x":2}}"#, true),
        (#"  {"n":[{"x":1,"x":2}]}"#, true),
        (#"{"s":"{","n":{"x":1,"x":2}}"#, true),
        (#"{"acc":[1,2,3],"gyro":[4,5,6]}"#, false),
        (#"{"s":"{ not an object","t":1}"#, false),
        (#"{"n":{"x":1,"y":2}}"#, false),
    ])
    func agreesWithTheFullCheck(_ text: String, _ duplicated: Bool) throws {
        var bytes = Array(text.utf8)
        let root = try parser.parse(copying: bytes).get()
        #expect(root.hasDuplicateKeys == duplicated)
        let viaPrefilter = bytes.withUnsafeMutableBytes { root.hasDuplicateKeys(parsedFrom: UnsafeRawBufferPointer($0)) }
        #expect(viaPrefilter == duplicated)
    }
}

/// The parser's remembered shapes (member names of roots found free of
/// duplicates) never hide a duplicate: a root that shares a remembered
/// shape's names, or a prefix of them, and repeats one is still caught.
@Suite struct DuplicateKeyShapeTests {
    private func check(_ parser: JSONParser, _ text: String) throws -> Bool {
        var bytes = Array(text.utf8)
        bytes.append(contentsOf: repeatElement(0, count: JSONParser.padding))
        return try bytes.withUnsafeBytes { raw in
            let line = UnsafeRawBufferPointer(rebasing: raw[0..<text.utf8.count])
            let root = try parser.parse(padded: line).get()
            let viaShapes = parser.hasDuplicateKeys(root, parsedFrom: line)
            #expect(viaShapes == root.hasDuplicateKeys, "\(text)")
            return viaShapes
        }
    }

    @Test func aDuplicateAfterARememberedShapeIsCaught() throws {
        let parser = JSONParser(capacity: 4096)
        let clean = #"{"dev":"a","seq":1,"ts":2,"temperature_celsius":3,"hr":4}"#
        #expect(try !check(parser, clean))
        #expect(try !check(parser, clean)) // remembered
        // The remembered names, then one of them again.
        #expect(try check(parser, #"{"dev":"a","seq":1,"ts":2,"temperature_celsius":3,"hr":4,"dev":"b"}"#))
        #expect(try check(parser, #"{"dev":"a","seq":1,"ts":2,"temperature_celsius":3,"hr":4,"temperature_celsius":5}"#))
        // A prefix of the shape, then a repeat, at the shape's length.
        #expect(try check(parser, #"{"dev":"a","seq":1,"ts":2,"temperature_celsius":3,"seq":4}"#))
        #expect(try check(parser, #"{"dev":"a","seq":1,"ts":2,"temperature_celsius":3,"temperature_celsius":4}"#))
        #expect(try check(parser, #"{"dev":"a","seq":1,"ts":2,"ts":3,"hr":4}"#))
        // Same names beyond the first 8 bytes differing; escapes unescaped.
        #expect(try !check(parser, #"{"dev":"a","seq":1,"ts":2,"temperature_celsiux":3,"hr":4}"#))
        #expect(try check(parser, #"{"dev":"a","seq":1,"ts":2,"temperature_celsius":3,"\u0068r":4,"hr":5}"#))
        #expect(try !check(parser, #"{"dev":"a","seq":1,"ts":2,"temperature_celsius":3,"\u0068r":4}"#))
        // Nested duplicates under a remembered root shape.
        #expect(try !check(parser, #"{"dev":"a","seq":1,"ts":2,"temperature_celsius":3,"hr":{"x":1}}"#))
        #expect(try check(parser, #"{"dev":"a","seq":1,"ts":2,"temperature_celsius":3,"hr":{"x":1,"x":2}}"#))
        #expect(try check(parser, #"{"dev":"a","seq":1,"ts":2,"temperature_celsius":3,"hr":[{"x":1,"x":2}]}"#))
    }

    @Test func manyShapesInTurnStayExact() throws {
        let parser = JSONParser(capacity: 1 << 16)
        for round in 0..<3 {
            for width in 1...40 {
                let names = (0..<width).map { "field_number_\($0)" }
                let clean = "{" + names.map { "\"\($0)\":1" }.joined(separator: ",") + "}"
                #expect(try !check(parser, clean), "round \(round), width \(width)")
                let repeated = "{" + (names + [names[width / 2]]).map { "\"\($0)\":1" }.joined(separator: ",") + "}"
                #expect(try check(parser, repeated), "round \(round), width \(width)")
            }
        }
    }
}

/// simdjson refuses every document when its parser's capacity is below 32
/// bytes; JSONParser keeps at least 64, so a parser sized to the line it
/// reads (as the rule test runner sizes one) parses it.
@Suite struct JSONParserSmallCapacityTests {
    @Test func aParserSizedToItsDocumentParsesIt() throws {
        for document in [#"{}"#, #"{"a":1}"#, #"{"hr":[190],"flags":["cool"]}"#, #"{"dev":"a","hr":[190],"flags":["cool"]}"#, "[1,2]", "7"] {
            for capacity in document.utf8.count...(document.utf8.count + 80) {
                let parser = JSONParser(capacity: capacity)
                guard case .success(let root) = parser.parse(copying: document) else {
                    Issue.record("capacity \(capacity) refused \(document)")
                    continue
                }
                if document.contains("flags") {
                    #expect(root["flags"]?[0]?.string == "cool", "capacity \(capacity): \(document)")
                }
            }
        }
    }
}

