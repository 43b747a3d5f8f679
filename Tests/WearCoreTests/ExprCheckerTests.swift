import Testing
import WearCore

@Suite struct ExprCheckerTests {
    let checker = ExprChecker(file: "t.rules", knownFields: ["acc": .vector, "note": .string])

    func type(_ source: String) throws -> ExprType {
        try checker.check(try ExprParser.parse(source, file: "t.rules"))
    }

    @Test(arguments: [
        ("hr < 20 or hr > 250", ExprType.bool),
        ("sz > 4KiB", .bool),
        ("bucket(dev, 5/s, 20)", .bool),
        ("seq <= max(dev, seq)", .bool),
        ("seq - last(dev, seq) > 1", .bool),
        ("abs(rx - ts) > 30s", .bool),
        ("zscore(dev, sz) > 4", .bool),
        ("exists(dev) and exists(seq)", .bool),
        ("rate(dev, 10s) > 50/s", .bool),
        ("rate(dev, 10s)", .rate),
        ("delta(dev, ts)", .field),
        ("30s * 2 + 500ms", .duration),
        ("2 * 4KiB", .size),
        ("10m / 30s", .number),
        ("5m % 7s", .duration),
        ("-30s", .duration),
        ("norm(acc) > 30", .bool),
        ("len(note)", .number),
        ("in(meta.src, \"ble\", \"wifi\")", .bool),
        ("match(fw, \"^1\\\\.[0-9]+$\")", .bool),
        ("not flagged", .bool),
        ("note == \"x\"", .bool),
        ("acc[0] > 1.5", .bool),
        ("last(dev, 4KiB)", .size),
    ])
    func typesValidPrograms(_ source: String, _ expected: ExprType) throws {
        #expect(try type(source) == expected)
    }

    @Test(arguments: [
        ("x > 30s == \"a\"", "t.rules:1:9: comparisons do not chain: after '>' expected 'and' or 'or', found '=='"),
        ("30s == \"a\"", "t.rules:1:5: cannot compare a duration with a string"),
        ("4KiB < 30s", "t.rules:1:6: cannot compare a size with a duration"),
        ("note < \"b\"", "t.rules:1:1: '<' takes a number, duration, size or rate, found a string"),
        ("30s + 4KiB", "t.rules:1:5: cannot apply '+' to a duration and a size"),
        ("2 / 30s", "t.rules:1:3: cannot apply '/' to a number and a duration"),
        ("\"a\" + 1", "t.rules:1:1: '+' takes a number, duration, size or rate, found a string"),
        ("hr > 1 and 5", "t.rules:1:12: 'and' takes a condition (true or false), found a number"),
        ("not 30s", "t.rules:1:5: 'not' takes a condition (true or false), found a duration"),
        ("-\"a\"", "t.rules:1:2: '-' takes a number, duration, size or rate, found a string"),
        ("foo(hr)", "t.rules:1:1: unknown function 'foo': use abs, len, exists, norm, in, match, last, max, rate, bucket, zscore, delta"),
        ("hr > abs(hr, 2)", "t.rules:1:6: abs takes 1 argument, found 2"),
        ("in(hr)", "t.rules:1:1: in takes at least 2 arguments, found 1"),
        ("bucket(dev, 5/s)", "t.rules:1:1: bucket takes 3 arguments, found 2"),
        ("exists(1 + 2)", "t.rules:1:10: exists takes a field such as meta.src, found '(1 + 2)'"),
        ("match(fw, pattern)", "t.rules:1:11: match takes its pattern as a string literal, found 'pattern'"),
        ("match(30s, \"a\")", "t.rules:1:7: match takes a string, found a duration"),
        ("rate(dev, 5)", "t.rules:1:11: rate takes its window as a duration such as 10s, found '5'"),
        ("rate(dev, window)", "t.rules:1:11: rate takes its window as a duration such as 10s, found 'window'"),
        ("bucket(dev, 5, 20)", "t.rules:1:13: bucket takes its rate as a rate such as 5/s, found '5'"),
        ("bucket(dev, 5/s, burst)", "t.rules:1:18: bucket takes its burst as a number such as 20, found 'burst'"),
        ("max(hr > 1, seq)", "t.rules:1:8: max takes a key such as dev first, found a bool"),
        ("zscore(dev, note)", "t.rules:1:13: 'zscore' takes a number, duration, size or rate, found a string"),
        ("last(dev, \"x\")", "t.rules:1:11: 'last' takes a number, duration, size or rate, found a string"),
        ("rate(dev, 10s) > 5", "t.rules:1:16: cannot compare a rate with a number"),
        ("norm(note)", "t.rules:1:6: norm takes a vector such as acc, found a string"),
        ("len(5)", "t.rules:1:5: len takes a string or a vector, found a number"),
        ("in(30s, 1s, \"a\")", "t.rules:1:13: in compares a duration with a string"),
        ("acc > 1", "t.rules:1:1: '>' takes a number, duration, size or rate, found a vector"),
    ])
    func refusesIllTypedProgramsAtTheOffendingToken(_ source: String, _ message: String) {
        do {
            _ = try type(source)
            Issue.record("accepted \(source)")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func knowsEveryFunctionOfTheLanguage() {
        #expect(ExprFunction.allCases.map(\.rawValue) == ["abs", "len", "exists", "norm", "in", "match", "last", "max", "rate", "bucket", "zscore", "delta"])
        #expect(ExprFunction.allCases.filter(\.isStateful).map(\.rawValue) == ["last", "max", "rate", "bucket", "zscore", "delta"])
    }
}
