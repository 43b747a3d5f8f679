import Crypto

/// One device's AES-GCM content key: 16 bytes (A128GCM) or 32 bytes (A256GCM).
///
/// Never printable: `description`, `debugDescription` and reflection show
/// only the key's size, so a key cannot leak through logs or `dump`.
public struct DeviceKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key bytes; internal so that only this module hands them to a cipher.
    let bytes: [UInt8]

    /// A key of exactly 16 or 32 bytes.
    public init(bytes: [UInt8]) throws(KeyError) {
        guard bytes.count == 16 || bytes.count == 32 else {
            throw KeyError("a device key must be 16 or 32 bytes, found \(bytes.count) bytes")
        }
        self.bytes = bytes
    }

    /// A new random key of the length `enc` needs (16 bytes for A128GCM, 32
    /// for A256GCM), from the system's CSPRNG: an explicit key for --keys.
    public static func generate(_ enc: ContentEncryption) -> DeviceKey {
        let key = SymmetricKey(size: SymmetricKeySize(bitCount: enc.keyByteCount * 8))
        return DeviceKey(trusted: key.withUnsafeBytes { Array($0) })
    }

    /// A key from base64url text (no padding; `=` padding and standard
    /// base64 `+` `/` are accepted too, as key files are written by hand).
    public init(base64URL text: String) throws(KeyError) {
        guard let bytes = Base64URL.decodeLenient(text) else {
            throw KeyError("a device key must be base64url text")
        }
        try self.init(bytes: bytes)
    }

    /// The key as base64url text without padding (for keys.json and provisioning).
    public var base64URL: String { Base64URL.encode(bytes) }

    /// 16 or 32.
    public var byteCount: Int { bytes.count }

    /// True when this key has the length `enc` requires.
    public func fits(_ enc: ContentEncryption) -> Bool { bytes.count == enc.keyByteCount }

    /// The algorithm this key's length implies (32 bytes: A256GCM, 16: A128GCM).
    public var impliedEncryption: ContentEncryption { bytes.count == 16 ? .a128gcm : .a256gcm }

    public var description: String { "DeviceKey(\(bytes.count * 8)-bit, redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
