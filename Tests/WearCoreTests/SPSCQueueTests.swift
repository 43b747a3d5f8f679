import Glibc
import Synchronization
import Testing
import WearCore

@Suite("SPSCQueue")
struct SPSCQueueTests {
    @Test func roundsCapacityUpToAPowerOfTwo() {
        #expect(SPSCQueue<Int>(capacity: 5).capacity == 8)
        #expect(SPSCQueue<Int>(capacity: 0).capacity == 2)
        #expect(SPSCQueue<Int>(capacity: 64).capacity == 64)
    }

    @Test func popsInPushOrderAndRefusesWhenFull() {
        let queue = SPSCQueue<Int>(capacity: 4)
        #expect(queue.pop() == nil)
        for value in 1...4 { #expect(queue.push(value)) }
        #expect(!queue.push(5), "a full queue refuses")
        #expect(queue.pop() == 1)
        #expect(queue.push(5), "a popped slot is free again")
        #expect([queue.pop(), queue.pop(), queue.pop(), queue.pop()] == [2, 3, 4, 5])
        #expect(queue.pop() == nil)
        #expect(queue.approximateCount == 0)
    }

    @Test func wrapsAroundTheRingManyTimes() {
        let queue = SPSCQueue<Int>(capacity: 2)
        for value in 0..<1000 {
            #expect(queue.push(value))
            #expect(queue.pop() == value)
        }
    }

    @Test func releasesElementsStillQueuedWhenDestroyed() {
        let deinits = Counter()
        do {
            let queue = SPSCQueue<Tracked>(capacity: 4)
            for _ in 0..<3 { #expect(queue.push(Tracked(deinits))) }
            _ = queue.pop()
            #expect(deinits.value == 1)
        }
        #expect(deinits.value == 3)
    }

    /// One producer thread, one consumer thread, a queue smaller than the
    /// stream: every value arrives once, in order (run under TSan too).
    @Test func movesManyValuesBetweenTwoThreadsInOrder() throws {
        let queue = SPSCQueue<Int>(capacity: 8)
        let total = 200_000
        let producer = try WorkerThread {
            var next = 0
            while next < total {
                if queue.push(next) { next += 1 } else { sched_yield() }
            }
        }
        var expected = 0
        var outOfOrder = 0
        while expected < total {
            guard let value = queue.pop() else {
                sched_yield() // two cores shared with other tests: let the producer run
                continue
            }
            if value != expected { outOfOrder += 1 }
            expected += 1
        }
        producer.join()
        #expect(outOfOrder == 0)
        #expect(queue.pop() == nil)
    }
}

final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .acquiring) }
    func increment() { count.wrappingAdd(1, ordering: .acquiringAndReleasing) }
}

final class Tracked: Sendable {
    let deinits: Counter
    init(_ deinits: Counter) { self.deinits = deinits }
    deinit { deinits.increment() }
}
