import Synchronization
import WearCore

/// One shard's counters, written by its worker (relaxed, single writer),
/// read by the runner thread for metrics.
public final class ScoreTally: Sendable {
    /// Upper bounds of the score histogram's buckets (and +Inf).
    public static let bounds: [Double] = [0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999]

    let devices = Atomic<Int>(0)
    let evictions = Atomic<Int>(0)
    let warming = Atomic<Int>(0)
    let scored = Atomic<Int>(0)
    let sum = Atomic<UInt64>(0) // bit pattern of a Double, single writer
    let b0 = Atomic<Int>(0), b1 = Atomic<Int>(0), b2 = Atomic<Int>(0)
    let b3 = Atomic<Int>(0), b4 = Atomic<Int>(0), b5 = Atomic<Int>(0)

    public init() {}

    @inline(__always)
    func record(score: Double) {
        scored.add(1, ordering: .relaxed)
        sum.store((Double(bitPattern: sum.load(ordering: .relaxed)) + score).bitPattern, ordering: .relaxed)
        // Cumulative buckets are summed when read; count the first bucket that holds the score.
        if score <= 0.5 { b0.add(1, ordering: .relaxed) }
        else if score <= 0.9 { b1.add(1, ordering: .relaxed) }
        else if score <= 0.99 { b2.add(1, ordering: .relaxed) }
        else if score <= 0.999 { b3.add(1, ordering: .relaxed) }
        else if score <= 0.9999 { b4.add(1, ordering: .relaxed) }
        else if score <= 0.99999 { b5.add(1, ordering: .relaxed) }
    }

    var buckets: [Int] {
        [b0.load(ordering: .relaxed), b1.load(ordering: .relaxed), b2.load(ordering: .relaxed),
         b3.load(ordering: .relaxed), b4.load(ordering: .relaxed), b5.load(ordering: .relaxed)]
    }

    /// wear-score's own metrics, summed over the shards' tallies.
    public static func metrics(_ tallies: [ScoreTally]) -> [MetricFamily] {
        let stage = [(name: "stage", value: ScoreShard.name)]
        func total(_ counter: (ScoreTally) -> Int) -> Double { Double(tallies.reduce(0) { $0 + counter($1) }) }
        let scored = total { $0.scored.load(ordering: .relaxed) }
        var cumulative = 0
        var samples: [MetricFamily.Sample] = []
        for (index, bound) in bounds.enumerated() {
            cumulative += tallies.reduce(0) { $0 + $1.buckets[index] }
            samples.append(.init(labels: stage + [(name: "le", value: String(bound))], value: Double(cumulative), suffix: "_bucket"))
        }
        samples.append(.init(labels: stage + [(name: "le", value: "+Inf")], value: scored, suffix: "_bucket"))
        samples.append(.init(labels: stage, value: tallies.reduce(0) { $0 + Double(bitPattern: $1.sum.load(ordering: .relaxed)) },
                             suffix: "_sum"))
        samples.append(.init(labels: stage, value: scored, suffix: "_count"))
        return [
            MetricFamily(name: "wear_score_devices", help: "Devices with detector state.", kind: .gauge,
                         samples: [.init(labels: stage, value: total { $0.devices.load(ordering: .relaxed) })]),
            MetricFamily(name: "wear_score_device_evictions_total",
                         help: "Devices whose state was evicted to stay within --max-devices.", kind: .counter,
                         samples: [.init(labels: stage, value: total { $0.evictions.load(ordering: .relaxed) })]),
            MetricFamily(name: "wear_score_warming_total", help: "Records given a null score: their device was warming up.",
                         kind: .counter, samples: [.init(labels: stage, value: total { $0.warming.load(ordering: .relaxed) })]),
            MetricFamily(name: "wear_score_score", help: "Scores given, by upper bound.", kind: .histogram, samples: samples),
        ]
    }
}
