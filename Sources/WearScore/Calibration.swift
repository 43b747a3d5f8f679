import Glibc

/// How a detector's statistic becomes a probability, and the tests of one
/// record become one calibrated score (docs/wear-score.md, "The score").
///
/// - A level or change residual `z` (in standard deviations) has the
///   two-sided probability of a normal up to `tail` standard deviations;
///   beyond, the larger of the normal's and a learned tail,
///   `q · P(|X| > |z| | |X| > tail)` (peaks over threshold: `q` the
///   device's rate of exceedances, X of the shape whose mean log-excess
///   is the device's `h`, `ResidualTail`), so a device whose residuals are
///   heavier-tailed than a normal's is judged by its own tail, and one
///   whose residuals are close to normal by a tail close to a normal's.
/// - A stuck run of `r` repeats has probability `p0^r` (`p0` the device's
///   rate of repeats).
/// - The record's detector probability is Šidák's correction of the
///   smallest of its `K` tests' probabilities, `1 − (1 − p_min)^K`; filter
///   flags, each of probability `flagP`, are combined with it by Fisher's
///   method for a product of two probabilities, `π (1 − ln π)`.
/// - score = 1 − p: the probability that a clean record of this device
///   shows less evidence. On clean data a fraction of about `1 − t` of the
///   records has score ≥ t, whatever the device or feature.
public enum Calibration {
    /// Two-sided probability of a residual of `z` standard deviations.
    @inline(__always)
    public static func residualP(_ z: Float, shape: ResidualTail, q: Float, h: Float, hFloor: Float) -> Double {
        let a = Double(abs(z))
        let normal = erfc(a / 2.0.squareRoot())
        guard a > shape.tail else { return normal }
        let learned = Double(q) * exp(shape.logConditional(a, h: Double(max(h, hFloor))))
        return max(normal, learned)
    }

    /// Šidák: the probability that the smallest of `tests` independent
    /// probabilities is at most `pMin`.
    @inline(__always)
    public static func sidak(_ pMin: Double, tests: Int) -> Double {
        guard tests > 0 else { return 1 }
        return -expm1(Double(tests) * log1p(-min(pMin, 1 - 1e-16)))
    }

    /// Fisher: the probability that a product of `k` independent uniform
    /// probabilities is at most exp(`logProduct`).
    public static func fisher(logProduct: Double, count k: Int) -> Double {
        let y = -logProduct
        var term = 1.0, total = 1.0
        if k > 1 {
            for j in 1..<k {
                term *= y / Double(j)
                total += term
            }
        }
        return min(1, exp(logProduct) * total)
    }

    /// The detector probability `pDetector` combined with `flags` filter flags of probability `flagP` each.
    @inline(__always)
    public static func withFlags(_ pDetector: Double, flags: Int, flagP: Double) -> Double {
        guard flags > 0 else { return pDetector }
        let logPi = log(max(pDetector, 1e-300)) + Double(flags) * log(flagP)
        return min(1, exp(logPi) * (1 - logPi))
    }

    /// The z with P(Z ≥ z) = p for a standard normal Z (one-sided):
    /// Acklam's rational approximation refined by one Halley step on erfc
    /// (relative error below 1e-13). p is clamped to [1e-300, 0.5].
    public static func normalQuantile(upper p: Double) -> Double {
        let q = min(max(p, 1e-300), 0.5)
        var x = -approximateNormalQuantile(upper: q)
        // Halley on F(x) = Φ(x) − q.
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - q
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return -x
    }

    /// `normalQuantile` without the refinement: Acklam's approximation
    /// alone, relative error below 1.2e-9. For `why`'s equivalent z, which
    /// is written to one decimal: the Halley step's `erfc` and `exp` were
    /// ~3 % of a record's time on telemetry, where integer-valued features
    /// (SpO2) repeat and their stuck runs get a z on most records.
    public static func approximateNormalQuantile(upper p: Double) -> Double {
        let q = min(max(p, 1e-300), 0.5)
        // Acklam's approximation of the lower quantile of q (z < 0), negated.
        if q < 0.02425 {
            let t = (-2 * log(q)).squareRoot()
            let x = (((((-7.784894002430293e-03 * t - 3.223964580411365e-01) * t - 2.400758277161838e+00) * t
                - 2.549732539343734e+00) * t + 4.374664141464968e+00) * t + 2.938163982698783e+00)
                / ((((7.784695709041462e-03 * t + 3.224671290700398e-01) * t + 2.445134137142996e+00) * t
                    + 3.754408661907416e+00) * t + 1)
            return -x
        }
        let u = q - 0.5, r = u * u
        let x = (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
            + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * u
            / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r
                + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1)
        return -x
    }
}
