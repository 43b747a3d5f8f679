/// One rejected record, as written to `--rejects`:
/// `{"stage":"wear-filter","reason":"rule:hr_range","line":12,"detail":"...","input":"..."}`.
public struct Reject: Sendable, Equatable {
    /// How much of the original line a reject record keeps.
    public static let inputLimit = 4096

    public let stage: String
    public let reason: RejectReason
    /// Physical input line, 1-based.
    public let line: Int
    /// What was wrong, for a person; never a key, token or whole payload.
    public let detail: String
    /// The original line's first bytes (at most `inputLimit`).
    public let input: [UInt8]

    /// `input` is the original line; only its first `inputLimit` bytes are kept.
    public init<Bytes: Collection<UInt8>>(stage: String, reason: RejectReason, line: Int, detail: String, input: Bytes) {
        self.stage = stage
        self.reason = reason
        self.line = line
        self.detail = detail
        self.input = Array(input.prefix(Self.inputLimit))
    }

    /// The reject record, built with jansson; invalid UTF-8 in the input
    /// becomes U+FFFD so the record is always valid JSON.
    public func document() -> JSONDocument {
        let object = JSONDocument.object()
        object.set(Field.name(Field.stage), stage)
        object.set(Field.name(Field.reason), reason.code)
        object.set(Field.name(Field.line), line)
        object.set(Field.name(Field.detail), detail)
        object.set(Field.name(Field.input), .string(bytes: input))
        return object
    }
}
