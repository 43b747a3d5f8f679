import Testing
import WearJOSE

@Suite struct CompactTokenTests {
    static let key = MasterKey.generate().deviceKey(for: "wr-1")

    private func split(_ token: String) -> Result<CompactToken, JWEFailure> {
        Array(token.utf8).withUnsafeBytes { CompactToken.split($0).flatMap { $0.checkShape() } }
    }

    private func canonical(_ token: String) -> CompactToken? {
        Array(token.utf8).withUnsafeBytes { CompactToken.splitCanonical($0) }
    }

    @Test(arguments: [0, 1, 2, 15, 16, 17, 100, 1000])
    func theFastSplitAgreesWithTheCheckedSplit(plaintextBytes: Int) throws {
        let token = JWE.seal([UInt8](repeating: 0x41, count: plaintextBytes), kid: "wr-1", key: Self.key, enc: .a256gcm)
        let fast = try #require(canonical(token))
        let checked = try Array(token.utf8).withUnsafeBytes { try CompactToken.splitChecked($0).get() }
        #expect(fast == checked)
        #expect(fast.encryptedKey.isEmpty)
        #expect(fast.iv.count == 16 && fast.tag.count == 22)
    }

    @Test(arguments: [
        ("", "empty token"),
        ("a.b.c.d", "expected five dot-separated parts, found 4"),
        ("a.b.c.d.e.f", "more than five dot-separated parts"),
        (".b.c.d.e", "empty protected header"),
        ("h.k.AAAAAAAAAAAAAAAA.c.AAAAAAAAAAAAAAAAAAAAAA", "encrypted key part must be empty with alg dir"),
        ("h..AAAA.c.AAAAAAAAAAAAAAAAAAAAAA", "IV must be 12 bytes (16 base64url characters), found 4 characters"),
        ("h..AAAAAAAAAAAAAAAA.c.AAAA", "tag must be 16 bytes (22 base64url characters), found 4 characters"),
    ])
    func saysWhatIsWrongWithTheShape(_ token: String, _ detail: String) {
        #expect(throws: JWEFailure(.badJWE, detail)) { try split(token).get() }
        #expect(canonical(token) == nil)
    }

    @Test func theFastSplitLeavesExtraDotsToTheDecoder() throws {
        // Six parts, laid out so that the fixed offsets still match: the
        // ciphertext part then contains a dot, which no decoder accepts.
        let token = "h..AAAAAAAAAAAAAAAA.ab.cd.AAAAAAAAAAAAAAAAAAAAAA"
        let parts = try #require(canonical(token))
        #expect(parts.ciphertext.count == 5)
        #expect(throws: JWEFailure(.badJWE, "more than five dot-separated parts")) {
            try Array(token.utf8).withUnsafeBytes { try CompactToken.splitChecked($0).get() }
        }
    }
}
