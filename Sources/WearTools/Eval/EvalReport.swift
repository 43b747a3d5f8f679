import WearCore

/// The result of `wear eval`: per attack type, how many instances were
/// injected, caught at each stage, recall and detection delay; and how
/// often each stage fired on clean records.
public struct EvalReport: Sendable {
    public struct Row: Sendable {
        public let attack: String
        /// Attack instances, and the records they altered or inserted.
        public let injected: Int
        public let records: Int
        /// Instances caught at each stage (nil: that stage's output was not given).
        public let caught: [Int?]
        public let caughtAnywhere: Int
        public let recordsCaught: Int
        /// Median detection delay in event time, ms, over caught instances (any stage / per stage).
        public let medianDelayMs: Int64?
        public let stageDelayMs: [Int64?]

        /// Caught instances / injected (nil when none were injected).
        public var recall: Double? { injected > 0 ? Double(caughtAnywhere) / Double(injected) : nil }
    }

    /// A false-positive rate: `count` of `total` clean records (or devices).
    /// `count` is nil when that stage's output was not given (not measured:
    /// "-" in the table, null in JSON); `total` nil when unknown.
    public struct Rate: Sendable {
        public let name: String
        public let key: String
        public let count: Int?
        public let total: Int?
        public var rate: Double? {
            guard let count, let total, total > 0 else { return nil }
            return Double(count) / Double(total)
        }
    }

    public let threshold: Double
    public let rows: [Row]
    public let total: Row
    public let falsePositives: [Rate]
    /// Clean-record details: filter drop reasons and tags on clean records.
    public let cleanDropReasons: [(String, Int)]
    public let cleanFlags: [(String, Int)]
    /// Lines eval could not tie to a device; rejects of other stages.
    public let unidentified: Int
    public let otherRejects: Int
    /// Receipts: all, digest posts, incidents still queued for a digest,
    /// and those naming no device eval could work out.
    public let receipts: Int
    public let digests: Int
    public let queued: Int
    public let unattributedReceipts: Int
    /// Why the numbers may not mean what they seem (labels from another run, ...).
    public var warnings: [String] = []

    /// With `--fail-under`: nil when total recall reaches `minimum`, else
    /// the failure (exit 1) saying by how much it fell short.
    public func recallVerdict(failUnder minimum: Double) -> StageFailure? {
        guard let recall = total.recall else {
            return StageFailure(status: .checkFailed, message: "total recall is undefined (the labels name no attacks): --fail-under \(Self.number(minimum)) cannot pass")
        }
        guard recall < minimum else { return nil }
        return StageFailure(status: .checkFailed, message: "total recall \(Self.number(recall)) (\(total.caughtAnywhere) of \(total.injected) attacks caught) is below --fail-under \(Self.number(minimum))")
    }

    /// A number for people and JSON: at most 6 decimals, no binary noise (0.8, not 0.80000000000000004).
    static func number(_ value: Double) -> String {
        let rounded = rounded(value)
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? "\(Int64(rounded))" : "\(rounded)"
    }

    static func rounded(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }

    static func median(_ values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
