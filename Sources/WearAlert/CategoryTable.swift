/// Which category an anomaly belongs to, from wear-score's `why` and
/// wear-filter's `flags` (docs/wear-alert.md, "Incidents"):
///
/// | evidence | category |
/// |---|---|
/// | any `stuck` test, feature `all` (every sensor stuck) | sensor |
/// | hr, spo2, temp (level, change); flag hr_extreme | physiology |
/// | acc_mag, gyro_mag, acc, gyro (level, change); flag shock | tamper |
/// | dt, sz; flags burst, flood, replay, gap, skew, clock_skew, out_of_order, oversize, size_dev | traffic |
/// | any other feature (a generic series: `--key host --feature cpu`) | `fallback` (sensor) |
///
/// A record's category is its strongest evidence's: the first `why` entry
/// (wear-score lists them strongest first), else the first flag the table
/// knows, else `fallback`. `--category NAME=CATEGORY` adds or overrides a
/// feature or flag name.
public struct CategoryTable: Sendable, Equatable {
    /// Feature names (level and change tests).
    public private(set) var features: [String: AlertCategory]
    /// wear-filter tag names.
    public private(set) var flags: [String: AlertCategory]
    /// For features the table does not know.
    public var fallback: AlertCategory

    public init(features: [String: AlertCategory], flags: [String: AlertCategory], fallback: AlertCategory) {
        self.features = features
        self.flags = flags
        self.fallback = fallback
    }

    /// The table above: wear-score's default features and the shipped rules' tags.
    public static let standard = CategoryTable(
        features: ["all": .sensor,
                   "hr": .physiology, "spo2": .physiology, "temp": .physiology,
                   "acc_mag": .tamper, "gyro_mag": .tamper, "acc": .tamper, "gyro": .tamper,
                   "dt": .traffic, "sz": .traffic],
        flags: ["hr_extreme": .physiology, "shock": .tamper,
                "burst": .traffic, "flood": .traffic, "replay": .traffic, "gap": .traffic, "skew": .traffic,
                "clock_skew": .traffic, "out_of_order": .traffic, "oversize": .traffic, "size_dev": .traffic],
        fallback: .sensor)

    /// The category of one `why` entry: `stuck` is always sensor.
    public func category(of item: WhyItem) -> AlertCategory {
        item.kind == .stuck ? .sensor : features[item.feature] ?? fallback
    }

    /// The category of a filter tag, if the table knows it.
    public func category(ofFlag flag: String) -> AlertCategory? { flags[flag] }

    /// A record's category: its strongest evidence's.
    public func category(why: [WhyItem], flags: [String]) -> AlertCategory {
        if let first = why.first { return category(of: first) }
        for flag in flags { if let category = self.flags[flag] { return category } }
        return fallback
    }

    /// Applies `--category NAME=CATEGORY` (a feature and a flag name alike).
    public mutating func apply(_ argument: String) throws(CategoryTableError) {
        let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let names = AlertCategory.allCases.map(\.rawValue).joined(separator: ", ")
        guard parts.count == 2, !parts[0].isEmpty else {
            throw CategoryTableError("--category \(argument): expected NAME=CATEGORY, e.g. cpu=traffic (categories: \(names))")
        }
        guard let category = AlertCategory(rawValue: String(parts[1])) else {
            throw CategoryTableError("--category \(argument): unknown category '\(parts[1])' (categories: \(names))")
        }
        features[String(parts[0])] = category
        flags[String(parts[0])] = category
    }

    /// A stable text of the table, for logs and tests.
    public var summary: String {
        AlertCategory.allCases.map { category in
            let names = (features.filter { $0.value == category }.map(\.key) + flags.filter { $0.value == category }.map(\.key))
            return "\(category.rawValue): " + Set(names).sorted().joined(separator: " ")
        }.joined(separator: "; ") + "; other features: \(fallback.rawValue)"
    }
}

/// A `--category` argument that is not NAME=CATEGORY.
public struct CategoryTableError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
