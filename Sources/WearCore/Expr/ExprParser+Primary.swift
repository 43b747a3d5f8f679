extension ExprParser {
    /// A literal, field path, call, parenthesised expression, `not` or unary `-`.
    mutating func prefix() throws(ConfigError) -> (Expr, Int) {
        let token = current
        try nest(at: token)
        defer { depth -= 1 }
        switch token.kind {
        case .keyword(.not):
            _ = advance()
            let (operand, height) = try expression(above: BinaryOperator.and.precedence)
            return (Expr(.unary(.not, operand), at: token.position), height + 1)
        case .symbol(.minus):
            _ = advance()
            let (operand, height) = try prefix()
            return (Expr(.unary(.negate, operand), at: token.position), height + 1)
        case .symbol(.leftParen):
            _ = advance()
            let inner = try expression(above: 0)
            try expect(.rightParen, "')' to close the '(' at \(token.position)")
            return inner
        case .quantity(let quantity):
            _ = advance()
            return (Expr(.quantity(quantity), at: token.position), 1)
        case .string(let text):
            _ = advance()
            return (Expr(.string(text), at: token.position), 1)
        case .keyword(.true), .keyword(.false):
            _ = advance()
            return (Expr(.bool(token.kind == .keyword(.true)), at: token.position), 1)
        case .identifier(let name):
            _ = advance()
            if current.kind == .symbol(.leftParen) { return try call(name, at: token) }
            return (Expr(.field(try path(from: name)), at: token.position), 1)
        default:
            let after = index == 0 ? "" : " after '\(previous.text)'"
            throw error(at: token, "expected an expression\(after), found \(token.found)")
        }
    }

    /// `name(arg, ...)`; the opening parenthesis is current.
    private mutating func call(_ name: String, at nameToken: Token) throws(ConfigError) -> (Expr, Int) {
        _ = advance()
        var arguments: [Expr] = []
        var height = 1
        if current.kind != .symbol(.rightParen) {
            repeat {
                let (argument, argumentHeight) = try expression(above: 0)
                arguments.append(argument)
                height = max(height, argumentHeight + 1)
            } while try accept(.comma)
        }
        try expect(.rightParen, "',' or ')' in the call of \(name)")
        guard height <= Self.maxDepth else { throw tooDeep(at: nameToken) }
        return (Expr(.call(name, arguments), at: nameToken.position), height)
    }

    /// The `.key` and `[index]` steps after a field's first name.
    private mutating func path(from root: String) throws(ConfigError) -> FieldPath {
        var steps: [FieldPath.Step] = []
        while true {
            if try accept(.dot) {
                guard case .identifier(let key) = current.kind else {
                    throw error(at: current, "expected a field name after '.', found \(current.found)")
                }
                _ = advance()
                steps.append(.key(key))
            } else if try accept(.leftBracket) {
                guard case .quantity(.number(let number)) = current.kind, number == number.rounded(), number < 1e9 else {
                    throw error(at: current, "expected an index such as [0] after '[', found \(current.found)")
                }
                _ = advance()
                steps.append(.index(Int(number)))
                try expect(.rightBracket, "']' after the index")
            } else {
                return FieldPath(root, steps)
            }
        }
    }

    mutating func accept(_ symbol: Token.Symbol) throws(ConfigError) -> Bool {
        guard current.kind == .symbol(symbol) else { return false }
        _ = advance()
        return true
    }

    mutating func expect(_ symbol: Token.Symbol, _ what: String) throws(ConfigError) {
        guard try accept(symbol) else { throw error(at: current, "expected \(what), found \(current.found)") }
    }
}
