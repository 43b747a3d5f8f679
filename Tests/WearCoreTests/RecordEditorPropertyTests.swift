import Testing
@testable import WearCore

/// Random records, random edits: the output is always one JSON object with
/// no member name twice, the edited members hold what was written, and every
/// other member is unchanged.
@Suite struct RecordEditorPropertyTests {
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }
    }

    /// Member names as written, and as read (`fl\u0061gs` is `flags`).
    static let names: [(written: String, read: String)] = [
        (#""flags""#, "flags"), (#""fl\u0061gs""#, "flags"), (#""score""#, "score"), (#""why""#, "why"),
        (#""dev""#, "dev"), (#""hr""#, "hr"), (#""é""#, "é"), (#""a\"b""#, "a\"b"),
    ]
    static let values = [#"1"#, #"-2.5e3"#, #""s""#, #""]}\"""#, "[]", "[ 1 , [2] ]", #"{"flags":[1],"score":2}"#, "null", "true", #"["x"]"#]
    static let spaces = ["", " ", "\t", " \n "]

    static func record(_ random: inout Random) -> String {
        var used = Set<String>()
        var members: [String] = []
        for _ in 0..<random.next(6) {
            let name = random.pick(names)
            guard used.insert(name.read).inserted else { continue }
            members.append(random.pick(spaces) + name.written + random.pick(spaces) + ":" + random.pick(spaces) + random.pick(values) + random.pick(spaces))
        }
        return random.pick(spaces) + "{" + members.joined(separator: ",") + random.pick(spaces) + "}" + random.pick(spaces)
    }

    /// A member's value as compact JSON, for comparing.
    static func compact(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        let buffer = ByteBuffer()
        buffer.append(json: value)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    @Test func editedRecordsAreValidJSONWithUniqueMembersAndTheRestUnchanged() throws {
        var random = Random(state: 8)
        let editor = RecordEditor(capacity: 16)
        let inputParser = JSONParser(capacity: 1 << 16)
        let outputParser = JSONParser(capacity: 1 << 16)
        let edited: [MemberName] = ["flags", "score", "why"]
        for _ in 0..<2000 {
            let text = Self.record(&random)
            var line = text
            let root = try inputParser.parse(copying: line).get()
            try #require(root.isObject && !root.hasDuplicateKeys, "\(line)")
            var expectedFlags = Self.compact(root["flags"])
            var expectedScore = Self.compact(root["score"])
            var expectedWhy = Self.compact(root["why"])
            let flagsIsArray = root["flags"].map(\.isArray) ?? true
            var output: String?
            line.withUTF8 { bytes in
                guard editor.begin(object: UnsafeRawBufferPointer(bytes), root: random.next(2) == 0 ? root : nil) else { return }
                do {
                    for _ in 0..<(1 + random.next(4)) {
                        switch random.next(3) {
                        case 0:
                            try editor.append(to: "flags", string: "r")
                            expectedFlags = expectedFlags.map { $0 == "[]" ? #"["r"]"# : $0.dropLast() + #","r"]"# } ?? #"["r"]"#
                        case 1:
                            let score = Double(random.next(100)) / 100
                            try editor.set("score", double: score)
                            expectedScore = Self.compact(try? outputParser.parse(copying: "\(score)").get())
                        default:
                            try editor.set("why") { $0.append(#"[{"z":1}]"#) }
                            expectedWhy = #"[{"z":1}]"#
                        }
                    }
                    output = String(decoding: editor.finish(), as: UTF8.self)
                } catch {
                    guard case .notAnArray(let name, _) = error as? RecordEditError else {
                        Issue.record("unexpected \(error) for \(text)")
                        return
                    }
                    #expect(name == "flags" && !flagsIsArray, "\(text)")
                }
            }
            guard let output else {
                #expect(!flagsIsArray, "only a non-array flags fails: \(line)")
                continue
            }
            let result = try outputParser.parse(copying: output).get()
            #expect(result.isObject && !result.hasDuplicateKeys, "\(line) -> \(output)")
            #expect(Self.compact(result["flags"]) == expectedFlags, "\(line) -> \(output)")
            #expect(Self.compact(result["score"]) == expectedScore, "\(line) -> \(output)")
            #expect(Self.compact(result["why"]) == expectedWhy, "\(line) -> \(output)")
            let original = try inputParser.parse(copying: line).get()
            var unchanged = 0
            original.forEachMember { name, value in
                let key = String(decoding: name, as: UTF8.self)
                if !edited.contains(MemberName(key)) {
                    #expect(Self.compact(result.member(named: key)) == Self.compact(value), "\(key) in \(line) -> \(output)")
                    unchanged += 1
                }
                return true
            }
            #expect(result.count == unchanged + edited.filter { result.member(named: $0.description) != nil }.count)
        }
    }
}
