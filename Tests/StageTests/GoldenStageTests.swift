import Testing
import WearTesting

/// The shared runtime's record contract, run through each identity stage's
/// real binary: Tests/Fixtures/<stage>/<case>/ (input, args, expected stdout,
/// expected rejects), ledger checked by the harness. The expected files are
/// computed independently of the binaries by
/// Tests/Fixtures/wear-filter/make_record_cases.py.
@Suite struct GoldenStageTests {
    @Test(arguments: GoldenFixtures.caseNames(stage: "wear-filter"))
    func wearFilterMatchesItsGoldenFiles(_ name: String) throws {
        try GoldenFixtures.check(stage: "wear-filter", case: name)
    }

    @Test(arguments: GoldenFixtures.caseNames(stage: "wear-score"))
    func wearScoreMatchesItsGoldenFiles(_ name: String) throws {
        try GoldenFixtures.check(stage: "wear-score", case: name)
    }

    @Test(arguments: GoldenFixtures.caseNames(stage: "wear-alert"))
    func wearAlertMatchesItsGoldenFiles(_ name: String) throws {
        try GoldenFixtures.check(stage: "wear-alert", case: name)
    }

    /// The record-layer edge cases every stage must keep covering.
    static let requiredCases = [
        "valid-records", "crlf-line-endings", "blank-lines-skipped", "only-blank-lines", "no-final-newline",
        "invalid-json", "invalid-utf8", "nul-byte", "not-object", "duplicate-keys", "line-too-long",
        "line-too-long-crlf", "empty-input",
    ]

    @Test(arguments: identityStages)
    func everyStageHasACaseForEveryRecordEdgeCase(_ stage: String) {
        let cases = Set(GoldenFixtures.caseNames(stage: stage))
        for name in Self.requiredCases {
            #expect(cases.contains(name), "no golden case \(stage)/\(name)")
        }
    }
}
