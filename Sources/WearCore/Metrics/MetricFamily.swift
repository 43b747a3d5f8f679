/// One Prometheus metric family: name, help, type and samples.
///
/// Names start with `wear_`, counters end in `_total`, units are base units;
/// label values are bounded sets (stage, reason, rule), never device ids.
public struct MetricFamily: Sendable, Equatable {
    public enum Kind: String, Sendable { case counter, gauge, histogram }

    public struct Sample: Sendable, Equatable {
        public var labels: [(name: String, value: String)]
        public var value: Double
        /// Appended to the family's name: a histogram's `_bucket`, `_sum` and `_count`.
        public var suffix: String

        public init(labels: [(name: String, value: String)] = [], value: Double, suffix: String = "") {
            self.labels = labels
            self.value = value
            self.suffix = suffix
        }

        public static func == (lhs: Sample, rhs: Sample) -> Bool {
            lhs.value == rhs.value && lhs.suffix == rhs.suffix && lhs.labels.map(\.name) == rhs.labels.map(\.name)
                && lhs.labels.map(\.value) == rhs.labels.map(\.value)
        }
    }

    public let name: String
    public let help: String
    public let kind: Kind
    public var samples: [Sample]

    public init(name: String, help: String, kind: Kind, samples: [Sample]) {
        precondition(name.hasPrefix("wear_"), "metric names start with wear_: \(name)")
        precondition(kind != .counter || name.hasSuffix("_total"), "counter names end in _total: \(name)")
        self.name = name
        self.help = help
        self.kind = kind
        self.samples = samples
    }
}
