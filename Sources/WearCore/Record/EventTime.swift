/// Event time as every stage reads it (DESIGN: `rx`, else `ts`, ms since
/// the epoch): a JSON integer, or a number rounded down, clamped to ±2^53
/// ms (285,000 years). The clamp is what lets stages do integer math on
/// times whatever a record says: a sum or difference of two times stays
/// within ±2^54, far inside Int64, and every time is exact as a Double.
public enum EventTime {
    public static let limit: Int64 = 1 << 53

    /// The time `value` holds, or nil when it is not a number.
    @inline(__always)
    public static func milliseconds(_ value: JSONValue) -> Int64? {
        if let integer = value.int64 { return min(max(integer, -limit), limit) }
        guard let number = value.double, !number.isNaN else { return nil }
        return Int64(min(max(number.rounded(.down), -Double(limit)), Double(limit)))
    }
}
