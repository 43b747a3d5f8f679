/// What was caught of one attack instance, and when.
struct InstanceTally {
    /// Earliest event time caught, per stage (nil: not caught there).
    var firstTime: [Int64?] = Array(repeating: nil, count: CatchStage.allCases.count)
    var caught: [Bool] = Array(repeating: false, count: CatchStage.allCases.count)
    /// Positions in the label of the records caught anywhere.
    var caughtEntries: Set<Int> = []
    /// Reject reasons of its records, by code.
    var reasons: [String: Int] = [:]

    mutating func note(_ stage: CatchStage, time: Int64, entry: Int?, start: Int64, timed: Bool) {
        caught[stage.rawValue] = true
        if let entry { caughtEntries.insert(entry) }
        guard timed else { return }
        let current = firstTime[stage.rawValue] ?? .max
        firstTime[stage.rawValue] = min(current, max(time, start))
    }

    var caughtAnywhere: Bool { caught.contains(true) }

    /// Detection delay at `stage` (or the earliest of all stages), ms.
    func delay(at stage: CatchStage?, start: Int64) -> Int64? {
        let times = stage.map { [firstTime[$0.rawValue]] } ?? firstTime
        return times.compactMap { $0 }.min().map { $0 - start }
    }
}

/// What happened to records no attack touched.
struct CleanTally {
    var decryptRejects = 0
    var filterDrops = 0
    var filterDropReasons: [String: Int] = [:]
    /// Clean records in the scored stream, and those with flags.
    var seen = 0
    var tagged = 0
    var flags: [String: Int] = [:]
    /// Clean records with a numeric score, and those at or above the threshold.
    var scored = 0
    var scoredHigh = 0
    var devices: Set<String> = []

    mutating func count(flags recordFlags: [String], score: Double?, threshold: Double) {
        seen += 1
        if !recordFlags.isEmpty {
            tagged += 1
            for flag in recordFlags { flags[flag, default: 0] += 1 }
        }
        if let score {
            scored += 1
            if score >= threshold { scoredHigh += 1 }
        }
    }
}

/// Alert receipts as eval saw them.
struct ReceiptTally {
    var total = 0
    /// Digest posts (each incident in one has its own receipt).
    var digests = 0
    /// Incidents waiting for a digest when the run ended.
    var queued = 0
    /// Receipts that named no device eval could work out.
    var unattributed = 0
    /// Incidents about a device outside any of its attacks.
    var falseAlerts = 0
    var cleanDevicesAlerted: Set<String> = []
}
