/// A simulated device between two records: its body, its own random
/// stream, its counters and clocks, and the attack it is under (if any).
struct DeviceState {
    /// The number in its id (`wr-NNNNNN`).
    let number: Int
    let kind: DeviceKind
    var body: Physiology
    var rng: Xoshiro256
    /// The last seq sent (the first record carries `profile.firstSeq`).
    var seq: Int
    /// When the next record is sent, and when the previous one was, ms after the start.
    var nextSend: Double
    var lastSend: Double
    /// The last receive time used for this device (receive times strictly increase per device).
    var lastRx: Int64 = .min
    /// The last reading and timestamp sent (what a flood repeats).
    var lastSample: Sample?
    var lastTs: Int64 = 0
    var recordsSent = 0
    /// Index of the attack runtime acting on this device, or -1.
    var attack = -1
    /// True for unknown_device intruders (not fleet members).
    var rogue = false

    init(number: Int, kind: DeviceKind, seed: UInt64, intervalMs: Double, firstSend: Double? = nil) {
        self.number = number
        self.kind = kind
        rng = Xoshiro256(seed: seed)
        let profile = DeviceProfile(using: &rng)
        body = Physiology(profile: profile, using: &rng)
        seq = profile.firstSeq - 1
        let phase = rng.unit() * intervalMs
        nextSend = firstSend.map { $0 + phase } ?? phase
        lastSend = nextSend - intervalMs
    }

    var profile: DeviceProfile { body.profile }

    /// The device clock at true time `send` (ms after the start): offset plus drift.
    @inline(__always)
    func deviceClock(_ send: Double, startMs: Int64) -> Int64 {
        startMs + Int64((send + profile.clockOffsetMs + send * profile.clockDriftPPM * 1e-6).rounded())
    }

    /// The edge's receive time for a send at `send`: latency plus jitter.
    @inline(__always)
    mutating func receiveDelay() -> Double {
        let u = rng.unit()
        return profile.latencyMs + 25 * u * u
    }

    /// A receive time strictly after the device's previous one.
    @inline(__always)
    mutating func claimRx(_ proposed: Int64) -> Int64 {
        let rx = max(proposed, lastRx &+ 1)
        lastRx = rx
        return rx
    }
}
