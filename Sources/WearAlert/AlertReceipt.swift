import WearCore

/// What wear-alert writes on stdout for each incident it announces (or
/// would: the dry run), one JSON object per line:
/// `{"incident":"...","status":"posted","post_id":"...","text":"...",
///   "pseudonym":"KQ4DFA2B","opened":1763700011500}`.
///
/// `incident`, `status`, `post_id` and `text` are always there; `dev` (the
/// device id: receipts stay on the backend, the post text never names it),
/// `pseudonym` (as in the text) and `opened` (event time of the incident's
/// first anomaly, ms) when known; `category` and `severity` on an
/// incident's receipts; `digest` (the digest's reference) on a digest's own
/// receipt and on each incident folded into it. This type owns the
/// contract: wear-alert writes it, `wear eval` reads it.
public struct AlertReceipt: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case posted
        case dryRun = "dry_run"
        case queued
        case digest
        case failed
    }

    /// The members of a receipt.
    public enum Field {
        public static let incident: StaticString = "incident"
        public static let status: StaticString = "status"
        public static let postID: StaticString = "post_id"
        public static let text: StaticString = "text"
        public static let dev: StaticString = "dev"
        public static let pseudonym: StaticString = "pseudonym"
        public static let opened: StaticString = "opened"
        public static let category: StaticString = "category"
        public static let severity: StaticString = "severity"
        public static let digest: StaticString = "digest"
    }

    public var incident: String
    public var status: Status
    /// The X post's id; nil until posted (written as "").
    public var postID: String?
    public var text: String
    public var dev: String?
    public var pseudonym: String?
    public var opened: Int64?
    public var category: String?
    public var severity: String?
    /// The digest a folded incident went into, or a digest's own reference.
    public var digest: String?

    public init(incident: String, status: Status, postID: String? = nil, text: String,
                dev: String? = nil, pseudonym: String? = nil, opened: Int64? = nil,
                category: String? = nil, severity: String? = nil, digest: String? = nil) {
        self.incident = incident
        self.status = status
        self.postID = postID
        self.text = text
        self.dev = dev
        self.pseudonym = pseudonym
        self.opened = opened
        self.category = category
        self.severity = severity
        self.digest = digest
    }

    /// A receipt line, parsed: the four required members with their types,
    /// the optional ones when present with the right type.
    public init(decoding object: JSONValue) throws(AlertReceiptError) {
        guard object.isObject else { throw AlertReceiptError("not a JSON object") }
        guard let incident = object[Field.incident]?.string else { throw AlertReceiptError("no string \"incident\"") }
        guard let statusText = object[Field.status]?.string else { throw AlertReceiptError("no string \"status\"") }
        guard let status = Status(rawValue: statusText) else {
            throw AlertReceiptError("\"status\" is '\(statusText)'; expected \(Status.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let text = object[Field.text]?.string else { throw AlertReceiptError("no string \"text\"") }
        let postID = object[Field.postID]?.string
        self.init(incident: incident, status: status, postID: postID?.isEmpty == false ? postID : nil, text: text,
                  dev: object[Field.dev]?.string, pseudonym: object[Field.pseudonym]?.string,
                  opened: object[Field.opened]?.int64, category: object[Field.category]?.string,
                  severity: object[Field.severity]?.string, digest: object[Field.digest]?.string)
    }

    /// The receipt as written, members in the contract's order.
    public func document() -> JSONDocument {
        let object = JSONDocument.object()
        object.set(Self.name(Field.incident), incident)
        object.set(Self.name(Field.status), status.rawValue)
        object.set(Self.name(Field.postID), postID ?? "")
        object.set(Self.name(Field.text), text)
        if let dev { object.set(Self.name(Field.dev), dev) }
        if let pseudonym { object.set(Self.name(Field.pseudonym), pseudonym) }
        if let opened { object.set(Self.name(Field.opened), opened) }
        if let category { object.set(Self.name(Field.category), category) }
        if let severity { object.set(Self.name(Field.severity), severity) }
        if let digest { object.set(Self.name(Field.digest), digest) }
        return object
    }

    private static func name(_ field: StaticString) -> String {
        field.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
    }
}

/// Why a line is not an alert receipt.
public struct AlertReceiptError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
