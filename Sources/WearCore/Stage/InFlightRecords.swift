/// The records a `BatchStage` holds: their batches (for the bytes of a
/// pass or a reject), which of their records are done, and how many are
/// left. A ticket completes once: a second completion finds nothing.
///
/// Batches are kept in id order (ids grow with every batch), found by a
/// check of the last one hit and then a binary search: no hashing, and the
/// per-record work is a flag in a class-held array, updated in place. (A
/// dictionary of value entries cost 2,560 instructions per record under
/// callgrind: every update copied the batch's flags.) A batch leaves as
/// soon as its last record completes, whatever is still held before it.
struct InFlightRecords {
    private final class Pending {
        let batch: RecordBatch
        // Runner thread only, and no access spans a call: the dynamic
        // exclusivity checks (swift_beginAccess) are not needed.
        @exclusivity(unchecked) var done: [Bool]
        @exclusivity(unchecked) var remaining: Int

        init(_ batch: RecordBatch) {
            self.batch = batch
            done = Array(repeating: false, count: batch.count)
            remaining = batch.count
        }
    }

    private var pending: [Pending] = []
    private var lastHit = 0
    /// Records read and not yet completed.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func insert(_ batch: RecordBatch) {
        guard batch.count > 0 else { return }
        precondition(pending.last.map { $0.batch.id < batch.id } ?? true, "batches are inserted in id order")
        pending.append(Pending(batch))
        count += batch.count
    }

    /// Marks `ticket` done and returns its batch and index; nil when the
    /// ticket is unknown or already completed.
    mutating func complete(_ ticket: RecordTicket) -> (batch: RecordBatch, index: Int)? {
        guard let position = position(of: ticket.batch) else { return nil }
        let entry = pending[position]
        guard let index = entry.batch.index(of: ticket), !entry.done[index] else { return nil }
        entry.done[index] = true
        entry.remaining -= 1
        count -= 1
        if entry.remaining == 0 {
            pending.remove(at: position)
        }
        return (entry.batch, index)
    }

    private mutating func position(of id: UInt64) -> Int? {
        if lastHit < pending.count, pending[lastHit].batch.id == id { return lastHit }
        var low = 0, high = pending.count
        while low < high {
            let middle = (low + high) / 2
            let found = pending[middle].batch.id
            if found == id {
                lastHit = middle
                return middle
            }
            if found < id { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// Removes and returns every record still held, in input order.
    mutating func removeAll() -> [(batch: RecordBatch, index: Int)] {
        var left: [(batch: RecordBatch, index: Int)] = []
        for entry in pending {
            for index in 0..<entry.batch.count where !entry.done[index] {
                left.append((entry.batch, index))
            }
        }
        pending.removeAll()
        count = 0
        return left
    }
}
