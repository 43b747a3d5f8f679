/// A compiled numeric expression. Missing is NaN: arithmetic propagates it
/// and every comparison with it is false (`!=` included, see `NotEqual`).
/// Constants and cells (a field's number, a stateful call's result) stay
/// visible to the builders, which pick a closure specialised for them.
enum NumNode {
    case constant(Double)
    /// `cells[index]`: a field slot read as a number, or a stateful call's register.
    case cell(Int)
    case closure(() -> Double)

    /// The node as one closure.
    func closure(_ cells: UnsafeMutablePointer<Double>) -> () -> Double {
        switch self {
        case .constant(let value): { value }
        case .cell(let index): { cells[index] }
        case .closure(let body): body
        }
    }

    /// Its value now (for stateful calls, which read one operand each).
    @inline(__always)
    func value(_ cells: UnsafeMutablePointer<Double>) -> Double {
        switch self {
        case .constant(let value): value
        case .cell(let index): cells[index]
        case .closure(let body): body()
        }
    }
}

/// A compiled condition; constants fold (stateful calls run apart, so
/// folding never skips one).
enum BoolNode {
    case constant(Bool)
    case closure(() -> Bool)

    var closure: () -> Bool {
        switch self {
        case .constant(let value): { value }
        case .closure(let body): body
        }
    }
}

/// An ordering or equality test on two numbers, false when either is missing (NaN).
protocol NumericComparison { static func holds(_ a: Double, _ b: Double) -> Bool }
enum Less: NumericComparison { @inline(__always) static func holds(_ a: Double, _ b: Double) -> Bool { a < b } }
enum LessEqual: NumericComparison { @inline(__always) static func holds(_ a: Double, _ b: Double) -> Bool { a <= b } }
enum Greater: NumericComparison { @inline(__always) static func holds(_ a: Double, _ b: Double) -> Bool { a > b } }
enum GreaterEqual: NumericComparison { @inline(__always) static func holds(_ a: Double, _ b: Double) -> Bool { a >= b } }
enum Equal: NumericComparison { @inline(__always) static func holds(_ a: Double, _ b: Double) -> Bool { a == b } }
/// IEEE `!=` is true for NaN; here a missing operand makes it false.
enum NotEqual: NumericComparison {
    @inline(__always) static func holds(_ a: Double, _ b: Double) -> Bool { a < b || a > b }
}

/// An arithmetic operator; `x / 0` and `x % 0` are missing.
protocol NumericOperation { static func apply(_ a: Double, _ b: Double) -> Double }
enum Add: NumericOperation { @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { a + b } }
enum Subtract: NumericOperation { @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { a - b } }
enum Multiply: NumericOperation { @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { a * b } }
enum Divide: NumericOperation {
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { b == 0 ? .nan : a / b }
}
enum Remainder: NumericOperation {
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { b == 0 ? .nan : a.truncatingRemainder(dividingBy: b) }
}

/// Builds the closures, specialised by operator (a generic parameter, so
/// each operator compiles to its own code) and by operand shape.
enum ExprNodeBuilder {
    static func compare(_ op: BinaryOperator, _ lhs: NumNode, _ rhs: NumNode,
                        _ cells: UnsafeMutablePointer<Double>) -> BoolNode {
        switch op {
        case .less: compare(Less.self, lhs, rhs, cells)
        case .lessEqual: compare(LessEqual.self, lhs, rhs, cells)
        case .greater: compare(Greater.self, lhs, rhs, cells)
        case .greaterEqual: compare(GreaterEqual.self, lhs, rhs, cells)
        case .equal: compare(Equal.self, lhs, rhs, cells)
        default: compare(NotEqual.self, lhs, rhs, cells)
        }
    }

    static func compare<C: NumericComparison>(_: C.Type, _ lhs: NumNode, _ rhs: NumNode,
                                              _ cells: UnsafeMutablePointer<Double>) -> BoolNode {
        switch (lhs, rhs) {
        case (.constant(let a), .constant(let b)): return .constant(C.holds(a, b))
        case (.cell(let a), .constant(let b)): return .closure { C.holds(cells[a], b) }
        case (.constant(let a), .cell(let b)): return .closure { C.holds(a, cells[b]) }
        case (.cell(let a), .cell(let b)): return .closure { C.holds(cells[a], cells[b]) }
        case (.closure(let a), .constant(let b)): return .closure { C.holds(a(), b) }
        case (.constant(let a), .closure(let b)): return .closure { C.holds(a, b()) }
        default:
            let (a, b) = (lhs.closure(cells), rhs.closure(cells))
            return .closure { C.holds(a(), b()) }
        }
    }

    static func arithmetic(_ op: BinaryOperator, _ lhs: NumNode, _ rhs: NumNode,
                           _ cells: UnsafeMutablePointer<Double>) -> NumNode {
        switch op {
        case .add: arithmetic(Add.self, lhs, rhs, cells)
        case .subtract: arithmetic(Subtract.self, lhs, rhs, cells)
        case .multiply: arithmetic(Multiply.self, lhs, rhs, cells)
        case .divide: arithmetic(Divide.self, lhs, rhs, cells)
        default: arithmetic(Remainder.self, lhs, rhs, cells)
        }
    }

    static func arithmetic<O: NumericOperation>(_: O.Type, _ lhs: NumNode, _ rhs: NumNode,
                                                _ cells: UnsafeMutablePointer<Double>) -> NumNode {
        switch (lhs, rhs) {
        case (.constant(let a), .constant(let b)): return .constant(O.apply(a, b))
        case (.cell(let a), .constant(let b)): return .closure { O.apply(cells[a], b) }
        case (.constant(let a), .cell(let b)): return .closure { O.apply(a, cells[b]) }
        case (.cell(let a), .cell(let b)): return .closure { O.apply(cells[a], cells[b]) }
        case (.closure(let a), .constant(let b)): return .closure { O.apply(a(), b) }
        default:
            let (a, b) = (lhs.closure(cells), rhs.closure(cells))
            return .closure { O.apply(a(), b()) }
        }
    }

    static func and(_ lhs: BoolNode, _ rhs: BoolNode) -> BoolNode {
        switch (lhs, rhs) {
        case (.constant(false), _), (_, .constant(false)): .constant(false)
        case (.constant(true), let other), (let other, .constant(true)): other
        case (.closure(let a), .closure(let b)): .closure { a() && b() }
        }
    }

    static func or(_ lhs: BoolNode, _ rhs: BoolNode) -> BoolNode {
        switch (lhs, rhs) {
        case (.constant(true), _), (_, .constant(true)): .constant(true)
        case (.constant(false), let other), (let other, .constant(false)): other
        case (.closure(let a), .closure(let b)): .closure { a() || b() }
        }
    }

    static func not(_ operand: BoolNode) -> BoolNode {
        switch operand {
        case .constant(let value): .constant(!value)
        case .closure(let body): .closure { !body() }
        }
    }
}
