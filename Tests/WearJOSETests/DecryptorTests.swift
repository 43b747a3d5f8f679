import Crypto
import Testing
@testable import WearJOSE

/// The stage's OpenSSL path against swift-crypto's: same plaintexts, same
/// ciphertexts, same refusals; and the bounded caches.
@Suite struct DecryptorTests {
    let master = MasterKey.generate()

    private func open(_ token: String, with decryptor: JWEDecryptor) -> Result<[UInt8], JWEFailure> {
        Array(token.utf8).withUnsafeBytes { decryptor.open($0).map { Array($0.plaintext) } }
    }

    @Test(arguments: ContentEncryption.allCases)
    func opensWhatSwiftCryptoSeals(_ enc: ContentEncryption) throws {
        // A256GCM devices use derived keys; A128GCM devices need explicit 16-byte keys.
        let lengths = [0, 1, 15, 16, 17, 142, 1000, 70_000]
        var explicit: [String: DeviceKey] = [:]
        if enc == .a128gcm { for length in lengths { explicit["wr-\(length)"] = DeviceKey.generate(.a128gcm) } }
        let decryptor = JWEDecryptor(keys: KeyRing(deviceKeys: explicit, master: master))
        for length in lengths {
            let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let key = explicit["wr-\(length)"] ?? master.deviceKey(for: "wr-\(length)")
            let token = JWE.seal(plaintext, kid: "wr-\(length)", key: key, enc: enc)
            #expect(try open(token, with: decryptor).get() == plaintext)
        }
    }

    @Test(arguments: ContentEncryption.allCases)
    func opensslAndSwiftCryptoProduceTheSameCiphertextAndTag(_ enc: ContentEncryption) throws {
        let key = DeviceKey.generate(enc)
        let cipher = try #require(AESGCMCipher(key: key, sealing: true))
        for length in [0, 5, 16, 33, 500] {
            let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
            let iv = (0..<12).map { UInt8($0 + length % 7) }
            let aad = Array("eyJhbGciOiJkaXIifQ".utf8)
            let openssl = try #require(cipher.seal(plaintext, iv: iv, aad: aad))
            let reference = try AES.GCM.seal(plaintext, using: SymmetricKey(data: key.bytes), nonce: AES.GCM.Nonce(data: iv),
                                             authenticating: aad)
            #expect(openssl.ciphertext == Array(reference.ciphertext))
            #expect(openssl.tag == Array(reference.tag))
        }
    }

    /// The hot path calls OpenSSL's provider directly; the EVP path must
    /// give the same plaintexts and refuse the same tampering.
    @Test(arguments: ContentEncryption.allCases)
    func theDirectProviderPathAgreesWithEVP(_ enc: ContentEncryption) throws {
        let key = DeviceKey.generate(enc)
        let direct = try #require(AESGCMCipher(key: key, mode: .open))
        let evp = try #require(AESGCMCipher(key: key, mode: .openThroughEVP))
        let sealer = try #require(AESGCMCipher(key: key, mode: .seal))
        #expect(direct.opensDirectly)  // OpenSSL 3's default provider (Debian 12)
        #expect(!evp.opensDirectly)
        for length in [0, 1, 16, 31, 190, 4000] {
            let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let iv = (0..<12).map { UInt8($0 * 3 + length % 5) }
            let aad = Array("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0".utf8)
            let sealed = try #require(sealer.seal(plaintext, iv: iv, aad: aad))
            for cipher in [direct, evp] {
                for tamper in [nil, 0, 11] as [Int?] {
                    var data = sealed.ciphertext, tag = sealed.tag
                    if let tamper { tag[tamper] ^= 1 }
                    let opened = iv.withUnsafeBytes { iv in
                        aad.withUnsafeBytes { aad in
                            tag.withUnsafeBytes { tag in
                                data.withUnsafeMutableBytes { cipher.open(iv: iv.baseAddress!, aad: aad, data: $0, tag: tag.baseAddress!) }
                            }
                        }
                    }
                    #expect(opened == (tamper == nil), "length \(length), tamper \(String(describing: tamper))")
                    if tamper == nil { #expect(data == plaintext) }
                }
            }
        }
    }

    /// Every single-character change to a valid token: both paths refuse it
    /// (or, for a change that decodes the same, accept it) for the same reason.
    @Test func bothPathsRefuseEveryMutationForTheSameReason() throws {
        let key = master.deviceKey(for: "wr-1")
        let token = Array(JWE.seal(Array(#"{"dev":"wr-1"}"#.utf8), kid: "wr-1", key: key, enc: .a256gcm).utf8)
        let decryptor = JWEDecryptor(keys: KeyRing(master: master))
        for index in token.indices {
            for replacement in [UInt8(ascii: "A"), UInt8(ascii: "."), UInt8(ascii: "="), UInt8(ascii: "_")] where token[index] != replacement {
                var mutated = token
                mutated[index] = replacement
                let text = String(decoding: mutated, as: UTF8.self)
                let fast = outcome(open(text, with: decryptor))
                let reference = outcome(JWE.open(text) { self.master.deviceKey(forUTF8: $0.kidBytes) })
                #expect(fast == reference, "position \(index) -> \(replacement)")
                #expect(fast != nil, "a changed token was accepted at \(index)")
            }
        }
    }

    /// The failure kind, nil when opened.
    private func outcome<Success>(_ result: Result<Success, JWEFailure>) -> JWEFailure.Kind? {
        if case .failure(let failure) = result { return failure.kind }
        return nil
    }

    @Test func bothCachesStayWithinTheirCapacity() throws {
        let decryptor = JWEDecryptor(keys: KeyRing(master: master), contextCapacity: 8, keyCapacity: 20)
        for device in 0..<50 {
            let kid = "wr-\(device)"
            let token = JWE.seal(Array(#"{"dev":"\#(kid)"}"#.utf8), kid: kid, key: master.deviceKey(for: kid), enc: .a256gcm)
            _ = try open(token, with: decryptor).get()
            #expect(decryptor.contextCache.count <= 8 && decryptor.keyCache.count <= 20)
        }
        #expect(decryptor.contextCache == .init(hits: 0, misses: 50, evictions: 42, count: 8, capacity: 8))
        #expect(decryptor.keyCache == .init(hits: 0, misses: 50, evictions: 30, count: 20, capacity: 20))
    }

    @Test func aCachedDeviceOpensWithoutAnotherMiss() throws {
        let decryptor = JWEDecryptor(keys: KeyRing(master: master))
        let key = master.deviceKey(for: "wr-1")
        for _ in 0..<5 {
            _ = try open(JWE.seal(Array("{}".utf8), kid: "wr-1", key: key, enc: .a256gcm), with: decryptor).get()
        }
        #expect(decryptor.contextCache.misses == 1 && decryptor.contextCache.hits == 4)
        #expect(decryptor.keyCache.misses == 1)
    }

    @Test func replacingTheKeysForgetsCachedContexts() throws {
        let decryptor = JWEDecryptor(keys: KeyRing(master: master))
        let token = JWE.seal(Array("{}".utf8), kid: "wr-1", key: master.deviceKey(for: "wr-1"), enc: .a256gcm)
        _ = try open(token, with: decryptor).get()
        decryptor.replaceKeys(KeyRing(master: MasterKey.generate()))
        #expect(decryptor.contextCache.count == 0 && decryptor.keyCache.count == 0)
        #expect(throws: JWEFailure(.authFailed, "authentication tag did not verify")) { try open(token, with: decryptor).get() }
        decryptor.replaceKeys(KeyRing())
        #expect(throws: JWEFailure(.unknownKid, #"no key for kid "wr-1""#)) { try open(token, with: decryptor).get() }
    }

    @Test func explicitKeysWinOverTheMasterKey() throws {
        let explicit = MasterKey.generate().deviceKey(for: "wr-1")
        let decryptor = JWEDecryptor(keys: KeyRing(deviceKeys: ["wr-1": explicit], master: master))
        let sealedExplicit = JWE.seal(Array("{}".utf8), kid: "wr-1", key: explicit, enc: .a256gcm)
        let sealedDerived = JWE.seal(Array("{}".utf8), kid: "wr-1", key: master.deviceKey(for: "wr-1"), enc: .a256gcm)
        #expect(try open(sealedExplicit, with: decryptor).get() == Array("{}".utf8))
        #expect(throws: JWEFailure.self) { try open(sealedDerived, with: decryptor).get() }
    }
}
