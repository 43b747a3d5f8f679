import Testing
import WearCore

@Suite struct ExprParserTests {
    @Test(arguments: [
        ("hr < 20 or hr > 250", "((hr < 20) or (hr > 250))"),
        ("sz > 4KiB", "(sz > 4KiB)"),
        ("bucket(dev, 5/s, 20)          # leaky bucket", "bucket(dev, 5/s, 20)"),
        ("seq <= max(dev, seq)", "(seq <= max(dev, seq))"),
        ("seq - last(dev, seq) > 1", "((seq - last(dev, seq)) > 1)"),
        ("abs(rx - ts) > 30s", "(abs((rx - ts)) > 30s)"),
        ("exists(dev) and exists(seq)", "(exists(dev) and exists(seq))"),
        ("a or b and c", "(a or (b and c))"),
        ("not a == b", "(not (a == b))"),
        ("a and not b or c", "((a and (not b)) or c)"),
        ("1 + 2 * 3 - 4 % 5", "((1 + (2 * 3)) - (4 % 5))"),
        ("-a * b", "((-a) * b)"),
        ("10/2", "(10 / 2)"),
        ("x / sec", "(x / sec)"),
        ("(1 + 2) * 3", "((1 + 2) * 3)"),
        ("acc[2] > 1.5", "(acc[2] > 1.5)"),
        ("meta.src == \"ble\"", "(meta.src == \"ble\")"),
        ("a.b[0].c != \"q\\\"\\\\\\n\\u{e9}\"", "(a.b[0].c != \"q\\\"\\\\\\né\")"),
        ("500ms + 5m", "(500ms + 5m)"),
        ("in(fw, \"1.0\", \"1.1\")", "in(fw, \"1.0\", \"1.1\")"),
        ("f()", "f()"),
        ("ok == true and bad != false", "((ok == true) and (bad != false))"),
        ("x\n  >\n  3", "(x > 3)"),
        ("1000", "1000"),
        ("100B", "100B"),
    ])
    func printsTheCanonicalTree(_ source: String, _ canonical: String) throws {
        let expr = try ExprParser.parse(source, file: "t.rules")
        #expect(expr.description == canonical)
        #expect(try ExprParser.parse(canonical, file: "t.rules").description == canonical)
    }

    @Test(arguments: [
        ("hr >", "t.rules:1:5: expected an expression after '>', found the end of the expression"),
        ("hr > )", "t.rules:1:6: expected an expression after '>', found ')'"),
        ("hr > 20 fast", "t.rules:1:9: expected an operator or the end of the expression after '20', found 'fast'"),
        ("(a + b", "t.rules:1:7: expected ')' to close the '(' at 1:1, found the end of the expression"),
        ("f(a b)", "t.rules:1:5: expected ',' or ')' in the call of f, found 'b'"),
        ("a < b < c", "t.rules:1:7: comparisons do not chain: after '<' expected 'and' or 'or', found '<'"),
        ("acc[x]", "t.rules:1:5: expected an index such as [0] after '[', found 'x'"),
        ("acc[1.5]", "t.rules:1:5: expected an index such as [0] after '[', found '1.5'"),
        ("meta.", "t.rules:1:6: expected a field name after '.', found the end of the expression"),
        ("x > 30q", "t.rules:1:7: unknown unit 'q': durations take ms, s, m, h or d; sizes take B, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000)"),
        ("x > 5s5", "t.rules:1:7: expected an operator after '5s', found '5'"),
        ("x == \"abc", "t.rules:1:6: unterminated string: add a closing '\"' on the same line"),
        ("x == \"a\nb\"", "t.rules:1:6: unterminated string: add a closing '\"' on the same line"),
        ("x == \"\\q\"", "t.rules:1:7: unknown escape '\\q': use \\\" \\\\ \\n \\t \\r or \\u{HEX}"),
        ("x == \"\\u{110000}\"", "t.rules:1:7: invalid \\u{...} escape: 1 to 8 hex digits of a Unicode scalar"),
        ("x $ y", "t.rules:1:3: unexpected character '$'"),
        ("x\n  > ", "t.rules:2:5: expected an expression after '>', found the end of the expression"),
        ("x > 1\(String(repeating: "9", count: 400))", "t.rules:1:5: '1\(String(repeating: "9", count: 400))' is not a usable number"),
        ("x > 9999999999TiB", "t.rules:1:5: too large: at most 1024TiB"),
    ])
    func refusesInvalidProgramsWithThePosition(_ source: String, _ message: String) {
        #expect(throws: ConfigError.self) { try ExprParser.parse(source, file: "t.rules") }
        do {
            _ = try ExprParser.parse(source, file: "t.rules")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func countsColumnsFromWhereTheExpressionStartsInItsLine() {
        do {
            _ = try ExprParser.parse("hr > ", file: "rules/default.rules", line: 7, column: 9)
            Issue.record("parsed")
        } catch {
            #expect(error.description == "rules/default.rules:7:14: expected an expression after '>', found the end of the expression")
        }
    }

    @Test func givesTokensTheirLineAndColumn() throws {
        var lexer = ExprLexer(Array("a <= 5/s\n  # note\n  and\tb".utf8), file: "t")
        let tokens = try lexer.tokens()
        #expect(tokens.map(\.position.description) == ["1:1", "1:3", "1:6", "3:3", "3:7", "3:8"])
        #expect(tokens.map(\.text) == ["a", "<=", "5/s", "and", "b", ""])
        #expect(tokens[2].kind == .quantity(.rate(Rate(count: 5, per: .seconds(1)))))
    }
}
