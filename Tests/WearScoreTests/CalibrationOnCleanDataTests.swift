import Foundation
import Testing
import WearTesting
@testable import WearScore

/// The calibration promise (docs/wear-score.md, "The score"): on clean data
/// the fraction of records with score ≥ t is about 1 − t. Clean here means
/// series with no anomaly by construction, of the shapes real sensors give:
/// a smooth AR(1) process, white noise, and an integer-valued (quantised)
/// reading, 100 devices × 2,000 records after warm-up.
@Suite struct CalibrationOnCleanDataTests {
    static func cleanScores() -> [Double] {
        var parameters = DetectorParameters()
        parameters.warmup = 64
        var stuck = SIMDMask<SIMD8<Int32>>()
        for lane in 0..<3 { stuck[lane] = true }
        let detector = Detector(parameters: parameters, stuckLanes: stuck)
        var random = SplitMix64(state: 42)
        var scores: [Double] = []
        for device in 0..<100 {
            var state = DeviceState(parameters)
            var ar = 0.0
            let level = 50 + Double(device % 17)
            for index in 0..<(2_000 + parameters.warmup) {
                ar = 0.9 * ar + random.gaussian()
                var x = Lanes(repeating: .nan)
                x[0] = Float(level + ar)
                x[1] = Float(10 * random.gaussian())
                x[2] = Float((level + 3 * random.gaussian()).rounded())
                let evidence = detector.step(&state, x)
                if index >= parameters.warmup {
                    scores.append(1 - Calibration.sidak(evidence.pMin, tests: evidence.tests))
                }
            }
        }
        return scores
    }

    @Test func theFractionAtOrAboveEachThresholdIsWhatTheScorePromises() {
        let scores = Self.cleanScores()
        for t in [0.9, 0.99, 0.999] {
            let fraction = Double(scores.filter { $0 >= t }.count) / Double(scores.count)
            let promise = 1 - t
            // Šidák over correlated tests (a value's level and its change) is
            // conservative, so the fraction sits at or somewhat under the promise.
            #expect(fraction <= promise * 1.5, "t \(t): \(fraction) of clean records, promised \(promise)")
            #expect(fraction >= promise / 4, "t \(t): \(fraction) of clean records, promised \(promise)")
        }
    }
}
