/// Why a quantity (`30s`, `4KiB`, `5/s`) could not be read, and where:
/// `offset` counts UTF-8 bytes from the start of the text given to the
/// parser, so a caller that parsed a slice of a larger text (a rule file's
/// line) can turn it into a column.
public struct QuantityError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of mistake, for callers that phrase their own message.
    public enum Problem: Sendable, Equatable {
        /// No number where one must start (or a sign: quantities are never negative).
        case expectedNumber
        /// Letters after the number that are no unit.
        case unknownUnit
        /// A well-formed quantity whose value is not allowed (too large, a fraction of a byte, a zero window).
        case value
        /// Something after a complete quantity.
        case trailing
    }

    public let problem: Problem
    /// Byte offset of the first character that is wrong.
    public let offset: Int
    /// What was expected and what was found; no position (see `offset`).
    public let message: String

    public init(_ problem: Problem, offset: Int, message: String) {
        self.problem = problem
        self.offset = offset
        self.message = message
    }

    public var description: String { message }
}
