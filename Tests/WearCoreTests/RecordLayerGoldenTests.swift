import Testing
import WearTesting

/// The runtime's record contract (framing, CRLF, blank lines, validation,
/// rejects, limits, the ledger), run once against `IdentityStage` in
/// process: Tests/Fixtures/record-layer/<case>/, whose expected files are
/// computed independently of the code by its make_record_cases.py.
@Suite struct RecordLayerGoldenTests {
    /// The record-layer edge cases the set must keep covering.
    static let requiredCases = [
        "valid-records", "crlf-line-endings", "blank-lines-skipped", "only-blank-lines", "no-final-newline",
        "invalid-json", "invalid-utf8", "nul-byte", "not-object", "duplicate-keys", "line-too-long",
        "line-too-long-crlf", "empty-input",
    ]

    @Test(arguments: GoldenFixtures.caseNames(stage: GoldenFixtures.recordLayer))
    func theIdentityStageMatchesTheRecordLayerCase(_ name: String) throws {
        try GoldenFixtures.checkRecordLayer(case: name)
    }

    @Test func everyRecordEdgeCaseHasACase() {
        let cases = Set(GoldenFixtures.caseNames(stage: GoldenFixtures.recordLayer))
        for name in Self.requiredCases {
            #expect(cases.contains(name), "no golden case record-layer/\(name)")
        }
        for name in GoldenFixtures.recordLayerSample {
            #expect(cases.contains(name), "the per-binary sample names a missing case \(name)")
        }
    }
}
