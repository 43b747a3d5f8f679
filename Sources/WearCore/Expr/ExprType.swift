/// The type an expression has at load time. `.field` is a record field
/// whose JSON type is only known per record: the checker lets it stand for
/// any scalar, and at run time a missing or mistyped field makes the
/// comparison that reads it false (never an error).
public enum ExprType: String, Sendable, CaseIterable {
    case number, duration, size, rate, string, bool, vector, field

    /// For messages: "a number", "an unknown field".
    public var phrase: String {
        switch self {
        case .field: "a field"
        default: "a \(rawValue)"
        }
    }

    /// Takes part in arithmetic and ordering.
    var isQuantity: Bool {
        switch self {
        case .number, .duration, .size, .rate, .field: true
        case .string, .bool, .vector: false
        }
    }

    /// Stands where a condition is expected (a field: true only when it is JSON `true`).
    var isCondition: Bool { self == .bool || self == .field }
}
