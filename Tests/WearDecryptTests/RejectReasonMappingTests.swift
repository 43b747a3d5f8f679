import Testing
import WearCore
import WearJOSE
@testable import WearDecrypt

/// wear-decrypt's reasons are literals (RejectReason's trapping initialiser
/// takes only literals); this pins them to the decryptor's failure kinds.
@Suite struct RejectReasonMappingTests {
    @Test(arguments: JWEFailure.Kind.allCases)
    func eachDecryptFailureKindRejectsWithTheCodeOfTheSameName(_ kind: JWEFailure.Kind) {
        #expect(RejectReason.decrypt(kind).code == kind.rawValue)
    }
}
