/// The JWE content encryption algorithms wear accepts (RFC 7518 §5.3):
/// AES-GCM with a 256-bit or a 128-bit key, a 96-bit IV and a 128-bit tag.
public enum ContentEncryption: String, Sendable, CaseIterable {
    case a256gcm = "A256GCM"
    case a128gcm = "A128GCM"

    /// The key length `enc` requires: 32 bytes for A256GCM, 16 for A128GCM.
    public var keyByteCount: Int {
        switch self {
        case .a256gcm: 32
        case .a128gcm: 16
        }
    }

    /// The IV length every AES-GCM JWE uses (RFC 7518 §5.3).
    public static let ivByteCount = 12
    /// The authentication tag length every AES-GCM JWE uses.
    public static let tagByteCount = 16
}
