import Testing
import WearJOSE

@Suite struct SealTests {
    let key = MasterKey.generate().deviceKey(for: "wr-000042")

    @Test func writesTheExactProtectedHeaderAndAnEmptyEncryptedKey() throws {
        let token = JWE.seal(Array(#"{"dev":"wr-000042"}"#.utf8), kid: "wr-000042", key: key, enc: .a256gcm)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 5)
        #expect(parts[1].isEmpty)
        let header = try #require(Base64URL.decode(Array(parts[0].utf8)))
        #expect(String(decoding: header, as: UTF8.self) == #"{"alg":"dir","enc":"A256GCM","kid":"wr-000042"}"#)
        #expect(parts[2].utf8.count == 16)
        #expect(parts[4].utf8.count == 22)
    }

    @Test(arguments: ContentEncryption.allCases)
    func opensWhatItSeals(_ enc: ContentEncryption) throws {
        let key = DeviceKey.generate(enc)
        let plaintext = Array(#"{"dev":"wr-7","seq":1}"#.utf8)
        let token = JWE.seal(plaintext, kid: "wr-7", key: key, enc: enc)
        let opened = try JWE.open(token) { _ in key }.get()
        #expect(opened.plaintext == plaintext)
        #expect(opened.header == ProtectedHeader(enc: enc, kid: "wr-7"))
    }

    @Test func usesAFreshRandomIVUnlessGivenOne() {
        let plaintext = Array("{}".utf8)
        #expect(JWE.seal(plaintext, kid: "d", key: key, enc: .a256gcm) != JWE.seal(plaintext, kid: "d", key: key, enc: .a256gcm))
        let iv = [UInt8](repeating: 7, count: 12)
        #expect(JWE.seal(plaintext, kid: "d", key: key, enc: .a256gcm, iv: iv) == JWE.seal(plaintext, kid: "d", key: key, enc: .a256gcm, iv: iv))
    }

    @Test func escapesTheKidInTheHeader() throws {
        let token = JWE.seal(Array("{}".utf8), kid: #"a"b\c"#, key: key, enc: .a256gcm)
        let header = try JWE.header(of: token).get()
        #expect(header.kid == #"a"b\c"#)
    }

    @Test func failsAuthenticationWithAnotherKey() {
        let token = JWE.seal(Array("{}".utf8), kid: "d", key: key, enc: .a256gcm)
        let other = MasterKey.generate().deviceKey(for: "d")
        #expect(throws: JWEFailure(.authFailed, "authentication tag did not verify")) {
            try JWE.open(token) { _ in other }.get()
        }
    }
}
