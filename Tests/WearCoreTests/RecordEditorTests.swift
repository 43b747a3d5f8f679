import Testing
@testable import WearCore

/// Runs `body` on `line` with an editor, once given the parsed root and once
/// without, and returns the edited line (both ways must agree).
func edited(_ line: String, _ body: (RecordEditor) throws -> Void) -> Result<String, RecordEditError> {
    let parser = JSONParser(capacity: 1 << 16)
    var results: [Result<String, RecordEditError>] = []
    for useRoot in [true, false] {
        let root = useRoot ? try? parser.parse(copying: line).get() : nil
        let editor = RecordEditor(capacity: 16)
        var text = line
        let result = text.withUTF8 { bytes -> Result<String, RecordEditError> in
            guard editor.begin(object: UnsafeRawBufferPointer(bytes), root: root) else { return .failure(.notAnObject) }
            do {
                try body(editor)
            } catch {
                return .failure(error as? RecordEditError ?? .notAnObject)
            }
            return .success(String(decoding: editor.finish(), as: UTF8.self))
        }
        results.append(result)
    }
    #expect(results[0] == results[1], "with and without the parsed root")
    return results[0]
}

@Suite struct RecordEditorTests {
    static let score: MemberName = "score"
    static let flags: MemberName = "flags"
    static let why: MemberName = "why"

    static let settingCases: [(line: String, expected: String)] = [
        (#"{"a":1}"#, #"{"a":1,"score":0.5}"#),
        ("{}", #"{"score":0.5}"#),
        ("{ \t}", "{\"score\":0.5 \t}"),
        (#"{"score":null,"a":1}"#, #"{"score":0.5,"a":1}"#),
        (#"{"a":1 , "score" : [1, {"b":2}] }"#, #"{"a":1 , "score" : 0.5 }"#),
        (#"{"n":{"score":1},"m":[{"score":2}]}"#, #"{"n":{"score":1},"m":[{"score":2}],"score":0.5}"#),
        (#"{"s":"\"score\":1","t":"score"}"#, #"{"s":"\"score\":1","t":"score","score":0.5}"#),
        (#"{"sc\u006fre":1,"b":"x"}"#, #"{"sc\u006fre":0.5,"b":"x"}"#),
        (#"{"a":"é\u00e9😀"}"#, #"{"a":"é\u00e9😀","score":0.5}"#),
        ("{\"a\":1}  \t", "{\"a\":1,\"score\":0.5}  \t"),
        ("  {\n\"a\" :\t1\r\n}", "  {\n\"a\" :\t1,\"score\":0.5\r\n}"),
        (#"{"a":true,"score":"x","z":false}"#, #"{"a":true,"score":0.5,"z":false}"#),
    ]

    @Test(arguments: settingCases)
    func setsOrReplacesAMemberLeavingTheRestAsRead(line: String, expected: String) {
        #expect(edited(line) { try $0.set(Self.score, double: 0.5) } == .success(expected))
    }

    static let appendingCases: [(line: String, expected: String)] = [
        (#"{"a":1}"#, #"{"a":1,"flags":["replay"]}"#),
        ("{}", #"{"flags":["replay"]}"#),
        (#"{"flags":[]}"#, #"{"flags":["replay"]}"#),
        (#"{"flags":[ ]}"#, #"{"flags":[ "replay"]}"#),
        (#"{"flags":["gap"]}"#, #"{"flags":["gap","replay"]}"#),
        (#"{"flags":["gap" ] ,"b":2}"#, #"{"flags":["gap" ,"replay"] ,"b":2}"#),
        (#"{"fl\u0061gs":["gap"]}"#, #"{"fl\u0061gs":["gap","replay"]}"#),
        (#"{"flags":[["x"],{"y":"]"}],"z":"[}"}"#, #"{"flags":[["x"],{"y":"]"},"replay"],"z":"[}"}"#),
        (#"{"n":{"flags":["x"]}}"#, #"{"n":{"flags":["x"]},"flags":["replay"]}"#),
        (#"{"dév":"ü","flags":["é"]}"#, #"{"dév":"ü","flags":["é","replay"]}"#),
    ]

    @Test(arguments: appendingCases)
    func appendsToAnArrayMemberCreatingIt(line: String, expected: String) {
        #expect(edited(line) { try $0.append(to: Self.flags, string: "replay") } == .success(expected))
    }

    static let nonArrays: [(line: String, found: JSONValue.Kind)] = [
        (#"{"flags":"gap"}"#, .string),
        (#"{"flags":{"a":[1]}}"#, .object),
        (#"{"flags":3}"#, .double),
        (#"{"flags":null}"#, .null),
        (#"{"flags":false}"#, .bool),
    ]

    @Test(arguments: nonArrays)
    func refusesToAppendToAMemberThatIsNotAnArray(line: String, found: JSONValue.Kind) {
        #expect(edited(line) { try $0.append(to: Self.flags, string: "x") } == .failure(.notAnArray(Self.flags, found: found)))
    }

    @Test func explainsANonArrayInOneLine() {
        #expect(RecordEditError.notAnArray(Self.flags, found: .string).description == #"member "flags" is a string, expected an array"#)
        #expect(RecordEditError.notAnObject.description == "the record is not a JSON object")
    }

    @Test func refusesLinesThatAreNotObjects() {
        for line in ["[1]", #""x""#, "", "   ", "{", "}"] {
            #expect(edited(line) { try $0.setNull(Self.score) } == .failure(.notAnObject), "\(line)")
        }
    }

    @Test func editsCompose() {
        let line = #"{"dev":"wr-1","flags":["gap"],"hr":72}"#
        let result = edited(line) { editor in
            try editor.append(to: Self.flags, string: "skew")
            try editor.set(Self.score, number: nil)
            try editor.append(to: Self.flags, string: "replay")
            try editor.set(Self.why) { $0.append(#"[{"feature":"hr","kind":"level","z":7.4}]"#) }
            try editor.set(Self.score, double: 0.93)
        }
        #expect(result == .success(#"{"dev":"wr-1","flags":["gap","skew","replay"],"hr":72,"why":[{"feature":"hr","kind":"level","z":7.4}],"score":0.93}"#))
    }

    @Test func aNewMemberChangedAgainMovesAfterTheOtherNewOnes() {
        #expect(edited(#"{"a":1}"#) { editor in
            try editor.append(to: Self.flags, string: "x")
            try editor.set(Self.score, int: 1)
            try editor.append(to: Self.flags, string: "y")
            try editor.set(Self.why, int: 2)
            try editor.set(Self.why, int: 3)
        } == .success(#"{"a":1,"score":1,"flags":["x","y"],"why":3}"#))
        #expect(edited("{}") { editor in
            try editor.set(Self.score, int: 1)
            try editor.set(Self.why, int: 2)
            try editor.set(Self.score, int: 3)
        } == .success(#"{"why":2,"score":3}"#))
    }

    @Test func aSetArrayCanBeAppendedToAndAnAppendedArrayReplaced() {
        #expect(edited(#"{"a":1}"#) { editor in
            try editor.append(to: Self.flags, string: "x")
            try editor.append(to: Self.flags, int: 2)
        } == .success(#"{"a":1,"flags":["x",2]}"#))
        #expect(edited(#"{"flags":["old"]}"#) { editor in
            try editor.append(to: Self.flags, string: "x")
            try editor.set(Self.flags) { $0.append("[ ]") }
            try editor.append(to: Self.flags, string: "y")
        } == .success(#"{"flags":[ "y"]}"#))
        #expect(edited(#"{"a":1}"#) { editor in
            try editor.set(Self.flags, int: 1)
            try editor.append(to: Self.flags, string: "y")
        } == .failure(.notAnArray(Self.flags, found: .double)))
    }

    @Test func replacesMembersInAnyOrderOfTheLine() {
        let line = #"{"why":[],"a":1,"score":0}"#
        let result = edited(line) { editor in
            try editor.set(Self.score, double: 1)
            try editor.set(Self.why) { $0.append("[1]") }
        }
        #expect(result == .success(#"{"why":[1],"a":1,"score":1}"#))
    }

    @Test func escapesNamesKnownAtRunTime() {
        let odd = MemberName("we\"ird\\\n")
        #expect(edited(#"{"a":1}"#) { try $0.set(odd, bool: true) } == .success(#"{"a":1,"we\"ird\\\n":true}"#))
        #expect(edited(#"{"we\"ird\\\n":0}"#) { try $0.set(odd, bool: true) } == .success(#"{"we\"ird\\\n":true}"#))
        #expect(edited(#"{"we\u0022ird\u005c\u000a":0}"#) { try $0.set(odd, bool: true) } == .success(#"{"we\u0022ird\u005c\u000a":true}"#))
        let smile = MemberName("😀é")
        #expect(edited(#"{"\ud83d\ude00\u00e9":0}"#) { try $0.set(smile, int: 1) } == .success(#"{"\ud83d\ude00\u00e9":1}"#))
        #expect(edited(#"{"😀é":0}"#) { try $0.set(smile, int: 1) } == .success(#"{"😀é":1}"#))
        #expect(MemberName(utf8: [0xFF]) == nil)
        #expect(MemberName(utf8: Array("ok".utf8)) == "ok")
    }

    @Test func escapedStringValuesAreWritten() {
        #expect(edited("{}") { try $0.append(to: Self.flags, string: "a\"b") } == .success(#"{"flags":["a\"b"]}"#))
        #expect(edited("{}") { try $0.set(Self.score, string: "tab\t") } == .success(#"{"score":"tab\t"}"#))
        #expect(edited("{}") { try $0.set(Self.score, double: .nan) } == .success(#"{"score":null}"#))
    }

    @Test func knowsTheMembersARecordHasAndWillHave() {
        var line = #"{"rx":1,"n":{"sz":2},"s":"meta","fl\u0061gs":[]}"#
        let parser = JSONParser(capacity: 4096)
        for useRoot in [true, false] {
            let root = useRoot ? try? parser.parse(copying: line).get() : nil
            let editor = RecordEditor()
            line.withUTF8 { bytes in
                #expect(editor.begin(object: UnsafeRawBufferPointer(bytes), root: root))
                #expect(editor.has("rx"))
                #expect(editor.has(Self.flags))
                #expect(!editor.has("sz"))
                #expect(!editor.has("meta"))
                #expect(!editor.has(Self.score))
                try? editor.set(Self.score, int: 1)
                #expect(editor.has(Self.score))
            }
        }
    }

    @Test func reusesItsBuffersForLinesLongAndShort() {
        let editor = RecordEditor(capacity: 16)
        let long = "{\"pad\":\"" + String(repeating: "p", count: 10_000) + "\",\"flags\":[1]}"
        for (line, expected) in [(long, long.dropLast(2) + ",\"x\"]}"), (#"{"flags":[]}"#, #"{"flags":["x"]}"#)] {
            var text = line
            let out = text.withUTF8 { bytes -> String? in
                guard editor.begin(object: UnsafeRawBufferPointer(bytes)) else { return nil }
                try? editor.append(to: Self.flags, string: "x")
                return String(decoding: editor.finish(), as: UTF8.self)
            }
            #expect(out == String(expected))
        }
    }
}
