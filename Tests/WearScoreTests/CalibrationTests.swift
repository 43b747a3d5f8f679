import Foundation
import Testing
@testable import WearScore

@Suite struct CalibrationTests {
    @Test(arguments: [(0.5, 0.0), (0.158655253931457, 1.0), (0.025, 1.959963984540054),
                      (0.001, 3.090232306167814), (1e-10, 6.361340902404056), (1e-300, 37.04710)])
    func normalQuantileInvertsTheUpperTail(_ p: Double, _ z: Double) {
        #expect(abs(Calibration.normalQuantile(upper: p) - z) < 1e-5 * max(1, z))
    }

    @Test func normalQuantileRoundTripsThroughErfc() {
        for exponent in stride(from: -1.0, through: -250, by: -7.3) {
            let p = pow(10, exponent) / 2
            let z = Calibration.normalQuantile(upper: p)
            let back = 0.5 * erfc(z / 2.0.squareRoot())
            #expect(abs(back - p) / p < 1e-9, "p \(p) -> z \(z) -> \(back)")
        }
    }

    @Test func sidakCorrectsForTheNumberOfTests() {
        #expect(Calibration.sidak(0.01, tests: 1) == 0.01)
        #expect(abs(Calibration.sidak(0.01, tests: 10) - (1 - pow(0.99, 10))) < 1e-12)
        #expect(abs(Calibration.sidak(1e-12, tests: 20) - 2e-11) < 1e-20)
        #expect(Calibration.sidak(0.3, tests: 0) == 1)
        #expect(Calibration.sidak(1, tests: 5) <= 1)
    }

    @Test func fisherIsTheDistributionOfAProductOfUniforms() {
        // k = 1: P(U <= p) = p; k = 2: π (1 − ln π).
        #expect(abs(Calibration.fisher(logProduct: log(0.2), count: 1) - 0.2) < 1e-12)
        let pi = 0.01 * 0.3
        #expect(abs(Calibration.fisher(logProduct: log(pi), count: 2) - pi * (1 - log(pi))) < 1e-12)
        // k = 3: π (1 + y + y²/2), y = −ln π.
        let y = -log(1e-6)
        #expect(abs(Calibration.fisher(logProduct: -y, count: 3) - 1e-6 * (1 + y + y * y / 2)) < 1e-15)
        #expect(Calibration.fisher(logProduct: 0, count: 4) == 1)
    }

    @Test func flagsCombineWithTheDetectorsByFisher() {
        #expect(Calibration.withFlags(0.2, flags: 0, flagP: 1e-3) == 0.2)
        let pi = 1e-3
        #expect(abs(Calibration.withFlags(1, flags: 1, flagP: 1e-3) - pi * (1 - log(pi))) < 1e-15)
        #expect(Calibration.withFlags(0.5, flags: 2, flagP: 1e-3) < Calibration.withFlags(0.5, flags: 1, flagP: 1e-3))
    }

    @Test func beyondTheTailTheLearnedTailIsUsedButNeverLighterThanTheNormal() {
        let normal = erfc(4 / 2.0.squareRoot())
        // A light learned tail (rate of a normal, tiny log-excess, floored at 0.05) cannot go below the normal.
        #expect(Calibration.residualP(4, tail: 2.5, q: 0.0124, h: 0.01, hFloor: 0.05) == normal)
        // A heavy one (1 % beyond 2.5 sd, mean log-excess 0.5: a power law of index 2) gives 0.01·(4/2.5)^(−2).
        #expect(abs(Calibration.residualP(-4, tail: 2.5, q: 0.01, h: 0.5, hFloor: 0.05) - 0.01 / (1.6 * 1.6)) < 1e-9)
        #expect(Calibration.residualP(1, tail: 2.5, q: 0.5, h: 5, hFloor: 0.05) == erfc(1 / 2.0.squareRoot()))
    }
}
