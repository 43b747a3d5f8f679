/// Finds the labelled record (attack instance and position in its label)
/// that a downstream record or reject is, by content first, line last:
///
/// 1. `(dev, rx)`: sealed runs (receive times are unique per device among a
///    device's own records; seq, when known, settles inserted copies).
/// 2. `(dev, seq, ts)`: plaintext runs, and records whose rx was cut off.
///    A plaintext replay is byte-identical to its original: the first
///    sighting of such a key is taken as the original (clean), later ones as
///    the replayed copies, in order.
/// 3. The line number, for rejects of the stage that read the simulator's
///    output directly, when the content names no device.
public struct LabelIndex {
    public struct Hit: Equatable, Sendable {
        public let label: Int
        public let entry: Int

        public init(label: Int, entry: Int) {
            self.label = label
            self.entry = entry
        }
    }

    struct DevTime: Hashable { let dev: String; let time: Int64 }
    struct DevSeqTime: Hashable { let dev: String; let seq: Int; let ts: Int64 }

    public let labels: [AttackLabel]
    private var byRx: [DevTime: [Hit]] = [:]
    private var bySeqTs: [DevSeqTime: [Hit]] = [:]
    private var byLine: [Int: Hit] = [:]
    /// Keys whose first sighting is a clean original (plaintext replays).
    private var originals: Set<DevSeqTime> = []
    private var sightings: [DevSeqTime: Int] = [:]

    public init(labels: [AttackLabel]) {
        self.labels = labels
        for (labelIndex, label) in labels.enumerated() {
            let isReplay = label.attack == AttackKind.replay.name
            for entry in 0..<label.count {
                let hit = Hit(label: labelIndex, entry: entry)
                byLine[label.lines[entry]] = hit
                if label.sealed, entry < label.rx.count {
                    byRx[DevTime(dev: label.dev, time: label.rx[entry]), default: []].append(hit)
                }
                let key = DevSeqTime(dev: label.dev, seq: label.seqs[entry], ts: label.ts[entry])
                if isReplay {
                    // A sealed replay is told apart by its rx; a plaintext one by order.
                    guard !label.sealed else { continue }
                    originals.insert(key)
                }
                bySeqTs[key, default: []].append(hit)
            }
        }
    }

    /// True when the labels come from a sealed run (false for none or plaintext).
    public var sealed: Bool { labels.first?.sealed ?? false }

    /// The labelled record `identity` is, if any; `line` is used only when
    /// the identity names no device and the line numbers are the simulator's.
    public mutating func match(_ identity: RecordIdentity, line: Int? = nil) -> Hit? {
        if let dev = identity.dev, let rx = identity.rx, let hits = byRx[DevTime(dev: dev, time: rx)] {
            if let seq = identity.seq {
                if let hit = hits.first(where: { labels[$0.label].seqs[$0.entry] == seq }) { return hit }
            } else if hits.count == 1 {
                return hits[0]
            }
        }
        if let dev = identity.dev, let seq = identity.seq, let ts = identity.ts {
            let key = DevSeqTime(dev: dev, seq: seq, ts: ts)
            guard let hits = bySeqTs[key] else { return nil }
            guard originals.contains(key) else { return hits[0] }
            let seen = sightings[key, default: 0]
            sightings[key] = seen + 1
            return seen == 0 ? nil : hits[min(seen - 1, hits.count - 1)]
        }
        if identity.dev == nil, let line {
            return byLine[line]
        }
        return nil
    }
}
