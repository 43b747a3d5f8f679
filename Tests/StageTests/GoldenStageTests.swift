import Testing
import WearTesting

/// Each stage binary applies the runtime's record layer: a sample of the
/// shared cases in Tests/Fixtures/record-layer/ (all of them run once, in
/// process, against the identity stage: WearCoreTests/RecordLayerGoldenTests),
/// through the real binary, with its own name in the rejects; ledger checked
/// by the harness. wear-score adds score and why to every record, so its
/// record layer is pinned by its own cases instead (Tests/Fixtures/wear-score/
/// series: a line that is not JSON, duplicate names, CRLF, a missing key).
@Suite struct GoldenStageTests {
    @Test(arguments: identityStages.filter { $0 != "wear-score" }, GoldenFixtures.recordLayerSample)
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

/// wear-score's own cases (Tests/Fixtures/wear-score/<case>/): simulated
/// telemetry with a sensor freeze and heart-rate spikes (default features),
/// a generic series (`--key host --feature cpu`) with a spike, a missing
/// key, a mistyped value and a line that is not JSON, and records that
/// already carry score and why (replaced) with an expression feature.
@Suite struct ScoreGoldenTests {
    @Test(arguments: GoldenFixtures.caseNames(stage: "wear-score"))
    func eachCaseGivesItsExpectedOutputAndRejects(_ name: String) throws {
        try GoldenFixtures.check(stage: "wear-score", case: name)
    }
}

/// wear-alert's own cases (Tests/Fixtures/wear-alert/<case>/): wear-score's
/// telemetry case scored (a sensor freeze, heart-rate spikes) through a
/// budget of 4 (2 posts, the rest queued and digested at the end), and
/// records it rejects or consumes silently. The pseudonym key is a test
/// key checked in (hence --allow-insecure-key-file: git keeps no 0600).
@Suite struct AlertGoldenTests {
    @Test(arguments: GoldenFixtures.caseNames(stage: "wear-alert"))
    func eachCaseGivesItsExpectedReceiptsAndRejects(_ name: String) throws {
        try GoldenFixtures.check(stage: "wear-alert", case: name)
    }
}
