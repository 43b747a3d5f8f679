// Times ExprProgram on NDJSON telemetry with the draft default rules of #9:
//
//   ExprBench parse FILE   parse every line with simdjson, nothing else (the baseline)
//   ExprBench rules FILE   parse, load, then the rules in order as wear-filter runs them
//
// Under callgrind, (rules - parse) / records is what load + the conditions cost.
import Glibc
import WearCore

let rules: [(action: String, name: String, source: String)] = [
    ("keep", "telemetry", "exists(dev) and exists(seq) and exists(ts)"),
    ("drop", "oversize", "sz > 4KiB"),
    ("drop", "flood", "bucket(dev, 5/s, 20)"),
    ("drop", "hr_range", "hr < 20 or hr > 250"),
    ("drop", "spo2_range", "spo2 < 50 or spo2 > 100"),
    ("drop", "temp_range", "temp < 25 or temp > 45"),
    ("tag", "replay", "seq <= max(dev, seq)"),
    ("tag", "gap", "seq > max(dev, seq) + 1"),
    ("tag", "skew", "abs(rx - ts) > 10m"),
    ("tag", "size_dev", "zscore(dev, sz) > 6"),
]

let arguments = CommandLine.arguments
guard arguments.count == 3, ["parse", "rules"].contains(arguments[1]), let file = fopen(arguments[2], "r") else {
    print("usage: ExprBench parse|rules FILE.ndjson")
    exit(64)
}
var input: [UInt8] = []
var chunk = [UInt8](repeating: 0, count: 1 << 20)
while case let count = fread(&chunk, 1, chunk.count, file), count > 0 { input += chunk[0..<count] }
fclose(file)

let entries = try rules.map { rule in
    ExprEntry(try ExprParser.parse(rule.source, file: "default.rules"), result: .condition, identity: rule.name)
}
let program = try ExprProgram(compiling: entries, file: "default.rules", maxKeys: 100_000)
let parser = JSONParser(capacity: 1 << 16)
let timesRules = arguments[1] == "rules"
let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: (1 << 16) + JSONParser.padding, alignment: 64)
// Actions as integers (0 keep, 1 drop, 2 tag), so the loop costs only the program.
let actions = UnsafeMutablePointer<Int>.allocate(capacity: rules.count)
for (index, rule) in rules.enumerated() { actions[index] = rule.action == "keep" ? 0 : rule.action == "drop" ? 1 : 2 }
let hits = UnsafeMutablePointer<Int>.allocate(capacity: rules.count)
hits.initialize(repeating: 0, count: rules.count)
let ruleCount = rules.count
/// The timed loop, in a function: top-level code runs on the main actor,
/// and its globals cost an executor check per access (~70 instructions per record).
func run(_ program: ExprProgram, _ parser: JSONParser, _ input: [UInt8], _ scratch: UnsafeMutableRawBufferPointer,
         _ actions: UnsafeMutablePointer<Int>, _ hits: UnsafeMutablePointer<Int>, _ ruleCount: Int,
         _ timesRules: Bool) -> (records: Int, invalid: Int, seconds: Double) {
    var records = 0, invalid = 0
    var start = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    input.withUnsafeBytes { bytes in
        var offset = 0
        while offset < bytes.count {
            let rest = bytes.count - offset
            let newline = memchr(bytes.baseAddress! + offset, 0x0A, rest)
            let end = newline.map { bytes.baseAddress!.distance(to: UnsafeRawPointer($0)) } ?? bytes.count
            let line = UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
            offset = end + 1
            guard line.count <= 1 << 16, line.count > 0 else { continue }
            records += 1
            UnsafeMutableRawBufferPointer(rebasing: scratch[0..<line.count]).copyMemory(from: line)
            guard case .success(let root) = parser.parse(padded: UnsafeRawBufferPointer(rebasing: scratch[0..<line.count])) else {
                invalid += 1
                continue
            }
            guard timesRules else { continue }
            program.load(root)
            for index in 0..<ruleCount {
                let matched = program.condition(index)
                if matched { hits[index] += 1 }
                let action = actions[index]
                if action == 1 && matched || action == 0 && !matched { break }
            }
        }
    }
    var stop = timespec()
    clock_gettime(CLOCK_MONOTONIC, &stop)
    return (records, invalid, Double(stop.tv_sec - start.tv_sec) + Double(stop.tv_nsec - start.tv_nsec) / 1e9)
}

let (records, invalid, seconds) = run(program, parser, input, scratch, actions, hits, ruleCount, timesRules)
print("\(arguments[1]): \(records) records (\(invalid) invalid), \(Int(seconds * 1e9 / Double(max(records, 1)))) ns/record, \(Int(Double(records) / seconds)) records/s")
if timesRules {
    print("hits: " + rules.indices.map { "\(rules[$0].name)=\(hits[$0])" }.joined(separator: " "))
    print("keys: \(program.keysTracked), evictions: \(program.evictions), bytes per key: \(program.bytesPerKey)")
}
