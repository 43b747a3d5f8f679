import WearCore

/// One post waiting in the outbox: what to send and how its delivery went.
///
/// Its file is `<seq, 20 digits>-<incident, [A-Za-z0-9._-] only, at most 64>.json`,
/// so that lexical order is creation order; its content one JSON object:
///
///     {"version":1,"seq":7,"incident":"wr-0042/tamper/1763700011500","kind":"post",
///      "text":"…","created":1763700012000,"attempts":0,"next_attempt":null,
///      "status":"pending","hold":false,"last_error":null}
///
/// Times are wall-clock milliseconds since the epoch. Never a credential,
/// a header or a signature: only what the post says and what X answered
/// (status, title, detail).
public struct OutboxEntry: Sendable, Equatable {
    /// An incident's own post, or a digest of those the budget could not carry.
    public enum Kind: String, Sendable, CaseIterable {
        case post
        case digest
    }

    /// `pending`: not delivered yet, retried when due. `failed`: X refused it
    /// (401, a 403 other than duplicate content, another 4xx); kept, and
    /// retried only after the long back-off.
    public enum Status: String, Sendable, CaseIterable {
        case pending
        case failed
    }

    /// The format of the file's content.
    public static let version: Int64 = 1

    public var sequence: UInt64
    public var incident: String
    public var kind: Kind
    public var text: String
    public var created: WallTime
    public var attempts: Int
    /// Not before this time; nil: now.
    public var nextAttempt: WallTime?
    public var status: Status
    /// No later entry is tried before this one's `nextAttempt` (429, 5xx,
    /// network errors, 401: what would fail for every post).
    public var holdsQueue: Bool
    /// The last attempt's error, one line (status, X's title and detail).
    public var lastError: String?

    public init(sequence: UInt64, incident: String, kind: Kind, text: String, created: WallTime,
                attempts: Int = 0, nextAttempt: WallTime? = nil, status: Status = .pending,
                holdsQueue: Bool = false, lastError: String? = nil) {
        self.sequence = sequence
        self.incident = incident
        self.kind = kind
        self.text = text
        self.created = created
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.status = status
        self.holdsQueue = holdsQueue
        self.lastError = lastError
    }

    /// The entry's file name in the outbox directory.
    public var fileName: String {
        let digits = String(sequence)
        let safe = incident.unicodeScalars.prefix(64).map { scalar -> Character in
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": Character(scalar)
            default: "_"
            }
        }
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "-" + String(safe) + ".json"
    }

    /// True for a name `fileName` could have made (20 digits, a dash, `.json`).
    static func isEntryName(_ name: String) -> Bool {
        let utf8 = Array(name.utf8)
        guard utf8.count >= 26, name.hasSuffix(".json"), utf8[20] == UInt8(ascii: "-") else { return false }
        return utf8[0..<20].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The sequence number a file name starts with; nil for a name that is
    /// not an entry's or a number past Int64.max − 1 (the JSON's `seq` is an
    /// integer, and the next sequence must fit too).
    static func sequence(ofName name: String) -> UInt64? {
        guard isEntryName(name), let sequence = UInt64(name.prefix(20)), sequence < UInt64(Int64.max) else { return nil }
        return sequence
    }

    /// The file's content.
    public func encoded() -> [UInt8] {
        let object = JSONDocument.object()
        object.set("version", Self.version)
        object.set("seq", .integer(Int64(clamping: sequence)))
        object.set("incident", incident)
        object.set("kind", kind.rawValue)
        object.set("text", text)
        object.set("created", created.milliseconds)
        object.set("attempts", attempts)
        object.set("next_attempt", nextAttempt.map { .integer($0.milliseconds) } ?? .null())
        object.set("status", status.rawValue)
        object.set("hold", holdsQueue)
        object.set("last_error", lastError.map { .string($0) } ?? .null())
        var bytes = object.dumpedBytes()
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Parses a file's content; the error says what is wrong (for the log
    /// line that moves the file to `corrupt/`).
    public init(decoding bytes: [UInt8], source: String) throws(OutboxEntryError) {
        let object: JSONDocument
        do throws(JSONDocumentError) {
            object = try JSONDocument.parse(bytes, source: source)
        } catch {
            throw OutboxEntryError("\(error)")
        }
        guard object.kind == .object else { throw OutboxEntryError("\(source): not a JSON object") }
        func field(_ name: String) throws(OutboxEntryError) -> JSONDocument {
            guard let value = object[name] else { throw OutboxEntryError("\(source): no \"\(name)\"") }
            return value
        }
        func integer(_ name: String) throws(OutboxEntryError) -> Int64 {
            guard let value = try field(name).integerValue else { throw OutboxEntryError("\(source): \"\(name)\" is not an integer") }
            return value
        }
        func string(_ name: String) throws(OutboxEntryError) -> String {
            guard let value = try field(name).stringValue else { throw OutboxEntryError("\(source): \"\(name)\" is not a string") }
            return value
        }
        func optional(_ name: String) -> JSONDocument? {
            guard let value = object[name], value.kind != .null else { return nil }
            return value
        }
        let version = try integer("version")
        guard version == Self.version else {
            throw OutboxEntryError("\(source): format version \(version); this build reads version \(Self.version)")
        }
        let sequence = try integer("seq")
        guard sequence >= 0 else { throw OutboxEntryError("\(source): \"seq\" is negative") }
        let kindText = try string("kind")
        guard let kind = Kind(rawValue: kindText) else { throw OutboxEntryError("\(source): \"kind\" is '\(kindText)'; expected post or digest") }
        let text = try string("text")
        guard !text.isEmpty else { throw OutboxEntryError("\(source): \"text\" is empty") }
        let attempts = try integer("attempts")
        guard attempts >= 0, attempts <= Int64(Int32.max) else { throw OutboxEntryError("\(source): \"attempts\" is out of range") }
        let statusText = try string("status")
        guard let status = Status(rawValue: statusText) else {
            throw OutboxEntryError("\(source): \"status\" is '\(statusText)'; expected pending or failed")
        }
        guard let hold = try field("hold").boolValue else { throw OutboxEntryError("\(source): \"hold\" is not true or false") }
        var nextAttempt: WallTime?
        if let value = optional("next_attempt") {
            guard let milliseconds = value.integerValue else { throw OutboxEntryError("\(source): \"next_attempt\" is not an integer") }
            nextAttempt = WallTime(milliseconds: milliseconds)
        }
        var lastError: String?
        if let value = optional("last_error") {
            guard let text = value.stringValue else { throw OutboxEntryError("\(source): \"last_error\" is not a string") }
            lastError = text
        }
        self.init(sequence: UInt64(sequence), incident: try string("incident"), kind: kind, text: text,
                  created: WallTime(milliseconds: try integer("created")), attempts: Int(attempts),
                  nextAttempt: nextAttempt, status: status, holdsQueue: hold, lastError: lastError)
    }
}

/// Why an outbox file is not an entry.
public struct OutboxEntryError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
