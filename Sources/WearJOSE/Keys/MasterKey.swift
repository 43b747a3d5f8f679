import Crypto

/// The fleet master key (32 bytes) from which every device key is derived:
/// HKDF-SHA256(ikm = master, salt = "wear-telemetry-v1", info = device id
/// as UTF-8, 32 bytes). A derived key is 32 bytes and opens A256GCM only:
/// it is never truncated to serve A128GCM (RFC 7518 fixes the key length
/// by `enc`; a device on A128GCM gets an explicit 16-byte key instead).
///
/// The HKDF extract step depends only on the master key, so it runs once,
/// here; a device's key is one HKDF-Expand (one HMAC-SHA256).
///
/// Never printable: `description` and reflection show no key bytes.
public struct MasterKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The HKDF salt, fixed for this version of the telemetry protocol.
    public static let salt = "wear-telemetry-v1"
    public static let byteCount = 32

    let bytes: [UInt8]
    /// HKDF-Extract(salt, master): the pseudorandom key every device key is expanded from.
    private let pseudorandomKey: [UInt8]

    /// A master key of exactly 32 bytes.
    public init(bytes: [UInt8]) throws(KeyError) {
        guard bytes.count == Self.byteCount else {
            throw KeyError("a master key must be 32 bytes, found \(bytes.count) bytes")
        }
        self.init(trusted: bytes)
    }

    /// 32 random bytes from the system's CSPRNG.
    public static func generate() -> MasterKey {
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Array($0) }
        return MasterKey(trusted: bytes)
    }

    /// A master key from text: 64 hex digits, or base64 / base64url (padding
    /// optional). Surrounding whitespace and newlines are ignored.
    public init(text: String) throws(KeyError) {
        let trimmed = String(text.unicodeScalars.filter { !$0.properties.isWhitespace })
        if trimmed.utf8.count == 2 * Self.byteCount, let bytes = Hex.decode(trimmed) {
            try self.init(bytes: bytes)
        } else if let bytes = Base64URL.decodeLenient(trimmed) {
            guard bytes.count == Self.byteCount else {
                throw KeyError("a master key must be 32 bytes, found \(bytes.count) bytes of base64 text")
            }
            try self.init(bytes: bytes)
        } else {
            throw KeyError("a master key must be 32 bytes as 64 hex digits or base64 text")
        }
    }

    private init(trusted bytes: [UInt8]) {
        self.bytes = bytes
        let prk = HKDF<SHA256>.extract(inputKeyMaterial: SymmetricKey(data: bytes), salt: Array(Self.salt.utf8))
        pseudorandomKey = prk.withUnsafeBytes { Array($0) }
    }

    /// The key as 64 lowercase hex digits (the master key file's format).
    public var hexText: String { Hex.encode(bytes) }

    /// The 32-byte key of device `device` (HKDF-SHA256, see the type's doc).
    public func deviceKey(for device: String) -> DeviceKey {
        deviceKey(forUTF8: Array(device.utf8))
    }

    /// The key of the device whose id is the UTF-8 bytes `device`.
    public func deviceKey(forUTF8 device: [UInt8]) -> DeviceKey {
        derivedKey(forUTF8: device).deviceKey
    }

    /// The key of device `device` by value, for the decryptor's key cache.
    ///
    /// HKDF-Expand for 32 bytes of SHA-256 output is one block (RFC 5869
    /// §2.3): T(1) = HMAC(PRK, info || 0x01). Computed as that one HMAC:
    /// swift-crypto's `HKDF.expand` gives the same bytes (KeyDerivationTests)
    /// but copies the info byte by byte: ~65,000 instructions a device here against
    /// ~26,000 for the HMAC (callgrind), and a new device costs one derivation.
    func derivedKey(forUTF8 device: [UInt8]) -> DerivedKey {
        var message = device
        message.append(0x01)
        let block = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: pseudorandomKey))
        return block.withUnsafeBytes { DerivedKey($0) }
    }

    public var description: String { "MasterKey(256-bit, redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

extension DeviceKey {
    /// A key whose length the caller has already checked.
    init(trusted bytes: [UInt8]) {
        self.bytes = bytes
    }
}
