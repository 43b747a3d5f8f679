import Testing
import WearCore
@testable import WearFilter

@Suite struct RuleFileParserTests {
    static func parse(_ text: String) throws(ConfigError) -> [Rule] {
        try RuleFileParser.parse(Array(text.utf8), file: "t.rules")
    }

    @Test func readsRulesCommentsBlankLinesAndContinuations() throws {
        let rules = try Self.parse("""
            # a comment

            drop   oversize  sz > 4KiB          # trailing comment
            tag    skew      abs(rx - ts)
                               > 5m
            keep   wearables exists(dev)\r
            """)
        #expect(rules.map(\.name) == ["oversize", "skew", "wearables"])
        #expect(rules.map(\.action) == [.drop, .tag, .keep])
        #expect(rules.map(\.position.line) == [3, 4, 6])
        #expect(rules[1].source == "\(rules[1].expr)")
    }

    @Test func anEmptyFileHasNoRules() throws {
        #expect(try Self.parse("").isEmpty)
        #expect(try Self.parse("# only comments\n\n   \n").isEmpty)
    }

    static let invalid: [(String, String)] = [
        ("reject x hr > 1", "t.rules:1:1: expected an action (drop, tag or keep), found 'reject'"),
        ("drop", "t.rules:1:5: expected a rule name after 'drop', found the end of the line"),
        ("drop Hr hr > 1", "t.rules:1:6: expected a rule name of lower-case letters, digits and '_' (starting with a letter, at most 64), found 'Hr'"),
        ("drop 1x hr > 1", "t.rules:1:6: expected a rule name of lower-case letters, digits and '_' (starting with a letter, at most 64), found '1x'"),
        ("drop a:b hr > 1", "t.rules:1:6: expected a rule name of lower-case letters, digits and '_' (starting with a letter, at most 64), found 'a:b'"),
        ("drop x\n", "t.rules:1:7: expected an expression after the rule name 'x', found the end of the line"),
        ("drop x hr > 1\ntag x hr < 1", "t.rules:2:5: rule name 'x' is already used on line 1: names must be unique"),
        ("  drop x hr > 1", "t.rules:1:3: expected a rule (ACTION NAME EXPRESSION) at the start of the line, found an indented line that continues no rule"),
        ("drop x hr >", "t.rules:1:12: expected an expression after '>', found the end of the expression"),
        ("drop x hr\n   > \"x\"", "t.rules:2:6: '>' takes a number, duration, size or rate, found a string"),
        ("drop x not 5", "t.rules:1:12: 'not' takes a condition (true or false), found a number"),
        ("drop x hr + 1", "t.rules:1:11: expected a condition (true or false) for rule 'x', found a number (a field in arithmetic)"),
        ("drop x abs(hr)", "t.rules:1:8: expected a condition (true or false) for rule 'x', found a number (a field in arithmetic)"),
        ("drop x acc[0] * 2\n", "t.rules:1:15: expected a condition (true or false) for rule 'x', found a number (a field in arithmetic)"),
        ("drop x frob(hr)", "t.rules:1:8: unknown function 'frob': use abs, len, exists, norm, in, match, last, max, rate, bucket, zscore, delta"),
    ]

    @Test(arguments: invalid)
    func refusesWithThePosition(_ text: String, _ message: String) {
        do {
            _ = try Self.parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func anInvalidPatternIsRefusedWhenTheRulesCompile() {
        do {
            _ = try FilterFixtures.probe("tag x match(fw, \"(\")")
            Issue.record("accepted")
        } catch {
            #expect("\(error)".hasPrefix("t.rules:1:17: invalid regular expression \"(\": missing ): ("), "\(error)")
        }
    }

    @Test func limitsTheNameLengthTheRuleCountAndTheFileSize() {
        let long = String(repeating: "a", count: 65)
        #expect(throws: ConfigError.self) { try Self.parse("drop \(long) hr > 1") }
        #expect((try? Self.parse("drop \(String(repeating: "a", count: 64)) hr > 1"))?.count == 1)
        let many = (0...RuleFileParser.maxRules).map { "tag r\($0) hr > \($0)" }.joined(separator: "\n")
        #expect(throws: ConfigError.self) { try Self.parse(many) }
        let big = [UInt8](repeating: UInt8(ascii: "#"), count: RuleFileParser.maxBytes + 1)
        #expect(throws: ConfigError.self) { try RuleFileParser.parse(big, file: "big.rules") }
    }

    @Test func theDefaultRulesLoad() throws {
        let rules = try RuleSet(contentsOf: FilterFixtures.defaultRules, maxKeys: 1000)
        #expect(rules.rules.count >= 10)
        #expect(rules.keyExpressions == ["dev"])
        #expect(rules.bytesPerKey > 0 && rules.bytesPerKey < 512)
    }
}
