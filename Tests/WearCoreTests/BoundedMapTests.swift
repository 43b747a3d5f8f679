import Glibc
import Testing
import WearCore

@Suite("BoundedMap")
struct BoundedMapTests {
    @Test func findsWhatWasInsertedAndCountsHitsAndMisses() {
        let map = BoundedMap<Int>(capacity: 4)
        map.insert(1, forKey: "wr-000001")
        map.insert(2, forKey: "wr-000002")
        #expect(map.value(forKey: "wr-000001") == 1)
        #expect(map.value(forKey: "wr-000002") == 2)
        #expect(map.value(forKey: "wr-000003") == nil)
        #expect(map.counters == .init(hits: 2, misses: 1, evictions: 0, count: 2, capacity: 4))
    }

    @Test func evictsTheLeastRecentlySeenEntry() {
        let map = BoundedMap<String>(capacity: 3)
        for key in ["a", "b", "c"] { map.insert(key, forKey: key) }
        _ = map.value(forKey: "a") // a is now the most recently seen; b the least
        #expect(map.insert("d", forKey: "d") == "b")
        #expect(map.keysByRecency.map { String(decoding: $0, as: UTF8.self) } == ["d", "a", "c"])
        _ = map.value(forKey: "c")
        #expect(map.insert("e", forKey: "e") == "a")
        #expect(map.keysByRecency.map { String(decoding: $0, as: UTF8.self) } == ["e", "c", "d"])
        #expect(map.evictions == 2)
        #expect(map.value(forKey: "b") == nil && map.value(forKey: "a") == nil)
    }

    @Test func insertOfAnExistingKeyReplacesItsValueAndReturnsTheOldOne() {
        let map = BoundedMap<Int>(capacity: 2)
        map.insert(1, forKey: "x")
        map.insert(2, forKey: "y")
        #expect(map.insert(3, forKey: "x") == 1)
        #expect(map.count == 2 && map.evictions == 0)
        #expect(map.insert(4, forKey: "z") == 2) // y was the least recently seen
    }

    @Test func neverHoldsMoreThanItsCapacity() {
        let map = BoundedMap<Int>(capacity: 100)
        for number in 0..<10_000 {
            map.insert(number, forKey: "dev-\(number)")
            #expect(map.count == min(number + 1, 100))
        }
        #expect(map.evictions == 9_900)
        for number in 9_900..<10_000 { #expect(map.value(forKey: "dev-\(number)") == number) }
        #expect(map.value(forKey: "dev-9899") == nil)
    }

    @Test func withValueMutatesInPlaceAndInsertsOnAMiss() {
        let map = BoundedMap<Int>(capacity: 2)
        for key in ["a", "b", "a", "a", "c"] {
            Array(key.utf8).withUnsafeBytes { bytes in
                map.withValue(forKey: bytes, insertingIfAbsent: { 0 }) { $0 += 1 }
            }
        }
        #expect(map.value(forKey: "a") == 3)
        #expect(map.value(forKey: "b") == nil) // evicted by c
        #expect(map.value(forKey: "c") == 1)
        #expect(map.counters.hits == 2 + 2 && map.counters.misses == 3 + 1)
    }

    @Test func removeAllEmptiesTheMapAndKeepsCounting() {
        let map = BoundedMap<Int>(capacity: 8)
        for number in 0..<8 { map.insert(number, forKey: [UInt8(number)]) }
        _ = map.value(forKey: [1])
        map.removeAll()
        #expect(map.count == 0 && map.keysByRecency.isEmpty)
        #expect(map.value(forKey: [1]) == nil)
        #expect(map.hits == 1 && map.misses == 1)
        map.insert(9, forKey: [1])
        #expect(map.value(forKey: [1]) == 9)
    }

    @Test func releasesEveryValueItDropsExactlyOnce() {
        final class Tracked {
            nonisolated(unsafe) static var alive = 0
            init() { Tracked.alive += 1 }
            deinit { Tracked.alive -= 1 }
        }
        do {
            let map = BoundedMap<Tracked>(capacity: 16)
            for number in 0..<100 { map.insert(Tracked(), forKey: "k\(number % 40)") }
            #expect(Tracked.alive == 16)
            #expect(map.removeValue(forKey: Array("k39".utf8)) == nil) // evicted long ago
            #expect(map.removeValue(forKey: Array("k19".utf8)) != nil) // the last one inserted
            #expect(Tracked.alive == 15)
            map.removeAll()
            #expect(Tracked.alive == 0)
            for number in 0..<5 { map.insert(Tracked(), forKey: "again\(number)") }
            #expect(Tracked.alive == 5)
        }
        #expect(Tracked.alive == 0)
    }
}
