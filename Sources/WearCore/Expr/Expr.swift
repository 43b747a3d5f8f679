/// The expression language shared by wear-filter rules and wear-score
/// features: `ExprLexer` (tokens with line:col) -> `ExprParser` (this AST,
/// precedence climbing, nesting bounded by `ExprParser.maxDepth`) ->
/// `ExprChecker` (load-time types, the function table in `ExprFunction`).
///
/// Then `ExprProgram` compiles checked expressions to closures over field
/// slots (each distinct path read once per record, stateful calls in
/// bounded per-key maps); its doc comment says how evaluation works.

/// An expression node with the position of the token that names it: the
/// operator for unary and binary nodes, the function name for calls, the
/// first token otherwise.
public struct Expr: Equatable, Sendable {
    public indirect enum Kind: Equatable, Sendable {
        /// `42`, `30s`, `4KiB`, `5/s`.
        case quantity(Quantity)
        case string(String)
        case bool(Bool)
        /// A record field: `hr`, `meta.src`, `acc[2]`.
        case field(FieldPath)
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        /// A function call; the name is checked against `ExprFunction`.
        case call(String, [Expr])
    }

    public let kind: Kind
    public let position: SourcePosition

    public init(_ kind: Kind, at position: SourcePosition) {
        self.kind = kind
        self.position = position
    }
}

/// A path into a record: a top-level name, then `.name` and `[index]` steps.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    public enum Step: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public let root: String
    public let steps: [Step]

    public init(_ root: String, _ steps: [Step] = []) {
        self.root = root
        self.steps = steps
    }

    public var description: String {
        steps.reduce(root) { text, step in
            switch step {
            case .key(let key): text + "." + key
            case .index(let index): text + "[\(index)]"
            }
        }
    }
}

public enum UnaryOperator: String, Sendable {
    case negate = "-"
    case not
}

public enum BinaryOperator: String, Sendable, CaseIterable {
    case or, and
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"

    /// Binding strength: higher binds tighter (`or` 1 ... `*` 5).
    public var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual: 3
        case .add, .subtract: 4
        case .multiply, .divide, .remainder: 5
        }
    }

    public var isComparison: Bool { precedence == 3 }
    public var isArithmetic: Bool { precedence >= 4 }
}
