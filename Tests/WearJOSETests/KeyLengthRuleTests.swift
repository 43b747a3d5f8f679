import Testing
@testable import WearJOSE

/// A device's key fixes its algorithm, never the token's header (issue 7):
/// no A128GCM downgrade of a 32-byte key, no 16-byte key stretched to A256GCM.
@Suite struct KeyLengthRuleTests {
    let master = MasterKey.generate()

    private func open(_ token: String, with decryptor: JWEDecryptor) -> Result<[UInt8], JWEFailure> {
        Array(token.utf8).withUnsafeBytes { decryptor.open($0).map { Array($0.plaintext) } }
    }

    /// The token a hostile sender makes: header A128GCM, sealed with the first 16 bytes of the device's 32-byte key.
    private func downgrade(kid: String, key: DeviceKey) throws -> String {
        let short = try DeviceKey(bytes: Array(key.bytes.prefix(16)))
        return JWE.seal(Array(#"{"dev":"\#(kid)"}"#.utf8), kid: kid, key: short, enc: .a128gcm)
    }

    static let derivedDetail = "the key of this kid is derived from --master-key (32 bytes), which opens only A256GCM; "
        + "the token says A128GCM, which needs an explicit 16-byte key in --keys"

    @Test func theDowngradeTokenOfADerivedKeyIsAKeyLengthMismatch() throws {
        let decryptor = JWEDecryptor(keys: KeyRing(master: master))
        let token = try downgrade(kid: "wr-1", key: master.deviceKey(for: "wr-1"))
        #expect(throws: JWEFailure(.keyLengthMismatch, Self.derivedDetail)) { try open(token, with: decryptor).get() }
        #expect(throws: JWEFailure(.keyLengthMismatch, Self.derivedDetail)) {
            try JWE.open(token, keys: KeyRing(master: master)).get()
        }
        #expect(decryptor.contextCache.count == 0 && decryptor.keyCache.misses == 0) // no HKDF, no context
    }

    @Test func theDowngradeTokenOfAnExplicitKeyIsAKeyLengthMismatch() throws {
        let key = DeviceKey.generate(.a256gcm)
        let decryptor = JWEDecryptor(keys: KeyRing(deviceKeys: ["wr-1": key], master: master))
        let token = try downgrade(kid: "wr-1", key: key)
        let detail = "the --keys key of this kid is 32 bytes, which opens only A256GCM; the token says A128GCM"
        #expect(throws: JWEFailure(.keyLengthMismatch, detail)) { try open(token, with: decryptor).get() }
        #expect(decryptor.contextCache.count == 0)
    }

    /// Decided before any AES-GCM work: the rest of the token is never looked at.
    @Test func theMismatchIsDecidedBeforeTheCiphertextIsDecoded() throws {
        let decryptor = JWEDecryptor(keys: KeyRing(master: master))
        let token = try downgrade(kid: "wr-1", key: master.deviceKey(for: "wr-1"))
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let broken = [String(parts[0]), "", String(parts[2]), "!!not-base64!!", "short"].joined(separator: ".")
        #expect(throws: JWEFailure(.keyLengthMismatch, Self.derivedDetail)) { try open(broken, with: decryptor).get() }
    }

    @Test func aSixteenByteKeyNeverOpensA256GCM() throws {
        let short = DeviceKey.generate(.a128gcm)
        let decryptor = JWEDecryptor(keys: KeyRing(deviceKeys: ["wr-1": short], master: master))
        let detail = "the --keys key of this kid is 16 bytes, which opens only A128GCM; the token says A256GCM"
        // Padded with zeros, repeated, or the derived key the master would give: none is tried.
        for stretched in [short.bytes + [UInt8](repeating: 0, count: 16), short.bytes + short.bytes, master.deviceKey(for: "wr-1").bytes] {
            let token = JWE.seal(Array(#"{"dev":"wr-1"}"#.utf8), kid: "wr-1", key: try DeviceKey(bytes: stretched), enc: .a256gcm)
            #expect(throws: JWEFailure(.keyLengthMismatch, detail)) { try open(token, with: decryptor).get() }
        }
        let proper = JWE.seal(Array(#"{"dev":"wr-1"}"#.utf8), kid: "wr-1", key: short, enc: .a128gcm)
        #expect(try open(proper, with: decryptor).get() == Array(#"{"dev":"wr-1"}"#.utf8))
    }

    @Test func mismatchDetailsNameLengthsNeverKeyBytes() throws {
        let key = DeviceKey.generate(.a256gcm)
        let decryptor = JWEDecryptor(keys: KeyRing(deviceKeys: ["wr-1": key], master: master))
        guard case .failure(let failure) = open(try downgrade(kid: "wr-1", key: key), with: decryptor) else {
            Issue.record("the downgrade token opened")
            return
        }
        #expect(!failure.detail.contains(key.base64URL) && !failure.detail.contains(String(key.base64URL.prefix(8))))
        #expect(!failure.detail.contains(master.hexText.prefix(8)))
    }
}
