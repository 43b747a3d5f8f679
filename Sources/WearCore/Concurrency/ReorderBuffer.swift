/// Releases values in sequence order when they arrive out of order: the
/// sharded runner's `--ordered` mode puts each input batch's completed
/// results here under the batch's sequence number and writes them out
/// only when every earlier batch has been written.
///
/// Memory is bounded by the caller: at most as many values are held as
/// sequence numbers are in flight (workers × queue slots in the runner).
public struct ReorderBuffer<Element> {
    /// The sequence number released next.
    public private(set) var next: Int
    /// Ring of slots for sequences next, next + 1, ...
    private var slots: [Element?]
    private var first = 0
    public private(set) var count = 0

    public init(first sequence: Int = 0) {
        self.next = sequence
        self.slots = Array(repeating: nil, count: 16)
    }

    /// Holds `value` for `sequence`, which must not be released or held yet.
    public mutating func insert(_ value: Element, at sequence: Int) {
        precondition(sequence >= next, "sequence \(sequence) was already released")
        let distance = sequence - next
        if distance >= slots.count { grow(to: distance + 1) }
        let index = (first + distance) % slots.count
        precondition(slots[index] == nil, "sequence \(sequence) inserted twice")
        slots[index] = value
        count += 1
    }

    /// The value for `next`, if it has arrived; then `next` advances.
    public mutating func popNext() -> Element? {
        guard let value = slots[first] else { return nil }
        slots[first] = nil
        first = (first + 1) % slots.count
        next += 1
        count -= 1
        return value
    }

    public var isEmpty: Bool { count == 0 }

    private mutating func grow(to needed: Int) {
        var size = slots.count * 2
        while size < needed { size *= 2 }
        var grown = [Element?](repeating: nil, count: size)
        for offset in 0..<slots.count {
            grown[offset] = slots[(first + offset) % slots.count]
        }
        slots = grown
        first = 0
    }
}
