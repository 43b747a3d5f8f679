/// The simulator's schedule: a binary min-heap of packed keys, each an
/// event time (ms after the start, high 38 bits) and a stream number (low
/// 26 bits). Ties in time go to the lower stream, so the order is total and
/// a run is reproducible.
struct EventQueue {
    static let streamBits: UInt64 = 26
    static let maxStreams = 1 << 26
    private var heap: ContiguousArray<UInt64> = []

    init(capacity: Int) {
        heap.reserveCapacity(capacity)
    }

    var isEmpty: Bool { heap.isEmpty }

    @inline(__always)
    static func key(time: Int64, stream: Int) -> UInt64 {
        (UInt64(max(0, time)) << streamBits) | UInt64(stream)
    }

    @inline(__always)
    static func time(of key: UInt64) -> Int64 { Int64(key >> streamBits) }

    @inline(__always)
    static func stream(of key: UInt64) -> Int { Int(key & ((1 << streamBits) - 1)) }

    mutating func push(time: Int64, stream: Int) {
        heap.append(Self.key(time: time, stream: stream))
        var child = heap.count - 1
        let value = heap[child]
        while child > 0 {
            let parent = (child - 1) >> 1
            guard heap[parent] > value else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = value
    }

    mutating func popMin() -> UInt64? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        let count = heap.count
        var parent = 0
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count, heap[child + 1] < heap[child] { child += 1 }
            guard heap[child] < last else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = last
        return top
    }
}
