import WearCore
import WearJOSE

extension RejectReason {
    /// The record has no string `dev` (the JWE kid must name the device).
    public static let missingDev = RejectReason("missing_dev")
    /// `dev` is empty or longer than 256 bytes.
    public static let badDev = RejectReason("bad_dev")
    /// `--keys` has no key for the record's `dev`.
    public static let unknownDevice = RejectReason("unknown_device")
}

/// `wear seal`: plaintext telemetry in, JWE envelopes `{"jwe":"..."}` out,
/// as a device or gateway does. The record's bytes are sealed exactly as
/// read, under a random IV, for the key of its `dev` (the kid).
public struct SealStage: Stage {
    public static var name: String { "wear-seal" }

    /// Where device keys come from.
    public enum Keys {
        /// Derived from the master key for `enc` (cached).
        case master(MasterKey, ContentEncryption)
        /// From keys.json; each key's length picks A256GCM or A128GCM.
        case table([String: DeviceKey])
    }

    private let keys: Keys
    private var derived: [String: DeviceKey] = [:]
    private let line = ByteBuffer(capacity: 8192)
    public private(set) var sealed = 0

    public init(keys: Keys) {
        self.keys = keys
    }

    public mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        guard let dev = record.json?["dev"], let id = dev.string else {
            return .reject(.missingDev, detail: "a record needs a string \"dev\" to be sealed for")
        }
        guard !id.isEmpty, id.utf8.count <= KeyFiles.maxDeviceIDBytes else {
            return .reject(.badDev, detail: "\"dev\" must be 1 to \(KeyFiles.maxDeviceIDBytes) bytes")
        }
        guard let (key, enc) = key(for: id) else {
            return .reject(.unknownDevice, detail: "no key for this device in the keys file")
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

    private mutating func key(for id: String) -> (DeviceKey, ContentEncryption)? {
        switch keys {
        case .table(let table):
            return table[id].map { ($0, $0.impliedEncryption) }
        case .master(let master, let enc):
            if let key = derived[id] { return (key, enc) }
            if derived.count >= 100_000 { derived.removeAll(keepingCapacity: true) }
            let key = master.deviceKey(for: id, enc: enc)
            derived[id] = key
            return (key, enc)
        }
    }
}
