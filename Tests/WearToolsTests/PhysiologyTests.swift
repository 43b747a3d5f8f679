import Testing
import WearTools

@Suite("Physiology")
struct PhysiologyTests {
    /// Per-activity statistics from 300 simulated wearers over 10 minutes at 1 Hz.
    struct Stats {
        var hr: [Double] = []
        var accMagnitude: [Double] = []
        var gyro: [Double] = []
        var stepDeltas: [Int] = []
        var spo2: [Double] = []
        var temp: [Double] = []

        static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(1, values.count)) }
        static func deviation(_ values: [Double]) -> Double {
            let average = mean(values)
            return (values.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(max(1, values.count))).squareRoot()
        }
    }

    /// Samples taken at least two minutes after the last activity change (heart rate has settled).
    static let settled: [Activity: Stats] = {
        var stats: [Activity: Stats] = [:]
        for wearer in 0..<300 {
            var rng = Xoshiro256(seed: UInt64(wearer) &+ 1000)
            var body = Physiology(profile: DeviceProfile(using: &rng), using: &rng)
            var since = 0
            var previous: (activity: Activity, steps: Int)?
            for _ in 0..<600 {
                let sample = body.step(dt: 1, using: &rng)
                since = previous?.activity == body.activity ? since + 1 : 0
                if since >= 120, let previous {
                    stats[body.activity, default: Stats()].hr.append(Double(sample.hr))
                    stats[body.activity, default: Stats()].accMagnitude.append(sample.accMagnitude)
                    let gyro = SIMD3<Double>(Double(sample.gyro.x), Double(sample.gyro.y), Double(sample.gyro.z)) / 10
                    stats[body.activity, default: Stats()].gyro.append((gyro * gyro).sum().squareRoot())
                    stats[body.activity, default: Stats()].stepDeltas.append(sample.steps - previous.steps)
                    stats[body.activity, default: Stats()].spo2.append(Double(sample.spo2))
                    stats[body.activity, default: Stats()].temp.append(Double(sample.temp) / 10)
                }
                previous = (body.activity, sample.steps)
            }
        }
        return stats
    }()

    @Test("every activity state is visited often enough to judge", arguments: Activity.allCases)
    func visited(_ activity: Activity) {
        #expect((Self.settled[activity]?.hr.count ?? 0) >= 2000)
    }

    @Test("mean heart rate rises from sleep to rest to walk to run, within human ranges")
    func heartRateFollowsActivity() throws {
        let means = Activity.allCases.map { Stats.mean(Self.settled[$0]?.hr ?? []) }
        #expect(means == means.sorted())
        #expect((42...75).contains(means[0]))
        #expect((55...80).contains(means[1]))
        #expect((80...115).contains(means[2]))
        #expect((120...180).contains(means[3]))
        let all = Self.settled.values.flatMap(\.hr)
        #expect(all.allSatisfy { (35...220).contains($0) })
    }

    @Test("acceleration is about 1 g at rest and swings with the gait")
    func accelerationFollowsActivity() {
        let sleep = Self.settled[.sleep]?.accMagnitude ?? []
        let rest = Self.settled[.rest]?.accMagnitude ?? []
        let walk = Self.settled[.walk]?.accMagnitude ?? []
        let run = Self.settled[.run]?.accMagnitude ?? []
        for still in [sleep, rest] {
            #expect(abs(Stats.mean(still) - 1) < 0.03)
            #expect(Stats.deviation(still) < 0.03)
        }
        #expect(Stats.deviation(walk) > 0.08)
        #expect(Stats.deviation(run) > 0.15)
        #expect(Stats.deviation(run) > Stats.deviation(walk))
        #expect(Self.settled.values.flatMap(\.accMagnitude).allSatisfy { $0 < 4 })
        #expect(Stats.mean(Self.settled[.run]?.gyro ?? []) > 5 * Stats.mean(Self.settled[.rest]?.gyro ?? []))
    }

    @Test("steps count up while walking or running and stand still otherwise")
    func stepsFollowActivity() {
        #expect(Self.settled[.sleep]?.stepDeltas.allSatisfy { $0 == 0 } == true)
        #expect(Self.settled[.rest]?.stepDeltas.allSatisfy { $0 == 0 } == true)
        let walk = (Self.settled[.walk]?.stepDeltas ?? []).map(Double.init)
        let run = (Self.settled[.run]?.stepDeltas ?? []).map(Double.init)
        #expect((1.4...2.2).contains(Stats.mean(walk)))
        #expect((2.3...3.2).contains(Stats.mean(run)))
    }

    @Test("SpO2 and skin temperature stay in physiological ranges")
    func spo2AndTemperature() {
        let spo2 = Self.settled.values.flatMap(\.spo2)
        let temp = Self.settled.values.flatMap(\.temp)
        #expect(spo2.allSatisfy { (88...100).contains($0) })
        #expect((95...99).contains(Stats.mean(spo2)))
        #expect(temp.allSatisfy { (30...37).contains($0) })
        #expect((32...35.5).contains(Stats.mean(temp)))
        #expect(Stats.mean(Self.settled[.run]?.spo2 ?? []) < Stats.mean(Self.settled[.rest]?.spo2 ?? []))
    }

    @Test("heart rate lags behind a change of activity")
    func heartRateLags() {
        var jumps: [(first: Double, later: Double)] = []
        for wearer in 0..<400 {
            var rng = Xoshiro256(seed: UInt64(wearer) &+ 77)
            var body = Physiology(profile: DeviceProfile(using: &rng), using: &rng)
            var trace: [(Activity, Int)] = []
            for _ in 0..<900 {
                let sample = body.step(dt: 1, using: &rng)
                trace.append((body.activity, sample.hr))
            }
            for index in 1..<(trace.count - 90) where trace[index].0 == .run && trace[index - 1].0 != .run {
                if trace[index...(index + 90)].allSatisfy({ $0.0 == .run }) {
                    jumps.append((Double(trace[index].1), Double(trace[index + 90].1)))
                }
            }
        }
        #expect(jumps.count >= 5)
        #expect(Stats.mean(jumps.map(\.later)) - Stats.mean(jumps.map(\.first)) > 20)
    }

    @Test("battery only drains and rssi stays within radio range")
    func batteryAndRadio() {
        var rng = Xoshiro256(seed: 5)
        var body = Physiology(profile: DeviceProfile(using: &rng), using: &rng)
        var last = Int.max
        for _ in 0..<3600 {
            let sample = body.step(dt: 1, using: &rng)
            #expect(sample.bat <= last)
            #expect((-105 ... -30).contains(sample.rssi))
            last = sample.bat
        }
        #expect(last < 100)
    }
}
