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

    @Test func theApproximateQuantileIsWithinAcklamsBound() {
        // Relative error below 1.2e-9 against the refined quantile, in both
        // of its regions (the switch is at p = 0.02425) and far out.
        var p = 0.5
        while p > 1e-300 {
            let exact = Calibration.normalQuantile(upper: p)
            let approximate = Calibration.approximateNormalQuantile(upper: p)
            #expect(abs(approximate - exact) <= 1.2e-9 * max(abs(exact), 1e-3), "p \(p): \(approximate) vs \(exact)")
            p /= 1.7
        }
        #expect(Calibration.approximateNormalQuantile(upper: 0.5) == 0)
        #expect(Calibration.approximateNormalQuantile(upper: 0) == Calibration.approximateNormalQuantile(upper: 1e-300))
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

    static let shape = ResidualTail(tail: 2.5)

    @Test func beyondTheTailTheLearnedTailIsUsedButNeverLighterThanTheNormal() {
        let normal = erfc(4 / 2.0.squareRoot())
        // A learned tail lighter than the normal's (a rate under a normal's, a normal's shape) cannot go below it.
        #expect(Calibration.residualP(4, shape: Self.shape, q: 0.005, h: 0.01, hFloor: 0.05) == normal)
        // Past the heaviest Student-t (mean log-excess 0.5): a power law of index 2, 0.01·(4/2.5)^(−2).
        #expect(abs(Calibration.residualP(-4, shape: Self.shape, q: 0.01, h: 0.5, hFloor: 0.05) - 0.01 / (1.6 * 1.6)) < 1e-9)
        #expect(Calibration.residualP(1, shape: Self.shape, q: 0.5, h: 5, hFloor: 0.05) == erfc(1 / 2.0.squareRoot()))
    }

    /// The table against the exact tails (scipy.stats: `t(nu, scale=sqrt((nu-2)/nu)).sf(z) / .sf(2.5)`,
    /// `norm.sf(z) / norm.sf(2.5)`), and its mean log-excesses against a normal's (0.116317 by quadrature).
    @Test func theTailShapesAreUnitVarianceStudentTailsFromTheNormal() {
        let shape = Self.shape
        #expect(abs(shape.logExcess[0] - 0.116317) < 1e-4, "a normal's mean log-excess: \(shape.logExcess[0])")
        #expect(zip(shape.logExcess, shape.logExcess.dropFirst()).allSatisfy { $0 < $1 }, "heavier shapes have larger h")
        #expect(abs(shape.logExcess.last! - 0.4563) < 1e-3, "1/nu = 0.45: \(shape.logExcess.last!)")
        func close(_ got: Double, _ exact: Double, _ what: String) {
            #expect(abs(exp(got) / exact - 1) < 0.01, "\(what): \(exp(got)) against \(exact)")
        }
        close(shape.logConditional(6, h: 0.1), 1.5887935875e-7, "a normal at 6 sd (h under the normal's)")
        close(shape.logConditional(4, h: shape.logExcess[0]), 5.10031381e-3, "a normal at 4 sd")
        close(shape.logConditional(4, h: shape.logExcess[25]), 0.0843776478, "t(8) at 4 sd")
        close(shape.logConditional(6, h: shape.logExcess[25]), 5.962544204e-3, "t(8) at 6 sd")
        // Between shapes, monotone in h; far out, the last segment's slope: finite, decreasing.
        let (a, b, c) = (shape.logConditional(6, h: 0.15), shape.logConditional(6, h: 0.16), shape.logConditional(6, h: 0.2))
        #expect(a < b && b < c)
        let (far, farther) = (shape.logConditional(500, h: 0.2), shape.logConditional(5_000, h: 0.2))
        #expect(far.isFinite && farther.isFinite && farther < far)
        #expect(shape.logConditional(1e6, h: 0.12).isFinite, "a normal-like tail far out: small, not NaN")
    }
}
