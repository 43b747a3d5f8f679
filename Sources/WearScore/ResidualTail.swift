import Glibc

/// The shape of a residual's tail beyond `tail` standard deviations, from
/// one learned statistic: the mean log-excess `h` = mean ln(|z| / tail) of
/// the exceedances (docs/wear-score.md, "The score").
///
/// The residual is taken as a Student-t of unit variance whose degrees of
/// freedom ν give that mean log-excess: a normal's tail for `h` at or
/// under a normal's (0.1163 at 2.5 sd), heavier as `h` grows, down to
/// ν = 2.22 (`h` 0.456); past that, a power law of index 1/h (Hill's),
/// which is what the t's tail becomes as ν nears 2. One family from the
/// normal to the heaviest tails: a light-tailed series is judged by a
/// tail close to a normal's (a power law with a normal's `h` calls a 6 sd
/// residual 3,000 times likelier than the normal does), a Student-t sensor
/// by its own tail, and a heavy mixture as by a power law.
///
/// Tabulated once per detector (100 KB a shard, ~10 ms at start in a
/// release build): 91 shapes (1/ν from 0 to 0.45 by 0.005)
/// × 141 points (w = ln(|z| / tail) from 0 to 4.375 by 1/32), by the
/// trapezoid rule on the density in w (steps of 1/256, to w = 6, with the
/// asymptotic remainder beyond); a look-up interpolates linearly in `h`
/// and in w, and extends the last segment's slope past w = 4.375 (|z| 198
/// at 2.5). Written here because no package at hand has the Student-t's
/// survival function (a regularised incomplete beta), and the table costs
/// a few interpolations where that would cost a continued fraction.
public final class ResidualTail: Sendable {
    public let tail: Double
    static let shapes = 91
    static let shapeStep = 0.005
    static let points = 141
    static let pointStep = 1.0 / 32
    /// Integration steps per table point, and how far the integral runs (w).
    static let substeps = 8
    static let integrationEnd = 6.0

    /// Mean log-excess of each shape (increasing with 1/ν).
    public let logExcess: [Double]
    /// ln P(|X| > tail·e^w | |X| > tail), shape-major.
    let logSurvival: [Double]

    public init(tail: Double) {
        self.tail = tail
        var excess = [Double](), survival = [Double]()
        excess.reserveCapacity(Self.shapes)
        survival.reserveCapacity(Self.shapes * Self.points)
        let step = Self.pointStep / Double(Self.substeps)
        let count = Int((Self.integrationEnd / step).rounded())
        for s in 0..<Self.shapes {
            let g = Double(s) * Self.shapeStep
            // ln of the density at x, up to a constant; its decay rate in w at the end.
            let logDensity: (Double) -> Double
            let decay: (Double) -> Double
            if g == 0 {
                logDensity = { x in -x * x / 2 }
                decay = { x in x * x - 1 }
            } else {
                let nu = 1 / g
                logDensity = { x in -(nu + 1) / 2 * log1p(x * x / (nu - 2)) }
                decay = { _ in nu }
            }
            let base = logDensity(tail)
            // G(w) = f(tail·e^w) / f(tail) · e^w: the density per unit of w.
            var density = [Double](repeating: 0, count: count + 1)
            for j in 0...count {
                let w = Double(j) * step
                density[j] = exp(logDensity(tail * exp(w)) - base + w)
            }
            // The integral from w to infinity, from the far end; the remainder past the end is
            // G / its decay rate (a power law's in w is ν, a normal's x² - 1).
            var above = [Double](repeating: 0, count: count + 1)
            let end = Self.integrationEnd
            above[count] = density[count] / max(decay(tail * exp(end)), 1)
            var moment = above[count] * (end + 1 / max(decay(tail * exp(end)), 1))
            for j in stride(from: count - 1, through: 0, by: -1) {
                above[j] = above[j + 1] + step * (density[j] + density[j + 1]) / 2
                let (w0, w1) = (Double(j) * step, Double(j + 1) * step)
                moment += step * (w0 * density[j] + w1 * density[j + 1]) / 2
            }
            excess.append(moment / above[0])
            for k in 0..<Self.points {
                // A normal's far tail underflows: 1e-300 is the least a probability is here.
                survival.append(log(max(above[k * Self.substeps], 1e-300) / above[0]))
            }
        }
        logExcess = excess
        logSurvival = survival
    }

    /// ln P(|X| > a | |X| > tail) for the shape of mean log-excess `h` (a > tail).
    public func logConditional(_ a: Double, h: Double) -> Double {
        let w = log(a / tail)
        guard w.isFinite else { return w > 0 ? -.infinity : 0 } // |z| infinite: no tail is that heavy
        guard let heaviest = logExcess.last, h < heaviest else { return -w / h }
        var lower = 0, fraction = 0.0
        if h > logExcess[0] {
            var high = logExcess.count - 1
            while high - lower > 1 {
                let middle = (lower + high) / 2
                if logExcess[middle] <= h { lower = middle } else { high = middle }
            }
            fraction = (h - logExcess[lower]) / (logExcess[lower + 1] - logExcess[lower])
        }
        let x = w / Self.pointStep
        let k = min(Int(x), Self.points - 2)
        let t = x - Double(k)
        func at(_ shape: Int) -> Double {
            let row = shape * Self.points + k
            return logSurvival[row] + t * (logSurvival[row + 1] - logSurvival[row])
        }
        let value = at(lower)
        return fraction == 0 ? value : value + fraction * (at(lower + 1) - value)
    }
}
