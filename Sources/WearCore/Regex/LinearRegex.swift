import CWearRE2

/// A regular expression matched in time linear in the input, whatever the
/// pattern (RE2 through the CWearRE2 shim): a rule author's `match(x, "...")`
/// cannot become a denial of service. Compiled once, at load time.
///
/// RE2 syntax, UTF-8, no capture groups. Constructs that need backtracking
/// (backreferences such as `(a)\1`, lookaround such as `(?=a)`) do not
/// compile. A pattern is at most ``maxPatternBytes`` long and may use at most
/// ``maxMemoryBytes`` of memory. Matching is thread-safe: one instance may be
/// shared by any number of threads.
public final class LinearRegex: @unchecked Sendable {
    /// The longest pattern accepted, in UTF-8 bytes.
    public static let maxPatternBytes = Int(WEAR_RE2_MAX_PATTERN_BYTES)
    /// The memory one compiled pattern may use; a pattern that needs more does not compile.
    public static let maxMemoryBytes = Int(WEAR_RE2_MAX_MEM)

    /// The pattern as written.
    public let pattern: String
    // Immutable after init; RE2 matching is const and thread-safe.
    private let compiled: OpaquePointer

    /// Compiles `pattern` (RE2 syntax); a syntax error says what and where.
    public init(_ pattern: String) throws(RegexSyntaxError) {
        self.pattern = pattern
        var utf8 = Array(pattern.utf8)
        utf8.append(0)  // keeps the base address non-nil for the empty pattern
        let length = utf8.count - 1
        var message = [CChar](repeating: 0, count: Int(WEAR_RE2_ERROR_CAPACITY))
        let result = utf8.withUnsafeBufferPointer { bytes in
            message.withUnsafeMutableBufferPointer { out in
                bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { base in
                    wear_re2_compile(base, length, out.baseAddress, out.count)
                }
            }
        }
        guard let result else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw RegexSyntaxError(message: text.isEmpty ? "invalid pattern" : text)
        }
        compiled = result
    }

    deinit { wear_re2_free(compiled) }

    /// True when the pattern matches somewhere in `bytes` (unanchored, like
    /// `grep`; anchor with `^...$`). Invalid UTF-8 never matches a literal
    /// character it does not contain, and never traps.
    public func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        wear_re2_match(compiled, bytes.baseAddress, bytes.count)
    }

    /// True when the pattern matches somewhere in the UTF-8 of `text`.
    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { matches(UnsafeRawBufferPointer($0)) }
    }
}

/// Why a pattern did not compile, in RE2's words, with the offset into the pattern when known.
public struct RegexSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
