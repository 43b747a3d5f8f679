import Glibc

/// The body and sensors behind one simulated device, advanced one record at
/// a time: activity follows a Markov chain; heart rate follows activity
/// with a lag (faster up than down) plus correlated noise; acceleration is
/// gravity in the wrist's orientation plus the arm swing of the gait; skin
/// temperature drifts slowly; the battery drains; rssi random-walks; steps
/// count up while walking or running.
///
/// Pure: all randomness comes from the generator passed in.
public struct Physiology: Sendable {
    public let profile: DeviceProfile
    public private(set) var activity: Activity
    private var hr: Double
    private var hrNoise = 0.0
    private var tempDrift = 0.0
    private var tempActivity: Double
    private var gravity: SIMD3<Double>
    private var swingAxis: SIMD3<Double>
    private var gaitPhase = 0.0
    private var battery: Double
    private var rssi: Double
    private var steps: Double

    public init(profile: DeviceProfile, using rng: inout Xoshiro256) {
        self.profile = profile
        activity = Activity.initial(rng.unit())
        hr = profile.targetHR(activity)
        tempActivity = activity.model.skinTempOffset
        battery = profile.battery
        rssi = profile.rssi
        steps = profile.steps
        gravity = SIMD3(0, 0, 1)
        swingAxis = SIMD3(0, 1, 0)
        gaitPhase = rng.uniform(0, 2 * .pi)
        orient(using: &rng)
    }

    /// Advances the body by `dt` seconds and returns the sensors' reading.
    public mutating func step(dt: Double, using rng: inout Xoshiro256) -> Sample {
        if rng.chance(min(1, dt / activity.meanDwellSeconds)) {
            activity = activity.successor(rng.unit())
            orient(using: &rng)
        }
        let model = activity.model
        advanceHeart(dt: dt, using: &rng)
        let sampledHR = (hr + hrNoise).rounded()
        let spo2 = min(100, (profile.spo2 + model.spo2Offset + 0.6 * rng.gaussian()).rounded())

        tempActivity += (model.skinTempOffset - tempActivity) * min(1, dt / 300)
        tempDrift += -tempDrift * min(1, dt / 1800) + 0.01 * dt.squareRoot() * rng.gaussian()
        let temp = profile.skinTemp + tempActivity + tempDrift + 0.04 * rng.gaussian()

        gaitPhase = (gaitPhase + .pi * profile.cadence(activity) * dt).truncatingRemainder(dividingBy: 2 * .pi)
        let (acc, gyro) = motion(model: model, using: &rng)

        battery = max(1, battery - model.batteryPerHour * dt / 3600)
        rssi += (profile.rssi - rssi) * min(1, dt / 60) + dt.squareRoot() * rng.gaussian()
        rssi = min(-35, max(-100, rssi))
        steps += profile.cadence(activity) * dt * (1 + 0.05 * rng.gaussian())

        return Sample(
            hr: Int(min(220, max(35, sampledHR))),
            spo2: Int(max(85, spo2)),
            temp: Int((temp * 10).rounded()),
            acc: SIMD3(Int((acc.x * 100).rounded()), Int((acc.y * 100).rounded()), Int((acc.z * 100).rounded())),
            gyro: SIMD3(Int((gyro.x * 10).rounded()), Int((gyro.y * 10).rounded()), Int((gyro.z * 10).rounded())),
            bat: Int(battery.rounded(.up)),
            rssi: Int((rssi + 1.5 * rng.gaussian()).rounded()),
            steps: Int(steps)
        )
    }

    /// Heart rate moves towards the activity's target with a time constant
    /// of 20 s going up and 40 s coming down; noise is AR(1).
    private mutating func advanceHeart(dt: Double, using rng: inout Xoshiro256) {
        let target = profile.targetHR(activity)
        let tau = target > hr ? 20.0 : 40.0
        hr += (target - hr) * (1 - exp(-dt / tau))
        let spread = activity == .sleep ? 0.6 : activity == .run ? 1.4 : 1.0
        hrNoise = 0.85 * hrNoise + spread * rng.gaussian()
    }

    /// Gravity in the wrist's frame, plus the gait's swing and bounce, plus noise.
    private func motion(model: ActivityModel, using rng: inout Xoshiro256) -> (SIMD3<Double>, SIMD3<Double>) {
        let swing = profile.swing(activity)
        let wave = sin(gaitPhase)
        var acc = gravity + swingAxis * (swing * wave)
        if swing > 0 {
            acc += gravity * (0.5 * swing * cos(2 * gaitPhase))
        }
        acc += SIMD3(rng.gaussian(), rng.gaussian(), rng.gaussian()) * model.accNoise
        let turn = SIMD3<Double>(swingAxis.z, swingAxis.x, swingAxis.y)
        let gyro = turn * (model.gyroSwing * cos(gaitPhase))
            + SIMD3(rng.gaussian(), rng.gaussian(), rng.gaussian()) * model.gyroNoise
        return (acc, gyro)
    }

    /// A new wrist orientation for the current activity: flat on a table or
    /// lap at rest, any way up in bed, hanging and swinging on the move.
    private mutating func orient(using rng: inout Xoshiro256) {
        let jitter = SIMD3(rng.gaussian(), rng.gaussian(), rng.gaussian())
        switch activity {
        case .sleep:
            gravity = normalized(jitter + SIMD3(0, 0, 0.3))
        case .rest:
            gravity = normalized(SIMD3(0, 0, 1) + jitter * 0.2)
        case .walk, .run:
            gravity = normalized(SIMD3(-0.9, 0.1, 0.35) + jitter * 0.1)
        }
        swingAxis = normalized(SIMD3(0.1, 1, -0.2) + jitter * 0.1)
    }

    private func normalized(_ v: SIMD3<Double>) -> SIMD3<Double> {
        let length = (v * v).sum().squareRoot()
        return length > 1e-6 ? v / length : SIMD3(0, 0, 1)
    }
}
