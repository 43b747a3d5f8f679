/// A number with an optional unit, as an operator writes it on a command
/// line or in a rule: `42`, `1.5`, `500ms`, `30s`, `5m`, `2h`, `1d`, `4096B`,
/// `4KiB`, `1MiB`, `1GB`, `5/s`, `100/24h`.
///
/// `QuantityScanner` reads one from text; the typed parsers
/// (`Duration(parsing:)`, `ByteSize(parsing:)`, `Rate(parsing:)`) build on it.
public enum Quantity: Equatable, Sendable {
    /// A plain number (no unit).
    case number(Double)
    case duration(Duration)
    case size(ByteSize)
    case rate(Rate)

    /// What kind of quantity this is, for messages: "a duration", "a size", ...
    public var kind: String {
        switch self {
        case .number: "a number"
        case .duration: "a duration"
        case .size: "a size"
        case .rate: "a rate"
        }
    }
}

/// The units a quantity may carry, each with its scale.
enum QuantityUnit {
    /// Duration units, in nanoseconds.
    static let durations: [(name: String, nanoseconds: Int64)] = [
        ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000),
        ("h", 3_600_000_000_000), ("d", 86_400_000_000_000),
    ]
    /// Size units, in bytes: binary (KiB) and decimal (KB).
    static let sizes: [(name: String, bytes: Int64)] = [
        ("B", 1), ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
    ]

    static let durationList = "ms, s, m, h or d"
    static let sizeList = "B, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000)"

    static func duration(named name: Substring) -> Int64? {
        durations.first { $0.name == name }?.nanoseconds
    }

    static func size(named name: Substring) -> Int64? {
        sizes.first { $0.name == name }?.bytes
    }

    /// The longest duration a quantity may hold: 100 years (fits in Int64 nanoseconds).
    static let maxNanoseconds: Double = 36_500 * 86_400e9
    /// The largest size: 1 EiB.
    static let maxBytes: Double = Double(1 << 60)
}
