import Foundation
import Testing
import WearTesting
@testable import WearScore

@Suite struct DetectorTests {
    static func detector(warmup: Int = 4, stuck: [Bool] = [true, true]) -> Detector {
        var parameters = DetectorParameters()
        parameters.warmup = warmup
        var mask = SIMDMask<SIMD8<Int32>>()
        for (lane, on) in stuck.enumerated() { mask[lane] = on }
        return Detector(parameters: parameters, stuckLanes: mask)
    }

    static func lanes(_ values: Float...) -> Lanes {
        var x = Lanes(repeating: .nan)
        for (lane, value) in values.enumerated() { x[lane] = value }
        return x
    }

    @Test func warmUpIsARunningMeanAndVarianceOfTheValuesAndTheirDifferences() {
        let detector = Self.detector(warmup: 100)
        var state = DeviceState(detector.parameters)
        for value: Float in [10, 12, 14, 16] { _ = detector.step(&state, Self.lanes(value)) }
        // Mean: (10+12+14+16)/4. Variance: v += (r² − v)/n with r against the previous mean:
        // n=1: r=2 -> 4; n=2: r=3 (14−11) -> 4 + (9−4)/2 = 6.5; n=3: r=4 (16−12) -> 6.5 + (16−6.5)/3.
        #expect(state.mean[0] == 13)
        #expect(abs(state.variance[0] - (6.5 + 9.5 / 3)) < 1e-5)
        // Differences 2, 2, 2: mean 2, variance 0.
        #expect(state.changeMean[0] == 2)
        #expect(state.changeVariance[0] == 0)
        #expect(state.values[0] == 4 && state.changes[0] == 3)
        #expect(state.values[1] == 0, "a missing lane learns nothing")
    }

    @Test func largestLaneIsTheLargestOfBothVectors() {
        var random = SplitMix64(state: 7)
        for _ in 0..<1_000 {
            var a = Lanes(), b = Lanes()
            for i in 0..<8 {
                a[i] = Float(random.next() % 10_000) / 100
                b[i] = Float(random.next() % 10_000) / 100
            }
            #expect(largestLane(a, b) == max(a.max(), b.max()))
        }
        #expect(largestLane(Lanes(), Lanes()) == 0)
        var one = Lanes()
        one[7] = 3
        #expect(largestLane(Lanes(), one) == 3 && largestLane(one, Lanes()) == 3)
    }

    @Test func aLevelOrChangeTestNeedsTwoEarlierValues() {
        let detector = Self.detector()
        var state = DeviceState(detector.parameters)
        let first = detector.step(&state, Self.lanes(5))
        #expect(first.tests == 1 && first.level[0] == 0)
        let second = detector.step(&state, Self.lanes(500))
        #expect(second.level[0] == 0, "one earlier value has no variance yet")
        #expect(second.tests == 3, "level, change and stuck of lane 0")
    }

    @Test func aRunOfRepeatsHasProbabilityRepeatRateToTheRun() {
        let detector = Self.detector(warmup: 1000, stuck: [true])
        var state = DeviceState(detector.parameters)
        // 0, 1, 0, 1, ...: no repeats, so the repeat rate falls from its prior
        // 0.5 as r += (0 − r)/(nd + 2) per difference while warming up.
        var rate: Float = 0.5
        for index in 0..<20 {
            _ = detector.step(&state, Self.lanes(Float(index % 2)))
            if index > 0 { rate += (0 - rate) / Float(index - 1 + 2) }
        }
        #expect(abs(state.repeatRate[0] - rate) < 1e-6)
        _ = detector.step(&state, Self.lanes(7))        // a new value: run 0
        _ = detector.step(&state, Self.lanes(7))        // run 1
        #expect(state.run[0] == 1)
        let before = state.repeatRate[0]
        let evidence = detector.step(&state, Self.lanes(7)) // run 2: p = rate²
        #expect(state.run[0] == 2)
        let p = pow(Double(max(before, detector.parameters.beta)), 2)
        #expect(p < Detector.whyStuckP)
        #expect(abs(Double(evidence.stuck[0]) - Calibration.normalQuantile(upper: p)) < 1e-3)
        #expect(abs(evidence.pMin - p) / p < 1e-4)
        _ = detector.step(&state, Self.lanes(8))
        #expect(state.run[0] == 0, "a new value ends the run")
    }

    @Test func everySensorStuckAtOnceIsFarStrongerEvidenceThanOne() {
        let detector = Self.detector(warmup: 10, stuck: [true, true, true])
        var state = DeviceState(detector.parameters)
        // Values that never repeat: each lane's repeat rate falls towards its floor, beta.
        for index in 0..<200 { _ = detector.step(&state, Self.lanes(Float(index), Float(2 * index), Float(3 * index))) }
        for _ in 0..<2 { _ = detector.step(&state, Self.lanes(0.5, 0.5, 0.5)) }
        let rates = (0..<3).map { Double(max(state.repeatRate[$0], detector.parameters.beta)) }
        let all = detector.step(&state, Self.lanes(0.5, 0.5, 0.5))
        #expect(all.body > 0)
        #expect(all.body > Double(all.stuck[0]), "the joint test beats each sensor's own")
        // Each sensor: rate² after two repeats; all three: Fisher's product of three.
        let each = rates.map { $0 * $0 }
        let joint = Calibration.fisher(logProduct: each.map { log($0) }.reduce(0, +), count: 3)
        #expect(abs(all.pMin - joint) / joint < 1e-3)
        #expect(joint < each.min()! / 100)
    }

    @Test func anOutlierMovesTheBaselineByAtMostClipStandardDeviations() {
        let detector = Self.detector(warmup: 20, stuck: [false])
        var state = DeviceState(detector.parameters)
        for index in 0..<200 { _ = detector.step(&state, Self.lanes(Float(index % 2 == 0 ? 9 : 11))) }
        let (mean, sd) = (state.mean[0], state.variance[0].squareRoot())
        let spike = detector.step(&state, Self.lanes(1000))
        // z is about 990: the learned power-law tail (prior shape h = 0.2)
        // gives about q·(990/2.5)^-5 ≈ 1e-15, far past any threshold.
        #expect(spike.pMin < 1e-12)
        let p = detector.parameters
        #expect(abs(state.mean[0] - mean) <= p.alpha * p.clip * sd * 1.0001)
        #expect(state.variance[0] <= sd * sd * (1 - p.beta) + p.beta * p.varianceClip * p.varianceClip * sd * sd * 1.0001)
    }

    /// The tail (docs/wear-score.md, "The score"): one exceedance moves the
    /// mean log-excess by its weight 1 / (exceedances + 1) towards
    /// min(ln(|z| / 2.5), 2), the rate by 1 / (records + the prior's 645).
    @Test func anExceedanceMovesTheTailByItsRunningWeightAndAtMostTheCap() {
        let detector = Self.detector(warmup: 20, stuck: [false])
        let p = detector.parameters
        var state = DeviceState(p)
        for index in 0..<100 { _ = detector.step(&state, Self.lanes(Float(index % 2 == 0 ? 9 : 11))) }
        let (q, h, n) = (state.levelRate[0], state.levelExcess[0], Float(state.values[0]))
        #expect(q < p.tailPrior.q, "no exceedance in 100 records: the rate fell from the prior's")
        #expect(h == p.priorLogExcess, "no exceedance: the log-excess is the prior's")
        _ = detector.step(&state, Self.lanes(1000))  // |z| ≈ 990: capped at ln(7.39) = 2
        let seen = n + p.tailPriorRecords
        let g = max(1 / (q * seen + 1), p.logExcessWeight)
        #expect(abs(state.levelExcess[0] - (h + g * (p.logExcessCap - h))) < 1e-5)
        #expect(abs(state.levelRate[0] - (q + (1 - q) / seen)) < 1e-6)
    }

    /// A heavy-tailed device learns a heavier tail than a light-tailed one,
    /// so the same residual is rarer on the light one.
    @Test func aHeavyTailedDeviceLearnsItsHeavierTail() {
        let detector = Self.detector(warmup: 64, stuck: [false, false])
        let p = detector.parameters
        var state = DeviceState(p)
        var random = SplitMix64(state: 7)
        func gaussian() -> Float { Float(random.gaussian()) }
        for _ in 0..<5_000 {
            let normal = gaussian()
            let chi = (0..<3).map { _ in pow(gaussian(), 2) }.reduce(0, +)
            _ = detector.step(&state, Self.lanes(50 + normal, 50 + gaussian() / (chi / 3).squareRoot()))
        }
        #expect(state.levelExcess[0] < p.priorLogExcess, "a normal's log-excess is 0.116: \(state.levelExcess[0])")
        #expect(state.levelExcess[1] > state.levelExcess[0], "t(3): \(state.levelExcess[1]) vs \(state.levelExcess[0])")
        let light = Calibration.residualP(6, shape: detector.tailShape, q: state.levelRate[0], h: state.levelExcess[0], hFloor: p.logExcessFloor)
        let heavy = Calibration.residualP(6, shape: detector.tailShape, q: state.levelRate[1], h: state.levelExcess[1], hFloor: p.logExcessFloor)
        #expect(heavy > 100 * light, "a 6 sd residual: \(heavy) on t(3), \(light) on the normal")
    }
}

@Suite struct ScoreMemoryTests {
    @Test func aDeviceTakesAtMost512Bytes() {
        #expect(MemoryLayout<DeviceState>.stride == 400)
        #expect(ScoreShard.bytesPerDevice == 468, "\(ScoreShard.bytesPerDevice) bytes per device")
    }
}
