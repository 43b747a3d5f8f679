import Synchronization

/// A bounded, lock-free queue between exactly one producer thread and
/// exactly one consumer thread (a ring of `capacity` slots, a power of two).
///
/// The sharded runner moves whole batches through these (one queue each
/// way per worker), so a push or pop is paid once per batch of hundreds of
/// records, never per record; neither side ever blocks in the queue (the
/// caller decides how to wait: a `Doorbell`).
///
/// Thread safety (why `@unchecked Sendable` is honest): only the producer
/// calls `push` and writes `tail`; only the consumer calls `pop` and writes
/// `head`. A slot is written by the producer only while it is free (`tail -
/// head < capacity`, `head` read with acquire after the consumer's release
/// store, so the consumer's move out of it happened before), and read by the
/// consumer only after the producer's release store of `tail` published it
/// (read with acquire). The indices only grow (Int does not wrap in practice:
/// 2^63 batches). Using one queue from two producers or two consumers is a
/// contract violation the type cannot detect; the runner owns every queue
/// and hands each end to exactly one thread.
public final class SPSCQueue<Element: Sendable>: @unchecked Sendable {
    public let capacity: Int
    private let mask: Int
    private let slots: UnsafeMutablePointer<Element>
    /// Next slot to pop (written by the consumer only).
    private let head = Atomic<Int>(0)
    // Keep the two indices on different cache lines: the producer and the
    // consumer write them from different cores.
    private let padding = (0, 0, 0, 0, 0, 0, 0, 0)
    /// Next slot to push (written by the producer only).
    private let tail = Atomic<Int>(0)

    /// A queue of at least `capacity` slots (rounded up to a power of two, minimum 2).
    public init(capacity: Int) {
        var size = 2
        while size < capacity { size <<= 1 }
        self.capacity = size
        self.mask = size - 1
        self.slots = .allocate(capacity: size)
    }

    deinit {
        // No thread uses the queue any more: both orderings are trivially met.
        var index = head.load(ordering: .relaxed)
        let end = tail.load(ordering: .relaxed)
        while index < end {
            (slots + (index & mask)).deinitialize(count: 1)
            index += 1
        }
        slots.deallocate()
    }

    /// Producer only: appends `element`, or returns false (and drops
    /// nothing: the caller keeps its value) when the queue is full.
    public func push(_ element: Element) -> Bool {
        let position = tail.load(ordering: .relaxed)
        guard position - head.load(ordering: .acquiring) < capacity else { return false }
        (slots + (position & mask)).initialize(to: element)
        tail.store(position + 1, ordering: .releasing)
        return true
    }

    /// Consumer only: the oldest element, or nil when the queue is empty.
    public func pop() -> Element? {
        let position = head.load(ordering: .relaxed)
        guard position != tail.load(ordering: .acquiring) else { return nil }
        let element = (slots + (position & mask)).move()
        head.store(position + 1, ordering: .releasing)
        return element
    }

    /// Elements queued now (exact only on a quiet queue; for tests and metrics).
    public var approximateCount: Int {
        tail.load(ordering: .acquiring) - head.load(ordering: .acquiring)
    }
}
