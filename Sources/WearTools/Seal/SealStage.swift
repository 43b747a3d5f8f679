import WearCore
import WearJOSE

extension RejectReason {
    /// The record has no string `dev` (the JWE kid must name the device).
    public static let missingDev = RejectReason("missing_dev")
    /// `dev` is empty or longer than 256 bytes.
    public static let badDev = RejectReason("bad_dev")
    /// `--keys` has no key for the record's `dev`.
    public static let unknownDevice = RejectReason("unknown_device")
    /// The device's key does not fit `--enc` (a 32-byte key seals only A256GCM, a 16-byte one only A128GCM).
    public static let sealKeyLengthMismatch = RejectReason("key_length_mismatch")
}

/// `wear seal`: plaintext telemetry in, JWE envelopes `{"jwe":"..."}` out,
/// as a device or gateway does. The record's bytes are sealed exactly as
/// read, under a random IV, for the key of its `dev` (the kid).
public struct SealStage: Stage {
    public static var name: String { "wear-seal" }

    /// Where device keys come from. A key's length fixes its algorithm.
    public enum Keys {
        /// Derived from the master key: 32 bytes, A256GCM (the last 100,000 devices' keys cached).
        case master(MasterKey)
        /// From keys.json: a 32-byte key seals A256GCM, a 16-byte key A128GCM;
        /// with `required`, a key of the other length is `key_length_mismatch`.
        case table([String: DeviceKey], required: ContentEncryption? = nil)
    }

    private let keys: Keys
    /// Device id -> derived key (HKDF is the cost of a new device).
    private let derived = BoundedMap<DeviceKey>(capacity: 100_000, inlineKeyBytes: 24)
    private let line = ByteBuffer(capacity: 8192)
    public private(set) var sealed = 0

    public init(keys: Keys) {
        self.keys = keys
    }

    /// Why a record has no key to be sealed with.
    private enum KeyRefusal: Error {
        case unknown
        case mismatch(DeviceKey, ContentEncryption)
    }

    public mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        guard let dev = record.json?["dev"], let id = dev.string else {
            return .reject(.missingDev, detail: "a record needs a string \"dev\" to be sealed for")
        }
        guard !id.isEmpty, id.utf8.count <= KeyFiles.maxDeviceIDBytes else {
            return .reject(.badDev, detail: "\"dev\" must be 1 to \(KeyFiles.maxDeviceIDBytes) bytes")
        }
        let key: DeviceKey, enc: ContentEncryption
        switch self.key(for: id, dev: dev) {
        case .success(let found): (key, enc) = found
        case .failure(.unknown): return .reject(.unknownDevice, detail: "no key for this device in the keys file")
        case .failure(.mismatch(let found, let wanted)):
            return .reject(.sealKeyLengthMismatch, detail: "the key of this device is \(found.byteCount) bytes, which seals only "
                           + "\(found.impliedEncryption.rawValue); --enc \(wanted.rawValue) needs \(wanted.keyByteCount)")
        }
        var token = JWE.seal(record.bytes, kid: id, key: key, enc: enc)
        line.removeAll()
        line.append("{\"jwe\":\"")
        token.withUTF8 { line.append(UnsafeRawBufferPointer($0)) }
        line.append("\"}")
        output.emit(line.bytes)
        sealed += 1
        return .emitted
    }

    private func key(for id: String, dev: JSONValue) -> Result<(DeviceKey, ContentEncryption), KeyRefusal> {
        switch keys {
        case .table(let table, let required):
            guard let key = table[id] else { return .failure(.unknown) }
            if let required, !key.fits(required) { return .failure(.mismatch(key, required)) }
            return .success((key, key.impliedEncryption))
        case .master(let master):
            guard let bytes = dev.stringBytes else { return .failure(.unknown) }
            if let key = derived.value(forKey: bytes) { return .success((key, .a256gcm)) }
            let key = master.deviceKey(for: id)
            derived.insert(key, forKey: bytes)
            return .success((key, .a256gcm))
        }
    }
}
