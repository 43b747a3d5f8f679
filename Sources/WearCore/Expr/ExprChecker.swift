/// Checks an `Expr` at load time and says its `ExprType`: operands that can
/// never fit (a duration compared with a string, `not 5`, an unknown
/// function, a wrong arity) are `ConfigError`s at the offending token.
///
/// Fields are `.field` (dynamic) unless `knownFields` declares the type of
/// a top-level name (wear-score declares `acc` a `.vector`). Arithmetic
/// with a field gives a field; a comparison with a field gives a bool.
public struct ExprChecker: Sendable {
    public let file: String
    public let knownFields: [String: ExprType]

    public init(file: String, knownFields: [String: ExprType] = [:]) {
        self.file = file
        self.knownFields = knownFields
    }

    /// The type of `expr`, or the first error in source order.
    public func check(_ expr: Expr) throws(ConfigError) -> ExprType {
        switch expr.kind {
        case .quantity(.number): return .number
        case .quantity(.duration): return .duration
        case .quantity(.size): return .size
        case .quantity(.rate): return .rate
        case .string: return .string
        case .bool: return .bool
        case .field(let path): return path.steps.isEmpty ? knownFields[path.root] ?? .field : .field
        case .unary(let op, let operand): return try unary(op, operand, at: expr)
        case .binary(let op, let lhs, let rhs):
            let (left, right) = (try check(lhs), try check(rhs))
            if op == .and || op == .or {
                try condition(lhs, left, for: op.rawValue)
                try condition(rhs, right, for: op.rawValue)
                return .bool
            }
            if op.isComparison { return try compare(op, left, right, lhs, rhs, at: expr) }
            return try arithmetic(op, left, right, lhs, rhs, at: expr)
        case .call(let name, let arguments): return try call(name, arguments, at: expr)
        }
    }

    func error(at expr: Expr, _ message: String) -> ConfigError {
        ConfigError(file: file, line: expr.position.line, column: expr.position.column, message: message)
    }

    func condition(_ expr: Expr, _ type: ExprType, for what: String) throws(ConfigError) {
        guard type.isCondition else {
            throw error(at: expr, "'\(what)' takes a condition (true or false), found \(type.phrase)")
        }
    }

    func quantity(_ expr: Expr, _ type: ExprType, for what: String) throws(ConfigError) {
        guard type.isQuantity else {
            throw error(at: expr, "'\(what)' takes a number, duration, size or rate, found \(type.phrase)")
        }
    }

    private func unary(_ op: UnaryOperator, _ operand: Expr, at expr: Expr) throws(ConfigError) -> ExprType {
        let type = try check(operand)
        switch op {
        case .not:
            try condition(operand, type, for: "not")
            return .bool
        case .negate:
            try quantity(operand, type, for: "-")
            return type
        }
    }

    private func compare(_ op: BinaryOperator, _ left: ExprType, _ right: ExprType,
                         _ lhs: Expr, _ rhs: Expr, at expr: Expr) throws(ConfigError) -> ExprType {
        let ordering = op != .equal && op != .notEqual
        if ordering {
            try quantity(lhs, left, for: op.rawValue)
            try quantity(rhs, right, for: op.rawValue)
        }
        guard left == right || left == .field || right == .field else {
            throw error(at: expr, "cannot compare \(left.phrase) with \(right.phrase)")
        }
        return .bool
    }

    private func arithmetic(_ op: BinaryOperator, _ left: ExprType, _ right: ExprType,
                            _ lhs: Expr, _ rhs: Expr, at expr: Expr) throws(ConfigError) -> ExprType {
        try quantity(lhs, left, for: op.rawValue)
        try quantity(rhs, right, for: op.rawValue)
        if left == .field || right == .field { return .field }
        switch op {
        case .multiply where left == .number: return right
        case .multiply where right == .number: return left
        case .divide where right == .number: return left
        case .divide where left == right: return .number
        // A `where` binds only its own pattern, so each operator gets one.
        case .add where left == right, .subtract where left == right, .remainder where left == right: return left
        default: throw error(at: expr, "cannot apply '\(op.rawValue)' to \(left.phrase) and \(right.phrase)")
        }
    }
}
