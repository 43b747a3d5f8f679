import Glibc
import Logging
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
/// the stage's own is not added. With a PROXY protocol header
/// (`setConnection`), `meta.src` is the header's client address, never the
/// envelope's, and a plaintext `meta` is rejected (`plaintext_meta`).
/// Stateless: replays are wear-filter's job.
public struct DecryptStage: Stage {
    public static var name: String { "wear-decrypt" }
    public static var acceptsNonJSONLines: Bool { true }

    public let configuration: DecryptConfiguration
    let decryptor: JWEDecryptor
    private let plaintextParser: JSONParser
    private let meta = ByteBuffer(capacity: 256)
    private let editor = RecordEditor(capacity: 4096)
    /// For `process(line:)` only (the runner parses envelopes itself).
    var envelopeParser: JSONParser?
    var reloads = (succeeded: 0, failed: 0)
    /// Where cache notices go (nil: nowhere, as in tests that don't ask).
    private let logger: Logger?
    private var advisor = KeyCacheAdvisor()
    private var tokens = 0
    /// The PROXY protocol header this connection started with (`--proxy-protocol`).
    public private(set) var connection: ProxyHeader?
    /// The `meta` members it gives (`"src":...,"src_port":...`), written into every record.
    private var connectionMembers: [UInt8]?

    /// Loads the key files named in `configuration` (errors exit 64, 66 or 78).
    public init(configuration: DecryptConfiguration, logger: Logger? = nil) throws {
        try self.init(configuration: configuration, keys: configuration.loadKeys(), logger: logger)
    }

    /// A stage with keys already in hand (tests, benchmarks).
    public init(configuration: DecryptConfiguration, keys: KeyRing, logger: Logger? = nil) {
        self.configuration = configuration
        self.decryptor = JWEDecryptor(keys: keys, contextCapacity: configuration.contextCacheSize,
                                      keyCapacity: configuration.keyCacheSize)
        self.plaintextParser = JSONParser(capacity: configuration.maxPlaintextBytes)
        self.logger = logger
    }

    public mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        switch decrypt(record) {
        case .success(let line):
            output.emit(line)
            return .emitted
        case .failure(let refusal):
            return .reject(refusal.reason, detail: refusal.detail)
        }
    }

    /// One envelope line to one output line (valid until the next call), or why not.
    mutating func decrypt(_ envelope: Record) -> Result<UnsafeRawBufferPointer, Refusal> {
        let token: UnsafeRawBufferPointer
        switch Envelope.token(of: envelope) {
        case .success(let found): token = found
        case .failure(let refusal): return .failure(refusal)
        }
        tokens &+= 1
        if tokens & (configuration.cacheReviewInterval - 1) == 0 { reviewCaches() }
        let opened: JWEDecryptor.Opened
        switch decryptor.open(token) {
        case .success(let value): opened = value
        case .failure(let failure): return .failure(Refusal(.decrypt(failure.kind), failure.detail))
        }
        let plaintext = Plaintext.singleLine(opened.plaintext)
        switch Plaintext.check(plaintext, parser: plaintextParser, kid: UnsafeRawBufferPointer(opened.header.kid)) {
        case .success(let root): return build(plaintext, root: root, envelope: envelope)
        case .failure(let refusal): return .failure(refusal)
        }
    }

    /// The plaintext bytes with rx, sz and meta added (each unless the plaintext has it).
    private func build(_ plaintext: UnsafeRawBufferPointer, root: JSONValue, envelope: Record) -> Result<UnsafeRawBufferPointer, Refusal> {
        guard editor.begin(object: plaintext, root: root) else {
            return .failure(Refusal(.badPlaintext, "plaintext is not an object"))
        }
        // The header's address must reach every record: a plaintext meta would hide it.
        if connectionMembers != nil, editor.has(Self.meta) {
            return .failure(Refusal(.plaintextMeta, "the plaintext has a \"meta\" member, which --proxy-protocol "
                                    + "reserves for the connection's address"))
        }
        let rx = envelope.json?["rx"]
        switch Envelope.receiveTime(rx) {
        case .milliseconds(let value): editor.setIfAbsent(Self.rx, int: Int(value))
        case .fractional(let value): editor.setIfAbsent(Self.rx, double: value)
        case .now:
            let now = configuration.fixedNow
            editor.setIfAbsent(Self.rx) { $0.append(int: Int(now ?? Self.wallClockMilliseconds())) }
        }
        editor.setIfAbsent(Self.sz, int: envelope.bytes.count)
        if let connectionMembers {
            if Envelope.appendMeta(of: envelope.json, rx: rx, connection: connectionMembers, to: meta) {
                editor.setIfAbsent(Self.meta, rawJSON: meta.bytes)
            }
        } else if !editor.has(Self.meta), Envelope.appendMeta(of: envelope.json, rx: rx, to: meta) {
            editor.setIfAbsent(Self.meta, rawJSON: meta.bytes)
        }
        return .success(editor.finish())
    }

    /// Records `header` as this connection's: every record gets its client
    /// address as `meta.src` (and the TCP port as `meta.src_port`); a LOCAL
    /// or UNKNOWN header gives none, and the envelope's own `src` and
    /// `src_port` are dropped all the same.
    public mutating func setConnection(_ header: ProxyHeader) {
        connection = header
        let members = ByteBuffer(capacity: 128)
        if let source = header.source {
            members.append("\"src\":")
            members.append(jsonString: source.host)
            if let port = source.port {
                members.append(",\"src_port\":")
                members.append(int: port)
            }
        }
        connectionMembers = members.array
    }

    /// Logs what the advisor has to say about the caches (at most once per cache and run).
    private mutating func reviewCaches() {
        for notice in advisor.review(contexts: decryptor.contextCache, keys: decryptor.keyCache) {
            logger?.notice("\(notice)")
        }
    }

    static let rx: MemberName = "rx"
    static let sz: MemberName = "sz"
    static let meta: MemberName = "meta"

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
