extension Expr: CustomStringConvertible {
    /// The canonical form: every unary and binary node in parentheses,
    /// quantities in their shortest spelling, strings with escapes. It
    /// parses back to the same tree (positions aside); tests pin it.
    public var description: String {
        switch kind {
        case .quantity(let quantity): Self.describe(quantity)
        case .string(let text): Self.quote(text)
        case .bool(let value): value ? "true" : "false"
        case .field(let path): path.description
        case .unary(.negate, let operand): "(-\(operand))"
        case .unary(.not, let operand): "(not \(operand))"
        case .binary(let op, let lhs, let rhs): "(\(lhs) \(op.rawValue) \(rhs))"
        case .call(let name, let arguments): "\(name)(\(arguments.map(\.description).joined(separator: ", ")))"
        }
    }

    static func describe(_ quantity: Quantity) -> String {
        switch quantity {
        case .number(let number):
            number == number.rounded() && abs(number) < 1e15 ? "\(Int64(number))" : "\(number)"
        case .duration(let duration): duration.quantityDescription
        case .size(let size): size.description + (size.bytes % 1024 == 0 && size.bytes != 0 ? "" : "B")
        case .rate(let rate): rate.description
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
