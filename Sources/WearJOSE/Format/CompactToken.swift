import Glibc

/// The five parts of a JWE compact serialization (RFC 7516 §7.1), as byte
/// ranges of the token: header, encrypted key, IV, ciphertext and tag.
///
/// Splitting checks only that there are five parts and a non-empty header;
/// `checkShape` then checks what wear accepts for `alg: dir` with AES-GCM
/// (an empty encrypted key, a 12-byte IV and a 16-byte tag, by their
/// base64url lengths). The caller checks the header in between, so a token
/// of another algorithm is refused for its `alg`, not for its shape. The
/// parts' bytes are decoded (strictly) by the caller.
public struct CompactToken: Sendable, Equatable {
    public var header: Range<Int>
    public var encryptedKey: Range<Int>
    public var iv: Range<Int>
    public var ciphertext: Range<Int>
    public var tag: Range<Int>

    /// Base64url length of a 12-byte IV and of a 16-byte tag.
    static let ivTextCount = 16
    static let tagTextCount = 22

    /// Splits `token` into its five parts (fast when it has the layout of an
    /// acceptable token); never reads out of bounds.
    @inline(__always)
    public static func split(_ token: UnsafeRawBufferPointer) -> Result<CompactToken, JWEFailure> {
        if let parts = splitCanonical(token) { return .success(parts) }
        return splitChecked(token)
    }

    /// The layout of every acceptable token, found with one memchr and three
    /// fixed offsets: `header..iv(16).ciphertext.tag(22)`; its shape needs no
    /// further check. It does not look
    /// for dots inside the IV, ciphertext or tag: those are not base64url
    /// characters, so decoding the parts refuses them, and the caller then
    /// asks `splitChecked` for the precise diagnostic. Nil when the layout
    /// does not match.
    @inline(__always)
    public static func splitCanonical(_ token: UnsafeRawBufferPointer) -> CompactToken? {
        let count = token.count
        let dot = UInt8(ascii: ".")
        guard count >= 2 + ivTextCount + 2 + tagTextCount + 1, let base = token.baseAddress,
              let found = memchr(base, Int32(dot), count) else { return nil }
        let headerEnd = UnsafeRawPointer(found) - base
        let tagStart = count - tagTextCount
        guard headerEnd > 0, headerEnd + ivTextCount + 4 <= tagStart,
              token[headerEnd + 1] == dot, token[headerEnd + 2 + ivTextCount] == dot, token[tagStart - 1] == dot else {
            return nil
        }
        return CompactToken(header: 0..<headerEnd, encryptedKey: (headerEnd + 1)..<(headerEnd + 1),
                            iv: (headerEnd + 2)..<(headerEnd + 2 + ivTextCount),
                            ciphertext: (headerEnd + 3 + ivTextCount)..<(tagStart - 1), tag: tagStart..<count)
    }

    /// Splits at every dot: exactly five parts and a non-empty header.
    public static func splitChecked(_ token: UnsafeRawBufferPointer) -> Result<CompactToken, JWEFailure> {
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
        if dots.0 == 0 { return .failure(JWEFailure(.badJWE, "empty protected header")) }
        return .success(CompactToken(header: 0..<dots.0, encryptedKey: (dots.0 + 1)..<dots.1, iv: (dots.1 + 1)..<dots.2,
                                     ciphertext: (dots.2 + 1)..<dots.3, tag: (dots.3 + 1)..<token.count))
    }

    /// What `alg: dir` with AES-GCM requires of the other parts' sizes.
    public func checkShape() -> Result<CompactToken, JWEFailure> {
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
