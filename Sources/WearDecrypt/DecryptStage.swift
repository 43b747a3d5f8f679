import Glibc
import WearCore
import WearJOSE

/// The wear-decrypt stage: JWE envelope in, authenticated plaintext out.
///
/// A record is `{"jwe":"<compact JWE>", ...}` or a bare compact token. The
/// token is opened with the key of its `kid` (keys.json, or derived from
/// the master key); the plaintext must be one JSON object whose `dev`
/// equals the `kid`. Output: the plaintext bytes as they were sealed, plus
/// `rx` (the envelope's numeric `rx`, else now, in ms), `sz` (the envelope's
/// size in bytes) and `meta` (the envelope's other members, unauthenticated).
/// Plaintext members always win: a plaintext `rx`, `sz` or `meta` is kept and
/// the stage's own is not added. Stateless: replays are wear-filter's job.
public struct DecryptStage: Stage {
    public static var name: String { "wear-decrypt" }
    public static var acceptsNonJSONLines: Bool { true }

    public let configuration: DecryptConfiguration
    let decryptor: JWEDecryptor
    private let plaintextParser: JSONParser
    private var meta: [UInt8] = []
    var reloads = (succeeded: 0, failed: 0)

    /// Loads the key files named in `configuration` (errors exit 64, 66 or 78).
    public init(configuration: DecryptConfiguration) throws {
        try self.init(configuration: configuration, keys: configuration.loadKeys())
    }

    /// A stage with keys already in hand (tests, benchmarks).
    public init(configuration: DecryptConfiguration, keys: KeyRing) {
        self.configuration = configuration
        self.decryptor = JWEDecryptor(keys: keys, cacheCapacity: configuration.keyCacheSize)
        self.plaintextParser = JSONParser(capacity: configuration.maxPlaintextBytes)
        meta.reserveCapacity(256)
    }

    public mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        let token: UnsafeRawBufferPointer
        switch Envelope.token(of: record) {
        case .success(let found): token = found
        case .failure(let refusal): return .reject(refusal.reason, detail: refusal.detail)
        }
        let opened: JWEDecryptor.Opened
        switch decryptor.open(token) {
        case .success(let value): opened = value
        case .failure(let failure): return .reject(.decrypt(failure.kind), detail: failure.detail)
        }
        let plaintext = Plaintext.singleLine(opened.plaintext)
        let root: JSONValue
        switch Plaintext.check(plaintext, parser: plaintextParser, kid: UnsafeRawBufferPointer(opened.header.kid)) {
        case .success(let value): root = value
        case .failure(let refusal): return .reject(refusal.reason, detail: refusal.detail)
        }
        emit(plaintext, root: root, envelope: record, into: &output)
        return .emitted
    }

    /// Appends rx, sz and meta (unless the plaintext has them) to the plaintext bytes.
    private mutating func emit(_ plaintext: UnsafeRawBufferPointer, root: JSONValue, envelope record: Record,
                               into output: inout StageOutput) {
        let envelope = record.json
        let rx = root["rx"] == nil ? Envelope.receiveTime(envelope) : nil
        let size = root["sz"] == nil ? record.bytes.count : nil
        let hasMeta = root["meta"] == nil && Envelope.appendMeta(of: envelope, to: &meta)
        let now = configuration.fixedNow
        output.emit(appendingTo: plaintext) { fields in
            switch rx {
            case .some(.milliseconds(let value)): fields.field("rx", value)
            case .some(.fractional(let value)): fields.field("rx", value)
            case .some(.now): fields.field("rx", now ?? Self.wallClockMilliseconds())
            case .none: break
            }
            if let size { fields.field("sz", size) }
            if hasMeta { meta.withUnsafeBytes { fields.field("meta", rawJSON: $0) } }
        }
    }

    /// SIGHUP: read the key files again; on any error keep the current keys.
    public mutating func reload() throws {
        do {
            let keys = try configuration.loadKeys()
            decryptor.replaceKeys(keys)
            reloads.succeeded += 1
        } catch {
            reloads.failed += 1
            throw error
        }
    }

    static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

/// Why a record is refused, before it becomes a `Verdict`.
struct Refusal: Error {
    let reason: RejectReason
    let detail: String

    init(_ reason: RejectReason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }
}
