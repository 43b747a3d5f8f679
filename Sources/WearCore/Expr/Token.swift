/// Where a token or expression starts in its file: 1-based line and column.
/// Columns count UTF-8 bytes (identifiers and operators are ASCII; only a
/// string literal with non-ASCII text shifts later columns in an editor).
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// One token of the expression language, with where it starts.
public struct Token: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case quantity(Quantity)
        case string(String)
        case identifier(String)
        case keyword(Keyword)
        case symbol(Symbol)
        case end
    }

    /// Words that are not field names.
    public enum Keyword: String, Sendable {
        case and, or, not, `true`, `false`
    }

    /// Operators and punctuation, spelled as written.
    public enum Symbol: String, Sendable {
        case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case equal = "==", notEqual = "!="
        case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
        case dot = ".", comma = ","
    }

    public let kind: Kind
    public let position: SourcePosition
    /// The source text of the token, for messages ("found 'fast'").
    public let text: String

    public init(_ kind: Kind, at position: SourcePosition, text: String) {
        self.kind = kind
        self.position = position
        self.text = text
    }

    /// How a message names this token: `'fast'`, `'>'`, `the end of the expression`.
    public var found: String {
        kind == .end ? "the end of the expression" : "'\(text)'"
    }
}
