import Testing
@testable import WearJOSE

/// The decryptor's two caches: contexts recycled on eviction, derived keys
/// kept apart, and nothing cached for a token that does not authenticate.
@Suite struct ContextCacheTests {
    let master = MasterKey.generate()

    private func token(_ kid: String, key: DeviceKey, enc: ContentEncryption = .a256gcm) -> [UInt8] {
        Array(JWE.seal(Array(#"{"dev":"\#(kid)"}"#.utf8), kid: kid, key: key, enc: enc).utf8)
    }

    private func opens(_ token: [UInt8], _ decryptor: JWEDecryptor) -> Bool {
        token.withUnsafeBytes { (try? decryptor.open($0).get()) != nil }
    }

    /// More devices than contexts, A128GCM and A256GCM mixed: every evicted
    /// context is re-keyed for the next device, and every token still opens.
    @Test func recycledContextsOpenEveryDevicesTokens() {
        var explicit: [String: DeviceKey] = [:]
        for device in 0..<3 { explicit["k128-\(device)"] = DeviceKey.generate(.a128gcm) }
        let decryptor = JWEDecryptor(keys: KeyRing(deviceKeys: explicit, master: master), contextCapacity: 2, keyCapacity: 4)
        var tokens: [[UInt8]] = []
        for device in 0..<6 { tokens.append(token("wr-\(device)", key: master.deviceKey(for: "wr-\(device)"))) }
        for (kid, key) in explicit { tokens.append(token(kid, key: key, enc: .a128gcm)) }
        for round in 0..<5 {
            for (index, token) in tokens.enumerated() { #expect(opens(token, decryptor), "round \(round), token \(index)") }
        }
        let contexts = decryptor.contextCache, keys = decryptor.keyCache
        #expect(contexts.count == 2 && contexts.misses == 45 && contexts.evictions == 43)
        // 6 derived devices through 4 key slots, round robin: every look-up misses.
        #expect(keys.count == 4 && keys.misses == 30 && keys.hits == 0)
    }

    @Test func derivedKeysSpareHKDFWhenOnlyContextsThrash() {
        let decryptor = JWEDecryptor(keys: KeyRing(master: master), contextCapacity: 2, keyCapacity: 100)
        let tokens = (0..<10).map { token("wr-\($0)", key: master.deviceKey(for: "wr-\($0)")) }
        for _ in 0..<3 { for token in tokens { #expect(opens(token, decryptor)) } }
        #expect(decryptor.contextCache.misses == 30)
        #expect(decryptor.keyCache.misses == 10 && decryptor.keyCache.hits == 20)
    }

    /// A flood of tokens for made-up kids, or with the wrong key, evicts no real device.
    @Test func tokensThatDoNotAuthenticateEvictNothing() {
        let decryptor = JWEDecryptor(keys: KeyRing(master: master), contextCapacity: 2, keyCapacity: 2)
        let real = ["wr-1", "wr-2"].map { token($0, key: master.deviceKey(for: $0)) }
        for token in real { #expect(opens(token, decryptor)) }
        let rogue = MasterKey.generate()
        for number in 0..<50 {
            #expect(!opens(token("forged-\(number)", key: rogue.deviceKey(for: "forged-\(number)")), decryptor))
        }
        #expect(!opens(token("wr-1", key: rogue.deviceKey(for: "wr-1")), decryptor)) // a cached kid, the wrong key
        let before = decryptor.contextCache
        for token in real { #expect(opens(token, decryptor)) }
        #expect(decryptor.contextCache.hits == before.hits + 2 && decryptor.contextCache.misses == before.misses)
        #expect(decryptor.contextCache.evictions == 0 && decryptor.keyCache.evictions == 0)
        #expect(decryptor.keyCache.count == 2)
    }
}
