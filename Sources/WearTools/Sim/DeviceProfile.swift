/// One simulated wearer and device: the baselines drawn once per device.
public struct DeviceProfile: Sendable {
    /// Resting heart rate, bpm (50-85).
    public let restingHR: Double
    /// Heart rate above resting while walking and running, bpm.
    public let walkDelta: Double
    public let runDelta: Double
    /// SpO2 baseline, % (95-99).
    public let spo2: Double
    /// Skin temperature baseline, °C (32-35).
    public let skinTemp: Double
    /// Steps per second while walking and running.
    public let walkCadence: Double
    public let runCadence: Double
    /// Peak arm-swing acceleration while walking and running, g.
    public let walkSwing: Double
    public let runSwing: Double
    /// Device clock error at the start (ms) and its drift (parts per million).
    public let clockOffsetMs: Double
    public let clockDriftPPM: Double
    /// One-way delay from device to edge, ms (before jitter).
    public let latencyMs: Double
    /// Typical signal strength, dBm.
    public let rssi: Double
    /// Battery at the start, %.
    public let battery: Double
    /// Steps already counted today at the start.
    public let steps: Double
    /// First sequence number.
    public let firstSeq: Int
    /// Index into `DeviceProfile.firmware`.
    public let firmwareIndex: Int

    /// Firmware versions in the fleet, most devices on the newest.
    public static let firmware: [StaticString] = ["2.4.1", "2.4.0", "2.3.7"]

    public init(using rng: inout Xoshiro256) {
        restingHR = rng.uniform(50, 85)
        walkDelta = rng.uniform(20, 35)
        runDelta = rng.uniform(60, 95)
        spo2 = rng.uniform(95.5, 98.8)
        skinTemp = rng.uniform(32.3, 34.7)
        walkCadence = rng.uniform(1.6, 2.0)
        runCadence = rng.uniform(2.5, 3.0)
        walkSwing = rng.uniform(0.15, 0.35)
        runSwing = rng.uniform(0.6, 1.2)
        clockOffsetMs = rng.uniform(-1500, 1500)
        clockDriftPPM = rng.uniform(-40, 40)
        latencyMs = rng.uniform(15, 120)
        rssi = rng.uniform(-78, -52)
        battery = rng.uniform(35, 100)
        steps = Double(rng.int(0, 9000))
        firstSeq = rng.int(1, 50000)
        let draw = rng.unit()
        firmwareIndex = draw < 0.7 ? 0 : draw < 0.92 ? 1 : 2
    }

    /// Heart rate the body settles at in `activity`, bpm.
    func targetHR(_ activity: Activity) -> Double {
        switch activity {
        case .sleep: max(42, restingHR - 8)
        case .rest: restingHR
        case .walk: restingHR + walkDelta
        case .run: min(190, restingHR + runDelta)
        }
    }

    func cadence(_ activity: Activity) -> Double {
        switch activity {
        case .walk: walkCadence
        case .run: runCadence
        case .sleep, .rest: 0
        }
    }

    func swing(_ activity: Activity) -> Double {
        switch activity {
        case .walk: walkSwing
        case .run: runSwing
        case .sleep, .rest: 0
        }
    }
}
