/// How bad an anomaly is, from the strongest equivalent z in its `why`
/// (wear-score: the normal z with the same probability, whatever the test):
///
/// | strongest z | severity |
/// |---|---|
/// | below 5, or no `why` (flags only) | low |
/// | 5 to 7 | medium |
/// | 7 to 10 | high |
/// | 10 and more | critical |
///
/// At the default threshold (score 0.9999) the weakest alerting records
/// have z about 4 to 4.5 (Šidák over the device's tests), so low is "just
/// over the threshold"; z 10 has a probability below 10⁻²² on clean data.
public enum SeverityScale {
    public static let medium = 5.0
    public static let high = 7.0
    public static let critical = 10.0

    /// The severity of a record whose strongest `why` entry has `z` (nil: none).
    public static func severity(z: Double?) -> PostSeverity {
        guard let z = z.map(abs), z.isFinite || z == .infinity else { return .low }
        if z >= critical { return .critical }
        if z >= high { return .high }
        if z >= medium { return .medium }
        return .low
    }
}

extension PostSeverity: Comparable {
    public static func < (a: Self, b: Self) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}
