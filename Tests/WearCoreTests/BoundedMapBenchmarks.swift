import Glibc
import Testing
import WearCore

/// Hit and miss cost and measured bytes per entry of `BoundedMap`, printed
/// for docs/runtime.md. Only with WEAR_BENCH=1, alone and in release mode:
///
///     WEAR_BENCH=1 swift test -c release --filter BoundedMapBenchmarks
///
/// (alone, because malloc's counters see every thread of the process).
@Suite("BoundedMap benchmarks", .serialized, .enabled(if: getenv("WEAR_BENCH") != nil))
struct BoundedMapBenchmarks {
    typealias Key32 = (UInt64, UInt64, UInt64, UInt64)

    /// Device ids as they appear in records: `wr-000000` ... (9 bytes).
    static func ids(_ count: Int) -> [[UInt8]] {
        (0..<count).map { number in
            let digits = String(number)
            return Array(("wr-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits).utf8)
        }
    }

    static func nanoseconds(_ body: () -> Void) -> Double {
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        body()
        clock_gettime(CLOCK_MONOTONIC, &end)
        return Double(end.tv_sec - start.tv_sec) * 1e9 + Double(end.tv_nsec - start.tv_nsec)
    }

    static func tenths(_ value: Double) -> String { String((value * 10).rounded() / 10) }

    @Test(arguments: [1_000, 20_000, 200_000])
    func hitAndMissCost(devices: Int) {
        let keys = Self.ids(devices)
        let map = BoundedMap<Key32>(capacity: devices, inlineKeyBytes: 16)
        for key in keys { map.insert((1, 2, 3, 4), forKey: key) }
        let rounds = max(1, 4_000_000 / devices)
        var sum: UInt64 = 0
        let hit = Self.nanoseconds {
            for _ in 0..<rounds {
                for key in keys { key.withUnsafeBytes { sum &+= map.value(forKey: $0)?.3 ?? 0 } }
            }
        } / Double(rounds * devices)
        let others = keys.map { [UInt8(ascii: "x")] + $0 }
        let miss = Self.nanoseconds {
            for _ in 0..<rounds {
                for key in others { key.withUnsafeBytes { sum &+= map.value(forKey: $0)?.3 ?? 0 } }
            }
        } / Double(rounds * devices)
        // A full map: every insert evicts the least recently seen entry.
        let insert = Self.nanoseconds {
            for key in others { key.withUnsafeBytes { _ = map.insert((5, 6, 7, 8), forKey: $0) } }
        } / Double(devices)
        print("BoundedMap<32-byte value>, \(devices) keys of 9 bytes: hit \(Self.tenths(hit)) ns, "
              + "miss \(Self.tenths(miss)) ns, insert+evict \(Self.tenths(insert)) ns (sum \(sum % 10))")
        #expect(map.count == devices)
    }

    /// Resident memory of this process (/proc/self/statm, second field), in bytes.
    static func residentBytes() -> Int {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, 256, file) != nil else { return 0 }
        let fields = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    @Test func measuredBytesPerEntry() {
        let count = 1_000_000
        let keys = Self.ids(count)
        let before = Self.residentBytes()
        let map = BoundedMap<Key32>(capacity: count, inlineKeyBytes: 16)
        for key in keys { map.insert((1, 2, 3, 4), forKey: key) }
        let allocated = Self.residentBytes() - before
        print("BoundedMap<32-byte value>, 1,000,000 entries: resident +\(allocated) bytes "
              + "(\(allocated / count) per entry), footprintBytes \(map.footprintBytes)")
        #expect(abs(allocated - map.footprintBytes) < map.footprintBytes / 20)
    }
}
