import WearCore

/// Everything a shard needs, checked once at start: the features (their
/// expressions parsed and type-checked), the key and the detectors' settings.
public struct ScoreConfiguration: Sendable {
    public let features: [Feature]
    public let key: String
    public let parameters: DetectorParameters
    /// Devices with state, over all shards (each shard keeps its share).
    public let maxDevices: Int
    let entries: [ExprEntry]

    public init(features: [Feature] = Feature.telemetry, key: String = "dev", parameters: DetectorParameters = .init(),
                maxDevices: Int = 1_000_000) throws(FeatureError) {
        try Feature.validate(features)
        var entries: [ExprEntry] = []
        for feature in features {
            guard case .expression(let text) = feature.source else { continue }
            do {
                let expr = try ExprParser.parse(text, file: "--feature \(feature.name)")
                entries.append(ExprEntry(expr, result: .number, identity: feature.name))
            } catch {
                throw FeatureError(error.description)
            }
        }
        self.features = features
        self.key = key
        self.parameters = parameters
        self.maxDevices = max(1, maxDevices)
        self.entries = entries
        _ = try program(maxKeys: 1) // type-checks every expression now
    }

    /// The members a shard reads besides the features', filled in the
    /// program's pass (`ExprProgram.read`): the key, rx, ts, flags, and the
    /// score and why members a record may already have (to be replaced).
    static func reads(key: String) -> [String] { [key, "rx", "ts", "flags", "score", "why"] }
    static let readKey = 0, readRX = 1, readTS = 2, readFlags = 3, readScore = 4, readWhy = 5

    /// A fresh compiled program of the feature expressions (one per shard: not thread-safe).
    func program(maxKeys: Int) throws(FeatureError) -> ExprProgram {
        do {
            return try ExprProgram(compiling: entries, file: "--feature", maxKeys: maxKeys, alsoReading: Self.reads(key: key))
        } catch {
            throw FeatureError(error.description)
        }
    }

    /// Lanes with the stuck test.
    var stuckLanes: SIMDMask<SIMD8<Int32>> {
        var mask = SIMDMask<SIMD8<Int32>>()
        for (lane, feature) in features.enumerated() { mask[lane] = feature.stuck }
        return mask
    }
}
