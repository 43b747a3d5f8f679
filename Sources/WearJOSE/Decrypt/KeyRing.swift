/// The keys wear-decrypt knows: explicit device keys (keys.json) and an
/// optional master key from which any other device's key is derived.
/// An explicit key wins over the derived one (a device re-keyed by hand).
///
/// A device's key fixes its algorithm, never the token's header: a 32-byte
/// key (explicit, or derived: HKDF output is 32 bytes) opens only A256GCM, a
/// 16-byte key (explicit only) only A128GCM. Any other pairing is
/// `key_length_mismatch`, decided here, before any AES-GCM work. No key is
/// ever truncated or padded (RFC 7518 §5.3: `enc` fixes the key length).
public struct KeyRing: Sendable {
    public var deviceKeys: [String: DeviceKey]
    public var master: MasterKey?

    public init(deviceKeys: [String: DeviceKey] = [:], master: MasterKey? = nil) {
        self.deviceKeys = deviceKeys
        self.master = master
    }

    /// True when no token can be opened.
    public var isEmpty: Bool { deviceKeys.isEmpty && master == nil }

    /// Where a header's key comes from, once its length fits the header's `enc`.
    public enum Source: Sendable {
        /// From --keys (16 or 32 bytes).
        case explicit(DeviceKey)
        /// HKDF from the master key (32 bytes, A256GCM): the caller derives or caches it.
        case derived(MasterKey)
    }

    /// The source of the key for `header`, or why the token cannot be opened
    /// (`unknown_kid`, `key_length_mismatch`; the detail names lengths, never key bytes).
    public func source(for header: ProtectedHeader) -> Result<Source, JWEFailure> {
        if let key = deviceKeys[header.kid] {
            guard key.fits(header.enc) else {
                return .failure(JWEFailure(.keyLengthMismatch,
                                           "the --keys key of this kid is \(key.byteCount) bytes, which opens only "
                                           + "\(key.impliedEncryption.rawValue); the token says \(header.enc.rawValue)"))
            }
            return .success(.explicit(key))
        }
        if let master {
            guard header.enc == .a256gcm else {
                return .failure(JWEFailure(.keyLengthMismatch,
                                           "the key of this kid is derived from --master-key (32 bytes), which opens only "
                                           + "A256GCM; the token says \(header.enc.rawValue), which needs an explicit 16-byte key in --keys"))
            }
            return .success(.derived(master))
        }
        return .failure(JWEFailure(.unknownKid, "no key for kid \(header.kidBytes.withUnsafeBytes { JWEFailure.quoted($0) })"))
    }

    /// The key for a token's header (deriving it, uncached), or why there is none.
    public func key(for header: ProtectedHeader) -> Result<DeviceKey, JWEFailure> {
        source(for: header).map { source in
            switch source {
            case .explicit(let key): key
            case .derived(let master): master.deviceKey(forUTF8: header.kidBytes)
            }
        }
    }
}
