/// The function table: every function the language knows, its arity and
/// what its arguments must be. Stateful functions take a key first (`dev`)
/// and keep state per key; their window, rate and burst are constants so
/// the state per key has a fixed size.
public enum ExprFunction: String, Sendable, CaseIterable {
    case abs, len, exists, norm, `in`, match
    case last, max, rate, bucket, zscore, delta

    /// The least and most arguments (`in` takes a value and one or more candidates).
    public var arity: ClosedRange<Int> {
        switch self {
        case .abs, .len, .exists, .norm: 1...1
        case .in: 2...Int.max
        case .match, .last, .max, .rate, .zscore, .delta: 2...2
        case .bucket: 3...3
        }
    }

    /// Keeps state per key between records.
    public var isStateful: Bool {
        switch self {
        case .last, .max, .rate, .bucket, .zscore, .delta: true
        case .abs, .len, .exists, .norm, .in, .match: false
        }
    }

    /// `abs takes 1 argument`, `in takes at least 2 arguments`.
    var arityPhrase: String {
        let count = arity.lowerBound
        let noun = count == 1 ? "argument" : "arguments"
        return arity.upperBound == Int.max ? "\(rawValue) takes at least \(count) \(noun)" : "\(rawValue) takes \(count) \(noun)"
    }

    static let names = allCases.map(\.rawValue).joined(separator: ", ")
}

extension ExprChecker {
    /// The type of a call, after its name, arity and arguments are checked.
    func call(_ name: String, _ arguments: [Expr], at expr: Expr) throws(ConfigError) -> ExprType {
        guard let function = ExprFunction(rawValue: name) else {
            throw error(at: expr, "unknown function '\(name)': use \(ExprFunction.names)")
        }
        guard function.arity.contains(arguments.count) else {
            throw error(at: expr, "\(function.arityPhrase), found \(arguments.count)")
        }
        var types: [ExprType] = []
        for argument in arguments { types.append(try check(argument)) }
        if function.isStateful { try key(arguments[0], types[0], of: name) }
        switch function {
        case .abs, .last, .max, .delta:
            try quantity(arguments.last ?? expr, types[types.count - 1], for: name)
            return types[types.count - 1]
        case .zscore:
            try quantity(arguments[1], types[1], for: name)
            return .number
        case .len:
            try expect(arguments[0], types[0], in: [.string, .vector, .field], "\(name) takes a string or a vector")
            return .number
        case .norm:
            try expect(arguments[0], types[0], in: [.vector, .field], "norm takes a vector such as acc")
            return .number
        case .exists:
            guard case .field = arguments[0].kind else {
                throw error(at: arguments[0], "exists takes a field such as meta.src, found '\(arguments[0])'")
            }
            return .bool
        case .in:
            for (argument, type) in zip(arguments.dropFirst(), types.dropFirst()) where type != types[0] && type != .field && types[0] != .field {
                throw error(at: argument, "in compares \(types[0].phrase) with \(type.phrase)")
            }
            return .bool
        case .match:
            try expect(arguments[0], types[0], in: [.string, .field], "match takes a string")
            guard case .string = arguments[1].kind else {
                throw error(at: arguments[1], "match takes its pattern as a string literal, found '\(arguments[1])'")
            }
            return .bool
        case .rate:
            try constant(arguments[1], .duration, "rate takes its window as a duration such as 10s")
            return .rate
        case .bucket:
            try constant(arguments[1], .rate, "bucket takes its rate as a rate such as 5/s")
            try constant(arguments[2], .number, "bucket takes its burst as a number such as 20")
            return .bool
        }
    }

    private func key(_ argument: Expr, _ type: ExprType, of name: String) throws(ConfigError) {
        try expect(argument, type, in: [.field, .string, .number], "\(name) takes a key such as dev first")
    }

    private func expect(_ argument: Expr, _ type: ExprType, in allowed: Set<ExprType>, _ what: String) throws(ConfigError) {
        guard allowed.contains(type) else { throw error(at: argument, "\(what), found \(type.phrase)") }
    }

    /// A literal of `type`, written in the rule (state per key is sized by it).
    private func constant(_ argument: Expr, _ type: ExprType, _ what: String) throws(ConfigError) {
        guard case .quantity = argument.kind, (try? check(argument)) == type else {
            throw error(at: argument, "\(what), found '\(argument)'")
        }
    }
}
