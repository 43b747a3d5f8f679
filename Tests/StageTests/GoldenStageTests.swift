import Testing
import WearTesting

/// Each stage binary applies the runtime's record layer: a sample of the
/// shared cases in Tests/Fixtures/record-layer/ (all of them run once, in
/// process, against the identity stage: WearCoreTests/RecordLayerGoldenTests),
/// through the real binary, with its own name in the rejects; ledger checked
/// by the harness.
@Suite struct GoldenStageTests {
    @Test(arguments: identityStages, GoldenFixtures.recordLayerSample)
    func eachStageBinaryAppliesTheSharedRecordLayer(_ stage: String, _ name: String) throws {
        try GoldenFixtures.check(recordLayerCase: name, binary: stage, arguments: identityArguments(stage))
    }
}

/// wear-filter's own cases (Tests/Fixtures/wear-filter/<case>/): the shipped
/// default rules and rules of the case's own, through the real binary.
@Suite struct FilterGoldenTests {
    @Test(arguments: GoldenFixtures.caseNames(stage: "wear-filter"))
    func eachCaseGivesItsExpectedOutputAndRejects(_ name: String) throws {
        try GoldenFixtures.check(stage: "wear-filter", case: name)
    }
}
