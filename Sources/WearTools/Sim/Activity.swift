/// What a wearer is doing: the hidden state of each simulated device, a
/// continuous-time Markov chain sampled at each record.
public enum Activity: Int, CaseIterable, Sendable {
    case sleep, rest, walk, run

    public var name: String {
        switch self {
        case .sleep: "sleep"
        case .rest: "rest"
        case .walk: "walk"
        case .run: "run"
        }
    }

    /// Mean time spent in the state before leaving it, seconds.
    var meanDwellSeconds: Double {
        switch self {
        case .sleep: 3600
        case .rest: 1200
        case .walk: 480
        case .run: 600
        }
    }

    /// The next state after leaving this one, from a uniform draw in [0, 1).
    func successor(_ draw: Double) -> Activity {
        switch self {
        case .sleep: .rest
        case .rest: draw < 0.25 ? .sleep : draw < 0.85 ? .walk : .run
        case .walk: draw < 0.7 ? .rest : .run
        case .run: draw < 0.7 ? .walk : .rest
        }
    }

    /// The state a device starts in, from a uniform draw in [0, 1).
    static func initial(_ draw: Double) -> Activity {
        draw < 0.25 ? .sleep : draw < 0.7 ? .rest : draw < 0.9 ? .walk : .run
    }

    /// Per-state constants of the signal model.
    var model: ActivityModel {
        switch self {
        case .sleep:
            ActivityModel(spo2Offset: -0.7, skinTempOffset: 0.5, accNoise: 0.005, gyroNoise: 0.4,
                          gyroSwing: 0, batteryPerHour: 0.5)
        case .rest:
            ActivityModel(spo2Offset: 0, skinTempOffset: 0, accNoise: 0.01, gyroNoise: 1.5,
                          gyroSwing: 0, batteryPerHour: 0.8)
        case .walk:
            ActivityModel(spo2Offset: -0.3, skinTempOffset: -0.2, accNoise: 0.05, gyroNoise: 12,
                          gyroSwing: 60, batteryPerHour: 1.0)
        case .run:
            ActivityModel(spo2Offset: -1.2, skinTempOffset: -0.6, accNoise: 0.12, gyroNoise: 30,
                          gyroSwing: 200, batteryPerHour: 2.5)
        }
    }
}

/// Constants of the signal model for one activity.
struct ActivityModel {
    /// Added to the wearer's SpO2 baseline, %.
    let spo2Offset: Double
    /// Where skin temperature settles relative to baseline, °C.
    let skinTempOffset: Double
    /// Accelerometer noise, g (1 σ).
    let accNoise: Double
    /// Gyroscope noise, °/s (1 σ).
    let gyroNoise: Double
    /// Amplitude of the arm swing seen by the gyroscope, °/s.
    let gyroSwing: Double
    /// Battery drain, % per hour.
    let batteryPerHour: Double
}
