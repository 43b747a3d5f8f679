import Testing
import WearTesting

/// Every case folder under Tests/Fixtures/wear-decrypt: tokens made by an
/// independent JOSE implementation (joserfc; see
/// Tests/Fixtures/wear-decrypt-jose/make_fixtures.py), run through the real
/// binary; stdout, rejects, exit status and the ledger are compared.
@Suite struct DecryptGoldenTests {
    @Test(arguments: GoldenFixtures.caseNames(stage: "wear-decrypt"))
    func matchesTheGoldenFiles(_ name: String) throws {
        try GoldenFixtures.check(stage: "wear-decrypt", case: name)
    }

    @Test func hasACaseForEveryRejectReason() {
        let cases = Set(GoldenFixtures.caseNames(stage: "wear-decrypt"))
        for reason in ["bad-json", "bad-utf8", "not-object", "duplicate-key", "bad-jwe", "unsupported-alg", "unsupported-enc",
                       "unsupported-header", "unknown-kid", "key-length-mismatch", "auth-failed", "bad-plaintext",
                       "dev-mismatch", "line-too-long"] {
            #expect(cases.contains("reject-\(reason)"), "no golden case reject-\(reason)")
        }
        #expect(cases.contains("atomic-lines"))
    }
}
