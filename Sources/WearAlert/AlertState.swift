import WearCore

/// wear-alert's `--state FILE` (docs/wear-alert.md, "State"): the open
/// incidents, the budget's window, the digest queue and the event-time
/// watermark, in a `StateFile` (versioned, checksummed, written atomically
/// with mode 0600). Restored at start, so a restart neither announces an
/// open incident again nor forgets one.
///
/// Body, format 1 (little-endian): watermark (u8 present, i64), next sweep
/// (i64), digest sequence (u64); budget: u32 count, i64 wall-time ms each;
/// queue: u32 count, each id (u32 + UTF-8), dev (u32 + UTF-8), pseudonym
/// (u16 + UTF-8), category (u8), opened (i64), queued at (i64); incidents,
/// least recently seen first: u32 count, each id, dev, category, pseudonym,
/// opened, last, count (u64), severity (u8), folded (u8), why (u16 count,
/// each feature u16 + UTF-8 and kind u8).
public struct AlertState: Sendable, Equatable {
    public static let stage = "wear-alert"
    public static let version: UInt32 = 1
    /// What the body's meaning depends on: nothing configurable (the
    /// threshold, quiet period, budget and templates may change between runs).
    public static let configuration = "incidents"

    public var watermark: Int64?
    public var nextSweep: Int64 = .max
    public var budgetSpent: [Int64] = []
    public var queue = DigestQueue()
    public var incidents: [Incident] = []

    public init() {}

    public init(watermark: Int64?, nextSweep: Int64, budgetSpent: [Int64], queue: DigestQueue, incidents: [Incident]) {
        self.watermark = watermark
        self.nextSweep = nextSweep
        self.budgetSpent = budgetSpent
        self.queue = queue
        self.incidents = incidents
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var writer = StateWriter()
        writer.u8(watermark == nil ? 0 : 1)
        writer.i64(watermark ?? 0)
        writer.i64(nextSweep)
        writer.u64(queue.sequence)
        writer.u32(UInt32(budgetSpent.count))
        for time in budgetSpent { writer.i64(time) }
        writer.u32(UInt32(queue.entries.count))
        for entry in queue.entries {
            writer.string32(entry.id)
            writer.string32(entry.dev)
            writer.string16(entry.pseudonym)
            writer.u8(Self.code(entry.category))
            writer.i64(entry.opened)
            writer.i64(entry.queuedAt)
        }
        writer.u32(UInt32(incidents.count))
        for incident in incidents {
            writer.string32(incident.id)
            writer.string32(incident.dev)
            writer.u8(Self.code(incident.category))
            writer.string16(incident.pseudonym)
            writer.i64(incident.opened)
            writer.i64(incident.last)
            writer.u64(UInt64(max(incident.count, 0)))
            writer.u8(UInt8(PostSeverity.allCases.firstIndex(of: incident.severity) ?? 0))
            writer.u8(incident.folded ? 1 : 0)
            writer.u16(UInt16(min(incident.why.count, Int(UInt16.max))))
            for item in incident.why.prefix(Int(UInt16.max)) {
                writer.string16(item.feature)
                writer.u8(UInt8(WhyItem.Kind.allCases.firstIndex(of: item.kind) ?? 0))
            }
        }
        return StateFile(stage: Self.stage, version: Self.version, configuration: Self.configuration,
                         body: writer.output).encoded()
    }

    /// The state of a checked `StateFile`; a body that does not parse is `.body` or `.truncated`.
    public init(_ file: StateFile) throws(StateFileError) {
        try file.expect(stage: Self.stage, version: Self.version, configuration: Self.configuration)
        var reader = StateReader(file.body)
        let hasWatermark = try reader.u8()
        let watermark = try reader.i64()
        self.watermark = hasWatermark == 0 ? nil : watermark
        nextSweep = try reader.i64()
        let sequence = try reader.u64()
        let spent = try Self.count(&reader, each: 8)
        budgetSpent = try (0..<spent).map { _ throws(StateFileError) in try reader.i64() }
        var entries: [QueuedIncident] = []
        for _ in 0..<(try Self.count(&reader, each: 27)) {
            entries.append(QueuedIncident(id: try reader.string32(), dev: try reader.string32(), pseudonym: try reader.string16(),
                                          category: try Self.category(try reader.u8()), opened: try reader.i64(),
                                          queuedAt: try reader.i64()))
        }
        queue = DigestQueue(entries: entries, sequence: sequence)
        for _ in 0..<(try Self.count(&reader, each: 40)) {
            incidents.append(try Self.incident(&reader))
        }
        guard reader.isAtEnd else { throw .body("\(reader.remaining) bytes after the last incident") }
    }

    private static func incident(_ reader: inout StateReader) throws(StateFileError) -> Incident {
        let id = try reader.string32()
        let dev = try reader.string32()
        let category = try category(try reader.u8())
        let pseudonym = try reader.string16()
        let opened = try reader.i64()
        let last = try reader.i64()
        let count = try reader.u64()
        let severityCode = Int(try reader.u8())
        guard severityCode < PostSeverity.allCases.count else { throw .body("severity code \(severityCode)") }
        let folded = try reader.u8() != 0
        var why: [WhyItem] = []
        for _ in 0..<Int(try reader.u16()) {
            let feature = try reader.string16()
            let kindCode = Int(try reader.u8())
            guard kindCode < WhyItem.Kind.allCases.count,
                  let item = WhyItem(feature: feature, kind: WhyItem.Kind.allCases[kindCode].rawValue) else {
                throw .body("incident \(id): a bad why entry")
            }
            why.append(item)
        }
        guard count >= 1, count < UInt64(Int.max), last >= opened else { throw .body("incident \(id): count \(count)") }
        return Incident(id: id, dev: dev, category: category, pseudonym: pseudonym, opened: opened, last: last,
                        count: Int(count), severity: PostSeverity.allCases[severityCode], why: why, folded: folded)
    }

    /// A u32 count, checked against what is left (each entry at least `each` bytes).
    private static func count(_ reader: inout StateReader, each: Int) throws(StateFileError) -> Int {
        let count = Int(try reader.u32())
        guard count <= reader.remaining / each else { throw .truncated }
        return count
    }

    private static func code(_ category: AlertCategory) -> UInt8 {
        UInt8(AlertCategory.allCases.firstIndex(of: category) ?? 0)
    }

    private static func category(_ code: UInt8) throws(StateFileError) -> AlertCategory {
        guard Int(code) < AlertCategory.allCases.count else { throw .body("category code \(code)") }
        return AlertCategory.allCases[Int(code)]
    }
}
