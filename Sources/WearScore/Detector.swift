import Glibc

/// The detectors' settings (docs/wear-score.md, "Defaults and why").
public struct DetectorParameters: Sendable, Equatable {
    /// Weight of a new value in the means (level and change).
    public var alpha: Float = 1.0 / 64
    /// Weight of a new value in the variances, the repeat rate and the exceedance rate.
    public var beta: Float = 1.0 / 64
    /// Residuals are clipped at this many standard deviations in the means (Huber) ...
    public var clip: Float = 3
    /// ... and at this many in the variances.
    public var varianceClip: Float = 5
    /// A standard deviation is at least relativeFloor·|mean| and at least absoluteFloor.
    public var relativeFloor: Float = 1e-3
    public var absoluteFloor: Float = 1e-6
    /// Where the learned tail starts, in standard deviations.
    public var tail: Float = 2.5
    /// The tails' prior, in exceedances of `tail`: the rate starts at a
    /// normal's as if `tailPriorExceedances` had been seen at that rate, and
    /// the log-excess at `priorLogExcess` as if that many had had it.
    public var tailPriorExceedances: Float = 8
    /// The prior mean log-excess ln(|z| / tail): 0.2 is the tail of a
    /// Student-t of 8 degrees of freedom, heavier than a normal's (0.116
    /// beyond 2.5 sd; `ResidualTail`).
    public var priorLogExcess: Float = 0.2
    /// The least weight of a record in the exceedance rate (its longest memory) ...
    public var tailRateWeight: Float = 1.0 / 1024
    /// ... and of an exceedance in the mean log-excess.
    public var logExcessWeight: Float = 1.0 / 64
    /// The most one exceedance's log-excess counts (ln 7.4: |z| of 18.5 at a tail of 2.5), and the mean's floor.
    public var logExcessCap: Float = 2
    public var logExcessFloor: Float = 0.05
    /// Records of a device before it gets a score.
    public var warmup = 64
    /// Probability of one filter flag on a clean record.
    public var flagP = 1e-3
    /// A test enters `why` from this equivalent z.
    public var whyZ = 2.0

    public init() {}

    /// The tails' prior: the normal's two-sided rate beyond `tail`, and `priorLogExcess`.
    var tailPrior: (q: Float, h: Float) {
        (Float(erfc(Double(tail) / 2.0.squareRoot())), priorLogExcess)
    }

    /// Records the exceedance rate's prior stands for (`tailPriorExceedances` at the normal's rate).
    var tailPriorRecords: Float { tailPriorExceedances / tailPrior.q }
}

/// The lanes of a device's features (at most 8).
public typealias Lanes = SIMD8<Float>

/// |v| per lane.
@inline(__always)
func magnitude(_ v: Lanes) -> Lanes { v.replacing(with: -v, where: v .< 0) }

/// The largest lane of two vectors of non-negative lanes: a tree of
/// masked selects (`SIMD.max()` loops over the scalars: ~2 % of a record's
/// time under perf).
@inline(__always)
func largestLane(_ a: Lanes, _ b: Lanes) -> Float {
    let m8 = a.replacing(with: b, where: b .> a)
    let m4 = m8.lowHalf.replacing(with: m8.highHalf, where: m8.highHalf .> m8.lowHalf)
    let m2 = m4.lowHalf.replacing(with: m4.highHalf, where: m4.highHalf .> m4.lowHalf)
    return m2[1] > m2[0] ? m2[1] : m2[0]
}

/// One device's detector state: per feature (a lane each), the level's
/// and the change's exponentially weighted mean and variance, the last
/// value, the repeat rate and current run, and the learned tails; then the
/// device's record count and event time. 400 bytes.
public struct DeviceState: Sendable {
    var mean = Lanes(), variance = Lanes()
    var changeMean = Lanes(), changeVariance = Lanes()
    var last = Lanes(repeating: .nan)
    var repeatRate = Lanes(repeating: 0.5)
    var run = Lanes()
    /// Per test: the rate of exceedances of `tail` sd, and their mean log-excess ln(|z| / tail).
    var levelRate: Lanes, levelExcess: Lanes
    var changeRate: Lanes, changeExcess: Lanes
    /// Values and differences seen per feature (capped at 65,535).
    var values = SIMD8<UInt16>(), changes = SIMD8<UInt16>()
    var records: UInt32 = 0
    /// Event time of the latest record in order (ms), Int64.min before any.
    var time = Int64.min

    public init(_ parameters: DetectorParameters) {
        let prior = parameters.tailPrior
        levelRate = Lanes(repeating: prior.q)
        levelExcess = Lanes(repeating: prior.h)
        changeRate = levelRate
        changeExcess = levelExcess
    }
}

/// The outcome of one record's tests.
public struct Evidence {
    /// Per lane: equivalent z of the level, change and stuck tests (0: no test).
    public var level = Lanes(), change = Lanes(), stuck = Lanes()
    /// The joint stuck test over all features with the test (the "body"), as an equivalent z.
    public var body: Double = 0
    /// Smallest probability over the tests, and how many tests were made.
    public var pMin = 1.0
    public var tests = 0
}

/// The per-device detectors, vectorised over a device's features.
public struct Detector {
    public let parameters: DetectorParameters
    /// Lanes with the stuck-sensor test.
    public let stuckLanes: SIMDMask<SIMD8<Int32>>
    /// The tails' shapes beyond `parameters.tail`.
    public let tailShape: ResidualTail
    /// `parameters.tailPriorRecords`, computed once: it costs an `erfc` and
    /// an `exp`, which made it ~3 % of a record's time when `learnTail`
    /// read it per record (perf, 2026-12-06).
    let tailPriorRecords: Float

    public init(parameters: DetectorParameters, stuckLanes: SIMDMask<SIMD8<Int32>>) {
        self.parameters = parameters
        self.stuckLanes = stuckLanes
        tailShape = ResidualTail(tail: Double(parameters.tail))
        tailPriorRecords = parameters.tailPriorRecords
    }

    /// Tests `x` (NaN lanes: missing) against `state`, then learns it.
    public func step(_ state: inout DeviceState, _ x: Lanes) -> Evidence {
        let p = parameters
        let present = x .== x
        let hasLast = present .& (state.last .== state.last)
        let one = Lanes(repeating: 1)
        let n = Lanes(SIMD8<Int32>(truncatingIfNeeded: state.values))
        let nd = Lanes(SIMD8<Int32>(truncatingIfNeeded: state.changes))

        let relative = p.relativeFloor * magnitude(state.mean)
        let floor = relative * relative + Lanes(repeating: p.absoluteFloor * p.absoluteFloor)
        let sd = (state.variance + floor).squareRoot()
        let r = (x - state.mean).replacing(with: 0, where: .!present)
        let zLevel = (r / sd).replacing(with: 0, where: .!(present .& (n .>= 2)))

        let d = (x - state.last).replacing(with: 0, where: .!hasLast)
        let dsd = (state.changeVariance + floor).squareRoot()
        let rd = d - state.changeMean
        let zChange = (rd / dsd).replacing(with: 0, where: .!(hasLast .& (nd .>= 2)))

        let repeated = hasLast .& (d .== 0)
        var run = state.run
        run.replace(with: 0, where: hasLast .& .!repeated)
        run.replace(with: run + one, where: repeated)
        let stuckTested = hasLast .& stuckLanes
        var logStuck = Lanes()
        for i in 0..<8 where stuckTested[i] && run[i] > 0 {
            logStuck[i] = run[i] * Glibc.logf(max(state.repeatRate[i], p.beta))
        }

        // Within `tail` sd a test's probability is the normal's, so the
        // smallest over those lanes is one erfc of their largest |z|, and
        // the equivalent z is z itself; only the rare lanes beyond the tail
        // (and stuck runs) cost a probability each.
        var evidence = Evidence()
        let tail = Lanes(repeating: p.tail)
        let (aLevel, aChange) = (magnitude(zLevel), magnitude(zChange))
        let (tailLevel, tailChange) = (present .& (aLevel .> tail), hasLast .& (aChange .> tail))
        evidence.level = zLevel.replacing(with: 0, where: tailLevel)
        evidence.change = zChange.replacing(with: 0, where: tailChange)
        let largest = largestLane(aLevel.replacing(with: 0, where: .!present .| tailLevel),
                                  aChange.replacing(with: 0, where: .!hasLast .| tailChange))
        var stuckCount = 0, logBody = 0.0
        for i in 0..<8 where present[i] {
            evidence.tests += hasLast[i] ? (stuckLanes[i] ? 3 : 2) : 1
        }
        if evidence.tests > 0 { evidence.pMin = erfc(Double(largest) / 2.0.squareRoot()) }
        if any(tailLevel .| tailChange) {
            for i in 0..<8 where tailLevel[i] {
                let pl = Calibration.residualP(zLevel[i], shape: tailShape, q: state.levelRate[i], h: state.levelExcess[i], hFloor: p.logExcessFloor)
                evidence.pMin = min(evidence.pMin, pl)
                evidence.level[i] = Self.equivalentZ(pl, sign: zLevel[i])
            }
            for i in 0..<8 where tailChange[i] {
                let pc = Calibration.residualP(zChange[i], shape: tailShape, q: state.changeRate[i], h: state.changeExcess[i], hFloor: p.logExcessFloor)
                evidence.pMin = min(evidence.pMin, pc)
                evidence.change[i] = Self.equivalentZ(pc, sign: zChange[i])
            }
        }
        for i in 0..<8 where stuckTested[i] {
            stuckCount += 1
            guard logStuck[i] < 0 else { continue }
            let ps = Double(Glibc.expf(logStuck[i]))
            evidence.pMin = min(evidence.pMin, ps)
            if ps < Self.whyStuckP { evidence.stuck[i] = Float(Calibration.approximateNormalQuantile(upper: ps)) }
            logBody += Double(logStuck[i])
        }
        if stuckCount >= 2 {
            evidence.tests += 1
            let pb = Calibration.fisher(logProduct: logBody, count: stuckCount)
            evidence.pMin = min(evidence.pMin, pb)
            if pb < 1 { evidence.body = Calibration.approximateNormalQuantile(upper: pb) }
        }

        learn(&state, x: x, present: present, hasLast: hasLast, n: n, nd: nd, r: r, sd: sd, d: d, rd: rd, dsd: dsd,
              repeated: repeated, zLevel: zLevel, zChange: zChange)
        state.run = run
        state.records &+= state.records == .max ? 0 : 1
        return evidence
    }

    /// Stuck runs less likely than this get their equivalent z (one-sided
    /// 2 sd, `why`'s lowest); likelier ones cannot enter `why`.
    static let whyStuckP = 0.0228

    /// The equivalent two-sided z of probability `p`, with the residual's sign.
    @inline(__always)
    static func equivalentZ(_ p: Double, sign: Float) -> Float {
        guard p < 1 else { return 0 }
        let z = Float(Calibration.approximateNormalQuantile(upper: p / 2))
        return sign < 0 ? -z : z
    }

    /// Running averages while warming up, then exponential weights with clipped residuals.
    private func learn(_ s: inout DeviceState, x: Lanes, present: SIMDMask<SIMD8<Int32>>, hasLast: SIMDMask<SIMD8<Int32>>,
                       n: Lanes, nd: Lanes, r: Lanes, sd: Lanes, d: Lanes, rd: Lanes, dsd: Lanes,
                       repeated: SIMDMask<SIMD8<Int32>>, zLevel: Lanes, zChange: Lanes) {
        let p = parameters
        let one = Lanes(repeating: 1)
        let warmup = Lanes(repeating: Float(p.warmup))

        learnMoments(mean: &s.mean, variance: &s.variance, value: x, residual: r, sd: sd, count: n, used: present)
        learnMoments(mean: &s.changeMean, variance: &s.changeVariance, value: d, residual: rd, sd: dsd, count: nd, used: hasLast)
        let dwarm = nd .>= warmup
        let b0 = (one / (nd + Lanes(repeating: 2))).replacing(with: p.beta, where: dwarm)
        let hit = Lanes(repeating: 0).replacing(with: 1, where: repeated)
        s.repeatRate.replace(with: s.repeatRate + b0 * (hit - s.repeatRate), where: hasLast)

        let prior = Lanes(repeating: tailPriorRecords)
        Self.learnTail(rate: &s.levelRate, excess: &s.levelExcess, z: zLevel, used: present .& (n .> 2), count: n,
                       priorRecords: prior, p: p)
        Self.learnTail(rate: &s.changeRate, excess: &s.changeExcess, z: zChange, used: hasLast .& (nd .> 2), count: nd,
                       priorRecords: prior, p: p)

        s.last.replace(with: x, where: present)
        for i in 0..<8 {
            if present[i] && s.values[i] < .max { s.values[i] += 1 }
            if hasLast[i] && s.changes[i] < .max { s.changes[i] += 1 }
        }
    }

    /// One mean and variance (a level's or a change's): running averages
    /// of the first `warmup` values, then exponential weights with the
    /// residual clipped at `clip` sd for the mean and `varianceClip` for the variance.
    @inline(__always)
    private func learnMoments(mean: inout Lanes, variance: inout Lanes, value: Lanes, residual r: Lanes, sd: Lanes,
                              count n: Lanes, used: SIMDMask<SIMD8<Int32>>) {
        let p = parameters
        let one = Lanes(repeating: 1)
        let warm = n .>= Lanes(repeating: Float(p.warmup))
        let a = (one / (n + one)).replacing(with: p.alpha, where: warm)
        let b = (one / n.replacing(with: 1, where: n .< 1)).replacing(with: p.beta, where: warm)
        // Masked selects, not `clamped`: that calls an unspecialised
        // pointwiseMin/Max per use (~380 instructions a record in callgrind).
        let (c, vc) = (p.clip * sd, p.varianceClip * sd)
        let rc = r.replacing(with: c, where: warm .& (r .> c)).replacing(with: -c, where: warm .& (r .< -c))
        let rv = r.replacing(with: vc, where: warm .& (r .> vc)).replacing(with: -vc, where: warm .& (r .< -vc))
        mean.replace(with: (mean + a * rc).replacing(with: value, where: n .== 0), where: used)
        variance.replace(with: variance + b * (rv * rv - variance), where: used .& (n .> 0))
    }

    /// The tail of one test (peaks over threshold, docs/wear-score.md "The
    /// score"): the rate of exceedances is a running average from the prior
    /// (weight 1 / (records + the prior's records)) until its weight reaches
    /// `tailRateWeight`; the mean log-excess (which picks the tail's shape,
    /// `ResidualTail`) a running average over the exceedances, the prior's
    /// counted, until its weight reaches `logExcessWeight`.
    private static func learnTail(rate: inout Lanes, excess: inout Lanes, z: Lanes, used: SIMDMask<SIMD8<Int32>>,
                                  count: Lanes, priorRecords: Lanes, p: DetectorParameters) {
        let tail = Lanes(repeating: p.tail)
        let a = magnitude(z)
        let over = used .& (a .> tail)
        let seen = count + priorRecords
        let one = Lanes(repeating: 1)
        // Masked selects rather than SIMD max (see learnMoments).
        let (rateFloor, excessFloor) = (Lanes(repeating: p.tailRateWeight), Lanes(repeating: p.logExcessWeight))
        var b = one / seen
        b.replace(with: rateFloor, where: b .< rateFloor)
        // Exceedances so far, the prior's included (the rate times the records it averages).
        var g = one / (rate * seen + one)
        g.replace(with: excessFloor, where: g .< excessFloor)
        let hit = Lanes(repeating: 0).replacing(with: 1, where: over)
        rate.replace(with: rate + b * (hit - rate), where: used)
        guard any(over) else { return }
        for i in 0..<8 where over[i] {
            let e = min(Glibc.logf(a[i] / p.tail), p.logExcessCap)
            excess[i] += g[i] * (e - excess[i])
        }
    }
}
