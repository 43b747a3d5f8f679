import Foundation
import Testing
import WearJOSE

/// RFC 7520 §5.6, "Direct Encryption Using AES-GCM": the published token
/// opens with the published key to the published plaintext, through the
/// stage's decryptor (OpenSSL) and through the reference path (swift-crypto).
@Suite struct KnownAnswerTests {
    struct Vector {
        let plaintext: String
        let kid: String
        let key: DeviceKey
        let compact: String
    }

    static func vector() throws -> Vector {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/wear-decrypt-jose/rfc7520-5.6.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let key = try #require(object["key"] as? [String: Any])
        return Vector(plaintext: try #require(object["plaintext"] as? String), kid: try #require(key["kid"] as? String),
                      key: try DeviceKey(base64URL: try #require(key["k"] as? String)),
                      compact: try #require(object["compact"] as? String))
    }

    @Test func theDecryptorOpensTheRFC7520Vector() throws {
        let vector = try Self.vector()
        let decryptor = JWEDecryptor(keys: KeyRing(deviceKeys: [vector.kid: vector.key]))
        let opened = try Array(vector.compact.utf8).withUnsafeBytes { try decryptor.open($0).get() }
        #expect(String(decoding: opened.plaintext, as: UTF8.self) == vector.plaintext)
        #expect(Array(opened.header.kid) == Array(vector.kid.utf8))
        #expect(opened.header.enc == .a128gcm)
    }

    @Test func theReferencePathOpensTheRFC7520Vector() throws {
        let vector = try Self.vector()
        let opened = try JWE.open(vector.compact) { _ in vector.key }.get()
        #expect(String(decoding: opened.plaintext, as: UTF8.self) == vector.plaintext)
        #expect(opened.header == ProtectedHeader(enc: .a128gcm, kid: vector.kid))
    }

    @Test func theRFC7520VectorFailsWithAnyOtherKey() throws {
        let vector = try Self.vector()
        var bytes = [UInt8](repeating: 0, count: 16)
        bytes[0] = 1
        let decryptor = JWEDecryptor(keys: KeyRing(deviceKeys: [vector.kid: try DeviceKey(bytes: bytes)]))
        let result = Array(vector.compact.utf8).withUnsafeBytes { decryptor.open($0).map { _ in () } }
        #expect(throws: JWEFailure(.authFailed, "authentication tag did not verify")) { try result.get() }
    }
}
