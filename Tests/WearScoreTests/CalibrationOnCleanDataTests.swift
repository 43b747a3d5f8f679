import Foundation
import Testing
import WearTesting
@testable import WearScore

/// The calibration promise (docs/wear-score.md, "The score"): on clean data
/// the fraction of records with score ≥ t is about 1 − t. Clean here means
/// series with no anomaly by construction, of shapes real sensors give,
/// 100 devices × 2,000 records after warm-up each, one feature per series
/// (as `wear-score --key dev --feature v` scores them), measured at
/// t = 0.99, 0.999 and 0.9999.
@Suite struct CalibrationOnCleanDataTests {
    enum Shape: String, CaseIterable {
        /// A smooth AR(1) process (φ 0.9).
        case ar1
        /// White noise.
        case white
        /// An integer-valued (quantised) reading.
        case integer
        /// Student-t noise with 3 degrees of freedom (a heavy-tailed sensor).
        case heavy
        /// A Gaussian random walk (a price, a slow drift).
        case walk
    }

    static let records = 2_000

    /// The scores of `shape`'s clean records after warm-up.
    static func cleanScores(_ shape: Shape) -> [Double] {
        let parameters = DetectorParameters()
        var stuck = SIMDMask<SIMD8<Int32>>()
        stuck[0] = true
        let detector = Detector(parameters: parameters, stuckLanes: stuck)
        var random = SplitMix64(state: 42 &+ UInt64(Shape.allCases.firstIndex(of: shape)!))
        var scores: [Double] = []
        scores.reserveCapacity(100 * records)
        for device in 0..<100 {
            var state = DeviceState(parameters)
            var y = 0.0
            let level = 50 + Double(device % 17)
            for index in 0..<(records + parameters.warmup) {
                switch shape {
                case .ar1: y = 0.9 * y + random.gaussian()
                case .white: y = 10 * random.gaussian()
                case .integer: y = (3 * random.gaussian()).rounded()
                case .heavy:
                    // t(3) = N / sqrt(chi²(3) / 3)
                    let chi = (0..<3).map { _ in pow(random.gaussian(), 2) }.reduce(0, +)
                    y = random.gaussian() / (chi / 3).squareRoot()
                case .walk: y += random.gaussian()
                }
                var x = Lanes(repeating: .nan)
                x[0] = Float(level + y)
                let evidence = detector.step(&state, x)
                if index >= parameters.warmup {
                    scores.append(1 - Calibration.sidak(evidence.pMin, tests: evidence.tests))
                }
            }
        }
        return scores
    }

    static func fraction(_ scores: [Double], atLeast t: Double) -> Double {
        Double(scores.lazy.filter { $0 >= t }.count) / Double(scores.count)
    }

    /// Measured bounds (the NumPy reference on the same shapes and sizes:
    /// docs/wear-score.md, "The promise"): no shape exceeds twice the
    /// promise at 0.99 and 0.999, nor 3.5 times at 0.9999 (Student-t(3)
    /// measured 2.45×, from 49 records: sampling noise is large there), and
    /// the stationary shapes are not deaf (at least a quarter of the promise
    /// at 0.99). At 0.999 and beyond the light-tailed shapes are far under
    /// the promise (0.03 to 0.17×: a power-law tail with a heavier-than-normal
    /// prior over short, normal-like series): measured and printed, bounded
    /// above only.
    @Test(arguments: Shape.allCases)
    func theFractionAtOrAboveEachThresholdIsWhatTheScorePromises(_ shape: Shape) {
        let scores = Self.cleanScores(shape)
        var row: [String] = []
        for t in [0.99, 0.999, 0.9999] {
            let fraction = Self.fraction(scores, atLeast: t)
            let promise = 1 - t
            row.append(String(format: "≥ %g: %.4f%% (%.2f× the promise)", t, 100 * fraction, fraction / promise))
            #expect(fraction <= promise * (t < 0.9999 ? 2 : 3.5), "\(shape) t \(t): \(fraction) of clean records, promised \(promise)")
            if t == 0.99 && shape != .walk {
                #expect(fraction >= promise / 4, "\(shape) t \(t): \(fraction) of clean records, promised \(promise)")
            }
        }
        print("calibration, \(shape): " + row.joined(separator: ", "))
    }
}
