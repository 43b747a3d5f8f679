import Glibc

/// Splits a byte stream into lines, zero-copy, with bounded memory.
///
/// The caller reads into `writableSpace()` (with read(2), any chunking) and
/// reports the count with `didRead(_:)`, then takes events with `next()` until
/// it returns nil; at end of input `finish()` yields a last line without a
/// final newline. `\r\n` is accepted, blank lines (only spaces, tabs, `\r`) are
/// skipped but counted in line numbers. A line over `maxLineBytes` becomes one
/// `.oversized` event carrying its first min(length, 4096) bytes, and the
/// framer skips to the next newline without keeping the rest: memory stays
/// below `max(maxLineBytes, 4096) + 2 * blockSize`.
public final class LineFramer {
    /// How much of an oversized line is kept for the reject record.
    public static let oversizePrefixBytes = 4096

    public let maxLineBytes: Int
    public let blockSize: Int
    /// A partial line longer than this is given up on before its newline
    /// arrives; at least `oversizePrefixBytes`, so the kept prefix does not
    /// depend on how the input was chunked.
    private let giveUpBytes: Int
    private let maxCapacity: Int
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var scanFrom = 0
    private var discarding = false
    private var nextLineNumber = 1
    private var blankCount = 0
    /// Blank lines skipped so far. (The stored count is private: a
    /// `public private(set)` property of a class costs a dynamic exclusivity
    /// check on every `next()`, measured with callgrind in docs/benchmarks.md.)
    public var blankLines: Int { blankCount }

    public init(maxLineBytes: Int, blockSize: Int = 256 * 1024) {
        precondition(maxLineBytes > 0 && blockSize > 0)
        self.maxLineBytes = maxLineBytes
        self.blockSize = blockSize
        self.giveUpBytes = max(maxLineBytes + 1, Self.oversizePrefixBytes)
        self.maxCapacity = giveUpBytes + 1 + blockSize
        self.capacity = min(maxCapacity, 2 * blockSize)
        self.storage = Self.allocate(capacity)
    }

    deinit { storage.deallocate() }

    private static func allocate(_ capacity: Int) -> UnsafeMutableRawPointer {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity + JSONParser.padding, alignment: 64)
        // The padding is only ever read by the JSON parser; keep it defined.
        (pointer + capacity).initializeMemory(as: UInt8.self, repeating: 0, count: JSONParser.padding)
        return pointer
    }

    /// Bytes allocated for the buffer (without padding): bounded by
    /// `max(maxLineBytes + 1, 4096) + 1 + 2 * blockSize` whatever the input.
    public var allocatedBytes: Int { capacity }

    /// Bytes buffered that are not yet part of a yielded line.
    public var bufferedBytes: Int { end - start }

    /// Space to read into: at least `blockSize` bytes.
    public func writableSpace() -> UnsafeMutableRawBufferPointer {
        if discarding {
            start = 0; end = 0; scanFrom = 0
        }
        if capacity - end < blockSize {
            compact()
        }
        if capacity - end < blockSize {
            grow()
        }
        return UnsafeMutableRawBufferPointer(start: storage + end, count: capacity - end)
    }

    /// Records that `count` bytes were written into `writableSpace()`.
    public func didRead(_ count: Int) {
        precondition(count >= 0 && end + count <= capacity)
        end += count
    }

    private func compact() {
        guard start > 0 else { return }
        let pending = end - start
        if pending > 0 {
            memmove(storage, storage + start, pending)
        }
        scanFrom -= start
        start = 0
        end = pending
    }

    private func grow() {
        let newCapacity = min(maxCapacity, max(capacity * 2, end + blockSize))
        guard newCapacity > capacity else { return }
        let newStorage = Self.allocate(newCapacity)
        newStorage.copyMemory(from: storage, byteCount: end)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }

    /// The next line event from what has been read, or nil when more input is needed.
    public func next() -> LineEvent? {
        while true {
            if discarding {
                guard let newline = findNewline() else {
                    start = end; scanFrom = end
                    return nil
                }
                start = newline + 1; scanFrom = start
                discarding = false
                continue
            }
            guard let newline = findNewline() else {
                scanFrom = end
                if end - start > giveUpBytes {
                    return beginDiscarding()
                }
                return nil
            }
            let number = nextLineNumber
            nextLineNumber += 1
            var length = newline - start
            if length > 0 && storage.load(fromByteOffset: newline - 1, as: UInt8.self) == UInt8(ascii: "\r") {
                length -= 1
            }
            let lineStart = start
            start = newline + 1; scanFrom = start
            if length > maxLineBytes {
                return .oversized(number: number, prefix: prefix(from: lineStart, count: length))
            }
            if let line = makeLine(at: lineStart, length: length, number: number) {
                return .line(line)
            }
        }
    }

    /// At end of input: the last line if it had no final newline, then nil.
    public func finish() -> LineEvent? {
        if let event = next() { return event }
        guard !discarding, end > start else {
            start = end; scanFrom = end
            return nil
        }
        let number = nextLineNumber
        nextLineNumber += 1
        var length = end - start
        if storage.load(fromByteOffset: end - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            length -= 1
        }
        let lineStart = start
        start = end; scanFrom = end
        if length > maxLineBytes {
            return .oversized(number: number, prefix: prefix(from: lineStart, count: length))
        }
        return makeLine(at: lineStart, length: length, number: number).map { .line($0) }
    }

    private func beginDiscarding() -> LineEvent {
        let number = nextLineNumber
        nextLineNumber += 1
        let event = LineEvent.oversized(number: number, prefix: prefix(from: start, count: end - start))
        discarding = true
        start = end; scanFrom = end
        return event
    }

    private func findNewline() -> Int? {
        guard scanFrom < end else { return nil }
        guard let found = memchr(storage + scanFrom, Int32(UInt8(ascii: "\n")), end - scanFrom) else { return nil }
        return storage.distance(to: found)
    }

    private func prefix(from offset: Int, count: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: storage + offset, count: min(count, Self.oversizePrefixBytes)))
    }

    private func makeLine(at offset: Int, length: Int, number: Int) -> Line? {
        let bytes = UnsafeRawBufferPointer(start: storage + offset, count: length)
        if length > 0, bytes[0] == UInt8(ascii: "{") {
            return Line(bytes: bytes, number: number)
        }
        for byte in bytes where !(byte == 0x20 || byte == 0x09 || byte == 0x0D) {
            return Line(bytes: bytes, number: number)
        }
        blankCount += 1
        return nil
    }
}
