/// Memory the compiled closures point into, owned by the program: the
/// cells (one Double per field slot, its number or NaN, then one register
/// per stateful call), the record's event time, and string literals.
final class ExprStorage {
    let cells: UnsafeMutablePointer<Double>
    let cellCount: Int
    /// The loaded record's event time in ms, or `noTime`.
    let clock: UnsafeMutablePointer<Int64>
    static let noTime = Int64.min
    private var literals: [UnsafeMutableRawBufferPointer] = []
    /// Compiled patterns, kept alive for the closures that use them.
    var regexes: [LinearRegex] = []
    /// What the program's `RegexMatchCache`s may hold together.
    let regexBudget = RegexCacheBudget()

    init(cellCount: Int) {
        self.cellCount = cellCount
        cells = .allocate(capacity: max(cellCount, 1))
        cells.initialize(repeating: .nan, count: max(cellCount, 1))
        clock = .allocate(capacity: 1)
        clock.initialize(to: Self.noTime)
    }

    deinit {
        cells.deallocate()
        clock.deallocate()
        for literal in literals { literal.deallocate() }
    }

    /// A copy of `text`'s UTF-8 bytes that lives as long as the program.
    func literal(_ text: String) -> UnsafeRawBufferPointer {
        let bytes = Array(text.utf8)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        buffer.copyBytes(from: bytes)
        literals.append(buffer)
        return UnsafeRawBufferPointer(start: buffer.baseAddress, count: bytes.count)
    }
}

/// One compiled entry: its stateful calls in source order, then the expression.
struct ExprCompiledEntry {
    var stateful: [ExprCall]
    var condition: () -> Bool
    var number: () -> Double
    /// Where each stateful call keeps its words, in source order (for `adoptState`).
    var calls: [ExprCallState]
}

/// A stateful call's words in its key table.
struct ExprCallState {
    let table: ExprKeyTable
    let offset: Int
    let count: Int
}

/// Compiles checked expressions to closures (see `ExprProgram`): numeric
/// nodes (`NumNode`), conditions (`BoolNode`), equality (`+Equality`) and
/// calls (`+Calls`). One compiler per program; `layout` already holds every
/// field path of every entry, so the cells are allocated before any closure.
struct ExprCompiler {
    let checker: ExprChecker
    let layout: ExprFieldLayout
    let slots: JSONSlots
    let storage: ExprStorage
    let maxKeys: Int
    var cells: UnsafeMutablePointer<Double> { storage.cells }
    var nextRegister: Int
    var tables: [ExprKeyTable] = []
    /// The entry being compiled: its stateful calls and their words.
    var stateful: [ExprCall] = []
    var calls: [ExprCallState] = []

    init(checker: ExprChecker, layout: ExprFieldLayout, registers: Int, maxKeys: Int) {
        self.checker = checker
        self.layout = layout
        self.maxKeys = maxKeys
        slots = JSONSlots(count: layout.count)
        storage = ExprStorage(cellCount: layout.count + registers)
        nextRegister = layout.count
    }

    func error(at expr: Expr, _ message: String) -> ConfigError { checker.error(at: expr, message) }

    func type(of expr: Expr) throws(ConfigError) -> ExprType { try checker.check(expr) }

    mutating func compile(_ entry: ExprEntry) throws(ConfigError) -> ExprCompiledEntry {
        let type = try checker.check(entry.expr)
        stateful = []
        calls = []
        let condition: () -> Bool, number: () -> Double
        switch entry.result {
        case .condition:
            guard type.isCondition else {
                throw error(at: entry.expr, "expected a condition (true or false), found \(type.phrase)")
            }
            let body = try self.condition(entry.expr).closure
            (condition, number) = (body, { body() ? 1 : 0 })
        case .number:
            guard type.isQuantity else {
                throw error(at: entry.expr, "expected a number, duration, size or rate, found \(type.phrase)")
            }
            let body = try numeric(entry.expr).closure(cells)
            (condition, number) = ({ let value = body(); return value < 0 || value > 0 }, body)
        }
        return ExprCompiledEntry(stateful: stateful, condition: condition, number: number, calls: calls)
    }

    /// A quantity literal in run-time units: ms, bytes, per second.
    static func value(of quantity: Quantity) -> Double {
        switch quantity {
        case .number(let number): number
        case .duration(let duration):
            Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        case .size(let size): Double(size.bytes)
        case .rate(let rate): rate.perSecond
        }
    }

    func slot(of path: FieldPath, at expr: Expr) throws(ConfigError) -> Int {
        guard let slot = layout.slot(of: path) else { throw error(at: expr, "internal error: no slot for '\(path)'") }
        return slot
    }

    /// `expr` as a number (NaN: missing).
    mutating func numeric(_ expr: Expr) throws(ConfigError) -> NumNode {
        switch expr.kind {
        case .quantity(let quantity): return .constant(Self.value(of: quantity))
        case .field(let path):
            let slot = try slot(of: path, at: expr)
            return .cell(slot)
        case .unary(.negate, let operand):
            switch try numeric(operand) {
            case .constant(let value): return .constant(-value)
            case let node:
                let body = node.closure(cells)
                return .closure { -body() }
            }
        case .binary(let op, let lhs, let rhs) where op.isArithmetic:
            let (left, right) = (try numeric(lhs), try numeric(rhs))
            return ExprNodeBuilder.arithmetic(op, left, right, cells)
        case .call(let name, let arguments):
            return try numericCall(name, arguments, at: expr)
        default:
            throw error(at: expr, "expected a number, found '\(expr)'")
        }
    }

    /// `expr` as a condition (a missing operand makes a comparison false).
    mutating func condition(_ expr: Expr) throws(ConfigError) -> BoolNode {
        switch expr.kind {
        case .bool(let value): return .constant(value)
        case .field(let path):
            let (slots, slot) = (self.slots, try slot(of: path, at: expr))
            return .closure { slots.isTrue(slot) }
        case .unary(.not, let operand): return ExprNodeBuilder.not(try condition(operand))
        case .binary(.and, let lhs, let rhs):
            let (left, right) = (try condition(lhs), try condition(rhs))
            return ExprNodeBuilder.and(left, right)
        case .binary(.or, let lhs, let rhs):
            let (left, right) = (try condition(lhs), try condition(rhs))
            return ExprNodeBuilder.or(left, right)
        case .binary(let op, let lhs, let rhs) where op == .equal || op == .notEqual:
            return try equality(op, lhs, rhs)
        case .binary(let op, let lhs, let rhs) where op.isComparison:
            let (left, right) = (try numeric(lhs), try numeric(rhs))
            return ExprNodeBuilder.compare(op, left, right, cells)
        case .call(let name, let arguments):
            return try conditionCall(name, arguments, at: expr)
        default:
            // A number where a condition goes (`hr + 1`, typed as a field) is
            // never JSON `true`; compiled anyway for its stateful calls.
            _ = try numeric(expr)
            return .constant(false)
        }
    }
}
