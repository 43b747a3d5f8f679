import Testing
@testable import WearCore

@Suite struct JSONDocumentTests {
    @Test func buildsCompactDocumentsInInsertionOrder() {
        let object = JSONDocument.object()
        object.set("z", "last?")
        object.set("a", 1)
        object.set("pi", 3.25)
        object.set("ok", false)
        let list = JSONDocument.array()
        list.append(.string("x"))
        list.append(.null())
        object.set("list", list)
        #expect(object.dumped() == #"{"z":"last?","a":1,"pi":3.25,"ok":false,"list":["x",null]}"#)
    }

    @Test func replacesInvalidUTF8WithTheReplacementCharacter() {
        let document = JSONDocument.string(bytes: [0x61, 0xFF, 0x62])
        #expect(document.stringValue == "a\u{FFFD}b")
    }

    @Test func keepsEmbeddedNulBytes() {
        #expect(JSONDocument.string(bytes: [0x61, 0x00, 0x62]).dumped() == #""a\u0000b""#)
    }

    @Test func parsesAndReadsBack() throws {
        let document = try JSONDocument.parse(#"{"keys":{"wr-1":"abc"},"n":[1,2.5]}"#, source: "keys.json")
        #expect(document["keys"]?["wr-1"]?.stringValue == "abc")
        #expect(document["n"]?[1]?.numberValue == 2.5)
        #expect(document["n"]?[0]?.integerValue == 1)
        #expect(document.members.map(\.key) == ["keys", "n"])
    }

    @Test func reportsWhereAParseFailed() {
        do {
            _ = try JSONDocument.parse("{\n  \"a\": 1,\n  \"b\": ]\n}", source: "rules.json")
            Issue.record("parsed invalid JSON")
        } catch {
            #expect(error.line == 3)
            #expect(error.description.hasPrefix("rules.json:3:"))
        }
    }

    @Test func refusesDuplicateKeysInConfigs() {
        #expect(throws: JSONDocumentError.self) { try JSONDocument.parse(#"{"a":1,"a":2}"#, source: "x") }
    }

    @Test func nonFiniteRealsBecomeNull() {
        #expect(JSONDocument.real(.nan).kind == .null)
    }
}

@Suite struct JSONDocumentDumpTests {
    @Test(arguments: [(0.8, "0.8"), (3.0, "3.0"), (0.1 + 0.2, "0.30000000000000004"), (-1e-7, "-1e-07"), (1e300, "1e+300")])
    func writesRealsAsTheShortestTextThatReadsBack(_ value: Double, _ text: String) throws {
        #expect(JSONDocument.real(value).dumped() == text)
        let reread = try JSONDocument.parse(text, source: "x")
        #expect(reread.kind == .real)
        #expect(reread.numberValue == value)
    }

    @Test func roundTripsANestedDocument() throws {
        let text = #"{"a":[1,2.5,"x\n\"y",true,false,null,{}],"b":{"c":[]},"é":-3}"#
        #expect(try JSONDocument.parse(text, source: "x").dumped() == text)
    }
}
