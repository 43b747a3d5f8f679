import Glibc

/// `==`, `!=` and `in`: numbers numerically, strings bytewise, bools as
/// bools; a number never equals a string. A side whose static type is known
/// reads the other side (a field) as that type: a field of another JSON
/// type is missing, and both `==` and `!=` are false. Two fields compare
/// by their JSON types: equal types compare values; different types, null,
/// arrays and objects make both `==` and `!=` false (docs/rules.md: "both
/// false unless both sides are present and of the same type").
extension ExprCompiler {
    /// One side of an equality, compiled once (`in` compares it with each candidate).
    enum Operand {
        case number(NumNode)
        case string(StringSide)
        /// 0 false, 1 true, 2 missing.
        case bool(() -> UInt8)
        /// A field path whose JSON type decides per record.
        case dynamic(Int)
        /// Never equal to anything, never unequal (vectors, numbers against strings).
        case never
    }

    enum StringSide {
        case literal(UnsafeRawBufferPointer)
        case slot(Int)

        @inline(__always)
        func bytes(_ slots: JSONSlots) -> UnsafeRawBufferPointer? {
            switch self {
            case .literal(let bytes): bytes
            case .slot(let slot): slots.stringBytes(slot)
            }
        }
    }

    mutating func equality(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr) throws(ConfigError) -> BoolNode {
        let (left, right) = (try operand(lhs), try operand(rhs))
        return equality(op == .equal, left, right)
    }

    mutating func operand(_ expr: Expr) throws(ConfigError) -> Operand {
        switch try type(of: expr) {
        case .number, .duration, .size, .rate: return .number(try numeric(expr))
        case .string:
            if case .string(let text) = expr.kind { return .string(.literal(storage.literal(text))) }
            throw error(at: expr, "expected a string, found '\(expr)'")
        case .bool:
            if case .call("bucket", let arguments) = expr.kind {
                let (cells, register) = (self.cells, try statefulCall(.bucket, arguments, at: expr))
                return .bool { let value = cells[register]; return value.isNaN ? 2 : value == 1 ? 1 : 0 }
            }
            let body = try condition(expr).closure
            return .bool { body() ? 1 : 0 }
        case .vector:
            _ = try condition(expr)
            return .never
        case .field:
            guard case .field(let path) = expr.kind else { return .number(try numeric(expr)) }
            let slot = try slot(of: path, at: expr)
            return .dynamic(slot)
        }
    }

    func equality(_ equal: Bool, _ left: Operand, _ right: Operand) -> BoolNode {
        let (slots, cells) = (self.slots, self.cells)
        switch (left, right) {
        case (.never, _), (_, .never): return .constant(false)
        case (.number(let a), .number), (.number(let a), .dynamic):
            return ExprNodeBuilder.compare(equal ? .equal : .notEqual, a, Self.number(right), cells)
        case (.dynamic(let a), .number(let b)):
            return ExprNodeBuilder.compare(equal ? .equal : .notEqual, .cell(a), b, cells)
        case (.dynamic(let a), .dynamic(let b)):
            return .closure {
                guard let same = Self.dynamicEqual(slots, cells, a, b) else { return false }
                return same == equal
            }
        case (.string(let a), .string(let b)): return Self.strings(equal, a, b, slots)
        case (.string(let a), .dynamic(let b)): return Self.strings(equal, a, .slot(b), slots)
        case (.dynamic(let a), .string(let b)): return Self.strings(equal, .slot(a), b, slots)
        case (.bool(let a), .bool(let b)): return Self.bools(equal, a, b)
        case (.bool(let a), .dynamic(let b)): return Self.bools(equal, a, Self.jsonBool(slots, b))
        case (.dynamic(let a), .bool(let b)): return Self.bools(equal, Self.jsonBool(slots, a), b)
        default: return .constant(false)
        }
    }

    private static func number(_ operand: Operand) -> NumNode {
        switch operand {
        case .number(let node): node
        case .dynamic(let slot): .cell(slot)
        default: .constant(.nan)
        }
    }

    private static func strings(_ equal: Bool, _ a: StringSide, _ b: StringSide, _ slots: JSONSlots) -> BoolNode {
        .closure {
            guard let x = a.bytes(slots), let y = b.bytes(slots) else { return false }
            let same = x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            return same == equal
        }
    }

    private static func bools(_ equal: Bool, _ a: @escaping () -> UInt8, _ b: @escaping () -> UInt8) -> BoolNode {
        .closure {
            let (x, y) = (a(), b())
            guard x != 2, y != 2 else { return false }
            return (x == y) == equal
        }
    }

    private static func jsonBool(_ slots: JSONSlots, _ slot: Int) -> () -> UInt8 {
        { slots[slot].bool.map { $0 ? 1 : 0 } ?? 2 }
    }

    /// Two fields by their JSON types: nil (neither equal nor unequal) when
    /// either is missing (null, absent, an array or object) or their types differ.
    static func dynamicEqual(_ slots: JSONSlots, _ cells: UnsafeMutablePointer<Double>, _ a: Int, _ b: Int) -> Bool? {
        let (x, y) = (slots[a], slots[b])
        switch (x.kind, y.kind) {
        case (.null, _), (_, .null), (.array, _), (_, .array), (.object, _), (_, .object): return nil
        case (.bool, .bool): return x.bool == y.bool
        case (.string, .string):
            guard let p = x.stringBytes, let q = y.stringBytes else { return nil }
            return p.count == q.count && (p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0)
        case (.string, _), (_, .string), (.bool, _), (_, .bool): return nil
        default: return cells[a] == cells[b]
        }
    }

    /// `in(x, a, b, ...)`: x == any candidate; x is compiled once.
    mutating func contains(_ arguments: [Expr]) throws(ConfigError) -> BoolNode {
        let value = try operand(arguments[0])
        var result = BoolNode.constant(false)
        for candidate in arguments.dropFirst() {
            result = ExprNodeBuilder.or(result, equality(true, value, try operand(candidate)))
        }
        return result
    }
}
