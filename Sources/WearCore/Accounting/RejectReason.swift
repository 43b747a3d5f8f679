/// A stable, snake_case code for why a record was rejected.
///
/// Codes are a closed, documented set per stage (docs/rejects.md); rule
/// drops are `rule:<name>` with the rule's own name. Scripts and dashboards
/// match on these: never rename one, add a new one instead.
public struct RejectReason: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let code: String

    /// A reason written in the source: a literal, checked when first used
    /// (a typo in a literal is a programming error and traps, in tests).
    /// Codes that come from input or a user's file (a rule's name) use
    /// `init(validating:)`, which throws instead.
    public init(_ code: StaticString) {
        let text = code.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        precondition(Self.isValid(text), "reject reason must be snake_case: \(text)")
        self.code = text
    }

    /// A reason from text: snake_case words, optionally `prefix:` before
    /// them (`rule:hr_range`); anything else throws, saying what is allowed.
    public init(validating code: String) throws(InvalidRejectReason) {
        guard Self.isValid(code) else { throw InvalidRejectReason(code: code) }
        self.code = code
    }

    /// A `drop` rule's reason, `rule:<name>`; the name must be snake_case.
    public static func rule(_ name: String) throws(InvalidRejectReason) -> RejectReason {
        guard !name.contains(":") else { throw InvalidRejectReason(code: "rule:" + name) }
        return try RejectReason(validating: "rule:" + name)
    }

    public var description: String { code }

    public static func < (lhs: RejectReason, rhs: RejectReason) -> Bool { lhs.code < rhs.code }

    /// snake_case words, optionally `prefix:` before them (`rule:hr_range`).
    public static func isValid(_ code: String) -> Bool {
        let parts = code.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { part in
            guard let first = part.first, first.isASCII, first.isLowercase else { return false }
            return part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }
        }
    }

    // MARK: reasons every stage shares (the record layer's)

    /// Not valid JSON (syntax, numbers, nesting, control characters).
    public static let badJSON = RejectReason("bad_json")
    /// Not valid UTF-8.
    public static let badUTF8 = RejectReason("bad_utf8")
    /// Valid JSON, but not an object.
    public static let notObject = RejectReason("not_object")
    /// An object with two members of the same name (readers would disagree on its value).
    public static let duplicateKey = RejectReason("duplicate_key")
    /// Longer than `--max-line-bytes`.
    public static let lineTooLong = RejectReason("line_too_long")
    /// With `--atomic-lines`, an output line longer than PIPE_BUF (4096 bytes).
    public static let lineTooLongForAtomicWrite = RejectReason("line_too_long_atomic")
}

/// Text that is not a reject reason code, with what a code may hold.
public struct InvalidRejectReason: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: String

    public var description: String {
        let shown = code.count > 64 ? String(code.prefix(64)) + "..." : code
        return "'\(shown)' is not a reject reason: use lower-case snake_case words (a-z, 0-9, _ or -, starting with a letter), optionally after one 'prefix:'"
    }
}
