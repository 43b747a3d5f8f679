/// Function calls. Stateless ones become closures; a stateful one becomes a
/// closure appended to the entry's `stateful` list (run before the
/// expression, in source order, arguments' calls first) that writes its
/// result to a register cell, which the expression then reads.
extension ExprCompiler {
    mutating func numericCall(_ name: String, _ arguments: [Expr], at expr: Expr) throws(ConfigError) -> NumNode {
        guard let function = ExprFunction(rawValue: name) else { throw error(at: expr, "unknown function '\(name)'") }
        switch function {
        case .abs:
            switch try numeric(arguments[0]) {
            case .constant(let value): return .constant(value.magnitude)
            case let node:
                let body = node.closure(cells)
                return .closure { body().magnitude }
            }
        case .len: return try length(arguments[0])
        case .norm:
            guard case .field(let path) = arguments[0].kind else {
                _ = try numeric(arguments[0])
                return .constant(.nan)
            }
            let (slots, slot) = (self.slots, try slot(of: path, at: arguments[0]))
            return .closure { slots.norm(slot) }
        case .last, .max, .delta, .zscore, .rate:
            return .cell(try statefulCall(function, arguments, at: expr))
        case .bucket, .exists, .in, .match:
            throw error(at: expr, "expected a number, found the condition '\(expr)'")
        }
    }

    mutating func conditionCall(_ name: String, _ arguments: [Expr], at expr: Expr) throws(ConfigError) -> BoolNode {
        switch ExprFunction(rawValue: name) {
        case .exists:
            guard case .field(let path) = arguments[0].kind else { return .constant(false) }
            let (slots, slot) = (self.slots, try slot(of: path, at: arguments[0]))
            return .closure { slots.exists(slot) }
        case .in: return try contains(arguments)
        case .match: return try match(arguments)
        case .bucket:
            let (cells, register) = (self.cells, try statefulCall(.bucket, arguments, at: expr))
            return .closure { cells[register] == 1 }
        default:
            // A number where a condition goes is never JSON `true`.
            _ = try numericCall(name, arguments, at: expr)
            return .constant(false)
        }
    }

    /// `len(x)`: UTF-8 bytes of a string, elements of an array, else missing.
    private mutating func length(_ argument: Expr) throws(ConfigError) -> NumNode {
        switch argument.kind {
        case .string(let text): return .constant(Double(text.utf8.count))
        case .field(let path):
            let (slots, slot) = (self.slots, try slot(of: path, at: argument))
            return .closure { slots.length(slot) }
        default:
            _ = try numeric(argument)
            return .constant(.nan)
        }
    }

    /// `match(x, "re")`: RE2 search in the string x; false when x is not a
    /// string. For a field, through a `RegexMatchCache` of its own.
    private mutating func match(_ arguments: [Expr]) throws(ConfigError) -> BoolNode {
        guard case .string(let pattern) = arguments[1].kind else {
            throw error(at: arguments[1], "match takes its pattern as a string literal, found '\(arguments[1])'")
        }
        let regex: LinearRegex
        do {
            regex = try LinearRegex(pattern)
        } catch {
            throw self.error(at: arguments[1], "invalid regular expression \(Expr.quote(pattern)): \(error.message)")
        }
        storage.regexes.append(regex)
        switch arguments[0].kind {
        case .field(let path):
            let (slots, slot) = (self.slots, try slot(of: path, at: arguments[0]))
            // The field's values repeat (device ids): an exact memo of RE2's answers.
            let cache = RegexMatchCache(regex, budget: storage.regexBudget)
            return .closure { slots.stringBytes(slot).map { cache.matches($0) } ?? false }
        case .string(let text):
            let bytes = storage.literal(text)
            return .closure { regex.matches(bytes) }
        default:
            _ = try numeric(arguments[0])
            return .constant(false)
        }
    }

    /// Compiles a stateful call; returns the register its result goes to.
    mutating func statefulCall(_ function: ExprFunction, _ arguments: [Expr], at expr: Expr) throws(ConfigError) -> Int {
        let table = try keyTable(arguments[0], of: function)
        let initial = ExprStateful.initialWords(function)
        let offset = table.addCall(initial)
        let register = nextRegister
        nextRegister += 1
        let (cells, clock) = (self.cells, storage.clock)
        let call: () -> Void
        switch function {
        case .rate:
            let milliseconds = Self.value(of: try constant(arguments[1], at: expr))
            guard milliseconds >= 1 else {
                throw error(at: arguments[1], "rate takes a window of at least 1ms, found \(milliseconds)ms")
            }
            let window = Int64(milliseconds.rounded())
            call = {
                let (time, row) = (clock.pointee, table.row())
                cells[register] = time == ExprStorage.noTime || row < 0 ? .nan
                    : ExprStateful.rate(table.words(row) + offset, time: time, window: window)
            }
        case .bucket:
            let rate = Self.thousandths(Self.value(of: try constant(arguments[1], at: expr)))
            let burst = Self.thousandths(Self.value(of: try constant(arguments[2], at: expr)))
            call = {
                let time = clock.pointee
                guard time != ExprStorage.noTime else { cells[register] = .nan; return }
                let row = table.row()
                cells[register] = row < 0 ? .nan : ExprStateful.bucket(table.words(row) + offset, time: time, rate: rate, burst: burst)
            }
        default:
            call = Self.valueCall(function, try numeric(arguments[1]), table, offset, register, cells)
        }
        calls.append(ExprCallState(table: table, offset: offset, count: initial.count))
        stateful.append(ExprCall(run: call))
        return register
    }

    /// `last`, `max`, `delta`, `zscore`: one value per record.
    private static func valueCall(_ function: ExprFunction, _ value: NumNode, _ table: ExprKeyTable, _ offset: Int,
                                  _ register: Int, _ cells: UnsafeMutablePointer<Double>) -> () -> Void {
        // One closure per function, so each update inlines into its call.
        switch function {
        case .last:
            return {
                let row = table.row()
                cells[register] = row < 0 ? .nan : ExprStateful.last(table.words(row) + offset, value.value(cells))
            }
        case .max:
            return {
                let row = table.row()
                cells[register] = row < 0 ? .nan : ExprStateful.max(table.words(row) + offset, value.value(cells))
            }
        case .delta:
            return {
                let row = table.row()
                cells[register] = row < 0 ? .nan : ExprStateful.delta(table.words(row) + offset, value.value(cells))
            }
        default:
            return {
                let row = table.row()
                cells[register] = row < 0 ? .nan : ExprStateful.zscore(table.words(row) + offset, value.value(cells))
            }
        }
    }

    private static func thousandths(_ value: Double) -> Int64 {
        Int64(Swift.min(Swift.max((value * 1000).rounded(), 0), 1e15))
    }

    private func constant(_ argument: Expr, at expr: Expr) throws(ConfigError) -> Quantity {
        guard case .quantity(let quantity) = argument.kind else {
            throw error(at: argument, "expected a constant such as 10s, found '\(argument)'")
        }
        return quantity
    }

    /// The table of a key expression (one per canonical source text).
    private mutating func keyTable(_ key: Expr, of function: ExprFunction) throws(ConfigError) -> ExprKeyTable {
        if let inner = Self.firstStatefulCall(in: key) {
            throw error(at: inner, "the key of \(function.rawValue) cannot use a stateful function: use a field such as dev")
        }
        let text = key.description
        if let table = tables.first(where: { $0.text == text }) { return table }
        let source: ExprKeyTable.Source
        switch key.kind {
        case .field(let path):
            let slot = try slot(of: path, at: key)
            source = .slot(slot)
        case .string(let string): source = .literal(storage.literal(string))
        default: source = .number(try numeric(key))
        }
        let table = ExprKeyTable(text: text, source: source, maxKeys: maxKeys, slots: slots, cells: cells)
        tables.append(table)
        return table
    }

    static func firstStatefulCall(in expr: Expr) -> Expr? {
        switch expr.kind {
        case .quantity, .string, .bool, .field: return nil
        case .unary(_, let operand): return firstStatefulCall(in: operand)
        case .binary(_, let lhs, let rhs): return firstStatefulCall(in: lhs) ?? firstStatefulCall(in: rhs)
        case .call(let name, let arguments):
            if ExprFunction(rawValue: name)?.isStateful == true { return expr }
            for argument in arguments { if let inner = firstStatefulCall(in: argument) { return inner } }
            return nil
        }
    }
}
