import Glibc
import Testing
import WearCore

/// BoundedMap against a reference model, under collisions and hostile keys.
@Suite("BoundedMap under stress")
struct BoundedMapStressTests {
    /// A plain least-recently-seen map: the behaviour BoundedMap must have.
    struct Model {
        let capacity: Int
        var order: [[UInt8]] = [] // most recent first
        var values: [[UInt8]: Int] = [:]

        mutating func lookup(_ key: [UInt8]) -> Int? {
            guard let value = values[key] else { return nil }
            touch(key)
            return value
        }

        mutating func insert(_ value: Int, _ key: [UInt8]) -> Int? {
            if let old = values[key] {
                values[key] = value
                touch(key)
                return old
            }
            var evicted: Int?
            if values.count == capacity, let last = order.popLast() {
                evicted = values.removeValue(forKey: last)
            }
            values[key] = value
            order.insert(key, at: 0)
            return evicted
        }

        mutating func remove(_ key: [UInt8]) -> Int? {
            guard let value = values.removeValue(forKey: key) else { return nil }
            order.removeAll { $0 == key }
            return value
        }

        private mutating func touch(_ key: [UInt8]) {
            order.removeAll { $0 == key }
            order.insert(key, at: 0)
        }
    }

    @Test(arguments: [1, 2, 7, 64])
    func behavesLikeTheReferenceModelUnderRandomOperations(capacity: Int) {
        var random = SystemRandomNumberGenerator()
        // A fixed seed and few distinct keys: long probe runs, many deletions.
        let map = BoundedMap<Int>(capacity: capacity, inlineKeyBytes: 8, seed: 42)
        var model = Model(capacity: capacity)
        let keys: [[UInt8]] = (0..<(capacity * 3 + 5)).map { number in
            Array(repeating: UInt8(number % 7), count: number % 13) + [UInt8(number & 0xFF), UInt8(number >> 8)]
        }
        for step in 0..<20_000 {
            guard let key = keys.randomElement(using: &random) else { continue }
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5: #expect(map.value(forKey: key) == model.lookup(key), "lookup at step \(step)")
            case 5..<9: #expect(map.insert(step, forKey: key) == model.insert(step, key), "insert at step \(step)")
            default: #expect(map.removeValue(forKey: key) == model.remove(key), "remove at step \(step)")
            }
            #expect(map.count == model.values.count)
        }
        #expect(map.keysByRecency == model.order)
    }

    @Test func keepsHostileKeysOfEveryLengthApart() {
        // Keys 0 to 300 bytes: all zero bytes (differ only in length), one byte
        // changed at every position, common prefixes, inline and out of line.
        var keys: [[UInt8]] = []
        for length in 0...300 { keys.append(Array(repeating: 0, count: length)) }
        for position in 0..<64 {
            var key = Array(repeating: UInt8(0), count: 64)
            key[position] = 1
            keys.append(key)
        }
        for length in [7, 8, 9, 15, 16, 17, 31, 32, 33, 255, 256, 257] {
            keys.append(Array(repeating: 0xFF, count: length))
            keys.append(Array(repeating: UInt8(ascii: "\""), count: length))
        }
        let distinct = Array(Set(keys))
        let map = BoundedMap<Int>(capacity: distinct.count)
        for (index, key) in distinct.enumerated() { map.insert(index, forKey: key) }
        #expect(map.count == distinct.count)
        for (index, key) in distinct.enumerated() { #expect(map.value(forKey: key) == index) }
        #expect(map.evictions == 0 && map.misses == 0)
        // Evicting them all through a small map frees out-of-line keys too.
        let small = BoundedMap<Int>(capacity: 3)
        for (index, key) in distinct.enumerated() { small.insert(index, forKey: key) }
        #expect(small.count == 3 && small.evictions == distinct.count - 3)
    }

    @Test func anEmptyKeyIsAKeyLikeAnyOther() {
        let map = BoundedMap<Int>(capacity: 2)
        map.insert(5, forKey: [])
        #expect(map.value(forKey: []) == 5)
        #expect(map.value(forKey: [0]) == nil)
    }

    @Test func wipesTheMemoryOfRemovedValuesWhenAsked() {
        typealias Secret = (UInt64, UInt64, UInt64, UInt64)
        let map = BoundedMap<Secret>(capacity: 1, wipesRemovedValues: true)
        map.insert((1, 2, 3, 4), forKey: "a")
        let evicted = map.insert((5, 6, 7, 8), forKey: "b")
        #expect(evicted.map { [$0.0, $0.1, $0.2, $0.3] } == [1, 2, 3, 4])
        #expect(map.value(forKey: "b").map { [$0.0, $0.1, $0.2, $0.3] } == [5, 6, 7, 8])
    }

    @Test func footprintIsTheTablePlusTheEntries() {
        typealias Key32 = (UInt64, UInt64, UInt64, UInt64)
        let map = BoundedMap<Key32>(capacity: 100_000, inlineKeyBytes: 16)
        #expect(map.footprintBytes == 32 * 8 + 16 * (32 + 32 + 16)) // storage grows with the entries
        for number in 0..<100_000 { map.insert((1, 2, 3, UInt64(number)), forKey: "wr-\(number)") }
        #expect(BoundedMap<Key32>.bytesPerEntry(inlineKeyBytes: 16, tableSlots: 2) == 32 + 32 + 16 + 16)
        #expect(map.footprintBytes == 262_144 * 8 + 100_000 * (32 + 32 + 16))
    }
}
