/// One record's identity from the moment the runner reads it until a stage
/// completes it: the batch it came in and its place there. Sendable, so a
/// worker thread or an HTTP client can hold it and complete the record later.
public struct RecordTicket: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The batch's id: the sequence number of its first record.
    public let batch: UInt64
    /// The record's index in its batch.
    public let index: Int32

    public init(batch: UInt64, index: Int32) {
        self.batch = batch
        self.index = index
    }

    /// The record's sequence number: 0 for the first record of a run, +1 for
    /// each record after it (in input order).
    public var sequence: UInt64 { batch + UInt64(index) }

    public static func < (lhs: RecordTicket, rhs: RecordTicket) -> Bool { lhs.sequence < rhs.sequence }

    public var description: String { "#\(sequence)" }
}

/// Lines read together, in storage the batch owns: the bytes of one read
/// block are copied once, and each line is an offset and a length into them,
/// with its physical line number. `JSONParser.padding` bytes are readable
/// after every line (the lines that follow it, and zeros after the last), so
/// `record(at:parser:acceptsNonJSON:)` parses in place.
///
/// Immutable and `Sendable`: it may cross threads (a shard worker, an HTTP
/// client) and lives as long as anything holds it. Only lines within
/// `--max-line-bytes` are in a batch; the runner rejects longer ones itself.
public final class RecordBatch: @unchecked Sendable {
    /// The batch's id and the sequence number of its first record.
    public let id: UInt64
    private let storage: UnsafeMutableRawPointer
    /// Bytes of the batch's lines (newlines included).
    let byteCount: Int
    private let offsets: [Int32]
    private let lengths: [Int32]
    private let numbers: [Int]

    init(id: UInt64, copying bytes: UnsafeRawBufferPointer, offsets: [Int32], lengths: [Int32], numbers: [Int]) {
        precondition(offsets.count == lengths.count && lengths.count == numbers.count)
        self.id = id
        byteCount = bytes.count
        storage = .allocate(byteCount: bytes.count + JSONParser.padding, alignment: 64)
        if let base = bytes.baseAddress, bytes.count > 0 {
            storage.copyMemory(from: base, byteCount: bytes.count)
        }
        (storage + bytes.count).initializeMemory(as: UInt8.self, repeating: 0, count: JSONParser.padding)
        self.offsets = offsets
        self.lengths = lengths
        self.numbers = numbers
    }

    /// A batch of `lines` (no newlines, none blank), numbered from
    /// `firstLineNumber`: for tests and tools that build batches without a
    /// runner. `id` is the first record's sequence number.
    public init(lines: [[UInt8]], id: UInt64 = 0, firstLineNumber: Int = 1) {
        var joined: [UInt8] = [], offsets: [Int32] = [], lengths: [Int32] = []
        for line in lines {
            offsets.append(Int32(joined.count))
            lengths.append(Int32(line.count))
            joined += line
            joined.append(UInt8(ascii: "\n"))
        }
        self.id = id
        byteCount = joined.count
        let storage = UnsafeMutableRawPointer.allocate(byteCount: joined.count + JSONParser.padding, alignment: 64)
        joined.withUnsafeBytes { raw in
            if let base = raw.baseAddress { storage.copyMemory(from: base, byteCount: raw.count) }
        }
        (storage + joined.count).initializeMemory(as: UInt8.self, repeating: 0, count: JSONParser.padding)
        self.storage = storage
        self.offsets = offsets
        self.lengths = lengths
        self.numbers = Array(firstLineNumber..<(firstLineNumber + lines.count))
    }

    deinit { storage.deallocate() }

    /// Records in the batch.
    public var count: Int { offsets.count }

    /// Bytes of storage the batch holds (all lines with their separators).
    public var storageBytes: Int { byteCount }

    /// The ticket of record `index`.
    public func ticket(at index: Int) -> RecordTicket {
        RecordTicket(batch: id, index: Int32(index))
    }

    /// All tickets, in input order.
    public var tickets: [RecordTicket] { (0..<count).map(ticket(at:)) }

    /// The index of `ticket` in this batch, if it belongs here.
    public func index(of ticket: RecordTicket) -> Int? {
        ticket.batch == id && ticket.index >= 0 && Int(ticket.index) < count ? Int(ticket.index) : nil
    }

    /// Record `index`'s bytes (no newline) and physical line number; the bytes
    /// are valid as long as the batch is, with `JSONParser.padding` readable after them.
    public func line(at index: Int) -> Line {
        Line(bytes: UnsafeRawBufferPointer(start: storage + Int(offsets[index]), count: Int(lengths[index])),
             number: numbers[index])
    }

    /// Record `index`'s physical line number (1-based).
    public func lineNumber(at index: Int) -> Int { numbers[index] }

    /// Record `index` checked as the runner checks every record (`RecordLayer`:
    /// valid JSON, an object, no duplicate names), parsed with `parser` (one
    /// per thread; the record is valid until its next parse). A fault must
    /// become a reject: complete the ticket with `fault.reason`.
    public func record(at index: Int, parser: JSONParser, acceptsNonJSON: Bool = false) -> Result<Record, RecordLayer.Fault> {
        RecordLayer.record(from: line(at: index), parser: parser, acceptsNonJSON: acceptsNonJSON)
    }
}
