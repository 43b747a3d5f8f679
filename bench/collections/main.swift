// BoundedMap micro-benchmark: the cost of a hit, a miss and an insert that
// evicts, and the resident bytes per entry, for maps of 32-byte values (a
// derived key) keyed by device ids (9 bytes) or encoded JWE headers (64).
// Built with swiftc -O straight from WearCore's sources (run.sh): no package.
import Glibc

typealias Key32 = (UInt64, UInt64, UInt64, UInt64)

func nanoseconds(_ body: () -> Void) -> Double {
    var start = timespec(), end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    body()
    clock_gettime(CLOCK_MONOTONIC, &end)
    return Double(end.tv_sec - start.tv_sec) * 1e9 + Double(end.tv_nsec - start.tv_nsec)
}

func residentBytes() -> Int {
    guard let file = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 256)
    guard fgets(&buffer, 256, file) != nil else { return 0 }
    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let fields = text.split(separator: " ")
    guard fields.count >= 2, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// `wr-000042`-style ids, or (long) 64-byte encoded headers of them.
func keys(_ count: Int, long: Bool, prefix: String = "") -> [[UInt8]] {
    (0..<count).map { number in
        let digits = String(number)
        let id = prefix + "wr-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        return Array((long ? "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoi\(id)In0" : id).utf8)
    }
}

func tenths(_ value: Double) -> String { String((value * 10).rounded() / 10) }

func run(devices: Int, long: Bool) {
    let present = keys(devices, long: long), absent = keys(devices, long: long, prefix: "x")
    let map = BoundedMap<Key32>(capacity: devices, inlineKeyBytes: long ? 96 : 16)
    for key in present { map.insert((1, 2, 3, 4), forKey: key) }
    let rounds = max(1, 2_000_000 / devices)
    var sum: UInt64 = 0
    func lookUp(_ list: [[UInt8]]) -> Double {
        nanoseconds {
            for _ in 0..<rounds {
                for key in list { key.withUnsafeBytes { sum &+= map.value(forKey: $0)?.3 ?? 1 } }
            }
        } / Double(rounds * devices)
    }
    _ = lookUp(present)
    let hit = lookUp(present), miss = lookUp(absent)
    let evict = nanoseconds {
        for key in absent { key.withUnsafeBytes { _ = map.insert((5, 6, 7, 8), forKey: $0) } }
    } / Double(devices)
    print("\(devices) keys of \(present[0].count) bytes: hit \(tenths(hit)) ns, miss \(tenths(miss)) ns, "
          + "insert+evict \(tenths(evict)) ns  (\(sum % 7))")
}

/// `bounded_map count LOOKUPS hit|miss|none`: only the look-ups, for
/// callgrind (instructions per hit or miss = the difference to `none`, / LOOKUPS).
let arguments = CommandLine.arguments
if arguments.count == 4, arguments[1] == "count", let lookups = Int(arguments[2]) {
    let present = keys(1_000, long: true), absent = keys(1_000, long: true, prefix: "x")
    let map = BoundedMap<Key32>(capacity: 1_000, inlineKeyBytes: 96)
    for key in present { map.insert((1, 2, 3, 4), forKey: key) }
    let list = arguments[3] == "miss" ? absent : present
    var sum: UInt64 = 0
    for index in 0..<lookups {
        let key = list[index % list.count]
        if arguments[3] == "none" { sum &+= UInt64(key.count) } else { key.withUnsafeBytes { sum &+= map.value(forKey: $0)?.3 ?? 1 } }
    }
    print(sum)
    exit(0)
}

for long in [false, true] {
    for devices in [1_000, 20_000, 200_000, 1_000_000] { run(devices: devices, long: long) }
}

let count = 1_000_000
let ids = keys(count, long: false)
let before = residentBytes()
let map = BoundedMap<Key32>(capacity: count, inlineKeyBytes: 16)
for key in ids { map.insert((1, 2, 3, 4), forKey: key) }
let resident = residentBytes() - before
print("1,000,000 entries (9-byte keys, 32-byte values): resident +\(resident / 1024) KiB = \(resident / count) bytes/entry; "
      + "footprintBytes \(map.footprintBytes / count) bytes/entry")
