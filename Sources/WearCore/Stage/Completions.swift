/// What a stage decided about records it holds, bundled so that it can be
/// built on any thread and handed to the runner in one piece: per record a
/// pass, a reject, or the lines it emits (zero, one or several: receipts,
/// a changed record, nothing). The runner counts each in the ledger when it
/// applies the bundle, in the order the entries were added.
///
/// `Sendable`: build it on a worker, then `RemoteCompleter.post` it, or give
/// it to `StageContext.complete(_:)` on the runner thread. The emitted bytes
/// are owned (copied in), so the records' batches need not outlive it.
public struct Completions: Sendable {
    /// One record's outcome.
    public enum Outcome: Sendable, Equatable {
        /// Emit the record's original line unchanged.
        case pass
        /// The lines `lines` (a range of `Completions`' line table).
        case emitted(lines: Range<Int>)
        case reject(RejectReason, detail: String)
        /// The stage tried to append members to a line that is not a JSON
        /// object: the runner rejects the record as `not_object`.
        case notAnObject
        /// Lines that complete no record (a digest receipt, what a
        /// synchronous stage's `finish` writes); the entry has no ticket.
        case extra(lines: Range<Int>)
    }

    public struct Entry: Sendable, Equatable {
        /// The record completed; nil for `.extra` lines.
        public let ticket: RecordTicket?
        public let outcome: Outcome
    }

    public private(set) var entries: [Entry] = []
    /// Emitted lines, back to back, without newlines.
    private(set) var bytes: [UInt8] = []
    /// Where each emitted line ends in `bytes`.
    private(set) var lineEnds: [Int] = []
    /// Scratch for `emit(_:appendingTo:_:)`. Only the mutating builders use it,
    /// on the thread building this value; the runner reads `entries`, `bytes`
    /// and `lineEnds` only, so copies sharing it across threads never race.
    private nonisolated(unsafe) var scratch: JSONFieldWriter?

    public init() {}

    /// Room for `records` completions whose emitted lines take about
    /// `bytes` in all: a worker's bundle for a batch part grows once instead
    /// of doubling its way up (those copies were ~340 instructions a record
    /// in wear-score under callgrind).
    public init(reservingRecords records: Int, bytes: Int) {
        entries.reserveCapacity(records)
        lineEnds.reserveCapacity(records)
        self.bytes.reserveCapacity(bytes)
    }

    /// Entries in this bundle (records completed, and extra lines).
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Emitted line `index` (valid while `body` runs).
    func withLine<Result>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws(StageFailure) -> Result) throws(StageFailure) -> Result {
        let start = index == 0 ? 0 : lineEnds[index - 1]
        let result: Swift.Result<Result, StageFailure> = bytes.withUnsafeBytes { raw in
            do throws(StageFailure) {
                return .success(try body(UnsafeRawBufferPointer(rebasing: raw[start..<lineEnds[index]])))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Emitted line `index` (of an `.emitted` or `.extra` entry's range), copied.
    public func line(_ index: Int) -> [UInt8] {
        Array(bytes[(index == 0 ? 0 : lineEnds[index - 1])..<lineEnds[index]])
    }

    /// The length of emitted line `index`.
    func lineLength(_ index: Int) -> Int {
        lineEnds[index] - (index == 0 ? 0 : lineEnds[index - 1])
    }

    /// The record passes unchanged (its original bytes are written).
    public mutating func pass(_ ticket: RecordTicket) {
        entries.append(Entry(ticket: ticket, outcome: .pass))
    }

    /// The record is rejected with a stable reason and a detail for a person.
    public mutating func reject(_ ticket: RecordTicket, _ reason: RejectReason, detail: String) {
        entries.append(Entry(ticket: ticket, outcome: .reject(reason, detail: detail)))
    }

    /// The record completes as out with one emitted line (a JSON value, no newline).
    public mutating func emit(_ ticket: RecordTicket, line: UnsafeRawBufferPointer) {
        emit(ticket) { $0.line(line) }
    }

    /// The record completes as out with the lines `body` writes (none is fine:
    /// a consumed record, as wear-alert's).
    public mutating func emit(_ ticket: RecordTicket, _ body: (inout LineWriter) -> Void) {
        let lines = writeLines(body)
        entries.append(Entry(ticket: ticket, outcome: .emitted(lines: lines)))
    }

    /// The record completes as out with the lines a `CapturedLines` holds.
    mutating func emit(_ ticket: RecordTicket, lines captured: CapturedLines) {
        let first = lineEnds.count
        captured.write(bytes: &bytes, lineEnds: &lineEnds)
        entries.append(Entry(ticket: ticket, outcome: .emitted(lines: first..<lineEnds.count)))
    }

    /// `emitWithoutRecord` of the lines a `CapturedLines` holds.
    mutating func emitWithoutRecord(lines captured: CapturedLines) {
        let first = lineEnds.count
        captured.write(bytes: &bytes, lineEnds: &lineEnds)
        if lineEnds.count > first {
            entries.append(Entry(ticket: nil, outcome: .extra(lines: first..<lineEnds.count)))
        }
    }

    /// Lines that complete no record (they are not counted in the ledger):
    /// a digest receipt, a summary at the end.
    public mutating func emitWithoutRecord(_ body: (inout LineWriter) -> Void) {
        let lines = writeLines(body)
        if !lines.isEmpty {
            entries.append(Entry(ticket: nil, outcome: .extra(lines: lines)))
        }
    }

    /// The record is rejected as `not_object`: the stage meant to append to
    /// a line that is not an object.
    mutating func notAnObject(_ ticket: RecordTicket) {
        entries.append(Entry(ticket: ticket, outcome: .notAnObject))
    }

    private mutating func writeLines(_ body: (inout LineWriter) -> Void) -> Range<Int> {
        let first = lineEnds.count
        var writer = LineWriter(completions: self)
        self = Completions() // `writer` holds the only reference while `body` runs: no copy of the arrays
        body(&writer)
        self = writer.completions
        return first..<lineEnds.count
    }

    /// The record completes as out with `line` (a JSON object) plus the
    /// members `build` appends, the original members byte for byte. A line
    /// that is not an object completes as a `not_object` reject instead; the
    /// return value says which (a stage never traps on its input).
    @discardableResult
    public mutating func emit(_ ticket: RecordTicket, appendingTo line: UnsafeRawBufferPointer,
                              _ build: (inout JSONFieldWriter) -> Void) -> Bool {
        var fields = scratch ?? JSONFieldWriter()
        scratch = fields
        guard fields.begin(object: line) else {
            notAnObject(ticket)
            return false
        }
        build(&fields)
        fields.end()
        emit(ticket, line: fields.bytes)
        return true
    }

    /// Appends every entry of `other` (its lines re-numbered).
    public mutating func append(contentsOf other: Completions) {
        let lineBase = lineEnds.count, byteBase = bytes.count
        bytes.append(contentsOf: other.bytes)
        lineEnds.append(contentsOf: other.lineEnds.lazy.map { $0 + byteBase })
        for entry in other.entries {
            switch entry.outcome {
            case .emitted(let lines):
                entries.append(Entry(ticket: entry.ticket, outcome: .emitted(lines: (lines.lowerBound + lineBase)..<(lines.upperBound + lineBase))))
            case .extra(let lines):
                entries.append(Entry(ticket: nil, outcome: .extra(lines: (lines.lowerBound + lineBase)..<(lines.upperBound + lineBase))))
            default:
                entries.append(entry)
            }
        }
    }

    /// Writes the lines of one emitted record.
    public struct LineWriter {
        fileprivate var completions: Completions

        /// One line (a JSON value, without newline).
        public mutating func line(_ bytes: UnsafeRawBufferPointer) {
            completions.bytes.append(contentsOf: bytes)
            completions.lineEnds.append(completions.bytes.count)
        }

        public mutating func line(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { line($0) }
        }
    }
}
