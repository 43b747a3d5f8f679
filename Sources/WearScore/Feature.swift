import WearCore

/// One feature wear-score tracks per device: a numeric field or an
/// expression of the rule language (`acc_mag=norm(acc)`), or `dt`, the
/// seconds since the device's previous record in event time.
public struct Feature: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// An expression (a field name is one), compiled with the rule language.
        case expression(String)
        /// Seconds since the device's previous record (event time: rx, else ts).
        case interArrival
    }

    public let name: String
    public let source: Source
    /// Whether the stuck-sensor test applies (not to traffic features, which repeat by nature).
    public var stuck: Bool

    public init(name: String, source: Source, stuck: Bool = true) {
        self.name = name
        self.source = source
        self.stuck = stuck
    }

    /// The most features a device can have: one SIMD8 lane each.
    public static let maxCount = 8

    /// The defaults, for the telemetry of DESIGN.md: body sensors with every
    /// test, the traffic features (inter-arrival time, payload size) without
    /// the stuck test.
    public static let telemetry: [Feature] = [
        Feature(name: "hr", source: .expression("hr")),
        Feature(name: "spo2", source: .expression("spo2")),
        Feature(name: "temp", source: .expression("temp")),
        Feature(name: "acc_mag", source: .expression("norm(acc)")),
        Feature(name: "gyro_mag", source: .expression("norm(gyro)")),
        Feature(name: "dt", source: .interArrival, stuck: false),
        Feature(name: "sz", source: .expression("sz"), stuck: false),
    ]

    /// Parses `--feature NAME` or `--feature NAME=EXPR`. `dt` alone is the
    /// inter-arrival time; any other bare NAME is the field of that name.
    public init(argument: String) throws(FeatureError) {
        let (name, expression): (Substring, Substring?)
        if let equals = argument.firstIndex(of: "=") {
            (name, expression) = (argument[..<equals], argument[argument.index(after: equals)...])
        } else {
            (name, expression) = (Substring(argument), nil)
        }
        guard Self.isValidName(name) else {
            throw FeatureError("--feature '\(argument)': a feature name is 1 to 32 letters, digits or '_', not starting with a digit")
        }
        if let expression {
            guard !expression.allSatisfy(\.isWhitespace) else {
                throw FeatureError("--feature '\(argument)': expected an expression after '='")
            }
            self.init(name: String(name), source: .expression(String(expression)))
        } else {
            self.init(name: String(name), source: name == "dt" ? .interArrival : .expression(String(name)), stuck: name != "dt")
        }
    }

    static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 32, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }

    /// Checks a feature list: 1 to 8 features, distinct names.
    public static func validate(_ features: [Feature]) throws(FeatureError) {
        guard !features.isEmpty, features.count <= maxCount else {
            throw FeatureError("wear-score takes 1 to \(maxCount) features (one SIMD lane each), found \(features.count)")
        }
        var seen: Set<String> = []
        for feature in features where !seen.insert(feature.name).inserted {
            throw FeatureError("--feature '\(feature.name)' is given twice")
        }
    }
}

/// A `--feature` argument or list that cannot be used (exit 64).
public struct FeatureError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
