import Testing
import WearCore

/// Matches `pattern` against raw bytes (which need not be UTF-8).
private func search(_ pattern: String, _ bytes: [UInt8]) throws -> Bool {
    let regex = try LinearRegex(pattern)
    return bytes.withUnsafeBytes { regex.matches($0) }
}

@Suite struct LinearRegexMatchingTests {
    @Test(arguments: [
        ("abc", "xxabcxx", true), ("abc", "ab", false), ("^abc", "xabc", false), ("^abc$", "abc", true),
        ("abc$", "abcd", false), ("a.c", "a-c", true), ("a.c", "a\nc", false), ("(?s)a.c", "a\nc", true),
        ("colou?r", "color", true), ("colou?r", "colour", true), ("a{3}", "aab", false), ("a{3}", "baaab", true),
        ("[0-9]+\\.[0-9]+", "v1.25", true), ("[0-9]+\\.[0-9]+", "v1.", false), ("(?i)ADMIN", "the admin", true),
        ("ADMIN", "the admin", false), ("^(fw|os)-[0-9]+$", "fw-12", true), ("^(fw|os)-[0-9]+$", "fw-12a", false),
        ("\\bdrop\\b", "a drop b", true), ("\\bdrop\\b", "dropped", false), ("é", "café", true), ("^caf.$", "café", true),
        ("\\pL+", "123", false), ("\\pL+", "x", true), ("a|b", "c", false), ("", "anything", true),
        ("(?P<name>a)b", "ab", true), ("\\x00", "a\u{0}b", true),
    ])
    func searchesUnanchored(_ pattern: String, _ text: String, _ expected: Bool) throws {
        #expect(try search(pattern, Array(text.utf8)) == expected)
        #expect(try LinearRegex(pattern).matches(text) == expected)
    }

    @Test func emptyInputMatchesOnlyPatternsThatAcceptEmpty() throws {
        #expect(try search("", []) == true)
        #expect(try search("^$", []) == true)
        #expect(try search("a*", []) == true)
        #expect(try search("a", []) == false)
        #expect(try search(".", []) == false)
        #expect(try LinearRegex("^$").matches(UnsafeRawBufferPointer(start: nil, count: 0)))
    }

    @Test func invalidUTF8InputNeverMatchesACharacterItDoesNotContain() throws {
        let invalid: [UInt8] = [0xFF, 0xFE, 0xC3]  // not UTF-8; 0xC3 is a truncated lead byte
        #expect(try search(".", invalid) == false)
        #expect(try search("é", invalid) == false)
        #expect(try search("\\pL", invalid) == false)
        // The ASCII around invalid bytes still matches.
        let mixed: [UInt8] = [0xFF] + Array("id=42".utf8) + [0xC3]
        #expect(try search("id=[0-9]+", mixed) == true)
        #expect(try search("^id", mixed) == false)
        #expect(try search("é", [0xC3, 0xA9]) == true)  // the same bytes when valid
    }

    @Test func oneInstanceIsSharedAcrossThreads() async throws {
        let regex = try LinearRegex("^dev-[0-9]{4}$")
        let counts = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var hits = 0
                    for i in 0..<2000 where regex.matches("dev-\(String(format: "%04d", (i + worker) % 10000))") { hits += 1 }
                    return hits
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 2000, count: 8))
    }
}

@Suite struct LinearRegexErrorTests {
    @Test(arguments: [
        ("(ab", "missing ): (ab"), ("[a-", "missing ]: [a-"), ("a**", "bad repetition operator: **"),
        ("[z-a]", "invalid character class range: z-a"), ("a{2,1}", "invalid repetition size: {2,1}"),
        ("*a", "no argument for repetition operator: *"), ("a\\", "trailing \\"),
    ])
    func syntaxErrorsSayWhatAndWhere(_ pattern: String, _ message: String) {
        #expect(throws: RegexSyntaxError(message: message)) { try LinearRegex(pattern) }
    }

    /// Constructs only a backtracking engine can run are refused, not slowly matched.
    @Test(arguments: [
        ("(a)\\1", "invalid escape sequence: \\1"), ("(?=a)b", "invalid perl operator: (?="),
        ("(?!a)b", "invalid perl operator: (?!"), ("(?<=a)b", "invalid perl operator: (?<"),
    ])
    func refusesBackreferencesAndLookaround(_ pattern: String, _ message: String) {
        #expect(throws: RegexSyntaxError(message: message)) { try LinearRegex(pattern) }
    }

    @Test func refusesAPatternThatNeedsMoreThanItsMemoryBound() throws {
        do {
            _ = try LinearRegex("\\pL{100}\\pL{100}\\pL{100}\\pL{100}\\pL{100}\\pL{100}")
            Issue.record("a pattern needing more than 8 MiB compiled")
        } catch {
            #expect(error.message.hasPrefix("pattern too large"))
            #expect(error.message.contains("8 MiB"))
        }
        _ = try LinearRegex("\\pL{100}")  // the same class, smaller, is fine
    }

    @Test func patternLengthIsBounded() throws {
        _ = try LinearRegex(String(repeating: "a", count: LinearRegex.maxPatternBytes))
        #expect(throws: RegexSyntaxError(message: "pattern too long: 4097 bytes, at most 4096")) {
            try LinearRegex(String(repeating: "a", count: LinearRegex.maxPatternBytes + 1))
        }
    }
}

/// Patterns that take exponential time in a backtracking engine on a long run
/// followed by a byte that makes the match fail. RE2 answers in one pass; a
/// backtracking engine would never return, so the test would hang, not pass.
@Suite struct LinearRegexPathologicalTests {
    @Test(arguments: [
        ("(a+)+$", UInt8(ascii: "a"), ""), ("(a|aa)+$", UInt8(ascii: "a"), ""), ("(x+x+)+y", UInt8(ascii: "x"), "y"),
        ("^(a*)*b$", UInt8(ascii: "a"), "b"), ("(.*a){20}z", UInt8(ascii: "a"), "z"),
    ])
    func oneMebibyteRunThenAMismatch(_ pattern: String, _ run: UInt8, _ matchingEnd: String) throws {
        let body = [UInt8](repeating: run, count: 1 << 20)
        #expect(try search(pattern, body + [UInt8(ascii: "!")]) == false)
        // The same pattern matches when the run ends the way it wants: the false above is not a refusal.
        #expect(try search(pattern, body + Array(matchingEnd.utf8)) == true)
    }
}
