import Foundation
import WearCore

/// What the stages' metrics files said at one moment: their samples (each
/// labelled with its stage) and how long ago each file was written.
public struct PipelineSnapshot: Sendable {
    /// Wall time of the reading, seconds since the epoch.
    public var time: Double
    public var samples: [MetricSample]
    /// Seconds since each stage's file was last replaced, by stage.
    public var fileAges: [String: Double]
    /// Files that could not be read or held lines that are not samples (names, not contents).
    public var problems: [String]

    public init(time: Double, samples: [MetricSample], fileAges: [String: Double] = [:], problems: [String] = []) {
        self.time = time
        self.samples = samples
        self.fileAges = fileAges
        self.problems = problems
    }

    /// Reads `paths` (Prometheus text files) at `time`.
    public static func read(_ paths: [String], at time: Double) -> PipelineSnapshot {
        var snapshot = PipelineSnapshot(time: time, samples: [])
        for path in paths {
            let name = (path as NSString).lastPathComponent
            guard let data = FileManager.default.contents(atPath: path) else {
                snapshot.problems.append("\(name): cannot read")
                continue
            }
            let parsed = MetricsText.parse(String(decoding: data, as: UTF8.self))
            if parsed.malformed > 0 { snapshot.problems.append("\(name): \(parsed.malformed) lines that are not samples") }
            snapshot.samples += parsed.samples
            let stage = parsed.samples.lazy.compactMap { $0["stage"] }.first ?? name
            if let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date {
                snapshot.fileAges[stage] = max(0, time - modified.timeIntervalSince1970)
            }
        }
        return snapshot
    }

    /// The sum of the samples named `name` whose labels include `labels`; nil when there is none.
    public func sum(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        var total: Double?
        for sample in samples where sample.name == name && labels.allSatisfy({ sample.labels[$0.key] == $0.value }) {
            total = (total ?? 0) + sample.value
        }
        return total
    }

    /// The sums of `name` grouped by one label's values.
    public func sums(_ name: String, by label: String, _ labels: [String: String] = [:]) -> [String: Double] {
        var groups: [String: Double] = [:]
        for sample in samples where sample.name == name && labels.allSatisfy({ sample.labels[$0.key] == $0.value }) {
            guard let value = sample.labels[label] else { continue }
            groups[value, default: 0] += sample.value
        }
        return groups
    }

    /// The stages present, in pipeline order (unknown ones after, sorted).
    public var stages: [String] {
        let present = Set(samples.compactMap { $0["stage"] })
        let order = ["wear-decrypt", "wear-filter", "wear-score", "wear-alert"]
        return order.filter(present.contains) + present.subtracting(order).sorted()
    }
}
