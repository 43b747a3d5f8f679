extension QuantityScanner {
    /// The whole of `text` as one kind of quantity, with messages that say
    /// what that kind looks like: `expected` is a phrase with examples ("a
    /// duration such as 90s, 10m or 2h"), `units` the units it takes.
    /// A plain number is accepted only when `bare` turns it into a value.
    static func parse<Value>(_ text: some StringProtocol, expected: String, units: String, example unit: String = "",
                             bare: (Double) -> Value? = { _ in nil },
                             extract: (Quantity) -> Value?) throws(QuantityError) -> Value {
        let quantity: Quantity
        do {
            quantity = try parse(text)
        } catch where error.problem == .expectedNumber {
            let found = text.isEmpty ? "nothing" : "'\(text)'"
            throw QuantityError(.expectedNumber, offset: 0, message: "expected \(expected), found \(found)")
        } catch where error.problem == .unknownUnit {
            let unit = text.utf8.dropFirst(error.offset)
            throw QuantityError(.unknownUnit, offset: error.offset, message: "unknown unit '\(String(decoding: unit, as: UTF8.self))' in '\(text)': use \(units)")
        } catch {
            throw error
        }
        if let value = extract(quantity) { return value }
        if case .number(let number) = quantity {
            if let value = bare(number) { return value }
            throw QuantityError(.unknownUnit, offset: text.utf8.count, message: "'\(text)' needs a unit: \(units) (e.g. \(text)\(unit))")
        }
        throw QuantityError(.unknownUnit, offset: 0, message: "expected \(expected), found \(quantity.kind) '\(text)'")
    }
}

extension Duration {
    /// A duration written as `500ms`, `30s`, `1.5m`, `2h` or `1d`; a bare number is an error.
    public init(parsing text: some StringProtocol) throws(QuantityError) {
        self = try QuantityScanner.parse(text, expected: "a duration such as 90s, 10m or 2h",
                                         units: QuantityUnit.durationList, example: "s") { quantity in
            if case .duration(let duration) = quantity { return duration }
            return nil
        }
    }

    /// The shortest exact spelling the parser reads back: `10s`, `5m`, `500ms`, `1.5s`.
    public var quantityDescription: String {
        let (seconds, attoseconds) = components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        // Days only from two on: "24h" reads better than "1d" in a budget (17/24h).
        for (name, scale) in QuantityUnit.durations.reversed() where nanoseconds % scale == 0 {
            if name == "d", nanoseconds < 2 * scale { continue }
            return "\(nanoseconds / scale)\(name)"
        }
        return "\(Double(nanoseconds) / 1e6)ms"
    }
}
