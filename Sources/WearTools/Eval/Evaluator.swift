import WearAlert
import WearCore

/// Scores a pipeline run against the simulator's labels. Feed it every
/// reject, scored record and alert receipt (any order of sources; within a
/// source, in file order), then ask for the `report`.
public final class Evaluator {
    public let threshold: Double
    var index: LabelIndex
    var tallies: [InstanceTally]
    var clean = CleanTally()
    var sources: Set<CatchStage> = []
    var unidentified = 0
    var otherRejects = 0
    var receipts = ReceiptTally()
    /// Records of the outputs that matched a label (caught or not).
    var labelledSeen = 0
    /// Clean records (no label) that wear-decrypt rejected, by reason.
    var cleanDecryptReasons: [String: Int] = [:]
    let parser = JSONParser(capacity: 1 << 20)
    let attribution: AlertAttribution?

    public init(labels: [AttackLabel], threshold: Double = 0.8, attribution: AlertAttribution? = nil) {
        self.threshold = threshold
        index = LabelIndex(labels: labels)
        tallies = Array(repeating: InstanceTally(), count: labels.count)
        self.attribution = attribution
    }

    public var labels: [AttackLabel] { index.labels }

    /// Marks which stages' outputs were given (columns for the others show "-").
    public func given(_ stages: CatchStage...) {
        sources.formUnion(stages)
    }

    /// One line of a `--rejects` file, read with `Reject.decode` (the
    /// contract's owner); a line that is not a reject record is unidentified.
    public func addReject(_ line: [UInt8]) {
        guard let reject = try? Reject.decode(line, parser: parser) else {
            unidentified += 1
            return
        }
        let reason = reject.reason.code
        let stage: CatchStage
        switch reject.stage {
        case "wear-decrypt": stage = .decrypt
        case "wear-filter": stage = .filterDrop
        default:
            otherRejects += 1
            return
        }
        sources.insert(stage)
        let identity = RecordIdentity(input: reject.input, parser: parser)
        let lineAligned = (stage == .decrypt) == index.sealed
        if let hit = index.match(identity, line: lineAligned ? reject.line : nil) {
            labelledSeen += 1
            record(hit, at: stage)
            tallies[hit.label].reasons[reason, default: 0] += 1
        } else if identity.dev == nil {
            unidentified += 1
        } else if stage == .decrypt {
            clean.decryptRejects += 1
            cleanDecryptReasons[reason, default: 0] += 1
        } else {
            clean.filterDrops += 1
            clean.filterDropReasons[reason, default: 0] += 1
        }
    }

    /// One record of the scored stream (wear-score's output, or wear-filter's).
    public func addScored(_ line: [UInt8]) {
        guard case .success(let object) = parser.parse(copying: line), object.isObject else {
            unidentified += 1
            return
        }
        sources.insert(.filterTag)
        var flags: [String] = []
        object["flags"]?.forEachElement { element in
            if let flag = element.string { flags.append(flag) }
            return true
        }
        let scoreValue = object["score"]
        if scoreValue != nil { sources.insert(.score) }
        let score = scoreValue?.double
        let identity = RecordIdentity(object: object)
        guard identity.dev != nil else {
            unidentified += 1
            return
        }
        if let hit = index.match(identity) {
            labelledSeen += 1
            if !flags.isEmpty { record(hit, at: .filterTag) }
            if let score, score >= threshold { record(hit, at: .score) }
            return
        }
        clean.count(flags: flags, score: score, threshold: threshold)
        if let dev = identity.dev { clean.devices.insert(dev) }
        attribution?.observe(dev: identity.dev, time: identity.rx ?? identity.ts)
    }

    /// One alert receipt, read as WearAlert's `AlertReceipt`; a line that
    /// is not one counts as naming no device.
    public func addReceipt(_ line: [UInt8]) {
        sources.insert(.alert)
        receipts.total += 1
        guard case .success(let object) = parser.parse(copying: line),
              let receipt = try? AlertReceipt(decoding: object) else {
            receipts.unattributed += 1
            return
        }
        // A digest's own post names no device; each incident folded into it
        // has a `digest` receipt of its own that does (wear-alert), and
        // counts as alerted like a post. A queued incident is not public yet:
        // its `digest` receipt comes when the digest goes out.
        let isDigestPost = receipt.digest.map { $0 == receipt.incident }
            ?? (receipt.status == .digest && receipt.dev == nil && receipt.pseudonym == nil)
        if isDigestPost {
            receipts.digests += 1
            return
        }
        if receipt.status == .queued {
            receipts.queued += 1
            return
        }
        guard let device = receipt.dev ?? attribution?.device(named: receipt, labels: labels) else {
            receipts.unattributed += 1
            return
        }
        let matching = labels.indices.filter { labels[$0].dev == device && receipt.fits(labels[$0]) }
        if matching.isEmpty {
            receipts.falseAlerts += 1
            receipts.cleanDevicesAlerted.insert(device)
        }
        for label in matching {
            tallies[label].note(.alert, time: receipt.opened ?? labels[label].start, entry: nil, start: labels[label].start,
                                timed: receipt.opened != nil)
        }
    }

    private func record(_ hit: LabelIndex.Hit, at stage: CatchStage) {
        let label = labels[hit.label]
        tallies[hit.label].note(stage, time: label.eventTime(hit.entry), entry: hit.entry, start: label.start, timed: true)
    }
}
