extension RecordBatch {
    /// Collects the lines the framer yields from one read block (pointers
    /// into the framer's buffer) and copies them into a new batch with one
    /// memcpy: lines framed from one block are contiguous in that buffer, so
    /// the batch's bytes are the span from the first line's start to the last
    /// line's end, separators included.
    ///
    /// Lines must be added in the order the framer yields them, and `make`
    /// called before the framer's buffer moves (the next `writableSpace()`).
    struct Builder {
        private var start: UnsafeRawPointer?
        private var end: UnsafeRawPointer?
        private var offsets: [Int32] = []
        private var lengths: [Int32] = []
        private var numbers: [Int] = []

        init(reservingCapacity capacity: Int = 1024) {
            offsets.reserveCapacity(capacity)
            lengths.reserveCapacity(capacity)
            numbers.reserveCapacity(capacity)
        }

        var isEmpty: Bool { offsets.isEmpty }
        var count: Int { offsets.count }

        /// Adds a framed line; false (nothing added) when it does not follow
        /// the previous one in the same buffer: make the batch first.
        mutating func add(_ line: Line) -> Bool {
            guard let base = line.bytes.baseAddress else {
                // The framer never yields an empty line (it is blank); should one come
                // anyway, it has no bytes to copy: record it as empty where the batch ends.
                offsets.append(Int32(clamping: start.map { $0.distance(to: end ?? $0) } ?? 0))
                lengths.append(0)
                numbers.append(line.number)
                return true
            }
            if let start, let end {
                let offset = start.distance(to: base)
                guard base >= end, offset <= Int(Int32.max) - line.bytes.count else { return false }
                offsets.append(Int32(offset))
            } else {
                start = base
                offsets.append(0)
            }
            end = base + line.bytes.count
            lengths.append(Int32(line.bytes.count))
            numbers.append(line.number)
            return true
        }

        /// The batch of what was added (its id is the first record's sequence
        /// number), and an empty builder.
        mutating func make(id: UInt64) -> RecordBatch {
            let span: UnsafeRawBufferPointer
            if let start, let end {
                span = UnsafeRawBufferPointer(start: start, count: start.distance(to: end))
            } else {
                span = UnsafeRawBufferPointer(start: nil, count: 0)
            }
            let batch = RecordBatch(id: id, copying: span, offsets: offsets, lengths: lengths, numbers: numbers)
            start = nil
            end = nil
            offsets.removeAll(keepingCapacity: true)
            lengths.removeAll(keepingCapacity: true)
            numbers.removeAll(keepingCapacity: true)
            return batch
        }
    }
}
