import Testing
@testable import WearCore

/// Compiles rules (or features) and runs them on JSON records, as wear-filter does.
final class ExprHarness {
    let program: ExprProgram
    private let parser = JSONParser(capacity: 1 << 20)

    init(_ sources: [String], result: ExprResult = .condition, maxKeys: Int = 1000,
         knownFields: [String: ExprType] = [:], identities: [String]? = nil) throws {
        var entries: [ExprEntry] = []
        for (index, source) in sources.enumerated() {
            let expr = try ExprParser.parse(source, file: "t.rules", line: index + 1)
            entries.append(ExprEntry(expr, result: result, identity: identities?[index] ?? "r\(index) \(source)"))
        }
        program = try ExprProgram(compiling: entries, file: "t.rules", maxKeys: maxKeys, knownFields: knownFields)
    }

    convenience init(_ source: String, result: ExprResult = .condition, maxKeys: Int = 1000,
                     knownFields: [String: ExprType] = [:]) throws {
        try self.init([source], result: result, maxKeys: maxKeys, knownFields: knownFields)
    }

    func load(_ json: String) throws {
        program.load(try parser.parse(copying: json).get())
    }

    /// Every condition for `json`, in order (all of them run).
    func conditions(_ json: String) throws -> [Bool] {
        try load(json)
        return program.entries.indices.map { program.condition($0) }
    }

    func condition(_ json: String) throws -> Bool { try conditions(json)[0] }

    func number(_ json: String) throws -> Double? {
        try load(json)
        return program.number(0)
    }
}

/// The stateless evaluator: every operator, with fields present, missing,
/// null and of the wrong JSON type.
@Suite struct ExprProgramTests {
    static let record = #"""
    {"dev":"wr-000042","seq":1234,"ts":1763700000123,"fw":"2.4.1","hr":72,"spo2":98,"temp":36.6,"acc":[0.01,-0.02,0.98],"gyro":[1.2,-0.4,0.1],"bat":87,"rssi":-61,"steps":5012,"rx":1763700000150,"sz":412,"meta":{"src":"edge-1","hops":[3,4]},"ok":true,"no":false,"nul":null,"empty":"","zero":0,"negzero":-0.0,"huge":1e308,"big":18446744073709551615,"arr":[],"obj":{},"deep":{"a":{"b":{"c":[[1,[2,{"d":5}]]]}}}}
    """#

    @Test(arguments: [
        // Arithmetic and units: ms, bytes, per second.
        ("hr + 8 == 80", true), ("hr - 80 == -8", true), ("hr * 2 == 144", true), ("hr / 8 == 9", true),
        ("hr % 10 == 2", true), ("-hr == -72", true), ("2 + 3 * 4 == 14", true), ("(2 + 3) * 4 == 20", true),
        ("30s == 30000ms", true), ("500ms + 1s == 1500ms", true), ("5m / 1ms == 300000", true), ("1d / 1ms == 86400000", true),
        ("4KiB / 1B == 4096", true), ("1MB == 1000000B", true), ("ts - rx < 0", true), ("1h / 1m == 60", true), ("sz < 1KiB", true), ("sz > 4KiB", false),
        ("5/s == 5/s", true), ("60/m == 1/s", true), ("(5/s) / (1/s) == 5", true), ("sz / 1s > 0.4/s", true), ("rx - ts == 27", true), ("abs(ts - rx) < 1s", true),
        ("temp > 36.5", true), ("temp < 36.6", false), ("temp == 36.6", true),
        // x / 0 and x % 0 are missing: every comparison false.
        ("hr / 0 > 0", false), ("hr / 0 < 0", false), ("hr / 0 == hr / 0", false), ("hr / 0 != 1", false),
        ("hr % 0 >= 0", false), ("not (hr / 0 > 0)", true), ("zero / zero != 1", false),
        // Comparisons.
        ("hr < 73", true), ("hr <= 72", true), ("hr > 71", true), ("hr >= 72", true), ("hr == 72", true), ("hr != 72", false),
        ("hr != 71", true), ("72 == hr", true), ("hr == seq", false), ("hr != seq", true), ("hr < seq", true),
        // Strings: bytewise; a number never equals a string.
        ("dev == \"wr-000042\"", true), ("dev != \"wr-000042\"", false), ("dev != \"wr-000043\"", true),
        ("\"wr-000042\" == dev", true), ("dev == \"wr-00004\"", false), ("empty == \"\"", true), ("\"a\" == \"a\"", true),
        ("meta.src == \"edge-1\"", true), ("dev == fw", false), ("dev != fw", true), ("dev == dev", true),
        ("hr == \"72\"", false), ("hr != \"72\"", false), ("dev == 42", false), ("dev != 42", false),
        ("hr == dev", false), ("hr != dev", false),
        // Bools: a field as a condition is true only for JSON true.
        ("ok", true), ("no", false), ("nul", false), ("hr", false), ("dev", false), ("absent", false), ("not ok", false),
        ("not absent", true), ("ok == true", true), ("no == false", true), ("ok != no", true), ("ok == no", false),
        ("hr == true", false), ("hr != true", false), ("(hr > 1) == true", true), ("(hr > 1) != ok", false),
        ("ok == hr", false), ("ok != hr", false), ("hr + 1", false), ("max(dev, hr)", false),
        // and / or / not.
        ("hr > 1 and spo2 > 1", true), ("hr > 1 and spo2 > 100", false), ("hr > 100 or spo2 > 90", true),
        ("hr > 100 or spo2 > 100", false), ("not (hr > 180)", true), ("not (absent > 180)", true),
        ("not hr > 180", true), ("true and not false", true), ("absent > 1 or hr > 1", true),
        // in.
        ("in(meta.src, \"edge-1\", \"edge-2\")", true), ("in(meta.src, \"edge-2\")", false),
        ("in(hr, 70, 71, 72)", true), ("in(hr, 70, \"72\")", false), ("in(absent, 1, 2)", false),
        ("in(fw, \"2.4.1\")", true), ("in(dev, dev)", true),
        // len, exists, norm, abs.
        ("len(dev) == 9", true), ("len(acc) == 3", true), ("len(arr) == 0", true), ("len(hr) >= 0", false),
        ("len(absent) == 0", false), ("len(\"héllo\") == 6", true), ("len(meta.hops) == 2", true), ("len(obj) >= 0", false),
        ("exists(dev)", true), ("exists(absent)", false), ("exists(nul)", false), ("exists(no)", true),
        ("exists(zero)", true), ("exists(meta.src)", true), ("exists(meta.nope)", false), ("exists(dev.x)", false),
        ("exists(acc[2])", true), ("exists(acc[3])", false), ("exists(obj)", true), ("exists(arr)", true),
        ("norm(acc) > 0.98 and norm(acc) < 0.981", true), ("norm(meta.hops) == 5", true), ("norm(arr) >= 0", false),
        ("norm(dev) >= 0", false), ("norm(gyro) > 1", true), ("norm(hr) >= 0", false), ("norm(meta) >= 0", false),
        ("abs(rssi) == 61", true), ("abs(-3s) == 3000ms", true), ("abs(absent) >= 0", false), ("abs(dev) >= 0", false),
        // Nested paths.
        ("acc[2] == 0.98", true), ("acc[0] < acc[2]", true), ("gyro[1] < 0", true), ("acc[9] < 1", false),
        ("meta.hops[1] == 4", true), ("deep.a.b.c[0][1][1].d == 5", true), ("deep.a.b.c[0][0] == 1", true),
        ("deep.a.x.c[0] == 1", false), ("meta.src.x == 1", false), ("acc.x == 1", false), ("meta[0] == 1", false),
        // Hostile values: huge numbers, -0, arrays where numbers are expected.
        ("huge > 1000000000 * 1000000000", true), ("huge * 10 > huge", true), ("huge / 10 == huge / 10", true), ("-huge < 0", true),
        ("big > 10000000000 * 1000000000", true), ("negzero == 0", true), ("negzero == zero", true), ("negzero < 0", false),
        ("acc > 0", false), ("acc < 0", false), ("acc == 0", false), ("acc != 0", false), ("obj == 0", false),
        ("acc + 1 > 0", false), ("arr == arr", false), ("obj != obj", false), ("nul == nul", false), ("nul != 1", false),
    ])
    func evaluatesConditions(_ source: String, _ expected: Bool) throws {
        let harness = try ExprHarness(source)
        #expect(try harness.condition(Self.record) == expected, "\(source)")
    }

    /// Every comparison operator is false when an operand is missing (absent, null, a string, an array, an object).
    @Test(arguments: ["<", "<=", ">", ">=", "==", "!="])
    func everyComparisonIsFalseWithAMissingOperand(_ op: String) throws {
        for operand in ["absent", "nul", "dev", "acc", "obj", "meta.nope", "acc[7]", "hr / 0", "absent + 1", "-absent", "abs(nul)"] {
            var sources = ["\(operand) \(op) 1", "1 \(op) \(operand)"]
            // Two fields of different JSON types are neither equal nor unequal: `dev != hr` is false too.
            sources += ["\(operand) \(op) hr", "hr \(op) \(operand)"]
            for source in sources {
                let harness = try ExprHarness(source)
                #expect(try harness.condition(Self.record) == false, "\(source)")
                #expect(try harness.condition("{}") == false, "\(source) on {}")
                #expect(try harness.condition("[1,2]") == false, "\(source) on an array root")
            }
        }
    }

    @Test(arguments: [
        ("hr", 72.0 as Double?), ("hr * 2 + 1", 145), ("rx - ts", 27), ("norm(meta.hops)", 5), ("len(dev)", 9),
        ("abs(rssi) / 1s", 0.061), ("sz / 1KiB", 412.0 / 1024), ("absent", nil), ("dev", nil), ("hr / 0", nil),
        ("huge * 10", nil), ("acc[1]", -0.02), ("temp - 36", 36.6 - 36), ("-negzero", 0), ("5/s", 5), ("10s", 10000),
    ])
    func evaluatesNumbers(_ source: String, _ expected: Double?) throws {
        let harness = try ExprHarness(source, result: .number)
        let value = try harness.number(Self.record)
        if let expected, let value {
            #expect(abs(value - expected) < 1e-12, "\(source): \(value)")
        } else {
            #expect(value == expected, "\(source)")
        }
    }

    @Test func computesWearScoreStyleFeatures() throws {
        let harness = try ExprHarness(["norm(acc)", "hr", "rx - ts", "spo2 / 100", "len(fw)"], result: .number,
                                      knownFields: ["acc": .vector])
        try harness.load(Self.record)
        let values = harness.program.entries.indices.map { harness.program.number($0) }
        #expect(values[0].map { abs($0 - (0.01 * 0.01 + 0.02 * 0.02 + 0.98 * 0.98).squareRoot()) < 1e-12 } == true)
        #expect(values[1...] == [72, 27, 0.98, 5])
        try harness.load(#"{"acc":[1,"x"],"hr":null,"rx":5,"spo2":"98"}"#)
        #expect(harness.program.entries.indices.map { harness.program.number($0) } == [nil, nil, nil, nil, nil])
    }

    @Test func readsTheFirstOfDuplicateMembersAsLookUpsDo() throws {
        let harness = try ExprHarness(["hr == 1", "meta.src == \"a\""])
        #expect(try harness.conditions(#"{"hr":1,"hr":2,"meta":{"src":"a","src":"b"}}"#) == [true, true])
        #expect(try harness.conditions(#"{"hr":null,"hr":1}"#) == [false, false])
    }

    /// Slots are not cleared between records (a generation marks what each
    /// fill wrote): nothing of one record is read in the next.
    @Test func readsNothingOfThePreviousRecord() throws {
        let harness = try ExprHarness(["hr == 1", "exists(dev)", "meta.src == \"a\"", "acc[0] == 2", "len(dev) == 1"])
        #expect(try harness.conditions(#"{"hr":1,"dev":"d","meta":{"src":"a"},"acc":[2]}"#) == [true, true, true, true, true])
        #expect(try harness.conditions(#"{"x":0}"#) == [false, false, false, false, false])
        #expect(try harness.conditions(#"{"hr":1,"hr":3,"dev":"d","meta":{"src":"a"},"acc":[2]}"#) == [true, true, true, true, true])
        #expect(try harness.conditions(#"{"hr":"1","meta":{"src":"b","src":"a"},"acc":7,"dev":["d"]}"#) == [false, true, false, false, true]) // len of a 1-element array
        #expect(try harness.conditions(#"[1]"#) == [false, false, false, false, false])
        #expect(try harness.conditions(#"{"hr":1.0,"dev":"dd","meta":{"src":"a"},"acc":[2.0]}"#) == [true, true, true, true, false])
    }

    @Test func readsFieldsWhateverTheirOrderAndNames() throws {
        // Long names (over 8 bytes, compared beyond the head) and names sharing a head.
        let harness = try ExprHarness(["temperature_celsius > 1 and temperature_kelvin > 300 and a == 1 and ab == 2"])
        #expect(try harness.condition(#"{"ab":2,"temperature_kelvin":310,"x":0,"a":1,"temperature_celsius":37}"#))
        #expect(try harness.condition(#"{"temperature_celsiux":37,"temperature_kelvin":310,"a":1,"ab":2}"#) == false)
        #expect(try harness.condition(#"{"":1,"temperature":37}"#) == false)
    }

    @Test func readsManyDistinctFields() throws {
        let names = (0..<150).map { "f\($0)" }
        let harness = try ExprHarness(names.map { "\($0) == \($0.dropFirst())" })
        let record = "{" + names.reversed().map { "\"\($0)\":\($0.dropFirst())" }.joined(separator: ",") + "}"
        #expect(try harness.conditions(record).allSatisfy { $0 })
        let other = "{" + names.map { "\"\($0)\":\($0 == "f77" ? "78" : String($0.dropFirst()))" }.joined(separator: ",") + "}"
        let changed = try harness.conditions(other)
        #expect(changed.indices.filter { !changed[$0] } == [77])
    }

    @Test func survivesDeeplyNestedRecords() throws {
        let harness = try ExprHarness(["a.a.a.a.a.a.a.a == 1", "exists(a) and len(a) >= 0"])
        let deep = String(repeating: "{\"a\":", count: 500) + "1" + String(repeating: "}", count: 500)
        #expect(try harness.conditions(deep) == [false, false])
        let exact = String(repeating: "{\"a\":", count: 8) + "1" + String(repeating: "}", count: 8)
        #expect(try harness.conditions(exact) == [true, false])
    }

    @Test(arguments: [
        ("-5s", ExprResult.condition, "t.rules:1:1: expected a condition (true or false), found a duration"),
        ("5", .condition, "t.rules:1:1: expected a condition (true or false), found a number"),
        ("hr > 1", .number, "t.rules:1:4: expected a number, duration, size or rate, found a bool"),
        ("dev == \"x\" and hr > \"y\"", .condition, "t.rules:1:21: '>' takes a number, duration, size or rate, found a string"),
        ("max(last(dev, seq), seq) > 1", .condition, "t.rules:1:5: the key of max cannot use a stateful function: use a field such as dev"),
        ("rate(dev, 0s) > 1/s", .condition, "t.rules:1:11: rate takes a window of at least 1ms, found 0.0ms"),
    ])
    func refusesWhatCannotBeEvaluated(_ source: String, _ result: ExprResult, _ expected: String) {
        do {
            _ = try ExprHarness(source, result: result)
            Issue.record("compiled \(source)")
        } catch {
            #expect("\(error)" == expected)
        }
    }

    @Test(arguments: [
        ("match(fw, \"^2\\\\.4\\\\.\")", true), ("match(fw, \"^2\\\\.5\")", false), ("match(dev, \"[0-9]{6}$\")", true),
        ("match(dev, \"^000042\")", false), ("match(dev, \"000042\")", true), ("match(meta.src, \"edge-[12]\")", true),
        ("match(hr, \"7\")", false), ("match(absent, \".*\")", false), ("match(nul, \"\")", false), ("match(acc, \".\")", false),
        ("match(empty, \"^$\")", true), ("match(\"abc\", \"b\")", true), ("not match(fw, \"x\")", true),
        ("match(fw, \"(a+)+$\")", false),
    ])
    func matchesWithRE2(_ source: String, _ expected: Bool) throws {
        let harness = try ExprHarness(source)
        #expect(try harness.condition(Self.record) == expected, "\(source)")
    }

    @Test func matchRunsInLinearTimeOnAPathologicalPattern() throws {
        // Exponential for a backtracking engine; RE2 scans once.
        let harness = try ExprHarness("match(s, \"^(a|aa)+$\") or match(s, \"(a*)*b\")")
        let record = #"{"s":""# + String(repeating: "a", count: 100_000) + #"c"}"#
        #expect(try harness.condition(record) == false)
    }

    @Test func refusesAnInvalidPatternAtItsPosition() {
        do {
            _ = try ExprHarness(["hr > 1", "dev == \"a\" or match(fw, \"(unclosed\")"])
            Issue.record("compiled")
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix("t.rules:2:25: invalid regular expression \"(unclosed\": "), "\(text)")
        }
    }

    @Test func reportsTheFirstErrorInEntryOrder() {
        do {
            _ = try ExprHarness(["hr > 1", "hr > \"x\"", "foo(1)"])
            Issue.record("compiled")
        } catch {
            #expect("\(error)" == "t.rules:2:6: '>' takes a number, duration, size or rate, found a string")
        }
    }
}
