/// Parses an expression to an `Expr` by precedence climbing:
/// `or` < `and` < `not` < comparisons (which do not chain) < `+ -` <
/// `* / %` < unary `-` < calls, field paths, literals and parentheses.
///
/// Nesting, by parentheses, operators or calls, is bounded by `maxDepth`
/// so hostile input is an error, never a stack overflow. Errors are
/// `ConfigError`s: `FILE:LINE:COL: expected ..., found ...`.
public struct ExprParser {
    /// The deepest expression tree accepted.
    public static let maxDepth = 64

    private let tokens: [Token]
    private let file: String
    var index = 0
    var depth = 0

    init(tokens: [Token], file: String) {
        self.tokens = tokens
        self.file = file
    }

    /// The expression that is the whole of `bytes`; `line` and `column` are
    /// where the bytes start in `file`.
    public static func parse(_ bytes: [UInt8], file: String, line: Int = 1, column: Int = 1) throws(ConfigError) -> Expr {
        var lexer = ExprLexer(bytes, file: file, line: line, column: column)
        var parser = ExprParser(tokens: try lexer.tokens(), file: file)
        let (expr, _) = try parser.expression(above: 0)
        guard parser.current.kind == .end else {
            throw parser.error(at: parser.current, "expected an operator or the end of the expression after '\(parser.previous.text)', found \(parser.current.found)")
        }
        return expr
    }

    public static func parse(_ text: String, file: String, line: Int = 1, column: Int = 1) throws(ConfigError) -> Expr {
        try parse(Array(text.utf8), file: file, line: line, column: column)
    }

    var current: Token { tokens[min(index, tokens.count - 1)] }
    var previous: Token { tokens[max(0, min(index, tokens.count) - 1)] }

    mutating func advance() -> Token {
        let token = current
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func error(at token: Token, _ message: String) -> ConfigError {
        ConfigError(file: file, line: token.position.line, column: token.position.column, message: message)
    }

    func tooDeep(at token: Token) -> ConfigError {
        error(at: token, "expression nested too deeply (more than \(Self.maxDepth) levels)")
    }

    /// Binary operators binding tighter than `minimum`, left to right;
    /// returns the tree and its height.
    mutating func expression(above minimum: Int) throws(ConfigError) -> (Expr, Int) {
        var (lhs, height) = try prefix()
        var comparedAt: Token?
        while let op = Self.binaryOperator(current), op.precedence > minimum {
            let token = advance()
            if op.isComparison, let earlier = comparedAt {
                throw error(at: token, "comparisons do not chain: after '\(earlier.text)' expected 'and' or 'or', found '\(token.text)'")
            }
            if op.isComparison { comparedAt = token }
            let (rhs, rhsHeight) = try expression(above: op.precedence)
            height = max(height, rhsHeight) + 1
            guard height <= Self.maxDepth else { throw tooDeep(at: token) }
            lhs = Expr(.binary(op, lhs, rhs), at: token.position)
        }
        return (lhs, height)
    }

    static func binaryOperator(_ token: Token) -> BinaryOperator? {
        switch token.kind {
        case .keyword(.and): .and
        case .keyword(.or): .or
        case .symbol(let symbol): BinaryOperator(rawValue: symbol.rawValue)
        default: nil
        }
    }

    /// Enters one level of nesting, or refuses at `token` when too deep.
    mutating func nest(at token: Token) throws(ConfigError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw tooDeep(at: token) }
    }
}
