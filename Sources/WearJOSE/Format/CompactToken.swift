/// The five parts of a JWE compact serialization (RFC 7516 §7.1), as byte
/// ranges of the token: header, encrypted key, IV, ciphertext and tag.
///
/// `split` only checks the shape wear accepts for `alg: dir` with AES-GCM:
/// exactly five parts, a non-empty header, an empty encrypted key, a 12-byte
/// IV and a 16-byte tag (by their base64url lengths) and base64url characters
/// in every part; the bytes themselves are decoded by the caller.
public struct CompactToken {
    public var header: Range<Int>
    public var encryptedKey: Range<Int>
    public var iv: Range<Int>
    public var ciphertext: Range<Int>
    public var tag: Range<Int>

    /// Base64url length of a 12-byte IV and of a 16-byte tag.
    static let ivTextCount = 16
    static let tagTextCount = 22

    /// Splits `token` at its dots and checks the shape; never reads out of bounds.
    public static func split(_ token: UnsafeRawBufferPointer) -> Result<CompactToken, JWEFailure> {
        var dots = (0, 0, 0, 0)
        var found = 0
        for index in 0..<token.count where token[index] == UInt8(ascii: ".") {
            switch found {
            case 0: dots.0 = index
            case 1: dots.1 = index
            case 2: dots.2 = index
            case 3: dots.3 = index
            default: return .failure(JWEFailure(.badJWE, "more than five dot-separated parts"))
            }
            found += 1
        }
        guard found == 4 else {
            return .failure(JWEFailure(.badJWE, token.isEmpty ? "empty token" : "expected five dot-separated parts, found \(found + 1)"))
        }
        let parts = CompactToken(header: 0..<dots.0, encryptedKey: (dots.0 + 1)..<dots.1, iv: (dots.1 + 1)..<dots.2,
                                 ciphertext: (dots.2 + 1)..<dots.3, tag: (dots.3 + 1)..<token.count)
        return parts.checkShape()
    }

    private func checkShape() -> Result<CompactToken, JWEFailure> {
        if header.isEmpty { return .failure(JWEFailure(.badJWE, "empty protected header")) }
        if !encryptedKey.isEmpty {
            return .failure(JWEFailure(.badJWE, "encrypted key part must be empty with alg dir"))
        }
        if iv.count != Self.ivTextCount {
            return .failure(JWEFailure(.badJWE, "IV must be 12 bytes (16 base64url characters), found \(iv.count) characters"))
        }
        if tag.count != Self.tagTextCount {
            return .failure(JWEFailure(.badJWE, "tag must be 16 bytes (22 base64url characters), found \(tag.count) characters"))
        }
        return .success(self)
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes of `range` (which must lie within this buffer).
    @inline(__always)
    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[range])
    }
}
