import Testing
import WearCore

@Suite struct ExprHostileInputTests {
    func message(_ bytes: [UInt8]) -> String? {
        do {
            _ = try ExprParser.parse(bytes, file: "h.rules")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let depth = ExprParser.maxDepth - 1
        let source = String(repeating: "(", count: depth) + "x" + String(repeating: ")", count: depth)
        #expect(try ExprParser.parse(source, file: "h.rules").description == "x")
    }

    @Test(arguments: [
        (String(repeating: "(", count: 100_000) + "x", "h.rules:1:65: expression nested too deeply (more than 64 levels)"),
        (String(repeating: "not ", count: 100_000) + "x", "h.rules:1:257: expression nested too deeply (more than 64 levels)"),
        (String(repeating: "-", count: 100_000) + "x", "h.rules:1:65: expression nested too deeply (more than 64 levels)"),
        (String(repeating: "f(", count: 100_000) + "x", "h.rules:1:129: expression nested too deeply (more than 64 levels)"),
        ("x" + String(repeating: " + x", count: 100_000), "h.rules:1:255: expression nested too deeply (more than 64 levels)"),
        ("x" + String(repeating: " or x", count: 100_000), "h.rules:1:318: expression nested too deeply (more than 64 levels)"),
    ])
    func refusesDeepNestingWithoutOverflowingTheStack(_ source: String, _ expected: String) {
        #expect(message(Array(source.utf8)) == expected)
    }

    @Test func refusesInvalidUTF8InAString() {
        #expect(message(Array("x == \"a".utf8) + [0xFF, 0xFE] + Array("\"".utf8)) == "h.rules:1:6: invalid UTF-8 in string literal")
    }

    @Test func refusesNonASCIIOutsideStrings() {
        #expect(message(Array("x > ".utf8) + [0xC3, 0xA9]) == "h.rules:1:5: unexpected byte 0xC3 (only ASCII outside string literals)")
        #expect(message([0xFF]) == "h.rules:1:1: unexpected byte 0xFF (only ASCII outside string literals)")
    }

    @Test func refusesEmptyInput() {
        #expect(message([]) == "h.rules:1:1: expected an expression, found the end of the expression")
        #expect(message(Array("  # only a comment".utf8)) == "h.rules:1:19: expected an expression, found the end of the expression")
    }
}
