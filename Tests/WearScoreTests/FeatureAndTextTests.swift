import Testing
@testable import WearScore

@Suite struct FeatureTests {
    @Test func argumentsNameAFieldAnExpressionOrDt() throws {
        #expect(try Feature(argument: "hr") == Feature(name: "hr", source: .expression("hr")))
        #expect(try Feature(argument: "acc_mag=norm(acc)") == Feature(name: "acc_mag", source: .expression("norm(acc)")))
        #expect(try Feature(argument: "dt") == Feature(name: "dt", source: .interArrival, stuck: false))
        #expect(try Feature(argument: "dt=ts") == Feature(name: "dt", source: .expression("ts")))
    }

    @Test(arguments: ["", "9lives", "a-b", "x=", "x=  ", String(repeating: "n", count: 33)])
    func badArgumentsAreRefused(_ argument: String) {
        #expect(throws: FeatureError.self) { try Feature(argument: argument) }
    }

    @Test func listsHoldOneToEightDistinctFeatures() throws {
        #expect(throws: FeatureError.self) { try Feature.validate([]) }
        let nine = (0..<9).map { Feature(name: "f\($0)", source: .expression("f\($0)")) }
        #expect(throws: FeatureError.self) { try Feature.validate(nine) }
        #expect(throws: FeatureError.self) { try Feature.validate([Feature(name: "a", source: .interArrival), Feature(name: "a", source: .interArrival)]) }
        try Feature.validate(Feature.telemetry)
    }

    @Test func aBadExpressionIsRefusedWithItsPosition() {
        do {
            _ = try ScoreConfiguration(features: [Feature(name: "m", source: .expression("norm(acc"))])
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix("--feature m:1:"), "\(error.description)")
        }
        #expect(throws: FeatureError.self) { try ScoreConfiguration(features: [Feature(name: "m", source: .expression("dev == 1 +"))]) }
    }
}

@Suite struct ScoreTextTests {
    static func score(_ value: Double) -> String {
        var text: [UInt8] = []
        ScoreText.score(value, into: &text)
        return String(decoding: text, as: UTF8.self)
    }

    @Test func scoresHaveSixDecimalsRoundedDownAndTrimmed() {
        #expect(Self.score(1) == "1")
        #expect(Self.score(0.99999999) == "0.999999", "never rounds up to 1")
        #expect(Self.score(0.5) == "0.5")
        #expect(Self.score(0.0000004) == "0")
        #expect(Self.score(0.1234567) == "0.123456")
        #expect(Self.score(-3) == "0")
        #expect(Self.score(0.0000051) == "0.000005", "leading zeros kept")
        #expect(Self.score(0.1050001) == "0.105", "a zero inside kept")
        #expect(Self.score(0.1000009) == "0.1")
    }

    @Test func whyListsTheThreeStrongestTestsAtOrAboveTheMinimum() {
        var evidence = Evidence()
        evidence.level[0] = 2.5
        evidence.change[1] = -7.44
        evidence.stuck[0] = 1.9
        evidence.level[1] = 3
        evidence.body = 4
        var text: [UInt8] = []
        let features = [Feature(name: "hr", source: .expression("hr")), Feature(name: "v", source: .expression("v"))]
        ScoreText.why(evidence, names: ScoreText.names(features), minimum: 2, into: &text)
        #expect(String(decoding: text, as: UTF8.self)
                == #"[{"feature":"v","kind":"change","z":-7.4},{"feature":"all","kind":"stuck","z":4.0},{"feature":"v","kind":"level","z":3.0}]"#)
        text = []
        ScoreText.why(Evidence(), names: ScoreText.names(features), minimum: 2, into: &text)
        #expect(String(decoding: text, as: UTF8.self) == "[]")
    }

    @Test func zHasOneDecimal() {
        for (z, expected) in [(0.04, "0.0"), (12.36, "12.4"), (-0.25, "-0.3"), (100000.0, "9999.9"), (1234.5, "1234.5")] {
            var text: [UInt8] = []
            ScoreText.tenths(z, into: &text)
            #expect(String(decoding: text, as: UTF8.self) == expected, "\(z)")
        }
    }
}
