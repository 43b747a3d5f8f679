import WearJOSE

/// What a simulation produces: fleet size, time span, cadence, attacks and
/// output form. The same configuration and seed give the same bytes.
public struct SimConfig: Sendable {
    /// Fleet members `wr-000001` ... (1 to 9,999,999).
    public var devices = 100
    /// Simulated time span, ms.
    public var durationMs: Int64 = 600_000
    /// Mean time between a device's records, ms (each gap jittered by ±10 %).
    public var intervalMs = 1000.0
    /// Event time of the start, ms since the epoch (default 2025-11-21 04:40 UTC).
    public var startMs: Int64 = 1_763_700_000_000
    public var seed: UInt64 = 1
    public var attacks = AttackSelection()
    /// Plaintext records instead of sealed envelopes.
    public var plain = false
    public var enc: ContentEncryption = .a256gcm

    public static let maxDevices = 9_999_999
    /// Event times are kept relative to the start in 38 bits (about 8.7 years).
    public static let maxDurationMs: Int64 = 1 << 37

    public init() {}

    /// Checks the ranges; the message names the option to fix.
    public func validate() throws(SimConfigError) {
        guard devices >= 1, devices <= Self.maxDevices else {
            throw SimConfigError("--devices must be 1 to \(Self.maxDevices), found \(devices)")
        }
        guard durationMs > 0, durationMs <= Self.maxDurationMs else {
            throw SimConfigError("--duration must be more than 0 and at most \(Self.maxDurationMs / 86_400_000) days")
        }
        guard intervalMs >= 1, intervalMs <= Double(durationMs) * 10 else {
            throw SimConfigError("--interval must be at least 1ms and not absurdly longer than --duration")
        }
        guard startMs >= 0, startMs < 1 << 50 else {
            throw SimConfigError("--start must be milliseconds since the epoch, found \(startMs)")
        }
        if plain, let kind = attacks.kinds.first(where: \.needsEnvelope) {
            throw SimConfigError("attack \(kind.name) alters envelopes and needs sealed output: drop --plain or the attack")
        }
        let needed = attacks.counts(devices: devices).filter { $0.kind.usesFleetDevice }.reduce(0) { $0 + $1.count }
        guard needed <= devices else {
            throw SimConfigError("the attacks need \(needed) distinct devices but the fleet has \(devices): lower the fractions")
        }
    }
}

/// A simulation setting that cannot work, with the option to change.
public struct SimConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
