/// The keys wear-decrypt knows: explicit device keys (keys.json) and an
/// optional master key from which any other device's key is derived.
/// An explicit key wins over the derived one (a device re-keyed by hand).
public struct KeyRing: Sendable {
    public var deviceKeys: [String: DeviceKey]
    public var master: MasterKey?

    public init(deviceKeys: [String: DeviceKey] = [:], master: MasterKey? = nil) {
        self.deviceKeys = deviceKeys
        self.master = master
    }

    /// True when no token can be opened.
    public var isEmpty: Bool { deviceKeys.isEmpty && master == nil }

    /// The key for a token's header: the explicit key if any (it must fit the
    /// header's `enc`), else the master key's derivation for `enc`.
    public func key(for header: ProtectedHeader) -> Result<DeviceKey, JWEFailure> {
        let kid = header.kid
        if let key = deviceKeys[kid] {
            guard key.fits(header.enc) else {
                return .failure(JWEFailure(.keyLengthMismatch,
                                           "the key of this kid is \(key.byteCount) bytes; \(header.enc.rawValue) needs \(header.enc.keyByteCount)"))
            }
            return .success(key)
        }
        if let master {
            return .success(master.deviceKey(forUTF8: header.kidBytes, enc: header.enc))
        }
        return .failure(JWEFailure(.unknownKid, "no key for kid \(header.kidBytes.withUnsafeBytes { JWEFailure.quoted($0) })"))
    }
}
