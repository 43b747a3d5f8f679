/// Why a JWE token was not accepted: a closed set of kinds (each maps to one
/// stable reject reason) and a short detail for people. Details quote at
/// most a few bytes of the token's header, never key material or plaintext.
public struct JWEFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        /// Not a well-formed compact JWE (parts, base64url, lengths, header JSON).
        case badJWE = "bad_jwe"
        /// `alg` other than `dir`.
        case unsupportedAlg = "unsupported_alg"
        /// `enc` other than A256GCM or A128GCM.
        case unsupportedEnc = "unsupported_enc"
        /// A protected header member other than `alg`, `enc`, `kid`.
        case unsupportedHeader = "unsupported_header"
        /// No key for the `kid` (not in keys.json and no master key).
        case unknownKid = "unknown_kid"
        /// The device's key has the wrong length for the token's `enc`.
        case keyLengthMismatch = "key_length_mismatch"
        /// The authentication tag did not verify: wrong key, or the token was altered.
        case authFailed = "auth_failed"
    }

    public let kind: Kind
    public let detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(kind.rawValue): \(detail)" }

    /// Untrusted text for a detail: at most `limit` bytes, control characters replaced.
    static func quoted(_ bytes: UnsafeRawBufferPointer, limit: Int = 40) -> String {
        let text = String(decoding: bytes.prefix(limit), as: UTF8.self)
        let clean = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
        return "\"" + clean + (bytes.count > limit ? "…" : "") + "\""
    }
}
