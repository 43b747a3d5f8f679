/// The records a `BatchStage` holds: their batches (for the bytes of a
/// pass or a reject), which of their records are done, and how many are
/// left. A ticket completes once: a second completion finds nothing.
struct InFlightRecords {
    private struct Pending {
        let batch: RecordBatch
        var done: [Bool]
        var remaining: Int
    }

    private var batches: [UInt64: Pending] = [:]
    /// Records read and not yet completed.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func insert(_ batch: RecordBatch) {
        guard batch.count > 0 else { return }
        batches[batch.id] = Pending(batch: batch, done: Array(repeating: false, count: batch.count), remaining: batch.count)
        count += batch.count
    }

    /// Marks `ticket` done and returns its batch and index; nil when the
    /// ticket is unknown or already completed.
    mutating func complete(_ ticket: RecordTicket) -> (batch: RecordBatch, index: Int)? {
        // No local copy of the entry: mutating `done` in place must not copy it.
        guard let batch = batches[ticket.batch]?.batch, let index = batch.index(of: ticket),
              batches[ticket.batch]?.done[index] == false else { return nil }
        if batches[ticket.batch]?.remaining == 1 {
            batches[ticket.batch] = nil
        } else {
            batches[ticket.batch]?.done[index] = true
            batches[ticket.batch]?.remaining -= 1
        }
        count -= 1
        return (batch, index)
    }

    /// Removes and returns every record still held, in input order.
    mutating func removeAll() -> [(batch: RecordBatch, index: Int)] {
        var left: [(batch: RecordBatch, index: Int)] = []
        for id in batches.keys.sorted() {
            guard let pending = batches[id] else { continue }
            for index in 0..<pending.batch.count where !pending.done[index] {
                left.append((pending.batch, index))
            }
        }
        batches.removeAll()
        count = 0
        return left
    }
}
