/// A stable, snake_case code for why a record was rejected.
///
/// Codes are a closed, documented set per stage (docs/rejects.md); rule
/// drops are `rule:<name>` with the rule's own name. Scripts and dashboards
/// match on these: never rename one, add a new one instead.
public struct RejectReason: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let code: String

    /// A reason code; `code` must be snake_case, optionally `prefix:name`.
    public init(_ code: String) {
        precondition(Self.isValid(code), "reject reason must be snake_case: \(code)")
        self.code = code
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
