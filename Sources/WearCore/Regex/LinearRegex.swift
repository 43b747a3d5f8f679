/// A regular expression matched in time linear in the input, whatever the
/// pattern (RE2 through the CWearRE2 shim): a rule author's `match(x, "...")`
/// cannot become a denial of service. Compiled once, at load time.
public final class LinearRegex: @unchecked Sendable {
    public let pattern: String

    /// Compiles `pattern` (RE2 syntax); a syntax error says what and where.
    public init(_ pattern: String) throws(RegexSyntaxError) {
        self.pattern = pattern
        fatalError("LinearRegex: not built yet (#9)")
    }

    /// True when the pattern matches somewhere in `bytes` (unanchored, like
    /// `grep`; anchor with `^...$`). Invalid UTF-8 never matches a literal
    /// character it does not contain, and never traps.
    public func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        fatalError("not built yet")
    }
}

/// Why a pattern did not compile, in RE2's words, with the offset into the pattern when known.
public struct RegexSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
